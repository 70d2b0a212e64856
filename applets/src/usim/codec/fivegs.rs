//! DF.5GS files with their own formats: EF.SUCI_Calc_Info (TS 31.102 §4.4.11.8) and
//! EF.Routing_Indicator (§4.4.11.11). The location and NAS security context files of
//! DF.5GS are in `location` and `tlv`.

use super::bcd::{decimal_nibbles, nibbles, pack};
use super::tlv::{Tlv, TlvList};
use super::{pad, CodecError, EfCodec};

/// One entry of the protection scheme identifier list (TS 31.102 §4.4.11.8; scheme
/// identifiers of TS 33.501 Annex C: 0 null scheme, 1 profile A, 2 profile B).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtectionScheme {
    /// Protection scheme identifier.
    pub id: u8,
    /// Index into the home network public key list (0 for the null scheme).
    pub key_index: u8,
}

/// One home network public key (TS 31.102 §4.4.11.8: `80` identifier, `81` key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HnetPubKey {
    /// Home network public key identifier (TS 24.501).
    pub id: u8,
    /// The public key (e.g. 32 bytes X25519 for profile A).
    pub key: Vec<u8>,
}

/// EF.SUCI_Calc_Info (`5FC0/4F07`): `A0` protection scheme identifier list (pairs of
/// identifier and key index, highest priority first), then the conditional `A1` home
/// network public key list. All `FF` (not configured) decodes to an empty list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EfSuciCalcInfo {
    /// Schemes, highest priority first.
    pub schemes: Vec<ProtectionScheme>,
    /// The public key list, if present.
    pub keys: Option<Vec<HnetPubKey>>,
}

impl EfSuciCalcInfo {
    /// Only the null scheme (`A0 02 00 00`): the terminal sends the SUPI unconcealed
    /// (TS 33.501 Annex C.2, TS 31.121 §5.3.1 "SUCI calculation by ME using null
    /// scheme").
    pub fn null_scheme() -> EfSuciCalcInfo {
        EfSuciCalcInfo {
            schemes: vec![ProtectionScheme {
                id: 0,
                key_index: 0,
            }],
            keys: None,
        }
    }
}

impl EfCodec for EfSuciCalcInfo {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "A00401010000A14A80010A81204E858C4D49D1343E6181284C47CA721730C98742CB7C6182D2E8126E08088D36\
             80010B8120D1BC365F4997D17CE4374E72181431CBFEBA9E1B98D7618F79D48561B144672A",
            "pySim ts_31_102.py EF_SUCI_Calc_Info._test_de_encode (profile A key 10, null scheme)",
        ),
        (
            "A0020000FFFFFFFF",
            "constructed from TS 31.102 §4.4.11.8: list with only the null scheme, public key list \
             absent (conditional)",
        ),
        (
            "FFFFFFFFFFFFFFFFFFFFFFFF",
            "not configured, real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343 \
             DF.5GS/EF.SUCI_Calc_Info; SAIP template default 'FF...FF'",
        ),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let objects = TlvList::decode(data)?.objects;
        let mut it = objects.into_iter();
        let Some(list) = it.next() else {
            return Ok(EfSuciCalcInfo::default());
        };
        if list.tag != 0xA0 || list.value.len() % 2 != 0 {
            return Err(CodecError::Invalid("protection scheme identifier list"));
        }
        let schemes = list
            .value
            .chunks_exact(2)
            .filter_map(|p| match p {
                [id, key_index] => Some(ProtectionScheme {
                    id: *id,
                    key_index: *key_index,
                }),
                _ => None,
            })
            .collect();
        let keys = match it.next() {
            None => None,
            Some(k) if k.tag == 0xA1 => {
                let inner = TlvList::decode(&k.value)?.objects;
                let mut keys = Vec::new();
                for pair in inner.chunks(2) {
                    match pair {
                        [id, key] if id.tag == 0x80 && key.tag == 0x81 => {
                            let [id] = <[u8; 1]>::try_from(id.value.as_slice())
                                .map_err(|_| CodecError::Invalid("public key identifier"))?;
                            keys.push(HnetPubKey {
                                id,
                                key: key.value.clone(),
                            });
                        }
                        _ => return Err(CodecError::Invalid("home network public key list")),
                    }
                }
                Some(keys)
            }
            Some(_) => return Err(CodecError::Invalid("home network public key list tag")),
        };
        if it.next().is_some() {
            return Err(CodecError::Invalid("EF.SUCI_Calc_Info: extra data object"));
        }
        Ok(EfSuciCalcInfo { schemes, keys })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        if self.schemes.is_empty() && self.keys.is_none() {
            return vec![0xFF; size];
        }
        let list: Vec<u8> = self
            .schemes
            .iter()
            .flat_map(|s| [s.id, s.key_index])
            .collect();
        let mut objects = vec![Tlv::new(0xA0, &list)];
        if let Some(keys) = &self.keys {
            let inner: Vec<Tlv> = keys
                .iter()
                .flat_map(|k| [Tlv::new(0x80, &[k.id]), Tlv::new(0x81, &k.key)])
                .collect();
            objects.push(Tlv::new(0xA1, &TlvList { objects: inner }.encode(0)));
        }
        TlvList { objects }.encode(size)
    }
}

