//! A real tearing test of `SqliteStore` with its default durability
//! (`Durability::Process`): a child process commits without pause and is killed with
//! SIGKILL (`std::process::Child::kill` on Unix) at random instants; after every kill
//! the parent reopens the state file and checks it.
//!
//! The requirement under test is the project's persistence rule: "Every APDU's changes
//! commit together or not at all. A PIN/PUK try is written down before the result is
//! returned. A power cut (SIGKILL) at any instant never tears a file and never gives
//! back a try." The card-side rule it models is ETSI TS 102 221 §9.5.1 (the PIN retry
//! counter is decremented on a failed VERIFY; the count must persist, so the try is
//! recorded before the status word goes out).
//!
//! The child (test `tearing_child`, active only when `STORE_TEARING_CHILD` names a
//! database path) repeats:
//! 1. one commit rewriting a "file" of `GROUP` records (~1 KB each, so a commit spans
//!    several database pages and WAL frames) that all carry the same generation number
//!    and a checksum, plus deleting the previous `scratch/<gen>` marker and putting the
//!    next one;
//! 2. one commit of the decremented try counter, then the line
//!    `decremented to N end` on stdout — only after `commit` returned;
//! 3. one commit of the "result" paired with that counter value.
//!
//! The parent checks after every kill: the file opens; every group is wholly one
//! generation with valid checksums and exactly one matching scratch marker; the result
//! record matches the counter or trails it by the one in-flight try; the counter is
//! never above the lowest value the child reported committed, and at most one below
//! it; nothing goes backwards between kills; and the next child sees exactly the state
//! the parent verified.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use card_os::store::sqlite::SqliteStore;
use card_os::store::{Change, Store};
use card_os::Error;

const CHILD_ENV: &str = "STORE_TEARING_CHILD";
const CHILD_TEST: &str = "tearing_child";
const GROUP: u8 = 8;
const PAYLOAD: usize = 1000;
const START_TRIES: u64 = 1_000_000_000;
const CYCLES: u32 = 60;
const MAX_SLEEP_MS: u64 = 40;

// ---------------------------------------------------------------------------------
// Record layout shared by child and parent.

/// FNV-1a 64 (FNV spec, draft-eastlake-fnv: offset basis 0xcbf29ce484222325, prime
/// 0x100000001b3).
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Marsaglia's xorshift64 (J. Statistical Software 8(14), 2003: shifts 13, 7, 17).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

fn group_key(idx: u8) -> Vec<u8> {
    format!("file/{idx:02}").into_bytes()
}

fn scratch_key(gen: u64) -> Vec<u8> {
    let mut k = b"scratch/".to_vec();
    k.extend_from_slice(&gen.to_be_bytes());
    k
}

/// gen (8) || idx (1) || payload (PAYLOAD, pseudo-random from gen and idx) || FNV-1a (8).
fn group_value(gen: u64, idx: u8) -> Vec<u8> {
    let mut v = gen.to_be_bytes().to_vec();
    v.push(idx);
    let mut rng = XorShift(gen.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(idx) | 1);
    while v.len() < 9 + PAYLOAD {
        v.extend_from_slice(&rng.next().to_le_bytes());
    }
    v.truncate(9 + PAYLOAD);
    let sum = fnv1a(&v);
    v.extend_from_slice(&sum.to_be_bytes());
    v
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b: [u8; 8] = bytes.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_be_bytes(b))
}

fn parse_group_value(idx: u8, v: &[u8]) -> Result<u64, String> {
    if v.len() != 9 + PAYLOAD + 8 {
        return Err(format!("record {idx}: length {}", v.len()));
    }
    let sum = u64_at(v, 9 + PAYLOAD).ok_or("no checksum")?;
    if fnv1a(&v[..9 + PAYLOAD]) != sum {
        return Err(format!("record {idx}: bad checksum (torn record)"));
    }
    if v[8] != idx {
        return Err(format!("record {idx}: carries index {}", v[8]));
    }
    let gen = u64_at(v, 0).ok_or("no generation")?;
    if *v != group_value(gen, idx) {
        return Err(format!("record {idx}: payload does not match generation"));
    }
    Ok(gen)
}

/// The verified content of a state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State {
    gen: u64,
    tries: u64,
}

