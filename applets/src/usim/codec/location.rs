//! Location information written by the terminal: EF.LOCI (TS 31.102 §4.2.17, TS 51.011
//! §10.3.16), EF.PSLOCI (§4.2.23; EF.LOCIGPRS of TS 51.011 §10.3.33), EF.EPSLOCI
//! (§4.2.91) and EF.5GS3GPPLOCI / EF.5GSN3GPPLOCI (§4.4.11.2–3).
//!
//! Identities (TMSI, GUTI) and area identities are kept as stored; only the update
//! status is interpreted. The "not updated" constants are the initial contents of the
//! SAIP templates and TS 31.102 Annex E.

use super::plmn::Plmn;
use super::{array, pad, CodecError, EfCodec};

/// Values of the update status byte shared by the four files.
pub mod update_status {
    /// "Updated" (`00`).
    pub const UPDATED: u8 = 0x00;
    /// "Not updated" (`01`).
    pub const NOT_UPDATED: u8 = 0x01;
}

use update_status::NOT_UPDATED;

/// EF.LOCI (`6F7E`, 11 bytes): TMSI (4), LAI (5: PLMN 3 + LAC 2), RFU (TMSI TIME in
/// TS 51.011), location update status (`00` updated, `01` not updated, `02` PLMN not
/// allowed, `03` location area not allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfLoci {
    /// TMSI.
    pub tmsi: [u8; 4],
    /// Location area identity.
    pub lai: [u8; 5],
    /// Byte 10 (RFU / TMSI TIME).
    pub rfu: u8,
    /// Location update status.
    pub status: u8,
}

impl EfLoci {
    /// No TMSI, no LAI, not updated: `FFFFFFFF FFFFFF 0000 FF 01` (SAIP template).
    pub const NOT_UPDATED: EfLoci = EfLoci {
        tmsi: [0xFF; 4],
        lai: [0xFF, 0xFF, 0xFF, 0x00, 0x00],
        rfu: 0xFF,
        status: NOT_UPDATED,
    };

    /// The PLMN of the LAI (`None` if unused, error if not BCD).
    pub fn plmn(&self) -> Result<Option<Plmn>, CodecError> {
        let [a, b, c, ..] = self.lai;
        Plmn::from_bytes([a, b, c])
    }
}

impl EfCodec for EfLoci {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "47D1264A62F21037211E00",
            "pySim ts_31_102.py EF_LOCI._test_de_encode (262-01, updated)",
        ),
        (
            "FFFFFFFF62F2200000FF01",
            "pySim ts_31_102.py EF_LOCI._test_de_encode (not updated)",
        ),
        (
            "7802570222F81009780000",
            "pySim ts_51_011.py EF_LOCI._test_de_encode",
        ),
        (
            "FFFFFFFFFFFFFF0000FF01",
            "SAIP template FilesUsimMandatory EF.LOCI default (pySim esim/saip/templates.py)",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let all = array::<11>(data, "EF.LOCI")?;
        let [.., rfu, status] = all;
        Ok(EfLoci {
            tmsi: array(&all, "TMSI")?,
            lai: array(all.get(4..).unwrap_or_default(), "LAI")?,
            rfu,
            status,
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = self.tmsi.to_vec();
        out.extend_from_slice(&self.lai);
        out.extend_from_slice(&[self.rfu, self.status]);
        pad(out, size, 0xFF)
    }
}

/// EF.PSLOCI (`6F73`, 14 bytes): P-TMSI (4), P-TMSI signature (3), RAI (6: LAI 5 +
/// RAC 1), routing area update status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfPsLoci {
    /// P-TMSI.
    pub ptmsi: [u8; 4],
    /// P-TMSI signature value.
    pub ptmsi_signature: [u8; 3],
    /// Routing area identity.
    pub rai: [u8; 6],
    /// Routing area update status.
    pub status: u8,
}

impl EfPsLoci {
    /// Not updated: `FFFFFFFF FFFFFF FFFFFF0000FF 01` (SAIP template).
    pub const NOT_UPDATED: EfPsLoci = EfPsLoci {
        ptmsi: [0xFF; 4],
        ptmsi_signature: [0xFF; 3],
        rai: [0xFF, 0xFF, 0xFF, 0x00, 0x00, 0xFF],
        status: NOT_UPDATED,
    };
}

impl EfCodec for EfPsLoci {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "FFFFFFFFFFFFFF22F8990000FF01",
            "pySim ts_51_011.py EF_LOCIGPRS._test_de_encode",
        ),
        (
            "FFFFFFFFFFFFFFFFFFFF0000FF01",
            "SAIP template FilesUsimMandatory EF.PSLOCI default (pySim esim/saip/templates.py)",
        ),
        (
            "FFFFFFFFFFFFFF15F0010000FF01",
            "real card: pySim tests/card_sanitizer card_backup_3b9a9400…_1122334455667788990 \
             DF.GSM/EF.LOCIGPRS",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let all = array::<14>(data, "EF.PSLOCI")?;
        let [.., status] = all;
        Ok(EfPsLoci {
            ptmsi: array(&all, "P-TMSI")?,
            ptmsi_signature: array(all.get(4..).unwrap_or_default(), "P-TMSI signature")?,
            rai: array(all.get(7..).unwrap_or_default(), "RAI")?,
            status,
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = self.ptmsi.to_vec();
        out.extend_from_slice(&self.ptmsi_signature);
        out.extend_from_slice(&self.rai);
        out.push(self.status);
        pad(out, size, 0xFF)
    }
}

/// EF.EPSLOCI (`6FE3`, 18 bytes): GUTI (12), last visited registered TAI (5: PLMN 3 +
/// TAC 2), EPS update status (`00` updated, `01` not updated, `02` roaming not allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfEpsLoci {
    /// GUTI (TS 24.301 §9.9.3.12 value).
    pub guti: [u8; 12],
    /// Last visited registered TAI.
    pub tai: [u8; 5],
    /// EPS update status.
    pub status: u8,
}

