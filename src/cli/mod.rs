//! The command-line interface: one module per subcommand group.

mod decode;
mod script;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// UICC/eUICC emulator acting as the Trusted Environment (TRE) of an M2M device.
#[derive(Parser, Debug)]
#[command(name = "uicc", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Play a terminal's start-up against the built-in default card and check every answer.
    Demo {
        /// Print only failures and the summary.
        #[arg(long, short)]
        quiet: bool,
    },
    /// APDU tools: decode a command/response pair.
    #[command(subcommand)]
    Apdu(ApduCommand),
    /// Decode an Answer-To-Reset.
    #[command(subcommand)]
    Atr(AtrCommand),
    /// Decode BER-TLV data.
    #[command(subcommand)]
    Tlv(TlvCommand),
    /// Run APDU scripts against an in-process card.
    #[command(subcommand)]
    Script(ScriptCommand),
    /// Card profiles.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Serve the card to PC/SC software through vsmartcard's vpcd driver in pcscd.
    Serve {
        /// Card profile (TOML); the built-in default when absent.
        #[arg(long)]
        profile: Option<PathBuf>,
        /// Card state file (SQLite); created from the profile when new; in memory when absent.
        #[arg(long)]
        state: Option<PathBuf>,
        /// vpcd address (reader 0 listens on 35963, reader 1 on 35964).
        #[arg(long, default_value = reader_bridge::vpcd::DEFAULT_ADDR)]
        vpcd: String,
    },
}

#[derive(Subcommand, Debug)]
enum ApduCommand {
    /// Print the meaning of a C-APDU and, optionally, its R-APDU.
    Decode {
        /// The C-APDU in hex, e.g. 00A40004023F00.
        command: String,
        /// The R-APDU in hex, e.g. 621E...9000.
        response: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum AtrCommand {
    /// Print every byte of an ATR with its meaning (ISO/IEC 7816-3 §8).
    Decode {
        /// The ATR in hex.
        atr: String,
    },
}

#[derive(Subcommand, Debug)]
enum TlvCommand {
    /// Print a BER-TLV tree.
    Decode {
        /// BER-TLV bytes in hex.
        data: String,
    },
}

#[derive(Subcommand, Debug)]
enum ScriptCommand {
    /// Run an APDU script (format: `apdu/src/script/mod.rs`) and check its expectations.
    Run {
        /// The script file.
        file: PathBuf,
        /// Card profile (TOML); the built-in default when absent.
        #[arg(long)]
        profile: Option<PathBuf>,
        /// Card state file (SQLite); created from the profile when new; in memory when absent.
        #[arg(long)]
        state: Option<PathBuf>,
        /// Show responses exactly as a T=0 card gives them (61xx/6Cxx not resolved).
        #[arg(long)]
        raw_t0: bool,
        /// Print only failures and the summary.
        #[arg(long, short)]
        quiet: bool,
    },
}

#[derive(Subcommand, Debug)]
enum ProfileCommand {
    /// Print the built-in default profile (every value documented).
    Default,
    /// Check a profile file and report the first problem with its field.
    Check {
        /// The profile file.
        file: PathBuf,
    },
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Demo { quiet } => script::run_text("demo", script::DEMO, None, None, true, quiet),
        Command::Apdu(ApduCommand::Decode { command, response }) => {
            decode::apdu(&command, response.as_deref())
        }
        Command::Atr(AtrCommand::Decode { atr }) => decode::atr(&atr),
        Command::Tlv(TlvCommand::Decode { data }) => decode::tlv(&data),
        Command::Script(ScriptCommand::Run {
            file,
            profile,
            state,
            raw_t0,
            quiet,
        }) => script::run(&file, profile.as_deref(), state.as_deref(), !raw_t0, quiet),
        Command::Serve {
            profile,
            state,
            vpcd,
        } => {
            let mut card = crate::host::open_card(profile.as_deref(), state.as_deref())?;
            eprintln!(
                "uicc: serving the card to vpcd at {vpcd} (Ctrl-C stops; every APDU is committed)"
            );
            let stop = std::sync::atomic::AtomicBool::new(false);
            reader_bridge::vpcd::run(
                &mut card,
                &vpcd,
                &stop,
                std::time::Duration::from_millis(500),
            )?;
            Ok(())
        }
        Command::Profile(ProfileCommand::Default) => {
            print!("{}", card_os::DEFAULT_PROFILE);
            Ok(())
        }
        Command::Profile(ProfileCommand::Check { file }) => {
            let profile = crate::host::load_profile(Some(&file))?;
            let provider = applets::Provider;
            let platform = Box::new(card_os::platform::SeededPlatform::new(1));
            profile.build(
                &provider,
                platform,
                Box::<card_os::store::MemStore>::default(),
            )?;
            println!("{}: ok", file.display());
            Ok(())
        }
    }
}
