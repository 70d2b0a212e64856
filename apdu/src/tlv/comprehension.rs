//! COMPREHENSION-TLV data objects per ETSI TS 101 220 §7.1.1, used inside the CAT
//! BER-TLV templates of ETSI TS 102 223 (proactive commands `D0`, ENVELOPE `D1`…,
//! TERMINAL RESPONSE).
//!
//! - Tag, single-byte format (§7.1.1.1): bit 8 is the comprehension required (CR) flag,
//!   bits 7–1 the tag value `01`..`7E`. First bytes `00`, `80` and `FF` are not used;
//!   `7F` introduces the three-byte format.
//! - Tag, three-byte format (§7.1.1.2): `7F`, then two bytes whose bit 16 is CR and whose
//!   other 15 bits are the tag value `0001`..`7FFF`.
//! - Length (§7.1.1.3, same coding as BER-TLV): `00`..`7F`, `81 xx` (80..FF),
//!   `82 xxxx`, `83 xxxxxx`.
//!
//! Decoding accepts a value below `7F` in the three-byte format and non-minimal length
//! fields (`81 05`); encoding always writes the shortest form.

use core::fmt;

use crate::error::{Error, Result};

/// The largest value length a COMPREHENSION-TLV length field can carry (`83 FFFFFF`).
pub const MAX_VALUE_LEN: usize = 0xFF_FFFF;

/// A COMPREHENSION-TLV tag (ETSI TS 101 220 §7.1.1): a 15-bit tag value and the
/// comprehension required (CR) flag.
///
/// Equality includes the CR flag; use [`Tag::value`] (or [`find`]) to match a data
/// object whatever its CR flag. Display prints the canonical encoding in hex
/// (`82`, `7F8100`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    value: u16,
    cr: bool,
}

impl Tag {
    /// A tag with the given value (bits above the 15th are dropped) and CR flag.
    /// Value 0 is not a valid tag; encoding it fails.
    pub const fn new(value: u16, comprehension_required: bool) -> Tag {
        Tag {
            value: value & 0x7FFF,
            cr: comprehension_required,
        }
    }

    /// The tag value without the CR bit (`82` → 2, TS 101 220 §7.1.1.1).
    pub const fn value(self) -> u16 {
        self.value
    }

    /// Whether the comprehension required flag is set (bit 8 of a single-byte tag,
    /// bit 16 of the last two bytes of a three-byte tag).
    pub const fn comprehension_required(self) -> bool {
        self.cr
    }

    /// The same tag value with the given CR flag.
    pub const fn with_comprehension_required(self, comprehension_required: bool) -> Tag {
        Tag {
            value: self.value,
            cr: comprehension_required,
        }
    }

    /// The number of bytes of the canonical encoding: 1 for values `01`..`7E`, else 3.
    #[allow(clippy::len_without_is_empty)] // a tag is never empty
    pub const fn len(self) -> usize {
        if self.value >= 0x01 && self.value <= 0x7E {
            1
        } else {
            3
        }
    }

    /// Decodes a tag at the start of `bytes` and returns it with the bytes after it.
    /// Errors: [`Error::Invalid`] for first bytes `00`, `80`, `FF` or a three-byte tag
    /// with value 0; [`Error::Truncated`] when the input ends inside the tag.
    pub fn decode(bytes: &[u8]) -> Result<(Tag, &[u8])> {
        match bytes {
            [] => Err(Error::Truncated("COMPREHENSION-TLV tag")),
            [0x00 | 0x80 | 0xFF, ..] => {
                Err(Error::Invalid("COMPREHENSION-TLV tag ('00'/'80'/'FF')"))
            }
            [0x7F, hi, lo, rest @ ..] => {
                let raw = u16::from_be_bytes([*hi, *lo]);
                let tag = Tag::new(raw, raw & 0x8000 != 0);
                if tag.value == 0 {
                    return Err(Error::Invalid("COMPREHENSION-TLV tag (value 0)"));
                }
                Ok((tag, rest))
            }
            [0x7F, ..] => Err(Error::Truncated("COMPREHENSION-TLV tag")),
            [first, rest @ ..] => Ok((Tag::new(u16::from(first & 0x7F), first & 0x80 != 0), rest)),
        }
    }

