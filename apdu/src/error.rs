//! The one error type of the `apdu` crate.

use core::fmt;

/// Why bytes or text could not be decoded (or a value could not be encoded).
///
/// Every variant carries a short static description of the item concerned,
/// e.g. `"Lc"`, `"BER-TLV length"`, `"ATR TD1"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input ended before the named item was complete.
    Truncated(&'static str),
    /// The named item holds a value the format does not allow.
    Invalid(&'static str),
    /// Bytes remain after a complete item that must end the input.
    TrailingData(&'static str),
    /// The value cannot be represented in the requested encoding (too long, out of range).
    TooLong(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated(what) => write!(f, "truncated {what}"),
            Error::Invalid(what) => write!(f, "invalid {what}"),
            Error::TrailingData(what) => write!(f, "unexpected bytes after {what}"),
            Error::TooLong(what) => write!(f, "{what} does not fit its encoding"),
        }
    }
}

impl std::error::Error for Error {}

/// Result alias used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;
