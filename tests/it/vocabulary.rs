//! The step vocabulary as a vendor meets it: every example and variant `steps` shows is a
//! step of its own definition and no other; `steps --json` and the editor file list the
//! same steps, and the editor file's expressions (JavaScript) match them too.

use crate::support::run::{repo, run, sp};
use sp_contract::runner::steps::Match;

/// Every shown text of every definition, with the definition's pattern.
fn shown() -> Vec<(&'static str, String)> {
    let catalog = sp_contract::engine::catalog();
    let mut out = Vec::new();
    for d in catalog.steps().defs() {
        out.push((d.pattern, d.example.to_string()));
        for v in d.variants {
            out.push((d.pattern, v.to_string()));
        }
    }
    out
}

#[test]
fn every_example_and_variant_is_a_step_of_its_own_definition() {
    let catalog = sp_contract::engine::catalog();
    let steps = catalog.steps();
    for (pattern, text) in shown() {
        match steps.find(&text) {
            Match::Found(d, _) => assert_eq!(d.pattern, pattern, "{text}"),
            Match::Undefined => panic!("{text}: undefined"),
            Match::Ambiguous(ds) => panic!(
                "{text}: ambiguous between {:?}",
                ds.iter().map(|d| d.pattern).collect::<Vec<_>>()
            ),
        }
    }
}

