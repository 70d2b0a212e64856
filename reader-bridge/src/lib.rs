//! All I/O for cards: the vpcd link into pcscd (so PC/SC software sees the emulated card
//! in a reader); later PC/SC, SIMtrace2, remsim, serial links and GSMTAP/pcap tracing.
//! Card logic stays in `card-os`; this crate only moves bytes.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod error;
pub mod vpcd;

pub use error::{Error, Result};
