//! Loading feature files and turning them into the plan of scenarios to run.

use gherkin::tagexpr::TagOperation;
use gherkin::{Feature, GherkinEnv, StepType};
use regex::Regex;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    #[error(
        "features folder {0} does not exist; give --features DIR or run from the suite's folder"
    )]
    NoDir(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: the feature file cannot be parsed ({detail}).{hint}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        detail: String,
        hint: &'static str,
    },
    #[error("no .feature files under {0}")]
    Empty(PathBuf),
    #[error("--tags '{expr}' is not a tag expression: {reason}. Example: --tags \"@SF1520 and not @writes\"")]
    Tags { expr: String, reason: String },
    #[error("--name '{expr}' is not a regular expression: {reason}")]
    Name { expr: String, reason: String },
}

pub struct LoadedFeature {
    /// Relative to the features folder, `/`-separated.
    pub rel: String,
    pub feature: Feature,
}

/// One runnable scenario (an outline expands to one per example row).
#[derive(Debug, Clone)]
pub struct PlannedScenario {
    pub feature_index: usize,
    pub feature_rel: String,
    pub feature_name: String,
    pub name: String,
    pub line: usize,
    /// With `@`, feature + rule + scenario + examples tags.
    pub tags: Vec<String>,
    pub steps: Vec<PlannedStep>,
}

impl PlannedScenario {
    pub fn has_tag(&self, tag: &str) -> bool {
        let t = tag.trim_start_matches('@');
        self.tags.iter().any(|x| x.trim_start_matches('@') == t)
    }

    /// `cpr/opslag` for `cpr/opslag.feature`.
    pub fn feature_stem(&self) -> String {
        self.feature_rel
            .strip_suffix(".feature")
            .unwrap_or(&self.feature_rel)
            .to_string()
    }
}

#[derive(Debug, Clone)]
pub struct PlannedStep {
    pub keyword: String,
    pub ty: StepType,
    pub text: String,
    pub line: usize,
    pub docstring: Option<String>,
    pub table: Option<Vec<Vec<String>>>,
}

/// Read every `*.feature` below `dir`, sorted by path so runs are deterministic.
pub fn load(dir: &Path) -> Result<Vec<LoadedFeature>, FeatureError> {
    if !dir.is_dir() {
        return Err(FeatureError::NoDir(dir.to_path_buf()));
    }
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(FeatureError::Empty(dir.to_path_buf()));
    }
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read(&path).map_err(|source| FeatureError::Read {
            path: path.clone(),
            source,
        })?;
        let text = String::from_utf8(text).map_err(|e| FeatureError::Parse {
            path: path.clone(),
            line: 1,
            column: 1,
            detail: format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
            hint: " Save the file as UTF-8.",
        })?;
        let feature = parse(&path, &text)?;
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        out.push(LoadedFeature { rel, feature });
    }
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), FeatureError> {
    let rd = std::fs::read_dir(dir).map_err(|source| FeatureError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in rd.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "feature") {
            out.push(p);
        }
    }
    Ok(())
}

