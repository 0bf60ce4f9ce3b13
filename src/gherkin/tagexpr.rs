//! Cucumber tag expressions: `@a and not (@b or @c)`.
//!
//! Precedence `not` > `and` > `or`, `and`/`or` left-associative, parentheses. A tag is '@'
//! and its name; `\(`, `\)`, `\\` and `\ ` put those characters into a name. The tokenizer
//! is one pass; the parser recurses only into parentheses and `not`, at most
//! [`MAX_NESTING`] deep, so a hostile `((((...` gets a message instead of a stack overflow.

use std::fmt;
use std::str::FromStr;

/// Levels of parentheses and `not` an expression may nest.
pub const MAX_NESTING: usize = 64;
/// Tags in one expression (a longer chain would make evaluating it recurse deeply).
pub const MAX_TAGS: usize = 1000;

/// A parsed tag expression. Tags are stored without their '@'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagOperation {
    And(Box<TagOperation>, Box<TagOperation>),
    Or(Box<TagOperation>, Box<TagOperation>),
    Not(Box<TagOperation>),
    Tag(String),
}

/// Why a tag expression cannot be read; `col` is 1-based, in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagExprError {
    pub col: usize,
    pub message: String,
}

impl fmt::Display for TagExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.col)
    }
}

impl std::error::Error for TagExprError {}

impl TagOperation {
    /// The tags the expression names (without '@').
    pub fn names(&self) -> Vec<&str> {
        match self {
            TagOperation::And(a, b) | TagOperation::Or(a, b) => {
                let mut n = a.names();
                n.extend(b.names());
                n
            }
            TagOperation::Not(a) => a.names(),
            TagOperation::Tag(t) => vec![t.as_str()],
        }
    }

    /// Whether a scenario with `tags` (with or without '@') matches; tags compare as
    /// [`Tag`]s, as everywhere in sp-contract.
    pub fn matches<S: AsRef<str>>(&self, tags: &[S]) -> bool {
        match self {
            TagOperation::And(a, b) => a.matches(tags) && b.matches(tags),
            TagOperation::Or(a, b) => a.matches(tags) || b.matches(tags),
            TagOperation::Not(a) => !a.matches(tags),
            TagOperation::Tag(t) => {
                let want = Tag::new(t);
                tags.iter().any(|x| Tag::new(x.as_ref()) == want)
            }
        }
    }
}

/// A tag as every comparison sees it: without the leading `@`, in Unicode lower case, so
/// `@Writes`, `@WRITES` and `writes` are one tag (and `@Ændring` is `@ændring`). The
/// production guard, `--retries`' `@writes` rule, `--tags`, `--service` and `--agreement`
/// all compare tags through this type, so they cannot disagree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag(String);

impl Tag {
    pub fn new(tag: &str) -> Tag {
        Tag(tag.trim().trim_start_matches('@').to_lowercase())
    }

    /// The compared form (`writes` for `@Writes`).
    pub fn key(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Not,
    Tag(String),
}

fn err(col: usize, message: impl Into<String>) -> TagExprError {
    TagExprError {
        col,
        message: message.into(),
    }
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Open => "'('".into(),
        Tok::Close => "')'".into(),
        Tok::And => "'and'".into(),
        Tok::Or => "'or'".into(),
        Tok::Not => "'not'".into(),
        Tok::Tag(name) => format!("'@{}'", name.chars().take(40).collect::<String>()),
    }
}

