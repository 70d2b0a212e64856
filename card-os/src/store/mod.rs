//! Persistence: the [`Store`] trait the card writes its persistent state through, and
//! an in-memory implementation. A file-backed implementation lives in [`sqlite`].
//!
//! The card keeps its whole state in memory and writes the records an APDU changed as
//! one atomic [`Store::commit`]. After a crash (SIGKILL, power cut) a store holds, for
//! every commit, either all of its changes or none of them.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

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

/// A [`Store`] held in process memory: for in-process cards and tests.
///
/// Changes within one commit apply in order, so `[Put(k, a), Put(k, b)]` leaves `b` and
/// `[Put(k, v), Delete(k)]` leaves nothing — the same semantics as
/// [`sqlite::SqliteStore`]. Nothing survives the process; "durably" means "before
/// `commit` returns". For tests of the card's failure paths, [`MemStore::fail_next_commit`]
/// makes the next commit fail without applying anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemStore {
    records: BTreeMap<Vec<u8>, Vec<u8>>,
    commits: u64,
    fail_next: bool,
}

impl MemStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Every committed record, by key.
    #[must_use]
    pub fn records(&self) -> &BTreeMap<Vec<u8>, Vec<u8>> {
        &self.records
    }

    /// The committed value of `key`, if any.
    #[must_use]
    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        self.records.get(key).map(Vec::as_slice)
    }

    /// How many records are committed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no record is committed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// How many commits succeeded so far (empty commits included): lets a test check
    /// that, e.g., a PIN try was committed before the card answered.
    #[must_use]
    pub fn commit_count(&self) -> u64 {
        self.commits
    }

    /// Makes the next [`Store::commit`] fail with [`Error::Store`] and apply nothing
    /// (a simulated write failure; later commits succeed again).
    pub fn fail_next_commit(&mut self) {
        self.fail_next = true;
    }
}

impl Store for MemStore {
    fn load(&mut self) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        Ok(self
            .records
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    fn commit(&mut self, changes: &[Change]) -> Result<()> {
        if self.fail_next {
            self.fail_next = false;
            return Err(Error::Store("injected commit failure (MemStore)".into()));
        }
        // Nothing below can fail, so applying in place is all-or-nothing.
        for change in changes {
            match change {
                Change::Put(key, value) => {
                    self.records.insert(key.clone(), value.clone());
                }
                Change::Delete(key) => {
                    self.records.remove(key);
                }
            }
        }
        self.commits = self.commits.saturating_add(1);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! Semantics tested here are those documented on [`Store`] and [`Change`] (this
    //! crate's own contract); no external vectors apply.
    use super::*;

    fn put(k: &[u8], v: &[u8]) -> Change {
        Change::Put(k.to_vec(), v.to_vec())
    }

    #[test]
    fn empty_store_loads_nothing() {
        let mut s = MemStore::new();
        assert!(s.load().unwrap().is_empty());
        assert!(s.is_empty());
        assert_eq!(s.commit_count(), 0);
    }

    #[test]
    fn round_trip_in_key_order() {
        let mut s = MemStore::default();
        s.commit(&[put(b"b", b"2"), put(b"a", b"1"), put(b"", b"")])
            .unwrap();
        assert_eq!(
            s.load().unwrap(),
            vec![
                (b"".to_vec(), b"".to_vec()),
                (b"a".to_vec(), b"1".to_vec()),
                (b"b".to_vec(), b"2".to_vec()),
            ]
        );
        assert_eq!(s.get(b"a"), Some(&b"1"[..]));
        assert_eq!(s.len(), 3);
        assert_eq!(s.commit_count(), 1);
    }

    #[test]
    fn changes_apply_in_order() {
        let mut s = MemStore::new();
        s.commit(&[put(b"k", b"a"), put(b"k", b"b")]).unwrap();
        assert_eq!(s.get(b"k"), Some(&b"b"[..]));
        s.commit(&[put(b"x", b"1"), Change::Delete(b"x".to_vec())])
            .unwrap();
        assert_eq!(s.get(b"x"), None);
        s.commit(&[Change::Delete(b"absent".to_vec())]).unwrap();
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn injected_failure_applies_nothing() {
        let mut s = MemStore::new();
        s.commit(&[put(b"a", b"1")]).unwrap();
        s.fail_next_commit();
        let err = s.commit(&[put(b"a", b"2"), put(b"b", b"3")]).unwrap_err();
        assert!(matches!(err, Error::Store(_)));
        assert_eq!(s.get(b"a"), Some(&b"1"[..]));
        assert_eq!(s.get(b"b"), None);
        assert_eq!(s.commit_count(), 1);
        s.commit(&[put(b"b", b"3")]).unwrap();
        assert_eq!(s.commit_count(), 2);
    }
}
