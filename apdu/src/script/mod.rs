//! The APDU script format: one readable format for talking to a card, used by
//! `uicc script run` (in-process card), `uicc apdu` (any PC/SC reader) and the tests.
//!
//! # Format
//!
//! A script is read line by line. `#` starts a comment (whole line or after a command).
//! Hex may be written with spaces anywhere, upper or lower case.
//!
//! ```text
//! reset                                  # power-cycle the card (cold reset)
//! atr 3B 9F 96 80 1F ** ..               # expect the ATR of the last reset
//! 00A4 0004 02 3F00                      # a C-APDU; no check
//! expect 62 .. 9000                      # the expected R-APDU of the command above
//! 00B0 0000 0A -> 98 ** .. 9000          # command and expectation on one line
//! 00B0 0000 0A -> sw 9000                # only the status word matters
//! 0020 0001 -> 63CX | 9000               # alternatives
//! set AID = A0000000871002FF FFFFFFFF 89 # a variable ...
//! 00A4 0404 10 $AID -> 62 .. 9000        # ... used in a command (or a pattern)
//! 00B2 0104 26 -> {REC1: ..} 9000        # capture bytes into a variable
//! echo reading the ICCID                 # print a line
//! ```
//!
//! ## Patterns (after `->`, `expect` and `atr`)
//!
//! - hex bytes must match exactly;
//! - `**` or `??` matches any one byte; `X`, `x` or `?` in place of one hex digit
//!   matches any nibble (`63CX`, `6C??`, `9FXX`);
//! - `..` matches any number of bytes (including none), anywhere in the pattern;
//! - `$NAME` matches the bytes of a variable;
//! - `{NAME: …}` matches what is inside and stores those bytes in `NAME`;
//! - `sw XXXX` checks only the last two bytes (the status word);
//! - `A | B` matches when either alternative matches.
//!
//! A response pattern always ends with the status word: `-> 9000` means "no data and
//! 9000"; write `-> .. 9000` to accept data.
//!
//! ## Status words `61xx` and `6Cxx`
//!
//! They belong to the transport, not to the script: the in-process card and the PC/SC
//! client resolve them like any T=0 terminal (GET RESPONSE, re-issue with the right Le)
//! before the expectation is checked. `uicc script run --raw-t0` shows them.
//!
//! ## Running
//!
//! [`run`] executes the steps against a [`Transport`] and stops at the first mismatch
//! with a [`RunError`] naming the line, the command, the expectation and the response.

mod lex;
mod pattern;
mod template;

use core::fmt;
use std::collections::BTreeSet;

pub use pattern::Pattern;
pub use template::Template;

use pattern::{parse_pattern, Env, Target};
use template::parse_template;

/// A syntax error, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// Reset the card; optionally check the ATR.
    Reset {
        /// The expected ATR.
        atr: Option<Pattern>,
    },
    /// Send a C-APDU; optionally check the R-APDU.
    Command {
        /// The C-APDU (may use variables).
        apdu: Template,
        /// The expected R-APDU.
        expect: Option<Pattern>,
    },
    /// Give a variable a value.
    Set {
        /// Variable name.
        name: String,
        /// Its bytes.
        value: Template,
    },
    /// Print a line.
    Echo(String),
}

/// One step with its source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1-based line number.
    pub line: usize,
    /// The step.
    pub kind: StepKind,
}

/// A parsed script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    /// The steps, in order.
    pub steps: Vec<Step>,
}

fn strip_comment(line: &str) -> &str {
    line.split_once('#').map_or(line, |(a, _)| a).trim()
}

