//! From script text to [`Script`]: lines, comments, continuations and directives.

use std::collections::BTreeSet;

use super::lex::is_name;
use super::pattern::{parse_pattern, Target};
use super::template::parse_template;
use super::{Action, Expectation, Script, ScriptError, Step, MAX_COMMAND_LEN, MIN_COMMAND_LEN};

/// The directives, in the order the documentation lists them.
const DIRECTIVES: [&str; 5] = ["reset", "atr", "expect", "echo", "set"];

/// Parses a whole script. See the [module documentation](super) for the format.
pub fn parse(text: &str) -> Result<Script, ScriptError> {
    let mut parser = Parser::default();
    let mut pending: Option<(usize, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let number = index.saturating_add(1);
        let code = raw.split('#').next().unwrap_or_default().trim();
        let (continues, code) = match code.strip_suffix('\\') {
            Some(head) => (true, head.trim_end()),
            None => (false, code),
        };
        let (start, mut logical) = pending.take().unwrap_or((number, String::new()));
        if !logical.is_empty() && !code.is_empty() {
            logical.push(' ');
        }
        logical.push_str(code);
        if continues {
            pending = Some((start, logical));
        } else if !logical.is_empty() {
            parser
                .line(start, &logical)
                .map_err(|message| ScriptError {
                    line: start,
                    message,
                })?;
        }
    }
    if let Some((start, _)) = pending {
        return Err(ScriptError {
            line: start,
            message: "the script ends inside a `\\` continuation".to_owned(),
        });
    }
    Ok(Script {
        steps: parser.steps,
    })
}

#[derive(Default)]
struct Parser {
    steps: Vec<Step>,
    /// Variables defined so far (by `set` or a capture).
    known: BTreeSet<String>,
}

impl Parser {
    fn line(&mut self, line: usize, text: &str) -> Result<(), String> {
        let word_len = text
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(text.len());
        let word = text.get(..word_len).unwrap_or_default();
        let rest = text.get(word_len..).unwrap_or_default();
        let separated = rest.is_empty() || rest.starts_with(char::is_whitespace);
        let action = match word {
            "reset" if separated || rest.starts_with("->") => self.reset(line, rest)?,
            "atr" if separated => return self.expect(line, rest, Target::Atr),
            "expect" if separated => return self.expect(line, rest, Target::Response),
            "echo" if separated => Action::Echo(rest.trim().to_owned()),
            "set" if separated => self.set(rest)?,
            _ if looks_like_command(text) => self.command(line, text)?,
            _ => return Err(unknown_directive(word, text)),
        };
        self.steps.push(Step { line, action });
        Ok(())
    }

    /// Parses the pattern written after `after` (`->`, `expect` or `atr`) and learns
    /// the variables it captures.
    fn expectation(
        &mut self,
        line: usize,
        text: &str,
        target: Target,
        after: &str,
    ) -> Result<Expectation, String> {
        if text.trim().is_empty() {
            return Err(format!("missing pattern after `{after}`"));
        }
        let pattern = parse_pattern(text, target, &self.known)?;
        for name in pattern.capture_names() {
            self.known.insert(name.to_owned());
        }
        Ok(Expectation { line, pattern })
    }

    fn reset(&mut self, line: usize, rest: &str) -> Result<Action, String> {
        let rest = rest.trim();
        if rest.is_empty() {
            return Ok(Action::Reset { atr: None });
        }
        let Some(pattern) = rest.strip_prefix("->") else {
            return Err(format!(
                "`reset` takes no argument (got `{rest}`); to check the ATR write `reset -> PATTERN` or `atr PATTERN` on the next line"
            ));
        };
        Ok(Action::Reset {
            atr: Some(self.expectation(line, pattern, Target::Atr, "->")?),
        })
    }

