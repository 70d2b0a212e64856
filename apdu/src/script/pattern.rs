//! Expected responses and ATRs: the pattern language and its matcher.

use core::fmt;
use core::str::FromStr;
use std::collections::{BTreeMap, BTreeSet};

use super::lex::{lex, ByteMask, Mode, Token};
use super::ScriptError;

/// Variable values while a script runs.
pub(crate) type Env = BTreeMap<String, Vec<u8>>;

/// What a pattern is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// An R-APDU: data followed by SW1 SW2 (ISO/IEC 7816-4 §5.1).
    Response,
    /// An Answer-To-Reset (ISO/IEC 7816-3 §8).
    Atr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Byte(ByteMask),
    Any,
    Var(String),
    Capture { name: String, items: Vec<Item> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Alternative {
    /// `sw XXXX`: only the last two bytes are checked.
    sw_only: bool,
    items: Vec<Item>,
}

/// An expected response or ATR, as written after `->`, `expect` or `atr`.
///
/// See the [module documentation](super) for the syntax. [`Display`](fmt::Display)
/// writes the pattern back in canonical form (upper case, `**` for any byte, `X` for a
/// wildcard nibble, the status word of a response set apart), which parses to an equal
/// pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    target: Target,
    alternatives: Vec<Alternative>,
}

/// Matching positions: elements are bytes or `..`.
#[derive(Debug, Clone, Copy)]
enum Elem {
    Byte(ByteMask),
    Any,
}

/// An alternative with its variables replaced by their bytes.
struct Flat {
    elems: Vec<Elem>,
    /// Capture name and the range of `elems` it covers.
    captures: Vec<(String, usize, usize)>,
}

impl Pattern {
    /// Whether `bytes` matches one of the alternatives.
    ///
    /// An alternative that uses a `$NAME` variable never matches here (no variable has a
    /// value outside a run of a script).
    pub fn matches(&self, bytes: &[u8]) -> bool {
        self.match_with(&Env::new(), bytes).is_some()
    }

    /// The bytes taken by each `{NAME: ...}` capture when `bytes` matches, else `None`.
    pub fn captures(&self, bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
        self.match_with(&Env::new(), bytes)
    }

    /// The names this pattern captures, in order.
    pub fn capture_names(&self) -> Vec<&str> {
        let mut names = Vec::new();
        for alt in &self.alternatives {
            for item in &alt.items {
                if let Item::Capture { name, .. } = item {
                    names.push(name.as_str());
                }
            }
        }
        names
    }

    /// Matches with variables taken from `env`; returns the captures of the first
    /// alternative that matches.
    pub(crate) fn match_with(&self, env: &Env, bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
        self.alternatives.iter().find_map(|alt| {
            let flat = flatten(alt, env)?;
            let pos = glob(&flat.elems, bytes)?;
            let at = |i: usize| pos.get(i).copied().unwrap_or(bytes.len());
            Some(
                flat.captures
                    .iter()
                    .map(|(name, start, end)| {
                        let taken = bytes.get(at(*start)..at(*end)).unwrap_or_default();
                        (name.clone(), taken.to_vec())
                    })
                    .collect(),
            )
        })
    }

    /// Whether this response pattern is a bare status word (`9000`, `63CX`) that `sw`
    /// of `actual` satisfies although `actual` carries data: the usual slip of writing
    /// `-> 9000` for a command that returns data.
    pub(crate) fn sw_would_match(&self, actual: &[u8]) -> Option<String> {
        let sw = actual.len().checked_sub(2).and_then(|n| actual.get(n..))?;
        if self.target != Target::Response || actual.len() <= 2 {
            return None;
        }
        self.alternatives
            .iter()
            .find_map(|alt| match alt.items.as_slice() {
                [Item::Byte(a), Item::Byte(b)] if !alt.sw_only => match sw {
                    [x, y] if a.matches(*x) && b.matches(*y) => Some(format!("{a}{b}")),
                    _ => None,
                },
                _ => None,
            })
    }
}

