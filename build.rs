//! Lists the XSDs under `schemas/` for `src/schema/store.rs`, which embeds them in the binary
//! (a user's machine has no copy of the contract packages). Every `.xsd` file is listed, so
//! the embedded set is the folder by construction.

use std::path::{Path, PathBuf};

fn main() {
    // Read when the script runs, not when it was compiled: a build script's binary may be
    // reused for another checkout of the same crate (a shared or copied target folder).
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("schemas");
    println!("cargo:rerun-if-changed=schemas");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut out = String::from("&[\n");
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .expect("below schemas/")
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo:rerun-if-changed={}", f.display());
        out.push_str(&format!(
            "    ({rel:?}, include_bytes!({:?}) as &[u8]),\n",
            f.display().to_string()
        ));
    }
    out.push(']');
    let dest =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("schemas.rs");
    std::fs::write(&dest, out).expect("write the schema list");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable schemas/ folder").path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "xsd") {
            out.push(path);
        }
    }
}
