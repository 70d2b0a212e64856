//! Wire types and codecs for UICC cards, with no I/O and no card logic.
//!
//! - [`command`] / [`response`]: C-APDU (cases 1–4, short and extended) and R-APDU,
//!   with [`class`] decoding of ISO 7816-4, ETSI TS 102 221 and GSM (TS 51.011) classes.
//! - [`status`]: the status word newtype [`Sw`] with a meaning for every ISO 7816-4 and
//!   TS 102 221 §10.2 status word.
//! - [`tlv`]: BER-TLV, SIMPLE-TLV and COMPACT-TLV.
//! - [`atr`]: Answer-To-Reset and PPS per ISO/IEC 7816-3.
//! - [`ins`]: the instruction table (names and T=0 cases) shared by every bridge.
//! - [`t0`]: a sans-I/O T=0 engine, card side and reader side.
//! - [`trace`]: one readable line per command/response pair.
//! - [`script`]: the APDU script format used by `uicc script run` and `uicc apdu`.
//!
//! No function in this crate panics on any input.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod error;
pub mod hex;

pub use error::{Error, Result};
pub use status::Sw;
pub mod atr;
pub mod class;
pub mod command;
pub mod ins;
pub mod response;
pub mod script;
pub mod status;
pub mod t0;
pub mod tlv;
pub mod trace;
