//! The 3GPP test algorithm "XOR" for authentication of a test USIM (3GPP TS 34.108
//! §8.1.2), used by network simulators and conformance test systems.
//!
//! - §8.1.2.1: XDOUT = K ⊕ RAND; RES = XDOUT\[0..n-1\]; CK = XDOUT rotated left by 8 bits;
//!   IK = XDOUT rotated left by 16 bits; AK = XDOUT\[24..71\];
//!   CDOUT = SQN‖AMF; XMAC = MAC = XDOUT\[0..63\] ⊕ CDOUT.
//! - §8.1.2.2 (resynchronisation): AK = f5* = XDOUT\[24..71\] (the same bits as f5);
//!   MAC-S = f1* = XDOUT\[0..63\] ⊕ (SQN_MS‖AMF*) with AMF* all zeros.
//!
//! The GSM part of the test SIM (XOR-2G) is [`super::gsm::xor_2g`].

use core::fmt;

use super::{xor_arrays, Redacted};

/// The XOR test algorithm with its 128-bit key K (TS 34.108 §8.2 gives a default K).
#[derive(Clone, PartialEq, Eq)]
pub struct Xor {
    k: [u8; 16],
}

impl fmt::Debug for Xor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Xor").field("k", &Redacted(16)).finish()
    }
}

/// The outputs of f2, f3, f4 and f5 of the XOR algorithm for one RAND.
#[derive(Clone, PartialEq, Eq)]
pub struct F2345 {
    /// The whole XDOUT; RES is its first n bits (TS 34.108 §8.1.2.1 step 2), see
    /// [`F2345::res`].
    pub xdout: [u8; 16],
    /// CK = XDOUT\[8..127, 0..7\].
    pub ck: [u8; 16],
    /// IK = XDOUT\[16..127, 0..15\].
    pub ik: [u8; 16],
    /// AK = XDOUT\[24..71\].
    pub ak: [u8; 6],
}

impl F2345 {
    /// RES = f2(XDOUT, n) = XDOUT\[0..n-1\] for a RES of `len` bytes (at most 16; longer
    /// requests are cut to 16).
    #[must_use]
    pub fn res(&self, len: usize) -> &[u8] {
        self.xdout.get(..len).unwrap_or(&self.xdout)
    }
}

impl fmt::Debug for F2345 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("F2345")
            .field("xdout", &Redacted(16))
            .field("ck", &Redacted(16))
            .field("ik", &Redacted(16))
            .field("ak", &Redacted(6))
            .finish()
    }
}

impl Xor {
    /// The algorithm with key K.
    #[must_use]
    pub fn new(k: &[u8; 16]) -> Xor {
        Xor { k: *k }
    }

    /// XDOUT = K ⊕ RAND (step 1).
    fn xdout(&self, rand: &[u8; 16]) -> [u8; 16] {
        xor_arrays(&self.k, rand)
    }

    /// XDOUT\[0..63\] ⊕ (SQN‖AMF), the common form of f1 and f1*.
    fn mac(&self, rand: &[u8; 16], sqn: &[u8; 6], amf: &[u8; 2]) -> [u8; 8] {
        let x = self.xdout(rand);
        let cdout = sqn.iter().chain(amf);
        let mut mac = [0u8; 8];
        for ((m, xb), c) in mac.iter_mut().zip(&x).zip(cdout) {
            *m = xb ^ c;
        }
        mac
    }

    /// f1: MAC-A / XMAC-A = XDOUT\[0..63\] ⊕ CDOUT, CDOUT = SQN‖AMF (steps 3–4).
    #[must_use]
    pub fn f1(&self, rand: &[u8; 16], sqn: &[u8; 6], amf: &[u8; 2]) -> [u8; 8] {
        self.mac(rand, sqn, amf)
    }

    /// f1*: MAC-S = XDOUT\[0..63\] ⊕ (SQN_MS‖AMF*) (§8.1.2.2). The resynchronisation
    /// procedure passes AMF* = `0000`.
    #[must_use]
    pub fn f1_star(&self, rand: &[u8; 16], sqn: &[u8; 6], amf: &[u8; 2]) -> [u8; 8] {
        self.mac(rand, sqn, amf)
    }

