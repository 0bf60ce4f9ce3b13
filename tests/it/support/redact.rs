//! Whole outputs made stable for goldens, as nextest does: what differs from run to run or
//! from machine to machine (durations, ports, temp and checkout paths, dates and times, the
//! tool's version, UUIDs made during the run, the test PKI's fingerprints and serials, the
//! contract fingerprint's hashes, days left on a certificate) becomes a placeholder such as
//! `[duration]`; everything else is kept byte for byte. The rule it keeps: a redaction never
//! eats content a test could mean (a masked CPR number, an SF number, a serviceaftale UUID, a
//! configured time-out, a birth date in a message), so each rule matches a shape that only
//! run-time values have.

use regex::Regex;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `text` with every run- or machine-dependent part replaced by its placeholder.
pub fn redact(text: &str) -> String {
    let mut out = text.replace("\r\n", "\n");
    // Paths first, longest first: the target's tmp folder lies inside the checkout.
    for (path, placeholder) in paths() {
        out = out.replace(path.as_str(), placeholder);
    }
    for (re, with) in rules() {
        out = re.replace_all(&out, *with).into_owned();
    }
    let known = known_uuids();
    out = uuid_re()
        .replace_all(&out, |c: &regex::Captures<'_>| {
            let id = &c[0];
            if known.contains(&id.to_ascii_lowercase()) {
                id.to_string()
            } else {
                "[uuid]".to_string()
            }
        })
        .into_owned();
    if let Some(host) = host_name() {
        let re = Regex::new(&format!(r"\b{}\b", regex::escape(&host))).unwrap();
        out = re.replace_all(&out, "[host]").into_owned();
    }
    out
}

