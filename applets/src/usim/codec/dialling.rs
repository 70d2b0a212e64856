//! Dialling numbers: ADN-format records as EF.MSISDN (TS 31.102 §4.2.26) and EF.FDN
//! (§4.2.24) use them (layout of EF.ADN, §4.4.2.3 / TS 51.011 §10.5.1), and EF.ECC
//! records (§4.2.21).

use super::alpha::Alpha;
use super::bcd::{dial_char, dial_nibble, nibbles, pack};
use super::{pad, CodecError, EfCodec};

/// A dialling number: TON/NPI byte and up to 20 BCD digits (`0`–`9`, `*`, `#`, `p`
/// DTMF separator, `?` wild, `e` expansion; TS 51.011 §10.5.1 Table 12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialNumber {
    ton_npi: u8,
    digits: String,
}

impl DialNumber {
    /// TON/NPI `91`: international number, ISDN/telephony numbering plan (E.164).
    pub const INTERNATIONAL: u8 = 0x91;
    /// TON/NPI `81`: unknown type of number, ISDN/telephony numbering plan.
    pub const UNKNOWN: u8 = 0x81;

    /// Parses a number as written by people: a leading `+` selects TON/NPI `91`,
    /// otherwise `81`; spaces and `-` are ignored.
    pub fn parse(text: &str) -> Result<DialNumber, CodecError> {
        let t: String = text.chars().filter(|c| *c != ' ' && *c != '-').collect();
        match t.strip_prefix('+') {
            Some(rest) => DialNumber::new(DialNumber::INTERNATIONAL, rest),
            None => DialNumber::new(DialNumber::UNKNOWN, &t),
        }
    }

    /// A number with the given TON/NPI and digits (1 to 20 of the set above).
    pub fn new(ton_npi: u8, digits: &str) -> Result<DialNumber, CodecError> {
        if digits.is_empty()
            || digits.chars().count() > 20
            || digits.chars().any(|c| dial_nibble(c).is_none())
        {
            return Err(CodecError::Invalid("dialling number: 1 to 20 digits"));
        }
        Ok(DialNumber {
            ton_npi,
            digits: digits.to_ascii_lowercase(),
        })
    }

    /// The TON/NPI byte.
    pub fn ton_npi(&self) -> u8 {
        self.ton_npi
    }

    /// The digits.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// The number as people write it (`+` for an international TON).
    pub fn to_text(&self) -> String {
        if self.ton_npi & 0x70 == 0x10 {
            format!("+{}", self.digits)
        } else {
            self.digits.clone()
        }
    }

    /// The BCD bytes of the digits (at most 10).
    pub(crate) fn bcd(&self) -> Vec<u8> {
        let n: Vec<u8> = self.digits.chars().filter_map(dial_nibble).collect();
        pack(&n)
    }

    /// Reads `len` bytes of BCD (digits up to the first `F`).
    pub(crate) fn from_bcd(ton_npi: u8, bcd: &[u8]) -> Result<Option<DialNumber>, CodecError> {
        let digits: String = nibbles(bcd).map_while(dial_char).collect();
        if digits.is_empty() {
            return Ok(None);
        }
        DialNumber::new(ton_npi, &digits).map(Some)
    }
}

/// An ADN-format record of `X + 14` bytes: alpha identifier (X), length of the BCD
/// number contents (TON/NPI + digits bytes; `FF` = empty), TON/NPI, 10 bytes of BCD
/// digits, capability/configuration record identifier, extension record identifier.
/// EF.MSISDN (`6F40`) and EF.FDN (`6F3B`) use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdnRecord {
    /// The alpha identifier.
    pub alpha: Alpha,
    /// The number; `None` for an empty record (length byte `FF`).
    pub number: Option<DialNumber>,
    /// Capability/configuration(2) record identifier (`FF` = none).
    pub ccp: u8,
    /// Extension record identifier (`FF` = none).
    pub ext: u8,
}

impl AdnRecord {
    /// An empty record (all `FF`).
    pub const EMPTY: AdnRecord = AdnRecord {
        alpha: Alpha::EMPTY,
        number: None,
        ccp: 0xFF,
        ext: 0xFF,
    };
}

