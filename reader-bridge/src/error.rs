//! The one error type of `reader-bridge`.

/// What went wrong on a link to a host or reader.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Socket or device I/O failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The peer sent something the protocol does not allow.
    #[error("protocol: {0}")]
    Protocol(String),
}

/// Result alias for the crate.
pub type Result<T> = core::result::Result<T, Error>;

impl Error {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let context = context.into();
        move |source| Error::Io { context, source }
    }
}
