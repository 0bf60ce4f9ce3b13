//! The line-by-line state machine. Each line is classified once ([`Lang::classify`]) and
//! either extends the innermost open block or closes blocks and opens a new one; nothing is
//! re-read, so the work is linear in the size of the file and independent of its nesting.
//! Here: the blocks (titles, steps, descriptions, closing); in [`content`] what a step
//! carries (tables and docstrings); in [`expected`] how an out-of-place line is reported.

mod content;
mod expected;

use crate::gherkin::keywords::{self, Lang, Line, StepKind, Title};
use crate::gherkin::text::{col_of, err, excerpt};
use crate::gherkin::{
    Background, Examples, Feature, LineCol, ParseError, Rule, Scenario, Step, StepType,
};

pub(super) fn parse(text: &str) -> Result<Feature, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser::new();
    let mut last = 0;
    for (i, raw) in text.split('\n').enumerate() {
        last = i + 1;
        p.line(last, raw.strip_suffix('\r').unwrap_or(raw))?;
    }
    p.finish(last)
}

/// The innermost open block: decides where a line goes and what an error lists as allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Start,
    Feature,
    Rule,
    Background,
    Scenario,
    Examples,
}

/// An open docstring: its content so far, and how to recognise its end.
struct Doc {
    delim: &'static str,
    /// Characters of indentation removed from each line (the opening delimiter's column - 1).
    indent: usize,
    at: LineCol,
    text: String,
    empty: bool,
}

struct Parser<'a> {
    lang: &'static Lang,
    /// The file named its language (`# language: …`), rather than taking the default.
    declared: bool,
    at: At,
    /// Free text after the innermost header is still description (no step or child yet).
    in_desc: bool,
    desc: Vec<&'a str>,
    tags: Vec<String>,
    tags_at: LineCol,
    feature: Option<Feature>,
    rule: Option<Rule>,
    background: Option<Background>,
    scenario: Option<Scenario>,
    examples: Option<Examples>,
    step: Option<Step>,
    last_ty: Option<StepType>,
    doc: Option<Doc>,
}

impl<'a> Parser<'a> {
    fn new() -> Self {
        Parser {
            // The Gherkin default; `# language: da` switches.
            lang: &keywords::EN,
            declared: false,
            at: At::Start,
            in_desc: false,
            desc: Vec::new(),
            tags: Vec::new(),
            tags_at: LineCol::default(),
            feature: None,
            rule: None,
            background: None,
            scenario: None,
            examples: None,
            step: None,
            last_ty: None,
            doc: None,
        }
    }

    fn line(&mut self, n: usize, raw: &'a str) -> Result<(), ParseError> {
        if self.doc.is_some() {
            return self.doc_line(n, raw);
        }
        let t = raw.trim_start();
        let pos = LineCol {
            line: n,
            col: col_of(raw, t),
        };
        match self.lang.classify(t) {
            Line::Empty => {
                if self.in_desc && !self.desc.is_empty() {
                    self.desc.push("");
                }
            }
            Line::Comment => {
                if self.at == At::Start {
                    self.language(t, pos)?;
                }
            }
            Line::Tags => {
                self.end_desc();
                self.tag_line(raw, t, pos)?;
            }
            Line::Title {
                title,
                keyword,
                name,
            } => self.title(title, keyword, name, pos, t)?,
            Line::Step {
                kind,
                keyword,
                text,
            } => {
                self.no_tags_before(pos, t)?;
                match self.at {
                    At::Background | At::Scenario => {
                        self.end_desc();
                        self.close_step();
                        let ty = match kind {
                            StepKind::Given => StepType::Given,
                            StepKind::When => StepType::When,
                            StepKind::Then => StepType::Then,
                            StepKind::Conjunction => self.last_ty.unwrap_or(StepType::Given),
                        };
                        self.last_ty = Some(ty);
                        self.step = Some(Step {
                            keyword: keyword.to_string(),
                            ty,
                            value: text.to_string(),
                            docstring: None,
                            table: None,
                            position: pos,
                        });
                    }
                    At::Examples => {
                        return Err(err(
                            pos,
                            format!(
                                "a step cannot follow {}; start a new {} for it; found '{}'",
                                self.lang.examples[0],
                                self.lang.scenario[0],
                                excerpt(t)
                            ),
                        ))
                    }
                    _ => self.text(pos, t)?,
                }
            }
            Line::BareStep(kw) => {
                self.no_tags_before(pos, t)?;
                if matches!(self.at, At::Background | At::Scenario | At::Examples) {
                    return Err(err(
                        pos,
                        format!(
                            "the step keyword '{}' needs the step's text after it",
                            kw.trim_end()
                        ),
                    ));
                }
                self.text(pos, t)?;
            }
            Line::Row => {
                self.no_tags_before(pos, t)?;
                self.row(pos, t)?;
            }
            Line::DocDelimiter(delim) => {
                self.no_tags_before(pos, t)?;
                self.open_doc(delim, pos, t)?;
            }
            Line::Other => {
                self.no_tags_before(pos, t)?;
                self.text(pos, t)?;
            }
        }
        Ok(())
    }

