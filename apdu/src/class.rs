//! The class byte (CLA): command family, logical channel, secure messaging and chaining.
//!
//! Sources: ISO/IEC 7816-4 §5.4.1 (Tables 2 and 3), ETSI TS 102 221 §10.1.1
//! (Tables 10.3, 10.4a and 10.4b) and 3GPP TS 51.011 §9.2 (class `A0`).
//!
//! Two codings carry a logical channel:
//!
//! | form | class bytes | channel | secure messaging | chaining |
//! |---|---|---|---|---|
//! | first | `00`–`1F`, `80`–`BF` | b2–b1 = 0–3 | b4–b3 | b5 |
//! | further | `40`–`7F`, `C0`–`FE` | b4–b1 + 4 = 4–19 | b6 | b5 |
//!
//! b8 = 0 is inter-industry (ISO/IEC 7816-4), b8 = 1 proprietary (TS 102 221,
//! GlobalPlatform; Java Card calls `8X`–`BX` "type 4" and `CX`–`FX` "type 16").
//! `2X`/`3X` are reserved by ISO/IEC 7816-4, `FF` is reserved for PPS (ISO/IEC 7816-3 §9)
//! and `A0` is the GSM class, which has no logical channels.
//!
//! TS 102 221 Table 10.3 lists only `0X`, `4X`, `6X` (inter-industry), `8X`, `CX`, `EX`
//! (UICC-specific) and `A0` — the same sets pySim's TS 102 221 command table accepts.
//! `1X`, `5X`, `7X`, `9X`, `BX`, `DX` and `FX` are ISO/IEC 7816-4 (or Java Card /
//! GlobalPlatform) classes with the chaining bit set, which a UICC does not use.
//! See [`Class::is_uicc`].

use crate::error::{Error, Result};
use crate::ins::Family;

/// A class byte (CLA). Open: any byte is a `Class`; [`Class::is_valid`] tells usable ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Class(pub u8);

/// Which of the two ISO/IEC 7816-4 §5.4.1 codings a class byte uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// Channels 0–3: ISO/IEC 7816-4 Table 2, TS 102 221 Table 10.4a.
    First,
    /// Channels 4–19: ISO/IEC 7816-4 Table 3, TS 102 221 Table 10.4b.
    Further,
}

/// Chaining bit b5 (ISO/IEC 7816-4 §5.4.1, both forms).
const CHAINING: u8 = 0x10;
/// Secure messaging bit b6 of the further form (ISO/IEC 7816-4 Table 3).
const FURTHER_SM: u8 = 0x20;
/// Secure messaging bits b4–b3 of the first form (ISO/IEC 7816-4 Table 2).
const FIRST_SM: u8 = 0x0C;
/// b4–b3 = `10`: SM per ISO/IEC 7816-4 §10, command header not authenticated — the one
/// first-form indication the further form (b6 = 1) can also express.
const FIRST_SM_STANDARD: u8 = 0x08;

impl Class {
    /// The GSM class `A0` (3GPP TS 51.011 §9.2).
    pub const GSM: Class = Class(0xA0);
    /// The inter-industry class `00` on channel 0 (ISO/IEC 7816-4, TS 102 221 Table 10.3).
    pub const ISO: Class = Class(0x00);
    /// The UICC-specific class `80` on channel 0 (TS 102 221 Table 10.3).
    pub const UICC: Class = Class(0x80);

    fn form(self) -> Option<Form> {
        match self.0 {
            0x00..=0x1F | 0x80..=0xBF => Some(Form::First),
            0x40..=0x7F | 0xC0..=0xFE => Some(Form::Further),
            // 0x20..=0x3F: reserved (ISO/IEC 7816-4 §5.4.1); 0xFF: PPS (ISO/IEC 7816-3 §9).
            _ => None,
        }
    }

    /// The command family: inter-industry, proprietary (UICC/GlobalPlatform) or GSM.
    pub const fn family(self) -> Family {
        Family::of(self.0)
    }

