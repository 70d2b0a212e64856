//! One readable line per command/response pair, for logs, `uicc apdu` and bridges.
//!
//! The line has four parts separated by `" | "`:
//!
//! ```text
//! ch0 SELECT by FID 3F00 (MF), return FCP | Lc 2 | 31 bytes | 9000 normal ending of the command
//! ^ channel, command, P1/P2 and data meaning  ^ Lc/Le  ^ response data  ^ SW and its meaning
//! ```
//!
//! P1/P2 decoding follows ETSI TS 102 221 §11.1 (SELECT Table 11.1/11.2, READ/UPDATE
//! BINARY/RECORD, PIN commands §9.5.1 Table 9.3, MANAGE CHANNEL, STATUS), 3GPP TS 31.102
//! §7.1.1 (AUTHENTICATE contexts) and 3GPP TS 51.011 §9.2 (class `A0`). PIN values are
//! never printed. Malformed input still gives a line; nothing here panics.

use crate::class::Class;
use crate::command::{Case, Command};
use crate::hex;
use crate::ins::{self, Family};
use crate::response::Response;

/// Longest byte string printed in full in a malformed-APDU line.
const PREVIEW: usize = 64;

/// Describes a C-APDU and its R-APDU on one line (see the module documentation).
///
/// An empty `rsp` reads "no response"; a 1-byte `rsp` is reported as malformed.
pub fn describe(cmd: &[u8], rsp: &[u8]) -> String {
    let command = Command::decode(cmd).ok();
    let rsp_part = match Response::decode(rsp) {
        Ok(r) => {
            let extra = command
                .as_ref()
                .map(|c| response_detail(c, &r))
                .unwrap_or_default();
            format!(
                "{}{extra} | {} {}",
                data_len(r.data.len()),
                r.sw,
                r.sw.meaning()
            )
        }
        Err(_) if rsp.is_empty() => "no response".to_string(),
        Err(e) => format!("malformed R-APDU ({e}): {}", preview(rsp)),
    };
    format!("{} | {rsp_part}", describe_command(cmd))
}

/// Describes a C-APDU alone: channel, command, P1/P2 meaning, then Lc/Le.
pub fn describe_command(cmd: &[u8]) -> String {
    match Command::decode(cmd) {
        Ok(c) => format!("{} | {}", title(&c), lengths(&c)),
        Err(e) => format!("malformed C-APDU ({e}): {}", preview(cmd)),
    }
}

/// `ch0 SELECT by FID 3F00 (MF), return FCP`.
fn title(c: &Command) -> String {
    let class = c.class();
    let mut s = match class.channel() {
        Some(n) => format!("ch{n} "),
        None => format!("CLA {:02X} ", c.cla),
    };
    match ins::name(c.cla, c.ins, c.p1) {
        Some(name) => s.push_str(name),
        None => s.push_str(&format!("INS {:02X}", c.ins)),
    }
    let detail = detail(c);
    if !detail.is_empty() {
        s.push(' ');
        s.push_str(&detail);
    }
    if class.secure_messaging() {
        s.push_str(" [SM]");
    }
    if class.chaining() {
        s.push_str(" [chained]");
    }
    s
}

/// P1/P2 and visible data, per instruction.
fn detail(c: &Command) -> String {
    let gsm = Class(c.cla).family() == Family::Gsm;
    match c.ins {
        0xA4 if gsm => target(&c.data),
        0xA4 => select(c),
        0x04 | 0x44 if gsm => String::new(),
        0x04 | 0x44 => file_by_p1(c.p1, &c.data).unwrap_or_else(|| "current EF".to_string()),
        0xB0 | 0xD6 => binary(c.p1, c.p2, gsm),
        0xB2 | 0xDC => record(c.p1, c.p2),
        0xA2 if !gsm => search(c.p1, c.p2),
        0x20 | 0x24 | 0x26 | 0x28 | 0x2C => pin(c, gsm),
        0x88 | 0x89 if !gsm => authenticate(c.p1, c.p2),
        0x70 => manage_channel(c.p1, c.p2),
        0xF2 if ins::name(c.cla, c.ins, c.p1) == Some("STATUS") && !gsm => status(c.p1, c.p2),
        0xCA | 0xCB => format!("tag {:02X}{:02X}", c.p1, c.p2),
        _ => String::new(),
    }
}

