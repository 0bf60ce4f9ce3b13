//! Report writers, checked by reading their output back, and whole against their goldens
//! (`tests/it/goldens/reports_*.snap`): the run is built by hand, so nothing is redacted.

use crate::support::golden::{golden, golden_exact};
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use sp_contract::report::{
    merge_junit, write_cucumber_json, write_junit, ConsoleReporter, ReportError,
};
use sp_contract::runner::model::{
    FailureKind, FeatureResult, RunResult, ScenarioResult, Status, StepArgument, StepFailure,
    StepResult,
};

// ------------------------------------------------------------------------------------
// A run built by hand

const NASTY_MESSAGE: &str =
    "Forventede status 404 & \"ingen\" <borger> 'x'\u{1}\u{1b}[31m i svaret\nAnden linje med detaljer";
const DIFF: &str = "--- approved\n+++ actual\n@@ -1,2 +1,2 @@\n <svar>\n-  <status>404</status>\n+  <status>200</status>\n";

fn step(keyword: &str, text: &str, line: usize, status: Status, ms: u64) -> StepResult {
    StepResult {
        keyword: keyword.to_string(),
        text: text.to_string(),
        line,
        status,
        duration: Duration::from_millis(ms),
        failure: None,
        argument: None,
    }
}

/// The step with its docstring or table, as the runner carries it.
fn with_argument(mut s: StepResult, argument: StepArgument) -> StepResult {
    s.argument = Some(argument);
    s
}

fn failed(mut s: StepResult, kind: FailureKind, message: &str, diff: Option<&str>) -> StepResult {
    s.status = Status::Failed;
    s.failure = Some(StepFailure {
        kind,
        message: message.to_string(),
        diff: diff.map(str::to_string),
    });
    s
}

fn scenario(name: &str, line: usize, tags: &[&str], steps: Vec<StepResult>) -> ScenarioResult {
    let duration = steps.iter().map(|s| s.duration).sum::<Duration>() + Duration::from_millis(5);
    ScenarioResult {
        name: name.to_string(),
        line,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        steps,
        duration,
        earlier_attempts: Vec::new(),
        warnings: Vec::new(),
    }
}

fn run() -> RunResult {
    use Status::*;
    let cpr = FeatureResult {
        name: "CPR-opslag: æøå & <venner>".to_string(),
        path: PathBuf::from("cpr/opslag.feature"),
        line: 3,
        tags: vec!["@cpr".to_string()],
        scenarios: vec![
            scenario(
                "Kendt borger: fulde stamdata",
                5,
                &["@cpr", "@smoke"],
                vec![
                    step("Givet ", "en kendt borger med CPR 0101011234", 6, Passed, 2),
                    with_argument(
                        step("Når ", "jeg slår borgeren op med forespørgslen:", 7, Passed, 120),
                        StepArgument::DocString("<Forespørgsel>\n  <cpr>0101011234</cpr> & \"x\"\n</Forespørgsel>".into()),
                    ),
                    with_argument(
                        step("Så ", "svaret har felterne:", 8, Passed, 3),
                        StepArgument::Table(vec![
                            vec!["felt".into(), "værdi".into()],
                            vec!["persondata/navn".into(), "Æble | <Ø>".into()],
                        ]),
                    ),
                ],
            ),
            scenario(
                "Ukendt borger",
                11,
                &["@cpr"],
                vec![
                    step("Givet ", "et CPR-nummer der ikke findes", 12, Passed, 1),
                    failed(
                        step("Så ", "svarer servicen med status 404", 13, Passed, 80),
                        FailureKind::Contract,
                        NASTY_MESSAGE,
                        Some(DIFF),
                    ),
                    step("Og ", "fejlteksten er på dansk", 14, Skipped, 0),
                ],
            ),
            scenario(
                "Tidsgrænse overskredet",
                20,
                &["@cpr"],
                vec![failed(
                    step("Når ", "jeg slår borgeren op", 21, Passed, 30_000),
                    FailureKind::Transport,
                    "Forbindelsen til sp.example.dk blev ikke oprettet inden 30 s.\nTjek netværk og certifikat.",
                    None,
                )],
            ),
            scenario(
                "Trin uden definition",
                25,
                &["@cpr"],
                vec![
                    step("Givet ", "en borger på månen", 26, Undefined, 0),
                    step("Så ", "svarer servicen", 27, Skipped, 0),
                ],
            ),
            scenario(
                "Springes over",
                30,
                &["@cpr", "@wip"],
                vec![step("Givet ", "noget", 31, Skipped, 0)],
            ),
            // Same name as the first scenario: the model promises not to, but if it does,
            // the JUnit file must still have unique classname + name.
            scenario(
                "Kendt borger: fulde stamdata",
                35,
                &["@cpr"],
                vec![step("Givet ", "en kendt borger", 36, Passed, 4)],
            ),
        ],
    };
    let ydelse = FeatureResult {
        name: "Ydelser til børn".to_string(),
        path: PathBuf::from("ydelse/børn/søg.feature"),
        line: 1,
        tags: vec![],
        scenarios: vec![
            scenario(
                "Søg på barn",
                4,
                &[],
                vec![step("Givet ", "et barn", 5, Passed, 7)],
            ),
            scenario(
                "Alias mangler",
                9,
                &["@ydelse"],
                vec![failed(
                    step("Givet ", "borgeren \"mor\"", 10, Passed, 0),
                    FailureKind::Input,
                    "Aliaset \"mor\" findes ikke for målet test.",
                    None,
                )],
            ),
        ],
    };
    RunResult {
        target: "test".to_string(),
        started_at: time::macros::datetime!(2025-03-04 05:06:07.891 +01:00),
        duration: Duration::from_millis(31_420),
        features: vec![cpr, ydelse],
    }
}

