//! Running a [`Script`] against a [`Transport`].

use core::fmt;

use super::pattern::{Env, Pattern};
use super::{Action, Script, MAX_COMMAND_LEN, MIN_COMMAND_LEN};

/// Where a script's resets and commands go: an in-process card, a PC/SC reader, a
/// test double.
///
/// The transport works at the APDU level (ISO/IEC 7816-4 §5.1): it resolves the T=0
/// procedures `61XX` (GET RESPONSE) and `6CXX` (repeat with Le = XX) of ETSI TS 102 221
/// §7.3.1 itself, so the R-APDU it returns is the final one.
pub trait Transport {
    /// Why a reset or an exchange failed.
    type Error: fmt::Display;

    /// Cold-resets the card and returns its ATR (ISO/IEC 7816-3 §8).
    fn reset(&mut self) -> Result<Vec<u8>, Self::Error>;

    /// Sends one C-APDU and returns the R-APDU: response data, then SW1 SW2.
    fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, Self::Error>;
}

/// Whether a step's expectation held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The step has no expectation.
    Unchecked,
    /// The expectation matched.
    Matched,
    /// The expectation did not match; the run stops with a [`RunError`].
    Mismatched,
}

/// What one step did, reported to the observer of [`run`] as it happens (a mismatching
/// exchange is reported before the run stops).
///
/// [`Display`](fmt::Display) gives one stable line in script syntax, e.g.
/// `line 4: 00A40004023F00 -> 622C...0B 9000 [ok]`: the response as upper-case hex with
/// its status word set apart, then `[ok]`, `[MISMATCH]` or nothing (no expectation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// A `reset`.
    Reset {
        /// Line of the `reset`.
        line: usize,
        /// The ATR the card answered.
        atr: Vec<u8>,
        /// The ATR check.
        verdict: Verdict,
    },
    /// A command and its response.
    Exchange {
        /// Line of the command.
        line: usize,
        /// The C-APDU sent, variables replaced.
        command: Vec<u8>,
        /// The R-APDU received.
        response: Vec<u8>,
        /// The response check.
        verdict: Verdict,
    },
    /// An `echo`.
    Echo {
        /// Line of the `echo`.
        line: usize,
        /// Its text.
        text: String,
    },
}

impl StepOutcome {
    /// The script line of the step.
    pub fn line(&self) -> usize {
        match self {
            StepOutcome::Reset { line, .. }
            | StepOutcome::Exchange { line, .. }
            | StepOutcome::Echo { line, .. } => *line,
        }
    }
}

impl fmt::Display for StepOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = match self {
            StepOutcome::Reset { line, atr, verdict } => {
                write!(f, "line {line}: reset -> {}", crate::hex::encode(atr))?;
                verdict
            }
            StepOutcome::Exchange {
                line,
                command,
                response,
                verdict,
            } => {
                write!(
                    f,
                    "line {line}: {} -> {}",
                    crate::hex::encode(command),
                    Rapdu(response)
                )?;
                verdict
            }
            StepOutcome::Echo { line, text } => return write!(f, "line {line}: echo {text}"),
        };
        match verdict {
            Verdict::Unchecked => Ok(()),
            Verdict::Matched => f.write_str(" [ok]"),
            Verdict::Mismatched => f.write_str(" [MISMATCH]"),
        }
    }
}

/// An R-APDU shown as data, a space, and SW1 SW2.
struct Rapdu<'a>(&'a [u8]);

impl fmt::Display for Rapdu<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0;
        match bytes.len().checked_sub(2).map(|n| bytes.split_at(n)) {
            Some(([], sw)) => f.write_str(&crate::hex::encode(sw)),
            Some((data, sw)) => {
                write!(f, "{} {}", crate::hex::encode(data), crate::hex::encode(sw))
            }
            None if bytes.is_empty() => f.write_str("(nothing)"),
            None => f.write_str(&crate::hex::encode(bytes)),
        }
    }
}

/// Counts of a run that completed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Commands sent.
    pub commands: usize,
    /// Expectations checked (responses and ATRs); all of them matched.
    pub checked: usize,
    /// Resets done.
    pub resets: usize,
}

/// Why a run stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunError {
    /// A response did not match its expectation.
    ResponseMismatch {
        /// Line of the expectation (that of the command when written after `->`).
        line: usize,
        /// The C-APDU sent.
        command: Vec<u8>,
        /// The expectation.
        expected: Pattern,
        /// The R-APDU received.
        actual: Vec<u8>,
    },
    /// An ATR did not match its expectation.
    AtrMismatch {
        /// Line of the expectation.
        line: usize,
        /// The expectation.
        expected: Pattern,
        /// The ATR received.
        actual: Vec<u8>,
    },
    /// The transport failed, or answered fewer than the 2 status word bytes.
    Transport {
        /// Line of the step.
        line: usize,
        /// The transport's message.
        message: String,
    },
    /// A `$NAME` had no value (only possible for a [`Script`] built in code: [`parse`]
    /// rejects variables that no earlier line defines).
    ///
    /// [`parse`]: super::parse
    UndefinedVariable {
        /// Line of the step.
        line: usize,
        /// The variable.
        name: String,
    },
    /// After replacing variables, a command is not 4 to 65 544 bytes long
    /// (ISO/IEC 7816-4 §5.1: a header of 4 bytes, at most an extended case 4).
    BadCommandLength {
        /// Line of the command.
        line: usize,
        /// The bytes that were not sent.
        command: Vec<u8>,
    },
}

