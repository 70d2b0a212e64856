//! Splits the hex text of commands, `set` values and patterns into tokens.
//!
//! Text is read word by word (words are separated by whitespace). Inside a word,
//! hex digits (and, in patterns, the nibble wildcards `X`, `x`, `?`, `*`) form runs
//! that must have an even number of characters; `..`, `$NAME`, `{NAME:` and `}`
//! may be glued to them, as in `62..9000` or `{ICCID:..}`.

use core::fmt;

/// One byte of a pattern: a byte `b` matches when `b & mask == value`.
///
/// Each nibble of `mask` is either `F` (the nibble is fixed) or `0` (any nibble).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ByteMask {
    /// The fixed bits; bits outside `mask` are zero.
    pub(crate) value: u8,
    /// Which bits are fixed.
    pub(crate) mask: u8,
}

impl ByteMask {
    /// A byte that must be exactly `b`.
    pub(crate) const fn exact(b: u8) -> Self {
        ByteMask {
            value: b,
            mask: 0xFF,
        }
    }

    /// Whether `b` matches.
    pub(crate) const fn matches(self, b: u8) -> bool {
        b & self.mask == self.value
    }
}

impl fmt::Display for ByteMask {
    /// `**` for any byte, otherwise two characters, `X` for a wildcard nibble.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mask == 0 {
            return f.write_str("**");
        }
        for shift in [4u8, 0] {
            let nibble_mask = (self.mask >> shift) & 0x0F;
            let nibble = (self.value >> shift) & 0x0F;
            if nibble_mask == 0 {
                f.write_str("X")?;
            } else {
                write!(f, "{nibble:X}")?;
            }
        }
        Ok(())
    }
}

/// A token of hex text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// A byte, possibly with wildcard nibbles.
    Byte(ByteMask),
    /// `..`: any number of bytes.
    Any,
    /// `$NAME`: the bytes of a variable.
    Var(String),
    /// `{NAME:`: start of a capture.
    Open(String),
    /// `}`: end of a capture.
    Close,
}

/// What the text is: plain bytes (commands, `set` values) or an expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Hex bytes and `$NAME` only.
    Bytes,
    /// Everything: wildcards, `..`, captures.
    Pattern,
}

/// Whether `c` may appear in a variable name.
pub(crate) fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `name` is a valid variable name.
pub(crate) fn is_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(is_name_char)
}

fn is_wildcard(c: char) -> bool {
    matches!(c, 'X' | 'x' | '?' | '*')
}

fn is_run_char(c: char) -> bool {
    c.is_ascii_hexdigit() || is_wildcard(c)
}

/// Splits `s` after its first `len` bytes (the whole of `s` if `len` is not a boundary).
fn split(s: &str, len: usize) -> (&str, &str) {
    match (s.get(..len), s.get(len..)) {
        (Some(head), Some(tail)) => (head, tail),
        _ => (s, ""),
    }
}

/// Length of the prefix of `s` whose characters satisfy `pred`.
fn prefix_len(s: &str, pred: impl Fn(char) -> bool) -> usize {
    s.find(|c: char| !pred(c)).unwrap_or(s.len())
}

/// Tokenizes `text`. Errors are user-facing messages (without the line number).
pub(crate) fn lex(text: &str, mode: Mode) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        lex_word(word, mode, &mut out)?;
    }
    Ok(out)
}

fn lex_word(word: &str, mode: Mode, out: &mut Vec<Token>) -> Result<(), String> {
    let mut rest = word;
    while let Some(c) = rest.chars().next() {
        if is_run_char(c) {
            let (run, tail) = split(rest, prefix_len(rest, is_run_char));
            lex_run(run, word, mode, out)?;
            rest = tail;
        } else if c == '.' {
            let (dots, tail) = split(rest, prefix_len(rest, |c| c == '.'));
            if dots != ".." {
                return Err(format!(
                    "`{dots}` in `{word}`: write `..` for any number of bytes"
                ));
            }
            if mode == Mode::Bytes {
                return Err(format!(
                    "`..` in `{word}`: \"any bytes\" is only allowed in expectations"
                ));
            }
            out.push(Token::Any);
            rest = tail;
        } else if c == '$' {
            let after = rest.get(1..).unwrap_or("");
            let (name, tail) = split(after, prefix_len(after, is_name_char));
            if name.is_empty() {
                return Err(format!(
                    "`$` in `{word}` must be followed by a variable name (letters, digits, `_`)"
                ));
            }
            out.push(Token::Var(name.to_owned()));
            rest = tail;
        } else if c == '{' && mode == Mode::Pattern {
            let after = rest.get(1..).unwrap_or("");
            let (name, tail) = split(after, prefix_len(after, is_name_char));
            let Some(tail) = tail.strip_prefix(':').filter(|_| !name.is_empty()) else {
                return Err(format!(
                    "`{word}`: a capture is written `{{NAME: pattern}}`, e.g. `{{ICCID: ..}}`"
                ));
            };
            out.push(Token::Open(name.to_owned()));
            rest = tail;
        } else if c == '}' && mode == Mode::Pattern {
            out.push(Token::Close);
            rest = rest.get(1..).unwrap_or("");
        } else {
            return Err(unexpected(c, word, mode));
        }
    }
    Ok(())
}

fn unexpected(c: char, word: &str, mode: Mode) -> String {
    let hint = match (c, mode) {
        ('{' | '}', Mode::Bytes) => ": captures are only allowed in expectations",
        ('|', Mode::Bytes) => ": alternatives are only allowed in expectations",
        ('-', _) => ": `->` separates a command from its expectation, once per line",
        (_, Mode::Bytes) => ": expected hex digits or `$NAME`",
        (_, Mode::Pattern) => ": expected hex digits, `**`, `X`, `..`, `$NAME` or `{NAME: ...}`",
    };
    format!("unexpected `{c}` in `{word}`{hint}")
}

fn lex_run(run: &str, word: &str, mode: Mode, out: &mut Vec<Token>) -> Result<(), String> {
    if mode == Mode::Bytes {
        if let Some(w) = run.chars().find(|&c| is_wildcard(c)) {
            return Err(format!(
                "wildcard `{w}` in `{word}`: wildcards are only allowed in expectations"
            ));
        }
    }
    let pairs = run.as_bytes().chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err(if run == word {
            format!("`{run}` has an odd number of hex digits")
        } else {
            format!("`{run}` (in `{word}`) has an odd number of hex digits")
        });
    }
    for pair in pairs {
        let (hi, lo) = match pair {
            [hi, lo] => (nibble(*hi), nibble(*lo)),
            _ => continue,
        };
        out.push(Token::Byte(ByteMask {
            value: hi.0 << 4 | lo.0,
            mask: hi.1 << 4 | lo.1,
        }));
    }
    Ok(())
}

/// `(value, mask)` of one run character: a hex digit is fixed, a wildcard is free.
fn nibble(c: u8) -> (u8, u8) {
    match c {
        b'0'..=b'9' => (c - b'0', 0x0F),
        b'a'..=b'f' => (c - b'a' + 10, 0x0F),
        b'A'..=b'F' => (c - b'A' + 10, 0x0F),
        _ => (0, 0),
    }
}
