//! Small administrative files: EF.AD (TS 31.102 §4.2.18, TS 51.011 §10.3.18), EF.ACC
//! (§4.2.15), EF.HPPLMN (§4.2.6), EF.Phase (TS 51.011 §10.3.19) and the language lists
//! EF.LI (§4.2.1) / EF.PL (TS 102 221 §13.5).

use super::{array, pad, CodecError, EfCodec};

/// EF.AD (`6FAD`): byte 1 UE operation mode, bytes 2–3 additional information (byte 3
/// b1: ciphering indicator; b2 CSG display control; b3 ProSe; b4 extended DRX), byte 4
/// b4..b1 length of the MNC in the IMSI (2 or 3; b8..b5 RFU), bytes 5… RFU.
///
/// TS 51.011 allows a 3-byte EF.AD without byte 4, hence the `Option`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfAd {
    /// UE operation mode: `00` normal, `80` type approval, `01` normal + specific
    /// facilities, `81`, `02` maintenance (off line), `04` cell test.
    pub op_mode: u8,
    /// Bytes 2–3, big-endian.
    pub additional_info: u16,
    /// Byte 4 as stored (MNC length in b4..b1), absent in a 3-byte file.
    pub byte4: Option<u8>,
    /// Bytes 5 onwards (RFU), kept as stored.
    pub rfu: Vec<u8>,
}

impl EfAd {
    /// Normal operation, no additional information, the given MNC length.
    pub fn new(mnc_len: u8) -> EfAd {
        EfAd {
            op_mode: 0x00,
            additional_info: 0x0000,
            byte4: Some(mnc_len & 0x0F),
            rfu: Vec::new(),
        }
    }

    /// The MNC length of byte 4, if present.
    pub fn mnc_len(&self) -> Option<u8> {
        self.byte4.map(|b| b & 0x0F)
    }
}

impl EfCodec for EfAd {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "00000002",
            "pySim ts_31_102.py EF_AD._test_de_encode (normal, MNC length 2)",
        ),
        (
            "01000102",
            "pySim ts_31_102.py EF_AD._test_de_encode (ciphering indicator)",
        ),
        (
            "00FFFF",
            "pySim ts_51_011.py EF_AD._test_de_encode (3-byte SIM EF.AD)",
        ),
        (
            "01000802FF",
            "real card: pySim tests/card_sanitizer card_backup_…_8949440000001155314 \
             ADF.USIM/EF.AD",
        ),
    ];
    // Bytes after byte 4 are RFU data, not padding (pySim EF_AD._test_no_pad).
    const FF_PADDING_IGNORED: bool = false;

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let [op_mode, a, b] = array::<3>(data, "EF.AD")?;
        Ok(EfAd {
            op_mode,
            additional_info: u16::from_be_bytes([a, b]),
            byte4: data.get(3).copied(),
            rfu: data.get(4..).unwrap_or_default().to_vec(),
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = vec![self.op_mode];
        out.extend_from_slice(&self.additional_info.to_be_bytes());
        if let Some(b) = self.byte4 {
            out.push(b);
            out.extend_from_slice(&self.rfu);
        }
        pad(out, size, 0xFF)
    }
}

/// EF.ACC (`6F78`, 2 bytes): access control classes as a bit field, class n = bit n of
/// the big-endian 16-bit value (byte 2 b1 = ACC 0 … byte 1 b8 = ACC 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EfAcc(pub u16);

impl EfAcc {
    /// The single class `class` (0–15); `None` above 15.
    pub fn class(class: u8) -> Option<EfAcc> {
        1u16.checked_shl(u32::from(class)).map(EfAcc)
    }
}

impl EfCodec for EfAcc {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        ("0000", "pySim ts_51_011.py EF_ACC._test_de_encode (none)"),
        ("0001", "pySim ts_51_011.py EF_ACC._test_de_encode (ACC0)"),
        ("0002", "pySim ts_51_011.py EF_ACC._test_de_encode (ACC1)"),
        ("0100", "pySim ts_51_011.py EF_ACC._test_de_encode (ACC8)"),
        ("8000", "pySim ts_51_011.py EF_ACC._test_de_encode (ACC15)"),
        (
            "802B",
            "pySim ts_51_011.py EF_ACC._test_de_encode (ACC0,1,3,5,15)",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        Ok(EfAcc(u16::from_be_bytes(array(data, "EF.ACC")?)))
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        pad(self.0.to_be_bytes().to_vec(), size, 0xFF)
    }
}

/// EF.HPPLMN (`6F31`, 1 byte): the higher-priority PLMN search period in units defined
/// by TS 31.102 §4.2.6 (and TS 51.011 §10.3.5); `00` means no search attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EfHpplmn(pub u8);

impl EfCodec for EfHpplmn {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        ("05", "pySim ts_31_102.py EF_HPPLMN._test_de_encode"),
        (
            "0A",
            "SAIP template FilesUsimMandatory EF.HPPLMN default (pySim esim/saip/templates.py)",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let [b] = array(data, "EF.HPPLMN")?;
        Ok(EfHpplmn(b))
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        pad(vec![self.0], size, 0xFF)
    }
}

