//! Access-control matrix of the default profile: every (file, operation, credential
//! state) combination, each on a FRESH card, driven only through real APDUs (with a
//! PC/SC-like T=0 client that follows `61xx` and `6Cxx`), compared with verdicts
//! computed here, independently of `card_os::access`. A second matrix runs a variant of
//! the default profile whose files use the EF.ARR records the default profile leaves
//! unused (2, 4, 5, 7), so that refused reads and the local PIN2 are exercised too.
//!
//! Sources of the expectations (nothing below is derived from running card-os):
//! - The rules of EF.ARR records 1–7 are transcribed by hand from the comment block above
//!   EF.ARR in `card-os/src/profile/default.toml` ("rec 1: READ always; UPDATE, ACTIVATE,
//!   DEACTIVATE: ADM1", …) into [`ARR`]. The test `arr_records_say_what_the_profile_documents`
//!   cross-checks that table against the record bytes the card returns, decoded by a
//!   ten-line parser of the only shapes used there: AM DO `80 01 AM` (ISO/IEC 7816-4:2005
//!   §9.3.4 expanded format; AM byte for EFs §9.3.1 Table 16: b1 READ/SEARCH, b2 UPDATE,
//!   b4 DEACTIVATE FILE, b5 ACTIVATE FILE), followed by one SC DO `90 00` (always),
//!   `97 00` (never) or `A4 06 83 01 <key> 95 01 08` (user authentication with key
//!   reference `<key>`, ETSI TS 102 221 §9.2 and clause 9 Table 9.3 for key references).
//! - Each file's `arr_record`, type and place are transcribed by hand from the
//!   `[[file]]` entries of `default.toml` into [`FILES`]; [`VARIANT_FILES`] records the
//!   changes the variant makes (see [`Case::variant`]).
//! - Credential states use the PIN values of `default.toml`: PIN1 "1234" (key reference
//!   `01`, 3 tries), PIN2 "5678" (local key reference `81`), universal PIN "0000"
//!   (`11`, disabled at issue), ADM1 "88888888" (`0A`, 10 tries). A disabled PIN needs
//!   no verification, so conditions on it are met; a PIN disabled with the universal PIN
//!   as replacement (DISABLE PIN P1 = `11`, TS 102 221 §11.1.11) is met by verifying the
//!   universal PIN (TS 102 221 clause 9, universal PIN).
//! - Status words, TS 102 221 §10.2.1: `9000` normal ending; `6982` security status not
//!   satisfied; `6283` selected file invalidated (deactivated); `6986` command not
//!   allowed, no EF selected; `6981` command incompatible with file structure; `63CX`
//!   verification failed, X retries left; `6A88` referenced data not found.
//! - Commands, TS 102 221 §11.1: SELECT (§11.1.1, P1 `08` path from MF), READ BINARY
//!   (§11.1.3), UPDATE BINARY (§11.1.4), READ RECORD (§11.1.5), UPDATE RECORD
//!   (§11.1.6), SEARCH RECORD (§11.1.7), INCREASE (§11.1.8, cyclic files only),
//!   VERIFY/DISABLE/ENABLE PIN (§11.1.9, §11.1.11, §11.1.12), DEACTIVATE FILE and
//!   ACTIVATE FILE (§11.1.14, §11.1.15: they act on an EF, P1 `00` selecting by FID
//!   or `08`/`09` by path; with no data field, the current EF).

use std::fmt::Write as _;

use card_os::fs::{Body, Lcsi, NodeId, Security};
use card_os::platform::SeededPlatform;
use card_os::profile::{NoApps, Profile};
use card_os::store::MemStore;
use card_os::Card;

// ---------------------------------------------------------------------------------
// The independent model.

const PIN1: u8 = 0x01;
const PIN2: u8 = 0x81;
const ADM1: u8 = 0x0A;
const UPIN: u8 = 0x11;

/// A security condition of one access rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cond {
    Always,
    Never,
    Key(u8),
}
use Cond::{Always, Key, Never};

/// One EF.ARR record: the condition for READ (and SEARCH), UPDATE, and the life cycle
/// commands ACTIVATE/DEACTIVATE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rule {
    read: Cond,
    update: Cond,
    lifecycle: Cond,
}

