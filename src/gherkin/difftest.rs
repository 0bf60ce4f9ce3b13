//! Differential test: every feature under `features/` (and a few samples) parsed by this
//! parser and by the crates.io `gherkin` 0.16 crate, an independent reference, must give
//! the same tree in every field the runner uses.
//!
//! Known, intended differences are normalised away here, and only these:
//! - descriptions: gherkin 0.16 drops blank lines (paragraphs); lines compared trimmed;
//! - docstrings: gherkin 0.16 keeps the newline after the opening and before the closing
//!   delimiter and removes the common indentation (Cucumber removes the delimiter's);
//! - `* ` steps: gherkin 0.16 types them Given; Cucumber gives them the previous step's type.

use std::path::{Path, PathBuf};

fn desc(d: &Option<String>) -> Option<String> {
    let d = d.as_ref()?;
    let lines: Vec<&str> = d.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// gherkin 0.16's docstring as Cucumber has it: without the delimiters' line breaks, and with
/// the delimiter's indentation (the same as the common one in the files compared).
fn their_doc(d: &Option<String>) -> Option<String> {
    let d = d.as_ref()?;
    let d = d.strip_prefix('\n').unwrap_or(d);
    Some(d.strip_suffix('\n').unwrap_or(d).to_string())
}

fn our_doc(d: &Option<String>) -> Option<String> {
    d.clone()
}

/// A node's name as text: ours is always a String; gherkin 0.16's Examples name is optional.
trait ExamplesName {
    fn shown(&self) -> String;
}

impl ExamplesName for String {
    fn shown(&self) -> String {
        self.clone()
    }
}

impl ExamplesName for Option<String> {
    fn shown(&self) -> String {
        self.clone().unwrap_or_default()
    }
}

/// One line per node and field, the same code for both trees (their field names match).
macro_rules! dump {
    ($f:expr, $doc:expr) => {{
        let f = $f;
        let doc = $doc;
        let mut out: Vec<String> = Vec::new();
        // A node's title line: keyword, name, description, (tags,) position.
        macro_rules! title {
            ($label:literal, $n:expr) => {
                format!(
                    concat!($label, " {:?} {:?} {:?} at {}:{}"),
                    $n.keyword,
                    $n.name.shown(),
                    desc(&$n.description),
                    $n.position.line,
                    $n.position.col
                )
            };
            ($label:literal, $n:expr, tagged) => {
                format!(
                    concat!($label, " {:?} {:?} {:?} tags={:?} at {}:{}"),
                    $n.keyword,
                    $n.name.shown(),
                    desc(&$n.description),
                    $n.tags,
                    $n.position.line,
                    $n.position.col
                )
            };
        }
        macro_rules! steps {
            ($steps:expr) => {
                for st in $steps {
                    let ty = if st.keyword == "* " {
                        "*".to_string()
                    } else {
                        format!("{:?}", st.ty)
                    };
                    out.push(format!(
                        "  step {:?} {ty} {:?} at {}:{} doc={:?}",
                        st.keyword,
                        st.value,
                        st.position.line,
                        st.position.col,
                        doc(&st.docstring)
                    ));
                    if let Some(t) = &st.table {
                        out.push(format!("    table at {} {:?}", t.position.line, t.rows));
                    }
                }
            };
        }
        macro_rules! background {
            ($b:expr) => {
                if let Some(b) = $b {
                    out.push(title!(" background", b));
                    steps!(&b.steps);
                }
            };
        }
        macro_rules! scenarios {
            ($list:expr) => {
                for s in $list {
                    out.push(title!(" scenario", s, tagged));
                    steps!(&s.steps);
                    for e in &s.examples {
                        out.push(title!("  examples", e, tagged));
                        if let Some(t) = &e.table {
                            out.push(format!("    table at {} {:?}", t.position.line, t.rows));
                        }
                    }
                }
            };
        }
        out.push(title!("feature", f, tagged));
        background!(&f.background);
        scenarios!(&f.scenarios);
        for r in &f.rules {
            out.push(title!("rule", r, tagged));
            background!(&r.background);
            scenarios!(&r.scenarios);
        }
        out
    }};
}

fn compare(name: &str, text: &str) {
    let ours = crate::gherkin::parse(text).unwrap_or_else(|e| panic!("{name}: ours failed: {e}"));
    let theirs = ::gherkin::Feature::parse(text, ::gherkin::GherkinEnv::default())
        .unwrap_or_else(|e| panic!("{name}: gherkin 0.16 failed: {e}"));
    let a = dump!(&ours, our_doc);
    let b = dump!(&theirs, their_doc);
    assert!(
        a.iter().any(|l| l.starts_with("  step")),
        "{name}: no steps parsed"
    );
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "{name}: first difference (ours, then gherkin 0.16)");
    }
    assert_eq!(a.len(), b.len(), "{name}: different number of nodes");
}