/// Parses a script.
pub fn parse(text: &str) -> Result<Script, ScriptError> {
    let mut steps: Vec<Step> = Vec::new();
    let mut known: BTreeSet<String> = BTreeSet::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let err = |message: String| ScriptError { line, message };
        let text = strip_comment(raw);
        if text.is_empty() {
            continue;
        }
        let (word, rest) = text
            .split_once(char::is_whitespace)
            .map_or((text, ""), |(w, r)| (w, r.trim()));
        match word {
            "reset" => {
                if !rest.is_empty() {
                    return Err(err(format!(
                        "`reset` takes nothing after it, found `{rest}`"
                    )));
                }
                steps.push(Step {
                    line,
                    kind: StepKind::Reset { atr: None },
                });
            }
            "atr" => {
                let pattern = parse_pattern(rest, Target::Atr, &known).map_err(err)?;
                match steps.last_mut() {
                    Some(Step {
                        kind: StepKind::Reset { atr: atr @ None },
                        ..
                    }) => *atr = Some(pattern),
                    _ => return Err(err("`atr` must directly follow a `reset`".into())),
                }
            }
            "expect" => {
                let pattern = parse_pattern(rest, Target::Response, &known).map_err(err)?;
                match steps.last_mut() {
                    Some(Step {
                        kind:
                            StepKind::Command {
                                expect: e @ None, ..
                            },
                        ..
                    }) => {
                        known.extend(pattern.capture_names().into_iter().map(str::to_owned));
                        *e = Some(pattern);
                    }
                    Some(Step {
                        kind: StepKind::Command { .. },
                        ..
                    }) => return Err(err("the command above already has an expectation".into())),
                    _ => return Err(err("`expect` must follow a command".into())),
                }
            }
            "set" => {
                let (name, value) = rest
                    .split_once('=')
                    .map(|(n, v)| (n.trim(), v.trim()))
                    .ok_or_else(|| err("`set` needs `NAME = HEX`".into()))?;
                if !lex::is_name(name) {
                    return Err(err(format!(
                        "`{name}` is not a variable name (letters, digits, _)"
                    )));
                }
                let value = parse_template(value, &known).map_err(err)?;
                known.insert(name.to_owned());
                steps.push(Step {
                    line,
                    kind: StepKind::Set {
                        name: name.to_owned(),
                        value,
                    },
                });
            }
            "echo" => steps.push(Step {
                line,
                kind: StepKind::Echo(rest.to_owned()),
            }),
            _ => {
                let (cmd, expect) = match text.split_once("->") {
                    Some((c, e)) => (c.trim(), Some(e.trim())),
                    None => (text, None),
                };
                if cmd.is_empty() {
                    return Err(err("a command is missing before `->`".into()));
                }
                let first = cmd.split_whitespace().next().unwrap_or_default();
                let looks_hex =
                    first.starts_with('$') || first.chars().all(|c| c.is_ascii_hexdigit());
                if !looks_hex {
                    return Err(err(format!(
                        "unknown directive `{word}` (expected reset, atr, expect, set, echo or a hex C-APDU)"
                    )));
                }
                let apdu = parse_template(cmd, &known).map_err(err)?;
                if let Some(bytes) = apdu.literal() {
                    if bytes.len() < 4 {
                        return Err(err(format!(
                            "a C-APDU has at least 4 bytes, `{cmd}` has {}",
                            bytes.len()
                        )));
                    }
                }
                let expect = match expect {
                    Some(e) => {
                        let p = parse_pattern(e, Target::Response, &known).map_err(err)?;
                        known.extend(p.capture_names().into_iter().map(str::to_owned));
                        Some(p)
                    }
                    None => None,
                };
                steps.push(Step {
                    line,
                    kind: StepKind::Command { apdu, expect },
                });
            }
        }
    }
    Ok(Script { steps })
}

/// Where a script's commands go.
pub trait Transport {
    /// The transport's error.
    type Error: fmt::Display;
    /// Resets the card and returns its ATR.
    fn reset(&mut self) -> Result<Vec<u8>, Self::Error>;
    /// Sends a C-APDU and returns the R-APDU (data and status word).
    fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, Self::Error>;
}

/// What happened at one step, for printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepOutcome {
    /// 1-based line number.
    pub line: usize,
    /// The C-APDU sent (empty for a reset or an echo).
    pub command: Vec<u8>,
    /// The R-APDU, or the ATR for a reset.
    pub response: Vec<u8>,
    /// Whether this was a reset.
    pub reset: bool,
    /// An `echo` text.
    pub note: Option<String>,
    /// Whether an expectation was checked (and met: a mismatch ends the run).
    pub checked: bool,
}

/// Counts of a completed run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// C-APDUs sent.
    pub commands: usize,
    /// Expectations checked (ATR and responses).
    pub checked: usize,
}

/// Why a run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunError {
    /// 1-based line number of the failing step.
    pub line: usize,
    /// What went wrong, with the bytes involved.
    pub message: String,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for RunError {}

