//! Byte strings with `$NAME` variables: commands and `set` values.

use core::fmt;
use std::collections::BTreeSet;

use super::lex::{lex, Mode, Token};
use super::pattern::{undefined, Env};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Bytes(Vec<u8>),
    Var(String),
}

/// Hex bytes that may contain `$NAME` variables, as written for a command or a `set`
/// value. The bytes are known when the step runs, after earlier `set` lines and
/// captures have given the variables their values.
///
/// [`Display`](fmt::Display) writes it back: literal bytes as upper-case hex, variables
/// as `$NAME`, separated by spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

impl Template {
    /// The bytes, if the template has no variables.
    pub fn literal(&self) -> Option<Vec<u8>> {
        self.resolve(&Env::new()).ok()
    }

    /// The bytes with variables replaced from `env`; `Err(name)` names the first
    /// variable that has no value.
    pub(crate) fn resolve(&self, env: &Env) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Bytes(bytes) => out.extend_from_slice(bytes),
                Piece::Var(name) => match env.get(name) {
                    Some(bytes) => out.extend_from_slice(bytes),
                    None => return Err(name.clone()),
                },
            }
        }
        Ok(out)
    }
}

impl From<Vec<u8>> for Template {
    /// A template of literal bytes, for building a [`Script`](super::Script) in code.
    fn from(bytes: Vec<u8>) -> Self {
        Template {
            pieces: vec![Piece::Bytes(bytes)],
        }
    }
}

/// Parses hex text with variables; every variable must be in `known`.
pub(crate) fn parse_template(text: &str, known: &BTreeSet<String>) -> Result<Template, String> {
    let mut pieces: Vec<Piece> = Vec::new();
    for token in lex(text, Mode::Bytes)? {
        match token {
            Token::Byte(b) => match pieces.last_mut() {
                Some(Piece::Bytes(bytes)) => bytes.push(b.value),
                _ => pieces.push(Piece::Bytes(vec![b.value])),
            },
            Token::Var(name) => {
                if !known.contains(&name) {
                    return Err(undefined(&name));
                }
                pieces.push(Piece::Var(name));
            }
            // Mode::Bytes yields neither.
            Token::Any | Token::Open(_) | Token::Close => {
                return Err(format!("`{text}` is not plain hex"));
            }
        }
    }
    Ok(Template { pieces })
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, piece) in self.pieces.iter().enumerate() {
            if n > 0 {
                f.write_str(" ")?;
            }
            match piece {
                Piece::Bytes(bytes) => f.write_str(&crate::hex::encode(bytes))?,
                Piece::Var(name) => write!(f, "${name}")?,
            }
        }
        Ok(())
    }
}
