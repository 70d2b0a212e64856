//! Key files: EF.Keys / EF.KeysPS (TS 31.102 §4.2.3 / §4.2.4), EF.Kc / EF.KcGPRS
//! (TS 31.102 §4.4.3.2–3; TS 51.011 §10.3.1 / §10.3.32 in DF.GSM), EF.START-HFN
//! (TS 31.102 §4.2.51) and EF.THRESHOLD (§4.2.52).

use super::{array, pad, CodecError, EfCodec};

/// EF.Keys (`6F08`) / EF.KeysPS (`6F09`), 33 bytes: key set identifier KSI (b3..b1;
/// `07` = no key available), CK (16 bytes), IK (16 bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfKeys {
    /// Byte 1 as stored.
    pub ksi: u8,
    /// Cipher key.
    pub ck: [u8; 16],
    /// Integrity key.
    pub ik: [u8; 16],
}

impl EfKeys {
    /// "No key available": KSI `07`, keys `FF…FF` (the initial content in TS 31.102
    /// Annex E and the SAIP templates).
    pub const NO_KEY: EfKeys = EfKeys {
        ksi: 0x07,
        ck: [0xFF; 16],
        ik: [0xFF; 16],
    };
}

impl EfCodec for EfKeys {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "07FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            "SAIP template FilesUsimMandatory EF.Keys default '07FF...FF' (pySim \
             esim/saip/templates.py); real card 89445310150011013678 ADF.USIM/EF.Keys",
        ),
        (
            "02000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
            "constructed from the TS 31.102 §4.2.4 layout (KSI 2, CK 00..0F, IK 10..1F)",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let all = array::<33>(data, "EF.Keys")?;
        let (ksi, keys) = all.split_first().ok_or(CodecError::Truncated("KSI"))?;
        Ok(EfKeys {
            ksi: *ksi,
            ck: array(keys, "CK")?,
            ik: array(keys.get(16..).unwrap_or_default(), "IK")?,
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = vec![self.ksi];
        out.extend_from_slice(&self.ck);
        out.extend_from_slice(&self.ik);
        pad(out, size, 0xFF)
    }
}

/// EF.Kc (`4F20` in DF.GSM-ACCESS, `6F20` in DF.GSM) / EF.KcGPRS (`4F52`, `6F52`),
/// 9 bytes: Kc (8 bytes) and the ciphering key sequence number CKSN (`07` = no key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfKc {
    /// Kc.
    pub kc: [u8; 8],
    /// CKSN (byte 9 as stored).
    pub cksn: u8,
}

impl EfKc {
    /// "No key available": `FF…FF 07` (SAIP template default, TS 51.011 §10.3.1).
    pub const NO_KEY: EfKc = EfKc {
        kc: [0xFF; 8],
        cksn: 0x07,
    };
}

impl EfCodec for EfKc {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        ("837D783609A3858F05", "pySim ts_51_011.py EF_Kc._test_de_encode"),
        (
            "FFFFFFFFFFFFFFFF07",
            "SAIP template FilesUsimDfGsmAccess EF.Kc default 'FF...FF07' (pySim esim/saip/templates.py)",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let all = array::<9>(data, "EF.Kc")?;
        let [.., cksn] = all;
        Ok(EfKc {
            kc: array(&all, "Kc")?,
            cksn,
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = self.kc.to_vec();
        out.push(self.cksn);
        pad(out, size, 0xFF)
    }
}

fn u24(b: [u8; 3]) -> u32 {
    u32::from_be_bytes([0, b[0], b[1], b[2]])
}

fn u24_bytes(v: u32) -> [u8; 3] {
    let [_, a, b, c] = v.to_be_bytes();
    [a, b, c]
}

/// EF.START-HFN (`6F5B`, 6 bytes): START-CS and START-PS, 20-bit values in 3 bytes each
/// (TS 31.102 §4.2.51). Values above 24 bits are truncated on encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EfStartHfn {
    /// START-CS.
    pub start_cs: u32,
    /// START-PS.
    pub start_ps: u32,
}

impl EfCodec for EfStartHfn {
    const VECTORS: &'static [(&'static str, &'static str)] = &[(
        "F00000F00000",
        "pySim ts_31_102.py EF_START_HFN._test_de_encode; SAIP template default",
    )];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let [a, b, c, d, e, f] = array::<6>(data, "EF.START-HFN")?;
        Ok(EfStartHfn {
            start_cs: u24([a, b, c]),
            start_ps: u24([d, e, f]),
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = u24_bytes(self.start_cs).to_vec();
        out.extend_from_slice(&u24_bytes(self.start_ps));
        pad(out, size, 0xFF)
    }
}

/// EF.THRESHOLD (`6F5C`, 3 bytes): maximum value of START (TS 31.102 §4.2.52). Values
/// above 24 bits are truncated on encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EfThreshold(pub u32);

impl EfCodec for EfThreshold {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        ("F01000", "pySim ts_31_102.py EF_THRESHOLD._test_de_encode"),
        (
            "FFFFFF",
            "SAIP template FilesUsimMandatory EF.THRESHOLD default (pySim esim/saip/templates.py)",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        Ok(EfThreshold(u24(array(data, "EF.THRESHOLD")?)))
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        pad(u24_bytes(self.0).to_vec(), size, 0xFF)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usim::codec::{check_vectors, testkit::decode_is_stable};
    use proptest::prelude::*;

    #[test]
    fn vectors() {
        assert_eq!(check_vectors::<EfKeys>(), Ok(2));
        assert_eq!(check_vectors::<EfKc>(), Ok(2));
        assert_eq!(check_vectors::<EfStartHfn>(), Ok(1));
        assert_eq!(check_vectors::<EfThreshold>(), Ok(2));
    }

    #[test]
    fn typed_values() {
        // pySim EF_START_HFN: start_cs = start_ps = 15728640; EF_THRESHOLD: 15732736.
        let s = EfStartHfn::decode(&[0xF0, 0, 0, 0xF0, 0, 0]).unwrap();
        assert_eq!((s.start_cs, s.start_ps), (15_728_640, 15_728_640));
        assert_eq!(
            EfThreshold::decode(&[0xF0, 0x10, 0x00]).unwrap().0,
            15_732_736
        );
        // pySim EF_Kc: kc 837d783609a3858f, cksn 5.
        let kc = EfKc::decode(&apdu::hex::decode("837d783609a3858f05").unwrap()).unwrap();
        assert_eq!(kc.kc, [0x83, 0x7d, 0x78, 0x36, 0x09, 0xa3, 0x85, 0x8f]);
        assert_eq!(kc.cksn, 5);
        assert_eq!(EfKeys::NO_KEY.encode(33).len(), 33);
        assert!(EfKeys::decode(&[0x07; 32]).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..40)) {
            decode_is_stable::<EfKeys>(&data);
            decode_is_stable::<EfKc>(&data);
            decode_is_stable::<EfStartHfn>(&data);
            decode_is_stable::<EfThreshold>(&data);
        }

        #[test]
        fn round_trip(ksi in any::<u8>(), ck in any::<[u8; 16]>(), ik in any::<[u8; 16]>(), a in 0u32..0x100_0000, b in 0u32..0x100_0000) {
            let k = EfKeys { ksi, ck, ik };
            prop_assert_eq!(EfKeys::decode(&k.encode(33)), Ok(k));
            let s = EfStartHfn { start_cs: a, start_ps: b };
            prop_assert_eq!(EfStartHfn::decode(&s.encode(6)), Ok(s));
            prop_assert_eq!(EfThreshold::decode(&EfThreshold(a).encode(3)), Ok(EfThreshold(a)));
        }
    }
}