/// Parse one feature file's text; errors carry file, line and column.
pub fn parse(path: &Path, text: &str) -> Result<Feature, FeatureError> {
    let env = GherkinEnv::default();
    // The gherkin parser needs a trailing newline.
    let owned;
    let text = if text.ends_with('\n') {
        text
    } else {
        owned = format!("{text}\n");
        &owned
    };
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let has_language = first.trim_start().starts_with("# language:");
    const LANGUAGE_HINT: &str = " Feature files here are Danish: start the file with `# language: da` and use Egenskab/Scenarie/Givet/Når/Så.";
    match Feature::parse(text, env) {
        Ok(mut f) => {
            // Danish keywords in a file without the language line parse as an English
            // feature's description: zero scenarios, which would pass silently.
            let scenarios =
                f.scenarios.len() + f.rules.iter().map(|r| r.scenarios.len()).sum::<usize>();
            if scenarios == 0 {
                return Err(FeatureError::Parse {
                    path: path.to_path_buf(),
                    line: f.position.line,
                    column: f.position.col,
                    detail: "no scenarios found".into(),
                    hint: if has_language {
                        " Add at least one `Scenarie:`."
                    } else {
                        LANGUAGE_HINT
                    },
                });
            }
            f.path = Some(path.to_path_buf());
            Ok(f)
        }
        Err(e) => {
            // ParseError's fields are private; its Display is "Error at L:C: {expected}".
            let shown = e.to_string();
            let re = Regex::new(r"at (\d+):(\d+): (.*)").expect("static regex");
            let (line, column, expected) = match re.captures(&shown) {
                Some(c) => (
                    c[1].parse().unwrap_or(1),
                    c[2].parse().unwrap_or(1),
                    c[3].to_string(),
                ),
                None => (1, 1, shown.clone()),
            };
            let hint = if !has_language {
                LANGUAGE_HINT
            } else {
                " Check the keyword at that line (Egenskab, Baggrund, Scenarie, Abstrakt Scenario, Eksempler, Givet, Når, Så, Og, Men) and that table rows have the same number of cells."
            };
            Err(FeatureError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                detail: format!("expected one of {expected}"),
                hint,
            })
        }
    }
}

/// What to run.
#[derive(Default)]
pub struct Filter {
    pub tags: Option<TagOperation>,
    pub name: Option<Regex>,
}

impl Filter {
    pub fn new(tags: Option<&str>, name: Option<&str>) -> Result<Filter, FeatureError> {
        let tags = match tags {
            Some(expr) => Some(
                expr.parse::<TagOperation>()
                    .map_err(|e| FeatureError::Tags {
                        expr: expr.to_string(),
                        reason: e.to_string(),
                    })?,
            ),
            None => None,
        };
        let name = match name {
            Some(expr) => Some(Regex::new(expr).map_err(|e| FeatureError::Name {
                expr: expr.to_string(),
                reason: e.to_string(),
            })?),
            None => None,
        };
        Ok(Filter { tags, name })
    }

    pub fn accepts(&self, s: &PlannedScenario) -> bool {
        let tags_ok = self.tags.as_ref().is_none_or(|op| eval(op, &s.tags));
        let name_ok = self.name.as_ref().is_none_or(|re| re.is_match(&s.name));
        tags_ok && name_ok
    }
}

fn eval(op: &TagOperation, tags: &[String]) -> bool {
    match op {
        TagOperation::And(a, b) => eval(a, tags) && eval(b, tags),
        TagOperation::Or(a, b) => eval(a, tags) || eval(b, tags),
        TagOperation::Not(a) => !eval(a, tags),
        TagOperation::Tag(t) => {
            let t = t.trim_start_matches('@');
            tags.iter()
                .any(|x| x.trim_start_matches('@').eq_ignore_ascii_case(t))
        }
    }
}

fn with_at(tags: &[String]) -> impl Iterator<Item = String> + '_ {
    tags.iter().map(|t| {
        if t.starts_with('@') {
            t.clone()
        } else {
            format!("@{t}")
        }
    })
}

fn steps_of(steps: &[gherkin::Step]) -> Vec<PlannedStep> {
    steps
        .iter()
        .map(|s| PlannedStep {
            keyword: s.keyword.clone(),
            ty: s.ty,
            text: s.value.clone(),
            line: s.position.line,
            docstring: s.docstring.clone(),
            table: s.table.as_ref().map(|t| t.rows.clone()),
        })
        .collect()
}