/// EF.ARR records 1..=7 as the comment in default.toml documents them.
const ARR: [Rule; 7] = [
    // rec 1: READ always; UPDATE, ACTIVATE, DEACTIVATE: ADM1
    Rule {
        read: Always,
        update: Key(ADM1),
        lifecycle: Key(ADM1),
    },
    // rec 2: READ, UPDATE: PIN1; ACTIVATE, DEACTIVATE: ADM1
    Rule {
        read: Key(PIN1),
        update: Key(PIN1),
        lifecycle: Key(ADM1),
    },
    // rec 3: READ always; UPDATE: PIN1; ACTIVATE, DEACTIVATE: ADM1
    Rule {
        read: Always,
        update: Key(PIN1),
        lifecycle: Key(ADM1),
    },
    // rec 4: READ: PIN1; UPDATE, ACTIVATE, DEACTIVATE: ADM1
    Rule {
        read: Key(PIN1),
        update: Key(ADM1),
        lifecycle: Key(ADM1),
    },
    // rec 5: READ, UPDATE: ADM1; ACTIVATE, DEACTIVATE: ADM1
    Rule {
        read: Key(ADM1),
        update: Key(ADM1),
        lifecycle: Key(ADM1),
    },
    // rec 6: READ always; UPDATE never; ACTIVATE, DEACTIVATE: ADM1
    Rule {
        read: Always,
        update: Never,
        lifecycle: Key(ADM1),
    },
    // rec 7: READ, UPDATE: PIN2 (81); ACTIVATE, DEACTIVATE: ADM1
    Rule {
        read: Key(PIN2),
        update: Key(PIN2),
        lifecycle: Key(ADM1),
    },
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Df,
    Transparent,
    LinearFixed,
}

/// One file of the default profile, as default.toml declares it.
struct FileRow {
    /// FIDs below the MF (empty for the MF itself).
    path: &'static [u16],
    name: &'static str,
    kind: Kind,
    arr_record: u8,
}

const FILES: &[FileRow] = &[
    FileRow {
        path: &[],
        name: "MF",
        kind: Kind::Df,
        arr_record: 1,
    },
    FileRow {
        path: &[0x2F06],
        name: "EF.ARR",
        kind: Kind::LinearFixed,
        arr_record: 1,
    },
    FileRow {
        path: &[0x2FE2],
        name: "EF.ICCID",
        kind: Kind::Transparent,
        arr_record: 6,
    },
    FileRow {
        path: &[0x2F00],
        name: "EF.DIR",
        kind: Kind::LinearFixed,
        arr_record: 1,
    },
    FileRow {
        path: &[0x2F05],
        name: "EF.PL",
        kind: Kind::Transparent,
        arr_record: 3,
    },
    FileRow {
        path: &[0x2F08],
        name: "EF.UMPC",
        kind: Kind::Transparent,
        arr_record: 1,
    },
    FileRow {
        path: &[0x7F10],
        name: "DF.TELECOM",
        kind: Kind::Df,
        arr_record: 1,
    },
    FileRow {
        path: &[0x7F10, 0x6F42],
        name: "EF.SMSP",
        kind: Kind::LinearFixed,
        arr_record: 3,
    },
];

/// The default profile with other records chosen, so that the rules the default
/// profile never uses are exercised too: EF.PL → rec 2 (READ/UPDATE PIN1), EF.UMPC →
/// rec 4 (READ PIN1), EF.DIR → rec 5 (everything ADM1), EF.SMSP → rec 7 (PIN2), with
/// PIN2 (local key reference 81) added to the PIN status template of DF.TELECOM.
const VARIANT_FILES: &[FileRow] = &[
    FileRow {
        path: &[],
        name: "MF",
        kind: Kind::Df,
        arr_record: 1,
    },
    FileRow {
        path: &[0x2F06],
        name: "EF.ARR",
        kind: Kind::LinearFixed,
        arr_record: 1,
    },
    FileRow {
        path: &[0x2FE2],
        name: "EF.ICCID",
        kind: Kind::Transparent,
        arr_record: 6,
    },
    FileRow {
        path: &[0x2F00],
        name: "EF.DIR",
        kind: Kind::LinearFixed,
        arr_record: 5,
    },
    FileRow {
        path: &[0x2F05],
        name: "EF.PL",
        kind: Kind::Transparent,
        arr_record: 2,
    },
    FileRow {
        path: &[0x2F08],
        name: "EF.UMPC",
        kind: Kind::Transparent,
        arr_record: 4,
    },
    FileRow {
        path: &[0x7F10],
        name: "DF.TELECOM",
        kind: Kind::Df,
        arr_record: 1,
    },
    FileRow {
        path: &[0x7F10, 0x6F42],
        name: "EF.SMSP",
        kind: Kind::LinearFixed,
        arr_record: 7,
    },
];

