//! Property test: random APDU sequences against a fresh default card never panic, every
//! answer carries at least SW1 SW2, and the persistent state the store holds always
//! equals the card's in-memory state — after every APDU (MemStore) and after closing and
//! reopening the state file (SqliteStore).
//!
//! Sources of the generated commands (the shapes only; no expected answers are taken
//! from anywhere but the card's own state):
//! - ETSI TS 102 221 §11.1 (SELECT, STATUS, READ/UPDATE BINARY, READ/UPDATE/SEARCH
//!   RECORD, INCREASE, VERIFY/CHANGE/DISABLE/ENABLE/UNBLOCK PIN, DEACTIVATE/ACTIVATE
//!   FILE, MANAGE CHANNEL, GET CHALLENGE, TERMINAL CAPABILITY), §11.2 (TERMINAL PROFILE,
//!   ENVELOPE, FETCH, TERMINAL RESPONSE), §11.3 (RETRIEVE/SET DATA), §10.1.1 (class
//!   bytes `0X`, `4X`, `8X`, `CX`, `EX`), §7.3.1 / §12.1.1 (GET RESPONSE);
//!   ETSI TS 102 222 (TERMINATE DF `E6`, TERMINATE EF `E8`); 3GPP TS 51.011 §9 (class
//!   `A0`); ETSI TS 102 223 §7.5 (event download envelope, tag `D6`).
//! - FIDs, paths and PIN values of `card-os/src/profile/default.toml`.
//! - The persistence rule under test is the project's: "every APDU's changes commit
//!   together" (card-os `Store` docs) and `Card::snapshot` ("the persistent state as
//!   records, as a store would hold them after the last commit").

use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use card_os::platform::SeededPlatform;
use card_os::profile::{NoApps, Profile};
use card_os::store::sqlite::SqliteStore;
use card_os::store::{Change, MemStore, Store};
use card_os::Card;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;

// ---------------------------------------------------------------------------------
// Generators.

/// An APDU, shown in hex when proptest reports a failing sequence.
#[derive(Clone)]
struct Apdu(Vec<u8>);

impl fmt::Debug for Apdu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", apdu::hex::encode(&self.0))
    }
}

/// One step of a sequence.
#[derive(Clone, Debug)]
enum Action {
    /// Through the T=0 APDU-level front end (`Card::transmit`).
    Transmit(Apdu),
    /// Through the T=1-style front end (`Card::process_bytes`).
    Process(Apdu),
    /// A power cycle.
    Reset,
}

/// FIDs of the default profile (plus `7FFF`, the current ADF, TS 102 221 §8.3).
const FIDS: &[u16] = &[
    0x3F00, 0x2F06, 0x2FE2, 0x2F00, 0x2F05, 0x2F08, 0x7F10, 0x6F42, 0x7FFF,
];

/// PINs, PUKs and ADM1 of the default profile, and a few wrong codes.
const CODES: &[&[u8]] = &[
    b"1234",
    b"5678",
    b"0000",
    b"88888888",
    b"12345678",
    b"87654321",
    b"00000000",
    b"9999",
    b"1235",
    b"4321",
];

fn short(cla: u8, ins: u8, p1: u8, p2: u8, data: &[u8], le: Option<u8>) -> Vec<u8> {
    let mut a = vec![cla, ins, p1, p2];
    if !data.is_empty() {
        a.push(data.len().min(255) as u8);
        a.extend_from_slice(&data[..data.len().min(255)]);
    }
    if let Some(le) = le {
        a.push(le);
    }
    a
}

fn fid() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => select(FIDS).prop_map(|f| f.to_be_bytes().to_vec()),
        1 => any::<[u8; 2]>().prop_map(|f| f.to_vec()),
    ]
}

fn path() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => select(vec![
            vec![0x7F, 0x10, 0x6F, 0x42],
            vec![0x2F, 0x06],
            vec![0x2F, 0xE2],
            vec![0x3F, 0x00, 0x7F, 0x10],
            vec![0x7F, 0x10],
            vec![0x7F, 0xFF, 0x6F, 0x07],
        ]),
        2 => vec(fid(), 0..4).prop_map(|v| v.concat()),
        1 => vec(any::<u8>(), 0..9),
    ]
}