/// One pass over the characters: `(`, `)`, words, with backslash escapes inside words.
fn tokenize(s: &str) -> Result<Vec<(Tok, usize)>, TagExprError> {
    let mut out = Vec::new();
    let mut tags = 0;
    let mut chars = s.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        let col = i + 1;
        match c {
            c if c.is_whitespace() => {}
            '(' => out.push((Tok::Open, col)),
            ')' => out.push((Tok::Close, col)),
            _ => {
                let mut word = String::new();
                let mut cur = Some(c);
                while let Some(c) = cur {
                    if c == '\\' {
                        match chars.next() {
                            Some((_, e @ ('(' | ')' | '\\' | ' '))) => word.push(e),
                            Some((j, e)) => {
                                return Err(err(
                                    j,
                                    format!(
                                    "'\\{e}' is not an escape; only \\(, \\), \\\\ and '\\ ' are"
                                ),
                                ))
                            }
                            None => {
                                return Err(err(
                                    col + word.chars().count(),
                                    "the expression ends with a lone '\\'",
                                ))
                            }
                        }
                    } else {
                        word.push(c);
                    }
                    cur = match chars.peek() {
                        Some(&(_, n)) if !n.is_whitespace() && n != '(' && n != ')' => {
                            chars.next().map(|(_, n)| n)
                        }
                        _ => None,
                    };
                }
                let tok = match word.as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    w => match w.strip_prefix('@') {
                        Some("") => return Err(err(col, "a tag needs a name after '@'")),
                        Some(name) => Tok::Tag(name.to_string()),
                        None => {
                            let shown: String = w.chars().take(40).collect();
                            let lower = w.to_lowercase();
                            let extra = if ["and", "or", "not"].contains(&lower.as_str()) {
                                format!("; the operators are lowercase: '{lower}'")
                            } else {
                                format!(" (write '@{shown}')")
                            };
                            return Err(err(
                                col,
                                format!("'{shown}' is not a tag: tags start with '@'{extra}"),
                            ));
                        }
                    },
                };
                if matches!(tok, Tok::Tag(_)) {
                    tags += 1;
                }
                if tags > MAX_TAGS {
                    return Err(err(
                        col,
                        format!("the expression is too long (more than {MAX_TAGS} tags)"),
                    ));
                }
                out.push((tok, col));
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn col(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |(_, c)| *c)
    }

    fn found(&self) -> String {
        self.peek()
            .map_or_else(|| "the end of the expression".into(), show)
    }

    /// or-chain: left-associative, a loop (no recursion per operand).
    fn or(&mut self, depth: usize) -> Result<TagOperation, TagExprError> {
        let mut left = self.and(depth)?;
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            let right = self.and(depth)?;
            left = TagOperation::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<TagOperation, TagExprError> {
        let mut left = self.unary(depth)?;
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            let right = self.unary(depth)?;
            left = TagOperation::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn deeper(&self, depth: usize) -> Result<usize, TagExprError> {
        if depth >= MAX_NESTING {
            return Err(err(
                self.col(),
                format!("the expression nests more than {MAX_NESTING} levels of '(' and 'not'"),
            ));
        }
        Ok(depth + 1)
    }

    fn unary(&mut self, depth: usize) -> Result<TagOperation, TagExprError> {
        match self.peek().cloned() {
            Some(Tok::Not) => {
                let d = self.deeper(depth)?;
                self.pos += 1;
                Ok(TagOperation::Not(Box::new(self.unary(d)?)))
            }
            Some(Tok::Open) => {
                let d = self.deeper(depth)?;
                let open = self.col();
                self.pos += 1;
                let inner = self.or(d)?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(err(
                        self.col(),
                        format!(
                            "expected 'and', 'or' or the ')' closing the '(' at character {open}; found {}",
                            self.found()
                        ),
                    ));
                }
                self.pos += 1;
                Ok(inner)
            }
            Some(Tok::Tag(t)) => {
                self.pos += 1;
                Ok(TagOperation::Tag(t))
            }
            _ => Err(err(
                self.col(),
                format!(
                    "expected a tag (like @SF1520), 'not' or '('; found {}",
                    self.found()
                ),
            )),
        }
    }
}

impl FromStr for TagOperation {
    type Err = TagExprError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let toks = tokenize(s)?;
        if toks.is_empty() {
            return Err(err(1, "the tag expression is empty"));
        }
        let mut p = Parser {
            toks,
            pos: 0,
            end: s.chars().count() + 1,
        };
        let op = p.or(0)?;
        if p.pos < p.toks.len() {
            let what = match p.peek() {
                Some(Tok::Close) => "a ')' without its '('".to_string(),
                _ => format!(
                    "expected 'and' or 'or' between two tags; found {}",
                    p.found()
                ),
            };
            return Err(err(p.col(), what));
        }
        Ok(op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        format!("{:?}", s.parse::<TagOperation>().unwrap())
    }

    fn e(s: &str) -> String {
        s.parse::<TagOperation>().unwrap_err().to_string()
    }

    #[test]
    fn precedence_and_parentheses_as_cucumber() {
        assert_eq!(p("@foo and @bar"), "And(Tag(\"foo\"), Tag(\"bar\"))");
        assert_eq!(p("(@foo or @bar)"), "Or(Tag(\"foo\"), Tag(\"bar\"))");
        assert_eq!(p("not @fat"), "Not(Tag(\"fat\"))");
        assert_eq!(
            p("not @foo and not @haha or @bar"),
            "Or(And(Not(Tag(\"foo\")), Not(Tag(\"haha\"))), Tag(\"bar\"))"
        );
        assert_eq!(
            p("@a or @b and @c or not @d"),
            "Or(Or(Tag(\"a\"), And(Tag(\"b\"), Tag(\"c\"))), Not(Tag(\"d\")))"
        );
        assert_eq!(
            p("@a and not (@b or @c)"),
            "And(Tag(\"a\"), Not(Or(Tag(\"b\"), Tag(\"c\"))))"
        );
        assert_eq!(
            p("not @a or @b and not @c or not @d or @e and @f"),
            p("( ( ( not ( @a ) or ( @b and not ( @c ) ) ) or not ( @d ) ) or ( @e and @f ) )")
        );
        assert_eq!(p("@bar\\\\\\)\\ \\("), "Tag(\"bar\\\\) (\")");
        assert_eq!(p("(@foo and @bar\\))"), "And(Tag(\"foo\"), Tag(\"bar)\"))");
        assert_eq!(p("@SF1520"), "Tag(\"SF1520\")");
    }

    #[test]
    fn matches_case_insensitively_with_or_without_at() {
        let op: TagOperation = "@SF1520 and not @writes".parse().unwrap();
        assert!(op.matches(&["@sf1520"]));
        assert!(op.matches(&["SF1520", "læs"]));
        assert!(!op.matches(&["@SF1520", "@Writes"]));
        assert!(!op.matches::<&str>(&[]));
    }

    /// `--tags` compares as the production guard does (selection::Tag, Unicode lower case):
    /// a tag the guard sees as `@ændring` is the one `--tags @ÆNDRING` selects.
    #[test]
    fn matches_non_ascii_tags_as_the_guard_compares_them() {
        let op: TagOperation = "@ÆNDRING".parse().unwrap();
        assert!(op.matches(&["@ændring"]));
        assert!(op.matches(&["Ændring"]));
    }

    #[test]
    fn errors_say_what_was_found_and_where() {
        assert_eq!(
            e("@foo not @bar"),
            "expected 'and' or 'or' between two tags; found 'not' (at character 6)"
        );
        assert_eq!(
            e("@a and and"),
            "expected a tag (like @SF1520), 'not' or '('; found 'and' (at character 8)"
        );
        assert_eq!(
            e("@a and"),
            "expected a tag (like @SF1520), 'not' or '('; found the end of the expression (at character 7)"
        );
        assert_eq!(
            e("(@a or @b"),
            "expected 'and', 'or' or the ')' closing the '(' at character 1; found the end of the expression (at character 10)"
        );
        assert_eq!(e("@a)"), "a ')' without its '(' (at character 3)");
        assert_eq!(
            e("writes"),
            "'writes' is not a tag: tags start with '@' (write '@writes') (at character 1)"
        );
        assert_eq!(
            e("@a AND @b"),
            "'AND' is not a tag: tags start with '@'; the operators are lowercase: 'and' (at character 4)"
        );
        assert_eq!(e(""), "the tag expression is empty (at character 1)");
        assert_eq!(e("  "), "the tag expression is empty (at character 1)");
        assert_eq!(
            e("@ and @b"),
            "a tag needs a name after '@' (at character 1)"
        );
        assert_eq!(
            e("@bar\\"),
            "the expression ends with a lone '\\' (at character 5)"
        );
        assert!(e("@b\\x").contains("'\\x' is not an escape"));
        assert_eq!(
            e("()"),
            "expected a tag (like @SF1520), 'not' or '('; found ')' (at character 2)"
        );
    }

    #[test]
    fn hostile_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "(".repeat(20_000) + "@a" + &")".repeat(20_000);
        assert!(
            e(&deep).contains("nests more than 64 levels"),
            "{}",
            e(&deep)
        );
        let nots = "not ".repeat(20_000) + "@a";
        assert!(e(&nots).contains("nests more than 64 levels"));
        // 64 levels are fine.
        let ok = "(".repeat(32) + &"not ".repeat(32) + "@a" + &")".repeat(32);
        assert!(ok.parse::<TagOperation>().is_ok());
        let chain = vec!["@a"; 20_000].join(" or ");
        assert!(e(&chain).contains("more than 1000 tags"));
        let fine = vec!["@a"; 1000].join(" and ");
        assert!(fine.parse::<TagOperation>().unwrap().matches(&["a"]));
    }
}