impl RunError {
    /// The script line where the run stopped.
    pub fn line(&self) -> usize {
        match self {
            RunError::ResponseMismatch { line, .. }
            | RunError::AtrMismatch { line, .. }
            | RunError::Transport { line, .. }
            | RunError::UndefinedVariable { line, .. }
            | RunError::BadCommandLength { line, .. } => *line,
        }
    }
}

impl fmt::Display for RunError {
    /// The first line is `line N: ...`; mismatches add an `expected:` and an `actual:`
    /// line (and a `hint:` line when the status word matched but data came too).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::ResponseMismatch {
                line,
                command,
                expected,
                actual,
            } => {
                write!(
                    f,
                    "line {line}: unexpected response to {}\n  expected: {expected}\n  actual:   {}",
                    crate::hex::encode(command),
                    Rapdu(actual)
                )?;
                if let Some(sw) = expected.sw_would_match(actual) {
                    write!(
                        f,
                        "\n  hint: the status word is {sw}, but the response also has data; write `.. {sw}` or `sw {sw}`"
                    )?;
                }
                Ok(())
            }
            RunError::AtrMismatch {
                line,
                expected,
                actual,
            } => write!(
                f,
                "line {line}: unexpected ATR\n  expected: {expected}\n  actual:   {}",
                crate::hex::encode(actual)
            ),
            RunError::Transport { line, message } => {
                write!(f, "line {line}: transport error: {message}")
            }
            RunError::UndefinedVariable { line, name } => {
                write!(f, "line {line}: variable `${name}` has no value")
            }
            RunError::BadCommandLength { line, command } => write!(
                f,
                "line {line}: a command has {MIN_COMMAND_LEN} to {MAX_COMMAND_LEN} bytes, but {} has {}",
                crate::hex::encode(command),
                command.len()
            ),
        }
    }
}

impl std::error::Error for RunError {}

/// Runs `script` against `transport`, step by step, and stops at the first failure.
///
/// `observer` sees each reset, exchange and echo as it happens, including the exchange
/// that fails its expectation. Variables (`set`, captures) start empty for each run.
pub fn run<T: Transport>(
    script: &Script,
    transport: &mut T,
    observer: &mut dyn FnMut(&StepOutcome),
) -> Result<Summary, RunError> {
    let mut env = Env::new();
    let mut summary = Summary::default();
    for step in &script.steps {
        let line = step.line;
        let transport_error = |message: String| RunError::Transport { line, message };
        let undefined = |name: String| RunError::UndefinedVariable { line, name };
        match &step.action {
            Action::Echo(text) => observer(&StepOutcome::Echo {
                line,
                text: text.clone(),
            }),
            Action::Set { name, value } => {
                let bytes = value.resolve(&env).map_err(undefined)?;
                env.insert(name.clone(), bytes);
            }
            Action::Reset { atr: expect } => {
                let atr = transport
                    .reset()
                    .map_err(|e| transport_error(e.to_string()))?;
                summary.resets += 1;
                let verdict = check(expect.as_ref().map(|e| &e.pattern), &atr, &mut env);
                observer(&StepOutcome::Reset {
                    line,
                    atr: atr.clone(),
                    verdict,
                });
                if let (Some(e), Verdict::Mismatched) = (expect, verdict) {
                    return Err(RunError::AtrMismatch {
                        line: e.line,
                        expected: e.pattern.clone(),
                        actual: atr,
                    });
                }
                if verdict == Verdict::Matched {
                    summary.checked += 1;
                }
            }
            Action::Command { apdu, expect } => {
                let command = apdu.resolve(&env).map_err(undefined)?;
                if !(MIN_COMMAND_LEN..=MAX_COMMAND_LEN).contains(&command.len()) {
                    return Err(RunError::BadCommandLength { line, command });
                }
                let response = transport
                    .transmit(&command)
                    .map_err(|e| transport_error(e.to_string()))?;
                summary.commands += 1;
                if response.len() < 2 {
                    return Err(transport_error(format!(
                        "the response to {} has {} byte(s); an R-APDU ends with SW1 SW2",
                        crate::hex::encode(&command),
                        response.len()
                    )));
                }
                let verdict = check(expect.as_ref().map(|e| &e.pattern), &response, &mut env);
                observer(&StepOutcome::Exchange {
                    line,
                    command: command.clone(),
                    response: response.clone(),
                    verdict,
                });
                if let (Some(e), Verdict::Mismatched) = (expect, verdict) {
                    return Err(RunError::ResponseMismatch {
                        line: e.line,
                        command,
                        expected: e.pattern.clone(),
                        actual: response,
                    });
                }
                if verdict == Verdict::Matched {
                    summary.checked += 1;
                }
            }
        }
    }
    Ok(summary)
}

/// Checks `bytes` against `pattern` and stores its captures in `env`.
fn check(pattern: Option<&Pattern>, bytes: &[u8], env: &mut Env) -> Verdict {
    let Some(pattern) = pattern else {
        return Verdict::Unchecked;
    };
    match pattern.match_with(env, bytes) {
        Some(captures) => {
            env.extend(captures);
            Verdict::Matched
        }
        None => Verdict::Mismatched,
    }
}