/// EF.Phase (DF.GSM `6FAE`, 1 byte, TS 51.011 §10.3.19): `00` phase 1, `02` phase 2,
/// `03` phase 2 and PROFILE DOWNLOAD required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EfPhase(pub u8);

impl EfCodec for EfPhase {
    const VECTORS: &'static [(&'static str, &'static str)] = &[(
        "03",
        "real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343 DF.GSM/EF.Phase",
    )];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let [b] = array(data, "EF.Phase")?;
        Ok(EfPhase(b))
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        pad(vec![self.0], size, 0xFF)
    }
}

/// A language list of 2-byte codes (ISO 639 alpha-2 in the GSM default alphabet, which
/// equals ASCII for letters), unused entries `FF FF`: EF.LI (`6F05`, TS 31.102 §4.2.1)
/// and EF.PL (`2F05`, TS 102 221 §13.5). Trailing unused entries are dropped on decode.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageList {
    /// Entries in priority order; `None` is an unused entry.
    pub entries: Vec<Option<[u8; 2]>>,
}

impl LanguageList {
    /// A list of language codes such as `"en"`; codes that are not two ASCII letters
    /// are refused.
    pub fn of(codes: &[&str]) -> Result<LanguageList, CodecError> {
        codes
            .iter()
            .map(|c| match c.as_bytes() {
                [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => Ok(Some([*a, *b])),
                _ => Err(CodecError::Invalid("language code")),
            })
            .collect::<Result<_, _>>()
            .map(|entries| LanguageList { entries })
    }
}

impl EfCodec for LanguageList {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        ("6465", "pySim ts_51_011.py EF_PL._test_de_encode (de)"),
        ("656E", "pySim ts_51_011.py EF_PL._test_de_encode (en)"),
        ("FFFF", "pySim ts_51_011.py EF_PL._test_de_encode (unused)"),
        (
            "656E64657275FFFFFFFF",
            "pySim ts_51_011.py EF_PL._test_de_encode (en, de, ru)",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let pairs = data.chunks_exact(2);
        if pairs.remainder().iter().any(|&b| b != 0xFF) {
            return Err(CodecError::Truncated("language code"));
        }
        let mut entries: Vec<Option<[u8; 2]>> = pairs
            .filter_map(|p| <[u8; 2]>::try_from(p).ok())
            .map(|p| (p != [0xFF, 0xFF]).then_some(p))
            .collect();
        while entries.last() == Some(&None) {
            entries.pop();
        }
        Ok(LanguageList { entries })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let out = self
            .entries
            .iter()
            .flat_map(|e| e.unwrap_or([0xFF, 0xFF]))
            .collect();
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
        assert_eq!(check_vectors::<EfAd>(), Ok(4));
        assert_eq!(check_vectors::<EfAcc>(), Ok(6));
        assert_eq!(check_vectors::<EfHpplmn>(), Ok(2));
        assert_eq!(check_vectors::<EfPhase>(), Ok(1));
        assert_eq!(check_vectors::<LanguageList>(), Ok(4));
    }

    #[test]
    fn typed_values() {
        // pySim EF_AD vector 2: ciphering indicator set, MNC length 2.
        let ad = EfAd::decode(&[0x01, 0x00, 0x01, 0x02]).unwrap();
        assert_eq!(ad.op_mode, 0x01);
        assert_eq!(ad.additional_info, 0x0001);
        assert_eq!(ad.mnc_len(), Some(2));
        assert_eq!(EfAd::new(3).encode(4), vec![0, 0, 0, 3]);
        // pySim EF_ACC "802b" = ACC 0, 1, 3, 5, 15.
        assert_eq!(
            EfAcc::decode(&[0x80, 0x2B]).unwrap().0,
            1 << 15 | 1 << 5 | 1 << 3 | 1 << 1 | 1
        );
        assert_eq!(EfAcc::class(8), Some(EfAcc(0x0100)));
        assert_eq!(EfAcc::class(16), None);
        // pySim EF_PL "656e64657275ffffffff" = en, de, ru.
        assert_eq!(
            LanguageList::decode(&apdu::hex::decode("656e64657275ffffffff").unwrap()).unwrap(),
            LanguageList::of(&["en", "de", "ru"]).unwrap()
        );
        assert!(LanguageList::of(&["eng"]).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..24)) {
            decode_is_stable::<EfAd>(&data);
            decode_is_stable::<EfAcc>(&data);
            decode_is_stable::<EfHpplmn>(&data);
            decode_is_stable::<EfPhase>(&data);
            decode_is_stable::<LanguageList>(&data);
        }

        #[test]
        fn ad_round_trip(op in any::<u8>(), info in any::<u16>(), b4 in proptest::option::of(any::<u8>()), rfu in proptest::collection::vec(any::<u8>(), 0..4)) {
            let v = EfAd { op_mode: op, additional_info: info, rfu: if b4.is_some() { rfu } else { vec![] }, byte4: b4 };
            let bytes = v.encode(0);
            prop_assert_eq!(EfAd::decode(&bytes), Ok(v));
        }

        #[test]
        fn acc_round_trip(x in any::<u16>()) {
            prop_assert_eq!(EfAcc::decode(&EfAcc(x).encode(2)), Ok(EfAcc(x)));
        }
    }
}
