//! A sans-I/O T=0 engine, card side and reader side: ISO/IEC 7816-3:2006 §10.3
//! (command header, procedure bytes) and §12.2 (transport of short APDUs), ETSI TS 102 221
//! §7.2 (T=0, Table 7.1 procedure bytes) and §7.3.1 (mapping of cases 1–4, GET RESPONSE,
//! `61xx`, `6Cxx`), and 3GPP TS 51.011 §9.4.1 for the GSM class `A0` (`9Fxx` instead of
//! `61xx`).
//!
//! - [`CardT0`]: the card at TPDU level, for hosts that see the 5-byte header, answer
//!   with procedure bytes and then receive the command data (SIMtrace2 cardem, a UART).
//! - [`ApduT0`]: the card for bridges that carry whole APDUs but announce T=0 in the ATR
//!   (vpcd behind pcscd): case-4 APDUs arrive without Le and GET RESPONSE follows.
//! - [`ReaderT0`]: the terminal, turning one C-APDU into TPDUs, following `61xx`, `9Fxx`
//!   and `6Cxx`, at APDU level (PC/SC) or byte by byte (serial readers).
//!
//! Both card sides share one engine (GET RESPONSE queue, `61xx`/`9Fxx`, `6Cxx` and the
//! re-issue cache), so the T=0 rules exist once. Nothing here does I/O or keeps time: the
//! host moves bytes and calls the methods. No method panics on any input.

mod card;
mod engine;
mod reader;

#[cfg(test)]
mod loopback;

pub use crate::ins::Direction;
pub use card::{ApduStep, ApduT0, CardStep, CardT0, Expect};
pub use reader::{ByteStep, ReaderStep, ReaderT0};

use crate::{Error, Result};

/// The NULL procedure byte `60`: the card asks for more time and the terminal keeps
/// waiting (ISO/IEC 7816-3:2006 §10.3.3; ETSI TS 102 221 §7.2, Table 7.1).
pub const NULL: u8 = 0x60;

/// INS of GET RESPONSE, the T=0 command that fetches response data after `61xx`/`9Fxx`
/// (ETSI TS 102 221 §12.1.1; 3GPP TS 51.011 §9.2.18).
pub const GET_RESPONSE: u8 = 0xC0;

/// The direction decision used by default: [`crate::ins::direction`] (what P3 means for
/// a class and instruction under T=0).
pub type DirectionFn = fn(u8, u8, u8, u8) -> Direction;

/// The 5-byte T=0 command header `CLA INS P1 P2 P3` (ISO/IEC 7816-3:2006 §10.3.2).
///
/// P3 is Lc for incoming transfers (0 = no data, case 1) and Le for outgoing transfers
/// (0 = 256 bytes); the header alone does not say which (see [`crate::ins::direction`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// Class byte.
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    /// Length of the data transfer (Lc or Le).
    pub p3: u8,
}

impl Header {
    /// Length of a header on the wire.
    pub const LEN: usize = 5;

    /// The header from its five bytes.
    pub const fn from_bytes(bytes: [u8; 5]) -> Header {
        let [cla, ins, p1, p2, p3] = bytes;
        Header {
            cla,
            ins,
            p1,
            p2,
            p3,
        }
    }

    /// The five bytes of this header.
    pub const fn to_bytes(self) -> [u8; 5] {
        [self.cla, self.ins, self.p1, self.p2, self.p3]
    }

    /// Decodes exactly five bytes.
    pub fn decode(bytes: &[u8]) -> Result<Header> {
        match bytes.split_first_chunk::<5>() {
            None => Err(Error::Truncated("T=0 header")),
            Some((head, [])) => Ok(Header::from_bytes(*head)),
            Some(_) => Err(Error::TrailingData("T=0 header")),
        }
    }

    /// `CLA INS P1 P2`, the part a re-issued command repeats.
    pub const fn command(self) -> [u8; 4] {
        [self.cla, self.ins, self.p1, self.p2]
    }

    /// Number of bytes an outgoing transfer carries: P3, with `00` meaning 256
    /// (ISO/IEC 7816-3:2006 §10.3.2).
    pub const fn outgoing_len(self) -> usize {
        if self.p3 == 0 {
            256
        } else {
            self.p3 as usize
        }
    }

    /// Whether INS is usable under T=0: `6X` and `9X` are procedure/status bytes and
    /// are invalid as INS (ISO/IEC 7816-3:2006 §10.3.2).
    pub const fn ins_valid(self) -> bool {
        !matches!(self.ins & 0xF0, 0x60 | 0x90)
    }
}

/// Whether `byte` is a status byte SW1 (`6X` other than `60`, or `9X`), which ends the
/// TPDU with one more byte SW2 (ISO/IEC 7816-3:2006 §10.3.3).
pub const fn is_sw1(byte: u8) -> bool {
    byte != NULL && matches!(byte & 0xF0, 0x60 | 0x90)
}

/// The length byte for `n` bytes in `61xx`, `9Fxx` or `6Cxx`: `n` for 1–255, `00` for 256
/// or more (ETSI TS 102 221 §7.2, Table 7.1: `xx` = `00` stands for 256).
pub(crate) fn len_byte(n: usize) -> u8 {
    u8::try_from(n).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn header_fields() {
        // ISO/IEC 7816-3:2006 §10.3.2: P3 = 00 on an outgoing transfer means 256 bytes.
        let h = Header::from_bytes([0x00, 0xB0, 0x00, 0x00, 0x00]);
        assert_eq!(h.outgoing_len(), 256);
        assert_eq!(
            Header::from_bytes([0x00, 0xB0, 0x00, 0x00, 0x09]).outgoing_len(),
            9
        );
        // §10.3.2: INS 6X and 9X are invalid.
        assert!(!Header::from_bytes([0x00, 0x6A, 0, 0, 0]).ins_valid());
        assert!(!Header::from_bytes([0x00, 0x90, 0, 0, 0]).ins_valid());
        assert!(Header::from_bytes([0x00, 0xA4, 0, 0, 0]).ins_valid());
        assert_eq!(
            Header::decode(&[0, 0xA4, 0, 4]),
            Err(Error::Truncated("T=0 header"))
        );
        assert_eq!(
            Header::decode(&[0, 0xA4, 0, 4, 2, 0x3F]),
            Err(Error::TrailingData("T=0 header"))
        );
    }

    #[test]
    fn status_bytes() {
        // ISO/IEC 7816-3:2006 §10.3.3: 60 is NULL; other 6X and all 9X are SW1.
        assert!(!is_sw1(0x60));
        assert!(is_sw1(0x61) && is_sw1(0x6C) && is_sw1(0x90) && is_sw1(0x9F));
        assert!(!is_sw1(0xA4) && !is_sw1(0x5B));
        // TS 102 221 Table 7.1: xx = 00 means 256.
        assert_eq!(len_byte(256), 0x00);
        assert_eq!(len_byte(300), 0x00);
        assert_eq!(len_byte(0x1C), 0x1C);
    }

    proptest! {
        #[test]
        fn header_round_trip(bytes in any::<[u8; 5]>()) {
            let h = Header::from_bytes(bytes);
            prop_assert_eq!(Header::decode(&h.to_bytes()), Ok(h));
            prop_assert_eq!(h.to_bytes(), bytes);
        }

        #[test]
        fn header_decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..12)) {
            let _ = Header::decode(&bytes);
        }
    }
}