impl EfEpsLoci {
    /// Not updated: `FF×12 FFFFFF 0000 01` (SAIP template, TS 31.102 Annex E).
    pub const NOT_UPDATED: EfEpsLoci = EfEpsLoci {
        guti: [0xFF; 12],
        tai: [0xFF, 0xFF, 0xFF, 0x00, 0x00],
        status: NOT_UPDATED,
    };
}

impl EfCodec for EfEpsLoci {
    const VECTORS: &'static [(&'static str, &'static str)] = &[(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF000001",
        "SAIP template FilesUsimMandatory EF.EPSLOCI default; real card 8988219000000117833 \
         ADF.USIM/EF.EPSLOCI",
    )];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let all = array::<18>(data, "EF.EPSLOCI")?;
        let [.., status] = all;
        Ok(EfEpsLoci {
            guti: array(&all, "GUTI")?,
            tai: array(all.get(12..).unwrap_or_default(), "TAI")?,
            status,
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = self.guti.to_vec();
        out.extend_from_slice(&self.tai);
        out.push(self.status);
        pad(out, size, 0xFF)
    }
}

/// EF.5GS3GPPLOCI (`5FC0/4F01`) / EF.5GSN3GPPLOCI (`5FC0/4F02`), 20 bytes: 5G-GUTI (13),
/// last visited registered TAI in 5GS (6: PLMN 3 + TAC 3), 5GS update status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ef5gsLoci {
    /// 5G-GUTI (TS 24.501 §9.11.3.4 value).
    pub guti: [u8; 13],
    /// Last visited registered TAI.
    pub tai: [u8; 6],
    /// 5GS update status.
    pub status: u8,
}

impl Ef5gsLoci {
    /// Not updated: `FF×13 FFFFFF 000000 01` (TS 31.102 Annex E with the PLMN unset,
    /// SAIP template FilesUsimDf5GS).
    pub const NOT_UPDATED: Ef5gsLoci = Ef5gsLoci {
        guti: [0xFF; 13],
        tai: [0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00],
        status: NOT_UPDATED,
    };
}

impl EfCodec for Ef5gsLoci {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000001",
            "SAIP template FilesUsimDf5GS EF.5GS3GPPLOCI default (pySim esim/saip/templates.py)",
        ),
        (
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF01",
            "real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343 \
             DF.5GS/EF.5GS3GPPLOCI",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let all = array::<20>(data, "EF.5GS3GPPLOCI")?;
        let [.., status] = all;
        Ok(Ef5gsLoci {
            guti: array(&all, "5G-GUTI")?,
            tai: array(all.get(13..).unwrap_or_default(), "TAI")?,
            status,
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = self.guti.to_vec();
        out.extend_from_slice(&self.tai);
        out.push(self.status);
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
        assert_eq!(check_vectors::<EfLoci>(), Ok(4));
        assert_eq!(check_vectors::<EfPsLoci>(), Ok(3));
        assert_eq!(check_vectors::<EfEpsLoci>(), Ok(1));
        assert_eq!(check_vectors::<Ef5gsLoci>(), Ok(2));
    }

    #[test]
    fn typed_values() {
        // pySim ts_31_102.py EF_LOCI vector 1: TMSI 47d1264a, LAI 262-01 / 3721, status 0.
        let l = EfLoci::decode(&apdu::hex::decode("47d1264a62f21037211e00").unwrap()).unwrap();
        assert_eq!(l.tmsi, [0x47, 0xd1, 0x26, 0x4a]);
        assert_eq!(l.plmn().unwrap().unwrap().to_string(), "262-01");
        assert_eq!((l.rfu, l.status), (30, update_status::UPDATED));
        assert_eq!(EfLoci::NOT_UPDATED.plmn(), Ok(None));
        // The constants are the SAIP template defaults (vectors above).
        assert_eq!(
            apdu::hex::encode(&EfLoci::NOT_UPDATED.encode(11)),
            "FFFFFFFFFFFFFF0000FF01"
        );
        assert_eq!(
            apdu::hex::encode(&EfPsLoci::NOT_UPDATED.encode(14)),
            "FFFFFFFFFFFFFFFFFFFF0000FF01"
        );
        assert_eq!(
            apdu::hex::encode(&EfEpsLoci::NOT_UPDATED.encode(18)),
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF000001"
        );
        assert_eq!(
            apdu::hex::encode(&Ef5gsLoci::NOT_UPDATED.encode(20)),
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000001"
        );
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..24)) {
            decode_is_stable::<EfLoci>(&data);
            decode_is_stable::<EfPsLoci>(&data);
            decode_is_stable::<EfEpsLoci>(&data);
            decode_is_stable::<Ef5gsLoci>(&data);
        }

        #[test]
        fn round_trip(bytes in any::<[u8; 20]>()) {
            // Every byte string of the right length is a valid, canonical encoding.
            for n in [11usize, 14, 18, 20] {
                let b = &bytes[..n];
                let again = match n {
                    11 => EfLoci::decode(b).map(|v| v.encode(n)),
                    14 => EfPsLoci::decode(b).map(|v| v.encode(n)),
                    18 => EfEpsLoci::decode(b).map(|v| v.encode(n)),
                    _ => Ef5gsLoci::decode(b).map(|v| v.encode(n)),
                };
                prop_assert_eq!(again, Ok(b.to_vec()));
            }
        }
    }
}