/// A profile under test: its TOML text, its file table, and whether PIN2 (`81`) is in
/// the PIN status template of DF.TELECOM.
struct Case {
    text: String,
    files: &'static [FileRow],
    pin2_listed: bool,
}

impl Case {
    fn default_profile() -> Case {
        Case {
            text: card_os::DEFAULT_PROFILE.to_string(),
            files: FILES,
            pin2_listed: false,
        }
    }

    fn variant() -> Case {
        let mut text = card_os::DEFAULT_PROFILE.to_string();
        for (from, to) in [
            (
                "content = \"656E FFFF FFFF FFFF FFFF\"\narr = \"2F06\"\narr_record = 3",
                "content = \"656E FFFF FFFF FFFF FFFF\"\narr = \"2F06\"\narr_record = 2",
            ),
            (
                "content = \"3C 05 02 00 00\"\narr = \"2F06\"\narr_record = 1",
                "content = \"3C 05 02 00 00\"\narr = \"2F06\"\narr_record = 4",
            ),
            (
                "records = 4\narr = \"2F06\"\narr_record = 1",
                "records = 4\narr = \"2F06\"\narr_record = 5",
            ),
            (
                "records = 2\narr = \"2F06\"\narr_record = 3",
                "records = 2\narr = \"2F06\"\narr_record = 7",
            ),
            (
                "pins = [\"PIN1\", \"ADM1\"]",
                "pins = [\"PIN1\", \"PIN2-LOCAL1\", \"ADM1\"]",
            ),
        ] {
            assert_eq!(text.matches(from).count(), 1, "test setup: `{from}`");
            text = text.replacen(from, to, 1);
        }
        Case {
            text,
            files: VARIANT_FILES,
            pin2_listed: true,
        }
    }

    fn fresh_card(&self) -> Card {
        Profile::parse(&self.text)
            .and_then(|p| {
                p.build(
                    &NoApps,
                    Box::new(SeededPlatform::new(1)),
                    Box::<MemStore>::default(),
                )
            })
            .expect("the profile builds")
    }
}

impl FileRow {
    fn rule(&self) -> Rule {
        ARR[usize::from(self.arr_record) - 1]
    }

    fn label(&self) -> String {
        let p: Vec<String> = self.path.iter().map(|f| format!("{f:04X}")).collect();
        format!("{:<10} {:<9}", self.name, format!("/{}", p.join("/")))
    }

    fn ops(&self) -> &'static [Op] {
        match self.kind {
            Kind::Df => &[Op::Select, Op::Deactivate, Op::Activate],
            Kind::Transparent => &[
                Op::Select,
                Op::Read,
                Op::Update,
                Op::Increase,
                Op::Deactivate,
                Op::Activate,
            ],
            Kind::LinearFixed => &[
                Op::Select,
                Op::Read,
                Op::Update,
                Op::Search,
                Op::Increase,
                Op::Deactivate,
                Op::Activate,
            ],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Select,
    Read,
    Update,
    Search,
    Increase,
    Deactivate,
    Activate,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Select => "SELECT",
            Op::Read => "READ",
            Op::Update => "UPDATE",
            Op::Search => "SEARCH",
            Op::Increase => "INCREASE",
            Op::Deactivate => "DEACTIVATE",
            Op::Activate => "ACTIVATE",
        }
    }
}

/// A credential state, reached through real APDUs from a fresh card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cred {
    None,
    Pin1,
    Pin2,
    Adm1,
    Pin1Disabled,
    /// PIN1 disabled with the universal PIN as replacement; universal PIN not verified.
    UpinReplaces,
    /// The same, with the universal PIN verified.
    UpinReplacesVerified,
    WrongPin1,
    WrongAdm1,
}

const CREDS: [Cred; 9] = [
    Cred::None,
    Cred::Pin1,
    Cred::Pin2,
    Cred::Adm1,
    Cred::Pin1Disabled,
    Cred::UpinReplaces,
    Cred::UpinReplacesVerified,
    Cred::WrongPin1,
    Cred::WrongAdm1,
];

