//! Service tables: EF.UST (TS 31.102 §4.2.8) and EF.EST (§4.2.47), one bit per service;
//! EF.SST of DF.GSM (TS 51.011 §10.3.7), two bits per service.

use super::{pad, CodecError, EfCodec};

/// EF.UST (`6F38`) / EF.EST (`6F56`): service n is bit `(n-1) % 8` (b1 = lowest) of byte
/// `(n-1) / 8`; 1 = available (UST) / activated (EST). Unused bits are 0, so encoding
/// pads with `00`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTable(Vec<u8>);

impl ServiceTable {
    /// A table with exactly the given services (numbered from 1).
    pub fn from_services(services: &[u16]) -> Result<ServiceTable, CodecError> {
        let mut bytes = Vec::new();
        for &s in services {
            let i = usize::from(
                s.checked_sub(1)
                    .ok_or(CodecError::Invalid("service number 0"))?,
            );
            if bytes.len() <= i / 8 {
                bytes.resize(i / 8 + 1, 0);
            }
            if let Some(b) = bytes.get_mut(i / 8) {
                *b |= 1 << (i % 8);
            }
        }
        Ok(ServiceTable(bytes))
    }

    /// Whether service `n` is set.
    pub fn contains(&self, n: u16) -> bool {
        let Some(i) = n.checked_sub(1).map(usize::from) else {
            return false;
        };
        self.0.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0)
    }

    /// The services set, ascending.
    pub fn services(&self) -> Vec<u16> {
        (1..=u16::try_from(self.0.len() * 8).unwrap_or(u16::MAX))
            .filter(|&n| self.contains(n))
            .collect()
    }

    /// The stored bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl EfCodec for ServiceTable {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "9EFF1B3C37FE5900000000",
            "real card: pySim tests/card_sanitizer card_backup_…_89445310150011013678 ADF.USIM/EF.UST",
        ),
        (
            "BEFF9F9DE73E0408400170330000002E00000000",
            "real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343 ADF.USIM/EF.UST",
        ),
        (
            "01EA1FFC21360480010000",
            "real card: pySim tests/card_sanitizer card_backup_…_8988219000000117833 ADF.USIM/EF.UST",
        ),
        (
            "000000000000000000",
            "real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343 ADF.USIM/EF.EST",
        ),
    ];
    // Trailing bytes are service bits: FF would mean "available".
    const FF_PADDING_IGNORED: bool = false;

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        if data.is_empty() {
            return Err(CodecError::Truncated("service table"));
        }
        Ok(ServiceTable(data.to_vec()))
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        pad(self.0.clone(), size, 0x00)
    }
}

/// EF.SST of DF.GSM (`7F20/6F38`, TS 51.011 §10.3.7): two bits per service, service n in
/// bits `2((n-1) % 4)` (allocated) and `2((n-1) % 4) + 1` (activated) of byte
/// `(n-1) / 4`. Encoding pads with `00`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimServiceTable(Vec<u8>);

impl SimServiceTable {
    /// A table with the given services allocated and activated.
    pub fn from_services(services: &[u16]) -> Result<SimServiceTable, CodecError> {
        let mut bytes = Vec::new();
        for &s in services {
            let i = usize::from(
                s.checked_sub(1)
                    .ok_or(CodecError::Invalid("service number 0"))?,
            );
            if bytes.len() <= i / 4 {
                bytes.resize(i / 4 + 1, 0);
            }
            if let Some(b) = bytes.get_mut(i / 4) {
                *b |= 0b11 << (2 * (i % 4));
            }
        }
        Ok(SimServiceTable(bytes))
    }

    fn bits(&self, n: u16) -> u8 {
        let Some(i) = n.checked_sub(1).map(usize::from) else {
            return 0;
        };
        self.0.get(i / 4).map_or(0, |b| (b >> (2 * (i % 4))) & 0b11)
    }

    /// Whether service `n` is allocated and activated.
    pub fn contains(&self, n: u16) -> bool {
        self.bits(n) == 0b11
    }

    /// The services allocated and activated, ascending.
    pub fn services(&self) -> Vec<u16> {
        (1..=u16::try_from(self.0.len() * 4).unwrap_or(u16::MAX))
            .filter(|&n| self.contains(n))
            .collect()
    }
}

impl EfCodec for SimServiceTable {
    const VECTORS: &'static [(&'static str, &'static str)] = &[
        (
            "FF33FFFF3F003F0F300CF0C3F00000",
            "real card: pySim tests/card_sanitizer card_backup_…_8988211000000467343 DF.GSM/EF.SST",
        ),
        (
            "FF3FFF0F0F0000030000",
            "real card: pySim tests/card_sanitizer card_backup_3b991800…_2222334455667788990 DF.GSM/EF.SST",
        ),
    ];
    const FF_PADDING_IGNORED: bool = false;

    fn decode(data: &[u8]) -> Result<Self, CodecError> {
        if data.is_empty() {
            return Err(CodecError::Truncated("service table"));
        }
        Ok(SimServiceTable(data.to_vec()))
    }

    fn encode(&self, size: usize) -> Vec<u8> {
        pad(self.0.clone(), size, 0x00)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usim::codec::{check_vectors, testkit::decode_is_stable};
    use proptest::prelude::*;

    #[test]
    fn vectors() {
        assert_eq!(check_vectors::<ServiceTable>(), Ok(4));
        assert_eq!(check_vectors::<SimServiceTable>(), Ok(2));
    }

    #[test]
    fn bit_positions() {
        // TS 31.102 §4.2.8: byte 1 b1 = service 1 … b8 = service 8; byte 2 b1 = service 9.
        let t = ServiceTable::from_services(&[1, 8, 9]).unwrap();
        assert_eq!(t.as_bytes(), &[0x81, 0x01]);
        assert_eq!(t.services(), vec![1, 8, 9]);
        // Real card 89445310150011013678: first byte 9E = services 2, 3, 4, 5, 8.
        let t = ServiceTable::decode(&[0x9E]).unwrap();
        assert_eq!(t.services(), vec![2, 3, 4, 5, 8]);
        assert!(ServiceTable::from_services(&[0]).is_err());
        // TS 51.011 §10.3.7: byte 1 b1/b2 = service 1 allocated/activated … b7/b8 = service 4.
        let s = SimServiceTable::from_services(&[1, 4, 5]).unwrap();
        assert_eq!(s.encode(2), vec![0xC3, 0x03]);
        // Real card 2222334455667788990, byte 2 = 3F: services 5, 6, 7 allocated+activated.
        let s = SimServiceTable::decode(&[0xFF, 0x3F]).unwrap();
        assert_eq!(s.services(), vec![1, 2, 3, 4, 5, 6, 7]);
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..24)) {
            decode_is_stable::<ServiceTable>(&data);
            decode_is_stable::<SimServiceTable>(&data);
        }

        #[test]
        fn round_trip(services in proptest::collection::btree_set(1u16..200, 0..20)) {
            let list: Vec<u16> = services.into_iter().collect();
            let t = ServiceTable::from_services(&list).unwrap();
            prop_assert_eq!(t.services(), list.clone());
            let s = SimServiceTable::from_services(&list).unwrap();
            prop_assert_eq!(s.services(), list);
        }
    }
}