/// EF.Routing_Indicator (`5FC0/4F0A`, 4 bytes): routing indicator of 1 to 4 BCD digits
/// in bytes 1–2 (low nibble first, `F` filled; TS 24.501 §9.11.3.4), bytes 3–4 RFU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfRoutingIndicator {
    digits: String,
    /// Bytes 3–4 as stored.
    pub rfu: [u8; 2],
}

impl EfRoutingIndicator {
    /// A routing indicator of 0 to 4 decimal digits (empty = not set, `FFFF`).
    pub fn new(digits: &str) -> Result<EfRoutingIndicator, CodecError> {
        if digits.len() > 4 || decimal_nibbles(digits).is_none() {
            return Err(CodecError::Invalid("routing indicator: 1 to 4 digits"));
        }
        Ok(EfRoutingIndicator {
            digits: digits.to_string(),
            rfu: [0xFF, 0xFF],
        })
    }

    /// The digits.
    pub fn digits(&self) -> &str {
        &self.digits
    }
}

impl EfCodec for EfRoutingIndicator {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        ("F0FFFFFF", "SAIP template FilesUsimDf5GS EF.Routing_Indicator default (routing indicator 0)"),
        (
            "FFFFFFFF",
            "real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343 DF.5GS/EF.Routing_Indicator",
        ),
        ("1032FFFF", "constructed from TS 24.501 Figure 9.11.3.4.1 digit order (routing indicator 0123)"),
    ];

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        let [a, b, c, d] = super::array::<4>(data, "EF.Routing_Indicator")?;
        let mut digits = String::new();
        let mut ended = false;
        for n in nibbles(&[a, b]) {
            match n {
                0..=9 if !ended => digits.push(char::from(b'0' + n)),
                0xF => ended = true,
                _ => return Err(CodecError::Invalid("routing indicator digits")),
            }
        }
        Ok(EfRoutingIndicator {
            digits,
            rfu: [c, d],
        })
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        let mut n = decimal_nibbles(&self.digits).unwrap_or_default();
        n.resize(4, 0xF);
        let mut out = pack(&n);
        out.extend_from_slice(&self.rfu);
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
        assert_eq!(check_vectors::<EfSuciCalcInfo>(), Ok(3));
        assert_eq!(check_vectors::<EfRoutingIndicator>(), Ok(3));
    }

    #[test]
    fn typed_values() {
        // pySim EF_SUCI_Calc_Info vector: schemes (1, key 1) then (0, key 0); keys 10, 11.
        let v = EfSuciCalcInfo::decode(&apdu::hex::decode(EfSuciCalcInfo::VECTORS[0].0).unwrap())
            .unwrap();
        assert_eq!(
            v.schemes,
            vec![
                ProtectionScheme {
                    id: 1,
                    key_index: 1
                },
                ProtectionScheme {
                    id: 0,
                    key_index: 0
                }
            ]
        );
        let keys = v.keys.unwrap();
        assert_eq!((keys[0].id, keys[1].id), (10, 11));
        assert_eq!(keys[0].key.len(), 32);
        assert_eq!(
            EfSuciCalcInfo::null_scheme().encode(4),
            vec![0xA0, 0x02, 0x00, 0x00]
        );
        assert_eq!(
            EfRoutingIndicator::new("0").unwrap().encode(4),
            vec![0xF0, 0xFF, 0xFF, 0xFF]
        );
        let ri = EfRoutingIndicator::decode(&[0x10, 0x32, 0xFF, 0xFF]).unwrap();
        assert_eq!(ri.digits(), "0123");
        assert!(EfRoutingIndicator::decode(&[0xF0, 0x1F, 0xFF, 0xFF]).is_err());
        assert!(EfRoutingIndicator::new("12345").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..64)) {
            decode_is_stable::<EfSuciCalcInfo>(&data);
            decode_is_stable::<EfRoutingIndicator>(&data);
        }

        #[test]
        fn round_trip(ids in proptest::collection::vec(any::<(u8, u8)>(), 1..4), key in proptest::collection::vec(any::<u8>(), 1..40), ri in "[0-9]{0,4}") {
            let v = EfSuciCalcInfo {
                schemes: ids.into_iter().map(|(id, key_index)| ProtectionScheme { id, key_index }).collect(),
                keys: Some(vec![HnetPubKey { id: 1, key }]),
            };
            prop_assert_eq!(EfSuciCalcInfo::decode(&v.encode(100)), Ok(v));
            let r = EfRoutingIndicator::new(&ri).unwrap();
            prop_assert_eq!(EfRoutingIndicator::decode(&r.encode(4)), Ok(r));
        }
    }
}
