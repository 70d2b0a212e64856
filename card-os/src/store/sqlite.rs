//! A file-backed [`Store`] on SQLite (compiled in through `rusqlite`'s `bundled`
//! feature), so a card's state survives restarts of the emulator.
//!
//! # File format
//!
//! One SQLite database file (plus its `-wal` file while open or after a crash; both
//! belong to the state and must be copied together). Its schema is versioned by
//! `PRAGMA user_version` and upgraded on open by a small forward-only migration runner
//! (`MIGRATIONS`, all pending steps in one transaction); version 1 holds:
//!
//! - `meta(key TEXT PRIMARY KEY, value NOT NULL) WITHOUT ROWID`: `schema_version` (the
//!   same number as `user_version`) and `created_by` (crate name and version);
//! - `records(key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID`: the records of
//!   [`Store`], compared by SQLite's BLOB order (`memcmp`, then length), which is the
//!   order of `Vec<u8>`.
//!
//! `PRAGMA application_id` is set to `0x55494343` ("UICC") so a foreign SQLite file is
//! refused rather than written into. A file whose schema is newer than
//! [`SCHEMA_VERSION`] is refused with [`Error::State`].
//!
//! # Atomicity and durability
//!
//! The journal is a write-ahead log (`journal_mode=WAL`). Every [`Store::commit`] is
//! one `BEGIN IMMEDIATE … COMMIT` transaction. A WAL transaction becomes visible only
//! through its commit frame, and every frame carries a cumulative checksum, so
//! recovery after a crash replays whole transactions and drops a half-written one
//! (<https://sqlite.org/wal.html>, <https://sqlite.org/fileformat2.html#walformat>):
//! a commit is never torn. How far "durable" reaches is chosen by [`Durability`].
//!
//! # One writer per file
//!
//! The connection runs in `locking_mode=EXCLUSIVE` and takes its lock while opening,
//! then holds it until dropped. A second opener — another emulator process, or another
//! [`SqliteStore`] in the same process — waits at most 250 ms and then gets
//! [`Error::Store`] saying the file is in use. Refusing (rather than waiting) is
//! deliberate: two card instances interleaving commits on one state would silently
//! break the card's invariants (e.g. both would count PIN tries from the same start),
//! and the holder may live for hours. The lock is an OS file lock, so a killed process
//! releases it at once. As a side effect of exclusive locking no `-shm` file is used.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, TransactionBehavior};

use super::{Change, Store};
use crate::error::{Error, Result};

/// The schema version this build writes (and the highest it can open).
pub const SCHEMA_VERSION: u32 = 1;

/// `PRAGMA application_id` of a card-os state file: ASCII "UICC".
const APPLICATION_ID: i64 = 0x5549_4343;

/// Step `i` upgrades a file from schema version `i` to `i + 1`. Append only; never edit
/// a released step.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: initial schema.
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value NOT NULL) WITHOUT ROWID;
     CREATE TABLE records(key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;",
];

const _: () = assert!(MIGRATIONS.len() == SCHEMA_VERSION as usize);

/// How long a second opener waits for the file lock before giving up.
const LOCK_WAIT: Duration = Duration::from_millis(250);

const PUT_SQL: &str = "INSERT INTO records(key, value) VALUES (?1, ?2) \
                       ON CONFLICT(key) DO UPDATE SET value = excluded.value";
const DELETE_SQL: &str = "DELETE FROM records WHERE key = ?1";
const LOAD_SQL: &str = "SELECT key, value FROM records ORDER BY key";

/// Which failure a returned [`Store::commit`] survives.
///
/// Both levels keep every commit atomic; they differ only in whether the newest
/// commits can be lost when the *host* (not the emulator) loses power.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=NORMAL`: a commit has been written (`write(2)`) to the WAL file in
    /// the OS page cache when `commit` returns, without `fsync`. It survives the
    /// emulator process being killed at any instant (SIGKILL, abort, OOM kill): the
    /// kernel owns the data. A crash or power loss of the host OS may lose the last
    /// commits since the previous checkpoint `fsync`, but never tears one, so the state
    /// goes back to an earlier consistent point.
    ///
    /// This is the default because the emulated card's "power cut" is the emulator
    /// process dying: a PIN try committed before the status word is returned is never
    /// given back to an attacker who kills the emulator, at a cost of microseconds per
    /// commit instead of one disk flush. Choose [`Durability::Power`] when the threat
    /// includes host power loss (a try could otherwise be lost with the host).
    #[default]
    Process,
    /// `synchronous=FULL`: the WAL is `fsync`ed before `commit` returns, so a returned
    /// commit also survives host power loss (as far as the disk honours flushes). Costs
    /// one flush per commit.
    Power,
}

