//! Simple BER-TLV contents: lists of TLV objects such as EF.ARR records (TS 102 221
//! §13.4 / TS 31.102 §4.2.55, ISO/IEC 7816-4 expanded access rules) and EF.NETPAR
//! (TS 31.102 §4.2.57, Annex C), and the NAS security context records EF.EPSNSC
//! (§4.2.92) and EF.5GS3GPPNSC / EF.5GSN3GPPNSC (§4.4.11.4–5).
//!
//! Tags are one byte; lengths use the short form or `81`/`82`. A tag byte `FF` starts
//! the padding; everything after it is ignored.

use super::{pad, CodecError, EfCodec};

/// One TLV object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlv {
    /// The tag (one byte).
    pub tag: u8,
    /// The value.
    pub value: Vec<u8>,
}

impl Tlv {
    /// A TLV object.
    pub fn new(tag: u8, value: &[u8]) -> Tlv {
        Tlv {
            tag,
            value: value.to_vec(),
        }
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        out.push(self.tag);
        let len = self.value.len();
        match (u8::try_from(len), u16::try_from(len)) {
            (Ok(l), _) if l < 0x80 => out.push(l),
            (Ok(l), _) => out.extend_from_slice(&[0x81, l]),
            (_, Ok(l)) => {
                out.push(0x82);
                out.extend_from_slice(&l.to_be_bytes());
            }
            // Longer than any file; cannot occur in a 16-bit file size.
            _ => out.push(0x80),
        }
        out.extend_from_slice(&self.value);
    }
}

/// Parses TLV objects up to the end or a tag byte `FF`.
fn parse(mut data: &[u8]) -> Result<Vec<Tlv>, CodecError> {
    let mut out = Vec::new();
    while let Some((&tag, rest)) = data.split_first() {
        if tag == 0xFF {
            break;
        }
        if tag & 0x1F == 0x1F {
            return Err(CodecError::Invalid("multi-byte tag"));
        }
        let (&l, rest) = rest
            .split_first()
            .ok_or(CodecError::Truncated("TLV length"))?;
        let (len, rest) = match l {
            0..=0x7F => (usize::from(l), rest),
            0x81 => {
                let (&n, rest) = rest
                    .split_first()
                    .ok_or(CodecError::Truncated("TLV length"))?;
                (usize::from(n), rest)
            }
            0x82 => {
                let (n, rest) = rest
                    .split_at_checked(2)
                    .ok_or(CodecError::Truncated("TLV length"))?;
                let n: [u8; 2] = n
                    .try_into()
                    .map_err(|_| CodecError::Truncated("TLV length"))?;
                (usize::from(u16::from_be_bytes(n)), rest)
            }
            _ => return Err(CodecError::Invalid("TLV length")),
        };
        let (value, rest) = rest
            .split_at_checked(len)
            .ok_or(CodecError::Truncated("TLV value"))?;
        out.push(Tlv::new(tag, value));
        data = rest;
    }
    Ok(out)
}

fn encode_all(objects: &[Tlv]) -> Vec<u8> {
    let mut out = Vec::new();
    for o in objects {
        o.encode_into(&mut out);
    }
    out
}

/// A list of TLV objects padded with `FF`: an EF.ARR record, EF.NETPAR.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlvList {
    /// The objects in order.
    pub objects: Vec<Tlv>,
}

impl EfCodec for TlvList {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "800101900080015AA40683010A950108FFFFFFFFFFFFFFFFFFFF",
            "EF.ARR record 1, real card: pySim tests/card_sanitizer card_backup_…_89445310150011013678 \
             MF/EF.ARR (READ always; UPDATE/ACTIVATE/DEACTIVATE/… ADM 0A)",
        ),
        (
            "8001079000800160A4068301019501088401D4A40683010A950108FFFF",
            "EF.ARR record 1, real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343 \
             ADF.USIM/EF.ARR (with a command-header AM DO 84)",
        ),
        (
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            "empty EF.NETPAR (46 bytes, the minimum of TS 31.102 §4.2.57), SAIP template default 'FF...FF'",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        Ok(TlvList {
            objects: parse(data)?,
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        pad(encode_all(&self.objects), size, 0xFF)
    }
}

/// A NAS security context record: all `FF` when no context is stored, else a TLV `A0`
/// holding `80` KSI (ngKSI), `81` K_ASME (K_AMF), `82` uplink and `83` downlink NAS
/// COUNT, `84` selected NAS algorithms (and `85` EPS algorithms in 5GS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EfNsc {
    /// No context stored (record `FF…FF`).
    Empty,
    /// The objects inside the `A0` security context TLV.
    Context(Vec<Tlv>),
}