    /// `expect` (for a command) or `atr` (for a reset) on a line of its own.
    fn expect(&mut self, line: usize, rest: &str, target: Target) -> Result<(), String> {
        let (keyword, wanted, the_step) = match target {
            Target::Response => ("expect", "a command", "the command"),
            Target::Atr => ("atr", "`reset`", "the `reset`"),
        };
        let previous = self.steps.last().map(|step| (step.line, &step.action));
        match (target, previous) {
            (
                Target::Response,
                Some((
                    at,
                    Action::Command {
                        expect: Some(_), ..
                    },
                )),
            )
            | (Target::Atr, Some((at, Action::Reset { atr: Some(_) }))) => {
                return Err(format!(
                    "{the_step} on line {at} already has an expectation; combine them with `|`"
                ));
            }
            (Target::Response, Some((_, Action::Command { .. })))
            | (Target::Atr, Some((_, Action::Reset { .. }))) => {}
            (Target::Response, Some((_, Action::Reset { .. }))) => {
                return Err("`expect` checks a command's response; to check the ATR after `reset` write `atr PATTERN`".to_owned());
            }
            (_, None) => return Err(format!("`{keyword}` without {wanted} before it")),
            (_, Some((at, _))) => {
                return Err(format!(
                    "`{keyword}` must directly follow {wanted} (line {at} is not one)"
                ));
            }
        }
        let expectation = self.expectation(line, rest, target, keyword)?;
        match self.steps.last_mut().map(|step| &mut step.action) {
            Some(Action::Command { expect, .. }) => *expect = Some(expectation),
            Some(Action::Reset { atr }) => *atr = Some(expectation),
            _ => {}
        }
        Ok(())
    }

    fn set(&mut self, rest: &str) -> Result<Action, String> {
        let Some((name, value)) = rest.split_once('=') else {
            return Err("`set` is written `set NAME = HEX`".to_owned());
        };
        let name = name.trim();
        if !is_name(name) {
            return Err(format!(
                "`{name}` is not a variable name (use letters, digits and `_`)"
            ));
        }
        let value = parse_template(value, &self.known)?;
        self.known.insert(name.to_owned());
        Ok(Action::Set {
            name: name.to_owned(),
            value,
        })
    }

    fn command(&mut self, line: usize, text: &str) -> Result<Action, String> {
        let (command, pattern) = match text.split_once("->") {
            Some((command, pattern)) => (command, Some(pattern)),
            None => (text, None),
        };
        let apdu = parse_template(command, &self.known)?;
        if let Some(bytes) = apdu.literal() {
            let n = bytes.len();
            if n < MIN_COMMAND_LEN {
                return Err(format!(
                    "a command has at least 4 bytes (CLA INS P1 P2), but `{}` has {n}; to check a response, write `-> PATTERN` after its command or `expect PATTERN` on the next line",
                    command.trim()
                ));
            }
            if n > MAX_COMMAND_LEN {
                return Err(format!(
                    "a command has at most {MAX_COMMAND_LEN} bytes (extended case 4), this one has {n}"
                ));
            }
        }
        let expect = match pattern {
            Some(pattern) => Some(self.expectation(line, pattern, Target::Response, "->")?),
            None => None,
        };
        Ok(Action::Command { apdu, expect })
    }
}

/// Whether a line that starts with no directive is meant as a command.
fn looks_like_command(text: &str) -> bool {
    let head = text.split("->").next().unwrap_or_default();
    let first = head.split_whitespace().next().unwrap_or_default();
    first.starts_with(|c: char| c.is_ascii_digit() || c == '$')
        || (!first.is_empty()
            && first
                .chars()
                .all(|c| c.is_ascii_hexdigit() || matches!(c, 'X' | 'x' | '?' | '*' | '.')))
}

fn unknown_directive(word: &str, text: &str) -> String {
    let first = text.split_whitespace().next().unwrap_or(text);
    if first.starts_with("->") {
        return "`->` must follow a command on the same line; to check the previous command's response on a line of its own, write `expect PATTERN`".to_owned();
    }
    let lower = word.to_ascii_lowercase();
    if lower != word && DIRECTIVES.contains(&lower.as_str()) {
        return format!("unknown directive `{first}`; directives are lower case: `{lower}`");
    }
    format!(
        "unknown directive `{first}`; a line is a command in hex or one of {}",
        DIRECTIVES.map(|d| format!("`{d}`")).join(", ")
    )
}