    /// Appends the canonical encoding of the tag to `out`. [`Error::Invalid`] for
    /// value 0 (nothing is written).
    pub fn encode_into(self, out: &mut Vec<u8>) -> Result<()> {
        match self.encoded() {
            Some((bytes, len)) => {
                out.extend_from_slice(bytes.get(..len).unwrap_or(&bytes));
                Ok(())
            }
            None => Err(Error::Invalid("COMPREHENSION-TLV tag (value 0)")),
        }
    }

    fn encoded(self) -> Option<([u8; 3], usize)> {
        let cr = if self.cr { 0x80 } else { 0x00 };
        match self.value {
            0 => None,
            0x01..=0x7E => {
                let low = self.value.to_be_bytes()[1];
                Some(([cr | low, 0, 0], 1))
            }
            _ => {
                let [hi, lo] = self.value.to_be_bytes();
                Some(([0x7F, cr | hi, lo], 3))
            }
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.encoded() {
            Some((bytes, len)) => {
                for b in bytes.iter().take(len) {
                    write!(f, "{b:02X}")?;
                }
                Ok(())
            }
            None => f.write_str("invalid(0)"),
        }
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Decodes a COMPREHENSION-TLV length field (TS 101 220 §7.1.1.3) at the start of
/// `bytes` and returns the length with the bytes after it. `80` and `84`..`FF` are
/// [`Error::Invalid`].
pub fn decode_length(bytes: &[u8]) -> Result<(usize, &[u8])> {
    let (&first, rest) = bytes
        .split_first()
        .ok_or(Error::Truncated("COMPREHENSION-TLV length"))?;
    match first {
        0x00..=0x7F => Ok((usize::from(first), rest)),
        0x81..=0x83 => {
            let count = usize::from(first & 0x7F);
            let (field, rest) = rest
                .split_at_checked(count)
                .ok_or(Error::Truncated("COMPREHENSION-TLV length"))?;
            let len = field.iter().fold(0usize, |n, &b| n << 8 | usize::from(b));
            Ok((len, rest))
        }
        _ => Err(Error::Invalid(
            "COMPREHENSION-TLV length ('80' or '84'..'FF')",
        )),
    }
}

/// Appends the shortest COMPREHENSION-TLV length field for `len` (TS 101 220
/// §7.1.1.3). [`Error::TooLong`] above `FFFFFF` (nothing is written).
pub fn encode_length(len: usize, out: &mut Vec<u8>) -> Result<()> {
    if len > MAX_VALUE_LEN {
        return Err(Error::TooLong("COMPREHENSION-TLV length"));
    }
    let [_, b1, b2, b3] = u32::try_from(len)
        .map_err(|_| Error::TooLong("COMPREHENSION-TLV length"))?
        .to_be_bytes();
    match len {
        0x00..=0x7F => out.push(b3),
        0x80..=0xFF => out.extend_from_slice(&[0x81, b3]),
        0x100..=0xFFFF => out.extend_from_slice(&[0x82, b2, b3]),
        _ => out.extend_from_slice(&[0x83, b1, b2, b3]),
    }
    Ok(())
}

/// The number of bytes of the shortest length field for `len` (1 to 4).
pub const fn length_len(len: usize) -> usize {
    if len < 0x80 {
        1
    } else if len <= 0xFF {
        2
    } else if len <= 0xFFFF {
        3
    } else {
        4
    }
}

/// A COMPREHENSION-TLV data object (ETSI TS 101 220 §7.1.1): a tag and its value.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Tlv {
    /// The tag (value and CR flag).
    pub tag: Tag,
    /// The value field; `value.len()` is the L of the data object.
    pub value: Vec<u8>,
}

impl Tlv {
    /// A data object with the given tag and value (checked when encoding).
    pub fn new(tag: Tag, value: impl Into<Vec<u8>>) -> Tlv {
        Tlv {
            tag,
            value: value.into(),
        }
    }

    /// Decodes one data object at the start of `bytes` and returns it with the bytes
    /// after it. Errors as [`Tag::decode`] and [`decode_length`], plus
    /// [`Error::Truncated`] when the value runs past the input.
    pub fn decode(bytes: &[u8]) -> Result<(Tlv, &[u8])> {
        let (tag, rest) = Tag::decode(bytes)?;
        let (len, rest) = decode_length(rest)?;
        let (value, rest) = rest
            .split_at_checked(len)
            .ok_or(Error::Truncated("COMPREHENSION-TLV value"))?;
        Ok((Tlv::new(tag, value), rest))
    }

    /// Decodes the consecutive data objects that fill `bytes` (e.g. the value of an
    /// ENVELOPE `D1` template or a whole TERMINAL RESPONSE data field).
    pub fn decode_all(mut bytes: &[u8]) -> Result<Vec<Tlv>> {
        let mut out = Vec::new();
        while !bytes.is_empty() {
            let (tlv, rest) = Tlv::decode(bytes)?;
            out.push(tlv);
            bytes = rest;
        }
        Ok(out)
    }

    /// The encoded data object (canonical tag, shortest length, value).
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode_into(&mut out)?;
        Ok(out)
    }

    /// Appends the encoded data object to `out`; on error nothing is appended.
    /// Errors: [`Error::Invalid`] for tag value 0, [`Error::TooLong`] for a value
    /// longer than `FFFFFF` bytes.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<()> {
        if self.value.len() > MAX_VALUE_LEN {
            return Err(Error::TooLong("COMPREHENSION-TLV length"));
        }
        self.tag.encode_into(out)?;
        encode_length(self.value.len(), out)?;
        out.extend_from_slice(&self.value);
        Ok(())
    }

