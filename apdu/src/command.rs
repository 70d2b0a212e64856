//! The command APDU (C-APDU): cases 1–4 in short and extended length forms.
//!
//! Coding per ISO/IEC 7816-4 §5.1 (Table 1 and the case rules) and ISO/IEC 7816-3 §12.1.3:
//!
//! | case | bytes after the 4-byte header |
//! |---|---|
//! | 1 | none |
//! | 2S | Le (1 byte, `00` = 256) |
//! | 3S | Lc (1 byte, `01`–`FF`), data |
//! | 4S | Lc, data, Le (1 byte) |
//! | 2E | `00`, Le (2 bytes, `0000` = 65536) |
//! | 3E | `00`, Lc (2 bytes, `0001`–`FFFF`), data |
//! | 4E | `00`, Lc (2 bytes), data, Le (2 bytes, `0000` = 65536) |
//!
//! Under T=0 (ISO/IEC 7816-3 §12.2, TS 102 221 §7.3.1) a case 4 command travels
//! without Le; turning TPDUs into APDUs is [`crate::t0`]'s job.

use core::fmt;

use crate::class::Class;
use crate::error::{Error, Result};

/// Largest Nc in the short form (ISO/IEC 7816-4 §5.1).
const SHORT_MAX_NC: usize = 255;
/// Largest Ne in the short form (Le `00`).
const SHORT_MAX_NE: usize = 256;
/// Largest Nc in the extended form.
const EXT_MAX_NC: usize = 65_535;
/// Largest Ne in the extended form (Le `0000`).
const EXT_MAX_NE: usize = 65_536;

/// The four command cases of ISO/IEC 7816-3 §12.1.3 / ISO/IEC 7816-4 §5.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    /// No command data, no response data expected.
    One,
    /// No command data, response data expected (Le present).
    Two,
    /// Command data, no response data expected (Lc present).
    Three,
    /// Command data and response data expected (Lc and Le present).
    Four,
}

/// A command APDU (ISO/IEC 7816-4 §5.1).
///
/// `le` holds Ne, the maximum number of response bytes expected (1–256 short,
/// 1–65536 extended; the wire values `00` / `0000` mean 256 / 65536). `extended` records
/// the length form; it is set by [`Command::decode`] and by the builders when the
/// values need it, and is ignored for case 1, which has one form only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Command {
    /// Class byte (see [`Class`]).
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    /// Command data (Nc = `data.len()`).
    pub data: Vec<u8>,
    /// Ne, or `None` when no response data is expected.
    pub le: Option<usize>,
    /// Whether Lc/Le use the extended (3-byte / 2-byte) form.
    pub extended: bool,
}

impl Command {
    /// A case 1 command with the given header.
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Command {
        Command {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            le: None,
            extended: false,
        }
    }

    /// Sets the command data; switches to the extended form if Nc > 255.
    pub fn with_data(mut self, data: Vec<u8>) -> Command {
        if data.len() > SHORT_MAX_NC {
            self.extended = true;
        }
        self.data = data;
        self
    }

    /// Sets Ne; switches to the extended form if Ne > 256.
    pub fn with_le(mut self, ne: usize) -> Command {
        if ne > SHORT_MAX_NE {
            self.extended = true;
        }
        self.le = Some(ne);
        self
    }

    /// Chooses the extended length form explicitly (ISO/IEC 7816-4 §5.1).
    pub fn with_extended(mut self, extended: bool) -> Command {
        self.extended = extended;
        self
    }

    /// The case, from the presence of data and Le.
    pub fn case(&self) -> Case {
        match (self.data.is_empty(), self.le.is_some()) {
            (true, false) => Case::One,
            (true, true) => Case::Two,
            (false, false) => Case::Three,
            (false, true) => Case::Four,
        }
    }

    /// The class byte, decoded.
    pub fn class(&self) -> Class {
        Class(self.cla)
    }

    /// CLA, INS, P1, P2.
    pub fn header(&self) -> [u8; 4] {
        [self.cla, self.ins, self.p1, self.p2]
    }

