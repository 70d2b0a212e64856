//! Every decoder of the `apdu` crate on arbitrary bytes: nothing may panic, and a
//! decoded C-APDU re-encodes to a C-APDU that decodes to the same value.
#![no_main]

use apdu::command::Command;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cmd) = Command::decode(data) {
        let bytes = cmd.encode().expect("a decoded command re-encodes");
        assert_eq!(Command::decode(&bytes).expect("re-decodes"), cmd);
    }
    let _ = apdu::response::Response::decode(data);
    let _ = apdu::atr::Atr::parse(data);
    let _ = apdu::tlv::ber::Tlv::decode_all(data);
    let _ = apdu::tlv::simple::Tlv::decode_all(data);
    let _ = apdu::tlv::comprehension::Tlv::decode_all(data);
    let _ = apdu::tlv::describe(data);
    let (cmd, rsp) = data.split_at(data.len() / 2);
    let _ = apdu::trace::describe(cmd, rsp);
    let mut t0 = apdu::t0::ApduT0::new();
    if let apdu::t0::ApduStep::Process(_) = t0.command(cmd) {
        let _ = t0.respond(rsp);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = apdu::script::parse(text);
    }
});
