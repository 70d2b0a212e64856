//! PLMN identities (MCC + MNC, TS 24.008 §10.5.1.3) and the PLMN list files built on
//! them: EF.FPLMN (TS 31.102 §4.2.16), EF.EHPLMN (§4.2.84), EF.PLMNsel (TS 51.011
//! §10.3.4) and the "PLMN with Access Technology" lists EF.PLMNwAcT (§4.2.5),
//! EF.OPLMNwAcT (§4.2.53) and EF.HPLMNwAcT (§4.2.54).

use std::fmt;

use super::bcd::decimal_nibbles;
use super::{pad, CodecError, EfCodec};

/// A PLMN identity: 3-digit MCC and 2- or 3-digit MNC.
///
/// Encoded in 3 bytes (TS 24.008 §10.5.1.3, Figure 10.5.3): byte 1 = MCC digit 2 |
/// MCC digit 1, byte 2 = MNC digit 3 | MCC digit 3, byte 3 = MNC digit 2 | MNC digit 1
/// (high nibble | low nibble); a 2-digit MNC has `F` as digit 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Plmn {
    mcc: [u8; 3],
    mnc: [u8; 3],
    mnc_len: u8,
}

impl Plmn {
    /// A PLMN from its MCC (3 digits) and MNC (2 or 3 digits).
    pub fn new(mcc: &str, mnc: &str) -> Result<Plmn, CodecError> {
        let mcc_d = decimal_nibbles(mcc).ok_or(CodecError::Invalid("MCC digits"))?;
        let mnc_d = decimal_nibbles(mnc).ok_or(CodecError::Invalid("MNC digits"))?;
        let mcc: [u8; 3] = mcc_d
            .try_into()
            .map_err(|_| CodecError::Invalid("MCC length"))?;
        let (mnc, mnc_len) = match mnc_d.as_slice() {
            [a, b] => ([*a, *b, 0], 2),
            [a, b, c] => ([*a, *b, *c], 3),
            _ => return Err(CodecError::Invalid("MNC length")),
        };
        Ok(Plmn { mcc, mnc, mnc_len })
    }

    /// The PLMN at the start of an IMSI with `mnc_digits` (2 or 3) MNC digits.
    pub fn from_imsi(imsi: &str, mnc_digits: u8) -> Result<Plmn, CodecError> {
        let m = usize::from(mnc_digits);
        if !(2..=3).contains(&m) {
            return Err(CodecError::Invalid("MNC length"));
        }
        let mcc = imsi.get(..3).ok_or(CodecError::Truncated("IMSI"))?;
        let mnc = imsi.get(3..3 + m).ok_or(CodecError::Truncated("IMSI"))?;
        Plmn::new(mcc, mnc)
    }

    /// Parses `MCC-MNC` (e.g. `001-01`, `310-410`).
    pub fn parse(text: &str) -> Result<Plmn, CodecError> {
        let (mcc, mnc) = text
            .split_once('-')
            .ok_or(CodecError::Invalid("PLMN: expected MCC-MNC"))?;
        Plmn::new(mcc, mnc)
    }

    /// The MCC digits.
    pub fn mcc(&self) -> String {
        digits(&self.mcc)
    }

    /// The MNC digits (2 or 3).
    pub fn mnc(&self) -> String {
        digits(
            self.mnc
                .get(..usize::from(self.mnc_len))
                .unwrap_or_default(),
        )
    }

    /// The 3-byte encoding.
    pub fn to_bytes(&self) -> [u8; 3] {
        let [m1, m2, m3] = self.mcc;
        let [n1, n2, n3] = self.mnc;
        let n3 = if self.mnc_len == 3 { n3 } else { 0xF };
        [m2 << 4 | m1, n3 << 4 | m3, n2 << 4 | n1]
    }

    /// Decodes 3 bytes; `FF FF FF` (an unused entry) gives `None`.
    pub fn from_bytes(b: [u8; 3]) -> Result<Option<Plmn>, CodecError> {
        if b == [0xFF; 3] {
            return Ok(None);
        }
        let [b1, b2, b3] = b;
        let mcc = [b1 & 0x0F, b1 >> 4, b2 & 0x0F];
        let n3 = b2 >> 4;
        let (mnc, mnc_len) = (
            [b3 & 0x0F, b3 >> 4, if n3 == 0xF { 0 } else { n3 }],
            if n3 == 0xF { 2 } else { 3 },
        );
        if mcc.iter().chain(&mnc).any(|&d| d > 9) {
            return Err(CodecError::Invalid("PLMN digits"));
        }
        Ok(Some(Plmn { mcc, mnc, mnc_len }))
    }
}

fn digits(d: &[u8]) -> String {
    d.iter().map(|&n| char::from(b'0' + n)).collect()
}

impl fmt::Display for Plmn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.mcc(), self.mnc())
    }
}

