//! Short message files: EF.SMS records (TS 31.102 §4.2.25, TS 51.011 §10.5.3), EF.SMSP
//! records (§4.2.27, TS 51.011 §10.5.6) and EF.SMSS (§4.2.28, TS 51.011 §10.5.7).

use super::alpha::Alpha;
use super::dialling::DialNumber;
use super::{array, pad, trim_ff, CodecError, EfCodec};

/// An EF.SMS record (`6F3C`, 176 bytes): status byte (b1 = 0: free; `01` read, `03` to
/// be read, `07` to be sent, `05`… sent) and 175 bytes of message data (TS 23.040 TPDU
/// with the SC address), kept as stored without trailing `FF`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsRecord {
    /// Status byte.
    pub status: u8,
    /// The rest of the record, trailing `FF` removed.
    pub data: Vec<u8>,
}

impl SmsRecord {
    /// A free record: status `00`, the rest `FF` (TS 31.102 §4.2.25, SAIP template
    /// default `00FF…FF`).
    pub const FREE: SmsRecord = SmsRecord {
        status: 0x00,
        data: Vec::new(),
    };
}

impl EfCodec for SmsRecord {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            concat!(
                "00",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            ),
            "free record, real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343 \
             ADF.USIM/EF.SMS; SAIP template default '00FF...FF'",
        ),
        (
            "0107917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37",
            "status 01 (read, TS 31.102 §4.2.25) + the SMS-DELIVER example PDU \"hellohello\" of \
             the 'SMS and the PDU format' tutorial (dreamfabric.com/sms)",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let (&status, rest) = data
            .split_first()
            .ok_or(CodecError::Truncated("SMS record"))?;
        Ok(SmsRecord {
            status,
            data: trim_ff(rest).to_vec(),
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = vec![self.status];
        out.extend_from_slice(&self.data);
        pad(out, size, 0xFF)
    }
}

/// An EF.SMSP record (`6F42`, Y + 28 bytes): alpha identifier (Y), parameter indicators
/// (b1..b5 = 0 when TP-DA, TS-SCA, TP-PID, TP-DCS, TP-VP are present), TP-Destination
/// Address (12), TS-Service Centre Address (12), TP-PID, TP-DCS, TP-VP (relative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmspRecord {
    /// The alpha identifier.
    pub alpha: Alpha,
    /// Parameter indicators.
    pub indicators: u8,
    /// TP-Destination Address as stored (TS 23.040 §9.1.2.5 coding, 12 bytes).
    pub destination: [u8; 12],
    /// TS-Service Centre Address as stored (TS 24.011 §8.2.5.2 coding, 12 bytes).
    pub service_centre: [u8; 12],
    /// TP-Protocol Identifier.
    pub pid: u8,
    /// TP-Data Coding Scheme.
    pub dcs: u8,
    /// TP-Validity Period (relative format).
    pub vp: u8,
}

impl SmspRecord {
    /// An empty record (all `FF`, nothing present).
    pub const EMPTY: SmspRecord = SmspRecord {
        alpha: Alpha::EMPTY,
        indicators: 0xFF,
        destination: [0xFF; 12],
        service_centre: [0xFF; 12],
        pid: 0xFF,
        dcs: 0xFF,
        vp: 0xFF,
    };

    /// A record with only the service centre address present (indicators `FD`), PID
    /// and DCS `FF` (not present), as pySim's EF_SMSP vector 4 shows it.
    pub fn with_service_centre(sc: &DialNumber) -> SmspRecord {
        let bcd = sc.bcd();
        let mut addr = vec![u8::try_from(bcd.len() + 1).unwrap_or(0xFF), sc.ton_npi()];
        addr.extend(bcd);
        let addr = pad(addr, 12, 0xFF);
        SmspRecord {
            indicators: 0xFD,
            service_centre: array(&addr, "SC address").unwrap_or([0xFF; 12]),
            ..SmspRecord::EMPTY
        }
    }

    /// The service centre address, if its indicator says it is present.
    pub fn service_centre_number(&self) -> Result<Option<DialNumber>, CodecError> {
        if self.indicators & 0x02 != 0 {
            return Ok(None);
        }
        let [len, ton_npi, bcd @ ..] = self.service_centre;
        let used = bcd
            .get(..usize::from(len).saturating_sub(1))
            .ok_or(CodecError::Invalid("SC address length"))?;
        DialNumber::from_bcd(ton_npi, used)
    }
}

