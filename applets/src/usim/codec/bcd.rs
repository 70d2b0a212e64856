//! Swapped-nibble BCD as SIM files use it: the first digit in the low nibble of the first
//! byte, unused nibbles `F` (TS 102 221 §13.2 for EF.ICCID, TS 51.011 §10.5.1 and
//! TS 31.102 §4.4.2.3 for dialling numbers).

use super::CodecError;

/// The nibbles of `bytes`, low nibble first.
pub(crate) fn nibbles(bytes: &[u8]) -> impl Iterator<Item = u8> + '_ {
    bytes.iter().flat_map(|b| [b & 0x0F, b >> 4])
}

/// Packs nibbles low nibble first; an odd count is completed with `F`.
pub(crate) fn pack(nibbles: &[u8]) -> Vec<u8> {
    nibbles
        .chunks(2)
        .map(|pair| match pair {
            [lo, hi] => (hi & 0x0F) << 4 | (lo & 0x0F),
            [lo] => 0xF0 | (lo & 0x0F),
            _ => 0xFF,
        })
        .collect()
}

/// Decimal digits up to the first `F` nibble; a nibble `A`–`E` before it is refused.
pub(crate) fn decimal_digits(bytes: &[u8], what: &'static str) -> Result<String, CodecError> {
    let mut out = String::new();
    for n in nibbles(bytes) {
        match n {
            0..=9 => out.push(char::from(b'0' + n)),
            0xF => break,
            _ => return Err(CodecError::Invalid(what)),
        }
    }
    Ok(out)
}

/// Decimal digit values of `text`, or `None` if it holds anything else.
pub(crate) fn decimal_nibbles(text: &str) -> Option<Vec<u8>> {
    text.bytes()
        .map(|b| b.is_ascii_digit().then(|| b - b'0'))
        .collect()
}

/// The character of a dialling-number nibble (TS 51.011 §10.5.1, Table 12 / TS 31.102
/// §4.4.2.3): `0`–`9`, `A` = `*`, `B` = `#`, `C` = DTMF control digit separator (written
/// `p`), `D` = wild value (`?`), `E` = RFU/expansion (`e`). `F` ends the number.
pub(crate) fn dial_char(n: u8) -> Option<char> {
    match n {
        0..=9 => Some(char::from(b'0' + n)),
        0xA => Some('*'),
        0xB => Some('#'),
        0xC => Some('p'),
        0xD => Some('?'),
        0xE => Some('e'),
        _ => None,
    }
}

/// The nibble of a dialling-number character (inverse of [`dial_char`]).
pub(crate) fn dial_nibble(c: char) -> Option<u8> {
    match c {
        '0'..='9' => u8::try_from(u32::from(c) - u32::from('0')).ok(),
        '*' => Some(0xA),
        '#' => Some(0xB),
        'p' | 'P' => Some(0xC),
        '?' => Some(0xD),
        'e' | 'E' => Some(0xE),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_and_digits() {
        // TS 102 221 §13.2: ICCID 89882110... is stored as 98 88 12 01 ... (swapped).
        assert_eq!(pack(&[8, 9, 8, 8, 2]), vec![0x98, 0x88, 0xF2]);
        assert_eq!(decimal_digits(&[0x98, 0x88, 0xF2], "x").unwrap(), "89882");
        assert_eq!(decimal_digits(&[0x9A], "x"), Err(CodecError::Invalid("x")));
        for n in 0..0xF {
            assert_eq!(dial_char(n).and_then(dial_nibble), Some(n));
        }
        assert_eq!(dial_char(0xF), None);
        assert_eq!(decimal_nibbles("12a"), None);
    }
}
