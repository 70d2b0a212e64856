//! SIMPLE-TLV data objects per ISO/IEC 7816-4 §5.2.1.
//!
//! - Tag: one byte, `01` to `FE` (`00` and `FF` are invalid).
//! - Length: one byte `00` to `FE`, or `FF` followed by two bytes `0000` to `FFFF`.
//!
//! The decoder accepts the three-byte length form for any value (also below 255);
//! the encoder writes one byte below 255 and the three-byte form from 255 up.

use core::fmt;

use crate::error::{Error, Result};

/// The largest value length a SIMPLE-TLV length field can carry (`FF FF FF`).
pub const MAX_VALUE_LEN: usize = 0xFFFF;

/// Whether `tag` is a valid SIMPLE-TLV tag (`01`..`FE`, ISO/IEC 7816-4 §5.2.1).
pub const fn is_valid_tag(tag: u8) -> bool {
    tag != 0x00 && tag != 0xFF
}

/// Decodes a SIMPLE-TLV length field (ISO/IEC 7816-4 §5.2.1) at the start of `bytes`
/// and returns the length with the bytes after it.
pub fn decode_length(bytes: &[u8]) -> Result<(usize, &[u8])> {
    match bytes {
        [] => Err(Error::Truncated("SIMPLE-TLV length")),
        [0xFF, hi, lo, rest @ ..] => Ok((usize::from(u16::from_be_bytes([*hi, *lo])), rest)),
        [0xFF, ..] => Err(Error::Truncated("SIMPLE-TLV length")),
        [len, rest @ ..] => Ok((usize::from(*len), rest)),
    }
}

/// Appends the SIMPLE-TLV length field for `len`: one byte below 255, else `FF` and two
/// bytes (ISO/IEC 7816-4 §5.2.1). [`Error::TooLong`] above 65535 (nothing is written).
pub fn encode_length(len: usize, out: &mut Vec<u8>) -> Result<()> {
    match u8::try_from(len) {
        Ok(short) if short != 0xFF => out.push(short),
        _ => {
            let long = u16::try_from(len).map_err(|_| Error::TooLong("SIMPLE-TLV length"))?;
            out.push(0xFF);
            out.extend_from_slice(&long.to_be_bytes());
        }
    }
    Ok(())
}

/// The number of bytes of the SIMPLE-TLV length field for `len` (1 or 3).
pub const fn length_len(len: usize) -> usize {
    if len < 0xFF {
        1
    } else {
        3
    }
}

/// A SIMPLE-TLV data object (ISO/IEC 7816-4 §5.2.1): a one-byte tag and its value.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Tlv {
    /// The tag, `01`..`FE`.
    pub tag: u8,
    /// The value field; `value.len()` is the L of the data object (at most 65535).
    pub value: Vec<u8>,
}

impl Tlv {
    /// A data object with the given tag and value (checked when encoding).
    pub fn new(tag: u8, value: impl Into<Vec<u8>>) -> Tlv {
        Tlv {
            tag,
            value: value.into(),
        }
    }

    /// Decodes one data object at the start of `bytes` and returns it with the bytes
    /// after it. Errors: [`Error::Invalid`] for tag `00`/`FF`, [`Error::Truncated`] when
    /// the input ends inside the tag, length or value.
    pub fn decode(bytes: &[u8]) -> Result<(Tlv, &[u8])> {
        let (&tag, rest) = bytes
            .split_first()
            .ok_or(Error::Truncated("SIMPLE-TLV tag"))?;
        if !is_valid_tag(tag) {
            return Err(Error::Invalid("SIMPLE-TLV tag ('00'/'FF')"));
        }
        let (len, rest) = decode_length(rest)?;
        let (value, rest) = rest
            .split_at_checked(len)
            .ok_or(Error::Truncated("SIMPLE-TLV value"))?;
        Ok((Tlv::new(tag, value), rest))
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

    /// The encoded data object. Errors: [`Error::Invalid`] for tag `00`/`FF`,
    /// [`Error::TooLong`] for a value longer than 65535 bytes.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode_into(&mut out)?;
        Ok(out)
    }

