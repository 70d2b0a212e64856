//! The subscriber's algorithm and keys, with one interface over MILENAGE, XOR and TUAK.

use core::fmt;

use super::gsm::{self, SresKc};
use super::milenage::{self, Milenage};
use super::tuak::{self, Tuak};
use super::xor::Xor;
use super::{Error, Redacted, Result};

/// The authentication algorithm of a USIM/ISIM and its secret parameters
/// (TS 31.102 §7.1.2; TS 33.102 §6.3). `Debug` never shows K, OPc or TOPc.
#[derive(Clone, PartialEq, Eq)]
pub enum Keys {
    /// MILENAGE (TS 35.206).
    Milenage {
        /// K.
        k: [u8; 16],
        /// OPc (derive it from OP with [`milenage::opc`] or [`Keys::milenage_op`]).
        opc: [u8; 16],
        /// c1–c5, r1–r5.
        constants: milenage::Constants,
    },
    /// The test algorithm XOR (TS 34.108 §8.1.2).
    Xor {
        /// K.
        k: [u8; 16],
        /// Length of RES in bytes, 4 to 16 (RES = XDOUT\[0..n-1\]).
        res_len: usize,
    },
    /// TUAK (TS 35.231).
    Tuak {
        /// K, 128 or 256 bits.
        k: tuak::Key,
        /// TOPc (derive it from TOP with [`tuak::topc`]).
        topc: [u8; 32],
        /// Output lengths; AKA needs a 64-bit MAC.
        lengths: tuak::Lengths,
        /// Keccak iterations (1 by default).
        iterations: u32,
    },
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Keys::Milenage { constants, .. } => f
                .debug_struct("Milenage")
                .field("k", &Redacted(16))
                .field("opc", &Redacted(16))
                .field("constants", constants)
                .finish(),
            Keys::Xor { res_len, .. } => f
                .debug_struct("Xor")
                .field("k", &Redacted(16))
                .field("res_len", res_len)
                .finish(),
            Keys::Tuak {
                k,
                lengths,
                iterations,
                ..
            } => f
                .debug_struct("Tuak")
                .field("k", k)
                .field("topc", &Redacted(32))
                .field("lengths", lengths)
                .field("iterations", iterations)
                .finish(),
        }
    }
}

/// The outputs of f2–f5 in a common form.
#[derive(Clone, PartialEq, Eq)]
pub struct Outputs {
    /// RES / XRES.
    pub res: Vec<u8>,
    /// CK.
    pub ck: Vec<u8>,
    /// IK.
    pub ik: Vec<u8>,
    /// AK.
    pub ak: [u8; 6],
}

impl fmt::Debug for Outputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outputs")
            .field("res", &self.res)
            .field("ck", &Redacted(self.ck.len()))
            .field("ik", &Redacted(self.ik.len()))
            .field("ak", &Redacted(6))
            .finish()
    }
}

enum Algo {
    // Boxed: the AES key schedule dwarfs the other variants.
    Milenage(Box<Milenage>),
    Xor(Xor, usize),
    Tuak(Tuak),
}

impl Keys {
    /// MILENAGE with K, OPc and the default constants.
    #[must_use]
    pub fn milenage(k: [u8; 16], opc: [u8; 16]) -> Keys {
        Keys::Milenage {
            k,
            opc,
            constants: milenage::Constants::DEFAULT,
        }
    }

    /// MILENAGE with K and OP (OPc derived) and the default constants.
    #[must_use]
    pub fn milenage_op(k: [u8; 16], op: &[u8; 16]) -> Keys {
        Self::milenage(k, milenage::opc(&k, op))
    }

    /// XOR with K and a 128-bit RES (the whole XDOUT).
    #[must_use]
    pub fn xor(k: [u8; 16]) -> Keys {
        Keys::Xor { k, res_len: 16 }
    }

    /// TUAK with K, TOPc, output lengths and Keccak iterations.
    #[must_use]
    pub fn tuak(k: tuak::Key, topc: [u8; 32], lengths: tuak::Lengths, iterations: u32) -> Keys {
        Keys::Tuak {
            k,
            topc,
            lengths,
            iterations,
        }
    }