/// A list of PLMNs, 3 bytes each, unused entries `FF FF FF`: EF.FPLMN (TS 31.102
/// §4.2.16), EF.EHPLMN (§4.2.84), EF.PLMNsel (TS 51.011 §10.3.4).
///
/// Decoding drops trailing unused entries (and an incomplete trailing entry of `FF`);
/// encoding pads with `FF`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlmnList {
    /// Entries in priority order; `None` is an unused entry.
    pub entries: Vec<Option<Plmn>>,
}

impl PlmnList {
    /// A list of the given PLMNs.
    pub fn of(plmns: &[Plmn]) -> PlmnList {
        PlmnList {
            entries: plmns.iter().copied().map(Some).collect(),
        }
    }
}

/// Splits `data` into `N`-byte entries; a trailing partial entry must be all `FF`.
fn entries<const N: usize>(data: &[u8]) -> Result<Vec<[u8; N]>, CodecError> {
    let chunks = data.chunks_exact(N);
    if chunks.remainder().iter().any(|&b| b != 0xFF) {
        return Err(CodecError::Truncated("list entry"));
    }
    Ok(chunks.filter_map(|c| <[u8; N]>::try_from(c).ok()).collect())
}

impl EfCodec for PlmnList {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "22F860",
            "pySim ts_51_011.py EF_PLMNsel._test_de_encode (228-06)",
        ),
        (
            "330420",
            "pySim ts_51_011.py EF_PLMNsel._test_de_encode (334-020)",
        ),
        (
            "FFFFFFFFFFFFFFFFFFFFFFFF",
            "empty EF.FPLMN: SAIP template FilesUsimMandatory (pySim esim/saip/templates.py) \
             and TS 31.102 Annex E",
        ),
        (
            "62F23062F27062F21062F220",
            "real card: pySim tests/card_sanitizer card_backup_3b991800…_2222334455667788990 \
             DF.GSM/EF.FPLMN",
        ),
        (
            "00F110FFFFFFFFFFFFFFFFFF",
            "real card: pySim tests/card_sanitizer card_backup_…_8988211320300000028 \
             ADF.USIM/EF.EHPLMN",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let mut list = entries::<3>(data)?
            .into_iter()
            .map(Plmn::from_bytes)
            .collect::<Result<Vec<_>, _>>()?;
        while list.last() == Some(&None) {
            list.pop();
        }
        Ok(PlmnList { entries: list })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let out = self
            .entries
            .iter()
            .flat_map(|e| e.map_or([0xFF; 3], |p| p.to_bytes()))
            .collect();
        pad(out, size, 0xFF)
    }
}

/// One entry of a PLMN-with-access-technology list (TS 31.102 §4.2.5): PLMN (3 bytes)
/// and access technology identifier (2 bytes, big-endian bit field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlmnAct {
    /// The PLMN; `None` for an unused entry (`FF FF FF`).
    pub plmn: Option<Plmn>,
    /// Access technology bits (see the associated constants).
    pub act: u16,
}

impl PlmnAct {
    /// UTRAN (byte 4 b8).
    pub const UTRAN: u16 = 0x8000;
    /// E-UTRAN in WB-S1 and NB-S1 mode (byte 4 b7 with b6 b5 = 00, TS 31.102 §4.2.5).
    pub const E_UTRAN: u16 = 0x4000;
    /// NG-RAN (byte 4 b4).
    pub const NG_RAN: u16 = 0x0800;
    /// GSM and EC-GSM-IoT (byte 5 b8 with b4 b3 = 00).
    pub const GSM: u16 = 0x0080;
    /// All of the above: what this card writes for the HPLMN.
    pub const ALL: u16 = Self::UTRAN | Self::E_UTRAN | Self::NG_RAN | Self::GSM;
    /// An unused entry as pySim and SAIP templates write it: `FF FF FF 00 00`.
    pub const UNUSED: PlmnAct = PlmnAct { plmn: None, act: 0 };
}

/// A PLMN-with-access-technology list: EF.PLMNwAcT (TS 31.102 §4.2.5), EF.OPLMNwAcT
/// (§4.2.53), EF.HPLMNwAcT (§4.2.54), also in DF.GSM (TS 51.011 §10.3.35–37).
///
/// Decoding drops trailing entries that are entirely `FF`; entries `FF FF FF 00 00` are
/// kept. Encoding pads with `FF`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlmnActList {
    /// Entries in priority order.
    pub entries: Vec<PlmnAct>,
}