/// One setup step: an APDU (hex) with the status word it must get, or a card reset.
enum Step {
    Apdu(&'static str, u16),
    Reset,
}

// VERIFY / DISABLE / ENABLE PIN, TS 102 221 §11.1.9/§11.1.11/§11.1.12: P2 = key
// reference, data = the PIN as ASCII digits padded with FF to 8 bytes.
const VERIFY_PIN1: &str = "00 20 00 01 08 31323334FFFFFFFF";
const VERIFY_ADM1: &str = "00 20 00 0A 08 3838383838383838";
const VERIFY_UPIN: &str = "00 20 00 11 08 30303030FFFFFFFF";
const ENABLE_UPIN: &str = "00 28 00 11 08 30303030FFFFFFFF";
const DISABLE_PIN1_WITH_UPIN: &str = "00 26 11 01 08 31323334FFFFFFFF";

impl Cred {
    fn name(self) -> &'static str {
        match self {
            Cred::None => "none",
            Cred::Pin1 => "PIN1",
            Cred::Pin2 => "PIN2",
            Cred::Adm1 => "ADM1",
            Cred::Pin1Disabled => "PIN1-off",
            Cred::UpinReplaces => "UPIN-rep",
            Cred::UpinReplacesVerified => "UPIN-rep+v",
            Cred::WrongPin1 => "bad-PIN1",
            Cred::WrongAdm1 => "bad-ADM1",
        }
    }

    fn setup(self, pin2_listed: bool) -> Vec<Step> {
        match self {
            Cred::None => vec![],
            Cred::Pin1 => vec![Step::Apdu(VERIFY_PIN1, 0x9000)],
            // PIN2 is the local key reference 81 (TS 102 221 Table 9.3), verified in
            // DF.TELECOM. The default profile lists it in no PIN status template (MF:
            // 01, 11, 0A; DF.TELECOM: 01, 0A), so there it cannot be verified: 6A88.
            Cred::Pin2 => vec![
                Step::Apdu("00 A4 08 0C 02 7F10", 0x9000),
                Step::Apdu(
                    "00 20 00 81 08 35363738FFFFFFFF",
                    if pin2_listed { 0x9000 } else { 0x6A88 },
                ),
            ],
            Cred::Adm1 => vec![Step::Apdu(VERIFY_ADM1, 0x9000)],
            Cred::Pin1Disabled => vec![Step::Apdu("00 26 00 01 08 31323334FFFFFFFF", 0x9000)],
            Cred::UpinReplaces => vec![
                Step::Apdu(ENABLE_UPIN, 0x9000),
                Step::Apdu(DISABLE_PIN1_WITH_UPIN, 0x9000),
                Step::Reset,
            ],
            Cred::UpinReplacesVerified => vec![
                Step::Apdu(ENABLE_UPIN, 0x9000),
                Step::Apdu(DISABLE_PIN1_WITH_UPIN, 0x9000),
                Step::Reset,
                Step::Apdu(VERIFY_UPIN, 0x9000),
            ],
            // A wrong PIN1: 63C2 (3 tries, one used); a wrong ADM1: 63C9 (10 tries).
            Cred::WrongPin1 => vec![Step::Apdu("00 20 00 01 08 39393939FFFFFFFF", 0x63C2)],
            Cred::WrongAdm1 => vec![Step::Apdu("00 20 00 0A 08 3030303030303030", 0x63C9)],
        }
    }

    /// The key references whose conditions are met in this state.
    fn keys(self, pin2_listed: bool) -> &'static [u8] {
        match self {
            Cred::Pin2 if pin2_listed => &[PIN2],
            Cred::Pin1 | Cred::Pin1Disabled => &[PIN1],
            Cred::Adm1 => &[ADM1],
            Cred::UpinReplacesVerified => &[PIN1, UPIN],
            Cred::None | Cred::Pin2 | Cred::UpinReplaces | Cred::WrongPin1 | Cred::WrongAdm1 => &[],
        }
    }

    fn grants(self, cond: Cond, pin2_listed: bool) -> bool {
        match cond {
            Always => true,
            Never => false,
            Key(k) => self.keys(pin2_listed).contains(&k),
        }
    }
}

/// The expected status word of `op` on `file` in state `cred`, and whether access is
/// granted (for the after-checks).
fn expected(case: &Case, file: &FileRow, op: Op, cred: Cred) -> (u16, bool) {
    let rule = file.rule();
    let verdict = |c: Cond| {
        if cred.grants(c, case.pin2_listed) {
            (0x9000, true)
        } else {
            (0x6982, false)
        }
    };
    match (file.kind, op) {
        // SELECT has no access condition (TS 102 221 §11.1.1).
        (_, Op::Select) => (0x9000, true),
        // DEACTIVATE/ACTIVATE FILE without data act on the current EF; after selecting
        // a DF there is none.
        (Kind::Df, _) => (0x6986, false),
        (_, Op::Read | Op::Search) => verdict(rule.read),
        (_, Op::Update) => verdict(rule.update),
        // No file of the default profile is cyclic: INCREASE is refused for the
        // structure whatever the credentials.
        (_, Op::Increase) => (0x6981, false),
        (_, Op::Deactivate | Op::Activate) => verdict(rule.lifecycle),
    }
}