/// Expand features into scenarios (backgrounds prepended, outlines expanded), then filter.
pub fn plan(features: &[LoadedFeature], filter: &Filter) -> Vec<PlannedScenario> {
    let mut out = Vec::new();
    for (fi, lf) in features.iter().enumerate() {
        let f = &lf.feature;
        let fbg = f
            .background
            .as_ref()
            .map(|b| steps_of(&b.steps))
            .unwrap_or_default();
        let mut groups: Vec<(Vec<String>, Vec<PlannedStep>, &Vec<gherkin::Scenario>)> =
            vec![(with_at(&f.tags).collect(), fbg.clone(), &f.scenarios)];
        for r in &f.rules {
            let mut tags: Vec<String> = with_at(&f.tags).collect();
            tags.extend(with_at(&r.tags));
            let mut bg = fbg.clone();
            if let Some(b) = &r.background {
                bg.extend(steps_of(&b.steps));
            }
            groups.push((tags, bg, &r.scenarios));
        }
        for (gtags, bg, scenarios) in groups {
            for sc in scenarios {
                let mut tags = gtags.clone();
                tags.extend(with_at(&sc.tags));
                let mut steps = bg.clone();
                steps.extend(steps_of(&sc.steps));
                let base = PlannedScenario {
                    feature_index: fi,
                    feature_rel: lf.rel.clone(),
                    feature_name: f.name.clone(),
                    name: sc.name.clone(),
                    line: sc.position.line,
                    tags,
                    steps,
                };
                if sc.examples.is_empty() {
                    if filter.accepts(&base) {
                        out.push(base);
                    }
                    continue;
                }
                for ex in &sc.examples {
                    let Some(table) = &ex.table else { continue };
                    let Some((header, rows)) = table.rows.split_first() else {
                        continue;
                    };
                    for (ri, row) in rows.iter().enumerate() {
                        let mut s = base.clone();
                        s.tags.extend(with_at(&ex.tags));
                        s.line = table.position.line + 1 + ri;
                        let subst = |text: &str| {
                            let mut t = text.to_string();
                            for (h, v) in header.iter().zip(row) {
                                t = t.replace(&format!("<{h}>"), v);
                            }
                            t
                        };
                        // Unique names per row: the placeholders make them so, or else
                        // the row's values are appended.
                        let named = subst(&sc.name);
                        s.name = if named != sc.name {
                            named
                        } else {
                            format!("{} ({})", sc.name, row.join(", "))
                        };
                        for st in s.steps.iter_mut().skip(bg.len()) {
                            st.text = subst(&st.text);
                            st.docstring = st.docstring.as_deref().map(&subst);
                            if let Some(t) = &mut st.table {
                                for cell in t.iter_mut().flatten() {
                                    *cell = subst(cell);
                                }
                            }
                        }
                        if filter.accepts(&s) {
                            out.push(s);
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: &str = "# language: da
@SF1520
Egenskab: Opslag
  Baggrund:
    Givet en godkendt serviceaftale for SF1520

  @læs
  Scenarie: Et
    Når jeg slår borgeren \"far\" op i CPR

  @writes
  Abstrakt Scenario: To <x>
    Når jeg slår borgeren \"<x>\" op i CPR
    Eksempler:
      | x   |
      | mor |
      | barn |
";

    #[test]
    fn plans_background_outlines_and_tags() {
        let f = parse(Path::new("a.feature"), F).unwrap();
        let lf = vec![LoadedFeature {
            rel: "cpr/a.feature".into(),
            feature: f,
        }];
        let all = plan(&lf, &Filter::default());
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].steps.len(), 2);
        assert_eq!(all[1].name, "To mor");
        assert_eq!(all[2].steps[1].text, "jeg slår borgeren \"barn\" op i CPR");
        assert!(all[1].has_tag("@SF1520") && all[1].has_tag("writes"));
        assert_eq!(all[0].feature_stem(), "cpr/a");
        let f = Filter::new(Some("@SF1520 and not @writes"), None).unwrap();
        assert_eq!(plan(&lf, &f).len(), 1);
        let f = Filter::new(None, Some("^To")).unwrap();
        assert_eq!(plan(&lf, &f).len(), 2);
        assert!(Filter::new(Some("@a and and"), None).is_err());
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let bad =
            "# language: da\nEgenskab: x\n  Scenarie: y\n    Givet a\n    | a | b |\n    | c |\n";
        let e = parse(Path::new("x.feature"), bad).unwrap_err().to_string();
        assert!(e.starts_with("x.feature:"), "{e}");
        let e = parse(Path::new("y.feature"), "Feature: x\n  Scenarie: y\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("# language: da"), "{e}");
    }
}
