//! Alpha identifiers (TS 31.102 Annex A / TS 102 221 Annex A: the SMS default 7-bit
//! alphabet of TS 23.038 §6.2.1 with b8 = 0, or one of the three UCS2 codings `80`,
//! `81`, `82`) and EF.SPN (TS 31.102 §4.2.12, TS 51.011 §10.3.11).

use super::{pad, trim_ff, CodecError, EfCodec};

/// The GSM 7-bit default alphabet (TS 23.038 §6.2.1), indexed by septet. `0x1B` is the
/// escape to the extension table and maps to no character here.
const GSM_DEFAULT: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1B}', 'Æ', 'æ', 'ß', 'É', //
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
];

/// The default-alphabet extension table (TS 23.038 §6.2.1.1): septet after `1B`.
const GSM_EXTENSION: [(u8, char); 10] = [
    (0x0A, '\u{0C}'),
    (0x14, '^'),
    (0x28, '{'),
    (0x29, '}'),
    (0x2F, '\\'),
    (0x3C, '['),
    (0x3D, '~'),
    (0x3E, ']'),
    (0x40, '|'),
    (0x65, '€'),
];

/// Septets for `c` in the default alphabet (1 or 2 with the escape), if representable.
fn gsm_septets(c: char) -> Option<Vec<u8>> {
    if c == '\u{1B}' {
        return None;
    }
    if let Some(i) = GSM_DEFAULT.iter().position(|&g| g == c) {
        return u8::try_from(i).ok().map(|s| vec![s]);
    }
    GSM_EXTENSION
        .iter()
        .find(|(_, g)| *g == c)
        .map(|(s, _)| vec![0x1B, *s])
}

/// Decodes unpacked default-alphabet septets; `None` if a byte has b8 set or an escape
/// sequence is unknown.
fn gsm_text(bytes: &[u8]) -> Option<String> {
    let mut out = String::new();
    let mut it = bytes.iter();
    while let Some(&b) = it.next() {
        if b == 0x1B {
            let &e = it.next()?;
            out.push(GSM_EXTENSION.iter().find(|(s, _)| *s == e)?.1);
        } else {
            out.push(*GSM_DEFAULT.get(usize::from(b))?);
        }
    }
    Some(out)
}

/// An alpha identifier as stored, without its trailing `FF` padding. Use
/// [`Alpha::from_text`] to build one and [`Alpha::text`] to read it.
///
/// Trailing `FF` bytes are padding by definition (TS 31.102 Annex A), so a UCS2 text
/// ending in a character `U+xxFF` cannot be stored faithfully; no coding avoids that.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alpha(Vec<u8>);

impl Alpha {
    /// The empty alpha identifier (all `FF`).
    pub const EMPTY: Alpha = Alpha(Vec::new());

    /// Wraps stored bytes (trailing `FF` removed).
    pub fn from_bytes(bytes: &[u8]) -> Alpha {
        Alpha(trim_ff(bytes).to_vec())
    }

    /// Encodes `text` in the GSM default alphabet if every character is in it (or its
    /// extension table), else as UCS2 with the `80` prefix (TS 31.102 Annex A.1).
    /// Characters outside the Basic Multilingual Plane are refused.
    pub fn from_text(text: &str) -> Result<Alpha, CodecError> {
        let gsm: Option<Vec<u8>> = text
            .chars()
            .map(gsm_septets)
            .collect::<Option<Vec<_>>>()
            .map(|v| v.concat());
        if let Some(bytes) = gsm {
            return Ok(Alpha(bytes));
        }
        let mut out = vec![0x80];
        for c in text.chars() {
            let u = u16::try_from(u32::from(c))
                .map_err(|_| CodecError::Invalid("alpha: character outside the BMP"))?;
            out.extend_from_slice(&u.to_be_bytes());
        }
        Ok(Alpha(trim_ff(&out).to_vec()))
    }

    /// The stored bytes (without trailing `FF`).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text, if the bytes follow one of the codings of TS 31.102 Annex A.
    pub fn text(&self) -> Option<String> {
        match self.0.split_first() {
            None => Some(String::new()),
            Some((0x80, rest)) => {
                let units: Vec<u16> = rest
                    .chunks(2)
                    .map(|c| match c {
                        [a, b] => u16::from_be_bytes([*a, *b]),
                        // An odd trailing byte is the start of a character ending in FF.
                        [a] => u16::from_be_bytes([*a, 0xFF]),
                        _ => 0,
                    })
                    .collect();
                String::from_utf16(&units).ok()
            }
            Some((0x81, rest)) => {
                let (&n, rest) = rest.split_first()?;
                let (&base, rest) = rest.split_first()?;
                ucs2_compressed(rest, usize::from(n), u16::from(base) << 7)
            }
            Some((0x82, rest)) => {
                let (&n, rest) = rest.split_first()?;
                let (base, rest) = rest.split_at_checked(2)?;
                let base = u16::from_be_bytes(base.try_into().ok()?);
                ucs2_compressed(rest, usize::from(n), base)
            }
            Some(_) => gsm_text(&self.0),
        }
    }

