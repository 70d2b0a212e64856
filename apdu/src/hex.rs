//! Hexadecimal text <-> bytes, as used in traces, scripts and on the command line.
//!
//! Decoding accepts upper or lower case and ignores ASCII whitespace, `:` and `_`
//! between digits, so `"00 A4 00 04"`, `"00a40004"` and `"00:A4:00:04"` are equal.

use crate::error::{Error, Result};

/// Decodes hexadecimal text into bytes. Separators (whitespace, `:`, `_`) are skipped.
pub fn decode(text: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut high: Option<u8> = None;
    for c in text.bytes() {
        if c.is_ascii_whitespace() || c == b':' || c == b'_' {
            continue;
        }
        let nibble = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return Err(Error::Invalid("hex digit")),
        };
        match high.take() {
            None => high = Some(nibble),
            Some(h) => out.push(h << 4 | nibble),
        }
    }
    if high.is_some() {
        return Err(Error::Truncated("hex string (odd number of digits)"));
    }
    Ok(out)
}

/// Encodes bytes as upper-case hexadecimal without separators.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0x0F)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_with_separators_and_mixed_case() {
        assert_eq!(decode("00 a4:00_04").unwrap(), vec![0x00, 0xA4, 0x00, 0x04]);
        assert_eq!(decode("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn rejects_odd_and_non_hex() {
        assert_eq!(
            decode("ABC"),
            Err(Error::Truncated("hex string (odd number of digits)"))
        );
        assert_eq!(decode("0G"), Err(Error::Invalid("hex digit")));
    }

    #[test]
    fn round_trips() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
    }
}