    /// Description text where it is allowed, else an error naming what is allowed here.
    fn text(&mut self, pos: LineCol, t: &'a str) -> Result<(), ParseError> {
        if self.in_desc {
            self.desc.push(t.trim());
            return Ok(());
        }
        Err(self.unexpected(pos, t))
    }

    fn language(&mut self, t: &str, pos: LineCol) -> Result<(), ParseError> {
        let Some(rest) = t[1..].trim_start().strip_prefix("language") else {
            return Ok(());
        };
        let Some(code) = rest.trim_start().strip_prefix(':') else {
            return Ok(());
        };
        let code = code.trim();
        match keywords::lang(code) {
            Some(l) => {
                self.lang = l;
                self.declared = true;
                Ok(())
            }
            None => Err(err(
                pos,
                format!(
                    "language '{}' is not supported (sp-contract reads {}); Danish feature files start with `# language: da`",
                    excerpt(code),
                    keywords::SUPPORTED
                ),
            )),
        }
    }

    fn tag_line(&mut self, raw: &str, t: &str, pos: LineCol) -> Result<(), ParseError> {
        if self.tags.is_empty() {
            self.tags_at = pos;
        }
        // Columns are counted as the line is walked, not from its start for each tag: a
        // line of a million tags stays linear.
        let mut col = col_of(raw, t);
        let mut counted = t;
        for word in t.split_whitespace() {
            if word.starts_with('#') {
                break; // the rest of the line is a comment
            }
            let skipped = (word.as_ptr() as usize) - (counted.as_ptr() as usize);
            col += counted[..skipped].chars().count();
            counted = &counted[skipped..];
            let at = LineCol {
                line: pos.line,
                col,
            };
            let Some(rest) = word.strip_prefix('@') else {
                return Err(err(
                    at,
                    format!(
                        "'{}' on a tag line is not a tag: tags start with '@' and a comment after them with '#'",
                        excerpt(word)
                    ),
                ));
            };
            for name in rest.split('@') {
                if name.is_empty() {
                    return Err(err(at, "a tag needs a name after '@'"));
                }
                self.tags.push(name.to_string());
            }
        }
        Ok(())
    }

    fn title(
        &mut self,
        title: Title,
        keyword: &'static str,
        name: &str,
        pos: LineCol,
        t: &str,
    ) -> Result<(), ParseError> {
        let l = self.lang;
        if title != Title::Feature && self.at == At::Start {
            return Err(self.unexpected(pos, t));
        }
        self.end_desc();
        let tags = std::mem::take(&mut self.tags);
        let (keyword, name) = (keyword.to_string(), name.to_string());
        match title {
            Title::Feature => {
                if let Some(f) = &self.feature {
                    return Err(err(
                        pos,
                        format!(
                            "a feature file holds one {}; this is a second one (the first is on line {})",
                            l.feature[0], f.position.line
                        ),
                    ));
                }
                self.feature = Some(Feature {
                    keyword,
                    name,
                    description: None,
                    tags,
                    background: None,
                    scenarios: Vec::new(),
                    rules: Vec::new(),
                    position: pos,
                    language: self.declared.then_some(self.lang.code),
                    path: None,
                });
                self.at = At::Feature;
            }
            Title::Background => {
                if !tags.is_empty() {
                    return Err(err(
                        pos,
                        format!("{}; found '{}'", self.tags_need(), excerpt(t)),
                    ));
                }
                let scope = if self.rule.is_some() {
                    l.rule[0]
                } else {
                    l.feature[0]
                };
                match (self.at, &self.background) {
                    (At::Feature | At::Rule, _) => {}
                    (At::Background, Some(b)) => {
                        return Err(err(
                            pos,
                            format!(
                                "one {} per {scope}: there is one on line {} already",
                                l.background[0], b.position.line
                            ),
                        ))
                    }
                    _ => {
                        return Err(err(
                            pos,
                            format!(
                                "{} must come before the first {} of its {scope}",
                                l.background[0], l.scenario[0]
                            ),
                        ))
                    }
                }
                self.background = Some(Background {
                    keyword,
                    name,
                    description: None,
                    steps: Vec::new(),
                    position: pos,
                });
                self.last_ty = None;
                self.at = At::Background;
            }
            Title::Rule => {
                self.close_scenario();
                self.close_background();
                self.close_rule();
                self.rule = Some(Rule {
                    keyword,
                    name,
                    description: None,
                    tags,
                    background: None,
                    scenarios: Vec::new(),
                    position: pos,
                });
                self.at = At::Rule;
            }
            Title::Scenario => {
                self.close_scenario();
                self.close_background();
                self.scenario = Some(Scenario {
                    keyword,
                    name,
                    description: None,
                    tags,
                    steps: Vec::new(),
                    examples: Vec::new(),
                    position: pos,
                });
                self.last_ty = None;
                self.at = At::Scenario;
            }
            Title::Examples => {
                if !matches!(self.at, At::Scenario | At::Examples) {
                    return Err(err(
                        pos,
                        format!(
                            "{} must follow the steps of a {} or {}; found '{}'",
                            l.examples[0],
                            l.outline[0],
                            l.scenario[0],
                            excerpt(t)
                        ),
                    ));
                }
                self.close_step();
                self.close_examples();
                self.examples = Some(Examples {
                    keyword,
                    name,
                    description: None,
                    tags,
                    table: None,
                    position: pos,
                });
                self.at = At::Examples;
            }
        }
        self.in_desc = true;
        Ok(())
    }