// ---------------------------------------------------------------------------------
// Driving the card.

fn fresh_card() -> Card {
    Case::default_profile().fresh_card()
}

fn hex(s: &str) -> Vec<u8> {
    apdu::hex::decode(s).expect("test APDU hex")
}

/// Sends an APDU the way a PC/SC client talks to a T=0 card: `61xx` is followed by
/// GET RESPONSE, `6Cxx` by the same command with P3 = xx (TS 102 221 §7.3.1).
fn send(card: &mut Card, apdu: &[u8]) -> (Vec<u8>, u16) {
    let mut data = Vec::new();
    let mut resp = card.transmit(apdu);
    for _ in 0..8 {
        assert!(
            resp.len() >= 2,
            "response shorter than SW1 SW2: {resp:02X?}"
        );
        let (body, sw) = resp.split_at(resp.len() - 2);
        let (sw1, sw2) = (sw[0], sw[1]);
        match sw1 {
            0x61 => {
                data.extend_from_slice(body);
                resp = card.transmit(&[0x00, 0xC0, 0x00, 0x00, sw2]);
            }
            0x6C => {
                let mut again = apdu.to_vec();
                again[4] = sw2;
                resp = card.transmit(&again);
            }
            _ => {
                data.extend_from_slice(body);
                return (data, u16::from_be_bytes([sw1, sw2]));
            }
        }
    }
    panic!("no final status word after 8 exchanges for {apdu:02X?}");
}

fn select_apdu(path: &[u16]) -> Vec<u8> {
    if path.is_empty() {
        return vec![0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00];
    }
    let mut a = vec![0x00, 0xA4, 0x08, 0x0C, (path.len() * 2) as u8];
    for fid in path {
        a.extend_from_slice(&fid.to_be_bytes());
    }
    a
}

fn node(card: &Card, path: &[u16]) -> NodeId {
    let mut full = vec![0x3F00];
    full.extend_from_slice(path);
    let fs = card.fs();
    fs.iter()
        .map(|(id, _)| id)
        .find(|&id| fs.path(id) == full && fs.root_of(id) == fs.mf().unwrap_or(usize::MAX))
        .unwrap_or_else(|| panic!("no file at {full:04X?}"))
}

fn body(card: &Card, id: NodeId) -> Body {
    card.fs().get(id).expect("file").body.clone()
}

fn lcsi(card: &Card, id: NodeId) -> Lcsi {
    card.fs().get(id).expect("file").lcsi
}

/// Runs the setup steps; returns a description of every unexpected status word.
fn run_steps(card: &mut Card, steps: &[Step], problems: &mut Vec<String>) {
    for step in steps {
        match step {
            Step::Reset => {
                card.reset();
            }
            Step::Apdu(h, want) => {
                let (_, sw) = send(card, &hex(h));
                if sw != *want {
                    problems.push(format!("setup {h}: {sw:04X}, expected {want:04X}"));
                }
            }
        }
    }
}

