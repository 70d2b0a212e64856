//! Persistence: the [`Store`] trait the card writes its persistent state through, and
//! an in-memory implementation. A file-backed implementation lives in [`sqlite`].
//!
//! The card keeps its whole state in memory and writes the records an APDU changed as
//! one atomic [`Store::commit`]. After a crash (SIGKILL, power cut) a store holds, for
//! every commit, either all of its changes or none of them.

use crate::error::Result;

#[cfg(feature = "sqlite")]
pub mod sqlite;

/// One change within an atomic commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Create or replace the record `key` with `value`.
    Put(Vec<u8>, Vec<u8>),
    /// Remove the record `key` (no error when absent).
    Delete(Vec<u8>),
}

/// A key–value store with atomic multi-record commits.
pub trait Store {
    /// Every record as last committed, in ascending key order.
    fn load(&mut self) -> Result<Vec<(Vec<u8>, Vec<u8>)>>;
    /// Applies every change or none of them, durably before returning.
    fn commit(&mut self, changes: &[Change]) -> Result<()>;
}