/// Class bytes of the interindustry family: basic and further logical channels.
fn iso_cla() -> impl Strategy<Value = u8> {
    prop_oneof![
        16 => Just(0x00),
        2 => 0x01u8..=0x03,
        1 => 0x40u8..=0x4F,
        1 => Just(0x0C),
        1 => any::<u8>(),
    ]
}

/// Class bytes of the proprietary family (TS 102 221 §10.1.1: `8X`, `CX`, `EX`).
fn prp_cla() -> impl Strategy<Value = u8> {
    prop_oneof![
        8 => Just(0x80),
        2 => 0x81u8..=0x83,
        1 => Just(0xC0),
        1 => Just(0xE0),
        1 => any::<u8>(),
    ]
}

fn le() -> impl Strategy<Value = Option<u8>> {
    prop_oneof![
        1 => Just(None),
        3 => any::<u8>().prop_map(Some),
    ]
}

/// P1 of READ/UPDATE BINARY: offset high byte 0 mostly, or an SFI of the profile
/// (P1 b8 = 1, TS 102 221 §11.1.3.2), or anything.
fn binary_p1() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => Just(0x00),
        2 => select(vec![0x85u8, 0x88, 0x86, 0x9E, 0x81]),
        1 => any::<u8>(),
    ]
}

/// A small offset or length mostly, anything sometimes.
fn small() -> impl Strategy<Value = u8> {
    prop_oneof![4 => 0u8..12, 1 => any::<u8>()]
}

/// P2 of the record commands: current EF (absolute/next/previous), an SFI of the
/// profile (EF.ARR 06, EF.DIR 1E) or anything (TS 102 221 §11.1.5.2, Table 11.11).
fn record_p2() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => select(vec![0x04u8, 0x02, 0x03, 0x05]),
        2 => select(vec![0x06u8 << 3 | 4, 0x1E << 3 | 4, 0x1E << 3 | 2]),
        1 => any::<u8>(),
    ]
}

/// Le of the record commands: the record lengths of the profile (38, 40), `00`, or any.
fn record_le() -> impl Strategy<Value = Option<u8>> {
    prop_oneof![
        2 => select(vec![38u8, 40, 0]).prop_map(Some),
        1 => le(),
    ]
}

fn key_ref() -> impl Strategy<Value = u8> {
    prop_oneof![
        6 => select(vec![0x01u8, 0x81, 0x0A, 0x11]),
        1 => select(vec![0x02u8, 0x0B, 0x82, 0x00, 0x10]),
        1 => any::<u8>(),
    ]
}

/// An 8-byte PIN block (right or wrong code, FF-padded), or random bytes.
fn pin_block() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => select(CODES).prop_map(|c| {
            let mut b = c.to_vec();
            b.resize(8, 0xFF);
            b
        }),
        1 => vec(b'0'..=b'9', 4..=8).prop_map(|mut b| {
            b.resize(8, 0xFF);
            b
        }),
        1 => vec(any::<u8>(), 0..10),
    ]
}

fn data(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => vec(any::<u8>(), 1..=max),
        1 => vec(any::<u8>(), 0..=255),
    ]
}

