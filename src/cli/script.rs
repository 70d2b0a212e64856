//! `uicc script run` and `uicc demo`: APDU scripts against an in-process card, with a
//! decoded trace line per exchange.

use std::path::Path;

use anyhow::{Context, Result};
use apdu::script::{self, StepOutcome};
use card_os::transport::CardTransport;

/// The script `uicc demo` runs.
pub const DEMO: &str = include_str!("../../examples/scripts/demo.apdu");

/// Runs script text against a card; prints a trace line per exchange unless `quiet`.
pub fn run_text(
    name: &str,
    text: &str,
    profile: Option<&Path>,
    state: Option<&Path>,
    resolve_t0: bool,
    quiet: bool,
) -> Result<()> {
    let parsed = script::parse(text).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let mut card = crate::host::open_card(profile, state)?;
    let mut transport = CardTransport {
        card: &mut card,
        resolve_t0,
    };
    let mut observer = |o: &StepOutcome| {
        if !quiet {
            println!("{}", describe(o));
        }
    };
    let summary = script::run(&parsed, &mut transport, &mut observer)
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    println!(
        "{name}: {} commands, {} expectations met",
        summary.commands, summary.checked
    );
    Ok(())
}

fn describe(o: &StepOutcome) -> String {
    match o {
        StepOutcome::Echo { line, text } => format!("{line:>4}  {text}"),
        StepOutcome::Reset { line, atr, .. } => {
            format!("{line:>4}  reset, ATR {}", apdu::hex::encode(atr))
        }
        StepOutcome::Exchange {
            line,
            command,
            response,
            ..
        } => {
            format!("{line:>4}  {}", apdu::trace::describe(command, response))
        }
    }
}

/// `uicc script run FILE`.
pub fn run(
    file: &Path,
    profile: Option<&Path>,
    state: Option<&Path>,
    resolve_t0: bool,
    quiet: bool,
) -> Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    run_text(
        &file.display().to_string(),
        &text,
        profile,
        state,
        resolve_t0,
        quiet,
    )
}