impl State {
    const INITIAL: State = State {
        gen: 0,
        tries: START_TRIES,
    };

    /// Checks every invariant; `Err` describes the first violation.
    fn check(records: &[(Vec<u8>, Vec<u8>)]) -> Result<State, String> {
        if records.is_empty() {
            return Ok(State::INITIAL);
        }
        let find = |k: &[u8]| records.iter().find(|(rk, _)| rk == k).map(|(_, v)| v);
        let mut gen = None;
        for idx in 0..GROUP {
            let v = find(&group_key(idx)).ok_or(format!("record {idx} missing"))?;
            let g = parse_group_value(idx, v)?;
            match gen {
                None => gen = Some(g),
                Some(first) if first != g => {
                    return Err(format!(
                        "torn group: record 0 gen {first}, record {idx} gen {g}"
                    ))
                }
                Some(_) => {}
            }
        }
        let gen = gen.ok_or("empty group")?;
        let scratch: Vec<_> = records
            .iter()
            .filter(|(k, _)| k.starts_with(b"scratch/"))
            .collect();
        if scratch.len() != 1 || scratch[0].0 != scratch_key(gen) {
            return Err(format!(
                "scratch markers {:?} do not match generation {gen}",
                scratch
                    .iter()
                    .map(|(k, _)| u64_at(k, 8))
                    .collect::<Vec<_>>()
            ));
        }
        let tries = match find(b"try") {
            None => START_TRIES,
            Some(v) if v.len() == 8 => u64_at(v, 0).ok_or("try")?,
            Some(v) => return Err(format!("try record length {}", v.len())),
        };
        match find(b"result") {
            // No result yet: at most the first decrement is in flight.
            None if tries + 1 >= START_TRIES => {}
            None => return Err(format!("no result but tries at {tries}")),
            Some(v) => {
                let (t, g) = (u64_at(v, 0).ok_or("result")?, u64_at(v, 8).ok_or("result")?);
                if v.len() != 16 || !(t == tries || t == tries + 1) || g > gen {
                    return Err(format!("result ({t}, {g}) vs tries {tries}, gen {gen}"));
                }
            }
        }
        let known = usize::from(GROUP)
            + 1
            + usize::from(find(b"try").is_some())
            + usize::from(find(b"result").is_some());
        if records.len() != known {
            return Err(format!("{} records, expected {known}", records.len()));
        }
        Ok(State { gen, tries })
    }
}

// ---------------------------------------------------------------------------------
// The child: commits forever until killed.

#[test]
fn tearing_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return; // normal `cargo test` run: nothing to do
    };
    let mut store = SqliteStore::open(&path).expect("child: open");
    let records = store.load().expect("child: load");
    let State { mut gen, mut tries } = State::check(&records).expect("child: state at start");
    println!("ready gen={gen} tries={tries} end");
    loop {
        gen += 1;
        let mut changes: Vec<Change> = (0..GROUP)
            .map(|i| Change::Put(group_key(i), group_value(gen, i)))
            .collect();
        changes.push(Change::Delete(scratch_key(gen - 1)));
        changes.push(Change::Put(scratch_key(gen), gen.to_be_bytes().to_vec()));
        store.commit(&changes).expect("child: group commit");

        // The PIN rule: the decrement is committed before the result is "returned".
        tries -= 1;
        store
            .commit(&[Change::Put(b"try".to_vec(), tries.to_be_bytes().to_vec())])
            .expect("child: try commit");
        println!("decremented to {tries} end");
        let mut result = tries.to_be_bytes().to_vec();
        result.extend_from_slice(&gen.to_be_bytes());
        store
            .commit(&[Change::Put(b"result".to_vec(), result)])
            .expect("child: result commit");
    }
}

// ---------------------------------------------------------------------------------
// The parent.

/// Kills and reaps the child if the parent test fails mid-cycle.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("card-os-tearing-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn spawn_child(exe: &Path, db: &Path) -> (Guard, mpsc::Receiver<String>) {
    let mut child = Command::new(exe)
        .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, db)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("child stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (Guard(child), rx)
}

/// What the parent learns from the child's stdout.
#[derive(Default)]
struct Reports {
    /// The state the current child opened (`ready … end`).
    ready: Option<State>,
    /// The lowest try counter any child reported as committed.
    lowest: Option<u64>,
}

