//! `uicc`: the command line of the UICC/eUICC TRE emulator.
//!
//! Every subcommand prints errors as one line on stderr and exits non-zero.

mod cli;
mod host;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    if let Err(e) = cli::run(args) {
        eprintln!("uicc: {e:#}");
        std::process::exit(1);
    }
}