// ------------------------------------------------------------------------------------
// A tiny XML tree, built with quick-xml, independent of the writer's own parser

#[derive(Debug, Clone)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<El>,
    text: String,
}

impl El {
    fn attr(&self, name: &str) -> &str {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("<{}> has no {name}: {:?}", self.name, self.attrs))
    }
    fn all(&self, name: &str) -> Vec<&El> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
    fn one(&self, name: &str) -> &El {
        let all = self.all(name);
        assert_eq!(all.len(), 1, "<{}> should have one <{name}>", self.name);
        all[0]
    }
    fn count(&self, name: &str) -> usize {
        self.all(name).len()
    }
}

fn parse_xml(xml: &str) -> El {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<El> = vec![];
    let mut root = None;
    let open = |e: &quick_xml::events::BytesStart<'_>| El {
        name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.unescape_value().unwrap().into_owned(),
                )
            })
            .collect(),
        children: vec![],
        text: String::new(),
    };
    loop {
        let mut done = None;
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(open(&e)),
            Event::Empty(e) => done = Some(open(&e)),
            Event::End(_) => done = stack.pop(),
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                let s = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => match r.decode().unwrap().as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("unknown entity {other}"),
                    },
                };
                stack.last_mut().unwrap().text.push_str(&s);
            }
            Event::CData(t) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&t.decode().unwrap()),
            Event::Eof => break,
            _ => {}
        }
        if let Some(el) = done {
            match stack.last_mut() {
                Some(p) => p.children.push(el),
                None => {
                    assert!(root.is_none(), "one root");
                    root = Some(el)
                }
            }
        }
    }
    assert!(stack.is_empty(), "all elements closed");
    root.expect("a root element")
}

fn junit_string(run: &RunResult) -> String {
    let mut out = Vec::new();
    write_junit(run, &mut out).unwrap();
    String::from_utf8(out).expect("UTF-8")
}

/// Every character is one XML 1.0 allows, and no ANSI escape survived.
fn assert_only_xml_chars(xml: &str) {
    for (i, c) in xml.char_indices() {
        let ok = matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}');
        assert!(ok, "illegal character {c:?} at byte {i}");
    }
}