/// Parses one pattern. `known` holds the variables defined before it.
pub(crate) fn parse_pattern(
    text: &str,
    target: Target,
    known: &BTreeSet<String>,
) -> Result<Pattern, String> {
    let mut alternatives = Vec::new();
    let mut sw_mode = false;
    for alt_text in text.split('|') {
        let trimmed = alt_text.trim();
        if trimmed.is_empty() {
            return Err(if text.contains('|') {
                "empty alternative: `|` needs a pattern on each side".to_owned()
            } else {
                "missing pattern".to_owned()
            });
        }
        let first = trimmed.split_whitespace().next().unwrap_or_default();
        let sw_here = first == "sw";
        if !sw_here && first.eq_ignore_ascii_case("sw") {
            return Err(format!("write `sw` in lower case, not `{first}`"));
        }
        if sw_here && target == Target::Atr {
            return Err("`sw` checks a command's status word; an ATR has none".to_owned());
        }
        let body = if sw_here {
            trimmed.get(2..).unwrap_or_default().trim()
        } else {
            trimmed
        };
        let items = build_items(lex(body, Mode::Pattern)?)?;
        let was_sw = sw_mode;
        sw_mode |= sw_here;
        if sw_mode {
            if !matches!(items.as_slice(), [Item::Byte(_), Item::Byte(_)]) {
                return Err(if was_sw && !sw_here {
                    format!("after `sw`, every alternative is a 2-byte status word; `{body}` is not (put full-response alternatives before `sw`)")
                } else {
                    format!("`sw` takes one 2-byte status word such as `sw 9000` or `sw 63CX`, not `{body}`")
                });
            }
        } else if target == Target::Response {
            if let Some(n) = fixed_len(&items).filter(|&n| n < 2) {
                return Err(format!(
                    "`{body}` has {n} byte(s), but a response ends with the 2-byte status word (use `sw XXXX` to check only the status word)"
                ));
            }
        }
        alternatives.push(Alternative {
            sw_only: sw_mode,
            items,
        });
    }
    let pattern = Pattern {
        target,
        alternatives,
    };
    check_names(&pattern, known)?;
    Ok(pattern)
}

fn check_names(pattern: &Pattern, known: &BTreeSet<String>) -> Result<(), String> {
    let captures = pattern.capture_names();
    if !captures.is_empty() && pattern.alternatives.len() > 1 {
        return Err("captures `{NAME: ...}` cannot be combined with `|` alternatives".to_owned());
    }
    let mut seen = BTreeSet::new();
    for name in captures {
        if !seen.insert(name) {
            return Err(format!("`{name}` is captured twice in one pattern"));
        }
    }
    for alt in &pattern.alternatives {
        for name in var_names(&alt.items) {
            if !known.contains(name) {
                return Err(undefined(name));
            }
        }
    }
    Ok(())
}

/// The message for a `$NAME` that no earlier line defines.
pub(crate) fn undefined(name: &str) -> String {
    format!("unknown variable `${name}`: define it on an earlier line with `set {name} = ...` or a capture `{{{name}: ...}}`")
}

fn var_names(items: &[Item]) -> Vec<&str> {
    let mut names = Vec::new();
    for item in items {
        match item {
            Item::Var(name) => names.push(name.as_str()),
            Item::Capture { items, .. } => names.extend(var_names(items)),
            Item::Byte(_) | Item::Any => {}
        }
    }
    names
}

/// The number of bytes `items` matches, if it is fixed and known at parse time.
fn fixed_len(items: &[Item]) -> Option<usize> {
    items.iter().try_fold(0usize, |n, item| match item {
        Item::Byte(_) => n.checked_add(1),
        Item::Capture { items, .. } => n.checked_add(fixed_len(items)?),
        Item::Any | Item::Var(_) => None,
    })
}

fn build_items(tokens: Vec<Token>) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let mut open: Option<(String, Vec<Item>)> = None;
    for token in tokens {
        let item = match token {
            Token::Byte(b) => Item::Byte(b),
            Token::Any => Item::Any,
            Token::Var(name) => Item::Var(name),
            Token::Open(name) => {
                if let Some((outer, _)) = &open {
                    return Err(format!(
                        "`{{{name}:` inside `{{{outer}: ...}}`: captures cannot be nested"
                    ));
                }
                open = Some((name, Vec::new()));
                continue;
            }
            Token::Close => match open.take() {
                Some((name, inner)) if inner.is_empty() => {
                    return Err(format!("the capture `{{{name}: }}` is empty"));
                }
                Some((name, inner)) => Item::Capture { name, items: inner },
                None => return Err("`}` without a `{NAME:` before it".to_owned()),
            },
        };
        match &mut open {
            Some((_, inner)) => inner.push(item),
            None => items.push(item),
        }
    }
    if let Some((name, _)) = open {
        return Err(format!("`{{{name}:` is not closed by `}}`"));
    }
    Ok(items)
}