/// A structured command of TS 102 221 with random fields.
fn structured() -> impl Strategy<Value = Vec<u8>> {
    let select_fid = (iso_cla(), select(vec![0x04u8, 0x0C, 0x00]), fid(), le())
        .prop_map(|(c, p2, f, le)| short(c, 0xA4, 0x00, p2, &f, le));
    let select_other = (
        iso_cla(),
        select(vec![0x01u8, 0x03, 0x08, 0x09, 0x04]),
        any::<u8>(),
        path(),
        le(),
    )
        .prop_map(|(c, p1, p2, d, le)| short(c, 0xA4, p1, p2 & 0x4F, &d, le));
    let read_binary = (iso_cla(), binary_p1(), small(), le())
        .prop_map(|(c, p1, p2, le)| short(c, 0xB0, p1, p2, &[], Some(le.unwrap_or(0))));
    let update_binary = (iso_cla(), binary_p1(), small(), data(12))
        .prop_map(|(c, p1, p2, d)| short(c, 0xD6, p1, p2, &d, None));
    let read_record = (iso_cla(), 0u8..6, record_p2(), record_le())
        .prop_map(|(c, p1, p2, le)| short(c, 0xB2, p1, p2, &[], Some(le.unwrap_or(0))));
    let update_record = (
        iso_cla(),
        0u8..6,
        record_p2(),
        prop_oneof![
            select(vec![38usize, 40]).prop_map(|n| vec![0x5A; n]),
            data(48)
        ],
    )
        .prop_map(|(c, p1, p2, d)| short(c, 0xDC, p1, p2, &d, None));
    let search = (iso_cla(), 0u8..6, record_p2(), data(8), le())
        .prop_map(|(c, p1, p2, d, le)| short(c, 0xA2, p1, p2, &d, le));
    let increase = (prp_cla(), data(4), le()).prop_map(|(c, d, le)| short(c, 0x32, 0, 0, &d, le));
    // VERIFY, DISABLE, ENABLE take one PIN block; CHANGE and UNBLOCK two.
    let one = prop_oneof![6 => pin_block(), 1 => Just(Vec::new())];
    let two = prop_oneof![
        6 => (pin_block(), pin_block()).prop_map(|(a, b)| [a, b].concat()),
        1 => pin_block(),
        1 => Just(Vec::new()),
    ];
    let pin_cmd = (
        iso_cla(),
        prop_oneof![
            3 => (select(vec![0x20u8, 0x26, 0x28]), one),
            2 => (select(vec![0x24u8, 0x2C]), two),
        ],
        select(vec![0x00u8, 0x00, 0x00, 0x11, 0x01]),
        key_ref(),
    )
        .prop_map(|(c, (ins, d), p1, p2)| short(c, ins, p1, p2, &d, None));
    // VERIFY with the right code of the profile, so that later commands run with
    // credentials.
    let verify_right = select(vec![
        (0x01u8, &b"1234"[..]),
        (0x0A, b"88888888"),
        (0x11, b"0000"),
        (0x81, b"5678"),
    ])
    .prop_map(|(k, code)| {
        let mut b = code.to_vec();
        b.resize(8, 0xFF);
        short(0x00, 0x20, 0x00, k, &b, None)
    });
    let manage_channel = (
        iso_cla(),
        select(vec![0x00u8, 0x80, 0x40]),
        prop_oneof![4 => 0u8..5, 1 => any::<u8>()],
        prop_oneof![Just(None), Just(Some(1u8)), le()],
    )
        .prop_map(|(c, p1, p2, le)| short(c, 0x70, p1, p2, &[], le));
    let lifecycle = (
        iso_cla(),
        select(vec![0x04u8, 0x44, 0xE6, 0xE8]),
        select(vec![0x00u8, 0x08, 0x09, 0x01]),
        prop_oneof![Just(0u8), any::<u8>()],
        prop_oneof![Just(Vec::new()), fid(), path()],
    )
        .prop_map(|(c, ins, p1, p2, d)| short(c, ins, p1, p2, &d, None));
    let challenge = (iso_cla(), le()).prop_map(|(c, le)| short(c, 0x84, 0, 0, &[], le));
    let toolkit = (prp_cla(), select(vec![0x10u8, 0xC2, 0x14, 0xAA]), data(32))
        .prop_map(|(c, ins, d)| short(c, ins, 0, 0, &d, None));
    let envelope_event = prp_cla().prop_map(|c| {
        // ENVELOPE (event download, tag D6, with an event list 99 01 04: location status).
        short(c, 0xC2, 0, 0, &[0xD6, 0x03, 0x99, 0x01, 0x04], None)
    });
    let fetch = (prp_cla(), le()).prop_map(|(c, le)| short(c, 0x12, 0, 0, &[], le));
    let get_response = (iso_cla(), le()).prop_map(|(c, le)| short(c, 0xC0, 0, 0, &[], le));
    let status = (
        prp_cla(),
        0u8..4,
        select(vec![0x00u8, 0x01, 0x0C, 0x02]),
        le(),
    )
        .prop_map(|(c, p1, p2, le)| short(c, 0xF2, p1, p2, &[], le));
    let data_cmds = (prp_cla(), select(vec![0xCBu8, 0xDB]), any::<u8>(), data(12))
        .prop_map(|(c, ins, p1, d)| short(c, ins, p1 & 0x81, 0, &d, None));
    prop_oneof![
        4 => select_fid,
        3 => select_other,
        3 => read_binary,
        3 => update_binary,
        3 => read_record,
        3 => update_record,
        1 => search,
        1 => increase,
        4 => pin_cmd,
        2 => verify_right,
        2 => manage_channel,
        2 => lifecycle,
        1 => challenge,
        1 => toolkit,
        1 => envelope_event,
        1 => fetch,
        2 => get_response,
        1 => status,
        1 => data_cmds,
    ]
}