/// One cell of the matrix: runs `op` on `file` in state `cred` on a fresh card.
/// Returns the status word of the operation and any problem found on the way.
fn run_cell(case: &Case, file: &FileRow, op: Op, cred: Cred) -> (u16, Vec<String>) {
    let mut card = case.fresh_card();
    let mut problems = Vec::new();
    let id = node(&card, file.path);
    let is_ef = file.kind != Kind::Df;

    // ACTIVATE is tried on a deactivated EF: deactivate it first as ADM1, then power
    // cycle so that the security status starts empty again.
    let pre_deactivated = op == Op::Activate && is_ef;
    if pre_deactivated {
        let mut pre = vec![VERIFY_ADM1.to_string()];
        pre.push(apdu::hex::encode(&select_apdu(file.path)));
        for h in pre {
            let (_, sw) = send(&mut card, &hex(&h));
            if sw != 0x9000 {
                problems.push(format!("precondition {h}: {sw:04X}"));
            }
        }
        let (_, sw) = send(&mut card, &[0x00, 0x04, 0x00, 0x00]);
        if sw != 0x9000 || lcsi(&card, id) != Lcsi::Deactivated {
            problems.push(format!("precondition DEACTIVATE as ADM1: {sw:04X}"));
        }
        card.reset();
    }

    run_steps(&mut card, &cred.setup(case.pin2_listed), &mut problems);

    let (_, sel) = send(&mut card, &select_apdu(file.path));
    let want_sel = if pre_deactivated { 0x6283 } else { 0x9000 };
    if op != Op::Select && sel != want_sel {
        problems.push(format!("SELECT: {sel:04X}, expected {want_sel:04X}"));
    }

    let before = body(&card, id);
    let (want_sw, granted) = expected(case, file, op, cred);
    let (data, sw) = match (op, &before) {
        (Op::Select, _) => (Vec::new(), sel),
        (Op::Read, Body::Transparent(c)) => send(&mut card, &[0x00, 0xB0, 0, 0, c.len() as u8]),
        (Op::Read, Body::Records(r)) => send(&mut card, &[0x00, 0xB2, 1, 0x04, r.record_len]),
        (Op::Update, Body::Transparent(c)) => {
            let mut a = vec![0x00, 0xD6, 0, 0, c.len() as u8];
            a.extend(std::iter::repeat_n(0xA5, c.len()));
            send(&mut card, &a)
        }
        (Op::Update, Body::Records(r)) => {
            let mut a = vec![0x00, 0xDC, 1, 0x04, r.record_len];
            a.extend(std::iter::repeat_n(0x5A, usize::from(r.record_len)));
            send(&mut card, &a)
        }
        (Op::Search, Body::Records(r)) => {
            // Forward from record 1 for the first byte of record 1: at least one hit.
            let first = r.records.first().and_then(|x| x.first()).copied();
            send(&mut card, &[0x00, 0xA2, 1, 0x04, 1, first.unwrap_or(0xFF)])
        }
        (Op::Increase, _) => send(&mut card, &hex("80 32 00 00 01 01")),
        (Op::Deactivate, _) => send(&mut card, &[0x00, 0x04, 0x00, 0x00]),
        (Op::Activate, _) => send(&mut card, &[0x00, 0x44, 0x00, 0x00]),
        (op, _) => panic!("{op:?} is not defined for {}", file.name),
    };

    // After-checks: the data and the state must agree with the verdict.
    let after = body(&card, id);
    match op {
        Op::Read if sw == 0x9000 => {
            let want = match &before {
                Body::Transparent(c) => c.clone(),
                Body::Records(r) => r.records.first().cloned().unwrap_or_default(),
                _ => Vec::new(),
            };
            if data != want {
                problems.push(format!("READ returned {data:02X?}, file holds {want:02X?}"));
            }
        }
        Op::Search if sw == 0x9000 && data.first() != Some(&1) => {
            problems.push(format!("SEARCH found {data:02X?}, record 1 matches"));
        }
        Op::Update if granted == (after == before) => {
            problems.push(format!(
                "UPDATE {} the content",
                if granted { "did not change" } else { "changed" }
            ));
        }
        Op::Deactivate if is_ef => {
            let state = lcsi(&card, id);
            if granted {
                if state != Lcsi::Deactivated {
                    problems.push(format!("after DEACTIVATE the file is {state:?}"));
                }
                check_deactivated_answers(&mut card, file, &mut problems);
            } else if state != Lcsi::Activated {
                problems.push(format!("refused DEACTIVATE left the file {state:?}"));
            }
        }
        Op::Activate if is_ef => {
            let state = lcsi(&card, id);
            let want = if granted {
                Lcsi::Activated
            } else {
                Lcsi::Deactivated
            };
            if state != want {
                problems.push(format!(
                    "after ACTIVATE the file is {state:?}, want {want:?}"
                ));
            }
        }
        _ => {}
    }
    if op != Op::Update && after != before {
        problems.push(format!("{} changed the file content", op.name()));
    }
    if sw != want_sw {
        problems.insert(0, format!("SW {sw:04X}, expected {want_sw:04X}"));
    }
    (sw, problems)
}

/// A deactivated EF answers `6283` ("selected file invalidated", a warning of TS 102 221
/// §10.2.1.3) to SELECT and READ; TS 102 221 §11.1.14 leaves a deactivated file usable
/// only by SELECT and ACTIVATE FILE.
fn check_deactivated_answers(card: &mut Card, file: &FileRow, problems: &mut Vec<String>) {
    let read = match file.kind {
        Kind::Transparent => vec![0x00, 0xB0, 0, 0, 1],
        _ => vec![0x00, 0xB2, 1, 0x04, 0],
    };
    let (_, sw) = send(card, &read);
    if sw != 0x6283 {
        problems.push(format!("READ of the deactivated file: {sw:04X}, want 6283"));
    }
    let (_, sw) = send(card, &select_apdu(file.path));
    if sw != 0x6283 {
        problems.push(format!(
            "SELECT of the deactivated file: {sw:04X}, want 6283"
        ));
    }
}

// ---------------------------------------------------------------------------------
// Tests.

