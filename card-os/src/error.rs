//! The one error type of the `card-os` crate (host-facing failures; card-facing
//! failures are status words).

/// What went wrong outside the APDU path: loading a profile, opening or writing a store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The profile is invalid; `field` names the offending field (dotted path).
    #[error("profile field `{field}`: {reason}")]
    Profile {
        /// Dotted path of the field, e.g. `pins.pin1.value`.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// The persistent store failed.
    #[error("store: {0}")]
    Store(String),
    /// Persistent state could not be decoded (corrupt or from an incompatible version).
    #[error("state: {0}")]
    State(String),
}

/// Result alias for the crate.
pub type Result<T> = core::result::Result<T, Error>;
