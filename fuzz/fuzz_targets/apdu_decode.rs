//! Every decoder of the `apdu` crate on arbitrary bytes, then the T=0 state machines
//! (`ApduT0`, `CardT0`, `ReaderT0`) driven by the same bytes as a sequence of events.
//!
//! Nothing may panic (the crate promises that no function panics on any input), and the
//! round trips the crate's own property tests state must hold on every input:
//! - C-APDU: decode → encode → decode gives the same command (ISO/IEC 7816-4 §5.1);
//! - R-APDU and ATR: decode → encode gives the input bytes back;
//! - every T=0 answer the card side gives carries SW1 SW2, and a `Send` step carries at
//!   most 256 data bytes (ISO/IEC 7816-3:2006 §10.3).
#![no_main]

use apdu::command::Command;
use apdu::t0::{ApduStep, ApduT0, CardStep, CardT0, ReaderT0};
use apdu::tlv::{ber, compact, comprehension, simple};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    decoders(data);
    t0_events(data);
});

/// The stateless decoders on the whole input.
fn decoders(data: &[u8]) {
    if let Ok(cmd) = Command::decode(data) {
        let bytes = cmd.encode().expect("a decoded command re-encodes");
        assert_eq!(
            Command::decode(&bytes).expect("a re-encoded command decodes"),
            cmd
        );
        let _ = cmd.to_string();
    }
    if let Ok(rsp) = apdu::response::Response::decode(data) {
        assert_eq!(rsp.encode(), data, "R-APDU re-encodes to its bytes");
        let _ = rsp.sw.meaning();
        let _ = rsp.sw.to_string();
    }
    if let Ok(atr) = apdu::atr::Atr::parse(data) {
        assert_eq!(atr.encode(), data, "ATR re-encodes to its bytes");
        assert_eq!(atr.encoded_len(), data.len());
        let _ = atr.to_string();
        let _ = (
            atr.fi_di(),
            atr.wi(),
            atr.t1_ifsc(),
            atr.t1_error_detection(),
        );
        let _ = atr.work_waiting_time_etu(&apdu::atr::FiDi::DEFAULT);
        let _ = (
            atr.protocols(),
            atr.t15_clock_stop(),
            atr.t15_class_indicator(),
        );
    }
    let _ = apdu::atr::Pps::decode(data);
    if let Ok(tlvs) = ber::Tlv::decode_all(data) {
        for t in &tlvs {
            assert_eq!(t.encoded_len(), t.encode().len());
            let _ = t.children();
        }
    }
    let _ = ber::Tlv::decode_all_padded(data);
    for view in ber::iter(data).flatten() {
        let _ = view.children().count();
        let _ = view.to_tlv();
    }
    let _ = simple::Tlv::decode_all(data);
    let _ = comprehension::Tlv::decode_all(data);
    let _ = compact::Tlv::decode_all(data);
    let _ = apdu::tlv::describe(data);
    let (cmd, rsp) = data.split_at(data.len() / 2);
    let _ = apdu::trace::describe(cmd, rsp);
    let _ = apdu::trace::describe_command(data);
    if let [cla, ins, p1, ..] = *data {
        let _ = apdu::ins::name(cla, ins, p1);
        let _ = apdu::class::Class(cla).channel();
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = apdu::script::parse(text);
    }
}

/// The input as events for the three T=0 machines: each event is an opcode byte, a
/// length byte and that many bytes of payload (fewer at the end of the input).
fn t0_events(data: &[u8]) {
    let mut apdu_t0 = ApduT0::new();
    let mut card = CardT0::new();
    let mut reader = ReaderT0::new();
    let mut rest = data;
    while let Some((&op, tail)) = rest.split_first() {
        let (&len, tail) = tail.split_first().unwrap_or((&0, tail));
        let n = usize::from(len).min(tail.len());
        let (chunk, tail) = tail.split_at(n);
        rest = tail;
        match op % 12 {
            0 => match apdu_t0.command(chunk) {
                ApduStep::Reply(r) => assert!(r.len() >= 2, "ApduT0 reply without SW"),
                ApduStep::Process(c) => assert!(c.len() >= 4, "C-APDU without header"),
            },
            1 => assert!(
                apdu_t0.respond(chunk).len() >= 2,
                "ApduT0 answer without SW"
            ),
            2 => apdu_t0.reset(),
            3 => {
                let mut header = [0u8; 5];
                for (h, b) in header.iter_mut().zip(chunk) {
                    *h = *b;
                }
                check_card_step(&card.header(header));
            }
            4 => {
                if let Ok(step) = card.data(chunk) {
                    check_card_step(&step);
                }
            }
            5 => {
                if let Ok(step) = card.respond(chunk) {
                    check_card_step(&step);
                }
            }
            6 => {
                let _ = (card.expecting(), card.null_byte());
                card.reset();
            }
            7 => {
                let _ = reader.start(chunk);
            }
            8 => {
                let _ = reader.on_response(chunk);
            }
            9 => {
                let _ = reader.start_bytes(chunk);
            }
            10 => {
                let _ = reader.on_bytes(chunk);
            }
            _ => loopback(chunk),
        }
    }
}

fn check_card_step(step: &CardStep) {
    if let CardStep::Send { data, .. } = step {
        assert!(data.len() <= 256, "a T=0 answer carries at most 256 bytes");
    }
    let _ = step.wire_bytes();
}

/// `ReaderT0` (byte level) driving `CardT0` whose application answers every command with
/// the same R-APDU: the C-APDU is the first half of `chunk`, the R-APDU the second half
/// (SW `9000` added when it has fewer than two bytes). Bounded: a misbehaving exchange
/// stops after 1,000 steps.
fn loopback(chunk: &[u8]) {
    let (capdu, rapdu) = chunk.split_at(chunk.len() / 2);
    let mut rapdu = rapdu.to_vec();
    if rapdu.len() < 2 {
        rapdu.extend_from_slice(&[0x90, 0x00]);
    }
    let mut reader = ReaderT0::new();
    let mut card = CardT0::new();
    let Ok(header) = reader.start_bytes(capdu) else {
        return;
    };
    let mut step = card.header(header);
    for _ in 0..1_000 {
        check_card_step(&step);
        if let CardStep::Process(_) = step {
            match card.respond(&rapdu) {
                Ok(s) => step = s,
                Err(_) => return,
            }
            continue;
        }
        match reader.on_bytes(&step.wire_bytes()) {
            Ok(apdu::t0::ByteStep::Send(bytes)) => {
                step = match *bytes.as_slice() {
                    [a, b, c, d, e] if card.expecting() == apdu::t0::Expect::Header => {
                        card.header([a, b, c, d, e])
                    }
                    _ => match card.data(&bytes) {
                        Ok(s) => s,
                        Err(_) => return,
                    },
                };
            }
            Ok(apdu::t0::ByteStep::Done(r)) => {
                assert!(r.len() >= 2, "R-APDU without SW");
                return;
            }
            Ok(apdu::t0::ByteStep::Wait) | Err(_) => return,
        }
    }
}
