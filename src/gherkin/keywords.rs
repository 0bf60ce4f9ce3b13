//! The keywords of the two languages sp-contract reads, and the classification of one line.
//!
//! Keywords follow Cucumber's gherkin-languages for `da` and `en`. Matching is exact and
//! case-sensitive, as in Cucumber: a title keyword must be followed directly by ':', a step
//! keyword carries its trailing space.

/// One language's keywords; the first of each list is the one named in messages.
pub(super) struct Lang {
    pub code: &'static str,
    pub feature: &'static [&'static str],
    pub background: &'static [&'static str],
    pub rule: &'static [&'static str],
    pub scenario: &'static [&'static str],
    pub outline: &'static [&'static str],
    pub examples: &'static [&'static str],
    pub given: &'static [&'static str],
    pub when: &'static [&'static str],
    pub then: &'static [&'static str],
    pub and: &'static [&'static str],
    pub but: &'static [&'static str],
}

pub(super) const DA: Lang = Lang {
    code: "da",
    feature: &["Egenskab"],
    background: &["Baggrund"],
    // "Rule" too: gherkin 0.16 (the parser sp-contract used before) knew only that one.
    rule: &["Regel", "Rule"],
    scenario: &["Scenarie", "Eksempel"],
    outline: &["Abstrakt Scenario"],
    examples: &["Eksempler"],
    given: &["Givet "],
    when: &["Når "],
    then: &["Så "],
    and: &["Og "],
    but: &["Men "],
};

pub(super) const EN: Lang = Lang {
    code: "en",
    feature: &["Feature", "Business Need", "Ability"],
    background: &["Background"],
    rule: &["Rule"],
    scenario: &["Scenario", "Example"],
    outline: &["Scenario Outline", "Scenario Template"],
    examples: &["Examples", "Scenarios"],
    given: &["Given "],
    when: &["When "],
    then: &["Then "],
    and: &["And "],
    but: &["But "],
};

pub(super) const SUPPORTED: &str = "da and en";

pub(super) fn lang(code: &str) -> Option<&'static Lang> {
    match code {
        "da" => Some(&DA),
        "en" => Some(&EN),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Title {
    Feature,
    Background,
    Rule,
    Scenario,
    Examples,
}

/// How a step keyword decides the step's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StepKind {
    Given,
    When,
    Then,
    /// And, But and `*`: the type of the step before.
    Conjunction,
}

/// What one line is, judged on its own (the parser decides whether it fits where it stands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Line<'a> {
    Empty,
    Comment,
    Tags,
    Title {
        title: Title,
        keyword: &'static str,
        name: &'a str,
    },
    Step {
        kind: StepKind,
        keyword: &'static str,
        text: &'a str,
    },
    /// A step keyword with no text after it (`Så`).
    BareStep(&'static str),
    Row,
    DocDelimiter(&'static str),
    Other,
}

impl Lang {
    /// Classify `t`, a line with its leading whitespace removed. Constant work per keyword.
    pub fn classify<'a>(&self, t: &'a str) -> Line<'a> {
        let Some(first) = t.chars().next() else {
            return Line::Empty;
        };
        match first {
            '#' => return Line::Comment,
            '@' => return Line::Tags,
            '|' => return Line::Row,
            _ => {}
        }
        for delim in ["\"\"\"", "```"] {
            if t.starts_with(delim) {
                return Line::DocDelimiter(delim);
            }
        }
        let titles: [(Title, &[&'static str]); 6] = [
            (Title::Feature, self.feature),
            (Title::Background, self.background),
            (Title::Rule, self.rule),
            (Title::Scenario, self.outline),
            (Title::Scenario, self.scenario),
            (Title::Examples, self.examples),
        ];
        for (title, list) in titles {
            for kw in list {
                if let Some(rest) = t.strip_prefix(kw).and_then(|r| r.strip_prefix(':')) {
                    return Line::Title {
                        title,
                        keyword: kw,
                        name: rest.trim(),
                    };
                }
            }
        }
        let steps: [(StepKind, &[&'static str]); 6] = [
            (StepKind::Given, self.given),
            (StepKind::When, self.when),
            (StepKind::Then, self.then),
            (StepKind::Conjunction, self.and),
            (StepKind::Conjunction, self.but),
            (StepKind::Conjunction, &["* "]),
        ];
        let bare = t.trim_end();
        for (kind, list) in steps {
            for kw in list {
                if let Some(rest) = t.strip_prefix(kw) {
                    let text = rest.trim();
                    if text.is_empty() {
                        return Line::BareStep(kw);
                    }
                    return Line::Step {
                        kind,
                        keyword: kw,
                        text,
                    };
                }
                if bare == kw.trim_end() {
                    return Line::BareStep(kw);
                }
            }
        }
        Line::Other
    }

    /// "Givet, Når, Så, Og, Men" for messages.
    pub fn step_names(&self) -> String {
        [self.given, self.when, self.then, self.and, self.but]
            .iter()
            .map(|l| l[0].trim_end())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn other(&self) -> &'static Lang {
        if self.code == "da" {
            &EN
        } else {
            &DA
        }
    }
}