impl EfCodec for PlmnActList {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "62F2104000",
            "pySim ts_51_011.py EF_xPLMNwAcT._test_de_encode (262-01, E-UTRAN)",
        ),
        (
            "62F2108000",
            "pySim ts_51_011.py EF_xPLMNwAcT._test_de_encode (262-01, UTRAN)",
        ),
        (
            "62F220488C",
            "pySim ts_51_011.py EF_xPLMNwAcT._test_de_encode (262-02, five AcTs)",
        ),
        (
            "00F110FFFFFFFFFF0000FFFFFF0000FFFFFF0000FFFFFF0000FFFFFF0000FFFFFF0000FFFFFF0000",
            "real card: pySim tests/card_sanitizer card_backup_…_8988219000000117833 \
             ADF.USIM/EF.HPLMNwAcT",
        ),
        (
            "FFFFFF0000FFFFFF0000FFFFFF0000FFFFFF0000FFFFFF0000FFFFFF0000FFFFFF0000FFFFFF0000",
            "SAIP template FilesUsimOptional EF.PLMNwAcT default 'FFFFFF0000' repeated \
             (pySim esim/saip/templates.py)",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let mut list = entries::<5>(data)?
            .into_iter()
            .map(|[a, b, c, d, e]| {
                Ok(PlmnAct {
                    plmn: Plmn::from_bytes([a, b, c])?,
                    act: u16::from_be_bytes([d, e]),
                })
            })
            .collect::<Result<Vec<_>, CodecError>>()?;
        while list.last()
            == Some(&PlmnAct {
                plmn: None,
                act: 0xFFFF,
            })
        {
            list.pop();
        }
        Ok(PlmnActList { entries: list })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for e in &self.entries {
            out.extend_from_slice(&e.plmn.map_or([0xFF; 3], |p| p.to_bytes()));
            out.extend_from_slice(&e.act.to_be_bytes());
        }
        pad(out, size, 0xFF)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usim::codec::testkit::decode_is_stable;
    use proptest::prelude::*;

    #[test]
    fn vectors() {
        assert_eq!(crate::usim::codec::check_vectors::<PlmnList>(), Ok(5));
        assert_eq!(crate::usim::codec::check_vectors::<PlmnActList>(), Ok(5));
    }

    #[test]
    fn pysim_enc_plmn_vectors() {
        // pySim tests/unittests/test_utils.py test_enc_plmn.
        for (mcc, mnc, hex) in [
            ("001", "01", "00F110"),
            ("295", "10", "92F501"),
            ("001", "001", "001100"),
            ("302", "361", "031263"),
        ] {
            let p = Plmn::new(mcc, mnc).unwrap();
            assert_eq!(apdu::hex::encode(&p.to_bytes()), hex);
            assert_eq!(
                Plmn::from_bytes(p.to_bytes()).unwrap(),
                Some(p),
                "{mcc}-{mnc}"
            );
        }
        // pySim ts_51_011.py EF_PLMNsel vectors: typed values.
        let l = PlmnList::decode(&[0x33, 0x04, 0x20]).unwrap();
        assert_eq!(l.entries, vec![Some(Plmn::new("334", "020").unwrap())]);
        assert_eq!(l.entries[0].unwrap().to_string(), "334-020");
        // pySim EF_xPLMNwAcT vector 2: 262-01 with UTRAN only.
        let l = PlmnActList::decode(&apdu::hex::decode("62F2108000").unwrap()).unwrap();
        assert_eq!(l.entries[0].plmn.unwrap().to_string(), "262-01");
        assert_eq!(l.entries[0].act, PlmnAct::UTRAN);
    }

    #[test]
    fn plmn_parsing() {
        assert_eq!(Plmn::parse("001-01").unwrap().to_string(), "001-01");
        assert_eq!(
            Plmn::from_imsi("310410123456789", 3).unwrap().to_string(),
            "310-410"
        );
        assert!(Plmn::parse("0010").is_err());
        assert!(Plmn::parse("01-01").is_err());
        assert!(Plmn::parse("001-1").is_err());
        assert!(Plmn::from_imsi("00101", 3).is_err());
        assert_eq!(Plmn::from_bytes([0xFF; 3]), Ok(None));
        assert!(Plmn::from_bytes([0xAF, 0xF1, 0x10]).is_err());
    }

    fn plmn() -> impl Strategy<Value = Plmn> {
        ("[0-9]{3}", "[0-9]{2,3}").prop_map(|(a, b)| Plmn::new(&a, &b).unwrap())
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..64)) {
            decode_is_stable::<PlmnList>(&data);
            decode_is_stable::<PlmnActList>(&data);
        }

        #[test]
        fn plmn_round_trip(p in plmn()) {
            prop_assert_eq!(Plmn::from_bytes(p.to_bytes()), Ok(Some(p)));
            prop_assert_eq!(Plmn::parse(&p.to_string()), Ok(p));
        }

        #[test]
        fn list_round_trip(list in proptest::collection::vec(proptest::option::of(plmn()), 0..8)) {
            let mut v = PlmnList { entries: list };
            while v.entries.last() == Some(&None) { v.entries.pop(); }
            let bytes = v.encode(30);
            prop_assert_eq!(PlmnList::decode(&bytes), Ok(v));
        }

        #[test]
        fn act_round_trip(list in proptest::collection::vec((proptest::option::of(plmn()), 0u16..0xFFFF), 0..8)) {
            let v = PlmnActList { entries: list.into_iter().map(|(plmn, act)| PlmnAct { plmn, act }).collect() };
            prop_assert_eq!(PlmnActList::decode(&v.encode(40)), Ok(v));
        }
    }
}