impl EfCodec for AdnRecord {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF04B12143F5FFFFFFFFFFFFFFFFFF",
            "pySim ts_51_011.py EF_MSISDN._test_de_encode (12345, TON/NPI B1)",
        ),
        (
            "456967656E65205275666E756D6D6572FFFFFFFF0891947172199181F3FFFFFFFFFF",
            "pySim ts_51_011.py EF_MSISDN._test_de_encode (\"Eigene Rufnummer\", +4917279119183)",
        ),
        (
            "42204841203120536963FFFFFFFFFFFF06810628560810FFFFFFFFFFFFFF",
            "pySim ts_51_011.py EF_ADN._test_de_encode (\"B HA 1 Sic\")",
        ),
        (
            "4B756E64656E626574726575756E67FF0791947112122721FFFFFFFFFFFF",
            "pySim ts_51_011.py EF_ADN._test_de_encode (\"Kundenbetreuung\")",
        ),
        (
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF07917777366341F3FFFFFFFFFFFF",
            "real card: pySim tests/card_sanitizer card_backup_…_8988211320300000028 ADF.USIM/EF.MSISDN",
        ),
        (
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            "empty EF.FDN record, real card: pySim tests/card_sanitizer card_backup_3b9a9400…_1122334455667788990",
        ),
    ];
    // The layout is counted from the end of the record (pySim EF_MSISDN._test_no_pad).
    const FF_PADDING_IGNORED: bool = false;

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let x = data
            .len()
            .checked_sub(14)
            .ok_or(CodecError::Truncated("ADN record"))?;
        let (alpha, tail) = data.split_at(x);
        let [len, ton_npi, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, ccp, ext] =
            <[u8; 14]>::try_from(tail).map_err(|_| CodecError::Truncated("ADN record"))?;
        let bcd = [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9];
        let number = match len {
            0xFF => None,
            1..=11 => {
                let used = bcd.get(..usize::from(len - 1)).unwrap_or_default();
                Some(
                    DialNumber::from_bcd(ton_npi, used)?
                        .ok_or(CodecError::Invalid("empty dialling number"))?,
                )
            }
            _ => return Err(CodecError::Invalid("BCD number length")),
        };
        Ok(AdnRecord {
            alpha: Alpha::from_bytes(alpha),
            number,
            ccp,
            ext,
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = self.alpha.encode(size.saturating_sub(14));
        match &self.number {
            None => out.extend_from_slice(&[0xFF; 12]),
            Some(n) => {
                let bcd = n.bcd();
                out.push(u8::try_from(bcd.len() + 1).unwrap_or(0xFF));
                out.push(n.ton_npi);
                out.extend(pad(bcd, 10, 0xFF));
            }
        }
        out.extend_from_slice(&[self.ccp, self.ext]);
        out
    }
}

/// An EF.ECC record (`6FB7`, X + 4 bytes): emergency call code (3 bytes BCD, `F`
/// filled; `FFFFFF` = unused), alpha identifier (X), emergency service category
/// (TS 24.008 §10.5.4.33 bits: police, ambulance, fire brigade, marine guard,
/// mountain rescue, …; `00` = none given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EccRecord {
    code: String,
    /// The alpha identifier.
    pub alpha: Alpha,
    /// Emergency service category.
    pub category: u8,
}

impl EccRecord {
    /// A record for `code` (1 to 6 decimal digits, or empty for an unused record).
    pub fn new(code: &str, category: u8) -> Result<EccRecord, CodecError> {
        if code.len() > 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodecError::Invalid("emergency call code: up to 6 digits"));
        }
        Ok(EccRecord {
            code: code.to_string(),
            alpha: Alpha::EMPTY,
            category,
        })
    }

    /// The code digits (empty for an unused record).
    pub fn code(&self) -> &str {
        &self.code
    }
}