impl Reports {
    /// Reads one line. libtest may print `test tearing_child ... ` on the same line
    /// before our text, so the `ready` marker is searched for; every report ends in
    /// ` end`, so a line cut short by the kill is ignored.
    fn feed(&mut self, line: &str) {
        let Some(body) = line.strip_suffix(" end") else {
            return;
        };
        if let Some(n) = body.strip_prefix("decremented to ") {
            if let Ok(n) = n.parse::<u64>() {
                self.lowest = Some(self.lowest.map_or(n, |l| l.min(n)));
            }
        } else if let Some(at) = body.find("ready gen=") {
            let rest = &body[at + "ready gen=".len()..];
            if let Some((gen, tries)) = rest.split_once(" tries=") {
                if let (Ok(gen), Ok(tries)) = (gen.parse(), tries.parse()) {
                    self.ready = Some(State { gen, tries });
                }
            }
        }
    }
}

#[test]
fn sigkill_never_tears_or_gives_back_a_try() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let started = Instant::now();
    let dir = TempDir::new();
    let db = dir.0.join("card.db");
    let exe = std::env::current_exe().unwrap();
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        ^ u64::from(std::process::id())
        | 1;
    eprintln!("tearing test seed {seed:#x}");
    let mut rng = XorShift(seed);

    let mut verified = State::INITIAL;
    let mut reports = Reports::default();
    let mut early_kills = 0;
    for cycle in 0..CYCLES {
        let (mut child, lines) = spawn_child(&exe, &db);
        reports.ready = None;
        // One cycle in eight is killed without waiting, often while opening/recovering.
        let early = rng.next().is_multiple_of(8);
        if early {
            early_kills += 1;
        } else {
            let deadline = Instant::now() + Duration::from_secs(10);
            while reports.ready.is_none() {
                let left = deadline.saturating_duration_since(Instant::now());
                match lines.recv_timeout(left) {
                    Ok(line) => reports.feed(&line),
                    Err(e) => panic!("cycle {cycle}: child never reported ready ({e})"),
                }
            }
            assert_eq!(
                reports.ready,
                Some(verified),
                "cycle {cycle}: child opened a different state than verified"
            );
            if cycle % 10 == 5 {
                // While the child holds the file, a second writer is refused.
                match SqliteStore::open(&db) {
                    Err(Error::Store(m)) if m.contains("in use") => {}
                    other => panic!("cycle {cycle}: concurrent open gave {other:?}"),
                }
            }
        }
        std::thread::sleep(Duration::from_millis(rng.next() % (MAX_SLEEP_MS + 1)));
        if let Some(status) = child.0.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut e) = child.0.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("cycle {cycle}: child exited by itself ({status}): {err}");
        }
        child.0.kill().unwrap(); // SIGKILL on Unix
        child.0.wait().unwrap();
        // The pipe is closed now: this drains the rest and ends.
        for line in lines.iter() {
            reports.feed(&line);
        }

        let mut store = SqliteStore::open(&db)
            .unwrap_or_else(|e| panic!("cycle {cycle}: reopen after SIGKILL: {e}"));
        let records = store.load().unwrap();
        let state = State::check(&records)
            .unwrap_or_else(|e| panic!("cycle {cycle}: inconsistent after SIGKILL: {e}"));
        drop(store);

        assert!(
            state.gen >= verified.gen,
            "cycle {cycle}: generation went back"
        );
        assert!(
            state.tries <= verified.tries,
            "cycle {cycle}: a try came back"
        );
        if let Some(low) = reports.lowest {
            assert!(
                state.tries <= low,
                "cycle {cycle}: try counter {} above reported {low}: a try was given back",
                state.tries
            );
            assert!(
                state.tries + 1 >= low,
                "cycle {cycle}: counter {} more than one below reported {low}",
                state.tries
            );
        }
        verified = state;
    }

    let commits = verified.gen + 2 * (START_TRIES - verified.tries);
    eprintln!(
        "tearing test: {CYCLES} SIGKILLs ({early_kills} early), ~{commits} commits, {:?}",
        started.elapsed()
    );
    assert!(commits >= 1000, "only {commits} commits were exercised");
}