impl Durability {
    /// The `PRAGMA synchronous` value for this level in WAL mode.
    fn synchronous(self) -> &'static str {
        match self {
            Durability::Process => "NORMAL",
            Durability::Power => "FULL",
        }
    }
}

/// A [`Store`] in one SQLite database file (see the module documentation for the file
/// format, durability and locking).
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    durability: Durability,
}

impl SqliteStore {
    /// Opens the state file at `path`, creating it if absent, with
    /// [`Durability::Process`].
    ///
    /// # Errors
    /// [`Error::Store`] if the file cannot be opened, is not a SQLite database or is in
    /// use by another store; [`Error::State`] if it is not a card-os state file or its
    /// schema is newer than [`SCHEMA_VERSION`].
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, Durability::default())
    }

    /// Opens the state file at `path`, creating it if absent, with the given durability.
    ///
    /// # Errors
    /// As [`SqliteStore::open`].
    pub fn open_with(path: impl AsRef<Path>, durability: Durability) -> Result<Self> {
        let path = path.as_ref();
        let conn = Connection::open(path).map_err(|e| open_err(path, e))?;
        Self::setup(conn, durability, true).map_err(|e| match e {
            SetupError::Sql(e) => open_err(path, e),
            SetupError::Other(e) => e,
        })
    }

    /// A store in memory (nothing survives; for tests). Same schema and semantics.
    ///
    /// # Errors
    /// [`Error::Store`] if SQLite cannot allocate the database.
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(|e| sql_err("open in memory", e))?;
        Self::setup(conn, Durability::default(), false).map_err(|e| match e {
            SetupError::Sql(e) => sql_err("open in memory", e),
            SetupError::Other(e) => e,
        })
    }

    /// The durability this store was opened with.
    #[must_use]
    pub fn durability(&self) -> Durability {
        self.durability
    }

    /// The schema version recorded in the file (`PRAGMA user_version`).
    ///
    /// # Errors
    /// [`Error::Store`] if it cannot be read.
    pub fn schema_version(&self) -> Result<u32> {
        let v = user_version(&self.conn).map_err(|e| sql_err("read schema version", e))?;
        u32::try_from(v).map_err(|_| Error::State("schema version out of range".into()))
    }

    fn setup(
        mut conn: Connection,
        durability: Durability,
        file: bool,
    ) -> core::result::Result<Self, SetupError> {
        conn.busy_timeout(LOCK_WAIT)?;
        conn.set_prepared_statement_cache_capacity(8);
        // Before the first access, so the WAL index lives in heap memory and the file
        // lock, once taken, is kept until the connection closes.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        if file {
            let mode: String =
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(SetupError::Other(Error::Store(format!(
                    "cannot enable WAL journal (got `{mode}`)"
                ))));
            }
        }
        conn.pragma_update(None, "synchronous", durability.synchronous())?;
        migrate(&mut conn)?;
        Ok(Self { conn, durability })
    }
}

impl Store for SqliteStore {
    fn load(&mut self) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut stmt = self
            .conn
            .prepare_cached(LOAD_SQL)
            .map_err(|e| sql_err("load", e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| sql_err("load", e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| sql_err("load", e))
    }

    fn commit(&mut self, changes: &[Change]) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        // Dropping `tx` on any early return rolls the whole transaction back.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sql_err("begin commit", e))?;
        {
            let mut put = tx
                .prepare_cached(PUT_SQL)
                .map_err(|e| sql_err("commit", e))?;
            let mut delete = tx
                .prepare_cached(DELETE_SQL)
                .map_err(|e| sql_err("commit", e))?;
            for change in changes {
                match change {
                    Change::Put(key, value) => put.execute(params![key, value]),
                    Change::Delete(key) => delete.execute(params![key]),
                }
                .map_err(|e| sql_err("commit", e))?;
            }
        }
        tx.commit().map_err(|e| sql_err("commit", e))
    }
}

/// Setup failures: SQLite errors get the path and lock context added by the caller.
enum SetupError {
    Sql(rusqlite::Error),
    Other(Error),
}

