//! The APDU script format: one readable text format for talking to a card.
//!
//! The same scripts run against the in-process card (`uicc script run FILE`), against
//! any PC/SC reader (`uicc apdu --script FILE`) and in the integration tests. This page
//! is the format reference.
//!
//! ```text
//! # Read the ICCID (ETSI TS 102 221 §13.2).
//! reset -> 3B ..                          # cold reset; the ATR starts with TS = 3B
//! 00A4 0004 02 3F00                       # SELECT MF, return the FCP template
//! expect 62 .. 9000                       # ... which must be an FCP template, then 9000
//! 00A4 0004 02 2FE2 -> 62 .. 9000         # command and expectation on one line
//! 00B0 0000 0A -> {ICCID: 98 ..} 9000     # READ BINARY; keep the data in $ICCID
//! echo ICCID read                         # print a line
//! 00B0 0000 0A -> $ICCID 9000             # same bytes the second time
//! 0020 0001 -> 63CX | 9000                # PIN1 status: retries left, or nothing to verify
//! ```
//!
//! # Lines
//!
//! - A script is UTF-8 text, read line by line; line numbers start at 1.
//! - `#` starts a comment that runs to the end of the line, wherever it is (so `echo`
//!   cannot print `#`).
//! - Blank lines and comment lines are ignored.
//! - A line that ends with `\` continues on the next line (a space joins them); errors
//!   in the joined text are reported at the first line.
//! - Each remaining line is one of the directives below, or a command. Directives are
//!   lower case.
//!
//! | line | meaning |
//! |---|---|
//! | `reset` | Cold-reset the card (power off, power on). |
//! | `reset -> PATTERN` | Reset, then check the ATR. |
//! | `atr PATTERN` | Check the ATR of the `reset` just before. |
//! | `HEX` | Send a command (C-APDU); any response is accepted. |
//! | `HEX -> PATTERN` | Send a command and check its response (R-APDU). |
//! | `expect PATTERN` | Check the response of the command just before. |
//! | `set NAME = HEX` | Give variable `NAME` a value. |
//! | `echo TEXT` | Print `TEXT` (the rest of the line, trimmed). |
//!
//! "Just before" means the previous step: only comments and blank lines may stand
//! between a command and its `expect`, or a `reset` and its `atr`. A step has at most
//! one expectation; use `|` for alternatives.
//!
//! # Commands
//!
//! A command is hex digits (upper or lower case) and `$NAME` variables, with spaces
//! anywhere between bytes: `00A40004023F00`, `00 A4 0004 02 3F00` and
//! `00a4 0004 02 $MF` are the same when `MF` is `3F00`. Each space-separated group of
//! digits must have an even number of digits, so `00 A4 000 4` is an error rather than
//! a silent shift.
//!
//! The bytes are sent as written (ISO/IEC 7816-4 §5.1: CLA INS P1 P2, then Lc, data
//! and Le as the case requires). The script does not check Lc or Le, so malformed
//! commands can be tested; it only requires 4 to 65 544 bytes (a header, at most an
//! extended case 4 command).
//!
//! # Patterns
//!
//! An expected response (after `->` or `expect`) or ATR (after `reset ->` or `atr`) is
//! a pattern. It is matched against all of the bytes: a response pattern covers the
//! response data and the status word SW1 SW2.
//!
//! | pattern | matches |
//! |---|---|
//! | `9000`, `62 1E` | exactly these bytes (spaces are free, as in commands) |
//! | `**` or `??` or `XX` | any one byte |
//! | `X`, `x`, `?` or `*` in place of one digit | any value of that nibble: `63CX`, `6C??`, `9FXX`, `X1` |
//! | `..` | any number of bytes, none included; may appear several times |
//! | `$NAME` | exactly the bytes of the variable |
//! | `{NAME: PATTERN}` | what `PATTERN` matches, and stores those bytes in `NAME` |
//! | `sw XXXX` | any data, then the status word `XXXX` (which may have wildcards) |
//! | `A \| B \| C` | any one of the alternatives |
//!
//! Points to remember:
//!
//! - `-> 9000` means "no data and 9000". For a command that returns data write
//!   `-> .. 9000` or `-> sw 9000`; a run that fails this way says so in a hint.
//! - A response pattern without `..` or variables must have at least the 2 status
//!   word bytes.
//! - Alternatives are whole patterns: `62 .. 9000 | 6A82` is "an FCP template and
//!   9000, or exactly 6A82". Once `sw` starts an alternative it applies to that one
//!   and to all after it: `sw 9000 | 6282 | 63CX` checks three status words; put
//!   full-response alternatives before the first `sw`. `sw` is not allowed in an ATR
//!   pattern.
//! - Captures cannot be nested and cannot be used in a pattern with alternatives.
//!   The captured bytes are what the enclosed items matched, e.g. after
//!   `82 05 X2 21 00 {RECLEN: **} **` the variable `RECLEN` holds the one-byte record
//!   length of a linear fixed EF (TS 102 221 §11.1.1.4.3).
//!
//! Matching takes at most (pattern length + 1) × (response length + 1) steps, however
//! many `..` the pattern has, and never recurses.
//!
//! # Variables
//!
//! `set NAME = HEX` and `{NAME: ...}` give a variable a value; `$NAME` uses it in a
//! command, a pattern or a later `set`. Names are letters, digits and `_`, case
//! sensitive; a name ends at the first other character, so write `$AID 00`, not
//! `$AID00`. A variable must be defined on an earlier line than its use (a capture
//! counts from the line after its pattern). Values are plain bytes, never patterns.
//! Setting a variable again replaces its value.
//!
//! # Status words `61XX` and `6CXX`
//!
//! These are T=0 procedures (ETSI TS 102 221 §7.3.1): the card asks the terminal to
//! fetch the response with GET RESPONSE, or to repeat the command with another Le.
//! They belong to the transport, not to the script. Every [`Transport`] resolves them
//! before it returns, so a script sees the final response, as an application above
//! PC/SC does.
//!
//! # Errors
//!
//! [`parse`] rejects a script with a [`ScriptError`] whose `Display` is
//! `line N: message`, e.g.
//!
//! ```text
//! line 7: `A40` has an odd number of hex digits
//! line 9: unknown variable `$AID`: define it on an earlier line with `set AID = ...` or a capture `{AID: ...}`
//! ```
//!
//! [`run`] stops at the first failure with a [`RunError`]; a mismatch reads
//!
//! ```text
//! line 12: unexpected response to 00A40004022FE2
//!   expected: 62 .. 9000
//!   actual:   6A82
//! ```
//!
//! and while it runs, each [`StepOutcome`] displays as one stable line in script syntax:
//!
//! ```text
//! line 3: 00A40004023F00 -> 622C8202782183023F00A50C...830101 9000 [ok]
//! ```
//!
//! # API
//!
//! [`parse`] turns text into a [`Script`] of [`Step`]s. [`run`] executes it against
//! any [`Transport`] and reports each [`StepOutcome`] to an observer. Nothing here does
//! I/O.

