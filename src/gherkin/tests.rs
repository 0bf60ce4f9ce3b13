//! Every construct and every error of the parser, in Danish and English.

use super::*;

fn ok(text: &str) -> Feature {
    parse(text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
}

fn fails(text: &str) -> String {
    match parse(text) {
        Ok(f) => panic!("parsed, expected an error: {f:#?}"),
        Err(e) => e.to_string(),
    }
}

const DA: &str = "# language: da
# En kommentar
@SF1520 @læs
Egenskab: Opslag i CPR
  Kommunen slår borgere op.

  Anden afsnit af beskrivelsen.

  Baggrund: forudsætninger
    Givet en godkendt serviceaftale for SF1520
    Og en borger

  @en
  Scenarie: Et opslag
    Når jeg slår borgeren \"far\" op i CPR
    Så svaret er en succes
    Men ikke en fejl
    * svaret matcher

  @to @tre
  Abstrakt Scenario: Opslag af <x>
    Beskrivelse af scenariet.
    Når jeg slår borgeren \"<x>\" op i CPR
      | felt | værdi |
      | navn | <x>   |
    Så svaret er \"ok\"

    @ex
    Eksempler: borgere
      Beskrivelse af eksemplerne.
      | x    |
      # kommentar mellem rækker
      | mor  |

      | barn |

  Eksempel: Tredje
    Givet et brev
      \"\"\"xml
      <a>
        <b/>

      </a>
      \"\"\"

  @regel @R2
  Regel: En regel
    Baggrund:
      Givet regel-baggrund
    Scenarie: I reglen
      Når noget
";

#[test]
fn danish_feature_with_every_construct() {
    let f = ok(DA);
    assert_eq!(f.keyword, "Egenskab");
    assert_eq!(f.name, "Opslag i CPR");
    assert_eq!(f.tags, ["SF1520", "læs"]);
    assert_eq!(f.position, LineCol { line: 4, col: 1 });
    assert_eq!(
        f.description.as_deref(),
        Some("Kommunen slår borgere op.\n\nAnden afsnit af beskrivelsen.")
    );
    let b = f.background.as_ref().unwrap();
    assert_eq!(
        (b.keyword.as_str(), b.name.as_str()),
        ("Baggrund", "forudsætninger")
    );
    assert_eq!(b.position, LineCol { line: 9, col: 3 });
    assert_eq!(b.steps.len(), 2);
    assert_eq!(b.steps[1].keyword, "Og ");
    assert_eq!(b.steps[1].ty, StepType::Given);

    assert_eq!(f.scenarios.len(), 3);
    let s = &f.scenarios[0];
    assert_eq!(
        (s.keyword.as_str(), s.name.as_str()),
        ("Scenarie", "Et opslag")
    );
    assert_eq!(s.tags, ["en"]);
    assert_eq!(s.position, LineCol { line: 14, col: 3 });
    let kinds: Vec<_> = s
        .steps
        .iter()
        .map(|x| (x.keyword.as_str(), x.ty, x.value.as_str(), x.position.line))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "Når ",
                StepType::When,
                "jeg slår borgeren \"far\" op i CPR",
                15
            ),
            ("Så ", StepType::Then, "svaret er en succes", 16),
            ("Men ", StepType::Then, "ikke en fejl", 17),
            ("* ", StepType::Then, "svaret matcher", 18),
        ]
    );
    assert_eq!(s.steps[0].position.col, 5);

    let o = &f.scenarios[1];
    assert_eq!(o.keyword, "Abstrakt Scenario");
    assert_eq!(o.name, "Opslag af <x>");
    assert_eq!(o.tags, ["to", "tre"]);
    assert_eq!(o.description.as_deref(), Some("Beskrivelse af scenariet."));
    let t = o.steps[0].table.as_ref().unwrap();
    assert_eq!(t.rows, [["felt", "værdi"], ["navn", "<x>"]]);
    assert_eq!(t.row_lines, [24, 25]);
    assert_eq!(t.position, LineCol { line: 24, col: 7 });
    let ex = &o.examples[0];
    assert_eq!(
        (ex.keyword.as_str(), ex.name.as_str()),
        ("Eksempler", "borgere")
    );
    assert_eq!(ex.tags, ["ex"]);
    assert_eq!(ex.position.line, 29);
    assert_eq!(
        ex.description.as_deref(),
        Some("Beskrivelse af eksemplerne.")
    );
    let et = ex.table.as_ref().unwrap();
    assert_eq!(et.rows, [["x"], ["mor"], ["barn"]]);
    assert_eq!(et.row_lines, [31, 33, 35]);

    let d = &f.scenarios[2];
    assert_eq!(d.keyword, "Eksempel");
    assert_eq!(d.steps[0].docstring.as_deref(), Some("<a>\n  <b/>\n\n</a>"));

    let r = &f.rules[0];
    assert_eq!((r.keyword.as_str(), r.name.as_str()), ("Regel", "En regel"));
    assert_eq!(r.tags, ["regel", "R2"]);
    assert_eq!(
        r.background.as_ref().unwrap().steps[0].value,
        "regel-baggrund"
    );
    assert_eq!(r.scenarios[0].name, "I reglen");
    assert_eq!(r.scenarios[0].steps[0].ty, StepType::When);
    assert!(f.path.is_none());
}