/// Well-formedness by libxml2 too; without xmllint the test fails loudly (it would otherwise
/// have checked with quick-xml only).
fn xmllint_ok(path: &std::path::Path) {
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg(path)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run xmllint ({e}): this test needs it: run `scripts/install-deps --test` \
                 (Debian package libxml2-utils)"
            )
        });
    assert!(
        out.status.success(),
        "xmllint rejects {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

// ------------------------------------------------------------------------------------
// JUnit

#[test]
fn junit_structure_counts_and_classification() {
    let xml = junit_string(&run());
    // The whole file: steps in <system-out>, masked CPR numbers, failure bodies with the
    // message's later lines and the diff.
    golden_exact("reports_junit", &xml);
    let root = parse_xml(&xml);

    assert_eq!(root.name, "testsuites");
    assert_eq!(root.attr("name"), "sp-contract");
    assert_eq!(root.attr("tests"), "8");
    assert_eq!(root.attr("failures"), "1", "only the contract breach");
    assert_eq!(
        root.attr("errors"),
        "3",
        "transport + undefined + input are errors"
    );
    assert_eq!(root.attr("skipped"), "1");
    assert_eq!(root.attr("time"), "31.420");

    let suites = root.all("testsuite");
    assert_eq!(suites.len(), 2);
    let cpr = suites[0];
    assert_eq!(cpr.attr("name"), "CPR-opslag: æøå & <venner>");
    assert_eq!(
        (
            cpr.attr("tests"),
            cpr.attr("failures"),
            cpr.attr("errors"),
            cpr.attr("skipped")
        ),
        ("6", "1", "2", "1")
    );
    assert_eq!(
        cpr.attr("timestamp"),
        "2025-03-04T04:06:07",
        "UTC, no offset"
    );
    let ydelse = suites[1];
    assert_eq!(
        (
            ydelse.attr("tests"),
            ydelse.attr("failures"),
            ydelse.attr("errors")
        ),
        ("2", "0", "1")
    );
    let props = cpr.one("properties").all("property");
    assert!(props
        .iter()
        .any(|p| p.attr("name") == "target" && p.attr("value") == "test"));

    let time_re = regex::Regex::new(r"^\d+\.\d{3}$").unwrap();
    for suite in &suites {
        assert!(
            time_re.is_match(suite.attr("time")),
            "{}",
            suite.attr("time")
        );
        for case in suite.all("testcase") {
            assert!(time_re.is_match(case.attr("time")), "{}", case.attr("time"));
            assert!(!case.attr("classname").contains(' '));
        }
    }

    let cases: Vec<&El> = suites.iter().flat_map(|s| s.all("testcase")).collect();
    assert_eq!(cases.len(), 8);
    let mut keys = HashSet::new();
    for c in &cases {
        assert!(
            keys.insert((c.attr("classname").to_string(), c.attr("name").to_string())),
            "classname + name repeated: {} / {}",
            c.attr("classname"),
            c.attr("name")
        );
    }
    let case = |name: &str| -> &El {
        cases
            .iter()
            .find(|c| c.attr("name") == name)
            .unwrap_or_else(|| panic!("no testcase {name}"))
    };

    // Classnames from paths.
    assert_eq!(
        case("Kendt borger: fulde stamdata").attr("classname"),
        "cpr.opslag"
    );
    assert_eq!(case("Søg på barn").attr("classname"), "ydelse.børn.søg");
    // The repeated name got a number.
    let second = case("Kendt borger: fulde stamdata (2)");
    assert_eq!(second.attr("classname"), "cpr.opslag");

    // Passed: no failure, error or skipped.
    let passed = case("Kendt borger: fulde stamdata");
    for el in ["failure", "error", "skipped"] {
        assert_eq!(passed.count(el), 0);
    }
    // The writer masks CPR numbers itself, whatever the run model holds.
    assert!(!xml.contains("0101011234"));

    // Contract breach: <failure>, one-line message, escaped and cleaned.
    let contract = case("Ukendt borger");
    assert_eq!(contract.count("error"), 0);
    let failure = contract.one("failure");
    assert_eq!(failure.attr("type"), "contract");
    assert_eq!(
        failure.attr("message"),
        "Forventede status 404 & \"ingen\" <borger> 'x' i svaret",
        "first line, special characters intact, control characters and ANSI codes gone"
    );

    // Transport: <error type="transport">.
    let transport = case("Tidsgrænse overskredet");
    assert_eq!(transport.count("failure"), 0);
    let error = transport.one("error");
    assert_eq!(error.attr("type"), "transport");
    assert_eq!(
        error.attr("message"),
        "Forbindelsen til sp.example.dk blev ikke oprettet inden 30 s."
    );

    // Undefined: <error type="undefined"> naming the step.
    let undefined = case("Trin uden definition").one("error");
    assert_eq!(undefined.attr("type"), "undefined");

    // Input: <error type="input">.
    let input = case("Alias mangler").one("error");
    assert_eq!(input.attr("type"), "input");
    assert_eq!(
        input.attr("message"),
        "Aliaset \"mor\" findes ikke for målet test."
    );

    // Skipped.
    let skipped = case("Springes over");
    assert_eq!(skipped.count("skipped"), 1);
    assert_eq!(skipped.count("failure") + skipped.count("error"), 0);
}

#[test]
fn junit_text_is_legal_xml_and_keeps_danish_letters() {
    let xml = junit_string(&run());
    assert_only_xml_chars(&xml);
    assert!(!xml.contains('\u{1b}'), "no ANSI escape");
    assert!(
        xml.contains("æøå"),
        "Danish letters written as UTF-8, not as references"
    );
    assert!(xml.contains("&amp;") && xml.contains("&lt;") && xml.contains("&quot;"));
    assert!(xml.contains("&apos;"));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml");
    std::fs::write(&path, &xml).unwrap();
    xmllint_ok(&path);
}

#[test]
fn junit_for_an_empty_run_is_valid() {
    let mut r = run();
    r.features.clear();
    let root = parse_xml(&junit_string(&r));
    assert_eq!(root.attr("tests"), "0");
    assert_eq!(root.count("testsuite"), 0);
}

#[test]
fn merge_adds_up_shards() {
    let dir = tempfile::tempdir().unwrap();
    let full = run();
    let mut shard_a = full.clone();
    shard_a.features.truncate(1);
    shard_a.duration = Duration::from_millis(1_500);
    let mut shard_b = full.clone();
    shard_b.features.remove(0);
    shard_b.duration = Duration::from_millis(2_250);
    // The same feature again in a third shard, to prove names stay unique.
    let mut shard_c = full.clone();
    shard_c.features.remove(0);
    shard_c.duration = Duration::from_millis(250);

    let paths: Vec<PathBuf> = [("a", &shard_a), ("b", &shard_b), ("c", &shard_c)]
        .iter()
        .map(|(n, r)| {
            let p = dir.path().join(format!("{n}.xml"));
            std::fs::write(&p, junit_string(r)).unwrap();
            p
        })
        .collect();

    let mut out = Vec::new();
    merge_junit(&paths, &mut out).unwrap();
    let merged = String::from_utf8(out).unwrap();
    assert_only_xml_chars(&merged);
    let merged_path = dir.path().join("merged.xml");
    std::fs::write(&merged_path, &merged).unwrap();
    xmllint_ok(&merged_path);

    let root = parse_xml(&merged);
    assert_eq!(root.name, "testsuites");
    assert_eq!(root.attr("tests"), "10", "6 + 2 + 2");
    assert_eq!(root.attr("failures"), "1");
    assert_eq!(root.attr("errors"), "4", "2 + 1 + 1");
    assert_eq!(root.attr("skipped"), "1");
    assert_eq!(root.attr("time"), "4.000");
    assert_eq!(root.count("testsuite"), 3);

    let mut keys = HashSet::new();
    for case in root.all("testsuite").iter().flat_map(|s| s.all("testcase")) {
        assert!(keys.insert((
            case.attr("classname").to_string(),
            case.attr("name").to_string()
        )));
    }
    assert!(keys.contains(&("ydelse.børn.søg".to_string(), "Søg på barn (2)".to_string())));

    // Contents survive the round trip: the failure text, escaped characters and all.
    let original = parse_xml(&junit_string(&shard_a));
    let orig_failure = &original.all("testsuite")[0]
        .all("testcase")
        .into_iter()
        .find(|c| c.attr("name") == "Ukendt borger")
        .unwrap()
        .one("failure")
        .clone();
    let merged_failure = root.all("testsuite")[0]
        .all("testcase")
        .into_iter()
        .find(|c| c.attr("name") == "Ukendt borger")
        .unwrap()
        .one("failure");
    assert_eq!(merged_failure.text, orig_failure.text);
    assert_eq!(merged_failure.attr("message"), orig_failure.attr("message"));
    // Suite counts are recomputed and match the original ones.
    let first = root.all("testsuite")[0];
    assert_eq!(
        (
            first.attr("tests"),
            first.attr("failures"),
            first.attr("errors"),
            first.attr("skipped")
        ),
        ("6", "1", "2", "1")
    );
}

#[test]
fn merge_rejects_what_is_not_junit() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    std::fs::write(&bad, "<testsuites><testsuite></testsuites>").unwrap();
    let err = merge_junit(&[&bad], &mut Vec::new()).unwrap_err();
    assert!(
        matches!(&err, ReportError::Malformed { path, .. } if path == &bad),
        "{err}"
    );
    std::fs::write(&bad, "<html/>").unwrap();
    let err = merge_junit(&[&bad], &mut Vec::new()).unwrap_err();
    golden("reports_merge_not_junit", &err.to_string());
    let missing = dir.path().join("missing.xml");
    let err = merge_junit(&[&missing], &mut Vec::new()).unwrap_err();
    assert!(matches!(err, ReportError::Read { .. }), "{err}");
}

