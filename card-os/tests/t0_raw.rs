//! What the script tests (tests/scripts/*.apdu) cannot show: raw T=0 procedure status
//! words (`61xx`, `6Cxx`, `9Fxx`, `91xx`) that a PC/SC client resolves before a script
//! sees them, and behaviour that needs files the default profile does not have (cyclic
//! EFs, INCREASE, BER-TLV EFs, terminable files, a DF with a local PIN, an ADF-based
//! application).
//!
//! Every card here is the default profile plus extra `[[file]]`/`[[application]]`
//! entries. The exchanges are written in the APDU script format (`apdu::script`) and
//! run either raw (`CardTransport::resolve_t0 = false`: the R-APDU exactly as the T=0
//! card gives it) or resolved (as a PC/SC client sees it). Expectations cite ETSI TS
//! 102 221 V17, TS 102 222, TS 102 223, 3GPP TS 51.011 and ISO/IEC 7816-3/-4; none is
//! taken from this implementation's output.

use apdu::command::Command;
use apdu::response::Response;
use apdu::status::Sw;
use card_os::app::{AppContext, Application};
use card_os::platform::SeededPlatform;
use card_os::profile::{AppProvider, NoApps, Profile};
use card_os::store::MemStore;
use card_os::transport::CardTransport;
use card_os::{Card, DEFAULT_PROFILE};

/// Builds the default profile with `extra` TOML appended.
fn card_with(extra: &str, provider: &dyn AppProvider) -> Card {
    let text = format!("{DEFAULT_PROFILE}\n{extra}");
    let profile = Profile::parse(&text).unwrap_or_else(|e| panic!("profile: {e}"));
    profile
        .build(
            provider,
            Box::new(SeededPlatform::new(11)),
            Box::<MemStore>::default(),
        )
        .unwrap_or_else(|e| panic!("build: {e}"))
}