mod lex;
mod parse;
mod pattern;
mod run;
mod template;

use core::fmt;

pub use parse::parse;
pub use pattern::Pattern;
pub use run::{run, RunError, StepOutcome, Summary, Transport, Verdict};
pub use template::Template;

/// Fewest bytes in a command: CLA INS P1 P2 (ISO/IEC 7816-4 §5.1).
pub const MIN_COMMAND_LEN: usize = 4;

/// Most bytes in a command: an extended-length case 4 command, 4 header bytes, Lc on
/// 3 bytes, 65 535 data bytes and Le on 2 bytes (ISO/IEC 7816-4 §5.1).
pub const MAX_COMMAND_LEN: usize = 4 + 3 + 65_535 + 2;

/// A script that does not follow the format: where, and what is wrong.
///
/// `Display` gives `line N: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    /// The 1-based line number (the first line of a `\` continuation).
    pub line: usize,
    /// What is wrong, for a person to read.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// A parsed script: its steps in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    /// The steps, in the order they run.
    pub steps: Vec<Step>,
}

/// One step of a script and the line it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The 1-based line number of the step.
    pub line: usize,
    /// What the step does.
    pub action: Action,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `reset`: cold-reset the card, and check the ATR if an expectation is given.
    Reset {
        /// From `reset -> PATTERN` or a following `atr PATTERN`.
        atr: Option<Expectation>,
    },
    /// A command (C-APDU), and the check of its response if an expectation is given.
    Command {
        /// The bytes to send.
        apdu: Template,
        /// From `-> PATTERN` or a following `expect PATTERN`.
        expect: Option<Expectation>,
    },
    /// `set NAME = HEX`.
    Set {
        /// The variable.
        name: String,
        /// Its value.
        value: Template,
    },
    /// `echo TEXT`.
    Echo(String),
}

/// An expected response or ATR and the line where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// The 1-based line of the pattern (that of the command for `->`).
    pub line: usize,
    /// The pattern.
    pub pattern: Pattern,
}

#[cfg(test)]
mod tests;
