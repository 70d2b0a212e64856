//! Handlers of the commands card-os executes itself, one module per group, each an
//! `impl Card` block. The instruction table that routes to them is in [`crate::card`].

mod binary;
mod data;
mod files;
pub(crate) mod gsm;
mod lifecycle;
mod pin;
mod record;
mod select;
mod session;
mod toolkit;

use apdu::command::Command;

/// Ne of a command: its Le, or 256 when absent (a T=0 P3 of `00`).
pub(crate) fn ne(cmd: &Command) -> usize {
    cmd.le.unwrap_or(256)
}