/// Runs a script; `observer` sees every step as it completes.
pub fn run<T: Transport>(
    script: &Script,
    transport: &mut T,
    observer: &mut dyn FnMut(&StepOutcome),
) -> Result<Summary, RunError> {
    let mut env = Env::new();
    let mut summary = Summary::default();
    for step in &script.steps {
        let line = step.line;
        let fail = |message: String| RunError { line, message };
        match &step.kind {
            StepKind::Echo(text) => observer(&StepOutcome {
                line,
                command: vec![],
                response: vec![],
                reset: false,
                note: Some(text.clone()),
                checked: false,
            }),
            StepKind::Set { name, value } => {
                let bytes = value.resolve(&env).map_err(fail)?;
                env.insert(name.clone(), bytes);
            }
            StepKind::Reset { atr } => {
                let got = transport
                    .reset()
                    .map_err(|e| fail(format!("reset failed: {e}")))?;
                if let Some(p) = atr {
                    match p.match_with(&env, &got) {
                        Some(caps) => env.extend(caps),
                        None => {
                            return Err(fail(format!(
                                "ATR: expected `{p}`, got `{}`",
                                crate::hex::encode(&got)
                            )))
                        }
                    }
                    summary.checked += 1;
                }
                observer(&StepOutcome {
                    line,
                    command: vec![],
                    response: got,
                    reset: true,
                    note: None,
                    checked: atr.is_some(),
                });
            }
            StepKind::Command { apdu, expect } => {
                let cmd = apdu.resolve(&env).map_err(fail)?;
                let rsp = transport.transmit(&cmd).map_err(|e| {
                    fail(format!(
                        "{}: transmit failed: {e}",
                        crate::hex::encode(&cmd)
                    ))
                })?;
                summary.commands += 1;
                if let Some(p) = expect {
                    match p.match_with(&env, &rsp) {
                        Some(caps) => env.extend(caps),
                        None => {
                            let hint = p
                                .sw_would_match(&rsp)
                                .map(|sw| {
                                    format!(
                                        " (the status word is {sw}, but the response also carries {} data bytes: write `.. {sw}`)",
                                        rsp.len() - 2
                                    )
                                })
                                .unwrap_or_default();
                            return Err(fail(format!(
                                "{}: expected `{p}`, got `{}`{hint}",
                                crate::hex::encode(&cmd),
                                crate::hex::encode(&rsp)
                            )));
                        }
                    }
                    summary.checked += 1;
                }
                observer(&StepOutcome {
                    line,
                    command: cmd,
                    response: rsp,
                    reset: false,
                    note: None,
                    checked: expect.is_some(),
                });
            }
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A transport answering from a list of (command, response) pairs.
    struct Canned(Vec<(Vec<u8>, Vec<u8>)>);

    impl Transport for Canned {
        type Error = String;
        fn reset(&mut self) -> Result<Vec<u8>, String> {
            Ok(vec![0x3B, 0x00])
        }
        fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, String> {
            let i = self
                .0
                .iter()
                .position(|(c, _)| c == capdu)
                .ok_or("unexpected command")?;
            Ok(self.0.remove(i).1)
        }
    }

    fn h(s: &str) -> Vec<u8> {
        crate::hex::decode(s).unwrap()
    }

    #[test]
    fn parses_every_directive() {
        let s = parse(
            "# comment\nreset\natr 3B ..\n00A4 0004 02 3F00 # c\nexpect 62 .. 9000\nset A = 3F00\n00A4000402 $A -> sw 9000\necho hi\n",
        )
        .unwrap();
        assert_eq!(s.steps.len(), 5);
        assert_eq!(s.steps[0].line, 2);
        assert!(matches!(s.steps[0].kind, StepKind::Reset { atr: Some(_) }));
        assert!(matches!(
            s.steps[1].kind,
            StepKind::Command {
                expect: Some(_),
                ..
            }
        ));
        assert_eq!(s.steps[4].kind, StepKind::Echo("hi".into()));
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(parse("reset\nexpect 9000").unwrap_err().line, 2);
        assert_eq!(parse("\n\natr 3B").unwrap_err().line, 3);
        assert!(parse("frobnicate 00")
            .unwrap_err()
            .message
            .contains("unknown directive"));
        assert!(parse("00A4000").is_err(), "odd number of hex digits");
        assert!(parse("00A4 -> 9000")
            .unwrap_err()
            .message
            .contains("at least 4 bytes"));
        assert!(
            parse("00A40000 -> 90").is_err(),
            "a response pattern needs the SW"
        );
        assert!(parse("00A40000 $X").is_err(), "undefined variable");
        assert!(parse("00A40000\nexpect 9000\nexpect 9000").is_err());
    }

    #[test]
    fn runs_and_reports_mismatches() {
        // Exchanges from shared/reference/clients.md §4 (pySim reading EF.ICCID).
        let script = parse("reset\natr 3B 00\n00A4000402 2FE2 -> 62 .. 9000\n00B000000A -> {ICCID: ..} 9000\n00B0000001 -> $ICCID 9000").unwrap();
        let mut t = Canned(vec![
            (h("00A40004022FE2"), h("621E 8202 4121 9000")),
            (h("00B000000A"), h("98881201000000001 0F4 9000")),
            (h("00B0000001"), h("98881201000000001 0F4 9000")),
        ]);
        let mut seen = 0;
        let summary = run(&script, &mut t, &mut |_| seen += 1).unwrap();
        assert_eq!(
            summary,
            Summary {
                commands: 3,
                checked: 4
            }
        );
        assert_eq!(seen, 4);

        let script = parse("00B000000A -> 9000").unwrap();
        let mut t = Canned(vec![(h("00B000000A"), h("0102 9000"))]);
        let e = run(&script, &mut t, &mut |_| {}).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("got `01029000`"), "{e}");
        assert!(e.message.contains("write `.. 9000`"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn literal_patterns_match_their_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 2..40), i in 0usize..40) {
            let text = crate::hex::encode(&bytes);
            let p: Pattern = parse_pattern(&text, Target::Response, &BTreeSet::new()).unwrap();
            proptest::prop_assert!(p.matches(&bytes));
            let mut other = bytes.clone();
            let k = i % other.len();
            other[k] ^= 0x01;
            proptest::prop_assert!(!p.matches(&other));
        }
    }
}
