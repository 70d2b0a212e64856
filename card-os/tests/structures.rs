//! Cyclic files and INCREASE (ETSI TS 102 221 §11.1.6, §11.1.8), BER-TLV files with
//! RETRIEVE DATA / SET DATA (§11.3), and TERMINATE EF (ETSI TS 102 222), on a profile
//! derived from the default one.

use card_os::platform::SeededPlatform;
use card_os::profile::{NoApps, Profile, DEFAULT_PROFILE};
use card_os::store::MemStore;
use card_os::transport::CardTransport;

const EXTRA: &str = r#"
[[file]]
path = "7F10/6F50"
name = "EF.CYCLIC"
type = "cyclic"
record_len = 3
records = ["000001", "000000", "000000"]
increase = true
arr = "2F06"
arr_record = 3

[[file]]
path = "7F10/6F51"
name = "EF.BERTLV"
type = "ber-tlv"
size = 32
arr = "2F06"
arr_record = 3

[[file]]
path = "7F30"
name = "DF.TERM"
type = "df"
expanded = "8001 01 9000 8001 20 A406 83010A 950108"

[[file]]
path = "7F30/6F01"
name = "EF.UNDER"
type = "transparent"
content = "AA"
arr = "2F06"
arr_record = 1

[[file]]
path = "7F10/6F52"
name = "EF.TERM"
type = "transparent"
content = "0102"
expanded = "8001 01 9000 8001 22 A406 83010A 950108"
"#;

fn run(script: &str) {
    let mut card = Profile::parse(&format!("{DEFAULT_PROFILE}{EXTRA}"))
        .unwrap()
        .build(
            &NoApps,
            Box::new(SeededPlatform::new(9)),
            Box::<MemStore>::default(),
        )
        .unwrap();
    let s = apdu::script::parse(script).unwrap();
    if let Err(e) = apdu::script::run(&s, &mut CardTransport::new(&mut card), &mut |_| {}) {
        panic!("{e}");
    }
}

#[test]
fn cyclic_update_and_increase() {
    run("
        00A4 080C 04 7F10 6F50 -> 9000
        0020 0001 08 31323334FFFFFFFF -> 9000
        # A cyclic file is updated in PREVIOUS mode only: the oldest record is
        # overwritten and becomes record 1 (TS 102 221 §11.1.6).
        00DC 0004 03 AAAAAA -> 6A86
        00DC 0003 03 AAAAAA -> 9000
        00B2 0104 03 -> AAAAAA 9000
        00B2 0204 03 -> 000001 9000
        # The update left the record pointer on record 1; NEXT wraps around in a
        # cyclic file: 2, 3, 1, 2.
        00B2 0002 03 -> 000001 9000
        00B2 0002 03 -> 000000 9000
        00B2 0002 03 -> AAAAAA 9000
        00B2 0002 03 -> 000001 9000
        # INCREASE adds to record 1 and returns the new value and the added value
        # (TS 102 221 §11.1.8): AAAAAA + 000010 = AAAABA.
        8032 0000 03 000010 -> AAAABA 000010 9000
        00B2 0104 03 -> AAAABA 9000
        00B2 0204 03 -> AAAAAA 9000
        # An overflow changes nothing: 9850.
        8032 0000 03 FFFFFF -> 9850
        00B2 0104 03 -> AAAABA 9000
    ");
}

#[test]
fn ber_tlv_set_and_retrieve() {
    run("
        00A4 080C 04 7F10 6F51 -> 9000
        0020 0001 08 31323334FFFFFFFF -> 9000
        # RETRIEVE DATA of an absent tag: 6A88 (referenced data not found).
        80CB 0000 01 81 -> 6A88
        # SET DATA creates, RETRIEVE DATA returns the whole data object.
        80DB 0000 05 81 03 010203 -> 9000
        80CB 0000 01 81 -> 81 03 010203 9000
        # Replace, then beyond the file size: 6A84 and nothing changes.
        80DB 0000 04 81 02 0405 -> 9000
        80DB 0000 24 82 22 0000000000000000000000000000000000000000000000000000000000000000 0000 -> 6A84
        80CB 0000 01 81 -> 81 02 0405 9000
        # An empty value deletes the object.
        80DB 0000 02 81 00 -> 9000
        80CB 0000 01 81 -> 6A88
    ");
}

#[test]
fn terminate_ef_is_irreversible() {
    run("
        00A4 080C 04 7F10 6F52 -> 9000
        # TERMINATE EF needs ADM1 here (inline expanded rule, AM bit b6).
        00E8 0000 -> 6982
        0020 000A 08 3838383838383838 -> 9000
        00E8 0000 -> 9000
        # A terminated file: 6285 on SELECT and on use; ACTIVATE cannot revive it.
        00A4 0004 02 6F52 -> 62 .. 8A 01 0C .. 6285
        00B0 0000 02 -> 6285
        0044 0000 -> 6285
    ");
}

#[test]
fn terminate_df_terminates_the_subtree() {
    run("
        00A4 000C 02 7F30 -> 9000
        00A4 000C 02 6F01 -> 9000
        00B0 0000 01 -> AA 9000
        # TERMINATE DF (ETSI TS 102 222) on the current DF: ADM1 needed (AM bit b6).
        00A4 000C 02 7F30 -> 9000
        00E6 0000 -> 6982
        0020 000A 08 3838383838383838 -> 9000
        00E6 0000 -> 9000
        # The DF answers 6285 (terminated) on SELECT, with LCSI 0C in its FCP.
        00A4 0004 02 3F00 -> 62 .. 9000
        00A4 0004 02 7F30 -> 62 .. 8A 01 0C .. 6285
        # Files below it are unusable too.
        00A4 000C 02 6F01 -> 9000
        00B0 0000 01 -> 6285
    ");
}