impl EfCodec for EccRecord {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        ("19F1FF01", "pySim ts_31_102.py EF_ECC._test_de_encode (911, police)"),
        ("19F3FF02", "pySim ts_31_102.py EF_ECC._test_de_encode (913, ambulance)"),
        (
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00",
            "real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343 ADF.USIM/EF.ECC",
        ),
        ("FFFFFFFF", "real card: pySim tests/card_sanitizer card_backup_…_89445310150011013678 ADF.USIM/EF.ECC"),
    ];
    // The category is the last byte (pySim EF_ECC._test_no_pad).
    const FF_PADDING_IGNORED: bool = false;

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let (&category, rest) = data
            .split_last()
            .ok_or(CodecError::Truncated("ECC record"))?;
        let code = rest.get(..3).ok_or(CodecError::Truncated("ECC code"))?;
        let digits: String = nibbles(code)
            .map_while(|n| (n <= 9).then(|| char::from(b'0' + n)))
            .collect();
        if nibbles(code).skip(digits.len()).any(|n| n != 0xF) {
            return Err(CodecError::Invalid("emergency call code"));
        }
        Ok(EccRecord {
            code: digits,
            alpha: Alpha::from_bytes(rest.get(3..).unwrap_or_default()),
            category,
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let n: Vec<u8> = self
            .code
            .bytes()
            .map(|b| b.wrapping_sub(b'0') & 0x0F)
            .collect();
        let mut out = pad(pack(&n), 3, 0xFF);
        out.extend(self.alpha.encode(size.saturating_sub(4)));
        out.push(self.category);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usim::codec::{check_vectors, testkit::decode_is_stable};
    use proptest::prelude::*;

    #[test]
    fn vectors() {
        assert_eq!(check_vectors::<AdnRecord>(), Ok(6));
        assert_eq!(check_vectors::<EccRecord>(), Ok(4));
    }

    #[test]
    fn typed_values() {
        let d = |h: &str| AdnRecord::decode(&apdu::hex::decode(h).unwrap()).unwrap();
        // pySim EF_MSISDN vector 2: "Eigene Rufnummer", international 4917279119183.
        let r = d("456967656e65205275666e756d6d6572ffffffff0891947172199181f3ffffffffff");
        assert_eq!(r.alpha.text().as_deref(), Some("Eigene Rufnummer"));
        assert_eq!(r.number.as_ref().unwrap().to_text(), "+4917279119183");
        // pySim EF_MSISDN vector 1: "12345", TON/NPI b1 (network specific, E.164).
        let r = d("ffffffffffffffffffffffffffffffffffffffff04b12143f5ffffffffffffffffff");
        assert_eq!(r.number.as_ref().unwrap().digits(), "12345");
        assert_eq!(r.number.as_ref().unwrap().ton_npi(), 0xB1);
        // pySim EF_MSISDN._test_encode: {"msisdn": "123456789"} with TON/NPI b1.
        let n = DialNumber::new(0xB1, "123456789").unwrap();
        let rec = AdnRecord {
            number: Some(n),
            ..AdnRecord::EMPTY
        };
        assert_eq!(
            apdu::hex::encode(&rec.encode(34)),
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF06B121436587F9FFFFFFFFFFFFFF"
        );
        assert_eq!(DialNumber::parse("+49 172-791").unwrap().ton_npi(), 0x91);
        assert!(DialNumber::parse("12a").is_err());
        assert!(DialNumber::new(0x81, "123456789012345678901").is_err());
        // pySim EF_ECC vector 1: 911, category police (01).
        let e = EccRecord::decode(&[0x19, 0xF1, 0xFF, 0x01]).unwrap();
        assert_eq!((e.code(), e.category), ("911", 1));
        assert_eq!(
            EccRecord::new("112", 0).unwrap().encode(4),
            vec![0x11, 0xF2, 0xFF, 0x00]
        );
        assert!(EccRecord::decode(&[0x1F, 0xF1, 0xFF, 0x01]).is_err());
        assert!(EccRecord::new("1a", 0).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..40)) {
            decode_is_stable::<AdnRecord>(&data);
            decode_is_stable::<EccRecord>(&data);
        }

        #[test]
        fn adn_round_trip(digits in "[0-9*#]{1,20}", ton in any::<u8>(), alpha in "[A-Za-z0-9 ]{0,10}", ccp in any::<u8>()) {
            let rec = AdnRecord {
                alpha: Alpha::from_text(&alpha).unwrap(),
                number: Some(DialNumber::new(ton, &digits).unwrap()),
                ccp,
                ext: 0xFF,
            };
            prop_assert_eq!(AdnRecord::decode(&rec.encode(24)), Ok(rec));
        }

        #[test]
        fn ecc_round_trip(code in "[0-9]{0,6}", cat in any::<u8>()) {
            let rec = EccRecord::new(&code, cat).unwrap();
            prop_assert_eq!(EccRecord::decode(&rec.encode(4)), Ok(rec));
        }
    }
}