impl EfNsc {
    /// The KSI / ngKSI (tag `80`), if stored.
    pub fn ksi(&self) -> Option<u8> {
        match self {
            EfNsc::Empty => None,
            EfNsc::Context(objects) => objects
                .iter()
                .find(|o| o.tag == 0x80)
                .and_then(|o| o.value.first().copied()),
        }
    }
}

impl EfCodec for EfNsc {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            "empty EF.EPSNSC record, real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343",
        ),
        (
            "A0348001028120000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F\
             820400000001830400000002840102",
            "constructed from the TS 31.102 §4.2.92 table: KSI_ASME 2, K_ASME 00..1F, UL count 1, \
             DL count 2, algorithms 02 — 54 bytes, the minimum record length",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let objects = parse(data)?;
        match objects.as_slice() {
            [] => Ok(EfNsc::Empty),
            [ctx, ..] if ctx.tag == 0xA0 => Ok(EfNsc::Context(parse(&ctx.value)?)),
            _ => Err(CodecError::Invalid("NAS security context tag")),
        }
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        match self {
            EfNsc::Empty => vec![0xFF; size],
            EfNsc::Context(objects) => {
                let mut out = Vec::new();
                Tlv::new(0xA0, &encode_all(objects)).encode_into(&mut out);
                pad(out, size, 0xFF)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usim::codec::{check_vectors, testkit::decode_is_stable};
    use proptest::prelude::*;

    #[test]
    fn vectors() {
        assert_eq!(check_vectors::<TlvList>(), Ok(3));
        assert_eq!(check_vectors::<EfNsc>(), Ok(2));
    }

    #[test]
    fn typed_values() {
        // Real-card ARR record: 80 01 01 / 90 00 / 80 01 5A / A4 06 (83 01 0A 95 01 08).
        let l = TlvList::decode(&apdu::hex::decode("800101900080015aa40683010a950108ff").unwrap())
            .unwrap();
        assert_eq!(l.objects.len(), 4);
        assert_eq!(
            l.objects[3],
            Tlv::new(0xA4, &[0x83, 0x01, 0x0A, 0x95, 0x01, 0x08])
        );
        let v = EfNsc::decode(&apdu::hex::decode(EfNsc::VECTORS[1].0).unwrap()).unwrap();
        assert_eq!(v.ksi(), Some(2));
        assert_eq!(EfNsc::Empty.ksi(), None);
        // Long lengths: 81 xx and 82 xxxx forms.
        let big = TlvList {
            objects: vec![Tlv::new(0x80, &[7; 200]), Tlv::new(0x81, &[1; 300])],
        };
        let bytes = big.encode(0);
        assert_eq!(&bytes[..3], &[0x80, 0x81, 200]);
        assert_eq!(&bytes[203..207], &[0x81, 0x82, 0x01, 0x2C]);
        assert_eq!(TlvList::decode(&bytes), Ok(big));
        assert!(TlvList::decode(&[0x80, 0x05, 1]).is_err());
        assert!(TlvList::decode(&[0x9F, 0x01, 0x00]).is_err());
        assert!(EfNsc::decode(&[0x80, 0x01, 0x07]).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..64)) {
            decode_is_stable::<TlvList>(&data);
            decode_is_stable::<EfNsc>(&data);
        }

        #[test]
        fn round_trip(objs in proptest::collection::vec((0u8..0x1F, proptest::collection::vec(any::<u8>(), 0..140)), 0..4)) {
            let l = TlvList { objects: objs.into_iter().map(|(t, v)| Tlv::new(0x80 | t, &v)).collect() };
            prop_assert_eq!(TlvList::decode(&l.encode(0)), Ok(l));
        }
    }
}