/// Literal paths and their placeholders, longest first.
fn paths() -> &'static [(String, &'static str)] {
    static PATHS: OnceLock<Vec<(String, &'static str)>> = OnceLock::new();
    PATHS.get_or_init(|| {
        let mut v = vec![
            (env!("CARGO_TARGET_TMPDIR").to_string(), "[target-tmp]"),
            (env!("CARGO_MANIFEST_DIR").to_string(), "[repo]"),
        ];
        v.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        v
    })
}

/// Shape rules, applied in order.
fn rules() -> &'static [(Regex, &'static str)] {
    static RULES: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    RULES.get_or_init(|| {
        let tmp = regex::escape(std::env::temp_dir().to_string_lossy().trim_end_matches('/'));
        let version = regex::escape(env!("CARGO_PKG_VERSION"));
        [
            // A test's temp dir (tempfile's `.tmpXXXXXX`, mktemp's `tmp.XXXXXXXXXX`).
            (format!(r"{tmp}/\.tmp[A-Za-z0-9]{{6}}"), "[tmp]"),
            (format!(r"{tmp}/tmp\.[A-Za-z0-9]{{10}}"), "[tmp]"),
            (format!(r"sp-contract {version}\b"), "sp-contract [version]"),
            // Ports the OS hands out (ports below 1000, like `:9`, are chosen by a test).
            (
                r"\b(127\.0\.0\.\d{1,3}|localhost|\[::1\]):\d{4,5}\b".into(),
                "$1:[port]",
            ),
            // Dates with a time: ISO (with `T` or a space, fractions, offset or ` UTC`), the
            // STS's `MM/DD/YYYY HH:MM:SS` and Danish `DD-MM-YYYY HH:MM` / `DD.MM.YYYY kl. HH.MM`.
            // A date alone (a birth date in a message) is content.
            (
                r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}| UTC)?"
                    .into(),
                "[date]",
            ),
            (r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}\b".into(), "[date]"),
            (
                r"\b\d{2}[.-]\d{2}[.-]\d{4},?( kl\.)? \d{2}[:.]\d{2}([:.]\d{2})?\b".into(),
                "[date]",
            ),
            // A time of day with milliseconds: the mock's journal lines (a time alone, without
            // them, may be content).
            (r"\b\d{2}:\d{2}:\d{2}\.\d{3}\b".into(), "[time]"),
            // Measured durations: JUnit's `time="0.156"`, decimals with a unit, and whole
            // numbers in parentheses (`(64 ms)`). A whole number outside parentheses (`700 ms`,
            // `30 s`) is a configured time-out and stays.
            (r#"time="\d+(\.\d+)?""#.into(), r#"time="[duration]""#),
            (r"\b\d+\.\d+ ?(ms|s)\b".into(), "[duration]"),
            (r"\(\d+ ?(ms|s)\)".into(), "([duration])"),
            // The test PKI is made per machine: its fingerprints, serials and days left.
            (r"\b([0-9A-F]{2}:){31}[0-9A-F]{2}\b".into(), "[cert-sha256]"),
            (r"\b[0-9A-F]{32,40}\b".into(), "[serial]"),
            (r"\b\d+ more days\b".into(), "[n] more days"),
            (r"\b\d+ day\(s\) (left|ago)\b".into(), "[n] day(s) $1"),
            (r"\b\d+ dag\(e\) (tilbage|siden)".into(), "[n] dag(e) $1"),
            (r"\bdays left:( +)\d+\b".into(), "days left:$1[n]"),
            // The contract fingerprint hashes every byte of features/, mocks/ and snapshots/:
            // it changes with any data file (report_html.rs checks it against `fingerprint`).
            (r"\b[0-9a-f]{64}\b".into(), "[sha256]"),
            // How many files the built-in suite has changes with every scenario added.
            (r"\b\d+ (file\(s\)|fil\(er\))".into(), "[n] $1"),
            (
                r"((?:file\(s\)|fil\(er\)),? (?:· )?(?:<code>|`)?)[0-9a-f]{16}\b".into(),
                "$1[hash]",
            ),
            // The suite's git commit, and whether the checkout has uncommitted changes, differ
            // with every commit and working tree.
            (
                r"\b[0-9a-f]{40}\b(</code>|`)?( with \d+ uncommitted change\(s\) in the features folder| med \d+ ikke-committede ændring\(er\) i features-mappen)?".into(),
                "[commit]$1",
            ),
            // The evidence reports' host row (a short host name is an ordinary word elsewhere).
            (
                r"\b(Host|Maskine)( \| |</th><td>)([^|<\n]*[^|<\n ])".into(),
                "$1$2[host]",
            ),
        ]
        .into_iter()
        .map(|(re, with)| (Regex::new(&re).unwrap(), with))
        .collect()
    })
}

fn uuid_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
            .unwrap()
    })
}

/// Every UUID written in the repository's data (features, mocks, snapshots, the example
/// config) or in the tests' sources: those are content. Any other UUID was made during the
/// run (a TransaktionsId, a MessageUUID).
fn known_uuids() -> &'static HashSet<String> {
    static KNOWN: OnceLock<HashSet<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![repo.join("sp-contract.example.toml")];
        for dir in ["features", "mocks", "snapshots", "tests/it"] {
            walk(&repo.join(dir), &mut files);
        }
        files
            .iter()
            .filter_map(|f| std::fs::read(f).ok())
            .flat_map(|bytes| {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                uuid_re()
                    .find_iter(&text)
                    .map(|m| m.as_str().to_ascii_lowercase())
                    .collect::<Vec<_>>()
            })
            .collect()
    })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// This machine's name, if it is long enough not to be an ordinary word.
