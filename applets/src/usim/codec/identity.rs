//! Identities: EF.IMSI (TS 31.102 §4.2.2, TS 51.011 §10.3.2) and EF.ICCID
//! (TS 102 221 §13.2).

use super::bcd::{decimal_digits, decimal_nibbles, nibbles, pack};
use super::{pad, CodecError, EfCodec};

/// EF.IMSI (`6F07`, 9 bytes): byte 1 = number of bytes used; byte 2 = digit 1 (high
/// nibble) | parity b4 (1 = odd number of digits) and identity type b3..b1 = `001`;
/// then two digits per byte, low nibble first, `F` filling (TS 31.102 §4.2.2, coding of
/// TS 24.008 §10.5.1.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfImsi {
    digits: String,
}

impl EfImsi {
    /// An IMSI of 1 to 15 decimal digits (TS 23.003 §2.2 allows at most 15).
    pub fn new(digits: &str) -> Result<EfImsi, CodecError> {
        if digits.is_empty() || digits.len() > 15 || decimal_nibbles(digits).is_none() {
            return Err(CodecError::Invalid("IMSI: 1 to 15 decimal digits"));
        }
        Ok(EfImsi {
            digits: digits.to_string(),
        })
    }

    /// The IMSI digits.
    pub fn digits(&self) -> &str {
        &self.digits
    }
}

impl EfCodec for EfImsi {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "082982608200002080",
            "pySim ts_51_011.py EF_IMSI._test_de_encode (228062800000208)",
        ),
        (
            "082926101160845740",
            "pySim ts_51_011.py EF_IMSI._test_de_encode (262011106487504)",
        ),
        (
            "080910100000214365",
            "pySim tests/unittests/test_utils.py enc_imsi (001010000123456)",
        ),
        (
            "0709101000002143FF",
            "pySim tests/unittests/test_utils.py enc_imsi (13 digits)",
        ),
        (
            "0821826082000020F8",
            "pySim tests/unittests/test_utils.py enc_imsi (14 digits)",
        ),
        (
            "07011010000021F3FF",
            "pySim tests/unittests/test_utils.py enc_imsi (12 digits)",
        ),
        (
            "080910100000001020",
            "real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343 \
             ADF.USIM/EF.IMSI",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let (&len, rest) = data
            .split_first()
            .ok_or(CodecError::Truncated("IMSI length"))?;
        let len = usize::from(len);
        if !(1..=8).contains(&len) {
            return Err(CodecError::Invalid("IMSI length byte"));
        }
        let body = rest.get(..len).ok_or(CodecError::Truncated("IMSI"))?;
        let mut n = nibbles(body);
        let first = n.next().ok_or(CodecError::Truncated("IMSI"))?;
        if first & 0x07 != 0x01 {
            return Err(CodecError::Invalid("IMSI identity type"));
        }
        let odd = first & 0x08 != 0;
        let count = if odd { 2 * len - 1 } else { 2 * len - 2 };
        let digits: Vec<u8> = n.collect();
        let (used, filler) = digits.split_at(count.min(digits.len()));
        if used.iter().any(|&d| d > 9) || filler.iter().any(|&d| d != 0xF) || used.is_empty() {
            return Err(CodecError::Invalid("IMSI digits"));
        }
        Ok(EfImsi {
            digits: used.iter().map(|&d| char::from(b'0' + d)).collect(),
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let digits = decimal_nibbles(&self.digits).unwrap_or_default();
        let odd = digits.len() % 2 == 1;
        let mut nib = vec![if odd { 0x09 } else { 0x01 }];
        nib.extend_from_slice(&digits);
        let body = pack(&nib);
        let mut out = vec![u8::try_from(body.len()).unwrap_or(0xFF)];
        out.extend(body);
        pad(out, size, 0xFF)
    }
}

/// EF.ICCID (`2FE2`, 10 bytes): the ICCID digits in swapped BCD, `F`-padded
/// (TS 102 221 §13.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfIccid {
    digits: String,
}

impl EfIccid {
    /// An ICCID of 1 to 20 decimal digits (ITU-T E.118: 19 or 20 in practice).
    pub fn new(digits: &str) -> Result<EfIccid, CodecError> {
        if digits.is_empty() || digits.len() > 20 || decimal_nibbles(digits).is_none() {
            return Err(CodecError::Invalid("ICCID: 1 to 20 decimal digits"));
        }
        Ok(EfIccid {
            digits: digits.to_string(),
        })
    }

    /// The ICCID digits.
    pub fn digits(&self) -> &str {
        &self.digits
    }
}

impl EfCodec for EfIccid {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "988812010000400310F0",
            "pySim ts_51_011.py EF_ICCID._test_de_encode (8988211000000430010)",
        ),
        (
            "98443501510011106387",
            "real card: pySim tests/card_sanitizer card_backup_…_89445310150011013678 MF/EF.ICCID",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let body = data.get(..10).ok_or(CodecError::Truncated("ICCID"))?;
        let digits = decimal_digits(body, "ICCID digits")?;
        EfIccid::new(&digits)
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut nib = decimal_nibbles(&self.digits).unwrap_or_default();
        nib.resize(20, 0xF);
        pad(pack(&nib), size, 0xFF)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usim::codec::{check_vectors, testkit::decode_is_stable};
    use proptest::prelude::*;

    #[test]
    fn vectors() {
        assert_eq!(check_vectors::<EfImsi>(), Ok(7));
        assert_eq!(check_vectors::<EfIccid>(), Ok(2));
    }

    #[test]
    fn typed_values() {
        // pySim ts_51_011.py EF_IMSI._test_de_encode and test_utils.py dec_imsi.
        let d = |h: &str| EfImsi::decode(&apdu::hex::decode(h).unwrap()).unwrap();
        assert_eq!(d("082982608200002080").digits(), "228062800000208");
        assert_eq!(d("0709101000002143").digits(), "0010100001234");
        assert_eq!(d("07011010000021F3").digits(), "001010000123");
        // pySim ts_51_011.py EF_ICCID._test_de_encode.
        let i = EfIccid::decode(&apdu::hex::decode("988812010000400310f0").unwrap()).unwrap();
        assert_eq!(i.digits(), "8988211000000430010");
    }

    #[test]
    fn refuses() {
        let d = |h: &str| EfImsi::decode(&apdu::hex::decode(h).unwrap());
        assert!(d("FFFFFFFFFFFFFFFFFF").is_err()); // unpersonalised
        assert!(d("0829826082000020").is_err()); // truncated
        assert!(d("082A82608200002080").is_err()); // type 2 (IMEI)
        assert!(d("0829826082000020F0").is_err()); // odd parity, digit missing
        assert!(EfImsi::new("").is_err());
        assert!(EfImsi::new("1234567890123456").is_err());
        assert!(EfIccid::new("89x").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..16)) {
            decode_is_stable::<EfImsi>(&data);
            decode_is_stable::<EfIccid>(&data);
        }

        #[test]
        fn imsi_round_trip(digits in "[0-9]{1,15}") {
            let v = EfImsi::new(&digits).unwrap();
            let bytes = v.encode(9);
            prop_assert_eq!(bytes.len(), 9);
            prop_assert_eq!(EfImsi::decode(&bytes), Ok(v));
        }

        #[test]
        fn iccid_round_trip(digits in "[0-9]{1,20}") {
            let v = EfIccid::new(&digits).unwrap();
            prop_assert_eq!(EfIccid::decode(&v.encode(10)), Ok(v));
        }
    }
}