    fn algo(&self) -> Result<Algo> {
        Ok(match self {
            Keys::Milenage { k, opc, constants } => {
                Algo::Milenage(Box::new(Milenage::with_constants(k, opc, *constants)))
            }
            Keys::Xor { k, res_len } => {
                // TS 33.102 §6.3.2: RES is 32 to 128 bits; XDOUT has 128.
                if !(4..=16).contains(res_len) {
                    return Err(Error::Invalid("XOR RES length must be 4 to 16 bytes"));
                }
                Algo::Xor(Xor::new(k), *res_len)
            }
            Keys::Tuak {
                k,
                topc,
                lengths,
                iterations,
            } => Algo::Tuak(Tuak::new(k.clone(), topc, *lengths, *iterations)),
        })
    }

    /// A TUAK MAC must be 64 bits to fill AUTN or AUTS (TS 33.102 §6.3.2, §6.3.3).
    fn mac8(mac: &[u8]) -> Result<[u8; 8]> {
        <[u8; 8]>::try_from(mac)
            .map_err(|_| Error::Unsupported("AKA needs a 64-bit MAC (TUAK MAC length)"))
    }

    /// f1: MAC-A (64 bits, as carried in AUTN).
    ///
    /// # Errors
    /// [`Error::Invalid`] for an invalid XOR RES length, [`Error::Unsupported`] for a
    /// TUAK MAC length other than 64 bits.
    pub fn f1(&self, rand: &[u8; 16], sqn: &[u8; 6], amf: &[u8; 2]) -> Result<[u8; 8]> {
        match self.algo()? {
            Algo::Milenage(m) => Ok(m.f1(rand, sqn, amf)),
            Algo::Xor(x, _) => Ok(x.f1(rand, sqn, amf)),
            Algo::Tuak(t) => Self::mac8(&t.f1(rand, sqn, amf)),
        }
    }

    /// f1*: MAC-S (64 bits, as carried in AUTS).
    ///
    /// # Errors
    /// As [`Keys::f1`].
    pub fn f1_star(&self, rand: &[u8; 16], sqn: &[u8; 6], amf: &[u8; 2]) -> Result<[u8; 8]> {
        match self.algo()? {
            Algo::Milenage(m) => Ok(m.f1_star(rand, sqn, amf)),
            Algo::Xor(x, _) => Ok(x.f1_star(rand, sqn, amf)),
            Algo::Tuak(t) => Self::mac8(&t.f1_star(rand, sqn, amf)),
        }
    }

    /// f2–f5: RES, CK, IK and AK.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an invalid XOR RES length.
    pub fn f2345(&self, rand: &[u8; 16]) -> Result<Outputs> {
        Ok(match self.algo()? {
            Algo::Milenage(m) => {
                let o = m.f2345(rand);
                Outputs {
                    res: o.res.to_vec(),
                    ck: o.ck.to_vec(),
                    ik: o.ik.to_vec(),
                    ak: o.ak,
                }
            }
            Algo::Xor(x, res_len) => {
                let o = x.f2345(rand);
                Outputs {
                    res: o.res(res_len).to_vec(),
                    ck: o.ck.to_vec(),
                    ik: o.ik.to_vec(),
                    ak: o.ak,
                }
            }
            Algo::Tuak(t) => {
                let o = t.f2345(rand);
                Outputs {
                    res: o.res,
                    ck: o.ck,
                    ik: o.ik,
                    ak: o.ak,
                }
            }
        })
    }

    /// f5*: AK for resynchronisation.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an invalid XOR RES length.
    pub fn f5_star(&self, rand: &[u8; 16]) -> Result<[u8; 6]> {
        Ok(match self.algo()? {
            Algo::Milenage(m) => m.f5_star(rand),
            Algo::Xor(x, _) => x.f5_star(rand),
            Algo::Tuak(t) => t.f5_star(rand),
        })
    }

