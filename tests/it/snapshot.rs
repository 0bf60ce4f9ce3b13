//! The snapshot store, including proof that insta itself reads the files we write.

use std::path::{Path, PathBuf};

use sp_contract::evidence::snapshot::{
    snapshot_name, SnapshotError, SnapshotOutcome, SnapshotStore,
};

const SOURCE: &str = "features/cpr/opslag.feature";
const EXPRESSION: &str = "Kendt borger: fulde stamdata";
// As the normaliser hands it over: the CPR number already masked.
const CONTENT: &str =
    "<borger>\n  <navn>Søren Ærø Ågesen</navn>\n  <cpr>010101-xxxx</cpr>\n</borger>\n";

fn stem() -> String {
    snapshot_name("opslag", EXPRESSION, None)
}

fn snap(root: &Path) -> PathBuf {
    root.join(format!("{}.snap", stem()))
}

fn snap_new(root: &Path) -> PathBuf {
    root.join(format!("{}.snap.new", stem()))
}

fn store(root: &Path, update: bool) -> SnapshotStore {
    SnapshotStore::new(root.to_path_buf(), update)
}

/// Identity of the file on disk: a rewrite (temporary file + rename) changes it.
#[cfg(unix)]
fn file_id(p: &Path) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(p).unwrap();
    (m.ino(), m.modified().unwrap())
}
#[cfg(not(unix))]
fn file_id(p: &Path) -> ((), std::time::SystemTime) {
    ((), std::fs::metadata(p).unwrap().modified().unwrap())
}

#[test]
fn missing_then_created_then_matched() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots").join("test");

    // Missing: reported, and the actual content left as .snap.new for review.
    let err = store(&root, false)
        .check(&stem(), SOURCE, EXPRESSION, CONTENT)
        .unwrap_err();
    match &err {
        SnapshotError::Missing { path, new_path } => {
            assert_eq!(path, &snap(&root));
            assert_eq!(new_path, &snap_new(&root));
        }
        other => panic!("expected Missing, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("--update-snapshots"), "{message}");
    assert!(message.contains("commit"), "{message}");
    assert!(!snap(&root).exists());
    let pending = std::fs::read_to_string(snap_new(&root)).unwrap();
    assert_eq!(
        pending,
        format!("---\nsource: {SOURCE}\nexpression: \"{EXPRESSION}\"\n---\n{CONTENT}"),
        "insta's layout, byte for byte"
    );

    // Update creates the .snap and clears the .snap.new.
    let created = store(&root, true)
        .check(&stem(), SOURCE, EXPRESSION, CONTENT)
        .unwrap();
    assert_eq!(created, SnapshotOutcome::Created(snap(&root)));
    assert_eq!(std::fs::read_to_string(snap(&root)).unwrap(), pending);
    assert!(!snap_new(&root).exists());

    // Checking again matches; whitespace at the end and CRLF line endings do not matter.
    let before = file_id(&snap(&root));
    let crlf = format!("{}  \r\n\r\n", CONTENT.replace('\n', "\r\n"));
    for (update, content) in [
        (false, CONTENT),
        (true, CONTENT),
        (false, crlf.as_str()),
        (true, crlf.as_str()),
    ] {
        let outcome = store(&root, update)
            .check(&stem(), SOURCE, EXPRESSION, content)
            .unwrap();
        assert_eq!(outcome, SnapshotOutcome::Matched, "update={update}");
    }
    assert_eq!(
        file_id(&snap(&root)),
        before,
        "an unchanged snapshot is not rewritten"
    );
    assert!(!snap_new(&root).exists());
}

#[test]
fn mismatch_then_update() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    store(&root, true)
        .check(&stem(), SOURCE, EXPRESSION, CONTENT)
        .unwrap();
    let approved = std::fs::read_to_string(snap(&root)).unwrap();

    let changed = CONTENT.replace("010101-xxxx", "020202-xxxx");
    let err = store(&root, false)
        .check(&stem(), SOURCE, EXPRESSION, &changed)
        .unwrap_err();
    let SnapshotError::Mismatch {
        path,
        new_path,
        diff,
    } = &err
    else {
        panic!("expected Mismatch, got {err:?}");
    };
    assert_eq!(path, &snap(&root));
    assert_eq!(new_path, &snap_new(&root));
    assert!(diff.contains("--- approved"), "{diff}");
    assert!(diff.contains("+++ actual"), "{diff}");
    assert!(diff.contains("\n-  <cpr>010101-xxxx</cpr>\n"), "{diff}");
    assert!(diff.contains("\n+  <cpr>020202-xxxx</cpr>\n"), "{diff}");
    assert!(
        diff.contains("\n   <navn>Søren Ærø Ågesen</navn>\n"),
        "context lines: {diff}"
    );
    assert!(err.to_string().contains("--update-snapshots"));
    assert_eq!(
        std::fs::read_to_string(snap(&root)).unwrap(),
        approved,
        "the approved file is untouched"
    );
    assert!(std::fs::read_to_string(snap_new(&root))
        .unwrap()
        .contains("020202-xxxx"));

    // Update after a mismatch overwrites and removes the .snap.new.
    let outcome = store(&root, true)
        .check(&stem(), SOURCE, EXPRESSION, &changed)
        .unwrap();
    assert_eq!(outcome, SnapshotOutcome::Updated(snap(&root)));
    assert!(!snap_new(&root).exists());
    assert!(std::fs::read_to_string(snap(&root))
        .unwrap()
        .ends_with("<cpr>020202-xxxx</cpr>\n</borger>\n"));

    // A stale .snap.new goes away when the content matches again, also without update.
    std::fs::write(snap_new(&root), "stale").unwrap();
    assert_eq!(
        store(&root, false)
            .check(&stem(), SOURCE, EXPRESSION, &changed)
            .unwrap(),
        SnapshotOutcome::Matched
    );
    assert!(!snap_new(&root).exists());
}