/// TS 102 221 §11.1.1.2 Tables 11.1 and 11.2 (ISO/IEC 7816-4 §11.2.2 for P1 02 and
/// P2 b4–b3 = 00/10).
fn select(c: &Command) -> String {
    let mut parts = Vec::new();
    let by = match c.p1 {
        0x00 if c.data.is_empty() => "MF (no data)".to_string(),
        0x00 => format!("by FID {}", target(&c.data)),
        0x01 => format!("child DF {}", target(&c.data)),
        0x02 => format!("EF under current DF {}", target(&c.data)),
        0x03 => "parent DF".to_string(),
        0x04 => format!("by DF name {}", aid(&c.data)),
        0x08 => format!("by path from MF {}", path(&c.data)),
        0x09 => format!("by path from current DF {}", path(&c.data)),
        p1 => format!("P1 {p1:02X} {}", preview(&c.data)),
    };
    parts.push(by.trim_end().to_string());
    if c.p1 == 0x04 {
        match c.p2 & 0x03 {
            0x01 => parts.push("last occurrence".to_string()),
            0x02 => parts.push("next occurrence".to_string()),
            0x03 => parts.push("previous occurrence".to_string()),
            _ => {}
        }
        if c.p2 & 0x60 == 0x40 {
            parts.push("terminate application session".to_string());
        }
    }
    parts.push(
        match (c.p2 >> 2) & 0x03 {
            0 => "return FCI",
            1 => "return FCP",
            2 => "return FMD",
            _ => "no data returned",
        }
        .to_string(),
    );
    parts.join(", ")
}

/// DEACTIVATE / ACTIVATE FILE P1 (TS 102 221 §11.1.14): 00 by FID, 08/09 by path.
fn file_by_p1(p1: u8, data: &[u8]) -> Option<String> {
    if data.is_empty() {
        return None;
    }
    Some(match p1 {
        0x08 => format!("by path from MF {}", path(data)),
        0x09 => format!("by path from current DF {}", path(data)),
        _ => format!("by FID {}", target(data)),
    })
}

/// READ/UPDATE BINARY P1/P2 (TS 102 221 §11.1.3): b8 of P1 set → SFI in b5–b1 and offset
/// P2; otherwise a 15-bit offset. Class `A0` has a 16-bit offset (TS 51.011 §9.2.3).
fn binary(p1: u8, p2: u8, gsm: bool) -> String {
    if !gsm && p1 & 0x80 != 0 {
        format!("SFI {:02X}, offset {p2}", p1 & 0x1F)
    } else {
        let high = if gsm { p1 } else { p1 & 0x7F };
        format!("offset {}", u16::from_be_bytes([high, p2]))
    }
}

/// READ/UPDATE RECORD P1/P2 (TS 102 221 §11.1.5, ISO/IEC 7816-4 §11.4.2): P2 b8–b4 SFI
/// (0 = current EF), b3–b1 mode.
fn record(p1: u8, p2: u8) -> String {
    let mode = match p2 & 0x07 {
        0 => "first record".to_string(),
        1 => "last record".to_string(),
        2 => "next record".to_string(),
        3 => "previous record".to_string(),
        4 if p1 == 0 => "current record".to_string(),
        4 => format!("record {p1} (absolute)"),
        5 => format!("records {p1} to last"),
        6 => format!("records last to {p1}"),
        _ => "mode 7 (RFU)".to_string(),
    };
    with_sfi(mode, p2 >> 3)
}

/// SEARCH RECORD P1/P2 (TS 102 221 §11.1.7).
fn search(p1: u8, p2: u8) -> String {
    let mode = match p2 & 0x07 {
        4 => format!("forward from record {p1}"),
        5 => format!("backward from record {p1}"),
        6 => "enhanced search".to_string(),
        7 => "proprietary search".to_string(),
        m => format!("mode {m}"),
    };
    with_sfi(mode, p2 >> 3)
}

fn with_sfi(text: String, sfi: u8) -> String {
    if sfi == 0 {
        text
    } else {
        format!("{text}, SFI {sfi:02X}")
    }
}