    /// Decodes a C-APDU per ISO/IEC 7816-4 §5.1 / ISO/IEC 7816-3 §12.1.3.
    ///
    /// Anything that fits none of the seven layouts is an error: fewer than 4 bytes,
    /// a 6-byte command whose fifth byte is `00`, extended Lc `0000`, data shorter or
    /// longer than Lc says, or a 1-byte Le after an extended Lc.
    pub fn decode(bytes: &[u8]) -> Result<Command> {
        let (header, body) = match bytes {
            [cla, ins, p1, p2, body @ ..] => ([*cla, *ins, *p1, *p2], body),
            _ => return Err(Error::Truncated("C-APDU header")),
        };
        let [cla, ins, p1, p2] = header;
        let mut cmd = Command::new(cla, ins, p1, p2);
        match body {
            // Case 1.
            [] => {}
            // Case 2S.
            [le] => cmd.le = Some(short_ne(*le)),
            [0x00, rest @ ..] => {
                cmd.extended = true;
                match rest {
                    // Case 2E.
                    [h, l] => cmd.le = Some(ext_ne(*h, *l)),
                    [h, l, tail @ ..] => {
                        let nc = usize::from(u16::from_be_bytes([*h, *l]));
                        if nc == 0 {
                            return Err(Error::Invalid("extended Lc 0000"));
                        }
                        let data = tail.get(..nc).ok_or(Error::Truncated("command data"))?;
                        match tail.get(nc..).unwrap_or_default() {
                            // Case 3E.
                            [] => {}
                            // Case 4E.
                            [h, l] => cmd.le = Some(ext_ne(*h, *l)),
                            [_] => return Err(Error::Invalid("Le (1 byte after extended Lc)")),
                            _ => return Err(Error::TrailingData("extended Le")),
                        }
                        cmd.data = data.to_vec();
                    }
                    _ => return Err(Error::Truncated("extended length field")),
                }
            }
            [lc, tail @ ..] => {
                let nc = usize::from(*lc);
                let data = tail.get(..nc).ok_or(Error::Truncated("command data"))?;
                match tail.get(nc..).unwrap_or_default() {
                    // Case 3S.
                    [] => {}
                    // Case 4S.
                    [le] => cmd.le = Some(short_ne(*le)),
                    _ => return Err(Error::TrailingData("Le")),
                }
                cmd.data = data.to_vec();
            }
        }
        Ok(cmd)
    }

    /// Encodes the C-APDU, in the short form unless `extended` is set or Nc > 255 or
    /// Ne > 256 (ISO/IEC 7816-4 §5.1).
    ///
    /// Errors: Nc > 65535 or Ne > 65536 ([`Error::TooLong`]); Ne = 0 ([`Error::Invalid`]).
    pub fn encode(&self) -> Result<Vec<u8>> {
        let fields = self.length_fields()?;
        let mut out = Vec::with_capacity(4 + fields.lc.len() + self.data.len() + fields.le.len());
        out.extend_from_slice(&self.header());
        out.extend_from_slice(&fields.lc);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&fields.le);
        Ok(out)
    }

    /// The encoded Lc and Le fields (each empty when absent).
    fn length_fields(&self) -> Result<LengthFields> {
        let nc = self.data.len();
        if nc > EXT_MAX_NC {
            return Err(Error::TooLong("Lc"));
        }
        match self.le {
            Some(0) => return Err(Error::Invalid("Le (Ne 0)")),
            Some(ne) if ne > EXT_MAX_NE => return Err(Error::TooLong("Le")),
            _ => {}
        }
        let extended =
            self.extended || nc > SHORT_MAX_NC || self.le.is_some_and(|ne| ne > SHORT_MAX_NE);
        let mut fields = LengthFields::default();
        if extended {
            if nc > 0 {
                fields.lc.push(0x00);
                fields.lc.extend_from_slice(&u16_field(nc));
            }
            if let Some(ne) = self.le {
                if nc == 0 {
                    fields.le.push(0x00);
                }
                fields.le.extend_from_slice(&u16_field(ne));
            }
        } else {
            if nc > 0 {
                fields.lc.push(u8_field(nc));
            }
            if let Some(ne) = self.le {
                fields.le.push(u8_field(ne));
            }
        }
        Ok(fields)
    }
}

/// The Lc and Le fields as they go on the wire.
#[derive(Default)]
struct LengthFields {
    lc: Vec<u8>,
    le: Vec<u8>,
}

/// Short Le: `00` means 256.
fn short_ne(le: u8) -> usize {
    if le == 0 {
        SHORT_MAX_NE
    } else {
        usize::from(le)
    }
}

/// Extended Le: `0000` means 65536.
fn ext_ne(h: u8, l: u8) -> usize {
    match u16::from_be_bytes([h, l]) {
        0 => EXT_MAX_NE,
        n => usize::from(n),
    }
}

/// A short length byte; 256 (only reachable for Ne) encodes as `00`.
fn u8_field(n: usize) -> u8 {
    u8::try_from(n).unwrap_or(0)
}

/// An extended length field; 65536 (only reachable for Ne) encodes as `0000`.
fn u16_field(n: usize) -> [u8; 2] {
    u16::try_from(n).unwrap_or(0).to_be_bytes()
}