#[test]
fn leading_whitespace_and_inner_blank_lines_count() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let content = "\n  indrykket\n\n\nefter tomme linjer\n---\nslut";
    store(&root, true)
        .check(&stem(), SOURCE, EXPRESSION, content)
        .unwrap();
    assert_eq!(
        store(&root, false)
            .check(&stem(), SOURCE, EXPRESSION, content)
            .unwrap(),
        SnapshotOutcome::Matched
    );
    for different in [
        content.trim_start(),
        "\n  indrykket\n\nefter tomme linjer\n---\nslut",
    ] {
        assert!(matches!(
            store(&root, false).check(&stem(), SOURCE, EXPRESSION, different),
            Err(SnapshotError::Mismatch { .. })
        ));
    }
}

#[test]
fn malformed_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let cases = [
        ("no header", "bare indhold\n"),
        ("unclosed header", "---\nsource: x\nindhold\n"),
        (
            "bad header line",
            "---\nsource: x\nikke en nøgle\n---\nindhold\n",
        ),
        (
            "unterminated quote",
            "---\nexpression: \"abc\n---\nindhold\n",
        ),
        ("merge conflict", "<<<<<<< HEAD\n---\nsource: x\n---\na\n"),
        ("empty", ""),
    ];
    for (what, text) in cases {
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(snap(&root), text).unwrap();
        for update in [false, true] {
            let err = store(&root, update)
                .check(&stem(), SOURCE, EXPRESSION, CONTENT)
                .unwrap_err();
            match &err {
                SnapshotError::Malformed { path, reason } => {
                    assert_eq!(path, &snap(&root), "{what}");
                    assert!(!reason.is_empty());
                }
                other => panic!("{what}: expected Malformed, got {other:?}"),
            }
            assert!(err.to_string().contains(&stem()), "{what}: {err}");
            assert_eq!(
                std::fs::read_to_string(snap(&root)).unwrap(),
                text,
                "{what}: a damaged file is never overwritten"
            );
        }
    }
}

#[test]
fn header_is_refreshed_only_in_update_mode() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    store(&root, true)
        .check(&stem(), SOURCE, EXPRESSION, CONTENT)
        .unwrap();
    let original = std::fs::read_to_string(snap(&root)).unwrap();
    let moved = "features/cpr/flyttet.feature";
    assert_eq!(
        store(&root, false)
            .check(&stem(), moved, EXPRESSION, CONTENT)
            .unwrap(),
        SnapshotOutcome::Matched
    );
    assert_eq!(std::fs::read_to_string(snap(&root)).unwrap(), original);
    assert_eq!(
        store(&root, true)
            .check(&stem(), moved, EXPRESSION, CONTENT)
            .unwrap(),
        SnapshotOutcome::Matched
    );
    assert!(std::fs::read_to_string(snap(&root))
        .unwrap()
        .contains("source: features/cpr/flyttet.feature\n"));
}

#[test]
fn unsafe_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["../udenfor", "/etc/passwd", "", "a/../../b"] {
        let err = store(dir.path(), true)
            .check(bad, SOURCE, EXPRESSION, CONTENT)
            .unwrap_err();
        assert!(
            matches!(err, SnapshotError::InvalidName { .. }),
            "{bad}: {err:?}"
        );
    }
    assert!(!dir.path().parent().unwrap().join("udenfor.snap").exists());
    // A sub-folder is fine.
    let outcome = store(dir.path(), true)
        .check("cpr/opslag__x", SOURCE, EXPRESSION, CONTENT)
        .unwrap();
    assert_eq!(
        outcome,
        SnapshotOutcome::Created(dir.path().join("cpr/opslag__x.snap"))
    );
}

