//! Typed codecs for the contents of USIM and SIM elementary files, pySim style: every
//! file format is a type implementing [`EfCodec`] (value ⇄ bytes) and carries its own
//! test vectors ([`EfCodec::VECTORS`]), each naming where it comes from.
//!
//! Specifications: 3GPP TS 31.102 (USIM files, §4.2 and §4.4), 3GPP TS 51.011 (DF.GSM
//! files, §10.3), ETSI TS 102 221 (§13: EF.ICCID, EF.PL, EF.ARR), TS 24.008 §10.5.1.3
//! (PLMN coding) and TS 23.038 §6.2.1 (GSM 7-bit default alphabet).
//!
//! Conventions shared by all codecs:
//! - `decode` never panics; it refuses malformed input with a [`CodecError`].
//! - `encode(size)` pads the value to `size` bytes with the file's filler (`FF`, or `00`
//!   for service tables). It never truncates: a value that does not fit yields more than
//!   `size` bytes, which the caller compares against the file size.
//! - Where a file holds a list whose unused entries are `FF`, decoding drops the trailing
//!   unused entries, so `FF` padding appended to the input decodes to the same value.

mod admin;
mod alpha;
mod bcd;
mod dialling;
mod fivegs;
mod identity;
mod keys;
mod location;
mod plmn;
mod services;
mod sms;
mod tlv;

pub use admin::{EfAcc, EfAd, EfHpplmn, EfPhase, LanguageList};
pub use alpha::{Alpha, EfSpn};
pub use dialling::{AdnRecord, DialNumber, EccRecord};
pub use fivegs::{EfRoutingIndicator, EfSuciCalcInfo, HnetPubKey, ProtectionScheme};
pub use identity::{EfIccid, EfImsi};
pub use keys::{EfKc, EfKeys, EfStartHfn, EfThreshold};
pub use location::{update_status, Ef5gsLoci, EfEpsLoci, EfLoci, EfPsLoci};
pub use plmn::{Plmn, PlmnAct, PlmnActList, PlmnList};
pub use services::{ServiceTable, SimServiceTable};
pub use sms::{EfSmss, SmsRecord, SmspRecord};
pub use tlv::{EfNsc, Tlv, TlvList};

use std::fmt;

/// Why bytes could not be decoded as a file's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodecError {
    /// The input ends before the named field.
    Truncated(&'static str),
    /// The named field holds a value the format does not allow.
    Invalid(&'static str),
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::Truncated(what) => write!(f, "truncated: {what}"),
            CodecError::Invalid(what) => write!(f, "invalid {what}"),
        }
    }
}

impl std::error::Error for CodecError {}

/// A typed view of the contents of an EF (a transparent EF's body or one record of a
/// record EF).
pub trait EfCodec: Sized {
    /// Test vectors: `(hex, source)`. Each must decode, re-encode to the same bytes
    /// (with `size` = its length) and, if [`EfCodec::FF_PADDING_IGNORED`], decode to the
    /// same value with `FF` appended. The source names the spec clause, the pySim
    /// `_test_de_encode` list or the real-card capture the bytes come from.
    const VECTORS: &'static [(&'static str, &'static str)];
    /// Whether `FF` bytes appended to an encoding leave the decoded value unchanged
    /// (pySim's `_test_no_pad` is the opposite). False for formats whose layout depends
    /// on the total length (e.g. a trailing field after an alpha identifier) or whose
    /// trailing bytes are significant (service tables).
    const FF_PADDING_IGNORED: bool = true;
    /// Decodes the contents.
    fn decode(data: &[u8]) -> Result<Self, CodecError>;
    /// Encodes the value padded to `size` bytes (see the module docs).
    fn encode(&self, size: usize) -> Vec<u8>;
}

/// Pads `bytes` with `fill` up to `size` (never truncates).
pub(crate) fn pad(mut bytes: Vec<u8>, size: usize, fill: u8) -> Vec<u8> {
    if bytes.len() < size {
        bytes.resize(size, fill);
    }
    bytes
}

/// The first `N` bytes of `data` as an array.
pub(crate) fn array<const N: usize>(
    data: &[u8],
    what: &'static str,
) -> Result<[u8; N], CodecError> {
    data.get(..N)
        .and_then(|s| <[u8; N]>::try_from(s).ok())
        .ok_or(CodecError::Truncated(what))
}

/// `data` without its trailing `FF` bytes.
pub(crate) fn trim_ff(data: &[u8]) -> &[u8] {
    let end = data.iter().rposition(|&b| b != 0xFF).map_or(0, |i| i + 1);
    data.get(..end).unwrap_or_default()
}

