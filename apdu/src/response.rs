//! The response APDU (R-APDU): optional data followed by SW1-SW2 (ISO/IEC 7816-4 §5.1,
//! Table 2 "Response APDU").

use crate::error::{Error, Result};
use crate::status::Sw;

/// A response APDU: the response data field and the trailer SW1-SW2 (ISO/IEC 7816-4 §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Response {
    /// The response data field (Nr bytes, possibly none).
    pub data: Vec<u8>,
    /// The status word.
    pub sw: Sw,
}

impl Response {
    /// A response with data and status word.
    pub fn new(data: Vec<u8>, sw: Sw) -> Response {
        Response { data, sw }
    }

    /// A response with no data.
    pub fn from_sw(sw: Sw) -> Response {
        Response {
            data: Vec::new(),
            sw,
        }
    }

    /// Splits bytes into data and the last two bytes as SW1-SW2; fewer than two bytes is
    /// [`Error::Truncated`].
    pub fn decode(bytes: &[u8]) -> Result<Response> {
        match bytes {
            [data @ .., sw1, sw2] => Ok(Response {
                data: data.to_vec(),
                sw: Sw::new(*sw1, *sw2),
            }),
            _ => Err(Error::Truncated("SW1-SW2")),
        }
    }

    /// Data followed by SW1-SW2.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 2);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&self.sw.to_bytes());
        out
    }

    /// Whether the status word is a normal ending (see [`Sw::is_ok`]).
    pub fn is_ok(&self) -> bool {
        self.sw.is_ok()
    }
}

impl From<Sw> for Response {
    fn from(sw: Sw) -> Response {
        Response::from_sw(sw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex::decode as h;
    use proptest::prelude::*;

    // Real card, pySim tests/card_sanitizer card_backup_3b9f9580…script: FCP of MF
    // followed by 9000.
    #[test]
    fn decodes_fcp_and_sw() {
        let bytes =
            h("621d8202782183023f00a5038001718a01058b032f0603c606900100830101 9000").unwrap();
        let r = Response::decode(&bytes).unwrap();
        assert_eq!(r.data.len(), 31);
        assert_eq!(r.sw, Sw::OK);
        assert!(r.is_ok());
        assert_eq!(r.encode(), bytes);
    }

    // pySim-trace test output: VERIFY PIN answered 63C3 with no data.
    #[test]
    fn sw_only() {
        let r = Response::decode(&[0x63, 0xC3]).unwrap();
        assert_eq!(r, Response::from_sw(Sw(0x63C3)));
        assert!(!r.is_ok());
        assert_eq!(Response::decode(&[0x90]), Err(Error::Truncated("SW1-SW2")));
        assert_eq!(Response::decode(&[]), Err(Error::Truncated("SW1-SW2")));
        assert_eq!(Response::from(Sw::OK).encode(), vec![0x90, 0x00]);
    }

    proptest! {
        #[test]
        fn round_trip(data in prop::collection::vec(any::<u8>(), 0..300), sw in any::<u16>()) {
            let r = Response::new(data, Sw(sw));
            prop_assert_eq!(Response::decode(&r.encode()).unwrap(), r);
        }

        #[test]
        fn bytes_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            match Response::decode(&bytes) {
                Ok(r) => prop_assert_eq!(r.encode(), bytes),
                Err(_) => prop_assert!(bytes.len() < 2),
            }
        }
    }
}