fn host_name() -> Option<String> {
    static HOST: OnceLock<Option<String>> = OnceLock::new();
    HOST.get_or_init(|| {
        let name = std::env::var("HOSTNAME")
            .ok()
            .or_else(|| std::fs::read_to_string("/etc/hostname").ok())?;
        let name = name.trim().to_string();
        (name.len() >= 6 && name != "localhost").then_some(name)
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn run_time_values_become_placeholders() {
        let tmp = std::env::temp_dir().join(".tmpAb12Cd");
        let text = format!(
            "✔ x.feature:5  Død borger  (0.07 s)\n\
             took 12 ms in 1.2 s, then 0.03s; probe (64 ms)\n\
             <testsuite time=\"0.156\" timestamp=\"2026-11-30T06:37:35\">\n\
             Date 2026-11-30 06:37:35 UTC, at 2026-11-30T06:37:35.123+01:00, STS 11/30/2026 06:37:35\n\
             dansk 30-11-2026 06:37 og 30.11.2026 kl. 06.37\n\
             mock https://127.0.0.1:43127 and localhost:8443\n\
             snapshot {}/snapshots/mock/x.snap\n\
             certs {}/test-certs/client.p12, repo {}/features\n\
             sp-contract {} — target 'mock'\n\
             TransaktionsId: {}\n\
             SHA-256    9F:67:CA:74:E3:1E:77:25:5E:10:FE:88:4B:5C:ED:8A:6A:33:C8:AB:E2:3C:EF:7A:66:C4:BB:68:C7:7A:7A:BE\n\
             Serial 4D58C8E167DB196D4403740532311264187A16AD\n\
             valid for 729 more days (729 day(s) left), days left:   729, expired (30 day(s) ago)\n\
             sha256:83a7c0d45cb53036774ddf9340c43f5e64c99b8e413fb0b19a49657650d43eb0, features: 17 file(s), 1ea9c69618e2f598\n",
            tmp.display(),
            env!("CARGO_TARGET_TMPDIR"),
            env!("CARGO_MANIFEST_DIR"),
            env!("CARGO_PKG_VERSION"),
            // Made now: in no data file and no test source.
            uuid::Uuid::new_v4(),
        );
        assert_eq!(
            redact(&text),
            "✔ x.feature:5  Død borger  ([duration])\n\
             took 12 ms in [duration], then [duration]; probe ([duration])\n\
             <testsuite time=\"[duration]\" timestamp=\"[date]\">\n\
             Date [date], at [date], STS [date]\n\
             dansk [date] og [date]\n\
             mock https://127.0.0.1:[port] and localhost:[port]\n\
             snapshot [tmp]/snapshots/mock/x.snap\n\
             certs [target-tmp]/test-certs/client.p12, repo [repo]/features\n\
             sp-contract [version] — target 'mock'\n\
             TransaktionsId: [uuid]\n\
             SHA-256    [cert-sha256]\n\
             Serial [serial]\n\
             valid for [n] more days ([n] day(s) left), days left:   [n], expired ([n] day(s) ago)\n\
             sha256:[sha256], features: [n] file(s), [hash]\n"
        );
    }

    #[test]
    fn content_survives() {
        // The serviceaftale for SF1520 in mocks/platform.json, the it-system and a test's own
        // constant; a masked CPR number, SF numbers, CVR, KLE, a birth date in a message,
        // configured time-outs and a port a test chose.
        let text = "SF1520: serviceaftale 677e8b63-6877-4d6c-bd3c-1f1dd02fea39 is approved\n\
                    it-system 903C9E8B-9112-4E92-9860-3C82EAE5D61E, unknown ffffffff-ffff-4fff-bfff-ffffffffffff\n\
                    '321380-xxxx' is not a CPR number; 150380_xxxx__opslag.snap\n\
                    SF1601, SF2900 for CVR 29189846, KLE 32.30.04, 00-00-1900 is not a valid birth date\n\
                    no answer within 700 ms; inden 30 s.; https://127.0.0.1:9 and https://0.0.0.0:9\n\
                    <dato>2024-02-14</dato> <vejkode>4730</vejkode> line 57 (line 57)\n\
                    sp-contract run --target mock --service SF1470\n";
        assert_eq!(redact(text), text);
    }

    #[test]
    fn windows_line_ends_become_unix_ones() {
        assert_eq!(redact("a\r\nb\n"), "a\nb\n");
    }
}
