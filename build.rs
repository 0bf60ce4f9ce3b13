//! Lists the XSDs under `schemas/` for `src/schema/store.rs`, which embeds them in the binary
//! (a user's machine has no copy of the contract packages). Every `.xsd` file is listed, so
//! the embedded set is the folder by construction.
//!
//! Also computes each part's contract fingerprint of the built-in suite (`features/`,
//! `mocks/`, `snapshots/mock/`) by the rule of `src/evidence/fingerprint.rs`, so a report
//! can say whether the suite that ran is the built-in one.

use std::path::{Path, PathBuf};

#[path = "src/evidence/fingerprint/digest.rs"]
mod digest;

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
    built_in_fingerprints(Path::new(&manifest));
}

/// `OUT_DIR/builtin_fingerprint.rs`: `&[(part, sha256)]` of the built-in suite's folders.
fn built_in_fingerprints(manifest: &Path) {
    let mut out = String::from("&[\n");
    for (part, folder) in [
        ("features", "features"),
        ("mocks", "mocks"),
        ("snapshots", "snapshots/mock"),
    ] {
        let root = manifest.join(folder);
        println!("cargo:rerun-if-changed={}", root.display());
        let mut entries = Vec::new();
        if root.is_dir() {
            suite_files(&root, &root, part, &mut entries);
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        out.push_str(&format!(
            "    ({part:?}, {:?}),\n",
            digest::digest(&entries)
        ));
    }
    out.push(']');
    let dest = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("builtin_fingerprint.rs");
    std::fs::write(&dest, out).expect("write the built-in fingerprints");
}

/// The part's files as the fingerprint names them (`part/rel`): `.feature` files for
/// `features`, else every regular file but an unapproved `*.snap.new`. The built-in suite
/// has no links.
fn suite_files(root: &Path, dir: &Path, part: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable suite folder").path();
        let name = path.to_string_lossy();
        if path.is_dir() {
            suite_files(root, &path, part, out);
        } else if path.is_file()
            && !name.ends_with(".snap.new")
            && (part != "features" || name.ends_with(".feature"))
        {
            let rel = path
                .strip_prefix(root)
                .expect("below the folder")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let content =
                std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push((format!("{part}/{rel}"), content));
        }
    }
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