/// The codec a file of the file tables uses, so a registry can check contents and
/// vectors without naming every type (see [`crate::usim::files`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodecKind {
    /// A DF: no contents.
    None,
    /// [`EfImsi`].
    Imsi,
    /// [`EfIccid`].
    Iccid,
    /// [`EfAd`].
    Ad,
    /// [`EfAcc`].
    Acc,
    /// [`EfHpplmn`].
    Hpplmn,
    /// [`EfPhase`].
    Phase,
    /// [`LanguageList`].
    Languages,
    /// [`ServiceTable`].
    ServiceTable,
    /// [`SimServiceTable`].
    SimServiceTable,
    /// [`EfKeys`].
    Keys,
    /// [`EfKc`].
    Kc,
    /// [`EfStartHfn`].
    StartHfn,
    /// [`EfThreshold`].
    Threshold,
    /// [`EfLoci`].
    Loci,
    /// [`EfPsLoci`].
    PsLoci,
    /// [`EfEpsLoci`].
    EpsLoci,
    /// [`Ef5gsLoci`].
    FivegsLoci,
    /// [`PlmnList`].
    PlmnList,
    /// [`PlmnActList`].
    PlmnActList,
    /// [`EfSpn`].
    Spn,
    /// [`AdnRecord`].
    Adn,
    /// [`EccRecord`].
    Ecc,
    /// [`SmsRecord`].
    Sms,
    /// [`SmspRecord`].
    Smsp,
    /// [`EfSmss`].
    Smss,
    /// [`TlvList`].
    TlvList,
    /// [`EfNsc`].
    Nsc,
    /// [`EfSuciCalcInfo`].
    SuciCalcInfo,
    /// [`EfRoutingIndicator`].
    RoutingIndicator,
}

/// Runs `$body` with `$t` bound to the codec type of `$kind` (DFs give `$none`).
macro_rules! with_codec {
    ($kind:expr, $none:expr, |$t:ident| $body:expr) => {
        match $kind {
            CodecKind::None => $none,
            CodecKind::Imsi => {
                type $t = EfImsi;
                $body
            }
            CodecKind::Iccid => {
                type $t = EfIccid;
                $body
            }
            CodecKind::Ad => {
                type $t = EfAd;
                $body
            }
            CodecKind::Acc => {
                type $t = EfAcc;
                $body
            }
            CodecKind::Hpplmn => {
                type $t = EfHpplmn;
                $body
            }
            CodecKind::Phase => {
                type $t = EfPhase;
                $body
            }
            CodecKind::Languages => {
                type $t = LanguageList;
                $body
            }
            CodecKind::ServiceTable => {
                type $t = ServiceTable;
                $body
            }
            CodecKind::SimServiceTable => {
                type $t = SimServiceTable;
                $body
            }
            CodecKind::Keys => {
                type $t = EfKeys;
                $body
            }
            CodecKind::Kc => {
                type $t = EfKc;
                $body
            }
            CodecKind::StartHfn => {
                type $t = EfStartHfn;
                $body
            }
            CodecKind::Threshold => {
                type $t = EfThreshold;
                $body
            }
            CodecKind::Loci => {
                type $t = EfLoci;
                $body
            }
            CodecKind::PsLoci => {
                type $t = EfPsLoci;
                $body
            }
            CodecKind::EpsLoci => {
                type $t = EfEpsLoci;
                $body
            }
            CodecKind::FivegsLoci => {
                type $t = Ef5gsLoci;
                $body
            }
            CodecKind::PlmnList => {
                type $t = PlmnList;
                $body
            }
            CodecKind::PlmnActList => {
                type $t = PlmnActList;
                $body
            }
            CodecKind::Spn => {
                type $t = EfSpn;
                $body
            }
            CodecKind::Adn => {
                type $t = AdnRecord;
                $body
            }
            CodecKind::Ecc => {
                type $t = EccRecord;
                $body
            }
            CodecKind::Sms => {
                type $t = SmsRecord;
                $body
            }
            CodecKind::Smsp => {
                type $t = SmspRecord;
                $body
            }
            CodecKind::Smss => {
                type $t = EfSmss;
                $body
            }
            CodecKind::TlvList => {
                type $t = TlvList;
                $body
            }
            CodecKind::Nsc => {
                type $t = EfNsc;
                $body
            }
            CodecKind::SuciCalcInfo => {
                type $t = EfSuciCalcInfo;
                $body
            }
            CodecKind::RoutingIndicator => {
                type $t = EfRoutingIndicator;
                $body
            }
        }
    };
}