    /// Appends the encoded data object to `out`; on error nothing is appended.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<()> {
        if !is_valid_tag(self.tag) {
            return Err(Error::Invalid("SIMPLE-TLV tag ('00'/'FF')"));
        }
        if self.value.len() > MAX_VALUE_LEN {
            return Err(Error::TooLong("SIMPLE-TLV length"));
        }
        out.push(self.tag);
        encode_length(self.value.len(), out)?;
        out.extend_from_slice(&self.value);
        Ok(())
    }

    /// The length of the whole encoded data object (tag + length field + value).
    pub fn encoded_len(&self) -> usize {
        1usize
            .saturating_add(length_len(self.value.len()))
            .saturating_add(self.value.len())
    }
}

impl fmt::Debug for Tlv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("simple::Tlv")
            .field("tag", &format_args!("{:02X}", self.tag))
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

    // ISO/IEC 7816-4 §5.2.1: tag byte 01..FE, then one length byte 00..FE, or FF and
    // two bytes 0000..FFFF. The bytes below apply that rule by hand.
    #[test]
    fn iso7816_4_simple_tlv_forms() {
        let tlvs = Tlv::decode_all(&h("01 03 AABBCC 02 00 FE 01 5A")).unwrap();
        assert_eq!(
            tlvs,
            vec![
                Tlv::new(0x01, [0xAA, 0xBB, 0xCC]),
                Tlv::new(0x02, []),
                Tlv::new(0xFE, [0x5A]),
            ]
        );
        assert_eq!(find(&tlvs, 0x02), Some(&tlvs[1]));
        assert_eq!(find(&tlvs, 0x03), None);
        // Lengths 254 (one byte FE), 255 (FF 00FF), 256 (FF 0100), 65535 (FF FFFF).
        for (len, head) in [
            (0xFE, "10 FE"),
            (0xFF, "10 FF00FF"),
            (0x100, "10 FF0100"),
            (0xFFFF, "10 FFFFFF"),
        ] {
            let tlv = Tlv::new(0x10, vec![0x33; len]);
            let bytes = tlv.encode().unwrap();
            let head = h(head);
            assert_eq!(&bytes[..head.len()], &head[..]);
            assert_eq!(bytes.len(), tlv.encoded_len());
            assert_eq!(Tlv::decode(&bytes).unwrap(), (tlv, &[][..]));
        }
        // The three-byte form is accepted for small lengths too.
        assert_eq!(
            Tlv::decode(&h("10 FF0002 1234")).unwrap().0,
            Tlv::new(0x10, [0x12, 0x34])
        );
    }

    // ISO/IEC 7816-4 §5.2.1: tags '00' and 'FF' are invalid; truncated inputs and
    // values beyond 65535 bytes cannot be represented.
    #[test]
    fn invalid_simple_tlv() {
        assert!(matches!(Tlv::decode(&h("00 00")), Err(Error::Invalid(_))));
        assert!(matches!(Tlv::decode(&h("FF 00")), Err(Error::Invalid(_))));
        assert!(matches!(Tlv::decode(&[]), Err(Error::Truncated(_))));
        assert!(matches!(Tlv::decode(&h("01")), Err(Error::Truncated(_))));
        assert!(matches!(
            Tlv::decode(&h("01 FF01")),
            Err(Error::Truncated(_))
        ));
        assert!(matches!(
            Tlv::decode(&h("01 03 AABB")),
            Err(Error::Truncated(_))
        ));
        assert_eq!(
            Tlv::new(0x01, vec![0; 0x10000]).encode(),
            Err(Error::TooLong("SIMPLE-TLV length"))
        );
        assert!(Tlv::new(0x00, []).encode().is_err());
        let mut out = vec![0xEE];
        assert!(Tlv::new(0xFF, [1]).encode_into(&mut out).is_err());
        assert_eq!(out, [0xEE]);
    }

    fn tlv() -> impl Strategy<Value = Tlv> {
        (
            1u8..=0xFE,
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..20),
                proptest::collection::vec(any::<u8>(), 250..600)
            ],
        )
            .prop_map(|(t, v)| Tlv::new(t, v))
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Tlv::decode(&bytes);
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