#[test]
fn english_is_the_default_and_knows_every_keyword() {
    let f = ok("Business Need: x
  Background:
    Given a
  Scenario Template: t
    When b
    Then c
    And d
    But e
    Scenarios:
      | h |
      | 1 |
    Examples: more
      | h |
      | 2 |
  Example: e
    * star first
  Rule: r
    Scenario Outline: o
      Given z
");
    assert_eq!(f.keyword, "Business Need");
    assert_eq!(f.scenarios[0].keyword, "Scenario Template");
    assert_eq!(f.scenarios[0].examples[0].keyword, "Scenarios");
    assert_eq!(f.scenarios[0].examples[0].name, "");
    assert_eq!(f.scenarios[0].examples[1].name, "more");
    let tys: Vec<_> = f.scenarios[0].steps.iter().map(|s| s.ty).collect();
    assert_eq!(
        tys,
        [
            StepType::When,
            StepType::Then,
            StepType::Then,
            StepType::Then
        ]
    );
    assert_eq!(f.scenarios[1].keyword, "Example");
    assert_eq!(f.scenarios[1].steps[0].ty, StepType::Given);
    assert_eq!(f.rules[0].scenarios[0].keyword, "Scenario Outline");
    assert_eq!(ok("Ability: a\n").keyword, "Ability");
    assert_eq!(ok("# language: en\nFeature: f\n").keyword, "Feature");
}

#[test]
fn bom_crlf_and_trailing_blanks_on_the_language_line() {
    let text = "\u{feff}# language: da  \r\n\r\nEgenskab: x\r\n  Scenarie: y\r\n    Givet z \r\n      \"\"\"\r\n      a\r\n      \"\"\"\r\n";
    let f = ok(text);
    assert_eq!(f.name, "x");
    assert_eq!(f.position, LineCol { line: 3, col: 1 });
    let st = &f.scenarios[0].steps[0];
    assert_eq!(st.value, "z");
    assert_eq!(st.docstring.as_deref(), Some("a"));
    assert_eq!(ok("\u{feff}Feature: x").name, "x");
    assert_eq!(ok("#language:da\t\nEgenskab: x\n").keyword, "Egenskab");
    // No trailing newline at all.
    assert_eq!(
        ok("# language: da\nEgenskab: x\n  Scenarie: y\n    Givet z")
            .scenarios
            .len(),
        1
    );
}

#[test]
fn languages() {
    assert!(is_language_supported("da") && is_language_supported("en"));
    assert!(!is_language_supported("de"));
    assert_eq!(
        fails("# language: xx\nFeature: x\n"),
        "line 1, column 1: language 'xx' is not supported (sp-contract reads da and en); Danish feature files start with `# language: da`"
    );
    assert_eq!(
        fails("\n   # language: de\n"),
        "line 2, column 4: language 'de' is not supported (sp-contract reads da and en); Danish feature files start with `# language: da`"
    );
    // After the feature line a language comment is just a comment.
    assert_eq!(ok("Feature: x\n# language: xx\n").name, "x");
    assert_eq!(ok("Feature: x\n# language: xx\n").language, None);
    assert_eq!(
        ok("\u{feff}# language: da \nEgenskab: x\n").language,
        Some("da")
    );
    // Danish keywords under the English default: said so, with the fix.
    assert_eq!(
        fails("Egenskab: x\n"),
        "line 1, column 1: expected a tag line or 'Feature: <name>' (the first line may be '# language: da'); found 'Egenskab: x' ('Egenskab' is Danish: start the file with '# language: da')"
    );
    assert!(fails("# language: da\nFeature: x\n")
        .contains("('Feature' is English, but the file says '# language: da')"));
    // "Rule" stays readable in Danish files, as gherkin 0.16 read it.
    assert_eq!(
        ok("# language: da\nEgenskab: x\nRule: r\n").rules[0].keyword,
        "Rule"
    );
}

#[test]
fn descriptions_comments_and_tag_lines() {
    let f = ok("@a @b # not a tag
@c@d
#c
Feature: f
  # a comment is not description
  line one   

  line two
  # c
  @s1
  @s2 #x
  Scenario: s
    text of s
    # c
    Given g # not a comment in a step
    # c
    Then h
  Rule: r
    about r
    Example: e
      Given x
");
    assert_eq!(f.tags, ["a", "b", "c", "d"]);
    assert_eq!(f.description.as_deref(), Some("line one\n\nline two"));
    let s = &f.scenarios[0];
    assert_eq!(s.tags, ["s1", "s2"]);
    assert_eq!(s.position.line, 12);
    assert_eq!(s.description.as_deref(), Some("text of s"));
    assert_eq!(s.steps[0].value, "g # not a comment in a step");
    assert_eq!(s.steps[1].position.line, 17);
    assert_eq!(f.rules[0].description.as_deref(), Some("about r"));
    assert!(ok("Feature: f\n\n  \nScenario: s\n").description.is_none());
}

#[test]
fn tables_trim_cells_and_decode_escapes() {
    let f = ok(r"Feature: f
  Scenario: s
    Given t
      |  a  | b\|c | d\\e | f\ng | h\x |   |
      |1|2|3|4|5||
");
    let t = f.scenarios[0].steps[0].table.as_ref().unwrap();
    assert_eq!(t.rows[0], ["a", "b|c", "d\\e", "f\ng", "h\\x", ""]);
    assert_eq!(t.rows[1], ["1", "2", "3", "4", "5", ""]);
    assert_eq!(t.row_width(), 6);
}

#[test]
fn docstrings_backticks_indentation_and_escapes() {
    let f = ok("Feature: f
  Scenario: s
    Given a
      ```json
      {\"a\": 1}
        indented
    less indented

      \\`\\`\\` and \"\"\"
      ```
    And b
      \"\"\"
      x \\\"\\\"\\\" y
      \"\"\"
    And c
      \"\"\"
      \"\"\"
");
    let s = &f.scenarios[0].steps;
    assert_eq!(
        s[0].docstring.as_deref(),
        Some("{\"a\": 1}\n  indented\nless indented\n\n``` and \"\"\"")
    );
    assert_eq!(s[1].docstring.as_deref(), Some("x \"\"\" y"));
    assert_eq!(s[1].ty, StepType::Given);
    assert_eq!(s[2].docstring.as_deref(), Some(""));
}

#[test]
fn errors_name_line_found_and_allowed() {
    let da = "# language: da\nEgenskab: x\n  Scenarie: y\n    Givet a\n";
    assert_eq!(
        fails(&format!("{da}    Foo bar\n")),
        "line 5, column 5: expected a step (Givet, Når, Så, Og, Men), a table row, a docstring, Eksempler, a tag line or a new Scenarie; found 'Foo bar'"
    );
    assert_eq!(
        fails("# language: da\nEgenskab: x\n  Baggrund:\n    Givet a\n    Foo\n"),
        "line 5, column 5: expected a step (Givet, Når, Så, Og, Men), a table row, a docstring, a tag line or a new Scenarie; found 'Foo'"
    );
    // The table row of the wrong width is named on its own line.
    assert_eq!(
        fails(&format!("{da}      | a | b |\n      | c | d |\n      | e | f | g |\n")),
        "line 7, column 7: row has 3 cells, the first row has 2 (line 5); every row needs one cell per column"
    );
    assert_eq!(
        fails(&format!("{da}    Eksempler:\n      | a | b |\n\n      | c |\n")),
        "line 8, column 7: row has 1 cell, the header has 2 (line 6); every row needs one cell per column"
    );
    assert_eq!(
        fails(&format!("{da}    Eksempler:\n      | a |\n      Foo\n")),
        "line 7, column 7: expected a table row, another Eksempler, a tag line or a new Scenarie; found 'Foo'"
    );
    assert_eq!(
        fails(&format!("{da}    Eksempler:\n      | a |\n    Så b\n")),
        "line 7, column 5: a step cannot follow Eksempler; start a new Scenarie for it; found 'Så b'"
    );
    assert_eq!(
        fails(&format!("{da}    Så\n")),
        "line 5, column 5: the step keyword 'Så' needs the step's text after it"
    );
    assert_eq!(
        fails(&format!("{da}      | a | b\n")),
        "line 5, column 13: a table row must end with '|' (write \\| for a '|' inside a cell); found '| a | b'"
    );
    assert_eq!(
        fails(&format!("{da}      |\n")),
        "line 5, column 7: a table row needs at least one cell: | a | b |"
    );
    assert_eq!(
        fails(&format!("{da}      \"\"\"\n      a\n")),
        "line 5, column 7: the docstring opened here is never closed; end it with a line holding only \"\"\""
    );
    assert_eq!(
        fails(&format!("{da}      \"\"\"\n      a\n      \"\"\" b\n")),
        "line 7, column 11: text after the \"\"\" that closes the docstring of line 5; put \"\"\" alone on its line, or escape \"\"\" inside the docstring with backslashes"
    );
    assert_eq!(
        fails(&format!("{da}      | a |\n      \"\"\"\n      \"\"\"\n")),
        "line 6, column 7: the step on line 4 has a table already; a step takes one docstring or one table"
    );
    assert_eq!(
        fails(&format!("{da}      \"\"\"\n      \"\"\"\n      | a |\n")),
        "line 7, column 7: the step on line 4 has a docstring already; a step takes a docstring or a table, not both"
    );
    assert_eq!(
        fails("# language: da\nEgenskab: x\n  Scenarie: y\n      | a |\n"),
        "line 4, column 7: a table row must follow a step or Eksempler; found '| a |'"
    );
    assert_eq!(
        fails("# language: da\nEgenskab: x\n  Scenarie: y\n      \"\"\"\n"),
        "line 4, column 7: a docstring (\"\"\") must follow a step; found '\"\"\"'"
    );
}

#[test]
fn structural_errors() {
    let h = "# language: da\nEgenskab: x\n";
    assert_eq!(
        fails(&format!("{h}  @t\n    Givet a\n")),
        "line 4, column 5: the tags on line 3 must be followed by Scenarie, Abstrakt Scenario, Eksempler, Regel or Egenskab; found 'Givet a'"
    );
    assert_eq!(
        fails(&format!("{h}  @t\n  Baggrund:\n")),
        "line 4, column 3: the tags on line 3 must be followed by Scenarie, Abstrakt Scenario, Eksempler, Regel or Egenskab; found 'Baggrund:'"
    );
    assert_eq!(
        fails(&format!("{h}  Scenarie: s\n  @t\n")),
        "line 4, column 3: the tags on line 4 must be followed by Scenarie, Abstrakt Scenario, Eksempler, Regel or Egenskab; found the end of the file"
    );
    assert_eq!(
        fails(&format!("{h}  @t foo\n")),
        "line 3, column 6: 'foo' on a tag line is not a tag: tags start with '@' and a comment after them with '#'"
    );
    assert_eq!(
        fails(&format!("{h}  @t @\n")),
        "line 3, column 6: a tag needs a name after '@'"
    );
    // Columns count characters, across tabs and letters of more than one byte.
    assert_eq!(
        fails(&format!("{h}  @æø\t@å  foo\n")),
        "line 3, column 11: 'foo' on a tag line is not a tag: tags start with '@' and a comment after them with '#'"
    );
    assert_eq!(
        fails(&format!("{h}Egenskab: y\n")),
        "line 3, column 1: a feature file holds one Egenskab; this is a second one (the first is on line 2)"
    );
    assert_eq!(
        fails(&format!("{h}  Baggrund:\n  Baggrund:\n")),
        "line 4, column 3: one Baggrund per Egenskab: there is one on line 3 already"
    );
    assert_eq!(
        fails(&format!("{h}  Scenarie: s\n  Baggrund:\n")),
        "line 4, column 3: Baggrund must come before the first Scenarie of its Egenskab"
    );
    assert_eq!(
        fails(&format!("{h}  Regel: r\n    Scenarie: s\n    Baggrund:\n")),
        "line 5, column 5: Baggrund must come before the first Scenarie of its Regel"
    );
    assert_eq!(
        fails(&format!("{h}  Eksempler:\n")),
        "line 3, column 3: Eksempler must follow the steps of a Abstrakt Scenario or Scenarie; found 'Eksempler:'"
    );
    assert_eq!(
        fails(&format!("{h}  Baggrund:\n    Givet a\n  Eksempler:\n")),
        "line 5, column 3: Eksempler must follow the steps of a Abstrakt Scenario or Scenarie; found 'Eksempler:'"
    );
    assert_eq!(
        fails("# language: da\n  Scenarie: s\n"),
        "line 2, column 3: expected a tag line or 'Egenskab: <name>' (the first line may be '# language: da'); found 'Scenarie: s'"
    );
    assert_eq!(
        fails("# just a comment\n\n"),
        "line 3, column 1: the file has no 'Feature:' line; a feature file starts with 'Feature: <name>' (a Danish file starts with '# language: da' and uses 'Egenskab:')"
    );
    assert_eq!(
        fails(""),
        "line 1, column 1: the file has no 'Feature:' line; a feature file starts with 'Feature: <name>' (a Danish file starts with '# language: da' and uses 'Egenskab:')"
    );
}

#[test]
fn messages_mask_cpr_numbers_and_stay_short() {
    let e = fails(
        "# language: da\nEgenskab: x\n  Scenarie: y\n    Givet a\n    borger 0101801234 og mere\n",
    );
    assert!(e.contains("found 'borger 010180-xxxx og mere'"), "{e}");
    let long = format!(
        "Feature: x\nScenario: y\nGiven a\n{}\n",
        "z".repeat(100_000)
    );
    let e = fails(&long);
    assert!(e.len() < 300 && e.ends_with("…'"), "{e}");
}

#[test]
fn step_keywords_in_feature_descriptions_are_text_as_in_gherkin() {
    // Cucumber reads a step line under the feature line as description; the runner then
    // reports "no scenarios".
    let f = ok("# language: da\nEgenskab: x\n  Givet a\n  | b |\n");
    assert_eq!(f.description.as_deref(), Some("Givet a\n| b |"));
    assert!(f.scenarios.is_empty());
}

/// Linear time: a 4 MB feature parses in well under a second even in a debug build; the
/// quadratic parser this replaced took 24 s for 8 MB in release.
#[test]
fn a_four_megabyte_feature_parses_fast() {
    let text = crate::gherkin::sample::big_feature(4 << 20);
    let t = std::time::Instant::now();
    let f = ok(&text);
    let took = t.elapsed();
    assert!(f.scenarios.len() > 1000);
    assert!(took.as_secs_f64() < 5.0, "{took:?}");
}

/// Linear on one long line too: a tag line of 4 MB (hundreds of thousands of tags).
#[test]
fn a_four_megabyte_tag_line_parses_fast() {
    let mut text = String::from("# language: da\n");
    while text.len() < 4 << 20 {
        text.push_str("@t ");
    }
    text.push_str("\nEgenskab: x\n  Scenarie: y\n    Givet z\n");
    let t = std::time::Instant::now();
    let f = ok(&text);
    let took = t.elapsed();
    assert!(f.tags.len() > 1_000_000);
    assert!(took.as_secs_f64() < 5.0, "{took:?}");
}