#[test]
fn concurrent_writers_of_different_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots/test/nye");
    std::thread::scope(|s| {
        for i in 0..16 {
            let root = root.clone();
            s.spawn(move || {
                let name = snapshot_name("opslag", &format!("Scenarie {i}"), None);
                let content = format!("svar nummer {i}\n");
                let outcome = store(&root, true)
                    .check(&name, SOURCE, &format!("Scenarie {i}"), &content)
                    .unwrap();
                assert!(matches!(outcome, SnapshotOutcome::Created(_)));
                // And without update, right away, from the same thread.
                assert_eq!(
                    store(&root, false)
                        .check(&name, SOURCE, &format!("Scenarie {i}"), &content)
                        .unwrap(),
                    SnapshotOutcome::Matched
                );
            });
        }
    });
    let entries: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries.len(), 16, "no temporary files left: {entries:?}");
    assert!(entries.iter().all(|n| n.ends_with(".snap")));
}

// ---------------------------------------------------------------------------------------
// insta reads our files

/// Header values that need YAML quoting and escaping, and content that looks like YAML.
const TRICKY_EXPRESSION: &str = "Søg: \"Ærø\" # 'å' \\ [x] {y}, 42";
const TRICKY_CONTENT: &str =
    "---\nsource: ikke en header\n  indrykket æøå\n\n\ttab\n- liste: \"nej\"\nslut  \n\n";

#[test]
fn insta_parses_our_header_and_content() {
    let dir = tempfile::tempdir().unwrap();
    let name = snapshot_name("søg", "tricky", None);
    store(dir.path(), true)
        .check(&name, SOURCE, TRICKY_EXPRESSION, TRICKY_CONTENT)
        .unwrap();
    let snap = insta::Snapshot::from_file(&dir.path().join(format!("{name}.snap")))
        .expect("insta reads the file");
    assert_eq!(snap.metadata().source(), Some(SOURCE));
    assert_eq!(snap.metadata().expression(), Some(TRICKY_EXPRESSION));
    let text = snap.as_text().expect("a text snapshot").to_string();
    assert_eq!(text, TRICKY_CONTENT.trim_end());
}

#[test]
fn insta_assert_snapshot_accepts_our_file() {
    // This is the only test in this binary that uses insta's assertion macro, so setting
    // its variables here does not affect other tests. No updates, no forced passes, and
    // metadata must match too; no `cargo metadata` run to find the workspace.
    std::env::set_var("INSTA_UPDATE", "no");
    std::env::set_var("INSTA_FORCE_PASS", "0");
    std::env::set_var("INSTA_REQUIRE_FULL_MATCH", "1");
    std::env::set_var("INSTA_WORKSPACE_ROOT", env!("CARGO_MANIFEST_DIR"));
    std::env::remove_var("INSTA_PENDING_DIR");
    std::env::remove_var("INSTA_SNAPSHOT_REFERENCES_FILE");

    let dir = tempfile::tempdir().unwrap();
    let snapshot_dir = dir.path().to_path_buf();
    let name = "interop__tricky";
    // insta records the asserting source file relative to the workspace; match it so the
    // full (metadata included) comparison applies.
    store(&snapshot_dir, true)
        .check(
            name,
            "tests/it/snapshot.rs",
            TRICKY_EXPRESSION,
            TRICKY_CONTENT,
        )
        .unwrap();
    let written = std::fs::read(snapshot_dir.join(format!("{name}.snap"))).unwrap();

    insta::with_settings!({
        snapshot_path => snapshot_dir.clone(),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, TRICKY_CONTENT, TRICKY_EXPRESSION);
    });

    // The check can fail: insta rejects different content, and a different expression.
    for (content, expression) in [
        (TRICKY_CONTENT.replace("slut", "SLUT"), TRICKY_EXPRESSION),
        (TRICKY_CONTENT.to_string(), "en anden overskrift"),
    ] {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            insta::with_settings!({
                snapshot_path => snapshot_dir.clone(),
                prepend_module_to_snapshot => false,
            }, {
                insta::assert_snapshot!(name, content, expression);
            });
        }));
        assert!(result.is_err(), "insta should reject {expression:?}");
    }
    assert_eq!(
        std::fs::read(snapshot_dir.join(format!("{name}.snap"))).unwrap(),
        written,
        "insta did not rewrite our file"
    );
    assert!(!snapshot_dir.join(format!("{name}.snap.new")).exists());
}