/// Any APDU: structured (sometimes in the GSM class `A0`), or random bytes.
fn apdu() -> impl Strategy<Value = Apdu> {
    prop_oneof![
        8 => (structured(), prop::bool::weighted(0.12)).prop_map(|(mut a, gsm)| {
            if gsm {
                a[0] = 0xA0;
            }
            a
        }),
        1 => vec(any::<u8>(), 0..300),
        1 => (any::<[u8; 4]>(), vec(any::<u8>(), 0..8)).prop_map(|(h, t)| [h.to_vec(), t].concat()),
    ]
    .prop_map(Apdu)
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        10 => apdu().prop_map(Action::Transmit),
        10 => apdu().prop_map(Action::Process),
        1 => Just(Action::Reset),
    ]
}

/// A short meaningful burst, so that state-changing paths are reached often: a right
/// VERIFY (ADM1 or PIN1), a SELECT by path of a file of the profile, then one command
/// that changes persistent state if allowed.
fn burst() -> impl Strategy<Value = Vec<Action>> {
    let cred = select(vec![
        "00 20 00 0A 08 3838383838383838",
        "00 20 00 01 08 31323334FFFFFFFF",
    ]);
    let path = select(vec![
        vec![0x2F, 0x06],
        vec![0x2F, 0xE2],
        vec![0x2F, 0x00],
        vec![0x2F, 0x05],
        vec![0x2F, 0x08],
        vec![0x7F, 0x10, 0x6F, 0x42],
        vec![0x7F, 0x10],
    ]);
    let change = prop_oneof![
        3 => (small(), vec(any::<u8>(), 1..=10))
            .prop_map(|(off, d)| short(0x00, 0xD6, 0x00, off, &d, None)),
        3 => (1u8..=4, select(vec![38usize, 40]), any::<u8>())
            .prop_map(|(rec, n, b)| short(0x00, 0xDC, rec, 0x04, &vec![b; n], None)),
        2 => select(vec![0x04u8, 0x44, 0xE8, 0xE6]).prop_map(|ins| vec![0x00, ins, 0x00, 0x00]),
        1 => vec(b'0'..=b'9', 4..=8).prop_map(|mut new| {
            new.resize(8, 0xFF);
            let mut d = b"1234\xFF\xFF\xFF\xFF".to_vec();
            d.extend_from_slice(&new);
            short(0x00, 0x24, 0x00, 0x01, &d, None)
        }),
        1 => select(vec![0x26u8, 0x28])
            .prop_map(|ins| short(0x00, ins, 0x00, 0x01, b"1234\xFF\xFF\xFF\xFF", None)),
        1 => Just(short(
            0x00,
            0x2C,
            0x00,
            0x01,
            b"12345678" as &[u8],
            None,
        ))
        .prop_map(|mut a| {
            a[4] = 0x10;
            a.extend_from_slice(b"1234\xFF\xFF\xFF\xFF");
            a
        }),
    ];
    (cred, path, change, any::<[bool; 3]>()).prop_map(|(c, p, x, via)| {
        let c = apdu::hex::decode(c).unwrap_or_default();
        let p = short(0x00, 0xA4, 0x08, 0x0C, &p, None);
        [c, p, x]
            .into_iter()
            .zip(via)
            .map(|(a, t)| {
                if t {
                    Action::Transmit(Apdu(a))
                } else {
                    Action::Process(Apdu(a))
                }
            })
            .collect()
    })
}

