//! A sans-I/O UICC per ETSI TS 102 221: file system, access rules, PINs, logical
//! channels, applications, proactive queue, profiles and persistence. Bytes in, bytes
//! out; time, randomness and storage come in through traits.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod error;
pub mod store;

pub use error::{Error, Result};
pub mod access;
pub mod app;
pub mod card;
pub mod channel;
mod cmd;
pub mod fs;
pub mod persist;
pub mod pin;
pub mod platform;
pub mod toolkit;

pub use card::{Card, Installed};
mod open;
pub use open::AppFactory;
pub mod profile;
pub use profile::{AppProvider, Profile, DEFAULT_PROFILE};
pub mod transport;