/// PIN commands: key reference in P2 (TS 102 221 §9.5.1 Table 9.3; TS 51.011 §9.2.9 for
/// CHV numbers under class `A0`). The PIN itself is not shown.
fn pin(c: &Command, gsm: bool) -> String {
    let reference = if gsm {
        match c.p2 {
            0x00 if c.ins == 0x2C => "CHV1 (00)".to_string(),
            n => format!("CHV{n} ({n:02X})"),
        }
    } else {
        key_reference(c.p2)
    };
    let query = c.data.is_empty() && matches!(c.ins, 0x20 | 0x2C);
    if query {
        format!("{reference}, retry counter query")
    } else {
        reference
    }
}

/// TS 102 221 §9.5.1 Table 9.3: key references.
fn key_reference(p2: u8) -> String {
    match p2 {
        0x01..=0x08 => format!("PIN{p2} ({p2:02X})"),
        0x0A..=0x0E => format!("ADM{} ({p2:02X})", p2 - 0x09),
        0x11 => "UNIVERSAL PIN (11)".to_string(),
        0x81..=0x88 => format!("second PIN of app {} ({p2:02X})", p2 - 0x80),
        0x8A..=0x8E => format!("ADM{} ({p2:02X})", p2 - 0x84),
        _ => format!("key reference {p2:02X}"),
    }
}

/// AUTHENTICATE P2 (TS 102 221 §11.1.16; contexts from TS 31.102 §7.1.1.1).
fn authenticate(p1: u8, p2: u8) -> String {
    let mut s = if p2 & 0x80 == 0 {
        format!("global reference {:02X}", p2 & 0x1F)
    } else if p2 & 0x78 != 0 {
        format!("P2 {p2:02X}")
    } else {
        let context = match p2 & 0x07 {
            0 => "GSM",
            1 => "3G",
            2 => "VGCS/VBS",
            4 => "GBA",
            5 => "MBMS",
            6 => "local key establishment",
            _ => "RFU",
        };
        format!("{context} context")
    };
    if p1 != 0 {
        s.push_str(&format!(", P1 {p1:02X}"));
    }
    s
}

/// MANAGE CHANNEL (TS 102 221 §11.1.17): P1 00 open, 80 close; P2 the channel.
fn manage_channel(p1: u8, p2: u8) -> String {
    match (p1, p2) {
        (0x00, 0x00) => "open (card assigns channel)".to_string(),
        (0x00, n) => format!("open channel {n}"),
        (0x80, n) => format!("close channel {n}"),
        (p1, p2) => format!("P1 {p1:02X} P2 {p2:02X}"),
    }
}

/// STATUS (TS 102 221 §11.1.2).
fn status(p1: u8, p2: u8) -> String {
    let mut parts = Vec::new();
    match p1 {
        0x00 => {}
        0x01 => parts.push("application initialized".to_string()),
        0x02 => parts.push("application terminating".to_string()),
        other => parts.push(format!("P1 {other:02X}")),
    }
    parts.push(match p2 {
        0x00 => "return FCP".to_string(),
        0x01 => "return DF name".to_string(),
        0x0C => "no data returned".to_string(),
        other => format!("P2 {other:02X}"),
    });
    parts.join(", ")
}

/// Extra text after the response length, where the response says something short.
fn response_detail(c: &Command, r: &Response) -> String {
    match (c.ins, c.p1, r.data.as_slice()) {
        (0x70, 0x00, [ch]) if r.sw.is_ok() => format!(" (channel {ch})"),
        _ => String::new(),
    }
}

/// `Lc 2`, `Le 256`, `Lc 16, Le 256`, `no Lc/Le`; `, extended` for the extended form.
fn lengths(c: &Command) -> String {
    let mut s = match (c.case(), c.le) {
        (Case::One, _) => "no Lc/Le".to_string(),
        (Case::Three, _) | (_, None) => format!("Lc {}", c.data.len()),
        (Case::Two, Some(le)) => format!("Le {le}"),
        (Case::Four, Some(le)) => format!("Lc {}, Le {le}", c.data.len()),
    };
    if c.extended && c.case() != Case::One {
        s.push_str(", extended");
    }
    s
}

fn data_len(n: usize) -> String {
    match n {
        0 => "no data".to_string(),
        1 => "1 byte".to_string(),
        n => format!("{n} bytes"),
    }
}

/// A file ID with its name when known, or the raw bytes.
fn target(data: &[u8]) -> String {
    match data {
        [h, l] => fid(u16::from_be_bytes([*h, *l])),
        [] => String::new(),
        other => preview(other),
    }
}