    fn end_desc(&mut self) {
        if !self.in_desc {
            return;
        }
        self.in_desc = false;
        while self.desc.last() == Some(&"") {
            self.desc.pop();
        }
        if self.desc.is_empty() {
            return;
        }
        let text = self.desc.join("\n");
        self.desc.clear();
        let slot = match self.at {
            At::Start => None,
            At::Feature => self.feature.as_mut().map(|x| &mut x.description),
            At::Rule => self.rule.as_mut().map(|x| &mut x.description),
            At::Background => self.background.as_mut().map(|x| &mut x.description),
            At::Scenario => self.scenario.as_mut().map(|x| &mut x.description),
            At::Examples => self.examples.as_mut().map(|x| &mut x.description),
        };
        if let Some(slot) = slot {
            *slot = Some(text);
        }
    }

    fn close_step(&mut self) {
        let Some(step) = self.step.take() else { return };
        if let Some(b) = &mut self.background {
            b.steps.push(step);
        } else if let Some(s) = &mut self.scenario {
            s.steps.push(step);
        }
    }

    fn close_examples(&mut self) {
        if let (Some(e), Some(s)) = (self.examples.take(), &mut self.scenario) {
            s.examples.push(e);
        }
    }

    fn close_scenario(&mut self) {
        self.close_step();
        self.close_examples();
        let Some(s) = self.scenario.take() else {
            return;
        };
        if let Some(r) = &mut self.rule {
            r.scenarios.push(s);
        } else if let Some(f) = &mut self.feature {
            f.scenarios.push(s);
        }
    }

    fn close_background(&mut self) {
        self.close_step();
        let Some(b) = self.background.take() else {
            return;
        };
        if let Some(r) = &mut self.rule {
            r.background = Some(b);
        } else if let Some(f) = &mut self.feature {
            f.background = Some(b);
        }
    }

    fn close_rule(&mut self) {
        self.close_scenario();
        self.close_background();
        if let (Some(r), Some(f)) = (self.rule.take(), &mut self.feature) {
            f.rules.push(r);
        }
    }

    fn finish(mut self, last: usize) -> Result<Feature, ParseError> {
        if let Some(d) = &self.doc {
            return Err(err(
                d.at,
                format!(
                    "the docstring opened here is never closed; end it with a line holding only {}",
                    d.delim
                ),
            ));
        }
        if !self.tags.is_empty() {
            return Err(err(
                self.tags_at,
                format!("{}; found the end of the file", self.tags_need()),
            ));
        }
        self.end_desc();
        self.close_rule();
        let l = self.lang;
        self.feature.ok_or_else(|| {
            let da = if l.code == "en" {
                " (a Danish file starts with '# language: da' and uses 'Egenskab:')"
            } else {
                ""
            };
            err(
                LineCol { line: last, col: 1 },
                format!(
                    "the file has no '{0}:' line; a feature file starts with '{0}: <name>'{da}",
                    l.feature[0]
                ),
            )
        })
    }
}