impl EfCodec for SmspRecord {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "534D5343FFFFFFFFFFFFFFFFFFFFFFFFE1FFFFFFFFFFFFFFFFFFFFFFFF0891945197109099F9FFFFFF0000A9",
            "pySim ts_51_011.py EF_SMSP._test_de_encode (\"SMSC\", +4915790109999)",
        ),
        (
            "E1FFFFFFFFFFFFFFFFFFFFFFFF0891945197109099F9FFFFFF0000A9",
            "pySim ts_51_011.py EF_SMSP._test_de_encode (no alpha)",
        ),
        (
            "454E6574776F726B73FFFFFFFFFFFFFFF1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0000A7",
            "pySim ts_51_011.py EF_SMSP._test_de_encode (\"ENetworks\")",
        ),
        (
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDFFFFFFFFFFFFFFFFFFFFFFFF07919403214365F7FFFFFFFFFFFFFF",
            "pySim ts_51_011.py EF_SMSP._test_de_encode (SC +49301234567 only)",
        ),
        (
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC0B919403214365F7FFFFFFFF07919403214365F7FFFFFFFFFFFFFF",
            "pySim ts_51_011.py EF_SMSP._test_de_encode (destination and SC)",
        ),
    ];
    // The fixed part is counted from the end of the record (pySim EF_SMSP._test_no_pad).
    const FF_PADDING_IGNORED: bool = false;

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let y = data
            .len()
            .checked_sub(28)
            .ok_or(CodecError::Truncated("SMSP record"))?;
        let (alpha, tail) = data.split_at(y);
        let tail = array::<28>(tail, "SMSP record")?;
        let [indicators, ..] = tail;
        let [.., pid, dcs, vp] = tail;
        Ok(SmspRecord {
            alpha: Alpha::from_bytes(alpha),
            indicators,
            destination: array(tail.get(1..).unwrap_or_default(), "TP-DA")?,
            service_centre: array(tail.get(13..).unwrap_or_default(), "TS-SCA")?,
            pid,
            dcs,
            vp,
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut out = self.alpha.encode(size.saturating_sub(28));
        out.push(self.indicators);
        out.extend_from_slice(&self.destination);
        out.extend_from_slice(&self.service_centre);
        out.extend_from_slice(&[self.pid, self.dcs, self.vp]);
        out
    }
}

/// EF.SMSS (`6F43`, 2 bytes or more): last used TP-Message-Reference, SMS "memory
/// capacity exceeded" flag byte (b1 = 1: memory available). Bytes 3… are RFU and are
/// ignored (written as `FF`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EfSmss {
    /// Last used TP-MR.
    pub last_tp_mr: u8,
    /// Byte 2 as stored.
    pub flags: u8,
}

impl EfCodec for EfSmss {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "FFFF",
            "SAIP template FilesUsimMandatory EF.SMSS default (pySim esim/saip/templates.py)",
        ),
        (
            "00FF",
            "real card: pySim tests/card_sanitizer card_backup_3b991800…_2222334455667788990 \
             DF.TELECOM/EF.SMSS",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let [last_tp_mr, flags] = array(data, "EF.SMSS")?;
        Ok(EfSmss { last_tp_mr, flags })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        pad(vec![self.last_tp_mr, self.flags], size, 0xFF)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usim::codec::{check_vectors, testkit::decode_is_stable};
    use proptest::prelude::*;

    #[test]
    fn vectors() {
        assert_eq!(check_vectors::<SmsRecord>(), Ok(2));
        assert_eq!(check_vectors::<SmspRecord>(), Ok(5));
        assert_eq!(check_vectors::<EfSmss>(), Ok(2));
    }

    #[test]
    fn typed_values() {
        // pySim EF_SMSP vector 4: only the SC address 49301234567 (international).
        let hex = "fffffffffffffffffffffffffffffffffffffffffffffffffdffffffffffffffffffffffff07919403214365f7ffffffffffffff";
        let r = SmspRecord::decode(&apdu::hex::decode(hex).unwrap()).unwrap();
        assert_eq!(
            r.service_centre_number().unwrap().unwrap().to_text(),
            "+49301234567"
        );
        // Built from the number, it is the same record (PID, DCS, VP FF as in the vector).
        let built = SmspRecord::with_service_centre(&DialNumber::parse("+49301234567").unwrap());
        assert_eq!(
            apdu::hex::encode(&built.encode(52)),
            hex.to_ascii_uppercase()
        );
        // pySim EF_SMSP vector 1: alpha "SMSC".
        let r = SmspRecord::decode(
            &apdu::hex::decode("534d5343ffffffffffffffffffffffffe1ffffffffffffffffffffffff0891945197109099f9ffffff0000a9")
                .unwrap(),
        )
        .unwrap();
        assert_eq!(r.alpha.text().as_deref(), Some("SMSC"));
        assert_eq!(r.vp, 0xA9);
        assert_eq!(SmspRecord::EMPTY.service_centre_number(), Ok(None));
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..60)) {
            decode_is_stable::<SmsRecord>(&data);
            decode_is_stable::<SmspRecord>(&data);
            decode_is_stable::<EfSmss>(&data);
            if let Ok(r) = SmspRecord::decode(&data) {
                let _ = r.service_centre_number();
            }
        }

        #[test]
        fn sc_round_trip(digits in "[0-9]{1,20}") {
            let n = DialNumber::new(0x91, &digits).unwrap();
            let r = SmspRecord::with_service_centre(&n);
            prop_assert_eq!(r.service_centre_number(), Ok(Some(n)));
            prop_assert_eq!(SmspRecord::decode(&r.encode(38)), Ok(r));
        }
    }
}