fn fid(id: u16) -> String {
    match fid_name(id) {
        Some(name) => format!("{id:04X} ({name})"),
        None => format!("{id:04X}"),
    }
}

/// A path of file IDs, `7FFF/6F07 (EF.IMSI)`: the last element named.
fn path(data: &[u8]) -> String {
    let chunks = data.chunks_exact(2);
    if !chunks.remainder().is_empty() || data.is_empty() {
        return preview(data);
    }
    let ids: Vec<u16> = chunks
        .filter_map(|p| match p {
            [h, l] => Some(u16::from_be_bytes([*h, *l])),
            _ => None,
        })
        .collect();
    let text: Vec<String> = ids.iter().map(|id| format!("{id:04X}")).collect();
    let mut s = text.join("/");
    if let Some(name) = ids.last().and_then(|id| fid_name(*id)) {
        s.push_str(&format!(" ({name})"));
    }
    s
}

/// Well-known file IDs: TS 102 221 §13, TS 31.102 §4.2 and §4.4, TS 51.011 §10.
const FIDS: &[(u16, &str)] = &[
    (0x3F00, "MF"),
    (0x2F00, "EF.DIR"),
    (0x2FE2, "EF.ICCID"),
    (0x2F05, "EF.PL"),
    (0x2F06, "EF.ARR"),
    (0x2F08, "EF.UMPC"),
    (0x7FFF, "current ADF"),
    (0x7F10, "DF.TELECOM"),
    (0x7F20, "DF.GSM"),
    (0x5F3A, "DF.PHONEBOOK"),
    (0x6F05, "EF.LI"),
    (0x6F06, "EF.ARR"),
    (0x6F07, "EF.IMSI"),
    (0x6F08, "EF.Keys"),
    (0x6F09, "EF.KeysPS"),
    (0x6F20, "EF.Kc"),
    (0x6F31, "EF.HPPLMN"),
    (0x6F38, "EF.UST/SST"),
    (0x6F3B, "EF.FDN"),
    (0x6F3C, "EF.SMS"),
    (0x6F3E, "EF.GID1"),
    (0x6F3F, "EF.GID2"),
    (0x6F40, "EF.MSISDN"),
    (0x6F42, "EF.SMSP"),
    (0x6F46, "EF.SPN"),
    (0x6F56, "EF.EST"),
    (0x6F5B, "EF.START-HFN"),
    (0x6F5C, "EF.THRESHOLD"),
    (0x6F60, "EF.PLMNwAcT"),
    (0x6F61, "EF.OPLMNwAcT"),
    (0x6F62, "EF.HPLMNwAcT"),
    (0x6F73, "EF.PSLOCI"),
    (0x6F78, "EF.ACC"),
    (0x6F7B, "EF.FPLMN"),
    (0x6F7E, "EF.LOCI"),
    (0x6FAD, "EF.AD"),
    (0x6FB7, "EF.ECC"),
];

fn fid_name(id: u16) -> Option<&'static str> {
    FIDS.iter().find(|(f, _)| *f == id).map(|(_, n)| *n)
}

/// Well-known AIDs (prefixes): 3GPP TS 31.102 Annex A / TS 101 220 (USIM, ISIM),
/// GSMA SGP.22 §2.2.3 (ISD-R, ECASD), GlobalPlatform Card Specification (ISD).
const AIDS: &[(&[u8], &str)] = &[
    (&[0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02], "USIM"),
    (&[0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x04], "ISIM"),
    (&[0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x0B], "USIM non-IMSI"),
    (
        &[
            0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00,
            0x01, 0x00,
        ],
        "ISD-R",
    ),
    (
        &[
            0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00,
            0x02, 0x00,
        ],
        "ECASD",
    ),
    (&[0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00], "ISD"),
    (&[0xA0, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00], "ISD"),
];

fn aid(data: &[u8]) -> String {
    let text = preview(data);
    match AIDS.iter().find(|(prefix, _)| data.starts_with(prefix)) {
        Some((_, name)) => format!("{text} ({name})"),
        None => text,
    }
}