/// The file table of each case covers exactly the files of the built card, with the
/// declared type and EF.ARR record, and DF.TELECOM lists PIN2 only in the variant.
#[test]
fn file_tables_match_the_profiles() {
    for case in [Case::default_profile(), Case::variant()] {
        check_file_table(&case);
    }
}

fn check_file_table(case: &Case) {
    let card = case.fresh_card();
    let fs = card.fs();
    let mf = fs.mf().expect("MF");
    let mut seen = 0;
    for (id, f) in fs.iter() {
        if fs.root_of(id) != mf {
            continue; // ADFs: none in the default profile without applications
        }
        let path: Vec<u16> = fs.path(id).into_iter().skip(1).collect();
        let row = case
            .files
            .iter()
            .find(|r| r.path == path.as_slice())
            .unwrap_or_else(|| panic!("{} ({path:04X?}) is not in the matrix", f.name));
        seen += 1;
        let kind = match &f.body {
            Body::Df { .. } => Kind::Df,
            Body::Transparent(_) => Kind::Transparent,
            Body::Records(r) if r.kind == card_os::fs::RecordKind::LinearFixed => Kind::LinearFixed,
            other => panic!("{}: structure {other:?} not in the matrix", f.name),
        };
        assert_eq!(kind, row.kind, "{}", row.name);
        assert_eq!(
            f.security,
            Security::Arr {
                arr_fid: 0x2F06,
                records: vec![(None, row.arr_record)]
            },
            "{}",
            row.name
        );
        if row.path == [0x7F10] {
            assert_eq!(f.pin_refs().contains(&PIN2), case.pin2_listed);
        }
    }
    assert_eq!(seen, case.files.len(), "a file of the table is missing");
}

/// The bytes of EF.ARR records 1–7, read with READ RECORD, say what the comment in
/// default.toml (transcribed in [`ARR`]) says.
#[test]
fn arr_records_say_what_the_profile_documents() {
    let mut card = fresh_card();
    let (_, sw) = send(&mut card, &hex("00 A4 00 0C 02 2F06"));
    assert_eq!(sw, 0x9000);
    for (i, want) in ARR.iter().enumerate() {
        let (rec, sw) = send(&mut card, &[0x00, 0xB2, (i + 1) as u8, 0x04, 40]);
        assert_eq!(sw, 0x9000, "READ RECORD {}", i + 1);
        assert_eq!(decode_rule(&rec), Some(*want), "EF.ARR record {}", i + 1);
    }
}

/// A minimal parser for the record shapes of default.toml (see the module comment).
fn decode_rule(rec: &[u8]) -> Option<Rule> {
    let mut conds: [Option<Cond>; 8] = [None; 8];
    let mut am = None;
    let mut rest = rec;
    while let [tag, len, tail @ ..] = rest {
        if *tag == 0xFF {
            break;
        }
        let (value, next) = tail.split_at(usize::from(*len));
        rest = next;
        let cond = match (*tag, value) {
            (0x80, [m]) => {
                am = Some(*m);
                continue;
            }
            (0x90, []) => Always,
            (0x97, []) => Never,
            (0xA4, [0x83, 0x01, k, 0x95, 0x01, 0x08]) => Key(*k),
            _ => return None,
        };
        let m = am.take()?;
        for (bit, slot) in conds.iter_mut().enumerate() {
            if m & (1 << bit) != 0 {
                *slot = Some(cond);
            }
        }
    }
    // b1 READ, b2 UPDATE, b4 DEACTIVATE, b5 ACTIVATE (ISO/IEC 7816-4, AM byte for EFs).
    let (read, update, deact, act) = (conds[0], conds[1], conds[3], conds[4]);
    if deact != act {
        return None;
    }
    Some(Rule {
        read: read.unwrap_or(Never),
        update: update.unwrap_or(Never),
        lifecycle: act.unwrap_or(Never),
    })
}

/// The matrix of the default profile.
#[test]
fn access_matrix() {
    run_matrix(&Case::default_profile());
}

/// The matrix of the variant profile (rules 2, 4, 5 and 7, PIN2 in DF.TELECOM).
#[test]
fn access_matrix_variant() {
    run_matrix(&Case::variant());
}