    /// The bytes padded with `FF` to `size` (longer if they do not fit).
    pub fn encode(&self, size: usize) -> Vec<u8> {
        pad(self.0.clone(), size, 0xFF)
    }
}

/// The `81`/`82` codings: `n` characters, each a default-alphabet septet (b8 = 0) or
/// `base + (b & 7F)` (b8 = 1).
fn ucs2_compressed(bytes: &[u8], n: usize, base: u16) -> Option<String> {
    let chars = bytes.get(..n)?;
    chars
        .iter()
        .map(|&b| {
            if b & 0x80 == 0 {
                GSM_DEFAULT.get(usize::from(b)).copied()
            } else {
                char::from_u32(u32::from(base.checked_add(u16::from(b & 0x7F))?))
            }
        })
        .collect()
}

/// EF.SPN (`6F46`, 17 bytes): display condition (b1: display of the registered PLMN
/// name required in the HPLMN; b2 = 0: display of the SPN required outside it), then
/// the service provider name as an alpha identifier of 16 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfSpn {
    /// Byte 1.
    pub display_condition: u8,
    /// Bytes 2–17.
    pub name: Alpha,
}

impl EfCodec for EfSpn {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        ("0147534D2D52204348FFFFFFFFFFFFFFFF", "pySim ts_51_011.py EF_SPN._test_de_encode (\"GSM-R CH\")"),
        (
            "034D61676963FFFFFFFFFFFFFFFFFFFFFF",
            "real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343 ADF.USIM/EF.SPN",
        ),
        (
            "00FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            "real card: pySim tests/card_sanitizer card_backup_3b991800…_2222334455667788990 DF.GSM/EF.SPN",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let (&display_condition, rest) =
            data.split_first().ok_or(CodecError::Truncated("EF.SPN"))?;
        let name = rest
            .get(..16)
            .ok_or(CodecError::Truncated("service provider name"))?;
        Ok(EfSpn {
            display_condition,
            name: Alpha::from_bytes(name),
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = vec![self.display_condition];
        out.extend(self.name.encode(16));
        pad(out, size, 0xFF)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usim::codec::{check_vectors, testkit::decode_is_stable};
    use proptest::prelude::*;

    #[test]
    fn vectors() {
        assert_eq!(check_vectors::<EfSpn>(), Ok(3));
    }

    #[test]
    fn texts() {
        // pySim EF_SPN vector: display condition 01, name "GSM-R CH".
        let spn = EfSpn::decode(&apdu::hex::decode("0147534d2d52204348ffffffffffffffff").unwrap())
            .unwrap();
        assert_eq!(spn.display_condition, 1);
        assert_eq!(spn.name.text().as_deref(), Some("GSM-R CH"));
        // Real card 8988211000000467343: "Magic".
        assert_eq!(
            Alpha::from_bytes(&[0x4D, 0x61, 0x67, 0x69, 0x63, 0xFF])
                .text()
                .as_deref(),
            Some("Magic")
        );
        // TS 23.038 §6.2.1: '@' = 00, '$' = 02, '_' = 11; '€' = 1B 65 (extension table).
        assert_eq!(
            Alpha::from_text("@$_€").unwrap().as_bytes(),
            &[0x00, 0x02, 0x11, 0x1B, 0x65]
        );
        // TS 31.102 Annex A.1 (UCS2, '80' prefix): "Ж" = U+0416.
        let a = Alpha::from_text("Ж").unwrap();
        assert_eq!(a.as_bytes(), &[0x80, 0x04, 0x16]);
        assert_eq!(a.text().as_deref(), Some("Ж"));
        // TS 102 221 Annex A.2 example coding '81': 3 characters, base 0x0400 (byte 08):
        // 0x96 -> U+0416, 0x41 -> 'A'.
        assert_eq!(
            Alpha::from_bytes(&[0x81, 0x03, 0x08, 0x96, 0x41, 0x96])
                .text()
                .as_deref(),
            Some("ЖAЖ")
        );
        // '82': base given on 2 bytes.
        assert_eq!(
            Alpha::from_bytes(&[0x82, 0x01, 0x04, 0x00, 0x96])
                .text()
                .as_deref(),
            Some("Ж")
        );
        assert_eq!(Alpha::from_bytes(&[0xC1]).text(), None);
        assert!(Alpha::from_text("😀").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..24)) {
            decode_is_stable::<EfSpn>(&data);
            let _ = Alpha::from_bytes(&data).text();
        }

        #[test]
        fn text_round_trip(s in "[ -~]{0,10}|[а-я]{0,5}") {
            let a = Alpha::from_text(&s).unwrap();
            prop_assert_eq!(a.text(), Some(s));
        }
    }
}
