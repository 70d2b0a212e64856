//! TLV codecs: BER-TLV, SIMPLE-TLV, COMPREHENSION-TLV and COMPACT-TLV.
//!
//! - [`ber`]: BER-TLV per ISO/IEC 7816-4 §5.2.2 / ITU-T X.690 §8.1 (FCP templates,
//!   SGP.22 ES10 requests and responses, CAT templates `D0`/`D1`…). Owned [`ber::Tlv`],
//!   zero-copy [`ber::TlvView`] and [`ber::iter`], and the nested builder
//!   [`ber::write_tlv`].
//! - [`simple`]: SIMPLE-TLV per ISO/IEC 7816-4 §5.2.1.
//! - [`comprehension`]: COMPREHENSION-TLV per ETSI TS 101 220 §7.1.1 (TS 102 223
//!   proactive commands, ENVELOPEs and TERMINAL RESPONSEs).
//! - [`compact`]: COMPACT-TLV per ISO/IEC 7816-4 §5.2.3 (ATR historical bytes, §8.1.1).
//! - [`describe`]: an indented listing of a BER-TLV tree (`uicc tlv decode HEX`).
//!
//! Every type names lengths the same way: `value.len()` is the value length (the L
//! field), `encoded_len()` is the length of the whole encoded data object.

pub mod ber;
pub mod compact;
pub mod comprehension;
pub mod simple;

use crate::error::{Error, Result};

/// The deepest nesting [`describe`] lists; deeper input is rejected so that a small
/// hostile input cannot produce a huge listing.
pub const DESCRIBE_MAX_DEPTH: usize = 32;

/// Lists the BER-TLV data objects that fill `bytes` (ISO/IEC 7816-4 §5.2.2), one per
/// line, indented by two spaces per nesting level: the tag, the value length in
/// decimal, and for primitive data objects the value in hex. Constructed data objects
/// (X.690 §8.1.2.5) are opened and their children listed below them.
///
/// ```
/// let text = apdu::tlv::describe(&[0xBF, 0x3E, 0x03, 0x5C, 0x01, 0x5A]).unwrap();
/// assert_eq!(text, "BF3E (3 bytes)\n  5C (1 byte): 5A");
/// ```
///
/// Errors: the error of the first malformed data object at any depth, or
/// [`Error::TooLong`] for nesting deeper than [`DESCRIBE_MAX_DEPTH`].
pub fn describe(bytes: &[u8]) -> Result<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut stack = vec![ber::iter(bytes)];
    while let Some(level) = stack.last_mut() {
        let Some(item) = level.next() else {
            stack.pop();
            continue;
        };
        let view = item?;
        let indent = "  ".repeat(stack.len().saturating_sub(1));
        let len = view.value.len();
        let unit = if len == 1 { "byte" } else { "bytes" };
        if view.tag.is_constructed() {
            lines.push(format!("{indent}{} ({len} {unit})", view.tag));
            if stack.len() >= DESCRIBE_MAX_DEPTH {
                return Err(Error::TooLong("BER-TLV nesting depth"));
            }
            stack.push(view.children());
        } else if len == 0 {
            lines.push(format!("{indent}{} ({len} {unit})", view.tag));
        } else {
            let value = crate::hex::encode(view.value);
            lines.push(format!("{indent}{} ({len} {unit}): {value}", view.tag));
        }
    }
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex;
    use proptest::prelude::*;

    // SGP.22 v2.5 §5.7.20 GetEuiccDataResponse with the EID of pySim's test card
    // (tests/unittests/test_globalplatform.py, get_eid_rsp_plain).
    #[test]
    fn describes_eid_response() {
        let bytes = hex::decode("BF3E125A1089882119900000000000000000000005").unwrap();
        assert_eq!(
            describe(&bytes).unwrap(),
            "BF3E (18 bytes)\n  5A (16 bytes): 89882119900000000000000000000005"
        );
    }

    // EF.ICCID FCP from onomondo-uicc tests/select/select_test.c
    // ('62178202412183022fe28a01058b032f06038002000a880110', TS 102 221 §11.1.1.3),
    // followed by an empty primitive and an empty constructed object.
    #[test]
    fn describes_fcp() {
        let bytes =
            hex::decode("62178202412183022fe28a01058b032f06038002000a880110 8000 A000").unwrap();
        let expected = "\
62 (23 bytes)
  82 (2 bytes): 4121
  83 (2 bytes): 2FE2
  8A (1 byte): 05
  8B (3 bytes): 2F0603
  80 (2 bytes): 000A
  88 (1 byte): 10
80 (0 bytes)
A0 (0 bytes)";
        assert_eq!(describe(&bytes).unwrap(), expected);
        assert_eq!(describe(&[]).unwrap(), "");
    }

    // Invalid BER-TLV (X.690 §8.1.3.6 indefinite length; a child running past its
    // parent) is an error, not a partial listing.
    #[test]
    fn describe_rejects_invalid() {
        assert!(describe(&hex::decode("BF3E80").unwrap()).is_err());
        assert!(describe(&hex::decode("6203 8205 01").unwrap()).is_err());
        assert!(describe(&hex::decode("5F").unwrap()).is_err());
        // 40 nested empty-ish constructed objects: A1 len (A1 len (...)).
        let mut deep = Vec::new();
        for _ in 0..40 {
            let mut outer = Vec::new();
            ber::write_tlv(&mut outer, ber::Tag::new(0xA1), |o| {
                o.extend_from_slice(&deep)
            });
            deep = outer;
        }
        assert_eq!(
            describe(&deep),
            Err(Error::TooLong("BER-TLV nesting depth"))
        );
    }

    proptest! {
        #[test]
        fn describe_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = describe(&bytes);
        }
    }
}
