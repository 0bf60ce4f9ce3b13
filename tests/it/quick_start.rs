//! The README's Quick start puts `sp-contract` on PATH with `cargo install --locked --path .`:
//! the command is there, the package installs a binary of that name, and `--locked` has a
//! lock file to hold to.

use crate::support::run::repo;

#[test]
fn the_quick_start_installs_sp_contract_on_path() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme
        .find("## Quick start")
        .expect("a Quick start section");
    let end = start
        + readme[start..]
            .find("\n## Exit codes")
            .expect("the next section");
    let quick = &readme[start..end];
    assert!(quick.contains("cargo install --locked --path ."), "{quick}");
    assert!(quick.contains("sp-contract run"), "{quick}");
    let cargo = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&cargo).expect("Cargo.toml parses");
    let bins = manifest["bin"].as_array().expect("[[bin]]");
    assert!(
        bins.iter()
            .any(|b| b["name"].as_str() == Some("sp-contract")),
        "cargo install must install a binary named sp-contract: {bins:?}"
    );
    assert!(
        repo().join("Cargo.lock").is_file(),
        "--locked needs Cargo.lock"
    );
}
