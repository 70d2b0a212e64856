//! [`ReaderT0`] driving [`CardT0`] byte by byte (and [`ReaderT0`] driving [`ApduT0`] at
//! APDU level): every case goes through the real procedure bytes of both sides.

use super::*;
use crate::hex::decode as h;
use proptest::prelude::*;

/// What one loopback run produced.
#[derive(Debug)]
struct Run {
    /// C-APDUs the card application received.
    seen: Vec<Vec<u8>>,
    /// The R-APDU the reader returned.
    rapdu: Vec<u8>,
    /// Every transmission, alternately terminal → card and card → terminal (NULL bytes
    /// excluded).
    wire: Vec<Vec<u8>>,
}

/// Feeds card bytes to the reader, one at a time when `split`.
fn to_reader(reader: &mut ReaderT0, bytes: &[u8], split: bool) -> ByteStep {
    if !split {
        return reader.on_bytes(bytes).unwrap();
    }
    let (last, init) = bytes.split_last().unwrap();
    for b in init {
        assert_eq!(reader.on_bytes(&[*b]).unwrap(), ByteStep::Wait);
    }
    reader.on_bytes(&[*last]).unwrap()
}

/// Feeds command data to the card, one byte at a time when `split`.
fn to_card(card: &mut CardT0, bytes: &[u8], split: bool) -> CardStep {
    if !split {
        return card.data(bytes).unwrap();
    }
    let (last, init) = bytes.split_last().unwrap();
    for b in init {
        assert_eq!(card.data(&[*b]).unwrap(), CardStep::Wait);
    }
    card.data(&[*last]).unwrap()
}

/// Runs `capdu` through ReaderT0 ⇄ CardT0 with `app` as the card application. With
/// `nulls` the card sends a NULL byte while processing every command.
fn byte_loopback(
    capdu: &[u8],
    app: &mut dyn FnMut(&[u8]) -> Vec<u8>,
    nulls: bool,
    split: bool,
) -> Run {
    let mut reader = ReaderT0::new();
    let mut card = CardT0::new();
    let mut run = Run {
        seen: Vec::new(),
        rapdu: Vec::new(),
        wire: Vec::new(),
    };
    let header = reader.start_bytes(capdu).unwrap();
    run.wire.push(header.to_vec());
    let mut step = card.header(header);
    for _ in 0..64 {
        if let CardStep::Process(c) = &step {
            run.seen.push(c.clone());
            if nulls {
                let null = card.null_byte().unwrap();
                assert_eq!(reader.on_bytes(&[null]).unwrap(), ByteStep::Wait);
            }
            step = card.respond(&app(c)).unwrap();
            continue;
        }
        let bytes = step.wire_bytes();
        run.wire.push(bytes.clone());
        match to_reader(&mut reader, &bytes, split) {
            ByteStep::Wait => panic!("reader waits after {bytes:02X?}"),
            ByteStep::Done(rapdu) => {
                assert_eq!(card.expecting(), Expect::Header);
                run.rapdu = rapdu;
                return run;
            }
            ByteStep::Send(out) => {
                run.wire.push(out.clone());
                step = match card.expecting() {
                    Expect::Header => card.header(out.as_slice().try_into().unwrap()),
                    Expect::Data(_) => to_card(&mut card, &out, split),
                    Expect::Response => panic!("card is processing"),
                };
            }
        }
    }
    panic!("no end after 64 steps")
}

