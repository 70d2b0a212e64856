//! COMPACT-TLV data objects per ISO/IEC 7816-4 §5.2.3, as used in the historical bytes
//! of the ATR (ISO/IEC 7816-4 §8.1.1): one byte whose high nibble is the tag number and
//! whose low nibble is the value length (0–15), then the value.
//!
//! This module decodes the TLV sequence only; the category indicator byte that starts
//! the historical bytes (`80`, or `00` with a trailing status indicator) is the ATR
//! decoder's business.

use core::fmt;

use crate::error::{Error, Result};

/// Tag 1: country code and national data (ISO/IEC 7816-4 §8.1.1.2).
pub const COUNTRY_CODE: u8 = 0x1;
/// Tag 2: issuer identification number (ISO/IEC 7816-4 §8.1.1.2).
pub const ISSUER_IDENTIFICATION: u8 = 0x2;
/// Tag 3: card service data (ISO/IEC 7816-4 §8.1.1.2).
pub const CARD_SERVICE_DATA: u8 = 0x3;
/// Tag 4: initial access data (ISO/IEC 7816-4 §8.1.1.2).
pub const INITIAL_ACCESS_DATA: u8 = 0x4;
/// Tag 5: card issuer's data (ISO/IEC 7816-4 §8.1.1.2).
pub const CARD_ISSUER_DATA: u8 = 0x5;
/// Tag 6: pre-issuing data (ISO/IEC 7816-4 §8.1.1.2).
pub const PRE_ISSUING_DATA: u8 = 0x6;
/// Tag 7: card capabilities (ISO/IEC 7816-4 §8.1.1.2).
pub const CARD_CAPABILITIES: u8 = 0x7;
/// Tag 8: status indicator (ISO/IEC 7816-4 §8.1.1.2).
pub const STATUS_INDICATOR: u8 = 0x8;
/// Tag F: application identifier (ISO/IEC 7816-4 §8.1.1.2).
pub const APPLICATION_IDENTIFIER: u8 = 0xF;

/// The meaning of a COMPACT-TLV tag in the historical bytes (ISO/IEC 7816-4 §8.1.1.2),
/// or `None` for tags it does not define.
pub const fn tag_name(tag: u8) -> Option<&'static str> {
    match tag {
        COUNTRY_CODE => Some("country code"),
        ISSUER_IDENTIFICATION => Some("issuer identification number"),
        CARD_SERVICE_DATA => Some("card service data"),
        INITIAL_ACCESS_DATA => Some("initial access data"),
        CARD_ISSUER_DATA => Some("card issuer's data"),
        PRE_ISSUING_DATA => Some("pre-issuing data"),
        CARD_CAPABILITIES => Some("card capabilities"),
        STATUS_INDICATOR => Some("status indicator"),
        APPLICATION_IDENTIFIER => Some("application identifier"),
        _ => None,
    }
}

/// A COMPACT-TLV data object (ISO/IEC 7816-4 §5.2.3): a 4-bit tag and up to 15 bytes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Tlv {
    /// The tag number, 0..=15.
    pub tag: u8,
    /// The value, at most 15 bytes.
    pub value: Vec<u8>,
}

impl Tlv {
    /// The largest value a COMPACT-TLV data object can carry.
    pub const MAX_VALUE_LEN: usize = 15;

    /// A data object with the given tag and value (checked when encoding).
    pub fn new(tag: u8, value: impl Into<Vec<u8>>) -> Tlv {
        Tlv {
            tag,
            value: value.into(),
        }
    }

    /// Decodes one data object at the start of `bytes` and returns it with the bytes
    /// after it ([`Error::Truncated`] when the value runs past the input).
    pub fn decode(bytes: &[u8]) -> Result<(Tlv, &[u8])> {
        let (&head, rest) = bytes.split_first().ok_or(Error::Truncated("COMPACT-TLV"))?;
        let (value, rest) = rest
            .split_at_checked(usize::from(head & 0x0F))
            .ok_or(Error::Truncated("COMPACT-TLV value"))?;
        Ok((Tlv::new(head >> 4, value), rest))
    }

    /// Decodes the consecutive data objects that fill `bytes`.
    pub fn decode_all(mut bytes: &[u8]) -> Result<Vec<Tlv>> {
        let mut out = Vec::new();
        while !bytes.is_empty() {
            let (tlv, rest) = Tlv::decode(bytes)?;
            out.push(tlv);
            bytes = rest;
        }
        Ok(out)
    }

    /// The encoded data object. Errors: [`Error::Invalid`] for a tag above 15,
    /// [`Error::TooLong`] for a value longer than 15 bytes.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode_into(&mut out)?;
        Ok(out)
    }

    /// Appends the encoded data object to `out`; on error nothing is appended.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<()> {
        if self.tag > 0x0F {
            return Err(Error::Invalid("COMPACT-TLV tag (above 15)"));
        }
        let len = u8::try_from(self.value.len())
            .ok()
            .filter(|&l| l <= 0x0F)
            .ok_or(Error::TooLong("COMPACT-TLV value (above 15 bytes)"))?;
        out.push(self.tag << 4 | len);
        out.extend_from_slice(&self.value);
        Ok(())
    }

    /// The length of the whole encoded data object (1 + value length).
    pub fn encoded_len(&self) -> usize {
        self.value.len().saturating_add(1)
    }

    /// The meaning of the tag ([`tag_name`]).
    pub const fn name(&self) -> Option<&'static str> {
        tag_name(self.tag)
    }
}

