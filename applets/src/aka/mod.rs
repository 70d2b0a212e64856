//! The authentication and key agreement algorithms a USIM, ISIM or SIM runs.
//!
//! 3GPP TR 33.812 §5.1.2.2 puts the AKA functions inside the trusted environment, so the
//! emulated card computes them itself. This module is pure code with no card logic:
//!
//! - [`milenage`]: MILENAGE (TS 35.206) with OP or OPc and configurable c1–c5 / r1–r5;
//! - [`xor`]: the 3GPP test algorithm of TS 34.108 §8.1.2, used by test USIMs and network
//!   simulators;
//! - [`tuak`]: TUAK (TS 35.231) on Keccak-f\[1600\];
//! - [`gsm`]: the GSM conversion functions c2–c5 (TS 33.102 §6.8.1.2), GSM-MILENAGE
//!   (TS 55.205) and the XOR-2G test algorithm (TS 51.010-1 §A.4.1.2);
//! - [`sqn`]: sequence-number management on the USIM (TS 33.102 Annex C);
//! - [`procedure`]: the USIM side of AKA ([`authenticate`], TS 33.102 §6.3.3) and the
//!   network side used by tests and demos ([`generate_vector`], [`resync`]).
//!
//! Secrets (K, OPc, TOPc, CK, IK, Kc) are never shown by `Debug`.

pub mod gsm;
pub mod milenage;
pub mod procedure;
pub mod sqn;
pub mod tuak;
pub mod xor;

mod keys;

pub use keys::{Keys, Outputs};
pub use procedure::{authenticate, generate_vector, resync, AuthVector, Outcome};
pub use sqn::{Sqn, SqnPolicy, SqnState};

use core::fmt;

/// Errors of the AKA algorithms: bad configuration or input lengths, never a failed
/// authentication (that is an [`Outcome`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A byte string had the wrong length.
    Length {
        /// What was being decoded.
        what: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// A parameter is outside the range the specification allows.
    Invalid(&'static str),
    /// The configuration is valid for the algorithm but cannot serve this procedure
    /// (for example a 128-bit TUAK MAC cannot fill the 64-bit MAC field of AUTN).
    Unsupported(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Length {
                what,
                expected,
                actual,
            } => write!(f, "{what}: expected {expected} bytes, got {actual}"),
            Error::Invalid(what) => write!(f, "invalid parameter: {what}"),
            Error::Unsupported(what) => write!(f, "unsupported: {what}"),
        }
    }
}

impl std::error::Error for Error {}

/// The result type of this module.
pub type Result<T> = core::result::Result<T, Error>;

/// Compares two byte strings in time independent of where they differ (the length is
/// not secret). Used for every MAC comparison (TS 33.102 §6.3.3 XMAC = MAC check).
#[must_use]
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(diff) == 0
}

/// `a ⊕ b` for equal-size arrays.
#[must_use]
pub(crate) fn xor_arrays<const N: usize>(a: &[u8; N], b: &[u8; N]) -> [u8; N] {
    let mut out = [0u8; N];
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = x ^ y;
    }
    out
}

/// Formats a secret for `Debug`: only its length.
pub(crate) struct Redacted(pub usize);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<redacted {} bytes>", self.0)
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    /// Decodes test hex (spaces allowed) into an array.
    pub fn h<const N: usize>(s: &str) -> [u8; N] {
        let v = hv(s);
        v.try_into().expect("hex length")
    }

    /// Decodes test hex (spaces allowed) into a vector.
    pub fn hv(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ct_eq_compares_content_and_length() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(ct_eq(b"", b""));
    }

    #[test]
    fn errors_display() {
        let e = Error::Length {
            what: "AUTS",
            expected: 14,
            actual: 3,
        };
        assert_eq!(e.to_string(), "AUTS: expected 14 bytes, got 3");
        assert!(Error::Invalid("x").to_string().contains('x'));
    }
}