/// Spaced hex: header bytes, then Lc, data and Le as one token each, e.g.
/// `00 A4 00 04 02 3F00` or `00 B0 00 00 00` (Le `00`).
impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [cla, ins, p1, p2] = self.header();
        write!(f, "{cla:02X} {ins:02X} {p1:02X} {p2:02X}")?;
        match self.length_fields() {
            Ok(fields) => {
                for part in [&fields.lc[..], &self.data[..], &fields.le[..]] {
                    if !part.is_empty() {
                        write!(f, " {}", crate::hex::encode(part))?;
                    }
                }
                Ok(())
            }
            Err(e) => write!(f, " ({e})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex::decode as h;
    use proptest::prelude::*;

    fn dec(s: &str) -> Result<Command> {
        Command::decode(&h(s).unwrap())
    }

    // Case 1: TS 102 221 §11.1.15 ACTIVATE FILE on the current EF, no data.
    #[test]
    fn case_1() {
        let c = dec("00440000").unwrap();
        assert_eq!(c, Command::new(0x00, 0x44, 0x00, 0x00));
        assert_eq!(c.case(), Case::One);
        assert_eq!(c.encode().unwrap(), h("00440000").unwrap());
    }

    // Case 2S: TS 102 221 §11.1.3 READ BINARY of 9 bytes (EF.IMSI, TS 31.102 §4.2.2).
    #[test]
    fn case_2s() {
        let c = dec("00 B0 0000 09").unwrap();
        assert_eq!(c.case(), Case::Two);
        assert_eq!(c.le, Some(9));
        assert!(!c.extended);
        // TS 102 221 §11.1.2 STATUS, P2 0C "no data returned", Le 00 = 256 (ISO/IEC 7816-4 §5.1).
        let s = dec("80 F2 000C 00").unwrap();
        assert_eq!(
            (s.cla, s.ins, s.p1, s.p2, s.le),
            (0x80, 0xF2, 0x00, 0x0C, Some(256))
        );
        assert_eq!(s.encode().unwrap(), h("80F2000C00").unwrap());
    }

    // Case 3S: pySim-shell test_apdu_legacy.script `apdu 00a40004023f00` (SELECT MF, return FCP).
    #[test]
    fn case_3s() {
        let c = dec("00A40004 02 3F00").unwrap();
        assert_eq!(c.case(), Case::Three);
        assert_eq!(c.data, vec![0x3F, 0x00]);
        assert_eq!(c.le, None);
        assert_eq!(c.to_string(), "00 A4 00 04 02 3F00");
    }

    // Case 4S: pySim-shell test_apdu.script `apdu 00a40004023f0000` (same SELECT with Le 00).
    #[test]
    fn case_4s() {
        let c = dec("00A40004 02 3F00 00").unwrap();
        assert_eq!(c.case(), Case::Four);
        assert_eq!(c.le, Some(256));
        assert_eq!(c.to_string(), "00 A4 00 04 02 3F00 00");
        // pySim unittests test_apdu.py: USIM AUTHENTICATE (3G context) without Le.
        let a = dec("80880081 12 080001020304050607081011121314151617").unwrap();
        assert_eq!(a.case(), Case::Three);
        assert_eq!(a.data.len(), 0x12);
    }

    // Case 2E: ISO/IEC 7816-4 §5.1: B1 = 00 then 2-byte Le; 0000 means 65536.
    #[test]
    fn case_2e() {
        let c = dec("00B00000 00 0000").unwrap();
        assert_eq!(
            (c.case(), c.le, c.extended),
            (Case::Two, Some(65_536), true)
        );
        let c = dec("00B00000 00 0100").unwrap();
        assert_eq!(c.le, Some(256));
        assert_eq!(c.encode().unwrap(), h("00B00000 00 0100").unwrap());
    }

    // Case 3E / 4E: ISO/IEC 7816-4 §5.1: 00, 2-byte Lc (0001..FFFF), data [, 2-byte Le].
    #[test]
    fn case_3e_4e() {
        let c = dec("00D60000 00 0003 AABBCC").unwrap();
        assert_eq!((c.case(), c.extended), (Case::Three, true));
        assert_eq!(c.data, vec![0xAA, 0xBB, 0xCC]);
        let c = dec("00880000 00 0002 1122 0000").unwrap();
        assert_eq!(
            (c.case(), c.le, c.extended),
            (Case::Four, Some(65_536), true)
        );
        assert_eq!(c.to_string(), "00 88 00 00 000002 1122 0000");
        // 300 data bytes need the extended form.
        let mut bytes = h("00D60000 00 012C").unwrap();
        bytes.extend(std::iter::repeat_n(0x5A, 300));
        bytes.extend([0x01, 0x00]);
        let c = Command::decode(&bytes).unwrap();
        assert_eq!((c.data.len(), c.le), (300, Some(256)));
        assert_eq!(c.encode().unwrap(), bytes);
    }

    // Invalid encodings per ISO/IEC 7816-4 §5.1.
    #[test]
    fn invalid_encodings() {
        // Header too short.
        assert_eq!(dec("00A4"), Err(Error::Truncated("C-APDU header")));
        // Short Lc 00 followed by one byte: neither 2S nor an extended form.
        assert_eq!(
            dec("00A40004 00 3F"),
            Err(Error::Truncated("extended length field"))
        );
        // Lc larger than the data.
        assert_eq!(
            dec("00A40004 03 3F00"),
            Err(Error::Truncated("command data"))
        );
        // Lc smaller than the data (more than one byte left for Le).
        assert_eq!(dec("00A40004 01 3F00 00"), Err(Error::TrailingData("Le")));
        // Extended Lc 0000.
        assert_eq!(
            dec("00A40004 00 0000 3F00"),
            Err(Error::Invalid("extended Lc 0000"))
        );
        // Extended Lc with a short (1-byte) Le.
        assert_eq!(
            dec("00A40004 00 0002 3F00 00"),
            Err(Error::Invalid("Le (1 byte after extended Lc)"))
        );
        // Extended Lc longer than the data.
        assert_eq!(
            dec("00A40004 00 0003 3F00"),
            Err(Error::Truncated("command data"))
        );
        // Extended: too many bytes after the data.
        assert_eq!(
            dec("00A40004 00 0002 3F00 000000"),
            Err(Error::TrailingData("extended Le"))
        );
    }

    #[test]
    fn encode_limits_and_forms() {
        let c = Command::new(0, 0xB0, 0, 0).with_le(257);
        assert!(c.extended);
        assert_eq!(c.encode().unwrap(), h("00B00000 00 0101").unwrap());
        let c = Command::new(0, 0xB0, 0, 0).with_le(65_537);
        assert_eq!(c.encode(), Err(Error::TooLong("Le")));
        let c = Command::new(0, 0xB0, 0, 0).with_le(0);
        assert_eq!(c.encode(), Err(Error::Invalid("Le (Ne 0)")));
        let c = Command::new(0, 0xD6, 0, 0).with_data(vec![0; 65_536]);
        assert_eq!(c.encode(), Err(Error::TooLong("Lc")));
        // Case 1 has one form only.
        let c = Command::new(0, 0x44, 0, 0).with_extended(true);
        assert_eq!(c.encode().unwrap(), h("00440000").unwrap());
        // Short data can still be sent extended on request.
        let c = Command::new(0, 0xA4, 0, 4)
            .with_data(vec![0x3F, 0x00])
            .with_extended(true);
        assert_eq!(c.encode().unwrap(), h("00A40004 00 0002 3F00").unwrap());
        assert_eq!(Command::new(0x81, 0xF2, 0, 0).class(), Class(0x81));
        assert_eq!(Command::new(0x81, 0xF2, 1, 2).header(), [0x81, 0xF2, 1, 2]);
    }

    fn command() -> impl Strategy<Value = Command> {
        (
            any::<[u8; 4]>(),
            prop_oneof![
                prop::collection::vec(any::<u8>(), 0..=300),
                prop::collection::vec(any::<u8>(), 65_530..=65_535)
            ],
            prop::option::of(prop_oneof![1usize..=300, 65_000usize..=65_536]),
            any::<bool>(),
        )
            .prop_map(|([cla, ins, p1, p2], data, le, ext)| {
                let mut c = Command::new(cla, ins, p1, p2).with_data(data);
                if let Some(ne) = le {
                    c = c.with_le(ne);
                }
                // Case 1 has no extended form.
                c.extended = (c.extended || ext) && c.case() != Case::One;
                c
            })
    }

    proptest! {
        #[test]
        fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
            let _ = Command::decode(&bytes);
        }

        #[test]
        fn decode_encode_round_trip(c in command()) {
            let bytes = c.encode().unwrap();
            prop_assert_eq!(Command::decode(&bytes).unwrap(), c);
        }

        #[test]
        fn encode_decode_is_canonical(bytes in prop::collection::vec(any::<u8>(), 4..12)) {
            if let Ok(c) = Command::decode(&bytes) {
                prop_assert_eq!(c.encode().unwrap(), bytes);
            }
        }

        #[test]
        fn structured_bytes_are_canonical(
            header in any::<[u8; 4]>(),
            data in prop::collection::vec(any::<u8>(), 1..=255),
            le in any::<u8>(),
            shape in 0u8..4,
        ) {
            let mut bytes = header.to_vec();
            match shape {
                0 => bytes.push(le),
                1 => { bytes.push(u8::try_from(data.len()).unwrap()); bytes.extend(&data); }
                2 => { bytes.push(u8::try_from(data.len()).unwrap()); bytes.extend(&data); bytes.push(le); }
                _ => { bytes.push(0); bytes.extend(u16::try_from(data.len()).unwrap().to_be_bytes()); bytes.extend(&data); bytes.extend([le, le]); }
            }
            let c = Command::decode(&bytes).unwrap();
            prop_assert_eq!(c.encode().unwrap(), bytes);
        }
    }
}