// ------------------------------------------------------------------------------------
// Cucumber JSON

#[test]
fn cucumber_json_shape() {
    let mut out = Vec::new();
    write_cucumber_json(&run(), &mut out).unwrap();
    golden_exact(
        "reports_cucumber_json",
        &String::from_utf8(out.clone()).unwrap(),
    );
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let features = json.as_array().expect("an array of features");
    assert_eq!(features.len(), 2);

    let f = &features[0];
    assert_eq!(f["uri"], "cpr/opslag.feature");
    assert_eq!(f["id"], "cpr-opslag-aeoeaa-venner");
    assert_eq!(f["keyword"], "Egenskab");
    assert_eq!(f["name"], "CPR-opslag: æøå & <venner>");
    assert_eq!(f["description"], "");
    assert_eq!(f["line"], 3);
    assert_eq!(f["tags"][0]["name"], "@cpr");
    assert!(f["tags"][0]["line"].is_u64());

    let elements = f["elements"].as_array().unwrap();
    assert_eq!(elements.len(), 6);
    let mut ids = HashSet::new();
    for e in features
        .iter()
        .flat_map(|f| f["elements"].as_array().unwrap())
    {
        assert_eq!(e["keyword"], "Scenarie");
        assert_eq!(e["type"], "scenario");
        assert!(
            ids.insert(e["id"].as_str().unwrap().to_string()),
            "{}",
            e["id"]
        );
        for s in e["steps"].as_array().unwrap() {
            assert!(s["result"]["duration"].is_u64());
            assert!(s["line"].is_u64());
        }
    }
    let first = &elements[0];
    assert_eq!(
        first["id"],
        "cpr-opslag-aeoeaa-venner;kendt-borger-fulde-stamdata"
    );
    assert_eq!(first["name"], "Kendt borger: fulde stamdata");
    assert_eq!(first["line"], 5);
    let tags: Vec<&str> = first["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["@cpr", "@smoke"]);
    let step = &first["steps"][1];
    assert_eq!(step["keyword"], "Når ");
    assert_eq!(step["name"], "jeg slår borgeren op med forespørgslen:");
    assert_eq!(step["line"], 7);
    // What the step asserted: its docstring (masked), and the next step's table.
    assert_eq!(
        step["doc_string"]["value"],
        "<Forespørgsel>\n  <cpr>010101-xxxx</cpr> & \"x\"\n</Forespørgsel>"
    );
    assert_eq!(first["steps"][2]["rows"][1]["cells"][1], "Æble | <Ø>");
    assert_eq!(step["result"]["status"], "passed");
    assert_eq!(step["result"]["duration"], 120_000_000u64, "nanoseconds");
    assert!(step["result"].get("error_message").is_none());

    let failing = &elements[1]["steps"][1];
    assert_eq!(failing["result"]["status"], "failed");
    assert_eq!(failing["result"]["duration"], 80_000_000u64);
    assert!(failing["result"]["error_message"].is_string());
    assert_eq!(elements[1]["steps"][2]["result"]["status"], "skipped");
    assert_eq!(elements[3]["steps"][0]["result"]["status"], "undefined");
    assert!(elements[3]["steps"][0]["result"]["error_message"].is_string());
    // The repeated scenario name gets its own id.
    assert_eq!(
        elements[5]["id"],
        "cpr-opslag-aeoeaa-venner;kendt-borger-fulde-stamdata-2"
    );
    assert_eq!(features[1]["id"], "ydelser-til-boern");
}

// ------------------------------------------------------------------------------------
// Console

fn console_output(run: &RunResult, color: bool) -> String {
    let mut out = Vec::new();
    {
        let mut console = ConsoleReporter::new(&mut out, color);
        for (f, s) in run.scenarios() {
            console.scenario_finished(f, s).unwrap();
        }
        console.summary(run).unwrap();
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn console_shows_failures_and_the_final_line() {
    let text = console_output(&run(), false);
    assert!(
        !text.contains('\u{1b}'),
        "no ANSI escapes without colour:\n{text}"
    );
    // Failing steps with the message and the diff indented under them; passed scenarios
    // without their steps; the counts and what the failures were.
    golden_exact("reports_console", &text);
    let last = text.lines().last().unwrap();
    assert_eq!(
        last, "3 passed, 3 failed, 1 undefined, 1 skipped",
        "counts as the line above: undefined on its own"
    );
    assert!(text.ends_with('\n'));
}

#[test]
fn console_final_line_without_skipped_and_with_colour() {
    let mut r = run();
    r.features.truncate(1);
    r.features[0]
        .scenarios
        .retain(|s| s.status() == Status::Passed);
    let text = console_output(&r, true);
    assert!(text.contains('\u{1b}'), "colour was asked for");
    let last = text.lines().last().unwrap();
    assert_eq!(last, "2 passed, 0 failed", "plain, and no skipped part");
    let re = regex::Regex::new(r"(?m)^\d+ passed, \d+ failed(, \d+ skipped)?$").unwrap();
    assert_eq!(re.find_iter(&text).count(), 1, "the line appears once");
}

#[test]
fn color_wanted_respects_no_color() {
    // The only test in this binary that touches NO_COLOR.
    let old = std::env::var_os("NO_COLOR");
    std::env::remove_var("NO_COLOR");
    assert!(sp_contract::report::color_wanted(true));
    assert!(!sp_contract::report::color_wanted(false));
    std::env::set_var("NO_COLOR", "1");
    assert!(!sp_contract::report::color_wanted(true));
    std::env::set_var("NO_COLOR", "");
    assert!(sp_contract::report::color_wanted(true));
    match old {
        Some(v) => std::env::set_var("NO_COLOR", v),
        None => std::env::remove_var("NO_COLOR"),
    }
}

/// 20 000 scenarios of one name (allowed: only snapshot names must differ) get unique
/// ids and names in linear time; numbering each by trying 2, 3, ... from the start took
/// quadratic time.
#[test]
fn many_scenarios_of_one_name_are_numbered_fast() {
    let n = 20_000;
    let scenarios = (0..n)
        .map(|i| {
            scenario(
                "Samme navn",
                i + 3,
                &[],
                vec![step("Så ", "svaret er en succes", i + 4, Status::Passed, 1)],
            )
        })
        .collect();
    let run = RunResult {
        target: "mock".to_string(),
        started_at: time::OffsetDateTime::UNIX_EPOCH,
        duration: Duration::from_secs(1),
        features: vec![FeatureResult {
            name: "x".to_string(),
            path: PathBuf::from("x.feature"),
            line: 1,
            tags: vec![],
            scenarios,
        }],
    };
    let (wall, cpu) = (std::time::Instant::now(), thread_cpu());
    let mut json = Vec::new();
    write_cucumber_json(&run, &mut json).unwrap();
    let junit = junit_string(&run);
    let took = match (cpu, thread_cpu()) {
        (Some(before), Some(after)) => after.saturating_sub(before),
        _ => wall.elapsed(),
    };
    let json = String::from_utf8(json).unwrap();
    assert!(json.contains("\"x;samme-navn-20000\""), "the last id");
    assert!(junit.contains("Samme navn (20000)"), "the last name");
    assert!(took.as_secs_f64() < 5.0, "{took:?}");
}

/// The CPU time this thread has run (Linux: `/proc/thread-self/schedstat`, nanoseconds on
/// the CPU first). Unlike wall time it does not grow while other processes hold the CPU, so
/// a loaded 2-core machine does not fail a test of linear time.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    (ns > 0).then(|| Duration::from_nanos(ns))
}