/// Upper-case hex, cut after [`PREVIEW`] bytes.
fn preview(bytes: &[u8]) -> String {
    match bytes.get(..PREVIEW) {
        Some(head) if bytes.len() > PREVIEW => {
            format!("{}… (+{} bytes)", hex::encode(head), bytes.len() - PREVIEW)
        }
        _ => hex::encode(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex::decode as h;
    use proptest::prelude::*;

    fn d(cmd: &str, rsp: &str) -> String {
        describe(&h(cmd).unwrap(), &h(rsp).unwrap())
    }

    // pySim-shell test_apdu_legacy.script `apdu 00a40004023f00`; response: FCP of MF from
    // a real card (pySim tests/card_sanitizer card_backup_3b9f9580…script) and 9000.
    #[test]
    fn select_mf() {
        assert_eq!(
            d("00a40004023f00", "621d8202782183023f00a5038001718a01058b032f0603c606900100830101 9000"),
            "ch0 SELECT by FID 3F00 (MF), return FCP | Lc 2 | 31 bytes | 9000 normal ending of the command"
        );
        // Same, pySim-shell test_apdu.script with Le 00.
        assert_eq!(
            describe_command(&h("00a40004023f0000").unwrap()),
            "ch0 SELECT by FID 3F00 (MF), return FCP | Lc 2, Le 256"
        );
    }

    // USIM AID as listed in EF.DIR of a real card (pySim-trace_test_gsmtap.pcapng.ok).
    #[test]
    fn select_usim_by_aid() {
        assert_eq!(
            d("00A4040410A0000000871002FFFFFFFF890709000000", "6A82"),
            "ch0 SELECT by DF name A0000000871002FFFFFFFF8907090000 (USIM), return FCP | Lc 16, Le 256 \
             | no data | 6A82 file or application not found"
        );
        // SGP.22 ISD-R on channel 1, no response data (P2 0C).
        assert_eq!(
            describe_command(&h("01A4040C10A0000005591010FFFFFFFF8900000100").unwrap()),
            "ch1 SELECT by DF name A0000005591010FFFFFFFF8900000100 (ISD-R), no data returned | Lc 16"
        );
    }

    // TS 102 221 §11.1.9 VERIFY PIN1 with an 8-byte padded PIN; wrong PIN → 63C2.
    #[test]
    fn verify_wrong_pin() {
        assert_eq!(
            d("0020000108 3131313131FFFFFF", "63C2"),
            "ch0 VERIFY PIN1 (01) | Lc 8 | no data | 63C2 verification failed, 2 retries left"
        );
        // pySim-trace test output: VERIFY / UNBLOCK without data = retry counter query.
        assert_eq!(
            d("00200081", "63C3"),
            "ch0 VERIFY second PIN of app 1 (81), retry counter query | no Lc/Le | no data \
             | 63C3 verification failed, 3 retries left"
        );
        assert_eq!(
            describe_command(&h("002000 0A 08 3132333435363738").unwrap()),
            "ch0 VERIFY ADM1 (0A) | Lc 8"
        );
        assert_eq!(
            describe_command(&h("0020001108 31323334FFFFFFFF").unwrap()),
            "ch0 VERIFY UNIVERSAL PIN (11) | Lc 8"
        );
        // TS 51.011 §9.2.9 VERIFY CHV1 under class A0.
        assert_eq!(
            describe_command(&h("A020000108 31323334FFFFFFFF").unwrap()),
            "ch0 VERIFY CHV CHV1 (01) | Lc 8"
        );
    }

    #[test]
    fn binary_record_status_channel() {
        // TS 102 221 §11.1.3: READ BINARY 9 bytes at offset 0; the response is an EF.IMSI
        // content from pySim ts_51_011.py EF_IMSI `_test_de_encode`.
        assert_eq!(
            d("00B0000009", "082982608200002080 9000"),
            "ch0 READ BINARY offset 0 | Le 9 | 9 bytes | 9000 normal ending of the command"
        );
        // READ BINARY by SFI 07 (EF.IMSI, TS 31.102 §4.2.2).
        assert_eq!(
            describe_command(&h("00B0870009").unwrap()),
            "ch0 READ BINARY SFI 07, offset 0 | Le 9"
        );
        // TS 102 221 §11.1.5: READ RECORD 1 absolute of EF.DIR (pySim-trace test), length 0x26.
        assert_eq!(
            describe_command(&h("00B2010426").unwrap()),
            "ch0 READ RECORD record 1 (absolute) | Le 38"
        );
        assert_eq!(
            describe_command(&h("00B2000400").unwrap()),
            "ch0 READ RECORD current record | Le 256"
        );
        assert_eq!(
            describe_command(&h("00DC000B02 AABB").unwrap()),
            "ch0 UPDATE RECORD previous record, SFI 01 | Lc 2"
        );
        assert_eq!(
            describe_command(&h("00DC000A02 AABB").unwrap()),
            "ch0 UPDATE RECORD next record, SFI 01 | Lc 2"
        );
        // TS 102 221 §11.1.2 STATUS, no data returned.
        assert_eq!(
            d("80F2000C00", "9000"),
            "ch0 STATUS no data returned | Le 256 | no data | 9000 normal ending of the command"
        );
        // TS 102 221 §11.1.17: MANAGE CHANNEL open, card assigns channel 1.
        assert_eq!(
            d("0070000001", "01 9000"),
            "ch0 MANAGE CHANNEL open (card assigns channel) | Le 1 | 1 byte (channel 1) | 9000 normal ending of the command"
        );
        assert_eq!(
            describe_command(&h("00708001").unwrap()),
            "ch0 MANAGE CHANNEL close channel 1 | no Lc/Le"
        );
        // Channel 5 in the further inter-industry class (TS 102 221 Table 10.4b).
        assert_eq!(
            describe_command(&h("41B0000001").unwrap()),
            "ch5 READ BINARY offset 0 | Le 1"
        );
    }

    // pySim unittests test_apdu.py: USIM AUTHENTICATE, 3G context; response DB RES CK IK.
    #[test]
    fn authenticate_3g() {
        let rsp = "DB08a0a1a2a3a4a5a6a7 10b0b1b2b3b4b5b6b7b8b9babbbcbdbebf 10c0c1c2c3c4c5c6c7c8c9cacbcccdcecf 9000";
        assert_eq!(
            d("8088008112080001020304050607081011121314151617", rsp),
            "ch0 AUTHENTICATE 3G context | Lc 18 | 44 bytes | 9000 normal ending of the command"
        );
        assert_eq!(
            describe_command(&h("80880080 09 080001020304050607").unwrap()),
            "ch0 AUTHENTICATE GSM context | Lc 9"
        );
    }

    #[test]
    fn path_select_and_unknowns() {
        // TS 102 221 §11.1.1: select by path from MF to ADF/EF.IMSI.
        assert_eq!(
            describe_command(&h("00A40804047FFF6F07").unwrap()),
            "ch0 SELECT by path from MF 7FFF/6F07 (EF.IMSI), return FCP | Lc 4"
        );
        // Unknown instruction.
        assert_eq!(
            describe_command(&h("00010000").unwrap()),
            "ch0 INS 01 | no Lc/Le"
        );
        // Reserved class: no channel.
        assert_eq!(
            describe_command(&h("FF010000").unwrap()),
            "CLA FF INS 01 | no Lc/Le"
        );
    }

    #[test]
    fn malformed() {
        assert_eq!(
            describe_command(&[0x00, 0xA4]),
            "malformed C-APDU (truncated C-APDU header): 00A4"
        );
        assert_eq!(
            d("00A4000403 3F00", "6700"),
            "malformed C-APDU (truncated command data): 00A40004033F00 | no data | 6700 wrong length"
        );
        assert_eq!(
            d("00B0000009", "90"),
            "ch0 READ BINARY offset 0 | Le 9 | malformed R-APDU (truncated SW1-SW2): 90"
        );
        assert_eq!(
            d("00B0000009", ""),
            "ch0 READ BINARY offset 0 | Le 9 | no response"
        );
        let long = vec![0u8; 100];
        assert!(describe_command(&long).ends_with("… (+36 bytes)"));
    }

    proptest! {
        #[test]
        fn never_panics(cmd in prop::collection::vec(any::<u8>(), 0..80), rsp in prop::collection::vec(any::<u8>(), 0..40)) {
            let line = describe(&cmd, &rsp);
            prop_assert!(!line.contains('\n'));
        }

        #[test]
        fn never_panics_on_headers(header in any::<[u8; 4]>(), data in prop::collection::vec(any::<u8>(), 0..20), sw in any::<[u8; 2]>()) {
            let mut cmd = header.to_vec();
            if !data.is_empty() {
                cmd.push(u8::try_from(data.len()).unwrap());
                cmd.extend(&data);
            }
            let _ = describe(&cmd, &sw);
        }
    }
}