/// Up to 40 actions: single random actions and bursts.
fn sequence() -> impl Strategy<Value = Vec<Action>> {
    vec(
        prop_oneof![
            6 => action().prop_map(|a| vec![a]),
            1 => burst(),
        ],
        1..=32,
    )
    .prop_map(|v| {
        let mut all = v.concat();
        all.truncate(40);
        all
    })
}

/// 64 cases unless `PROPTEST_CASES` says otherwise; no regression files written into
/// the source tree.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------
// Stores and driving.

/// A MemStore the test can still look at while the card owns its store.
struct SharedMem(Rc<RefCell<MemStore>>);

impl Store for SharedMem {
    fn load(&mut self) -> card_os::Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.0.borrow_mut().load()
    }

    fn commit(&mut self, changes: &[Change]) -> card_os::Result<()> {
        self.0.borrow_mut().commit(changes)
    }
}

/// A state file in the temporary directory, removed (with its WAL companions) on drop.
struct TempDb(PathBuf);

impl TempDb {
    fn new() -> TempDb {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "card-os-random-sequences-{}-{n}.db",
            std::process::id()
        ));
        let t = TempDb(path);
        t.remove();
        t
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

fn build(seed: u64, store: Box<dyn Store>) -> Card {
    Profile::default_profile()
        .build(&NoApps, Box::new(SeededPlatform::new(seed)), store)
        .expect("the default profile builds")
}

/// Runs one action and checks what holds for every answer: at least SW1 SW2, and SW1
/// is a status byte, `6X` other than `60` or `9X` (ISO/IEC 7816-3:2006 §10.3.3,
/// ISO/IEC 7816-4 §5.6). A reset must leave the persistent state as it was (the
/// `Card::reset` contract: security status cleared, persistent state kept). Returns a
/// description of the first violation.
fn step(card: &mut Card, action: &Action) -> Result<Vec<u8>, String> {
    let r = match action {
        Action::Transmit(a) => card.transmit(&a.0),
        Action::Process(a) => card.process_bytes(&a.0),
        Action::Reset => {
            let before = card.snapshot();
            card.reset();
            if card.snapshot() != before {
                return Err("reset changed the persistent state".into());
            }
            return Ok(vec![0x90, 0x00]);
        }
    };
    match r.len().checked_sub(2).map(|i| r[i]) {
        None => Err(format!("response shorter than SW1 SW2: {r:02X?}")),
        Some(sw1) if sw1 == 0x60 || !matches!(sw1 & 0xF0, 0x60 | 0x90) => {
            Err(format!("SW1 {sw1:02X} is not a status byte: {r:02X?}"))
        }
        Some(_) => Ok(r),
    }
}