impl CodecKind {
    /// Every codec kind (for registry tests).
    pub const ALL: &'static [CodecKind] = &[
        CodecKind::None,
        CodecKind::Imsi,
        CodecKind::Iccid,
        CodecKind::Ad,
        CodecKind::Acc,
        CodecKind::Hpplmn,
        CodecKind::Phase,
        CodecKind::Languages,
        CodecKind::ServiceTable,
        CodecKind::SimServiceTable,
        CodecKind::Keys,
        CodecKind::Kc,
        CodecKind::StartHfn,
        CodecKind::Threshold,
        CodecKind::Loci,
        CodecKind::PsLoci,
        CodecKind::EpsLoci,
        CodecKind::FivegsLoci,
        CodecKind::PlmnList,
        CodecKind::PlmnActList,
        CodecKind::Spn,
        CodecKind::Adn,
        CodecKind::Ecc,
        CodecKind::Sms,
        CodecKind::Smsp,
        CodecKind::Smss,
        CodecKind::TlvList,
        CodecKind::Nsc,
        CodecKind::SuciCalcInfo,
        CodecKind::RoutingIndicator,
    ];

    /// Whether `data` decodes with this codec (always true for [`CodecKind::None`]).
    pub fn check(self, data: &[u8]) -> Result<(), CodecError> {
        with_codec!(self, Ok(()), |T| T::decode(data).map(|_| ()))
    }

    /// Decodes `data` and encodes the value again at `data.len()`: the canonical form.
    pub fn reencode(self, data: &[u8]) -> Result<Vec<u8>, CodecError> {
        with_codec!(self, Ok(data.to_vec()), |T| T::decode(data)
            .map(|v| v.encode(data.len())))
    }

    /// The codec's test vectors (none for [`CodecKind::None`]).
    pub fn vectors(self) -> &'static [(&'static str, &'static str)] {
        with_codec!(self, &[], |T| T::VECTORS)
    }

    /// [`EfCodec::FF_PADDING_IGNORED`] of the codec.
    pub fn ff_padding_ignored(self) -> bool {
        with_codec!(self, true, |T| T::FF_PADDING_IGNORED)
    }

    /// Checks every vector of the codec: decode, re-encode to the same bytes, decode
    /// with `FF` appended where the format allows. Returns the failing vector's source.
    pub fn check_vectors(self) -> Result<usize, String> {
        with_codec!(self, Ok(0), |T| check_vectors::<T>())
    }
}

/// Checks all vectors of `T` (see [`CodecKind::check_vectors`]).
pub fn check_vectors<T: EfCodec + PartialEq + fmt::Debug>() -> Result<usize, String> {
    for (hex, source) in T::VECTORS {
        let bytes = apdu::hex::decode(hex).map_err(|e| format!("{source}: bad hex: {e}"))?;
        let value = T::decode(&bytes).map_err(|e| format!("{source}: decode: {e}"))?;
        let again = value.encode(bytes.len());
        if again != bytes {
            return Err(format!(
                "{source}: re-encoded {} != {}",
                apdu::hex::encode(&again),
                apdu::hex::encode(&bytes)
            ));
        }
        if T::FF_PADDING_IGNORED {
            let mut padded = bytes.clone();
            padded.push(0xFF);
            let value2 = T::decode(&padded).map_err(|e| format!("{source}: padded decode: {e}"))?;
            if value2 != value {
                return Err(format!(
                    "{source}: FF padding changed the value: {value2:?}"
                ));
            }
        }
    }
    Ok(T::VECTORS.len())
}

#[cfg(test)]
pub(crate) mod testkit {
    //! Generic property checks every codec module runs.
    use super::EfCodec;

    /// Decoding arbitrary bytes never panics, and a decoded value re-encodes to bytes
    /// that decode to the same value (the canonical form is a fixed point).
    pub fn decode_is_stable<T: EfCodec + PartialEq + std::fmt::Debug>(data: &[u8]) {
        if let Ok(v) = T::decode(data) {
            let again = v.encode(data.len());
            let v2 = T::decode(&again);
            assert_eq!(v2.as_ref(), Ok(&v), "{data:02X?} -> {again:02X?}");
            assert_eq!(v2.map(|x| x.encode(again.len())), Ok(again));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_codec_kind_passes_its_vectors() {
        let mut total = 0;
        for kind in CodecKind::ALL {
            total += kind
                .check_vectors()
                .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
            if *kind != CodecKind::None {
                assert!(!kind.vectors().is_empty(), "{kind:?} has no vectors");
            }
        }
        assert!(total > 60, "{total} vectors");
    }

    #[test]
    fn helpers() {
        assert_eq!(trim_ff(&[1, 0xFF, 2, 0xFF, 0xFF]), &[1, 0xFF, 2]);
        assert_eq!(trim_ff(&[0xFF]), &[] as &[u8]);
        assert_eq!(pad(vec![1], 3, 0xFF), vec![1, 0xFF, 0xFF]);
        assert_eq!(pad(vec![1, 2], 1, 0xFF), vec![1, 2]);
        assert_eq!(array::<2>(&[1], "x"), Err(CodecError::Truncated("x")));
    }
}