    /// The length of the whole encoded data object (tag + length field + value).
    pub fn encoded_len(&self) -> usize {
        self.tag
            .len()
            .saturating_add(length_len(self.value.len()))
            .saturating_add(self.value.len())
    }
}

impl fmt::Debug for Tlv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("comprehension::Tlv")
            .field("tag", &self.tag)
            .field("value", &crate::hex::encode(&self.value))
            .finish()
    }
}

/// The first data object in `tlvs` whose tag value is `value`, whatever its CR flag.
pub fn find(tlvs: &[Tlv], value: u16) -> Option<&Tlv> {
    tlvs.iter().find(|t| t.tag.value() == value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex;
    use crate::tlv::ber;
    use proptest::prelude::*;

    fn h(text: &str) -> Vec<u8> {
        hex::decode(text).unwrap()
    }

    // TERMINAL RESPONSE data field sent by onomondo-uicc's test
    // (tests/envelope/envelope_test.c, '801400000c 810301130082028281830100'):
    // 81 command details (TS 102 223 §8.6: number 01, type 13 SEND SHORT MESSAGE,
    // qualifier 00), 82 device identities (§8.7: ME 82 → UICC 81), 83 result (§8.12: 00).
    #[test]
    fn ts102223_terminal_response() {
        let bytes = h("81030113 00 82028281 830100");
        let tlvs = Tlv::decode_all(&bytes).unwrap();
        let values: Vec<u16> = tlvs.iter().map(|t| t.tag.value()).collect();
        assert_eq!(values, [0x01, 0x02, 0x03]);
        assert!(tlvs.iter().all(|t| t.tag.comprehension_required()));
        assert!(tlvs.iter().all(|t| t.tag.len() == 1));
        assert_eq!(tlvs[0].value, [0x01, 0x13, 0x00]);
        assert_eq!(find(&tlvs, 0x02).unwrap().value, [0x82, 0x81]);
        assert_eq!(tlvs[2].value, [0x00]);
        assert_eq!(tlvs[1].tag.to_string(), "82");
        let mut again = Vec::new();
        for t in &tlvs {
            t.encode_into(&mut again).unwrap();
        }
        assert_eq!(again, bytes);
    }

    // ENVELOPE (SMS-PP DOWNLOAD) from onomondo-uicc tests/envelope/envelope_test.c
    // (also shared/reference/ota.md, worked vector 3): BER-TLV template D1 (TS 102 223
    // §7.1) of length 0x59 holding COMPREHENSION-TLVs 82 device identities
    // (network 83 → UICC 81), 86 address (5 bytes) and 8B SMS TPDU (0x4C = 76 bytes).
    // Lengths by hand: 4 + 7 + 2 + 76 = 89 = 0x59.
    #[test]
    fn ts102223_sms_pp_download_envelope() {
        let data = h("d15982028381860510426587f98b4c60039121437ff662408011\
                      9342803d02700000381516393232b00011d5cbcbd7ad00edcae5\
                      fb251618e04ed8502924dbad65b15be802a9d9e28267110d433c\
                      06103268db6a2a9d618fe8ab74");
        assert_eq!(data.len(), 0x5B);
        let envelope = ber::Tlv::from_bytes(&data).unwrap();
        assert_eq!(envelope.tag, ber::Tag::new(0xD1));
        assert_eq!(envelope.value.len(), 0x59);
        let items = Tlv::decode_all(&envelope.value).unwrap();
        let values: Vec<u16> = items.iter().map(|t| t.tag.value()).collect();
        assert_eq!(values, [0x02, 0x06, 0x0B]);
        assert!(items.iter().all(|t| t.tag.comprehension_required()));
        assert_eq!(items[0].value, [0x83, 0x81]);
        assert_eq!(items[1].value, h("10426587F9"));
        let tpdu = &find(&items, 0x0B).unwrap().value;
        assert_eq!(tpdu.len(), 0x4C);
        // SMS-DELIVER head: first octet 60, OA 03 91 2143, PID 7F, DCS F6 (TS 23.040).
        assert_eq!(&tpdu[..7], &h("60039121437FF6")[..]);
        let mut again = Vec::new();
        for t in &items {
            t.encode_into(&mut again).unwrap();
        }
        assert_eq!(again, envelope.value);
    }

    // TS 101 220 §7.1.1.1: bit 8 of a single-byte tag is CR. Device identities with
    // CR clear is '02' (TS 102 223 §8.7 allows '02' or '82').
    #[test]
    fn ts101220_cr_flag() {
        let bytes = h("02028281");
        let (tlv, rest) = Tlv::decode(&bytes).unwrap();
        assert!(rest.is_empty());
        assert_eq!(tlv.tag, Tag::new(0x02, false));
        assert!(!tlv.tag.comprehension_required());
        assert_eq!(tlv.tag.with_comprehension_required(true).to_string(), "82");
        assert_ne!(tlv.tag, Tag::new(0x02, true));
        assert_eq!(find(core::slice::from_ref(&tlv), 0x02), Some(&tlv));
    }

    // TS 101 220 §7.1.1.2: three-byte format '7F' + 2 bytes, bit 16 = CR, 15-bit value.
    // Value 0x0100 with CR → 7F 81 00; value 0x7FFF without CR → 7F 7F FF. A value
    // below 7F written in the three-byte format decodes to the same tag value.
    #[test]
    fn ts101220_three_byte_tags() {
        let (tlv, _) = Tlv::decode(&h("7F8100 02 ABCD")).unwrap();
        assert_eq!(tlv.tag.value(), 0x0100);
        assert!(tlv.tag.comprehension_required());
        assert_eq!(tlv.tag.len(), 3);
        assert_eq!(tlv.tag.to_string(), "7F8100");
        assert_eq!(tlv.encode().unwrap(), h("7F8100 02 ABCD"));
        assert_eq!(
            Tag::decode(&h("7F7FFF")).unwrap().0,
            Tag::new(0x7FFF, false)
        );
        // 0x7F cannot be a single-byte value (it is the three-byte marker).
        let mut out = Vec::new();
        Tag::new(0x7F, false).encode_into(&mut out).unwrap();
        assert_eq!(out, h("7F007F"));
        assert_eq!(Tag::decode(&h("7F0005")).unwrap().0, Tag::new(0x05, false));
    }

    // TS 101 220 §7.1.1.3 lengths: 00..7F, 81 80..FF, 82 0100..FFFF, 83 010000..FFFFFF.
    #[test]
    fn ts101220_lengths() {
        for (len, field) in [
            (0x7F, "7F"),
            (0x80, "8180"),
            (0xFF, "81FF"),
            (0x100, "820100"),
            (0xFFFF, "82FFFF"),
            (0x10000, "83010000"),
            (0xFF_FFFF, "83FFFFFF"),
        ] {
            let field = h(field);
            let mut out = Vec::new();
            encode_length(len, &mut out).unwrap();
            assert_eq!(out, field);
            assert_eq!(length_len(len), field.len());
            assert_eq!(decode_length(&field).unwrap(), (len, &[][..]));
        }
        let mut out = Vec::new();
        assert!(encode_length(0x100_0000, &mut out).is_err());
        assert!(out.is_empty());
        assert_eq!(decode_length(&h("8105")).unwrap().0, 5);
    }

    // Malformed inputs per TS 101 220 §7.1.1.
    #[test]
    fn invalid_comprehension_tlv() {
        for (text, what) in [
            ("00 00", "first byte 00"),
            ("80 00", "first byte 80"),
            ("FF 00", "first byte FF"),
            ("7F0000 00", "three-byte value 0"),
            ("82 80", "length 80"),
            ("82 84 00000001 00", "length 84"),
        ] {
            assert!(
                matches!(Tlv::decode(&h(text)), Err(Error::Invalid(_))),
                "{what}"
            );
        }
        for (text, what) in [
            ("", "empty"),
            ("7F81", "three-byte tag cut"),
            ("82", "no length"),
            ("82 82 01", "length cut"),
            ("82 02 83", "value cut"),
        ] {
            assert!(
                matches!(Tlv::decode(&h(text)), Err(Error::Truncated(_))),
                "{what}"
            );
        }
        assert!(Tlv::new(Tag::new(0, true), []).encode().is_err());
        assert_eq!(Tag::new(0, true).to_string(), "invalid(0)");
    }

    fn tag() -> impl Strategy<Value = Tag> {
        (1u16..=0x7FFF, any::<bool>()).prop_map(|(v, cr)| Tag::new(v, cr))
    }

    fn tlv() -> impl Strategy<Value = Tlv> {
        (
            tag(),
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..20),
                proptest::collection::vec(any::<u8>(), 120..300)
            ],
        )
            .prop_map(|(t, v)| Tlv::new(t, v))
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Tag::decode(&bytes);
            let _ = decode_length(&bytes);
            if let Ok(all) = Tlv::decode_all(&bytes) {
                for t in &all {
                    prop_assert_eq!(t.encode().unwrap().len(), t.encoded_len());
                }
            }
        }

        #[test]
        fn round_trip(items in proptest::collection::vec(tlv(), 0..5)) {
            let mut bytes = Vec::new();
            for t in &items {
                t.encode_into(&mut bytes).unwrap();
            }
            let decoded = Tlv::decode_all(&bytes).unwrap();
            prop_assert_eq!(&decoded, &items);
            let mut again = Vec::new();
            for t in &decoded {
                t.encode_into(&mut again).unwrap();
            }
            prop_assert_eq!(again, bytes);
        }
    }
}
