//! Card applications: USIM, ISIM, SIM, security domains, the eUICC/MCIM manager and OTA
//! handling, and the [`Provider`] that builds them from profiles.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod aka;
pub mod usim;

use card_os::app::Application;
use card_os::profile::AppProvider;
use card_os::{Error, Result};

/// Builds the applications this crate provides from their profile entries.
#[derive(Debug, Default, Clone, Copy)]
pub struct Provider;

impl AppProvider for Provider {
    fn create(&self, kind: &str, _params: &str) -> Result<Box<dyn Application>> {
        Err(Error::Profile {
            field: "application.kind".into(),
            reason: format!("unknown application kind `{kind}` (this build provides none yet)"),
        })
    }
}