fn flatten(alt: &Alternative, env: &Env) -> Option<Flat> {
    let mut flat = Flat {
        elems: Vec::new(),
        captures: Vec::new(),
    };
    if alt.sw_only {
        flat.elems.push(Elem::Any);
    }
    flatten_items(&alt.items, env, &mut flat)?;
    Some(flat)
}

fn flatten_items(items: &[Item], env: &Env, flat: &mut Flat) -> Option<()> {
    for item in items {
        match item {
            Item::Byte(b) => flat.elems.push(Elem::Byte(*b)),
            Item::Any => flat.elems.push(Elem::Any),
            Item::Var(name) => {
                let bytes = env.get(name)?;
                flat.elems
                    .extend(bytes.iter().map(|&b| Elem::Byte(ByteMask::exact(b))));
            }
            Item::Capture { name, items } => {
                let start = flat.elems.len();
                flatten_items(items, env, flat)?;
                let end = flat.elems.len();
                flat.captures.push((name.clone(), start, end));
            }
        }
    }
    Some(())
}

/// Glob matching of `elems` against all of `s`, where `Any` matches any run of bytes.
///
/// Returns, for each element, the index in `s` where it starts. This is the classic
/// two-pointer algorithm that only backtracks to the most recent `Any`: at most
/// `elems.len() * (s.len() + 1)` steps, with no recursion.
fn glob(elems: &[Elem], s: &[u8]) -> Option<Vec<usize>> {
    let mut pos = vec![0usize; elems.len()];
    let (mut p, mut i) = (0usize, 0usize);
    // (index of the last `Any`, index in `s` where its run currently ends)
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        match (elems.get(p), s.get(i)) {
            (Some(Elem::Byte(b)), Some(&c)) if b.matches(c) => {
                set(&mut pos, p, i);
                p += 1;
                i += 1;
            }
            (Some(Elem::Any), _) => {
                set(&mut pos, p, i);
                star = Some((p, i));
                p += 1;
            }
            _ => {
                let (sp, end) = star?;
                let end = end + 1;
                star = Some((sp, end));
                p = sp + 1;
                i = end;
            }
        }
    }
    while let Some(Elem::Any) = elems.get(p) {
        set(&mut pos, p, i);
        p += 1;
    }
    (p == elems.len()).then_some(pos)
}

fn set(pos: &mut [usize], p: usize, i: usize) {
    if let Some(slot) = pos.get_mut(p) {
        *slot = i;
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, alt) in self.alternatives.iter().enumerate() {
            if n > 0 {
                f.write_str(" | ")?;
            }
            if alt.sw_only {
                f.write_str("sw ")?;
            }
            let split_sw = self.target == Target::Response && !alt.sw_only;
            f.write_str(&render(&alt.items, split_sw))?;
        }
        Ok(())
    }
}

/// Writes items: consecutive bytes joined, other items separated by spaces; with
/// `split_sw`, two final bytes (the status word) are set apart.
fn render(items: &[Item], split_sw: bool) -> String {
    let sw_at = match items {
        [.., Item::Byte(_), Item::Byte(_)] if split_sw => items.len().checked_sub(2),
        _ => None,
    };
    let mut chunks: Vec<String> = Vec::new();
    let mut run = String::new();
    for (i, item) in items.iter().enumerate() {
        if let Item::Byte(b) = item {
            if Some(i) == sw_at && !run.is_empty() {
                chunks.push(core::mem::take(&mut run));
            }
            run.push_str(&b.to_string());
            continue;
        }
        if !run.is_empty() {
            chunks.push(core::mem::take(&mut run));
        }
        chunks.push(match item {
            Item::Any => "..".to_owned(),
            Item::Var(name) => format!("${name}"),
            Item::Capture { name, items } => format!("{{{name}: {}}}", render(items, false)),
            Item::Byte(b) => b.to_string(),
        });
    }
    if !run.is_empty() {
        chunks.push(run);
    }
    chunks.join(" ")
}

impl FromStr for Pattern {
    type Err = ScriptError;

    /// Parses a response pattern on its own (as after `->`), without variables; errors
    /// are reported on line 1.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_pattern(text, Target::Response, &BTreeSet::new())
            .map_err(|message| ScriptError { line: 1, message })
    }
}