/// Runs `capdu` through ReaderT0 (APDU level) ⇄ ApduT0.
fn apdu_loopback(capdu: &[u8], app: &mut dyn FnMut(&[u8]) -> Vec<u8>) -> Run {
    let mut reader = ReaderT0::new();
    let mut card = ApduT0::new();
    let mut run = Run {
        seen: Vec::new(),
        rapdu: Vec::new(),
        wire: Vec::new(),
    };
    let mut tpdu = reader.start(capdu).unwrap();
    for _ in 0..64 {
        run.wire.push(tpdu.clone());
        let rtpdu = match card.command(&tpdu) {
            ApduStep::Reply(r) => r,
            ApduStep::Process(c) => {
                run.seen.push(c.clone());
                card.respond(&app(&c))
            }
        };
        run.wire.push(rtpdu.clone());
        match reader.on_response(&rtpdu).unwrap() {
            ReaderStep::Send(next) => tpdu = next,
            ReaderStep::Done(rapdu) => {
                run.rapdu = rapdu;
                return run;
            }
        }
    }
    panic!("no end after 64 steps")
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn wire(hex: &[&str]) -> Vec<Vec<u8>> {
    hex.iter().map(|x| h(x).unwrap()).collect()
}

/// EF.IMSI of IMSI 001010123456789 (3GPP TS 31.102 §4.2.2).
const IMSI: &str = "080910101032547698";
/// A 28-byte MF FCP template (ETSI TS 102 221 §11.1.1.4), as in the card tests.
const FCP_MF: &str = "621A82027821 83023F00 A503800171 8A0105 8B032F0601 C603900140";
/// The 22-byte MF response of 3GPP TS 51.011 §9.2.1, as in the card tests.
const GSM_MF: &str = "00001F403F0001 0000000000 09 B103040400838A838A";

fn answer(hex: &'static str) -> impl FnMut(&[u8]) -> Vec<u8> {
    move |_| h(hex).unwrap()
}

#[test]
fn case_1_end_to_end() {
    // TS 102 221 §7.3.1.1.1 / Annex C.1.1.
    for (nulls, split) in [(false, false), (true, true)] {
        let run = byte_loopback(&h("00708001").unwrap(), &mut answer("9000"), nulls, split);
        assert_eq!(run.seen, wire(&["00708001"]));
        assert_eq!(run.wire, wire(&["0070800100", "9000"]));
        assert_eq!(run.rapdu, h("9000").unwrap());
    }
}

#[test]
fn case_2_end_to_end() {
    // TS 102 221 §7.3.1.1.2 / Annex C.1.2: header, ACK B0 + 9 bytes + 90 00.
    let resp = [IMSI, "9000"].concat();
    let mut app = |_: &[u8]| h(&resp).unwrap();
    let run = byte_loopback(&h("00B0000009").unwrap(), &mut app, false, false);
    assert_eq!(
        run.wire,
        wire(&["00B0000009", &["B0", IMSI, "9000"].concat()])
    );
    assert_eq!(run.rapdu, h(&resp).unwrap());
    // ISO/IEC 7816-3:2006 §12.2.3 case 2S.3: P3 = 00 → 6C 09 → re-issue with 09; the
    // application runs once.
    let run = byte_loopback(&h("00B0000000").unwrap(), &mut app, true, true);
    assert_eq!(run.seen, wire(&["00B0000000"]));
    assert_eq!(
        run.wire,
        wire(&[
            "00B0000000",
            "6C09",
            "00B0000009",
            &["B0", IMSI, "9000"].concat()
        ])
    );
    assert_eq!(run.rapdu, h(&resp).unwrap());
}

#[test]
fn case_3_end_to_end() {
    // TS 102 221 §7.3.1.1.3 / Annex C.1.3: header, ACK D6, 2 bytes, 90 00.
    let run = byte_loopback(
        &h("00D6000002 1234").unwrap(),
        &mut answer("9000"),
        false,
        false,
    );
    assert_eq!(run.seen, wire(&["00D60000021234"]));
    assert_eq!(run.wire, wire(&["00D6000002", "D6", "1234", "9000"]));
    assert_eq!(run.rapdu, h("9000").unwrap());
}

#[test]
fn case_4_end_to_end() {
    // TS 102 221 §7.3.1.1.4 / Annex C.1.4: ACK A4, 3F 00, 61 1C, GET RESPONSE 1C,
    // ACK C0 + 28 bytes + 90 00.
    let resp = [FCP_MF, "9000"].concat();
    let mut app = |_: &[u8]| h(&resp).unwrap();
    let run = byte_loopback(&h("00A4000402 3F00 00").unwrap(), &mut app, false, false);
    assert_eq!(run.seen, wire(&["00A40004023F00"]));
    assert_eq!(
        run.wire,
        wire(&[
            "00A4000402",
            "A4",
            "3F00",
            "611C",
            "00C000001C",
            &["C0", FCP_MF, "9000"].concat()
        ])
    );
    assert_eq!(run.rapdu, h(&resp).unwrap());
    // The same at APDU level against ApduT0 (pySim over vpcd with a T=0 ATR).
    let run = apdu_loopback(&h("00A4000402 3F00 00").unwrap(), &mut app);
    assert_eq!(
        run.wire,
        wire(&["00A40004023F00", "611C", "00C000001C", &resp])
    );
    assert_eq!(run.rapdu, h(&resp).unwrap());
}

#[test]
fn gsm_class_end_to_end() {
    // 3GPP TS 51.011 §9.4.1 / §9.2.18: 9F 16, then A0 C0 00 00 16.
    let resp = [GSM_MF, "9000"].concat();
    let mut app = |_: &[u8]| h(&resp).unwrap();
    let run = byte_loopback(&h("A0A4000002 3F00").unwrap(), &mut app, true, false);
    assert_eq!(
        run.wire,
        wire(&[
            "A0A4000002",
            "A4",
            "3F00",
            "9F16",
            "A0C0000016",
            &["C0", GSM_MF, "9000"].concat()
        ])
    );
    assert_eq!(run.rapdu, h(&resp).unwrap());
}

#[test]
fn chain_end_to_end() {
    // TS 102 221 Annex C.1.6: 300 bytes → 61 00, 256 bytes + 61 2C, 44 bytes + 90 00.
    let data: Vec<u8> = (0..300u16).map(|i| (i % 241) as u8).collect();
    let resp = cat(&[&data, &[0x90, 0x00]]);
    let mut app = |_: &[u8]| resp.clone();
    let run = byte_loopback(&h("80E29100 03 BF2D00").unwrap(), &mut app, false, true);
    assert_eq!(
        run.wire,
        vec![
            h("80E2910003").unwrap(),
            vec![0xE2],
            h("BF2D00").unwrap(),
            h("6100").unwrap(),
            h("00C0000000").unwrap(),
            cat(&[&[0xC0], &data[..256], &[0x61, 0x2C]]),
            h("00C000002C").unwrap(),
            cat(&[&[0xC0], &data[256..], &[0x90, 0x00]]),
        ]
    );
    assert_eq!(run.rapdu, resp);
}

#[test]
fn case_4_warning_end_to_end() {
    // TS 102 221 §7.3.1.1: the terminal follows a case-4 warning with GET RESPONSE;
    // nothing is pending (§12.1.1.1: 6F 00), so the warning is the R-APDU.
    let run = byte_loopback(
        &h("00A4000402 7F10 00").unwrap(),
        &mut answer("6283"),
        false,
        false,
    );
    assert_eq!(
        run.wire,
        wire(&["00A4000402", "A4", "7F10", "6283", "00C0000000", "6F00"])
    );
    assert_eq!(run.rapdu, h("6283").unwrap());
}

/// Status words a card application may end with (ETSI TS 102 221 §10.2.1): normal,
/// proactive pending, warnings, errors and an application error.
const SWS: [[u8; 2]; 11] = [
    [0x90, 0x00],
    [0x91, 0x10],
    [0x93, 0x00],
    [0x62, 0x82],
    [0x62, 0x83],
    [0x63, 0xC2],
    [0x69, 0x82],
    [0x69, 0x85],
    [0x6A, 0x82],
    [0x6F, 0x00],
    [0x98, 0x62],
];

/// A generated C-APDU (cases 1–4, short) with the C-APDU the card must see under T=0
/// (case 4 loses Le, TS 102 221 §7.3.1.1.4), and the application's R-APDU (0–600 data
/// bytes).
fn exchange() -> impl Strategy<Value = (Vec<u8>, Vec<u8>, Vec<u8>)> {
    let cla = prop::sample::select(vec![
        0x00u8, 0x01, 0x03, 0x40, 0x4F, 0x80, 0x81, 0xC1, 0xE3, 0xA0,
    ]);
    // Instructions whose P3 is incoming / outgoing in every family (crate::ins table).
    let ins_in = prop::sample::select(vec![0xA4u8, 0xD6, 0xDC, 0x20, 0x88, 0xE2, 0xC2]);
    let ins_out = prop::sample::select(vec![0xB0u8, 0xB2]);
    let body = (1usize..=255).prop_flat_map(|n| proptest::collection::vec(any::<u8>(), n));
    let command = prop_oneof![
        (cla.clone(), ins_in.clone(), any::<[u8; 2]>())
            .prop_map(|(c, i, [p1, p2])| (vec![c, i, p1, p2], vec![c, i, p1, p2])),
        (cla.clone(), ins_out, any::<[u8; 3]>()).prop_map(|(c, i, [p1, p2, le])| {
            let a = vec![c, i, p1, p2, le];
            (a.clone(), a)
        }),
        (cla.clone(), ins_in.clone(), any::<[u8; 2]>(), body.clone()).prop_map(
            |(c, i, [p1, p2], data)| {
                let a = cat(&[&[c, i, p1, p2, data.len() as u8], &data]);
                (a.clone(), a)
            }
        ),
        (cla, ins_in, any::<[u8; 3]>(), body).prop_map(|(c, i, [p1, p2, le], data)| {
            let seen = cat(&[&[c, i, p1, p2, data.len() as u8], &data]);
            (cat(&[&seen, &[le]]), seen)
        }),
    ];
    let response = (
        proptest::collection::vec(any::<u8>(), 0..=600),
        prop::sample::select(SWS.to_vec()),
    )
        .prop_map(|(data, sw)| cat(&[&data, &sw]));
    (command, response).prop_map(|((capdu, seen), rapdu)| (capdu, seen, rapdu))
}

proptest! {
    #[test]
    fn reader_and_card_agree_byte_by_byte(
        (capdu, seen, rapdu) in exchange(),
        nulls in any::<bool>(),
        split in any::<bool>(),
    ) {
        let mut app = |_: &[u8]| rapdu.clone();
        let run = byte_loopback(&capdu, &mut app, nulls, split);
        prop_assert_eq!(run.seen, vec![seen]);
        prop_assert_eq!(run.rapdu, rapdu.clone());
        for w in &run.wire {
            // T=0 never carries more than 256 data bytes (plus ACK and SW) at once.
            prop_assert!(w.len() <= 259);
        }
    }

    #[test]
    fn reader_and_apdu_bridge_agree((capdu, seen, rapdu) in exchange()) {
        let mut app = |_: &[u8]| rapdu.clone();
        let run = apdu_loopback(&capdu, &mut app);
        prop_assert_eq!(run.seen, vec![seen]);
        prop_assert_eq!(run.rapdu, rapdu.clone());
    }
}