    /// GSM authentication by a USIM in the GSM security context (TS 31.102 §7.1.2.2):
    /// SRES = c2(XRES), Kc = c3(CK, IK) (TS 33.102 §6.8.1.2). For MILENAGE this equals
    /// GSM-MILENAGE with SRES derivation #1 (TS 55.205 §4).
    ///
    /// # Errors
    /// [`Error::Unsupported`] when RES is longer than 128 bits or CK/IK are not 128 bits
    /// (TUAK), where c2/c3 are undefined; errors of [`Keys::f2345`].
    pub fn gsm(&self, rand: &[u8; 16]) -> Result<SresKc> {
        let o = self.f2345(rand)?;
        let sres =
            gsm::c2(&o.res).ok_or(Error::Unsupported("c2 needs a RES of at most 128 bits"))?;
        let kc = kc_of(&o.ck, &o.ik).ok_or(Error::Unsupported("c3 needs 128-bit CK and IK"))?;
        Ok(SresKc { sres, kc })
    }
}

/// c3(CK, IK) when both are 128 bits.
pub(crate) fn kc_of(ck: &[u8], ik: &[u8]) -> Option<[u8; 8]> {
    let ck = <&[u8; 16]>::try_from(ck).ok()?;
    let ik = <&[u8; 16]>::try_from(ik).ok()?;
    Some(gsm::c3(ck, ik))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aka::test_util::h;

    #[test]
    fn debug_never_shows_secrets() {
        let keys = [
            Keys::milenage([0x11; 16], [0x22; 16]),
            Keys::xor([0x11; 16]),
            Keys::tuak(
                tuak::Key::K256([0x11; 32]),
                [0x22; 32],
                tuak::Lengths::default(),
                1,
            ),
        ];
        for k in keys {
            let d = format!("{k:?}");
            assert!(!d.contains("17") && !d.contains("34"), "{d}");
            assert!(d.contains("redacted"), "{d}");
        }
    }

    /// TS 35.208 test set 1 through the common interface, and the USIM GSM context:
    /// SRES#1 and Kc of TS 55.205 test set 1 (46f8416a, eae4be823af9a08b).
    #[test]
    fn common_interface_milenage() {
        let keys = Keys::milenage_op(
            h("465b5ce8b199b49faa5f0a2ee238a6bc"),
            &h("cdc202d5123e20f62b6d676ac72cb318"),
        );
        let rand: [u8; 16] = h("23553cbe9637a89d218ae64dae47bf35");
        let o = keys.f2345(&rand).unwrap();
        assert_eq!(o.res, h::<8>("a54211d5e3ba50bf"));
        assert_eq!(
            keys.f1(&rand, &h("ff9bb4d0b607"), &h("b9b9")).unwrap(),
            h::<8>("4a9ffac354dfafb3")
        );
        assert_eq!(keys.f5_star(&rand).unwrap(), h::<6>("451e8beca43b"));
        let g = keys.gsm(&rand).unwrap();
        assert_eq!(g.sres, h::<4>("46f8416a"));
        assert_eq!(g.kc, h::<8>("eae4be823af9a08b"));
    }

    #[test]
    fn invalid_and_unsupported_configurations() {
        let bad_xor = Keys::Xor {
            k: [0; 16],
            res_len: 17,
        };
        assert!(matches!(bad_xor.f2345(&[0; 16]), Err(Error::Invalid(_))));
        let long_mac = Keys::tuak(
            tuak::Key::K128([0; 16]),
            [0; 32],
            tuak::Lengths {
                mac: tuak::MacLen::Bits128,
                ..Default::default()
            },
            1,
        );
        assert!(matches!(
            long_mac.f1(&[0; 16], &[0; 6], &[0; 2]),
            Err(Error::Unsupported(_))
        ));
        let long_ck = Keys::tuak(
            tuak::Key::K128([0; 16]),
            [0; 32],
            tuak::Lengths {
                ck: tuak::KeyLen::Bits256,
                ..Default::default()
            },
            1,
        );
        assert!(matches!(long_ck.gsm(&[0; 16]), Err(Error::Unsupported(_))));
    }
}
