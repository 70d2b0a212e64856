//! The host side of an in-process card: the operating system's clock and random source
//! as a [`Platform`], and opening cards from profiles and state files.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};
use card_os::platform::Platform;
use card_os::profile::Profile;
use card_os::store::{MemStore, Store};
use card_os::Card;

/// Time from the system clock, randomness from `/dev/urandom`.
pub struct OsPlatform {
    urandom: std::fs::File,
}

impl OsPlatform {
    /// Opens the random source.
    pub fn new() -> Result<Self> {
        Ok(OsPlatform {
            urandom: std::fs::File::open("/dev/urandom").context("opening /dev/urandom")?,
        })
    }
}

impl Platform for OsPlatform {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    }

    fn fill_random(&mut self, buf: &mut [u8]) {
        // Reading /dev/urandom does not fail once it is open; if it ever does, stop
        // rather than hand out predictable bytes.
        if let Err(e) = self.urandom.read_exact(buf) {
            eprintln!("uicc: reading /dev/urandom failed: {e}");
            std::process::abort();
        }
    }
}

/// The profile at `path`, or the built-in default.
pub fn load_profile(path: Option<&Path>) -> Result<Profile> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading profile {}", p.display()))?;
            Profile::parse(&text).with_context(|| format!("profile {}", p.display()))
        }
        None => Ok(Profile::default_profile()),
    }
}

/// A card from a state file (created from the profile when new), or in memory.
pub fn open_card(profile: Option<&Path>, state: Option<&Path>) -> Result<Card> {
    let provider = applets::Provider;
    let platform = Box::new(OsPlatform::new()?);
    match state {
        Some(path) => {
            let mut store = card_os::store::sqlite::SqliteStore::open(path)
                .with_context(|| format!("opening state {}", path.display()))?;
            if store.load()?.is_empty() {
                load_profile(profile)?
                    .build(&provider, platform, Box::new(store))
                    .context("building the card")
            } else {
                if profile.is_some() {
                    eprintln!(
                        "uicc: {} already holds a card; --profile is ignored",
                        path.display()
                    );
                }
                Card::open(&provider, platform, Box::new(store)).context("opening the card")
            }
        }
        None => load_profile(profile)?
            .build(&provider, platform, Box::<MemStore>::default())
            .context("building the card"),
    }
}