    /// The logical channel 0–19, or `None` for a reserved class (`2X`, `3X`, `FF`).
    ///
    /// First form: b2–b1; further form: b4–b1 plus 4 (TS 102 221 Tables 10.4a/10.4b).
    /// `A0` is channel 0 (GSM has no logical channels).
    pub fn channel(self) -> Option<u8> {
        match self.form()? {
            Form::First => Some(self.0 & 0x03),
            Form::Further => Some((self.0 & 0x0F) + 4),
        }
    }

    /// Whether the class indicates secure messaging (first form: b4–b3 ≠ `00`;
    /// further form: b6 = 1). ISO/IEC 7816-4 §5.4.1, TS 102 221 Tables 10.4a/10.4b.
    pub fn secure_messaging(self) -> bool {
        match self.form() {
            Some(Form::First) => self.0 & FIRST_SM != 0,
            Some(Form::Further) => self.0 & FURTHER_SM != 0,
            None => false,
        }
    }

    /// Whether b5 says "command is not the last of a chain" (ISO/IEC 7816-4 §5.3.3).
    pub fn chaining(self) -> bool {
        self.form().is_some() && self.0 & CHAINING != 0
    }

    /// Whether the byte is a class at all: everything except the reserved `2X`/`3X`
    /// (ISO/IEC 7816-4 §5.4.1) and `FF` (PPS, ISO/IEC 7816-3 §9; TS 102 221 Table 10.3).
    pub fn is_valid(self) -> bool {
        self.form().is_some()
    }

    /// Whether TS 102 221 Table 10.3 lists this class: `0X`, `4X`, `6X`, `8X`, `CX`, `EX`
    /// (all with the chaining bit b5 = 0) and `A0`.
    pub fn is_uicc(self) -> bool {
        matches!(
            self.0,
            0xA0 | 0x00..=0x0F | 0x80..=0x8F | 0x40..=0x4F | 0x60..=0x6F | 0xC0..=0xCF | 0xE0..=0xEF
        )
    }

    /// The same class on logical channel `ch` (0–19), keeping family, secure messaging
    /// and chaining. Channels 4–19 need the further form (`0X`→`4X`/`6X`, `8X`→`CX`/`EX`),
    /// channels 0–3 the first form (ISO/IEC 7816-4 §5.4.1, TS 102 221 §10.1.1).
    ///
    /// Errors: `ch` > 19; a reserved class; `A0` with a channel other than 0; a first-form
    /// secure messaging indication (`01`, `11`) the further form cannot carry; a result
    /// that would be the GSM class `A0` or the reserved `FF` (e.g. `F0` on channel 19).
    pub fn with_channel(self, ch: u8) -> Result<Class> {
        if ch > 19 {
            return Err(Error::Invalid("logical channel (0-19)"));
        }
        if self == Class::GSM {
            return if ch == 0 {
                Ok(self)
            } else {
                Err(Error::Invalid("logical channel for class A0"))
            };
        }
        let proprietary = self.0 & 0x80;
        let chaining = self.0 & CHAINING;
        let out = match (self.form(), ch < 4) {
            (None, _) => return Err(Error::Invalid("CLA")),
            (Some(Form::First), true) => (self.0 & !0x03) | ch,
            (Some(Form::Further), false) => (self.0 & 0xF0) | (ch - 4),
            (Some(Form::First), false) => {
                let sm = match self.0 & FIRST_SM {
                    0 => 0,
                    FIRST_SM_STANDARD => FURTHER_SM,
                    _ => {
                        return Err(Error::Invalid(
                            "secure messaging indication for channels 4-19",
                        ))
                    }
                };
                proprietary | 0x40 | sm | chaining | (ch - 4)
            }
            (Some(Form::Further), true) => {
                let sm = if self.0 & FURTHER_SM != 0 {
                    FIRST_SM_STANDARD
                } else {
                    0
                };
                proprietary | chaining | sm | ch
            }
        };
        match out {
            0xA0 => Err(Error::Invalid("CLA (would become the GSM class A0)")),
            0xFF => Err(Error::Invalid("CLA (would become the reserved FF)")),
            _ => Ok(Class(out)),
        }
    }