/// Runs a script against `card`; `raw` leaves T=0 procedure status words unresolved.
fn run(card: &mut Card, raw: bool, script: &str) {
    let parsed = apdu::script::parse(script).unwrap_or_else(|e| panic!("script: {e}"));
    let mut transport = CardTransport {
        card,
        resolve_t0: !raw,
    };
    if let Err(e) = apdu::script::run(&parsed, &mut transport, &mut |_| {}) {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------------------------
// Raw T=0 procedure status words (TS 102 221 §7.3.1.1; ISO/IEC 7816-3 §10.3.3).

#[test]
fn wrong_le_on_case_2_answers_6cxx_with_the_right_length() {
    let mut card = card_with("", &NoApps);
    run(
        &mut card,
        true,
        r"
        # READ RECORD of EF.ARR (records of 40 = 28 bytes) with Le = 10: a case 2 command
        # whose Le is not the available length answers 6C28 (TS 102 221 §7.3.1.1.5,
        # ISO/IEC 7816-3 §10.3.3); re-issued with P3 = 28 it returns the record.
        00A4 000C 02 2F06 -> 9000
        00B2 0104 10 -> 6C28
        00B2 0104 28 -> 8001 01 9000 .. 9000
        # READ BINARY of EF.PL (10 bytes) with Le = 00 (256): 6C0A.
        00A4 000C 02 2F05 -> 9000
        00B0 0000 00 -> 6C0A
        # STATUS (case 2) with Le = 01: 6CXX with the FCP length; then the FCP.
        80F2 0000 01 -> 6CXX
        ",
    );
}

#[test]
fn case_4_commands_answer_61xx_and_get_response_fetches_the_data() {
    let mut card = card_with("", &NoApps);
    run(
        &mut card,
        true,
        r"
        # SELECT with P2 = 04 (case 4) under T=0: 61XX, then GET RESPONSE with that length
        # (TS 102 221 §7.3.1.1.4, §12.1.1). The MF's FCP starts 62 L 82 02 78 21.
        00A4 0004 02 3F00 -> 61 **
        # SEARCH RECORD (case 4) with three matches: 61 03, then the record numbers.
        00A4 000C 02 2F06 -> 9000
        00A2 0104 05 8001019000 -> 61 03
        00C0 0000 03 -> 01 03 06 9000
        # Without a match there is no data: the warning 6282 comes at once.
        00A2 0104 02 ABCD -> 6282
        # GET RESPONSE with nothing to fetch (TS 102 221 §12.1.1): an error, technical
        # problem 6F00 or conditions of use not satisfied 6985.
        00C0 0000 05 -> 6F00 | 6985
        ",
    );
}

#[test]
fn gsm_class_uses_9fxx_and_67xx() {
    let mut card = card_with("", &NoApps);
    run(
        &mut card,
        true,
        r"
        # 3GPP TS 51.011 §9.2.1: SELECT answers 9FXX, XX = length of the response:
        # 15 (0F) for an EF, 22 (16) for a DF.
        A0A4 0000 02 7F10 -> 9F16
        A0C0 0000 16 -> 0000 **** 7F10 02 .. 9000
        A0A4 0000 02 6F42 -> 9F0F
        A0C0 0000 0F -> 0000 0050 6F42 04 .. 9000
        # READ RECORD with a P3 that is not the record length (40 = 28): TS 51.011 has no
        # 6CXX; 'incorrect parameter P3' is 67XX (§9.4.6).
        A0B2 0104 10 -> 67XX
        A0B2 0104 28 -> FFFF .. 9000
        ",
    );
}

// ---------------------------------------------------------------------------------
// Cyclic EFs and INCREASE (TS 102 221 §11.1.5-§11.1.8).

/// A cyclic EF (records of 3 bytes, record 1 = the most recent) that allows INCREASE,
/// readable and updatable always (AB: AM-DO 80 01 03, SC-DO 90 00 always,
/// TS 102 221 §9.2.4 expanded format), and a cyclic EF without INCREASE.
const CYCLIC: &str = r#"
[[file]]
path = "7F10/6F39"
name = "EF.ACM-like"
type = "cyclic"
sfi = 0x0A
record_len = 3
records = ["000005", "000003", "000001"]
increase = true
expanded = "8001 03 9000"

[[file]]
path = "7F10/6F4F"
name = "EF.CYCLIC"
type = "cyclic"
record_len = 2
records = ["0101", "0202", "0303"]
expanded = "8001 03 9000"
"#;

#[test]
fn cyclic_records_wrap_and_update_replaces_the_oldest() {
    let mut card = card_with(CYCLIC, &NoApps);
    run(
        &mut card,
        false,
        r"
        # FCP descriptor of a cyclic EF (§11.1.1.4.3, Table 11.5): 46 21 00 RL NR.
        00A4 0804 04 7F10 6F4F -> 62 ** 8205 4621 0002 03 8302 6F4F .. 9000
        # NEXT: 1, 2, 3, then wraps to 1 in a cyclic EF (§11.1.5.1).
        00B2 0002 02 -> 0101 9000
        00B2 0002 02 -> 0202 9000
        00B2 0002 02 -> 0303 9000
        00B2 0002 02 -> 0101 9000
        # PREVIOUS from record 1 wraps to the last (oldest) record.
        00B2 0003 02 -> 0303 9000
        # UPDATE RECORD of a cyclic EF is PREVIOUS mode only (§11.1.6.1): the oldest
        # record is overwritten and becomes record 1.
        00DC 0003 02 0404 -> 9000
        00B2 0104 02 -> 0404 9000
        00B2 0204 02 -> 0101 9000
        00B2 0304 02 -> 0202 9000
        # The record pointer is then on record 1: NEXT reads record 2.
        00B2 0002 02 -> 0101 9000
        # ABSOLUTE mode is not allowed for UPDATE RECORD on a cyclic EF.
        00DC 0104 02 0505 -> 6A86 | 6B00
        00B2 0104 02 -> 0404 9000
        ",
    );
}

#[test]
fn increase_adds_to_record_1_and_refuses_overflow() {
    let mut card = card_with(CYCLIC, &NoApps);
    run(
        &mut card,
        false,
        r"
        # INCREASE (§11.1.8): CLA 8X, INS 32, P1 = P2 = 00, data = value to add. The sum
        # of record 1 and the value is written to the oldest record, which becomes
        # record 1; the response is the new record value, then the value added.
        00A4 0804 04 7F10 6F39 -> 62 ** 8205 4621 0003 03 .. 9000
        8032 0000 03 000010 -> 000015 000010 9000
        00B2 0104 03 -> 000015 9000
        00B2 0204 03 -> 000005 9000
        00B2 0304 03 -> 000003 9000
        # A shorter value is right-aligned (added to the low-order bytes).
        8032 0000 01 01 -> 000016 01 9000
        00B2 0104 03 -> 000016 9000
        # Past the maximum value: 9850, and nothing changes (§10.2.1, application errors:
        # 'INCREASE cannot be performed, max value reached').
        8032 0000 03 FFFFF0 -> 9850
        00B2 0104 03 -> 000016 9000
        # INCREASE on a cyclic EF that does not allow it, and on a linear fixed EF:
        # command incompatible with file structure (6981).
        00A4 000C 02 6F4F -> 9000
        8032 0000 01 01 -> 6981
        00A4 080C 04 7F10 6F42 -> 9000
        8032 0000 01 01 -> 6981
        # INCREASE is a class 8X command (Table 10.5).
        00A4 000C 02 6F39 -> 9000
        0032 0000 01 01 -> 6D00 | 6E00
        ",
    );
}

// ---------------------------------------------------------------------------------
// BER-TLV EFs: RETRIEVE DATA / SET DATA (TS 102 221 §11.3.1, §11.3.2).

const BER_TLV: &str = r#"
[[file]]
path = "7F10/6F90"
name = "EF.BERTLV"
type = "ber-tlv"
sfi = 0x09
size = 16
expanded = "8001 03 9000"
"#;

#[test]
fn set_data_and_retrieve_data_on_a_ber_tlv_ef() {
    let mut card = card_with(BER_TLV, &NoApps);
    run(
        &mut card,
        false,
        r"
        # FCP descriptor of a BER-TLV EF (§11.1.1.4.3, Table 11.5): 79 21.
        00A4 0804 04 7F10 6F90 -> 62 ** 8202 7921 8302 6F90 .. 9000
        # SET DATA, first (only) block: P2 = 80 (§11.3.2), data = a whole data object.
        80DB 0080 05 81 03 010203 -> 9000
        80DB 0080 04 C2 02 AABB -> 9000
        # RETRIEVE DATA, first block: P2 = 80, data = the tag (§11.3.1); the response is
        # the whole data object (tag, length, value).
        80CB 0080 01 81 -> 81 03 010203 9000
        80CB 0080 01 C2 -> C2 02 AABB 9000
        # SET DATA with a new value replaces the object.
        80DB 0080 03 81 01 FF -> 9000
        80CB 0080 01 81 -> 81 01 FF 9000
        # A tag the EF does not hold: referenced data not found (6A88).
        80CB 0080 01 83 -> 6A88
        # An object with length 0 deletes the object (§11.3.2.1).
        80DB 0080 02 81 00 -> 9000
        80CB 0080 01 81 -> 6A88
        # More than the EF can hold (16 bytes, 4 in use): not enough memory space
        # (6A84), and nothing is stored.
        80DB 0080 10 83 0E 0102030405060708090A0B0C0D0E -> 6A84
        80CB 0080 01 83 -> 6A88
        # The first block may name the EF by SFI in P2 b5-b1 (§11.3.1.2; SFI 09 here):
        # from DF.TELECOM, with no current EF.
        00A4 000C 02 7F10 -> 9000
        80DB 0089 04 C2 02 CCDD -> 9000
        00A4 000C 02 7F10 -> 9000
        80CB 0089 01 C2 -> C2 02 CCDD 9000
        # RETRIEVE DATA on a transparent EF: command incompatible with file structure.
        00A4 0804 02 2F05 -> sw 9000
        80CB 0080 01 81 -> 6981
        # Both are class 8X commands (Table 10.5).
        00A4 0804 04 7F10 6F90 -> sw 9000
        00CB 0080 01 C2 -> 6D00 | 6E00
        ",
    );
}

// ---------------------------------------------------------------------------------
// TERMINATE EF / TERMINATE DF (TS 102 222 §6.8, §6.7).

/// An EF whose expanded rule grants READ, UPDATE, DEACTIVATE, ACTIVATE and TERMINATE EF
/// (AM byte 3B: b1, b2, b4, b5, b6 of ISO/IEC 7816-4 Table 17) always, and a DF granting
/// TERMINATE DF (AM b6 = 20, Table 18) always, with one EF.
const TERMINABLE: &str = r#"
[[file]]
path = "7F10/6F91"
name = "EF.TERM"
type = "transparent"
content = "01020304"
expanded = "8001 3B 9000"

[[file]]
path = "7F30"
name = "DF.TERM"
type = "df"
expanded = "8001 38 9000"
pins = ["PIN1"]

[[file]]
path = "7F30/6F01"
name = "EF.IN-DF"
type = "transparent"
content = "AA"
expanded = "8001 03 9000"
"#;

#[test]
fn terminate_ef_is_irreversible() {
    let mut card = card_with(TERMINABLE, &NoApps);
    run(
        &mut card,
        false,
        r"
        00A4 0804 04 7F10 6F91 -> 62 .. 8A01 05 .. 9000
        00E8 0000 -> 9000
        # A terminated file is still selectable: SELECT answers its FCP with LCSI 0C
        # (operational state 'termination', §11.1.1.4.9 Table 11.7b) and the warning
        # 6285 'selected file in termination state' (§10.2.1, warnings).
        00A4 0004 02 6F91 -> 62 .. 8A01 0C .. 6285
        # Nothing else works on it any more, not even ACTIVATE FILE.
        00B0 0000 04 -> 6285 | 6985 | 6982 | 6283
        0044 0000 -> 6285 | 6985 | 6982 | 6283
        00A4 000C 02 6F91 -> 6285
        # It stays terminated after a reset (persistent life cycle state).
        reset
        00A4 080C 04 7F10 6F91 -> 6285
        ",
    );
}

#[test]
fn terminate_df_takes_its_files_with_it() {
    let mut card = card_with(TERMINABLE, &NoApps);
    run(
        &mut card,
        false,
        r"
        00A4 080C 04 7F30 6F01 -> 9000
        00B0 0000 01 -> AA 9000
        # TERMINATE DF with the FID in the data field (P1 = 00).
        00A4 000C 02 3F00 -> 9000
        00E6 0000 02 7F30 -> 9000
        00A4 0004 02 7F30 -> 62 .. 8A01 0C .. 6285
        # The EFs of a terminated DF cannot be used (TS 102 222 §6.7).
        00A4 000C 02 6F01 -> sw XXXX
        00B0 0000 01 -> 6285 | 6985 | 6982 | 6283
        # TERMINATE EF naming a DF, and TERMINATE DF naming an EF: incompatible with
        # the file structure (6981), or file not found as a file of that kind (6A82).
        00A4 000C 02 3F00 -> 9000
        00E8 0000 02 7F10 -> 6981 | 6A82
        00E6 0000 02 2F05 -> 6981 | 6A82
        ",
    );
}

// ---------------------------------------------------------------------------------
// A DF with a local PIN (key reference 81, TS 102 221 §9.5.1 Table 9.3).

const LOCAL_PIN: &str = r#"
[[file]]
path = "7F20"
name = "DF.LOCAL"
type = "df"
arr = "2F06"
arr_record = 1
pins = ["PIN1", "PIN2-LOCAL1", "ADM1"]

# EF.ARR record 7: READ and UPDATE need PIN2 (81).
[[file]]
path = "7F20/6F3B"
name = "EF.FDN-like"
type = "linear-fixed"
record_len = 4
records = ["11223344"]
arr = "2F06"
arr_record = 7
"#;

#[test]
fn local_pin_is_known_in_its_df_only() {
    let mut card = card_with(LOCAL_PIN, &NoApps);
    run(
        &mut card,
        false,
        r"
        # From the MF, 81 belongs to no DF on the way: referenced data not found.
        0020 0081 -> 6A88
        # The DF's PIN status template lists 01, 81, 0A, all enabled (§9.5.2).
        00A4 0004 02 7F20 -> 62 .. C6 0C 9001 E0 8301 01 8301 81 8301 0A .. 9000
        0020 0081 -> 63C3
        00A4 000C 02 6F3B -> 9000
        00B2 0104 04 -> 6982
        0020 0081 08 39393939FFFFFFFF -> 63C2
        0020 0081 08 35363738FFFFFFFF -> 9000
        00B2 0104 04 -> 11223344 9000
        0020 0081 -> 9000
        # The local PIN's own PUK (PUK2, 10 tries).
        002C 0081 -> 63CA
        # The verification status is volatile.
        reset
        00A4 080C 04 7F20 6F3B -> 9000
        00B2 0104 04 -> 6982
        ",
    );
}

// ---------------------------------------------------------------------------------
// An ADF-based application: SELECT by AID, 7FFF, STATUS P2 = 01, channels, and the
// proactive session (TS 102 221 §8.4.1, §11.1.1, §11.1.2, §11.1.17, §11.2, §14).

/// A minimal application: queues one proactive DISPLAY TEXT when it is selected and
/// takes ENVELOPEs with tag D1 (SMS-PP download).
struct TestApp;

/// DISPLAY TEXT (TS 102 223 §6.6.1): command details 81 03 01 21 80, device
/// identities 82 02 81 02 (UICC to display), text string 8D 03 04 'Hi'.
const DISPLAY_TEXT: [u8; 16] = [
    0xD0, 0x0E, 0x81, 0x03, 0x01, 0x21, 0x80, 0x82, 0x02, 0x81, 0x02, 0x8D, 0x03, 0x04, 0x48, 0x69,
];

impl Application for TestApp {
    fn name(&self) -> &str {
        "TEST"
    }

    fn select(&mut self, ctx: &mut AppContext<'_>) -> Result<(), Sw> {
        ctx.toolkit().push(DISPLAY_TEXT.to_vec());
        Ok(())
    }

    fn process(&mut self, _ctx: &mut AppContext<'_>, _cmd: &Command) -> Result<Response, Sw> {
        Err(Sw::INS_NOT_SUPPORTED)
    }

    fn envelope(&mut self, _ctx: &mut AppContext<'_>, _data: &[u8]) -> Result<Response, Sw> {
        Ok(Response::from_sw(Sw::OK))
    }

    fn envelope_tags(&self) -> &[u8] {
        &[0xD1]
    }
}

struct TestProvider;

impl AppProvider for TestProvider {
    fn create(&self, kind: &str, _params: &str) -> card_os::Result<Box<dyn Application>> {
        match kind {
            "test" => Ok(Box::new(TestApp)),
            other => Err(card_os::Error::Profile {
                field: "application.kind".into(),
                reason: format!("unknown kind {other}"),
            }),
        }
    }
}

const APP: &str = r#"
[[application]]
kind = "test"
aid = "A0000000871002FF33FF018900000100"
label = "TEST"
pins = ["PIN1", "PIN2-LOCAL1"]
"#;

#[test]
fn select_by_aid_and_status_of_the_application() {
    let mut card = card_with(APP, &TestProvider);
    run(
        &mut card,
        false,
        r"
        # EF.DIR record 1 (TS 102 221 §13.1): 61 L 4F 10 AID 50 04 'TEST', FF padded.
        00A4 000C 02 2F00 -> 9000
        00B2 0104 26 -> 61 18 4F 10 A0000000871002FF33FF018900000100 50 04 54455354 FFFF .. 9000
        # No application selected yet: 7FFF is not found (§8.4.1).
        00A4 0004 02 7FFF -> 6A82
        # SELECT by full DF name (P1 = 04, §11.1.1.2): the ADF's FCP (Table 11.3) with
        # FID 7FFF, the DF name (84) and the PIN status template (01 and 81 enabled).
        00A4 0404 10 A0000000871002FF33FF018900000100 -> \
            62 ** 8202 7821 8302 7FFF 8410 A0000000871002FF33FF018900000100 .. \
            C6 09 9001 C0 8301 01 8301 81 .. 9000
        # STATUS P2 = 01: the DF name TLV of the current application (§11.1.2).
        80F2 0001 00 -> 84 10 A0000000871002FF33FF018900000100 9000
        # STATUS P2 = 00: the ADF's FCP.
        80F2 0000 00 -> 62 ** 8202 7821 8302 7FFF .. 9000
        # 7FFF now selects the current ADF, also from the MF (§8.4.1).
        00A4 000C 02 3F00 -> 9000
        00A4 0004 02 7FFF -> 62 ** 8202 7821 8302 7FFF 84 .. 9000
        # SELECT by partial DF name (the first 7 bytes: RID + application code).
        00A4 000C 02 3F00 -> 9000
        00A4 0404 07 A0000000871002 -> 62 ** 8202 7821 8302 7FFF 8410 A0000000871002FF .. 9000
        # A DF name no application has: 6A82.
        00A4 0404 07 A0000000871004 -> 6A82
        # P2 'next occurrence' (b2-b1 = 10): there is no second match.
        00A4 040E 07 A0000000871002 -> 6A82
        ",
    );
}

#[test]
fn a_channel_opened_from_a_non_basic_channel_inherits_the_application() {
    let mut card = card_with(APP, &TestProvider);
    run(
        &mut card,
        false,
        r"
        # Channel 1 from the basic channel: starts at the MF, no application.
        0070 0000 01 -> 01 9000
        01A4 040C 10 A0000000871002FF33FF018900000100 -> 9000
        # Channel 2 opened from channel 1 (CLA 01) inherits the ADF (§11.1.17.1).
        0170 0000 01 -> 02 9000
        82F2 0001 00 -> 84 10 A0000000871002FF33FF018900000100 9000
        02A4 0004 02 7FFF -> 62 ** 8202 7821 8302 7FFF .. 9000
        # Channel 3 opened from the basic channel starts at the MF: no current ADF.
        0070 0000 01 -> 03 9000
        03A4 0004 02 7FFF -> 6A82
        83F2 0000 00 -> 62 ** 8202 7821 8302 3F00 .. 9000
        # The basic channel never selected the application.
        00A4 0004 02 7FFF -> 6A82
        ",
    );
}

#[test]
fn proactive_command_is_announced_by_91xx_and_fetched() {
    let mut card = card_with(APP, &TestProvider);
    run(
        &mut card,
        true,
        r"
        # The application queues a DISPLAY TEXT (16 = 10 bytes) when selected; before
        # TERMINAL PROFILE the UICC does not announce proactive commands (TS 102 223
        # §5.2: the terminal's profile comes first), so the SELECT ends with 9000.
        00A4 040C 10 A0000000871002FF33FF018900000100 -> 9000
        # TERMINAL PROFILE (§11.2.1): the pending command is announced with 91 10.
        8010 0000 05 FFFFFFFFFF -> 9110
        # FETCH (§11.2.3) with a wrong Le under T=0: 6C10; with Le = 10, the command.
        8012 0000 20 -> 6C10
        8012 0000 10 -> D00E8103012180820281028D03044869 9000
        # TERMINAL RESPONSE (§11.2.4): command details, device identities (terminal to
        # UICC), result 00 'performed successfully' (TS 102 223 §6.8).
        8014 0000 0C 810301218082028281830100 -> 9000
        # Nothing pending any more: normal 9000.
        80F2 000C -> 9000
        # ENVELOPE SMS-PP download (D1, TS 102 223 §7.1) goes to the application that
        # registered the tag: device identities 82 02 83 81, address 86, SMS TPDU 8B.
        80C2 0000 13 D1 11 82028381 8603 911032 8B06 040381F10000 -> 9000
        ",
    );
}