impl fmt::Debug for Tlv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("compact::Tlv")
            .field("tag", &format_args!("{:X}", self.tag))
            .field("value", &crate::hex::encode(&self.value))
            .finish()
    }
}

/// The first data object in `tlvs` with the given tag.
pub fn find(tlvs: &[Tlv], tag: u8) -> Option<&Tlv> {
    tlvs.iter().find(|t| t.tag == tag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex;
    use proptest::prelude::*;

    fn h(text: &str) -> Vec<u8> {
        hex::decode(text).unwrap()
    }

    // sysmoUSIM-SJS1 ATR, pcsc-tools smartcard_list.txt (LudovicRousseau/pcsc-tools,
    // "3B 9F 96 80 1F C7 80 31 A0 73 BE 21 13 67 43 20 07 18 00 00 01 A5"):
    // T0 = 9F → 15 historical bytes after TA1 96, TD1 80, TD2 1F, TA3 C7; TCK A5.
    // Historical bytes: category 80, then COMPACT-TLVs 31 A0 | 73 BE2113 |
    // 67 43200718000001 (ISO/IEC 7816-4 §8.1.1).
    #[test]
    fn sysmousim_sjs1_historical_bytes() {
        let historical = h("80 31A0 73BE2113 6743200718000001");
        assert_eq!(historical.len(), 15);
        let tlvs = Tlv::decode_all(&historical[1..]).unwrap();
        assert_eq!(
            tlvs,
            vec![
                Tlv::new(CARD_SERVICE_DATA, [0xA0]),
                Tlv::new(CARD_CAPABILITIES, [0xBE, 0x21, 0x13]),
                Tlv::new(PRE_ISSUING_DATA, h("43200718000001")),
            ]
        );
        assert_eq!(tlvs[0].name(), Some("card service data"));
        assert_eq!(tlvs[1].name(), Some("card capabilities"));
        assert_eq!(tlvs[2].name(), Some("pre-issuing data"));
        assert_eq!(find(&tlvs, CARD_CAPABILITIES), Some(&tlvs[1]));
        let mut again = vec![0x80];
        for t in &tlvs {
            t.encode_into(&mut again).unwrap();
        }
        assert_eq!(again, historical);
    }

    // Taisys SIMoME VAULT ATR, pcsc-tools smartcard_list.txt
    // ("3B 9F 95 80 3F C7 A0 80 31 E0 73 FA 21 10 63 00 00 00 83 F0 90 00 BB"):
    // T0 = 9F → 15 historical bytes after TA1 95, TD1 80, TD2 3F, TA3 C7, TB3 A0; TCK BB.
    // After category 80: 31 E0 | 73 FA2110 | 63 000000 | 83 F09000, the last being the
    // status indicator (ISO/IEC 7816-4 §8.1.1.2: LCS F0, SW 9000).
    #[test]
    fn taisys_status_indicator() {
        let historical = h("80 31E0 73FA2110 63000000 83F09000");
        assert_eq!(historical.len(), 15);
        let tlvs = Tlv::decode_all(&historical[1..]).unwrap();
        let tags: Vec<u8> = tlvs.iter().map(|t| t.tag).collect();
        assert_eq!(tags, [3, 7, 6, 8]);
        let status = find(&tlvs, STATUS_INDICATOR).unwrap();
        assert_eq!(status.value, [0xF0, 0x90, 0x00]);
        assert_eq!(status.name(), Some("status indicator"));
    }

    // ISO/IEC 7816-4 §8.1.1.2: names for tags 1–8 and F; others are not defined there.
    #[test]
    fn tag_names() {
        let defined: Vec<u8> = (0..=15).filter(|&t| tag_name(t).is_some()).collect();
        assert_eq!(defined, [1, 2, 3, 4, 5, 6, 7, 8, 15]);
        assert_eq!(tag_name(0xF), Some("application identifier"));
        assert_eq!(tag_name(1), Some("country code"));
    }

    // A length nibble beyond the input, and values that cannot be encoded
    // (ISO/IEC 7816-4 §5.2.3: 4-bit tag, 4-bit length).
    #[test]
    fn invalid_compact_tlv() {
        assert_eq!(
            Tlv::decode_all(&h("73BE21")),
            Err(Error::Truncated("COMPACT-TLV value"))
        );
        assert!(Tlv::decode(&[]).is_err());
        assert!(Tlv::new(16, []).encode().is_err());
        assert!(Tlv::new(1, vec![0; 16]).encode().is_err());
        assert_eq!(Tlv::new(0xF, vec![0; 15]).encode().unwrap()[0], 0xFF);
        assert_eq!(Tlv::decode_all(&[0x00]).unwrap(), vec![Tlv::new(0, [])]);
    }

    fn tlv() -> impl Strategy<Value = Tlv> {
        (0u8..=15, proptest::collection::vec(any::<u8>(), 0..=15)).prop_map(|(t, v)| Tlv::new(t, v))
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(all) = Tlv::decode_all(&bytes) {
                // Every COMPACT-TLV encoding is canonical.
                let mut again = Vec::new();
                for t in &all {
                    t.encode_into(&mut again).unwrap();
                }
                prop_assert_eq!(again, bytes);
            }
        }

        #[test]
        fn round_trip(items in proptest::collection::vec(tlv(), 0..6)) {
            let mut bytes = Vec::new();
            for t in &items {
                t.encode_into(&mut bytes).unwrap();
            }
            prop_assert_eq!(Tlv::decode_all(&bytes).unwrap(), items);
        }
    }
}