    /// The same class with the chaining bit b5 set or cleared (ISO/IEC 7816-4 §5.3.3).
    ///
    /// Classes without a chaining bit (`A0`, reserved `2X`/`3X`, `FF`) come back unchanged,
    /// and so do `B0` and `EF`, where the result would be `A0` or `FF`.
    pub fn with_chaining(self, chaining: bool) -> Class {
        if self == Class::GSM || self.form().is_none() {
            return self;
        }
        let out = if chaining {
            self.0 | CHAINING
        } else {
            self.0 & !CHAINING
        };
        match out {
            // Clearing b5 of B0 would give the GSM class, setting it in EF the reserved FF.
            0xA0 | 0xFF => self,
            _ => Class(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // TS 102 221 Table 10.4a (channels 0-3, first form): 0X and 8X, b2b1 = channel,
    // b4b3 = SM indication.
    #[test]
    fn first_form_ts_102_221_table_10_4a() {
        for cla in 0x00u8..=0x0F {
            let c = Class(cla);
            assert_eq!(c.channel(), Some(cla & 3), "{cla:02X}");
            assert_eq!(c.secure_messaging(), cla & 0x0C != 0, "{cla:02X}");
            assert!(!c.chaining());
            assert!(c.is_valid() && c.is_uicc());
            assert_eq!(c.family(), Family::Iso);
        }
        for cla in 0x80u8..=0x8F {
            let c = Class(cla);
            assert_eq!(c.channel(), Some(cla & 3), "{cla:02X}");
            assert_eq!(c.secure_messaging(), cla & 0x0C != 0, "{cla:02X}");
            assert!(!c.chaining());
            assert!(c.is_valid() && c.is_uicc());
            assert_eq!(c.family(), Family::Proprietary);
        }
        // 0x00..0x03 and 0x80..0x83: the four basic channels without SM.
        assert_eq!(Class(0x03).channel(), Some(3));
        assert_eq!(Class(0x83).channel(), Some(3));
        assert_eq!(Class(0x81).channel(), Some(1));
    }

    // TS 102 221 Table 10.4b (channels 4-19, further form): 4X/6X and CX/EX,
    // b4..b1 = channel - 4, b6 = SM indication.
    #[test]
    fn further_form_ts_102_221_table_10_4b() {
        for (base, sm, family) in [
            (0x40u8, false, Family::Iso),
            (0x60, true, Family::Iso),
            (0xC0, false, Family::Proprietary),
            (0xE0, true, Family::Proprietary),
        ] {
            for low in 0u8..=0x0F {
                let c = Class(base | low);
                assert_eq!(c.channel(), Some(low + 4), "{:02X}", c.0);
                assert_eq!(c.secure_messaging(), sm);
                assert!(!c.chaining());
                assert!(c.is_valid() && c.is_uicc());
                assert_eq!(c.family(), family);
            }
        }
        // Channel 19 = 4F / CF; channel 4 = 40 / C0.
        assert_eq!(Class(0x4F).channel(), Some(19));
        assert_eq!(Class(0xCF).channel(), Some(19));
        assert_eq!(Class(0xC0).channel(), Some(4));
    }

    // TS 102 221 Table 10.3: A0 = 3GPP TS 51.011; FF reserved for PTS.
    #[test]
    fn gsm_and_reserved() {
        assert_eq!(Class(0xA0).family(), Family::Gsm);
        assert_eq!(Class(0xA0).channel(), Some(0));
        assert!(Class(0xA0).is_valid() && Class(0xA0).is_uicc());
        assert!(!Class(0xA0).secure_messaging());
        assert_eq!(Class(0xFF).channel(), None);
        assert!(!Class(0xFF).is_valid());
        // ISO/IEC 7816-4 §5.4.1: 001x xxxx is reserved for future use.
        for cla in 0x20u8..=0x3F {
            assert!(!Class(cla).is_valid());
            assert_eq!(Class(cla).channel(), None);
        }
    }

    // ISO/IEC 7816-4 §5.4.1: b5 = 1 means "not the last command of a chain";
    // TS 102 221 does not use these classes.
    #[test]
    fn chaining_classes() {
        for cla in [0x10u8, 0x50, 0x70, 0x90, 0xD0, 0xF0] {
            assert!(Class(cla).chaining(), "{cla:02X}");
            assert!(Class(cla).is_valid());
            assert!(!Class(cla).is_uicc());
        }
        assert_eq!(Class(0x00).with_chaining(true), Class(0x10));
        assert_eq!(Class(0x10).with_chaining(false), Class(0x00));
        assert_eq!(Class(0xC5).with_chaining(true), Class(0xD5));
        assert_eq!(Class(0xA0).with_chaining(true), Class(0xA0));
        assert_eq!(Class(0xB0).with_chaining(false), Class(0xB0));
    }

    // pySim commands.py lchan_nr_to_cla (TS 102 221 §10.1.1): channels 0-3 replace
    // b2b1 of 0X/8X; channels 4+ use the further form with b4..b1 = channel - 4.
    #[test]
    fn with_channel_examples() {
        assert_eq!(Class(0x00).with_channel(3), Ok(Class(0x03)));
        assert_eq!(Class(0x80).with_channel(1), Ok(Class(0x81)));
        assert_eq!(Class(0x00).with_channel(4), Ok(Class(0x40)));
        assert_eq!(Class(0x00).with_channel(19), Ok(Class(0x4F)));
        assert_eq!(Class(0x81).with_channel(5), Ok(Class(0xC1)));
        assert_eq!(Class(0x43).with_channel(2), Ok(Class(0x02)));
        assert_eq!(Class(0xC7).with_channel(0), Ok(Class(0x80)));
        // SM "command header not authenticated" maps between b4b3 = 10 and b6 = 1.
        assert_eq!(Class(0x08).with_channel(4), Ok(Class(0x60)));
        assert_eq!(Class(0x61).with_channel(1), Ok(Class(0x09)));
        assert_eq!(Class(0x8C).with_channel(4).ok(), None);
        assert_eq!(Class(0x00).with_channel(20).ok(), None);
        assert_eq!(Class(0xA0).with_channel(0), Ok(Class(0xA0)));
        assert_eq!(Class(0xA0).with_channel(1).ok(), None);
        assert_eq!(Class(0xFF).with_channel(0).ok(), None);
        assert_eq!(Class(0xA1).with_channel(0).ok(), None);
        // Proprietary further form with SM and chaining on channel 19 would be FF.
        assert_eq!(Class(0xF0).with_channel(19).ok(), None);
        assert_eq!(Class(0xF0).with_channel(18), Ok(Class(0xFE)));
        assert_eq!(Class(0xEF).with_chaining(true), Class(0xEF));
    }

    proptest! {
        #[test]
        fn with_channel_round_trips(cla in any::<u8>(), ch in 0u8..=19) {
            if let Ok(c) = Class(cla).with_channel(ch) {
                prop_assert_eq!(c.channel(), Some(ch));
                prop_assert_eq!(c.family(), Class(cla).family());
                prop_assert_eq!(c.secure_messaging(), Class(cla).secure_messaging());
                prop_assert_eq!(c.chaining(), Class(cla).chaining());
                // Channel 0 of the original channel gives back an equivalent class.
                let back = c.with_channel(Class(cla).channel().unwrap_or(0)).unwrap();
                prop_assert_eq!(back.channel(), Class(cla).channel());
            }
        }

        #[test]
        fn uicc_classes_take_every_channel(base in prop::sample::select(vec![0x00u8, 0x80, 0x40, 0xC0]), ch in 0u8..=19) {
            let c = Class(base).with_channel(ch).unwrap();
            prop_assert_eq!(c.channel(), Some(ch));
            prop_assert!(c.is_uicc());
        }

        #[test]
        fn accessors_never_panic(cla in any::<u8>(), ch in any::<u8>(), b in any::<bool>()) {
            let c = Class(cla);
            let _ = (c.family(), c.channel(), c.secure_messaging(), c.chaining(), c.is_valid(), c.is_uicc());
            let _ = c.with_channel(ch);
            let _ = c.with_chaining(b);
        }
    }
}