#[test]
fn steps_json_lists_every_step_with_its_variants() {
    let (code, out) = run(sp(&["steps", "--json"]));
    assert_eq!(code, 0, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("steps --json is JSON");
    let listed = json["steps"].as_array().expect("steps");
    let steps = sp_contract::engine::catalog().steps();
    let defs = steps.defs();
    assert_eq!(listed.len(), defs.len());
    for (j, d) in listed.iter().zip(defs) {
        assert_eq!(j["example"], d.example);
        assert_eq!(j["keyword"], d.kind.keyword());
        assert_eq!(j["pattern"], format!("^{}$", d.pattern));
        assert_eq!(
            j["variants"].as_array().map(Vec::len),
            Some(d.variants.len())
        );
    }
    let (code, out) = run(sp(&["steps", "--json", "--markdown"]));
    assert_eq!(code, 2, "one form at a time: {out}");
}

#[test]
fn the_editor_step_file_is_current_and_its_expressions_match_in_javascript() {
    let path = repo().join("editor/sp-contract-steps.js");
    let committed = std::fs::read_to_string(&path).expect("editor/sp-contract-steps.js");
    assert!(
        committed == sp_contract::commands::steps_cucumber_js(),
        "editor/sp-contract-steps.js is stale: regenerate it with `sp-contract steps --cucumber-js > editor/sp-contract-steps.js`"
    );
    // The editor reads the file with JavaScript's regular expressions: load it with the step
    // functions recording their expressions, and check every shown text against them.
    let texts: Vec<String> = shown().into_iter().map(|(_, t)| t).collect();
    let script = format!(
        "const src = require('fs').readFileSync({path:?}, 'utf8')\
           .replace(/^const Given.*$/m, '');\
         const found = [];\
         const Given = (re) => found.push(re), When = Given, Then = Given;\
         eval(src);\
         const texts = {texts};\
         const bad = texts.filter(t => found.filter(re => re.test(t)).length !== 1);\
         if (found.length === 0 || bad.length) {{ console.log(JSON.stringify(bad)); process.exit(1); }}\
         console.log(found.length);",
        path = path.display().to_string(),
        texts = serde_json::to_string(&texts).unwrap(),
    );
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(&script)
        .output()
        .unwrap_or_else(|e| panic!("this test needs Node.js (`scripts/install-deps --test`): {e}"));
    assert!(
        out.status.success(),
        "texts no expression (or more than one) matches in JavaScript: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let n: usize = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    assert_eq!(n, sp_contract::engine::catalog().steps().defs().len());
}

/// The negations and the aliases in expected values judge the answer: a negation that does
/// not hold breaks the contract (exit 1), an alias the target lacks is an input error (exit 2)
/// that points at the mock's data, where the embedded mock's citizens live.
#[test]
fn negations_and_aliases_in_values_fail_honestly() {
    use crate::support::run::{run_suite, suite};
    let scenario = |steps: &str| {
        format!(
            "# language: da\n@SF1520\nEgenskab: x\n\n  Scenarie: y\n    Når jeg slår borgeren \"far\" op i CPR\n{steps}"
        )
    };
    for (steps, code, says) in [
        (
            "    Så svaret er ikke en succes\n",
            1,
            "not to answer with data",
        ),
        (
            "    Så feltet \"adresse/aktuelAdresse/vejnavn\" indeholder ikke \"Prinsens\"\n",
            1,
            "expected it not to contain",
        ),
        (
            "    Så feltet \"relationer/aegtefaelle/personnummer\" har værdien \"{{cpr:far}}\"\n",
            1,
            "150380-xxxx",
        ),
        (
            "    Så borgerens mor er \"mor\"\n",
            1,
            "relationer/mor/personnummer",
        ),
        (
            "    Så feltet \"relationer/aegtefaelle/personnummer\" har værdien \"{{cpr:nabo}}\"\n",
            2,
            "mocks/sf1520/nabo.xml",
        ),
    ] {
        let dir = suite(&scenario(steps), None);
        let (got, out) = run_suite(dir.path(), &[]);
        assert_eq!(got, code, "{steps}{out}");
        assert!(out.contains(says), "{steps}: expected '{says}' in\n{out}");
        assert!(!out.contains("1503801015"), "CPR numbers are masked: {out}");
    }
}

/// A refused TLS handshake is an answer a scenario can assert: with the Så-step the run passes
/// (exit 0); when the handshake succeeds the contract is broken (exit 1); a target that cannot
/// be reached at all is still not reached (exit 3), whatever the scenario expected.
#[test]
fn a_refused_handshake_can_be_asserted_and_other_transport_failures_stay_exit_3() {
    use crate::support::run::{run_suite, run_suite_against_unreachable_exttest, suite};
    let feature = |cert: &str| {
        format!(
            "# language: da\n@SF1520\nEgenskab: x\n\n  Scenarie: y\n    Givet systemet bruger certifikatet \"{cert}\"\n    Når jeg slår borgeren \"far\" op i CPR\n    Så platformen afviser certifikatet ved TLS-handshaket\n"
        )
    };
    for (cert, code, says) in [
        ("udløbet", 0, "1 passed, 0 failed"),
        ("fremmed", 0, "1 passed, 0 failed"),
        ("standard", 1, "the handshake succeeded and SF1520 answered"),
    ] {
        let dir = suite(&feature(cert), None);
        let (got, out) = run_suite(dir.path(), &[]);
        assert_eq!(got, code, "{cert}: {out}");
        assert!(out.contains(says), "{cert}: expected '{says}' in\n{out}");
    }
    // Without the Så-step the refusal fails the call as before.
    let dir = suite(
        &feature("udløbet").replace(
            "    Så platformen afviser certifikatet ved TLS-handshaket\n",
            "",
        ),
        None,
    );
    let (got, out) = run_suite(dir.path(), &[]);
    assert_eq!(got, 3, "{out}");
    // Nothing answers: no handshake was refused, so the scenario could not reach the target.
    let dir = suite(&feature("standard"), None);
    let [(got, out), _] = run_suite_against_unreachable_exttest(
        dir.path(),
        "[targets.exttest.agreements]\nSF1520 = \"17a44431-0000-4000-8000-000000000000\"\n[targets.exttest.aliases.citizens]\nfar = \"1503801015\"\n",
    );
    assert_eq!(got, 3, "{out}");
}

/// One tag marks modelled behaviour, `@modelleret`; an expression with the old `@modelled`
/// that no scenario carries is refused with the new name, not run as if it selected nothing.
#[test]
fn the_old_modelled_tag_is_refused_with_the_new_one() {
    use crate::support::run::{run_suite, suite};
    let dir = suite(
        "# language: da\n@SF1520 @modelleret\nEgenskab: x\n\n  Scenarie: y\n    Når jeg slår borgeren \"far\" op i CPR\n    Så svaret er en succes\n",
        None,
    );
    for expr in ["not @modelled", "@SF1520 and not @Modelled"] {
        let (code, out) = run_suite(dir.path(), &["--tags", expr]);
        assert_eq!(code, 2, "{expr}: {out}");
        assert!(
            out.contains("no scenario carries the tag @modelled")
                && out.contains("--tags \"not @modelleret\""),
            "{out}"
        );
    }
    let (code, out) = run_suite(dir.path(), &["--tags", "not @modelleret"]);
    assert_eq!(code, 2, "selects nothing: {out}");
    assert!(out.contains("no scenario matches"), "{out}");
    let (code, out) = run_suite(dir.path(), &["--tags", "@modelleret"]);
    assert_eq!(code, 0, "{out}");
}

/// What reached print is judged: a letter that went to Digital Post reached no print, and an
/// address or c/o other than the one printed breaks the contract.
#[test]
fn print_data_steps_judge_what_reached_print() {
    use crate::support::run::{run_suite, suite};
    let scenario = |to: &str, then: &str| {
        format!(
            "# language: da\n@SF1601\nEgenskab: x\n\n  Scenarie: y\n    Givet et brev til \"{to}\" med titlen \"t\"\n    Og brevet printes til \"Emil Testesen\" c/o \"Mette Testesen\" på adressen \"Prinsens Allé 5, 8800 Viborg\"\n    Når jeg sender brevet med SF1601 som \"Automatisk Valg\"\n    Så {then}\n"
        )
    };
    for (to, then, code, says) in [
        (
            "barn1",
            "printdataene har modtageradressen \"Prinsens Allé 5, 8800\"",
            0,
            "1 passed",
        ),
        (
            "barn1",
            "printdataene har modtageren \"Emil Testesen\"",
            1,
            "(no c/o)",
        ),
        (
            "barn1",
            "printdataene har modtageradressen \"Prinsens Allé 7, 8800\"",
            1,
            "got \"Prinsens Allé 5, 8800\"",
        ),
        (
            "far",
            "printdataene har modtageren \"Emil Testesen\" c/o \"Mette Testesen\"",
            1,
            "nothing of the accepted letter reached print",
        ),
        (
            "barn1",
            "printdataene har modtageradressen \"Prinsens Allé\"",
            2,
            "is not an address",
        ),
    ] {
        let dir = suite(&scenario(to, then), None);
        let (got, out) = run_suite(dir.path(), &[]);
        assert_eq!(got, code, "{then}: {out}");
        assert!(out.contains(says), "{then}: expected '{says}' in\n{out}");
    }
}

/// The per-service Så-steps judge: one posting's receipt in a batch (ØiR), and the text and
/// Kvitteringstype a receiving system got (SF2900).
#[test]
fn one_posting_and_what_the_receiving_system_got_are_judged() {
    use crate::support::run::{run_suite, suite};
    let oir = |then: &str| {
        format!(
            "# language: da\n@OiR @SF1590A\nEgenskab: x\n\n  Scenarie: y\n    Givet systemet bogfører efter sortimentet \"KY-ydelser\"\n    Når jeg sender økonomiposteringerne:\n      | beløb  | konto   | dato       | Omkostningssted |\n      | 100,00 | 5.57.72 | 2026-03-15 | 4100            |\n      | 200,00 | 5.57.72 | 2026-03-15 | 9999            |\n    Så {then}\n"
        )
    };
    let sf2900 = |then: &str| {
        format!(
            "# language: da\n@SF2900\nEgenskab: x\n\n  Scenarie: y\n    Givet en fordelingsregel sender KLE \"32.30.04\" for CVR \"29189846\" til \"KSD\"\n    Når jeg sender et journalnotat med KLE \"32.30.04\"\n      \"\"\"\n      Notat om sygedagpenge.\n      \"\"\"\n    Så {then}\n"
        )
    };
    for (feature, code, says) in [
        (
            oir("posteringen nr. 2 afvises med begrundelsen \"9999\""),
            0,
            "1 passed",
        ),
        (
            oir("posteringen nr. 2 accepteres"),
            1,
            "expected posting nr. 2 to be accepted",
        ),
        (
            oir("posteringen nr. 1 afvises"),
            1,
            "expected posting nr. 1 to be refused",
        ),
        (
            oir("posteringen nr. 3 accepteres"),
            2,
            "the last batch sent had 2 posting(s)",
        ),
        (
            sf2900("\"KSD\" har modtaget teksten \"sygedagpenge\""),
            0,
            "1 passed",
        ),
        (
            sf2900("\"KSD\" har modtaget teksten \"boligstøtte\""),
            1,
            "its text does not contain",
        ),
        (
            sf2900("kvitteringstypen er \"Teknisk\""),
            1,
            "expected Kvitteringstype Teknisk",
        ),
    ] {
        let dir = suite(&feature, None);
        let (got, out) = run_suite(dir.path(), &[]);
        assert_eq!(got, code, "{feature}: {out}");
        assert!(out.contains(says), "expected '{says}' in\n{out}");
    }
}

/// The mock's KLE catalogue holds every emne the built-in features name, each with its main
/// group (HH.00.00), with distinct UUIDs; titles only where the file's `kilde` cites a source.
#[test]
fn the_kle_catalogue_covers_the_built_in_features() {
    use sp_contract::core::klassifikation::Catalogue;
    let c = Catalogue::load(&repo().join("mocks")).expect("the catalogue loads");
    let re = regex::Regex::new(r#"KLE "(\d\d\.\d\d\.\d\d)""#).unwrap();
    let mut codes = std::collections::BTreeSet::new();
    for dir in ["cpr", "post", "fordeling", "oir", "sdi"] {
        for entry in std::fs::read_dir(repo().join("features").join(dir)).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            codes.extend(re.captures_iter(&text).map(|m| m[1].to_string()));
        }
    }
    assert!(codes.len() >= 6, "{codes:?}");
    for code in &codes {
        c.emne(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        let main = format!("{}.00.00", &code[..2]);
        c.emne(&main)
            .unwrap_or_else(|e| panic!("{main} (main group of {code}): {e}"));
    }
    let raw: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("mocks/klassifikation/kle.json")).unwrap(),
    )
    .unwrap();
    let kilde = raw["kilde"].as_str().unwrap();
    let mut uuids = std::collections::BTreeSet::new();
    for k in raw["klasser"].as_array().unwrap() {
        assert!(uuids.insert(k["uuid"].as_str().unwrap().to_string()), "{k}");
        if let Some(t) = k["titel"].as_str() {
            assert!(
                kilde.contains(t),
                "the title of {} is not cited in kilde: {t}",
                k["brugervendt_noegle"]
            );
        }
    }
}

/// `--dry-run` finds a value the new steps cannot read (a date, a køn, a CPR status, an
/// address) without sending anything.
#[test]
fn a_dry_run_finds_unreadable_values_in_the_new_steps() {
    use crate::support::run::{run_suite, suite};
    let dir = suite(
        "# language: da\n@SF1520\nEgenskab: x\n\n  Scenarie: y\n    Når jeg slår borgeren \"far\" op i CPR\n    Så borgerens fødselsdato er \"15-03-1980\"\n    Og borgerens køn er \"x\"\n    Og borgerens status er \"flyttet\"\n\n  Scenarie: z\n    Givet et brev til \"far\" med titlen \"t\"\n    Og brevet printes til \"A\" på adressen \"Prinsens Allé\"\n    Når jeg sender brevet med SF1601 som \"Fysisk Post\"\n    Så printdataene har modtageradressen \"nowhere\"\n",
        None,
    );
    let (code, out) = run_suite(dir.path(), &["--dry-run"]);
    assert_eq!(code, 2, "{out}");
    for says in [
        "'15-03-1980' is not a date",
        "'x' is not a køn",
        "'flyttet' is not a CPR status",
        "'Prinsens Allé' is not an address",
        "'nowhere' is not an address",
    ] {
        assert!(out.contains(says), "expected '{says}' in\n{out}");
    }
}