impl From<rusqlite::Error> for SetupError {
    fn from(e: rusqlite::Error) -> Self {
        SetupError::Sql(e)
    }
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Brings the schema to [`SCHEMA_VERSION`] in one IMMEDIATE transaction (which also
/// takes the exclusive file lock for the life of the connection).
fn migrate(conn: &mut Connection) -> core::result::Result<(), SetupError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = user_version(&tx)?;
    let app_id: i64 = tx.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let start = usize::try_from(found)
        .ok()
        .filter(|&v| v <= MIGRATIONS.len());
    let Some(start) = start else {
        return Err(SetupError::Other(Error::State(format!(
            "state file has schema version {found}; this build supports up to {SCHEMA_VERSION}"
        ))));
    };
    if start > 0 && app_id != APPLICATION_ID {
        return Err(SetupError::Other(Error::State(
            "not a card-os state file (application_id mismatch)".into(),
        )));
    }
    for (done, step) in MIGRATIONS.iter().enumerate().skip(start) {
        tx.execute_batch(step)?;
        let version = i64::try_from(done.saturating_add(1)).unwrap_or(i64::MAX);
        tx.pragma_update(None, "user_version", version)?;
        tx.execute(
            "INSERT INTO meta(key, value) VALUES ('schema_version', ?1) \
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![version],
        )?;
    }
    if start == 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.execute(
            "INSERT INTO meta(key, value) VALUES ('created_by', ?1)",
            params![concat!(
                env!("CARGO_PKG_NAME"),
                " ",
                env!("CARGO_PKG_VERSION")
            )],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// An open-time error, naming the file and explaining a lock conflict.
fn open_err(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Store(format!(
            "state file {} is in use by another store (one card per state file)",
            path.display()
        )),
        _ => Error::Store(format!("open {}: {}", path.display(), describe(&e))),
    }
}

fn sql_err(context: &str, e: rusqlite::Error) -> Error {
    Error::Store(format!("{context}: {}", describe(&e)))
}

/// The text of a SQLite error without any bound value (record values may be keys).
fn describe(e: &rusqlite::Error) -> String {
    use rusqlite::Error as E;
    match e {
        E::SqliteFailure(code, Some(msg)) => format!("{msg} ({code})"),
        E::SqliteFailure(code, None) => code.to_string(),
        E::IntegralValueOutOfRange(col, _) => format!("integer out of range in column {col}"),
        E::FromSqlConversionFailure(col, ty, _) => {
            format!("cannot convert column {col} from {ty}")
        }
        E::ToSqlConversionFailure(_) => "cannot convert a parameter".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    //! Behaviour tested here is this module's documented contract (and the [`Store`]
    //! contract); the SQLite facts it relies on are from <https://sqlite.org/pragma.html>
    //! (`user_version`, `application_id`, `locking_mode`, `journal_mode`) and
    //! <https://sqlite.org/wal.html>. No external byte vectors apply.
    use super::*;
    use crate::store::MemStore;
    use proptest::prelude::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static N: AtomicU32 = AtomicU32::new(0);
            let n = N.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir()
                .join(format!("card-os-sqlite-test-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
        fn file(&self) -> PathBuf {
            self.0.join("state.db")
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn put(k: &[u8], v: &[u8]) -> Change {
        Change::Put(k.to_vec(), v.to_vec())
    }

    fn kv(k: &[u8], v: &[u8]) -> (Vec<u8>, Vec<u8>) {
        (k.to_vec(), v.to_vec())
    }

    #[test]
    fn round_trip_in_blob_order() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        assert!(s.load().unwrap().is_empty());
        // BLOB order is memcmp then length: "" < "a" < "a\0" < "b" < "\xff".
        s.commit(&[
            put(b"\xff", b"x"),
            put(b"b", b"2"),
            put(b"a\0", b""),
            put(b"a", b"1"),
            put(b"", b"empty key"),
        ])
        .unwrap();
        assert_eq!(
            s.load().unwrap(),
            vec![
                kv(b"", b"empty key"),
                kv(b"a", b"1"),
                kv(b"a\0", b""),
                kv(b"b", b"2"),
                kv(b"\xff", b"x"),
            ]
        );
        s.commit(&[put(b"a", b"one"), Change::Delete(b"b".to_vec())])
            .unwrap();
        s.commit(&[Change::Delete(b"absent".to_vec())]).unwrap();
        s.commit(&[]).unwrap();
        assert_eq!(
            s.load().unwrap(),
            vec![
                kv(b"", b"empty key"),
                kv(b"a", b"one"),
                kv(b"a\0", b""),
                kv(b"\xff", b"x"),
            ]
        );
    }

    #[test]
    fn reopen_keeps_records_and_settings() {
        let dir = TempDir::new();
        let big = vec![0xA5; 100_000]; // spans many pages
        {
            let mut s = SqliteStore::open(dir.file()).unwrap();
            assert_eq!(s.durability(), Durability::Process);
            s.commit(&[put(b"ef/6F07", b"\x08\x29\x10"), put(b"big", &big)])
                .unwrap();
        }
        let mut s = SqliteStore::open_with(dir.file(), Durability::Power).unwrap();
        assert_eq!(s.durability(), Durability::Power);
        assert_eq!(
            s.load().unwrap(),
            vec![kv(b"big", &big), kv(b"ef/6F07", b"\x08\x29\x10")]
        );
        let mode: String = s
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        // PRAGMA synchronous reads back 2 for FULL, 1 for NORMAL.
        let sync: i64 = s
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2);
    }

    #[test]
    fn schema_version_recorded() {
        let dir = TempDir::new();
        let s = SqliteStore::open(dir.file()).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        let meta: i64 = s
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(meta, i64::from(SCHEMA_VERSION));
        let app: i64 = s
            .conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap();
        assert_eq!(app, APPLICATION_ID);
        drop(s);
        // Reopening runs no migration and keeps the version.
        let s = SqliteStore::open(dir.file()).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn newer_schema_refused() {
        let dir = TempDir::new();
        drop(SqliteStore::open(dir.file()).unwrap());
        {
            let c = Connection::open(dir.file()).unwrap();
            c.pragma_update(None, "user_version", 99).unwrap();
        }
        let err = SqliteStore::open(dir.file()).unwrap_err();
        assert!(
            matches!(err, Error::State(ref m) if m.contains("99")),
            "{err}"
        );
    }

    #[test]
    fn foreign_database_refused() {
        let dir = TempDir::new();
        {
            let c = Connection::open(dir.file()).unwrap();
            c.execute_batch("CREATE TABLE t(x); PRAGMA user_version = 1;")
                .unwrap();
        }
        let err = SqliteStore::open(dir.file()).unwrap_err();
        assert!(matches!(err, Error::State(_)), "{err}");
        // A non-database file.
        std::fs::write(dir.0.join("junk"), vec![0x42; 4096]).unwrap();
        let err = SqliteStore::open(dir.0.join("junk")).unwrap_err();
        assert!(matches!(err, Error::Store(_)), "{err}");
    }

    #[test]
    fn second_open_refused_until_first_closes() {
        let dir = TempDir::new();
        SqliteStore::open(dir.file())
            .unwrap()
            .commit(&[put(b"k", b"v")])
            .unwrap();
        // Reopening an existing file writes nothing, yet must take the lock at once.
        let mut first = SqliteStore::open(dir.file()).unwrap();
        let started = std::time::Instant::now();
        let err = SqliteStore::open(dir.file()).unwrap_err();
        assert!(started.elapsed() >= LOCK_WAIT, "refused before waiting");
        assert!(
            matches!(err, Error::Store(ref m) if m.contains("in use")),
            "{err}"
        );
        // The first store is unaffected by the refused attempt.
        first.commit(&[put(b"k", b"w")]).unwrap();
        drop(first);
        let mut second = SqliteStore::open(dir.file()).unwrap();
        assert_eq!(second.load().unwrap(), vec![kv(b"k", b"w")]);
    }

    #[test]
    fn failed_commit_applies_nothing() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        s.commit(&[put(b"a", b"1")]).unwrap();
        // Inject a failure in the middle of a commit: the third write aborts.
        s.conn
            .execute_batch(
                "CREATE TEMP TRIGGER fail_dead BEFORE INSERT ON main.records \
                 WHEN NEW.key = X'DEAD' BEGIN SELECT RAISE(ABORT, 'injected'); END;",
            )
            .unwrap();
        let secret = b"SECRET-PIN-1234";
        let err = s
            .commit(&[
                put(b"a", b"2"),
                Change::Delete(b"a".to_vec()),
                put(b"b", secret),
                put(b"\xDE\xAD", secret),
                put(b"c", b"4"),
            ])
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("injected"), "{msg}");
        assert!(!msg.contains("SECRET"), "{msg}");
        assert_eq!(s.load().unwrap(), vec![kv(b"a", b"1")]);
        // No transaction was left open: the next commit works.
        s.commit(&[put(b"b", b"3")]).unwrap();
        assert_eq!(s.load().unwrap(), vec![kv(b"a", b"1"), kv(b"b", b"3")]);
    }

    #[test]
    fn describe_hides_values() {
        let e = rusqlite::Error::IntegralValueOutOfRange(1, 123_456_789);
        assert!(!describe(&e).contains("123456789"));
    }

    fn arb_change() -> impl Strategy<Value = Change> {
        // A small key space so that puts, overwrites and deletes collide.
        let key = prop::collection::vec(prop::sample::select(vec![0u8, 1, 0xFF]), 0..3);
        prop_oneof![
            3 => (key.clone(), prop::collection::vec(any::<u8>(), 0..40))
                .prop_map(|(k, v)| Change::Put(k, v)),
            1 => key.prop_map(Change::Delete),
        ]
    }

    proptest! {
        #[test]
        fn sqlite_matches_memstore(
            commits in prop::collection::vec(prop::collection::vec(arb_change(), 0..6), 0..12)
        ) {
            let mut mem = MemStore::new();
            let mut sql = SqliteStore::open_in_memory().unwrap();
            for c in &commits {
                mem.commit(c).unwrap();
                sql.commit(c).unwrap();
                prop_assert_eq!(mem.load().unwrap(), sql.load().unwrap());
            }
        }
    }
}