fn feature_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("features/ exists") {
        let p = e.expect("readable entry").path();
        if p.is_dir() {
            feature_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "feature") {
            out.push(p);
        }
    }
}

#[test]
fn every_feature_in_the_repository_parses_as_gherkin_0_16_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("features");
    let mut files = Vec::new();
    feature_files(&root, &mut files);
    files.sort();
    assert!(
        files.len() >= 10,
        "expected the built-in suite under {root:?}"
    );
    for f in &files {
        let text = std::fs::read_to_string(f).expect("UTF-8 feature");
        compare(&f.display().to_string(), &text);
    }
}

const SAMPLES: &[&str] = &[
    "# language: da
# En realistisk dansk suite: kommentarer i tabeller, tomme celler, \\| i celler,
# docstrings med indrykning, Eksempel, tags på Eksempler, Baggrund i en regel.
@SF1601 @Writes
Egenskab: Digital Post til borgere
  Som kommune vil jeg sende post.

  Andet afsnit af beskrivelsen.

  Baggrund:
    Givet en aftale for \"SF1601\"
      | felt   | værdi |
      # en kommentar midt i tabellen
      | kle    | 32.30.04 |

      | navn   |       |

  @læs
  Eksempel: brev med indrykket docstring
    Beskrivelse af eksemplet.
    Når jeg sender
      \"\"\"
      <memo:Message>
        <memo:MessageHeader>
          <!-- a | b -->
        </memo:MessageHeader>
      </memo:Message>
      \"\"\"
    Så svaret er
      | a \\| b | \\\\ | |

  Abstrakt Scenario: opslag af <borger>
    Når jeg slår \"<borger>\" op
    Så svaret har <felter>

    @Eksempler-Tag @writes
    Eksempler: første
      Rækkerne nedenfor.
      | borger | felter |
      # kommentar
      | far    |        |
      | mor    | 2      |

  Rule: med egen baggrund
    Baggrund:
      Givet regelens aftale

    @regel
    Scenarie: i reglen
      * en stjernetrin
      Så alt er godt
",
    "@a @b
Feature: English sample
  Free text
  over two lines

  Background: bg
    Given one
    And two

  @s
  Scenario: plain
    When x
      | a | b\\|c |
      | \\n | \\\\ |
    Then y
    But z

  Scenario Outline: outline <v>
    Given <v>
      \"\"\"
      doc <v>
        indented
      \"\"\"

    @e
    Examples: first
      | v |
      | 1 |
    Examples:
      | v |
      | 2 |

  Rule: a rule
    Background:
      Given rule bg
    Example: in rule
      Then done
",
    "# language: da
@SF1520
Egenskab: Dansk prøve
  Beskrivelse.

  Baggrund:
    Givet en aftale

  Scenarie: et
    Når jeg slår op
    Så svaret er ok
    Og mere
    Men ikke mindre

  # kommentar
  @læs @writes
  Abstrakt Scenario: to <x>
    Når jeg slår <x> op
    Eksempler:
      | x   |
      | mor |

  Eksempel: tre
    Givet a
",
];

#[test]
fn samples_in_both_languages_parse_as_gherkin_0_16_does() {
    for (i, s) in SAMPLES.iter().enumerate() {
        compare(&format!("sample {i}"), s);
        // The same file as a Windows editor saves it.
        compare(&format!("sample {i} (CRLF)"), &s.replace('\n', "\r\n"));
    }
}