    /// f2–f5 (step 2).
    #[must_use]
    pub fn f2345(&self, rand: &[u8; 16]) -> F2345 {
        let xdout = self.xdout(rand);
        let x = u128::from_be_bytes(xdout);
        F2345 {
            xdout,
            ck: x.rotate_left(8).to_be_bytes(),
            ik: x.rotate_left(16).to_be_bytes(),
            ak: ak(&xdout),
        }
    }

    /// f5*: AK = XDOUT\[24..71\] (§8.1.2.2).
    #[must_use]
    pub fn f5_star(&self, rand: &[u8; 16]) -> [u8; 6] {
        ak(&self.xdout(rand))
    }
}

/// XDOUT\[24..71\] = bytes 3..9.
fn ak(xdout: &[u8; 16]) -> [u8; 6] {
    let [_, _, _, a, b, c, d, e, f, ..] = *xdout;
    [a, b, c, d, e, f]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aka::test_util::h;
    use proptest::prelude::*;

    /// K = 000102…0f (the default K of TS 34.108 §8.2), RAND = 34…34, SQN = 000000000001,
    /// AMF = 8000: the "Testing XOR" expected output listed in flipk/pfk-milenage main.cc
    /// (@4a7d3e9). Each value also follows by hand from TS 34.108 §8.1.2.1:
    /// XDOUT = 34353637 30313233 3c3d3e3f 38393a3b.
    #[test]
    fn pfk_milenage_xor_example() {
        let x = Xor::new(&h("000102030405060708090a0b0c0d0e0f"));
        let rand: [u8; 16] = h("34343434343434343434343434343434");
        let (sqn, amf) = (h::<6>("000000000001"), h::<2>("8000"));
        assert_eq!(x.f1(&rand, &sqn, &amf), h::<8>("34353637 3030b233"));
        let o = x.f2345(&rand);
        assert_eq!(o.res(16), &h::<16>("34353637303132333c3d3e3f38393a3b")[..]);
        assert_eq!(o.ck, h::<16>("35363730313233 3c3d3e3f38393a3b34"));
        assert_eq!(o.ik, h::<16>("363730313233 3c3d3e3f38393a3b3435"));
        assert_eq!(o.ak, h::<6>("37303132333c"));
        assert_eq!(x.f5_star(&rand), h::<6>("37303132333c"));
        // With AMF* = 0 as in the resynchronisation procedure (§8.1.2.2).
        assert_eq!(x.f1_star(&rand, &sqn, &[0, 0]), h::<8>("34353637 30303233"));
        assert_eq!(o.res(8), &h::<8>("3435363730313233")[..]);
    }

    /// osmo-hlr tests/auc/auc_test.err, "test_gen_vectors_3g_xor" (commit 6e237d3,
    /// "support the XOR algorithm for UMTS AKA"): K = 000102…0f, SQN = 0, AMF = 0000.
    #[test]
    fn osmo_hlr_xor_3g_vector() {
        let x = Xor::new(&h("000102030405060708090a0b0c0d0e0f"));
        let rand: [u8; 16] = h("b5039c57e4a75051551d1a390a71ce48");
        let o = x.f2345(&rand);
        assert_eq!(o.res(16), &h::<16>("b5029e54e0a256565d141032067cc047")[..]);
        assert_eq!(o.ck, h::<16>("029e54e0a256565d141032067cc047b5"));
        assert_eq!(o.ik, h::<16>("9e54e0a256565d141032067cc047b502"));
        // AUTN = SQN ⊕ AK ‖ AMF ‖ MAC = 54e0a256565d 0000 b5029e54e0a25656.
        assert_eq!(o.ak, h::<6>("54e0a256565d"));
        assert_eq!(x.f1(&rand, &[0; 6], &[0; 2]), h::<8>("b5029e54e0a25656"));
    }

    #[test]
    fn debug_redacts_k() {
        let x = Xor::new(&[0xAB; 16]);
        assert!(!format!("{x:?}").to_lowercase().contains("ab, "));
        assert!(!format!("{x:?}").contains("171"));
    }

    proptest! {
        #[test]
        fn never_panics(k: [u8; 16], rand: [u8; 16], sqn: [u8; 6], amf: [u8; 2], n in 0usize..40) {
            let x = Xor::new(&k);
            let o = x.f2345(&rand);
            prop_assert!(o.res(n).len() <= 16);
            prop_assert_eq!(x.f5_star(&rand), o.ak);
            let _ = x.f1(&rand, &sqn, &amf);
        }
    }
}