fn records(mem: &RefCell<MemStore>) -> Vec<(Vec<u8>, Vec<u8>)> {
    mem.borrow()
        .records()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

// ---------------------------------------------------------------------------------
// Properties.

proptest! {
    #![proptest_config(config())]

    /// MemStore: after every APDU the committed records equal the card's snapshot, so
    /// every state change of every command is committed with it; at the end a card
    /// reopened from the store has the same state.
    #[test]
    fn memstore_commits_every_change(seed in any::<u64>(), actions in sequence()) {
        let mem = Rc::new(RefCell::new(MemStore::new()));
        let mut card = build(seed, Box::new(SharedMem(Rc::clone(&mem))));
        prop_assert_eq!(records(&mem), card.snapshot(), "after the build");
        for (i, action) in actions.iter().enumerate() {
            let r = step(&mut card, action);
            prop_assert!(r.is_ok(), "step {} {:?}: {:?}", i, action, r);
            let r = r.unwrap_or_default();
            prop_assert_eq!(
                records(&mem),
                card.snapshot(),
                "step {} {:?} answered {} but left uncommitted changes",
                i,
                action,
                apdu::hex::encode(&r)
            );
        }
        let copy = mem.borrow().clone();
        let reopened = Card::open(&NoApps, Box::new(SeededPlatform::new(seed)), Box::new(copy))
            .expect("reopen from MemStore");
        prop_assert_eq!(reopened.snapshot(), card.snapshot());
    }

    /// SqliteStore: after the sequence, the state file reopened by a new card holds
    /// exactly the state of the card that wrote it.
    #[test]
    fn sqlite_state_reopens_equal(seed in any::<u64>(), actions in sequence()) {
        let db = TempDb::new();
        let store = SqliteStore::open(db.path()).expect("open the state file");
        let mut card = build(seed, Box::new(store));
        for (i, action) in actions.iter().enumerate() {
            let r = step(&mut card, action);
            prop_assert!(r.is_ok(), "step {} {:?}: {:?}", i, action, r);
        }
        let expected = card.snapshot();
        drop(card); // closes the file (the store holds an exclusive lock)
        let mut raw = SqliteStore::open(db.path()).expect("reopen the state file");
        prop_assert_eq!(raw.load().expect("load"), expected.clone(), "records in the file");
        drop(raw);
        let store = SqliteStore::open(db.path()).expect("reopen the state file");
        let reopened = Card::open(&NoApps, Box::new(SeededPlatform::new(seed)), Box::new(store))
            .expect("reopen the card");
        prop_assert_eq!(reopened.snapshot(), expected);
    }
}

/// A fixed sequence touching every persistent kind of change (file content, life
/// cycle, PIN counters, PIN enable state and value), checked like the properties: a
/// smoke test that runs even with `PROPTEST_CASES=0`.
#[test]
fn fixed_sequence_persists() {
    let steps = [
        "00 20 00 0A 08 3838383838383838",                  // VERIFY ADM1
        "00 A4 08 0C 02 2F05",                              // SELECT EF.PL
        "00 D6 00 00 02 6465",                              // UPDATE BINARY "de"
        "00 04 00 00",                                      // DEACTIVATE FILE
        "00 20 00 01 08 39393939FFFFFFFF",                  // wrong PIN1: 63C2
        "00 28 00 11 08 30303030FFFFFFFF",                  // ENABLE universal PIN
        "00 24 00 01 10 31323334FFFFFFFF 34333231FFFFFFFF", // CHANGE PIN1
        "00 26 11 01 08 34333231FFFFFFFF", // DISABLE PIN1, universal PIN replaces it
    ];
    let mem = Rc::new(RefCell::new(MemStore::new()));
    let mut card = build(3, Box::new(SharedMem(Rc::clone(&mem))));
    let db = TempDb::new();
    let mut sq = build(
        3,
        Box::new(SqliteStore::open(db.path()).expect("open the state file")),
    );
    for h in steps {
        let a = apdu::hex::decode(h).expect("hex");
        let r = card.transmit(&a);
        assert!(r.len() >= 2);
        assert_eq!(sq.transmit(&a), r, "{h}");
        assert_eq!(records(&mem), card.snapshot(), "after {h}");
    }
    assert_eq!(card.pin(0x01).map(|p| p.enabled), Some(false));
    let expected = sq.snapshot();
    assert_eq!(expected, card.snapshot());
    drop(sq);
    let store = SqliteStore::open(db.path()).expect("reopen the state file");
    let reopened =
        Card::open(&NoApps, Box::new(SeededPlatform::new(3)), Box::new(store)).expect("reopen");
    assert_eq!(reopened.snapshot(), expected);
}