fn run_matrix(case: &Case) {
    let mut table = String::new();
    let mut failures = Vec::new();
    let mut cells = 0;
    let _ = write!(table, "{:<21} {:<10}", "file", "op");
    for c in CREDS {
        let _ = write!(table, " {:>10}", c.name());
    }
    table.push('\n');
    for file in case.files {
        for &op in file.ops() {
            let _ = write!(table, "{} {:<10}", file.label(), op.name());
            for cred in CREDS {
                let (sw, problems) = run_cell(case, file, op, cred);
                cells += 1;
                let (want, _) = expected(case, file, op, cred);
                let mark = if problems.is_empty() { ' ' } else { '!' };
                let cell = if sw == want {
                    format!("{mark}{sw:04X}")
                } else {
                    format!("{mark}{sw:04X}/{want:04X}")
                };
                let _ = write!(table, " {cell:>10}");
                if !problems.is_empty() {
                    failures.push(format!(
                        "{} {} [{}]: {}",
                        file.name,
                        op.name(),
                        cred.name(),
                        problems.join("; ")
                    ));
                }
            }
            table.push('\n');
        }
    }
    println!("{table}");
    println!("{cells} cells; `!` marks a cell with a problem, `actual/expected` a wrong SW");
    assert!(
        failures.is_empty(),
        "access matrix:\n{table}\n{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A wrong PIN or ADM key grants nothing beyond what needs no credential, and does not
/// end up in the security status even after several tries.
#[test]
fn wrong_codes_grant_nothing() {
    let wrong: [(&str, u16); 4] = [
        ("00 20 00 01 08 39393939FFFFFFFF", 0x63C2),
        ("00 20 00 01 08 31323335FFFFFFFF", 0x63C1),
        ("00 20 00 0A 08 3838383838383839", 0x63C9),
        ("00 20 00 0A 08 38383838FFFFFFFF", 0x63C8),
    ];
    let mut card = fresh_card();
    for (h, want) in wrong {
        assert_eq!(send(&mut card, &hex(h)).1, want, "{h}");
    }
    // EF.PL (rec 3: UPDATE PIN1) and EF.UMPC (rec 1: UPDATE ADM1) stay closed.
    for (path, len) in [([0x2F05u16], 10u8), ([0x2F08], 5)] {
        assert_eq!(send(&mut card, &select_apdu(&path)).1, 0x9000);
        let mut upd = vec![0x00, 0xD6, 0, 0, len];
        upd.extend(std::iter::repeat_n(0, usize::from(len)));
        assert_eq!(send(&mut card, &upd).1, 0x6982, "{path:04X?}");
        assert_eq!(send(&mut card, &[0x00, 0x04, 0, 0]).1, 0x6982);
    }
}

/// After DEACTIVATE FILE (as ADM1), every EF answers its life cycle status `6283` to
/// SELECT, READ and UPDATE, even for a terminal holding every credential, until ACTIVATE
/// FILE; afterwards it reads normally again.
#[test]
fn deactivated_files_answer_6283_until_activated() {
    for file in FILES.iter().filter(|f| f.kind != Kind::Df) {
        let mut card = fresh_card();
        assert_eq!(send(&mut card, &hex(VERIFY_ADM1)).1, 0x9000);
        assert_eq!(send(&mut card, &hex(VERIFY_PIN1)).1, 0x9000);
        assert_eq!(send(&mut card, &select_apdu(file.path)).1, 0x9000);
        assert_eq!(
            send(&mut card, &[0x00, 0x04, 0, 0]).1,
            0x9000,
            "{}",
            file.name
        );
        // A well-formed READ and UPDATE of the whole first record / first byte, so that
        // nothing but the life cycle can refuse them.
        let (read, update) = match body(&card, node(&card, file.path)) {
            Body::Transparent(_) => (vec![0x00, 0xB0, 0, 0, 1], vec![0x00, 0xD6, 0, 0, 1, 0xFF]),
            Body::Records(r) => {
                let mut upd = vec![0x00, 0xDC, 1, 0x04, r.record_len];
                upd.extend(std::iter::repeat_n(0xFF, usize::from(r.record_len)));
                (vec![0x00, 0xB2, 1, 0x04, r.record_len], upd)
            }
            other => panic!("{}: unexpected body {other:?}", file.name),
        };
        assert_eq!(send(&mut card, &read).1, 0x6283, "READ {}", file.name);
        assert_eq!(send(&mut card, &update).1, 0x6283, "UPDATE {}", file.name);
        assert_eq!(send(&mut card, &select_apdu(file.path)).1, 0x6283);
        assert_eq!(
            send(&mut card, &[0x00, 0x44, 0, 0]).1,
            0x9000,
            "{}",
            file.name
        );
        assert_eq!(send(&mut card, &select_apdu(file.path)).1, 0x9000);
        assert_eq!(send(&mut card, &read).1, 0x9000, "READ {} again", file.name);
    }
}
