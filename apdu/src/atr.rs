//! Answer-To-Reset and Protocol and Parameters Selection, per ISO/IEC 7816-3:2006 §8
//! (ATR) and §9 (PPS), with the UICC specifics of ETSI TS 102 221 §6 (class and clock
//! stop indication in the first TA for T=15, the first TB for T=15).
//!
//! - [`Atr`]: parse ([`Atr::parse`]), encode ([`Atr::encode`]), build
//!   ([`Atr::builder`]) and describe (`Display`, in the manner of pcsc-tools'
//!   `ATR_analysis`) an ATR, with typed accessors for the interface bytes.
//! - [`FiDi`]: the clock rate conversion and baud rate adjustment factors of TA1 / PPS1
//!   (ISO/IEC 7816-3 §8.3 Tables 7 and 8).
//! - [`Pps`] and [`negotiate`]: the PPS request/response codec and the card's answer.
//! - [`etu_seconds`] and [`character_time_etu`]: timing helpers (ISO/IEC 7816-3 §7.1,
//!   §8.3).
//!
//! Bytes here are logical byte values, as PC/SC reports them: with the inverse
//! convention, TS reads `3F`. [`Convention::from_line`] converts a character as sampled
//! by a direct-convention UART (TS then reads `03`).

use core::fmt;

use crate::error::{Error, Result};

/// The longest ATR, TS included: TS and at most 32 bytes after it (ISO/IEC 7816-3:2006
/// §8.2.1 counts the ATR as "at most 32 bytes" following TS).
pub const MAX_LEN: usize = 33;

/// The most historical bytes an ATR can carry: K is four bits of T0 (ISO/IEC 7816-3 §8.2.2).
pub const MAX_HISTORICAL_BYTES: usize = 15;

/// The T value that marks global interface bytes rather than a transmission protocol
/// (ISO/IEC 7816-3 §8.2.3).
pub const T15: u8 = 15;

// ---------------------------------------------------------------------------------------
// Convention
// ---------------------------------------------------------------------------------------

/// The coding convention announced by TS (ISO/IEC 7816-3 §8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Convention {
    /// Direct convention, TS = `3B`: state Z is 1, least significant bit first.
    #[default]
    Direct,
    /// Inverse convention, TS = `3F`: state A is 1, most significant bit first.
    Inverse,
}

impl Convention {
    /// The TS byte value for this convention (ISO/IEC 7816-3 §8.1).
    pub const fn ts(self) -> u8 {
        match self {
            Convention::Direct => 0x3B,
            Convention::Inverse => 0x3F,
        }
    }

    /// The convention announced by the logical TS value `3B` or `3F`; `None` otherwise.
    pub const fn from_ts(ts: u8) -> Option<Convention> {
        match ts {
            0x3B => Some(Convention::Direct),
            0x3F => Some(Convention::Inverse),
            _ => None,
        }
    }

    /// The convention announced by TS as sampled by a UART set for the direct
    /// convention: `3B` (direct) or `03` (the inverse-convention TS pattern
    /// (Z)ZZAAAAAA read least significant bit first with Z = 1). ISO/IEC 7816-3 §8.1.
    pub const fn from_line_ts(raw: u8) -> Option<Convention> {
        match raw {
            0x3B => Some(Convention::Direct),
            0x03 => Some(Convention::Inverse),
            _ => None,
        }
    }

    /// Converts a character sampled by a direct-convention UART into its logical value
    /// under this convention (ISO/IEC 7816-3 §8.1: the inverse convention complements
    /// every bit and sends the most significant bit first). The conversion is its own
    /// inverse, so it also gives the line value to send for a logical byte.
    pub const fn from_line(self, raw: u8) -> u8 {
        match self {
            Convention::Direct => raw,
            Convention::Inverse => !raw.reverse_bits(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Fi / Di
// ---------------------------------------------------------------------------------------

/// The clock rate conversion integer Fi with f(max) in kHz for the index FI
/// (ISO/IEC 7816-3:2006 §8.3, Table 7); `None` for the RFU indices 7, 8, 14 and 15.
pub const fn fi_from_index(index: u8) -> Option<(u16, u16)> {
    match index {
        0 => Some((372, 4000)),
        1 => Some((372, 5000)),
        2 => Some((558, 6000)),
        3 => Some((744, 8000)),
        4 => Some((1116, 12000)),
        5 => Some((1488, 16000)),
        6 => Some((1860, 20000)),
        9 => Some((512, 5000)),
        10 => Some((768, 7500)),
        11 => Some((1024, 10000)),
        12 => Some((1536, 15000)),
        13 => Some((2048, 20000)),
        _ => None,
    }
}

/// The baud rate adjustment integer Di for the index DI (ISO/IEC 7816-3:2006 §8.3,
/// Table 8); `None` for the RFU indices 0 and 10 to 15.
pub const fn di_from_index(index: u8) -> Option<u8> {
    match index {
        1 => Some(1),
        2 => Some(2),
        3 => Some(4),
        4 => Some(8),
        5 => Some(16),
        6 => Some(32),
        7 => Some(64),
        8 => Some(12),
        9 => Some(20),
        _ => None,
    }
}

/// Fi, f(max) and Di as coded in TA1 or PPS1 (ISO/IEC 7816-3 §8.3 Tables 7 and 8,
/// §9.2): high nibble FI, low nibble DI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FiDi {
    /// The clock rate conversion integer Fi (372 … 2048).
    pub fi: u16,
    /// The maximum clock frequency f(max) that goes with Fi, in kHz.
    pub f_max_khz: u16,
    /// The baud rate adjustment integer Di (1 … 64).
    pub di: u8,
}

impl FiDi {
    /// The TA1 value that applies when TA1 is absent (ISO/IEC 7816-3 §8.3).
    pub const DEFAULT_TA1: u8 = 0x11;

    /// The default values Fd = 372, f(max) = 5 MHz, Dd = 1 (ISO/IEC 7816-3 §8.3).
    pub const DEFAULT: FiDi = FiDi {
        fi: 372,
        f_max_khz: 5000,
        di: 1,
    };

    /// Decodes a TA1 or PPS1 byte. [`Error::Invalid`] when FI or DI is RFU.
    pub fn from_byte(byte: u8) -> Result<FiDi> {
        let (fi, f_max_khz) = fi_from_index(byte >> 4).ok_or(Error::Invalid("Fi (RFU index)"))?;
        let di = di_from_index(byte & 0x0F).ok_or(Error::Invalid("Di (RFU index)"))?;
        Ok(FiDi { fi, f_max_khz, di })
    }

    /// Clock cycles per etu, F/D (ISO/IEC 7816-3 §7.1).
    pub fn clocks_per_etu(&self) -> f64 {
        f64::from(self.fi) / f64::from(self.di)
    }

    /// The bit rate at f(max) in bit/s, rounded down: f(max) × D / F.
    pub fn max_bit_rate(&self) -> u64 {
        (u64::from(self.f_max_khz) * 1000 * u64::from(self.di))
            .checked_div(u64::from(self.fi))
            .unwrap_or(0)
    }
}

// ---------------------------------------------------------------------------------------
// Typed interface byte values
// ---------------------------------------------------------------------------------------

/// The clock stop indicator X, bits b8–b7 of the first TA for T=15 (ISO/IEC 7816-3
/// §8.3; ETSI TS 102 221 §6.6 for the UICC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClockStop {
    /// `00`: clock stop not supported.
    NotSupported,
    /// `01`: clock stop supported, only in state L (low).
    StateL,
    /// `10`: clock stop supported, only in state H (high).
    StateH,
    /// `11`: clock stop supported, no preference.
    NoPreference,
}

impl ClockStop {
    /// Decodes bits b8–b7 of `ta` (the first TA for T=15).
    pub const fn from_ta(ta: u8) -> ClockStop {
        match ta >> 6 {
            0 => ClockStop::NotSupported,
            1 => ClockStop::StateL,
            2 => ClockStop::StateH,
            _ => ClockStop::NoPreference,
        }
    }

    /// The two-bit value X (0 to 3).
    pub const fn bits(self) -> u8 {
        match self {
            ClockStop::NotSupported => 0,
            ClockStop::StateL => 1,
            ClockStop::StateH => 2,
            ClockStop::NoPreference => 3,
        }
    }

    const fn describe(self) -> &'static str {
        match self {
            ClockStop::NotSupported => "not supported",
            ClockStop::StateL => "state L",
            ClockStop::StateH => "state H",
            ClockStop::NoPreference => "no preference",
        }
    }
}

/// The class indicator Y, bits b6–b1 of the first TA for T=15 (ISO/IEC 7816-3 §8.3;
/// ETSI TS 102 221 §6.2.1 Table 6.1 "Supply voltage classes indicated in ATR"):
/// b1 class A (5 V), b2 class B (3 V), b3 class C (1.8 V); b4–b6 RFU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SupplyClasses(pub u8);

impl SupplyClasses {
    /// Class A, 5 V.
    pub const A: SupplyClasses = SupplyClasses(0x01);
    /// Class B, 3 V.
    pub const B: SupplyClasses = SupplyClasses(0x02);
    /// Class C, 1.8 V.
    pub const C: SupplyClasses = SupplyClasses(0x04);
    /// Classes A, B and C (`07`), as most UICCs indicate.
    pub const ABC: SupplyClasses = SupplyClasses(0x07);

    /// Whether class A (5 V) is supported.
    pub const fn a(self) -> bool {
        self.0 & 0x01 != 0
    }
    /// Whether class B (3 V) is supported.
    pub const fn b(self) -> bool {
        self.0 & 0x02 != 0
    }
    /// Whether class C (1.8 V) is supported.
    pub const fn c(self) -> bool {
        self.0 & 0x04 != 0
    }
}

/// The specific mode byte TA2 (ISO/IEC 7816-3 §8.3): its presence puts the card in
/// specific mode, where no PPS takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpecificMode {
    /// The protocol T to use (b4–b1).
    pub protocol: u8,
    /// b8 = 0: the card can change to negotiable mode (after a warm reset).
    pub can_change: bool,
    /// b5 = 1: implicit parameters, not the Fi/Di of TA1.
    pub implicit_parameters: bool,
}

impl SpecificMode {
    /// Decodes TA2.
    pub const fn from_ta2(ta2: u8) -> SpecificMode {
        SpecificMode {
            protocol: ta2 & 0x0F,
            can_change: ta2 & 0x80 == 0,
            implicit_parameters: ta2 & 0x10 != 0,
        }
    }
}

/// The T=1 error detection code named by the first TC for T=1 (ISO/IEC 7816-3 §11.4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum T1ErrorDetection {
    /// Longitudinal redundancy check (b1 = 0, the default).
    Lrc,
    /// Cyclic redundancy check (b1 = 1).
    Crc,
}

// ---------------------------------------------------------------------------------------
// Atr
// ---------------------------------------------------------------------------------------

/// One group of interface bytes TA(i), TB(i), TC(i) (ISO/IEC 7816-3 §8.2.3).
///
/// Group 1 is announced by T0 and has no protocol; group i + 1 is announced by TD(i),
/// whose T is kept in `protocol`. TD bytes themselves are not stored: TD(i) is
/// recomputed from group i + 1 (its presence bits) and its `protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct InterfaceGroup {
    /// The T of the TD that introduced this group; `None` for group 1.
    pub protocol: Option<u8>,
    /// TA(i).
    pub ta: Option<u8>,
    /// TB(i).
    pub tb: Option<u8>,
    /// TC(i).
    pub tc: Option<u8>,
}

impl InterfaceGroup {
    /// An empty group introduced by a TD with protocol `t`.
    pub const fn for_protocol(t: u8) -> InterfaceGroup {
        InterfaceGroup {
            protocol: Some(t),
            ta: None,
            tb: None,
            tc: None,
        }
    }

    /// The presence bits Y (b1 TA, b2 TB, b3 TC) without the TD bit.
    const fn presence(&self) -> u8 {
        (self.ta.is_some() as u8) | (self.tb.is_some() as u8) << 1 | (self.tc.is_some() as u8) << 2
    }

    fn byte_count(&self) -> usize {
        usize::from(self.ta.is_some())
            + usize::from(self.tb.is_some())
            + usize::from(self.tc.is_some())
    }
}

/// An Answer-To-Reset (ISO/IEC 7816-3 §8.2): TS, T0, the interface byte groups, the
/// historical bytes and, when required, TCK.
///
/// Values exist only in valid shape (built by [`Atr::parse`], [`Atr::from_parts`] or
/// [`AtrBuilder::build`]): at least one group, at most [`MAX_HISTORICAL_BYTES`]
/// historical bytes, at most [`MAX_LEN`] bytes encoded. TCK is not stored; [`Atr::encode`]
/// computes it, so `Atr::parse(b)?.encode() == b` for every `b` that parses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Atr {
    convention: Convention,
    groups: Vec<InterfaceGroup>,
    historical: Vec<u8>,
}

fn take_byte(rest: &mut &[u8], what: &'static str) -> Result<u8> {
    let (&b, tail) = rest.split_first().ok_or(Error::Truncated(what))?;
    *rest = tail;
    Ok(b)
}

fn take_if(present: bool, rest: &mut &[u8], what: &'static str) -> Result<Option<u8>> {
    if present {
        take_byte(rest, what).map(Some)
    } else {
        Ok(None)
    }
}

fn xor(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |acc, b| acc ^ b)
}

impl Atr {
    /// Parses an ATR (ISO/IEC 7816-3 §8.2), TS first.
    ///
    /// Errors: [`Error::Truncated`] when the bytes end inside the structure announced by
    /// T0/TD; [`Error::Invalid`] for a TS other than `3B`/`3F`, T=15 in TD1 (§8.2.3) or a
    /// TCK that does not make T0…TCK XOR to zero (§8.2.5); [`Error::TrailingData`] for
    /// bytes after the last character (including a TCK when only T=0 is indicated);
    /// [`Error::TooLong`] above [`MAX_LEN`] bytes.
    pub fn parse(bytes: &[u8]) -> Result<Atr> {
        let mut rest = bytes;
        let ts = take_byte(&mut rest, "ATR TS")?;
        let convention = Convention::from_ts(ts).ok_or(Error::Invalid("ATR TS"))?;
        let t0 = take_byte(&mut rest, "ATR T0")?;
        let k = usize::from(t0 & 0x0F);
        let mut y = t0 >> 4;
        let mut protocol = None;
        let mut groups = Vec::new();
        loop {
            let ta = take_if(y & 0x1 != 0, &mut rest, "ATR TA")?;
            let tb = take_if(y & 0x2 != 0, &mut rest, "ATR TB")?;
            let tc = take_if(y & 0x4 != 0, &mut rest, "ATR TC")?;
            groups.push(InterfaceGroup {
                protocol,
                ta,
                tb,
                tc,
            });
            if y & 0x8 == 0 {
                break;
            }
            let td = take_byte(&mut rest, "ATR TD")?;
            if groups.len() == 1 && td & 0x0F == T15 {
                return Err(Error::Invalid("ATR TD1 (T=15)"));
            }
            protocol = Some(td & 0x0F);
            y = td >> 4;
        }
        let historical = rest
            .get(..k)
            .ok_or(Error::Truncated("ATR historical bytes"))?;
        rest = rest.get(k..).unwrap_or_default();
        let atr = Atr {
            convention,
            groups,
            historical: historical.to_vec(),
        };
        if atr.tck_required() {
            take_byte(&mut rest, "ATR TCK")?;
            let checked = bytes.get(1..bytes.len() - rest.len()).unwrap_or_default();
            if xor(checked) != 0 {
                return Err(Error::Invalid("ATR TCK"));
            }
        }
        if !rest.is_empty() {
            return Err(Error::TrailingData("ATR"));
        }
        if bytes.len() > MAX_LEN {
            return Err(Error::TooLong("ATR"));
        }
        Ok(atr)
    }

    /// Builds an ATR from its parts, checking the shape [`Atr::parse`] guarantees:
    /// `groups` non-empty, group 1 without protocol, later groups with T ≤ 15 and not 15
    /// for group 2 (TD1), at most 15 historical bytes and at most [`MAX_LEN`] bytes
    /// encoded ([`Error::Invalid`] / [`Error::TooLong`]).
    pub fn from_parts(
        convention: Convention,
        groups: Vec<InterfaceGroup>,
        historical: Vec<u8>,
    ) -> Result<Atr> {
        let (first, later) = groups
            .split_first()
            .ok_or(Error::Invalid("ATR interface groups (none)"))?;
        if first.protocol.is_some() {
            return Err(Error::Invalid("ATR group 1 (has a protocol)"));
        }
        for (i, g) in later.iter().enumerate() {
            match g.protocol {
                Some(T15) if i == 0 => return Err(Error::Invalid("ATR TD1 (T=15)")),
                Some(t) if t <= T15 => {}
                _ => return Err(Error::Invalid("ATR TD protocol")),
            }
        }
        if historical.len() > MAX_HISTORICAL_BYTES {
            return Err(Error::TooLong("ATR historical bytes (more than 15)"));
        }
        let atr = Atr {
            convention,
            groups,
            historical,
        };
        if atr.encoded_len() > MAX_LEN {
            return Err(Error::TooLong("ATR"));
        }
        Ok(atr)
    }

    /// A builder for a card's ATR; see [`AtrBuilder`].
    pub fn builder() -> AtrBuilder {
        AtrBuilder::default()
    }

    /// The ATR of a UICC offering T=0 only, with TA1, the first TA for T=15 (clock stop
    /// and classes, ETSI TS 102 221 §6.2.1 and §6.6) and the given historical bytes.
    pub fn new_uicc(
        ta1: u8,
        clock_stop: ClockStop,
        classes: SupplyClasses,
        historical: &[u8],
    ) -> Result<Atr> {
        Atr::builder()
            .ta1(ta1)
            .protocol(0)
            .t15(clock_stop, classes)
            .historical(historical)
            .build()
    }

    /// The encoded ATR, TS first, with TCK computed when required (ISO/IEC 7816-3 §8.2).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        out.push(self.convention.ts());
        // At most 15 by construction.
        let k = u8::try_from(self.historical.len().min(MAX_HISTORICAL_BYTES)).unwrap_or(0x0F);
        out.push(self.y_of(0) << 4 | k);
        for (i, g) in self.groups.iter().enumerate() {
            out.extend(g.ta);
            out.extend(g.tb);
            out.extend(g.tc);
            if let Some(td) = self.td_at(i) {
                out.push(td);
            }
        }
        out.extend_from_slice(&self.historical);
        if self.tck_required() {
            let tck = xor(out.get(1..).unwrap_or_default());
            out.push(tck);
        }
        out
    }

    /// The length of [`Atr::encode`]'s output.
    pub fn encoded_len(&self) -> usize {
        let interface: usize = self.groups.iter().map(InterfaceGroup::byte_count).sum();
        2 + interface
            + self.groups.len().saturating_sub(1)
            + self.historical.len()
            + usize::from(self.tck_required())
    }

    /// Y for group `i` (0-based): its presence bits plus the TD bit.
    fn y_of(&self, i: usize) -> u8 {
        let presence = self.groups.get(i).map_or(0, InterfaceGroup::presence);
        let td = self.groups.get(i + 1).is_some();
        presence | (td as u8) << 3
    }

    /// TD after group `i` (0-based), i.e. TD(i + 1).
    fn td_at(&self, i: usize) -> Option<u8> {
        let next = self.groups.get(i + 1)?;
        Some(self.y_of(i + 1) << 4 | (next.protocol.unwrap_or(0) & 0x0F))
    }

    /// The coding convention of TS.
    pub fn convention(&self) -> Convention {
        self.convention
    }

    /// The interface byte groups; index 0 is group 1 (TA1, TB1, TC1).
    pub fn interface_groups(&self) -> &[InterfaceGroup] {
        &self.groups
    }

    /// TA(i), 1-based as in ISO/IEC 7816-3 (TA1 is `ta(1)`).
    pub fn ta(&self, i: usize) -> Option<u8> {
        self.groups.get(i.checked_sub(1)?)?.ta
    }

    /// TB(i), 1-based.
    pub fn tb(&self, i: usize) -> Option<u8> {
        self.groups.get(i.checked_sub(1)?)?.tb
    }

    /// TC(i), 1-based.
    pub fn tc(&self, i: usize) -> Option<u8> {
        self.groups.get(i.checked_sub(1)?)?.tc
    }

    /// TD(i), 1-based, as encoded.
    pub fn td(&self, i: usize) -> Option<u8> {
        self.td_at(i.checked_sub(1)?)
    }

    /// The historical bytes T1 … TK (ISO/IEC 7816-3 §8.2.4; ISO/IEC 7816-4 §8.1.1).
    pub fn historical_bytes(&self) -> &[u8] {
        &self.historical
    }

    /// Whether TCK is present: when any TD indicates a T other than 0 (T=15 included),
    /// ISO/IEC 7816-3 §8.2.5.
    pub fn tck_required(&self) -> bool {
        self.groups
            .iter()
            .any(|g| matches!(g.protocol, Some(t) if t != 0))
    }

    /// TCK as encoded, or `None` when absent.
    pub fn tck(&self) -> Option<u8> {
        if !self.tck_required() {
            return None;
        }
        self.encode().last().copied()
    }

    /// The transmission protocols offered, in TD order without repeats and without
    /// T=15; `[0]` when TD1 is absent (ISO/IEC 7816-3 §8.2.3).
    pub fn protocols(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for t in self.groups.iter().filter_map(|g| g.protocol) {
            if t != T15 && !out.contains(&t) {
                out.push(t);
            }
        }
        if out.is_empty() {
            out.push(0);
        }
        out
    }

    /// The first offered protocol: T of TD1, or 0 without TD1 (ISO/IEC 7816-3 §8.2.3).
    pub fn first_offered_protocol(&self) -> u8 {
        self.groups.get(1).and_then(|g| g.protocol).unwrap_or(0)
    }

    /// Whether protocol `t` is offered.
    pub fn offers(&self, t: u8) -> bool {
        self.protocols().contains(&t)
    }

    /// Fi, f(max) and Di from TA1, or the defaults (TA1 = `11`: 372, 5 MHz, 1) when TA1
    /// is absent (ISO/IEC 7816-3 §8.3). [`Error::Invalid`] when TA1 holds an RFU index.
    pub fn fi_di(&self) -> Result<FiDi> {
        FiDi::from_byte(self.ta(1).unwrap_or(FiDi::DEFAULT_TA1))
    }

    /// The specific mode byte TA2, if present (ISO/IEC 7816-3 §8.3).
    pub fn specific_mode(&self) -> Option<SpecificMode> {
        self.ta(2).map(SpecificMode::from_ta2)
    }

    /// N, the extra guard time of TC1 in etu (ISO/IEC 7816-3 §8.3); 0 when absent.
    /// 255 means the minimum character time, see [`character_time_etu`].
    pub fn extra_guard_time(&self) -> u8 {
        self.tc(1).unwrap_or(0)
    }

    /// The minimum delay between the leading edges of two characters sent in the same
    /// direction under protocol `t`, in etu: [`character_time_etu`] with TC1.
    pub fn character_time_etu(&self, t: u8) -> u16 {
        character_time_etu(t, self.extra_guard_time())
    }

    /// The waiting time integer WI of TC2, 10 when absent (ISO/IEC 7816-3 §10.2).
    /// [`Error::Invalid`] for the RFU value 0.
    pub fn wi(&self) -> Result<u8> {
        match self.tc(2) {
            None => Ok(10),
            Some(0) => Err(Error::Invalid("ATR TC2 (WI = 0 is RFU)")),
            Some(wi) => Ok(wi),
        }
    }

    /// The T=0 waiting time WT in clock cycles: WI × 960 × Fi (ISO/IEC 7816-3 §10.2,
    /// WT = WI × 960 × Fi / f seconds). Errors of [`Atr::wi`] and [`Atr::fi_di`].
    pub fn work_waiting_time_clocks(&self) -> Result<u32> {
        let clocks = u32::from(self.wi()?) * 960 * u32::from(self.fi_di()?.fi);
        Ok(clocks)
    }

    /// WT in etu of the F/D in use, rounded down: WI × 960 × Fi × D / F. With F/D = Fi/Di
    /// (after a PPS echoing TA1, or in specific mode) this is WI × 960 × Di; with the
    /// default 372/1 it is WI × 960 × Fi / 372.
    pub fn work_waiting_time_etu(&self, in_use: &FiDi) -> Result<u32> {
        let clocks = u64::from(self.work_waiting_time_clocks()?);
        let etu = (clocks * u64::from(in_use.di))
            .checked_div(u64::from(in_use.fi))
            .ok_or(Error::Invalid("F (zero)"))?;
        u32::try_from(etu).map_err(|_| Error::TooLong("WT in etu"))
    }

    /// The first TA/TB/TC (selected by `field`) among the groups i > 2 introduced by a
    /// TD with protocol `t` (ISO/IEC 7816-3 §8.2.3 "first TA for T=…").
    fn first_for(&self, t: u8, field: fn(&InterfaceGroup) -> Option<u8>) -> Option<u8> {
        self.groups
            .iter()
            .skip(2)
            .filter(|g| g.protocol == Some(t))
            .find_map(field)
    }

    /// IFSC from the first TA for T=1, 32 when absent (ISO/IEC 7816-3 §11.4.2).
    /// [`Error::Invalid`] for the RFU values `00` and `FF`.
    pub fn t1_ifsc(&self) -> Result<u8> {
        match self.first_for(1, |g| g.ta) {
            None => Ok(32),
            Some(0x00) | Some(0xFF) => Err(Error::Invalid("ATR IFSC (RFU value)")),
            Some(ifsc) => Ok(ifsc),
        }
    }

    /// (BWI, CWI) from the first TB for T=1, (4, 13) when absent (ISO/IEC 7816-3
    /// §11.4.3).
    pub fn t1_bwi_cwi(&self) -> (u8, u8) {
        self.first_for(1, |g| g.tb)
            .map_or((4, 13), |tb| (tb >> 4, tb & 0x0F))
    }

    /// The error detection code from the first TC for T=1, LRC when absent
    /// (ISO/IEC 7816-3 §11.4.4). [`Error::Invalid`] when b8–b2 are not zero (RFU).
    pub fn t1_error_detection(&self) -> Result<T1ErrorDetection> {
        match self.first_for(1, |g| g.tc) {
            None | Some(0) => Ok(T1ErrorDetection::Lrc),
            Some(1) => Ok(T1ErrorDetection::Crc),
            Some(_) => Err(Error::Invalid("ATR TC for T=1 (RFU bits)")),
        }
    }

    /// The clock stop indicator of the first TA for T=15 (ISO/IEC 7816-3 §8.3; ETSI
    /// TS 102 221 §6.6). `None` when that TA is absent.
    pub fn t15_clock_stop(&self) -> Option<ClockStop> {
        self.first_for(T15, |g| g.ta).map(ClockStop::from_ta)
    }

    /// The class indicator of the first TA for T=15 (ISO/IEC 7816-3 §8.3; ETSI
    /// TS 102 221 §6.2.1 Table 6.1). `None` when that TA is absent.
    pub fn t15_class_indicator(&self) -> Option<SupplyClasses> {
        self.first_for(T15, |g| g.ta)
            .map(|ta| SupplyClasses(ta & 0x3F))
    }

    /// The first TB for T=15 (SPU; ETSI TS 102 221 §6.3 Table 6.7: additional
    /// interfaces, e.g. `A0` UICC-CLF / SWP, `C0` Inter-Chip USB, `82` eUICC functions).
    pub fn t15_spu(&self) -> Option<u8> {
        self.first_for(T15, |g| g.tb)
    }
}

// ---------------------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------------------

/// Builds a card's ATR with correct TD chaining and TCK.
///
/// Groups come out in ascending T order (ISO/IEC 7816-3 §8.2.3): TD1 announces the
/// lowest offered protocol with TA2 (specific mode) and TC2 (WI); a T=1 group with the
/// T=1 bytes (IFSC, BWI/CWI, EDC) follows when T=1 is offered; a T=15 group with the
/// global bytes comes last. Without any of these, TD1 is left out and T=0 is implied.
///
/// ```
/// use apdu::atr::{Atr, ClockStop, SupplyClasses};
/// // sysmoUSIM-SJS1 (pcsc-tools smartcard_list.txt).
/// let atr = Atr::builder()
///     .ta1(0x96)
///     .protocol(0)
///     .t15(ClockStop::NoPreference, SupplyClasses::ABC)
///     .historical(&apdu::hex::decode("80 31 A0 73 BE 21 13 67 43 20 07 18 00 00 01").unwrap())
///     .build()
///     .unwrap();
/// assert_eq!(
///     apdu::hex::encode(&atr.encode()),
///     "3B9F96801FC78031A073BE21136743200718000001A5"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AtrBuilder {
    convention: Convention,
    ta1: Option<u8>,
    tc1: Option<u8>,
    ta2: Option<u8>,
    tc2: Option<u8>,
    protocols: Vec<u8>,
    t1_ta: Option<u8>,
    t1_tb: Option<u8>,
    t1_tc: Option<u8>,
    t15_ta: Option<u8>,
    t15_tb: Option<u8>,
    historical: Vec<u8>,
}

impl AtrBuilder {
    /// Sets the convention (direct by default).
    pub fn convention(mut self, convention: Convention) -> Self {
        self.convention = convention;
        self
    }

    /// Sets TA1 (FI high nibble, DI low nibble; ISO/IEC 7816-3 §8.3).
    pub fn ta1(mut self, ta1: u8) -> Self {
        self.ta1 = Some(ta1);
        self
    }

    /// Sets TC1, the extra guard time N.
    pub fn extra_guard_time(mut self, n: u8) -> Self {
        self.tc1 = Some(n);
        self
    }

    /// Sets TA2, the specific mode byte.
    pub fn specific_mode(mut self, ta2: u8) -> Self {
        self.ta2 = Some(ta2);
        self
    }

    /// Sets TC2, the T=0 waiting time integer WI.
    pub fn wi(mut self, wi: u8) -> Self {
        self.tc2 = Some(wi);
        self
    }

    /// Offers protocol `t` (0 to 14).
    pub fn protocol(mut self, t: u8) -> Self {
        self.protocols.push(t);
        self
    }

    /// Sets IFSC, the first TA for T=1.
    pub fn t1_ifsc(mut self, ifsc: u8) -> Self {
        self.t1_ta = Some(ifsc);
        self
    }

    /// Sets BWI and CWI, the first TB for T=1 (each 0 to 15).
    pub fn t1_bwi_cwi(mut self, bwi: u8, cwi: u8) -> Self {
        self.t1_tb = Some((bwi & 0x0F) << 4 | (cwi & 0x0F));
        self
    }

    /// Sets the error detection code, the first TC for T=1.
    pub fn t1_error_detection(mut self, edc: T1ErrorDetection) -> Self {
        self.t1_tc = Some(match edc {
            T1ErrorDetection::Lrc => 0,
            T1ErrorDetection::Crc => 1,
        });
        self
    }

    /// Sets the first TA for T=15: clock stop and supply classes (ETSI TS 102 221 §6.2.1,
    /// §6.6).
    pub fn t15(mut self, clock_stop: ClockStop, classes: SupplyClasses) -> Self {
        self.t15_ta = Some(clock_stop.bits() << 6 | (classes.0 & 0x3F));
        self
    }

    /// Sets the first TB for T=15 (SPU, ETSI TS 102 221 Table 6.7).
    pub fn t15_spu(mut self, tb: u8) -> Self {
        self.t15_tb = Some(tb);
        self
    }

    /// Sets the historical bytes (at most 15).
    pub fn historical(mut self, bytes: &[u8]) -> Self {
        self.historical = bytes.to_vec();
        self
    }

    /// Builds the ATR. [`Error::Invalid`] for a protocol above 14 or T=1 bytes without
    /// T=1 offered; [`Error::TooLong`] for more than 15 historical bytes or an ATR above
    /// [`MAX_LEN`] bytes.
    pub fn build(&self) -> Result<Atr> {
        let mut protocols = self.protocols.clone();
        protocols.sort_unstable();
        protocols.dedup();
        if protocols.iter().any(|&t| t >= T15) {
            return Err(Error::Invalid("ATR protocol (above 14)"));
        }
        let t1_bytes = self.t1_ta.is_some() || self.t1_tb.is_some() || self.t1_tc.is_some();
        if t1_bytes && !protocols.contains(&1) {
            return Err(Error::Invalid("ATR T=1 bytes without T=1"));
        }
        let t15_bytes = self.t15_ta.is_some() || self.t15_tb.is_some();
        let mut groups = vec![InterfaceGroup {
            protocol: None,
            ta: self.ta1,
            tb: None,
            tc: self.tc1,
        }];
        let need_td1 = protocols.iter().any(|&t| t != 0)
            || self.ta2.is_some()
            || self.tc2.is_some()
            || t15_bytes;
        if need_td1 {
            let (&first, others) = protocols.split_first().unwrap_or((&0, &[]));
            groups.push(InterfaceGroup {
                protocol: Some(first),
                ta: self.ta2,
                tb: None,
                tc: self.tc2,
            });
            let t1_group = InterfaceGroup {
                protocol: Some(1),
                ta: self.t1_ta,
                tb: self.t1_tb,
                tc: self.t1_tc,
            };
            if first == 1 && t1_bytes {
                groups.push(t1_group);
            }
            for &t in others {
                groups.push(if t == 1 {
                    t1_group
                } else {
                    InterfaceGroup::for_protocol(t)
                });
            }
            if t15_bytes {
                groups.push(InterfaceGroup {
                    protocol: Some(T15),
                    ta: self.t15_ta,
                    tb: self.t15_tb,
                    tc: None,
                });
            }
        }
        Atr::from_parts(self.convention, groups, self.historical.clone())
    }
}

// ---------------------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------------------

fn spaced_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02X}"));
    }
    s
}

fn y_names(y: u8, i: usize) -> String {
    let names: Vec<String> = [(1, "TA"), (2, "TB"), (4, "TC"), (8, "TD")]
        .iter()
        .filter(|(bit, _)| y & bit != 0)
        .map(|(_, n)| format!("{n}{i}"))
        .collect();
    match names.len() {
        0 => "no interface bytes follow".to_string(),
        1 => format!("{} follows", names.join(" ")),
        _ => format!("{} follow", names.join(" ")),
    }
}

fn describe_fi_di(byte: u8) -> String {
    match FiDi::from_byte(byte) {
        Ok(v) => format!(
            "Fi = {}, Di = {} ({} clock cycles per etu), f(max) = {} MHz ({} bit/s at f(max))",
            v.fi,
            v.di,
            v.clocks_per_etu(),
            f64::from(v.f_max_khz) / 1000.0,
            v.max_bit_rate()
        ),
        Err(_) => {
            let fi = fi_from_index(byte >> 4).map_or("RFU".to_string(), |(fi, _)| fi.to_string());
            let di = di_from_index(byte & 0x0F).map_or("RFU".to_string(), |d| d.to_string());
            format!("Fi = {fi}, Di = {di} (RFU value)")
        }
    }
}

fn describe_classes(classes: SupplyClasses) -> String {
    let mut names = Vec::new();
    if classes.a() {
        names.push("A (5 V)");
    }
    if classes.b() {
        names.push("B (3 V)");
    }
    if classes.c() {
        names.push("C (1.8 V)");
    }
    if classes.0 & 0x38 != 0 {
        names.push("RFU bits set");
    }
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

fn describe_t15_tb(tb: u8) -> String {
    if tb == 0 {
        return "no additional global interface parameters supported".to_string();
    }
    if tb & 0x80 == 0 {
        return "RFU".to_string();
    }
    let mut names = Vec::new();
    if tb & 0x40 != 0 {
        names.push("Inter-Chip USB (TS 102 600)");
    }
    if tb & 0x20 != 0 {
        names.push("UICC-CLF interface (TS 102 613)");
    }
    if tb & 0x10 != 0 {
        names.push("low impedance drivers on I/O");
    }
    if tb & 0x0C == 0x0C {
        names.push("secured APDU platform to platform required (TS 102 484)");
    } else if tb & 0x08 != 0 {
        names.push("secure channel (TS 102 484)");
    }
    if tb & 0x02 != 0 {
        names.push("eUICC-related functions");
    }
    if names.is_empty() {
        "RFU".to_string()
    } else {
        names.join(", ")
    }
}

/// One line for TA/TB/TC of group `i` (1-based), knowing whether it is the first such
/// byte for its protocol.
fn describe_interface_byte(
    kind: char,
    i: usize,
    protocol: Option<u8>,
    first: bool,
    v: u8,
) -> String {
    let meaning = match (kind, i, protocol) {
        ('A', 1, _) => describe_fi_di(v),
        ('B', 1, _) => {
            if v == 0 {
                "VPP not connected (deprecated)".to_string()
            } else {
                "programming voltage (deprecated)".to_string()
            }
        }
        ('C', 1, _) => match v {
            255 => "extra guard time N = 255: minimum character time (12 etu T=0, 11 etu T=1)"
                .to_string(),
            n => format!("extra guard time N = {n} etu"),
        },
        ('A', 2, _) => {
            let m = SpecificMode::from_ta2(v);
            format!(
                "specific mode: T = {}, {}, {}",
                m.protocol,
                if m.can_change {
                    "capable to change"
                } else {
                    "unable to change"
                },
                if m.implicit_parameters {
                    "implicit parameters"
                } else {
                    "parameters defined by interface bytes"
                }
            )
        }
        ('B', 2, _) => "programming voltage PI2 (deprecated)".to_string(),
        ('C', 2, _) => match v {
            0 => "WI = 0 (RFU)".to_string(),
            wi => format!("WI = {wi}: T=0 waiting time 960 x {wi} x Fi/f"),
        },
        ('A', _, Some(1)) if first => match v {
            0x00 | 0xFF => format!("IFSC = {v} (RFU)"),
            _ => format!("IFSC = {v}"),
        },
        ('B', _, Some(1)) if first => format!("BWI = {}, CWI = {}", v >> 4, v & 0x0F),
        ('C', _, Some(1)) if first => match v {
            0 => "error detection code: LRC".to_string(),
            1 => "error detection code: CRC".to_string(),
            _ => "error detection code: RFU".to_string(),
        },
        ('A', _, Some(T15)) if first => format!(
            "clock stop: {}; classes: {}",
            ClockStop::from_ta(v).describe(),
            describe_classes(SupplyClasses(v & 0x3F))
        ),
        ('B', _, Some(T15)) if first => describe_t15_tb(v),
        (_, _, Some(T15)) => "global interface byte".to_string(),
        (_, _, Some(t)) => format!("specific to T={t}"),
        (_, _, None) => "RFU".to_string(),
    };
    format!("T{kind}{i} = {v:02X}: {meaning}")
}

fn describe_card_service_data(v: u8, lines: &mut Vec<String>) {
    let push = |lines: &mut Vec<String>, s: &str| lines.push(format!("    - {s}"));
    if v & 0x80 != 0 {
        push(lines, "application selection by full DF name");
    }
    if v & 0x40 != 0 {
        push(lines, "application selection by partial DF name");
    }
    if v & 0x20 != 0 {
        push(lines, "BER-TLV data objects available in EF.DIR");
    }
    if v & 0x10 != 0 {
        push(lines, "BER-TLV data objects available in EF.ATR");
    }
    let access = match (v >> 1) & 0x07 {
        0b100 => "EF.DIR and EF.ATR access by READ BINARY",
        0b000 => "EF.DIR and EF.ATR access by READ RECORD(S)",
        0b010 => "EF.DIR and EF.ATR access by GET DATA",
        _ => "EF.DIR and EF.ATR access: RFU",
    };
    push(lines, access);
    push(
        lines,
        if v & 0x01 == 0 {
            "card with MF"
        } else {
            "card without MF"
        },
    );
}

fn describe_card_capabilities(value: &[u8], lines: &mut Vec<String>) {
    let push = |lines: &mut Vec<String>, s: String| lines.push(format!("    - {s}"));
    if let Some(&sel) = value.first() {
        let names = [
            (0x80, "DF selection by full DF name"),
            (0x40, "DF selection by partial DF name"),
            (0x20, "DF selection by path"),
            (0x10, "DF selection by file identifier"),
            (0x08, "implicit DF selection"),
            (0x04, "short EF identifier supported"),
            (0x02, "record number supported"),
            (0x01, "record identifier supported"),
        ];
        for (bit, name) in names {
            if sel & bit != 0 {
                push(lines, name.to_string());
            }
        }
    }
    if let Some(&dc) = value.get(1) {
        if dc & 0x80 != 0 {
            push(lines, "EFs of TLV structure supported".to_string());
        }
        let write = match (dc >> 5) & 0x03 {
            0 => "one-time write",
            1 => "proprietary",
            2 => "write OR",
            _ => "write AND",
        };
        push(lines, format!("behaviour of write functions: {write}"));
        let ff = if dc & 0x10 != 0 { "valid" } else { "invalid" };
        push(
            lines,
            format!("value FF for the first byte of BER-TLV tags: {ff}"),
        );
        push(
            lines,
            format!("data unit size: {} quartets", 1u32 << (dc & 0x0F).min(15)),
        );
    }
    if let Some(&cc) = value.get(2) {
        if cc & 0x80 != 0 {
            push(lines, "command chaining".to_string());
        }
        if cc & 0x40 != 0 {
            push(lines, "extended Lc and Le fields".to_string());
        }
        let assign = match (cc >> 3) & 0x03 {
            0 => "no logical channel",
            1 => "logical channel number assignment by the interface device",
            2 => "logical channel number assignment by the card",
            _ => "logical channel number assignment by the card and the interface device",
        };
        push(lines, assign.to_string());
        let max = cc & 0x07;
        if max == 7 {
            push(
                lines,
                "maximum number of logical channels: 8 or more".to_string(),
            );
        } else {
            push(
                lines,
                format!("maximum number of logical channels: {}", max + 1),
            );
        }
    }
}

/// Lists COMPACT-TLV data objects (ISO/IEC 7816-4 §5.2.3: one byte tag << 4 | length)
/// with the meanings of ISO/IEC 7816-4 §8.1.1.2.
fn describe_compact_tlv(mut bytes: &[u8], lines: &mut Vec<String>) {
    while let Some((&tl, rest)) = bytes.split_first() {
        let tag = tl >> 4;
        let len = usize::from(tl & 0x0F);
        let Some(value) = rest.get(..len) else {
            lines.push(format!("  {tl:02X}: truncated COMPACT-TLV data object"));
            return;
        };
        bytes = rest.get(len..).unwrap_or_default();
        let name = match tag {
            0x1 => "country code",
            0x2 => "issuer identification number",
            0x3 => "card service data",
            0x4 => "initial access data",
            0x5 => "card issuer's data",
            0x6 => "pre-issuing data",
            0x7 => "card capabilities",
            0x8 => "status indicator",
            0xF => "application identifier",
            _ => "RFU",
        };
        lines.push(format!(
            "  Tag {tag:X}, length {len} ({name}): {}",
            spaced_hex(value)
        ));
        match (tag, value) {
            (0x3, [v]) => describe_card_service_data(*v, lines),
            (0x7, v) => describe_card_capabilities(v, lines),
            _ => {}
        }
    }
}

fn describe_historical(bytes: &[u8], lines: &mut Vec<String>) {
    let Some((&category, rest)) = bytes.split_first() else {
        return;
    };
    lines.push(format!(
        "Historical bytes ({}): {}",
        bytes.len(),
        spaced_hex(bytes)
    ));
    match category {
        0x80 => {
            lines.push("  Category indicator 80: COMPACT-TLV data objects".to_string());
            describe_compact_tlv(rest, lines);
        }
        0x00 => {
            lines.push(
                "  Category indicator 00: COMPACT-TLV data objects, then a 3-byte status indicator"
                    .to_string(),
            );
            match rest.len().checked_sub(3) {
                Some(n) => {
                    let (objects, status) = rest.split_at(n);
                    describe_compact_tlv(objects, lines);
                    lines.push(format!(
                        "  Status indicator (LCS, SW1 SW2): {}",
                        spaced_hex(status)
                    ));
                }
                None => lines.push("  (too short for the status indicator)".to_string()),
            }
        }
        0x10 => match rest.first() {
            Some(r) => lines.push(format!(
                "  Category indicator 10: DIR data reference {r:02X}"
            )),
            None => lines.push("  Category indicator 10: DIR data reference missing".to_string()),
        },
        0x81..=0x8F => lines.push(format!("  Category indicator {category:02X}: RFU")),
        _ => lines.push(format!("  Category indicator {category:02X}: proprietary")),
    }
}

impl fmt::Display for Atr {
    /// A multi-line description: every byte with its meaning (ISO/IEC 7816-3 §8, ETSI
    /// TS 102 221 §6.3), the historical bytes decoded as COMPACT-TLV when the category
    /// indicator calls for it (ISO/IEC 7816-4 §8.1.1), TCK and the offered protocols.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.encode();
        let mut lines = vec![format!("ATR: {}", spaced_hex(&bytes))];
        lines.push(format!(
            "TS = {:02X}: {} convention",
            self.convention.ts(),
            match self.convention {
                Convention::Direct => "direct",
                Convention::Inverse => "inverse",
            }
        ));
        let y1 = self.y_of(0);
        lines.push(format!(
            "T0 = {:02X}: Y1 = {y1:04b} ({}), K = {} historical bytes",
            bytes.get(1).copied().unwrap_or(0),
            y_names(y1, 1),
            self.historical.len()
        ));
        let mut seen = [[false; 3]; 16];
        for (idx, g) in self.groups.iter().enumerate() {
            let i = idx + 1;
            let slot = usize::from(g.protocol.unwrap_or(0) & 0x0F);
            for (n, (kind, value)) in [('A', g.ta), ('B', g.tb), ('C', g.tc)]
                .into_iter()
                .enumerate()
            {
                let Some(v) = value else { continue };
                let first = idx >= 2
                    && !seen
                        .get(slot)
                        .and_then(|s| s.get(n))
                        .copied()
                        .unwrap_or(true);
                if idx >= 2 {
                    if let Some(flag) = seen.get_mut(slot).and_then(|s| s.get_mut(n)) {
                        *flag = true;
                    }
                }
                lines.push(describe_interface_byte(kind, i, g.protocol, first, v));
            }
            if let (Some(td), Some(next)) = (self.td_at(idx), self.groups.get(idx + 1)) {
                let t = next.protocol.unwrap_or(0);
                let y = td >> 4;
                lines.push(format!(
                    "TD{i} = {td:02X}: Y{} = {y:04b} ({}), T = {t}{}",
                    i + 1,
                    y_names(y, i + 1),
                    if t == T15 {
                        " (global interface bytes)"
                    } else {
                        ""
                    }
                ));
            }
        }
        describe_historical(&self.historical, &mut lines);
        match self.tck() {
            Some(tck) => lines.push(format!("TCK = {tck:02X} (checksum correct)")),
            None => lines.push("TCK absent (only T=0 indicated)".to_string()),
        }
        let protocols: Vec<String> = self.protocols().iter().map(|t| format!("T={t}")).collect();
        lines.push(format!("Protocols offered: {}", protocols.join(", ")));
        f.write_str(&lines.join("\n"))
    }
}

// ---------------------------------------------------------------------------------------
// PPS
// ---------------------------------------------------------------------------------------

/// A PPS request or response (ISO/IEC 7816-3 §9.2): PPSS `FF`, PPS0, optional PPS1,
/// PPS2 and PPS3, and PCK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pps {
    /// The protocol T proposed or accepted (PPS0 b4–b1, 0 to 14).
    pub protocol: u8,
    /// PPS1: FI (high nibble) and DI (low nibble) as in TA1.
    pub pps1: Option<u8>,
    /// PPS2: SPU.
    pub pps2: Option<u8>,
    /// PPS3: RFU.
    pub pps3: Option<u8>,
}

impl Pps {
    /// The initial byte PPSS.
    pub const PPSS: u8 = 0xFF;

    /// A PPS for protocol `t` with no optional bytes.
    pub const fn new(protocol: u8) -> Pps {
        Pps {
            protocol,
            pps1: None,
            pps2: None,
            pps3: None,
        }
    }

    /// PPS0: b5/b6/b7 announce PPS1/PPS2/PPS3, b4–b1 the protocol.
    pub const fn pps0(&self) -> u8 {
        (self.pps1.is_some() as u8) << 4
            | (self.pps2.is_some() as u8) << 5
            | (self.pps3.is_some() as u8) << 6
            | (self.protocol & 0x0F)
    }

    /// The length of the PPS that starts `FF pps0` (3 to 6 bytes).
    pub const fn len_from_pps0(pps0: u8) -> usize {
        3 + ((pps0 >> 4) & 1) as usize + ((pps0 >> 5) & 1) as usize + ((pps0 >> 6) & 1) as usize
    }

    /// Encodes `FF PPS0 [PPS1] [PPS2] [PPS3] PCK`, PCK making the XOR of all bytes zero
    /// (ISO/IEC 7816-3 §9.2). [`Error::Invalid`] for a protocol above 14.
    pub fn encode(&self) -> Result<Vec<u8>> {
        if self.protocol >= T15 {
            return Err(Error::Invalid("PPS0 protocol (above 14)"));
        }
        let mut out = vec![Self::PPSS, self.pps0()];
        out.extend(self.pps1);
        out.extend(self.pps2);
        out.extend(self.pps3);
        out.push(xor(&out));
        Ok(out)
    }

    /// Decodes a PPS request or response (ISO/IEC 7816-3 §9.2).
    ///
    /// Errors: [`Error::Truncated`]; [`Error::Invalid`] for PPSS other than `FF`, PPS0
    /// b8 set (RFU), T=15, or a wrong PCK; [`Error::TrailingData`].
    pub fn decode(bytes: &[u8]) -> Result<Pps> {
        let mut rest = bytes;
        if take_byte(&mut rest, "PPSS")? != Self::PPSS {
            return Err(Error::Invalid("PPSS"));
        }
        let pps0 = take_byte(&mut rest, "PPS0")?;
        if pps0 & 0x80 != 0 {
            return Err(Error::Invalid("PPS0 (b8 is RFU)"));
        }
        if pps0 & 0x0F == T15 {
            return Err(Error::Invalid("PPS0 protocol (T=15)"));
        }
        let pps1 = take_if(pps0 & 0x10 != 0, &mut rest, "PPS1")?;
        let pps2 = take_if(pps0 & 0x20 != 0, &mut rest, "PPS2")?;
        let pps3 = take_if(pps0 & 0x40 != 0, &mut rest, "PPS3")?;
        take_byte(&mut rest, "PCK")?;
        if !rest.is_empty() {
            return Err(Error::TrailingData("PPS"));
        }
        if xor(bytes) != 0 {
            return Err(Error::Invalid("PCK"));
        }
        Ok(Pps {
            protocol: pps0 & 0x0F,
            pps1,
            pps2,
            pps3,
        })
    }

    /// The Fi/Di this PPS sets: PPS1, or Fd/Dd (372/1) when PPS1 is absent
    /// (ISO/IEC 7816-3 §9.3). [`Error::Invalid`] when PPS1 holds an RFU index.
    pub fn fi_di(&self) -> Result<FiDi> {
        self.pps1.map_or(Ok(FiDi::DEFAULT), FiDi::from_byte)
    }
}

/// Whether a card with ATR Fi/Di `card` runs at `requested`: the defaults 372/1 always,
/// otherwise the same Fi with a Di not above the card's. This is the emulator's policy
/// (TA1 gives the fastest rate the card supports, ISO/IEC 7816-3 §8.3), not a rule of
/// the standard.
fn rate_supported(card: &FiDi, requested: &FiDi) -> bool {
    (requested.fi == FiDi::DEFAULT.fi && requested.di == FiDi::DEFAULT.di)
        || (requested.fi == card.fi && requested.di <= card.di)
}

/// The PPS response a card with `atr` gives to `request` (ISO/IEC 7816-3 §9.3), or
/// `None` when the card does not answer (the interface device then deactivates or
/// resets).
///
/// - No answer when the card is in specific mode (TA2 present) or does not offer the
///   requested protocol.
/// - PPS1 is echoed when its Fi/Di is supported (see below); otherwise the response
///   leaves PPS1 out, which selects Fd/Dd = 372/1 (§9.3).
/// - PPS2 and PPS3 are left out of the response: no SPU, and PPS3 is RFU.
///
/// Supported Fi/Di: 372/1, or the Fi of TA1 with a Di up to TA1's.
pub fn negotiate(request: &Pps, atr: &Atr) -> Option<Pps> {
    if atr.specific_mode().is_some() || !atr.offers(request.protocol) {
        return None;
    }
    let pps1 = request
        .pps1
        .filter(|&p1| match (atr.fi_di(), FiDi::from_byte(p1)) {
            (Ok(card), Ok(requested)) => rate_supported(&card, &requested),
            _ => false,
        });
    Some(Pps {
        protocol: request.protocol,
        pps1,
        pps2: None,
        pps3: None,
    })
}

// ---------------------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------------------

/// The elementary time unit in seconds: etu = F / (D × f) (ISO/IEC 7816-3 §7.1).
/// Returns infinity when `di` or `clock_hz` is zero.
pub fn etu_seconds(fi: u16, di: u8, clock_hz: u32) -> f64 {
    f64::from(fi) / (f64::from(di) * f64::from(clock_hz))
}

/// The minimum delay between the leading edges of two consecutive characters in the
/// same direction, in etu, for protocol `t` and the extra guard time N of TC1
/// (ISO/IEC 7816-3 §8.3): 12 + N, or for N = 255 the minimum of 12 etu (T=0) or 11 etu
/// (T=1 and others).
pub const fn character_time_etu(t: u8, n: u8) -> u16 {
    match (n, t) {
        (255, 0) => 12,
        (255, _) => 11,
        (n, _) => 12 + n as u16,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(s: &str) -> Vec<u8> {
        crate::hex::decode(s).unwrap()
    }

    // pcsc-tools smartcard_list.txt (LudovicRousseau/pcsc-tools @3e819c6),
    // "sysmoUSIM-SJS1 (Telecommunication)"; also in pySim cards.py autodetect.
    const SYSMO_USIM_SJS1: &str =
        "3B 9F 96 80 1F C7 80 31 A0 73 BE 21 13 67 43 20 07 18 00 00 01 A5";
    // smartcard_list.txt, "sysmoISIM-SJA2 (Telecommunication)".
    const SYSMO_ISIM_SJA2: &str =
        "3B 9F 96 80 1F 87 80 31 E0 73 FE 21 1B 67 4A 4C 75 30 34 05 4B A9";
    // smartcard_list.txt, "sysmoEUICC1-Cxx - eUCICC for econsumer eSIM RSP".
    const SYSMO_EUICC1: &str =
        "3B 9F 96 80 3F 87 82 80 31 E0 73 FE 21 1F 57 45 43 75 31 30 13 65 02";
    // smartcard_list.txt, "Gemalto Multi-SIM consumer 4.2 (ST33I1M2) (Telecommunication)".
    const GEMALTO_MULTI_SIM: &str =
        "3B 9F 97 C0 0A 1F C7 80 31 E0 73 FE 21 1B 65 D0 01 90 0F 3B 81 0F 62";
    // smartcard_list.txt, "G+D Mobile Security for private 5G USIM (Telecommunication)".
    const GD_5G_USIM: &str = "3B 9F 96 80 1F C7 80 31 E0 73 F6 A1 57 57 4A 4D 02 0B 61 10 00 5B";
    // smartcard_list.txt, "vsmartcard - iso7816" (vicc); also clients.md §1.
    const VICC: &str = "3B 95 13 81 01 80 73 FF 01 00 0B";
    // smartcard_list.txt, "Avtor Secure Token (eID)": T=1 with IFSC and BWI/CWI.
    const AVTOR: &str = "3B 98 18 81 31 FE 45 35 41 56 54 00 00 00 20 DD";
    // smartcard_list.txt, "SIM Bouygues Telecom (Telecommunication)": inverse convention.
    const BOUYGUES_INVERSE: &str = "3F 2F 00 80 69 AF 02 04 01 31 00 00 00 0E 83 3E 9F 16";
    // smartcard_list.txt, "Oberthur USIM card": a reader padded the ATR with zeros.
    const OBERTHUR_PADDED: &str =
        "3B 9F 96 80 1F C7 80 31 E0 73 FE 21 1B 64 07 59 51 00 82 90 00 CE 00 00 00 00 00 00 00 00 00 00";

    #[test]
    fn sysmo_usim_sjs1_fields() {
        // Expected values: ATR_analysis output for this card (pcsc_scan capture in a public
        // "Cellular Man-in-the-Middle" guide) and ISO/IEC 7816-3 Tables 7/8 by hand:
        // TA1 96 -> FI 9 = 512 (5 MHz), DI 6 = 32; TA3 C7 -> X 11 no preference, Y 000111.
        let bytes = h(SYSMO_USIM_SJS1);
        let atr = Atr::parse(&bytes).unwrap();
        assert_eq!(atr.convention(), Convention::Direct);
        assert_eq!(atr.ta(1), Some(0x96));
        assert_eq!(atr.td(1), Some(0x80));
        assert_eq!(atr.td(2), Some(0x1F));
        assert_eq!(atr.ta(3), Some(0xC7));
        assert_eq!(atr.td(3), None);
        assert_eq!(
            atr.fi_di().unwrap(),
            FiDi {
                fi: 512,
                f_max_khz: 5000,
                di: 32
            }
        );
        assert_eq!(atr.fi_di().unwrap().clocks_per_etu(), 16.0);
        assert_eq!(atr.fi_di().unwrap().max_bit_rate(), 312_500);
        assert_eq!(atr.protocols(), vec![0]);
        assert_eq!(atr.first_offered_protocol(), 0);
        assert_eq!(atr.t15_clock_stop(), Some(ClockStop::NoPreference));
        let classes = atr.t15_class_indicator().unwrap();
        assert!(classes.a() && classes.b() && classes.c());
        assert_eq!(atr.t15_spu(), None);
        assert_eq!(
            atr.historical_bytes(),
            h("80 31 A0 73 BE 21 13 67 43 20 07 18 00 00 01")
        );
        assert_eq!(atr.tck(), Some(0xA5));
        assert_eq!(atr.specific_mode(), None);
        assert_eq!(atr.wi().unwrap(), 10);
        assert_eq!(atr.encode(), bytes);
        assert_eq!(atr.encoded_len(), bytes.len());
    }

    #[test]
    fn sysmo_usim_sjs1_built() {
        // Same card as above, stated with the builder.
        let atr = Atr::new_uicc(
            0x96,
            ClockStop::NoPreference,
            SupplyClasses::ABC,
            &h("80 31 A0 73 BE 21 13 67 43 20 07 18 00 00 01"),
        )
        .unwrap();
        assert_eq!(atr.encode(), h(SYSMO_USIM_SJS1));
    }

    #[test]
    fn sysmo_usim_sjs1_display() {
        // Meanings as printed by pcsc-tools ATR_analysis for this card (see above).
        let text = Atr::parse(&h(SYSMO_USIM_SJS1)).unwrap().to_string();
        for needle in [
            "ATR: 3B 9F 96 80 1F C7 80 31 A0 73 BE 21 13 67 43 20 07 18 00 00 01 A5",
            "TS = 3B: direct convention",
            "K = 15 historical bytes",
            "TA1 = 96: Fi = 512, Di = 32 (16 clock cycles per etu), f(max) = 5 MHz (312500 bit/s",
            "TD1 = 80: Y2 = 1000 (TD2 follows), T = 0",
            "TD2 = 1F: Y3 = 0001 (TA3 follows), T = 15 (global interface bytes)",
            "TA3 = C7: clock stop: no preference; classes: A (5 V), B (3 V), C (1.8 V)",
            "Category indicator 80",
            "Tag 3, length 1 (card service data): A0",
            "application selection by full DF name",
            "BER-TLV data objects available in EF.DIR",
            "card with MF",
            "Tag 7, length 3 (card capabilities): BE 21 13",
            "short EF identifier supported",
            "behaviour of write functions: proprietary",
            "value FF for the first byte of BER-TLV tags: invalid",
            "data unit size: 2 quartets",
            "logical channel number assignment by the card",
            "maximum number of logical channels: 4",
            "Tag 6, length 7 (pre-issuing data): 43 20 07 18 00 00 01",
            "TCK = A5 (checksum correct)",
            "Protocols offered: T=0",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }

    #[test]
    fn sysmo_isim_sja2_and_gd_usim() {
        // smartcard_list.txt entries; TA3 87 -> X = 10 (state H), Y = 000111 (A, B, C).
        let atr = Atr::parse(&h(SYSMO_ISIM_SJA2)).unwrap();
        assert_eq!(atr.t15_clock_stop(), Some(ClockStop::StateH));
        assert_eq!(atr.t15_class_indicator(), Some(SupplyClasses::ABC));
        assert_eq!(atr.tck(), Some(0xA9));
        assert_eq!(atr.encode(), h(SYSMO_ISIM_SJA2));
        let gd = Atr::parse(&h(GD_5G_USIM)).unwrap();
        assert_eq!(gd.t15_clock_stop(), Some(ClockStop::NoPreference));
        assert_eq!(gd.encode(), h(GD_5G_USIM));
    }

    #[test]
    fn sysmo_euicc1_tb3() {
        // smartcard_list.txt; TD2 3F announces TA3 and TB3 for T=15; TB3 82 is
        // "eUICC-related functions supported" (pyscard ATR.py table, TS 102 221 Table 6.7).
        let atr = Atr::parse(&h(SYSMO_EUICC1)).unwrap();
        assert_eq!(atr.t15_spu(), Some(0x82));
        assert_eq!(atr.t15_clock_stop(), Some(ClockStop::StateH));
        let built = Atr::builder()
            .ta1(0x96)
            .protocol(0)
            .t15(ClockStop::StateH, SupplyClasses::ABC)
            .t15_spu(0x82)
            .historical(atr.historical_bytes())
            .build()
            .unwrap();
        assert_eq!(built.encode(), h(SYSMO_EUICC1));
        assert!(atr
            .to_string()
            .contains("TB3 = 82: eUICC-related functions"));
    }

    #[test]
    fn gemalto_tc2_waiting_time() {
        // smartcard_list.txt; TD1 C0 announces TC2 and TD2; TC2 0A: WI = 10.
        // TA1 97: Fi 512, Di 64 (Tables 7/8). WT = WI x 960 x Fi clocks (§10.2)
        // = 10 x 960 x 512 = 4 915 200; in etu at Fi/Di: 960 x 10 x 64 = 614 400;
        // at the default 372/1: 4 915 200 / 372 = 13 212.9 -> 13 212.
        let atr = Atr::parse(&h(GEMALTO_MULTI_SIM)).unwrap();
        assert_eq!(atr.tc(2), Some(0x0A));
        assert_eq!(atr.wi().unwrap(), 10);
        let fidi = atr.fi_di().unwrap();
        assert_eq!((fidi.fi, fidi.di), (512, 64));
        assert_eq!(atr.work_waiting_time_clocks().unwrap(), 4_915_200);
        assert_eq!(atr.work_waiting_time_etu(&fidi).unwrap(), 614_400);
        assert_eq!(atr.work_waiting_time_etu(&FiDi::DEFAULT).unwrap(), 13_212);
        let built = Atr::builder()
            .ta1(0x97)
            .wi(0x0A)
            .protocol(0)
            .t15(ClockStop::NoPreference, SupplyClasses::ABC)
            .historical(atr.historical_bytes())
            .build()
            .unwrap();
        assert_eq!(built.encode(), h(GEMALTO_MULTI_SIM));
    }

    #[test]
    fn default_waiting_time() {
        // bridges.md §5: WWT with WI = 10 is 9600 x D etu; at 372/1 that is 9600 etu.
        let atr = Atr::parse(&h(BOUYGUES_INVERSE)).unwrap();
        assert_eq!(atr.work_waiting_time_etu(&FiDi::DEFAULT).unwrap(), 9600);
        assert_eq!(atr.work_waiting_time_clocks().unwrap(), 9600 * 372);
    }

    #[test]
    fn vicc_t1() {
        // smartcard_list.txt "vsmartcard - iso7816"; by hand: T0 95 = TA1, TD1, K = 5;
        // TA1 13 = Fi 372, Di 4; TD1 81 = TD2, T=1; TD2 01 = nothing, T=1; TCK 0B.
        let bytes = h(VICC);
        let atr = Atr::parse(&bytes).unwrap();
        assert_eq!(atr.protocols(), vec![1]);
        assert_eq!(atr.first_offered_protocol(), 1);
        assert!(!atr.offers(0));
        assert_eq!((atr.fi_di().unwrap().fi, atr.fi_di().unwrap().di), (372, 4));
        assert_eq!(atr.interface_groups().len(), 3);
        assert_eq!(atr.interface_groups()[2], InterfaceGroup::for_protocol(1));
        assert_eq!(atr.historical_bytes(), h("80 73 FF 01 00"));
        assert_eq!(atr.t1_ifsc().unwrap(), 32);
        assert_eq!(atr.t1_bwi_cwi(), (4, 13));
        assert_eq!(atr.t1_error_detection().unwrap(), T1ErrorDetection::Lrc);
        assert_eq!(atr.tck(), Some(0x0B));
        assert_eq!(atr.encode(), bytes);
        assert!(atr.to_string().contains("Protocols offered: T=1"));
    }

    #[test]
    fn avtor_t1_ifsc() {
        // smartcard_list.txt "Avtor Secure Token"; by hand: TA1 18 -> FI 1 = 372,
        // DI 8 = 12 (Table 8); TD2 31 -> TA3, TB3 for T=1; TA3 FE = IFSC 254;
        // TB3 45 = BWI 4, CWI 5.
        let bytes = h(AVTOR);
        let atr = Atr::parse(&bytes).unwrap();
        assert_eq!(
            atr.fi_di().unwrap(),
            FiDi {
                fi: 372,
                f_max_khz: 5000,
                di: 12
            }
        );
        assert_eq!(atr.fi_di().unwrap().clocks_per_etu(), 31.0);
        assert_eq!(atr.t1_ifsc().unwrap(), 254);
        assert_eq!(atr.t1_bwi_cwi(), (4, 5));
        let built = Atr::builder()
            .ta1(0x18)
            .protocol(1)
            .t1_ifsc(0xFE)
            .t1_bwi_cwi(4, 5)
            .historical(atr.historical_bytes())
            .build()
            .unwrap();
        assert_eq!(built.encode(), bytes);
        let text = atr.to_string();
        assert!(text.contains("TA3 = FE: IFSC = 254"), "{text}");
        assert!(text.contains("TB3 = 45: BWI = 4, CWI = 5"), "{text}");
    }

    #[test]
    fn inverse_convention() {
        // smartcard_list.txt "SIM Bouygues Telecom": TS 3F; T0 2F = TB1 only, K = 15;
        // no TD1, so T=0 only and no TCK (ISO/IEC 7816-3 §8.2.5).
        let bytes = h(BOUYGUES_INVERSE);
        let atr = Atr::parse(&bytes).unwrap();
        assert_eq!(atr.convention(), Convention::Inverse);
        assert_eq!(atr.tb(1), Some(0x00));
        assert_eq!(atr.protocols(), vec![0]);
        assert_eq!(atr.tck(), None);
        assert_eq!(atr.fi_di().unwrap(), FiDi::DEFAULT);
        assert_eq!(atr.historical_bytes().len(), 15);
        assert_eq!(atr.encode(), bytes);
        let text = atr.to_string();
        assert!(text.contains("TS = 3F: inverse convention"));
        assert!(text.contains("TCK absent"));
    }

    #[test]
    fn convention_line_values() {
        // ISO/IEC 7816-3 §8.1: inverse TS pattern (Z)ZZAAAAAA; read by a direct UART
        // (Z = 1, lsb first) it is 03, and its logical value is 3F.
        assert_eq!(Convention::from_line_ts(0x03), Some(Convention::Inverse));
        assert_eq!(Convention::from_line_ts(0x3B), Some(Convention::Direct));
        assert_eq!(Convention::from_line_ts(0x3F), None);
        assert_eq!(Convention::Inverse.from_line(0x03), 0x3F);
        assert_eq!(Convention::Inverse.from_line(0x3F), 0x03);
        assert_eq!(Convention::Direct.from_line(0x03), 0x03);
        assert_eq!(Convention::from_ts(0x3F), Some(Convention::Inverse));
        assert_eq!(Convention::from_ts(0x3C), None);
    }

    #[test]
    fn fi_di_tables() {
        // ISO/IEC 7816-3:2006 §8.3 Tables 7 and 8; pcsc-tools ATR_analysis @Fi/@Di/@FMax;
        // bridges.md §5 (94 = 512/8, 95 = 512/16, 97 = 512/64, 18 = 372/12).
        let v = |b| FiDi::from_byte(b).map(|x| (x.fi, x.f_max_khz, x.di));
        assert_eq!(v(0x11), Ok((372, 5000, 1)));
        assert_eq!(v(0x01), Ok((372, 4000, 1)));
        assert_eq!(v(0x94), Ok((512, 5000, 8)));
        assert_eq!(v(0x95), Ok((512, 5000, 16)));
        assert_eq!(v(0x96), Ok((512, 5000, 32)));
        assert_eq!(v(0x97), Ok((512, 5000, 64)));
        assert_eq!(v(0x18), Ok((372, 5000, 12)));
        assert_eq!(v(0x19), Ok((372, 5000, 20)));
        assert_eq!(v(0xA1), Ok((768, 7500, 1)));
        assert_eq!(v(0xD3), Ok((2048, 20000, 4)));
        assert_eq!(v(0x62), Ok((1860, 20000, 2)));
        for rfu_fi in [0x71, 0x81, 0xE1, 0xF1] {
            assert_eq!(v(rfu_fi), Err(Error::Invalid("Fi (RFU index)")));
        }
        for rfu_di in [0x10, 0x1A, 0x1F] {
            assert_eq!(v(rfu_di), Err(Error::Invalid("Di (RFU index)")));
        }
    }

    #[test]
    fn rejects_bad_tck() {
        // sysmoUSIM-SJS1 with the last byte changed: T0..TCK no longer XOR to zero (§8.2.5).
        let mut bytes = h(SYSMO_USIM_SJS1);
        *bytes.last_mut().unwrap() = 0xA4;
        assert_eq!(Atr::parse(&bytes), Err(Error::Invalid("ATR TCK")));
    }

    #[test]
    fn rejects_bad_ts() {
        // ISO/IEC 7816-3 §8.1: only 3B and 3F.
        let mut bytes = h(SYSMO_USIM_SJS1);
        bytes[0] = 0x3C;
        assert_eq!(Atr::parse(&bytes), Err(Error::Invalid("ATR TS")));
        assert_eq!(Atr::parse(&[0x03, 0x00]), Err(Error::Invalid("ATR TS")));
    }

    #[test]
    fn rejects_every_truncation() {
        // Every proper prefix of real ATRs (smartcard_list.txt) is incomplete.
        for atr in [
            SYSMO_USIM_SJS1,
            VICC,
            AVTOR,
            BOUYGUES_INVERSE,
            GEMALTO_MULTI_SIM,
        ] {
            let bytes = h(atr);
            for n in 0..bytes.len() {
                assert!(
                    matches!(Atr::parse(&bytes[..n]), Err(Error::Truncated(_))),
                    "{atr} cut at {n}"
                );
            }
        }
        assert_eq!(Atr::parse(&[]), Err(Error::Truncated("ATR TS")));
        assert_eq!(Atr::parse(&[0x3B]), Err(Error::Truncated("ATR T0")));
    }

    #[test]
    fn rejects_trailing_bytes() {
        // smartcard_list.txt Oberthur entry: 22 ATR bytes then 10 zero bytes of padding.
        assert_eq!(
            Atr::parse(&h(OBERTHUR_PADDED)),
            Err(Error::TrailingData("ATR"))
        );
        assert!(Atr::parse(&h(OBERTHUR_PADDED)[..22]).is_ok());
        // A T=0-only ATR carries no TCK (§8.2.5): an extra byte is trailing data.
        let mut bytes = h(BOUYGUES_INVERSE);
        bytes.push(0x00);
        assert_eq!(Atr::parse(&bytes), Err(Error::TrailingData("ATR")));
    }

    #[test]
    fn rejects_t15_in_td1() {
        // ISO/IEC 7816-3 §8.2.3: T=15 is invalid in TD1. 3B 80 0F + TCK (80 ^ 0F = 8F).
        assert_eq!(
            Atr::parse(&h("3B 80 0F 8F")),
            Err(Error::Invalid("ATR TD1 (T=15)"))
        );
        // T=15 in TD2 is fine: 3B 80 80 0F + TCK (80 ^ 80 ^ 0F = 0F).
        let atr = Atr::parse(&h("3B 80 80 0F 0F")).unwrap();
        assert_eq!(atr.protocols(), vec![0]);
        assert_eq!(atr.t15_clock_stop(), None);
    }

    #[test]
    fn rejects_more_than_32_bytes_after_ts() {
        // ISO/IEC 7816-3:2006 §8.2.1: at most 32 bytes after TS. Nine TD bytes F1 each
        // announcing TA TB TC TD and T=1 make 2 + 9 x 4 bytes before TCK.
        let mut bytes = vec![0x3B, 0xF0];
        for _ in 0..9 {
            bytes.extend_from_slice(&[0x11, 0x00, 0x00, 0xF1]);
        }
        bytes.extend_from_slice(&[0x11, 0x00, 0x00, 0x01]);
        let tck = bytes[1..].iter().fold(0, |a, b| a ^ b);
        bytes.push(tck);
        assert_eq!(Atr::parse(&bytes), Err(Error::TooLong("ATR")));
    }

    #[test]
    fn builder_limits() {
        // ISO/IEC 7816-3 §8.2.2: K is 4 bits, so at most 15 historical bytes.
        assert_eq!(
            Atr::builder().historical(&[0; 16]).build(),
            Err(Error::TooLong("ATR historical bytes (more than 15)"))
        );
        assert!(Atr::builder().historical(&[0; 15]).build().is_ok());
        assert_eq!(
            Atr::builder().protocol(15).build(),
            Err(Error::Invalid("ATR protocol (above 14)"))
        );
        assert_eq!(
            Atr::builder().t1_ifsc(0x20).build(),
            Err(Error::Invalid("ATR T=1 bytes without T=1"))
        );
        // The minimal ATR: 3B 00 (T=0 implied, no TCK).
        assert_eq!(Atr::builder().build().unwrap().encode(), h("3B 00"));
        assert_eq!(
            Atr::builder().protocol(0).build().unwrap().encode(),
            h("3B 00")
        );
        assert!(Atr::from_parts(Convention::Direct, vec![], vec![]).is_err());
        assert!(Atr::from_parts(
            Convention::Direct,
            vec![InterfaceGroup::default(), InterfaceGroup::for_protocol(15)],
            vec![]
        )
        .is_err());
    }

    #[test]
    fn builder_t0_and_t1() {
        // ISO/IEC 7816-3 §8.2.3: TD1 T=0, TD2 T=1 with the T=1 bytes in group 3, TD3 T=15.
        // By hand: T0 = 90 (TA1, TD1; K = 0); TA1 96; TD1 = 80 (TD2; T=0);
        // TD2 = B1 (TA3, TB3, TD3; T=1); TA3 FE; TB3 45; TD3 = 1F (TA4; T=15); TA4 C7;
        // TCK = XOR(90 96 80 B1 FE 45 1F C7) = 54.
        let atr = Atr::builder()
            .ta1(0x96)
            .protocol(1)
            .protocol(0)
            .t1_ifsc(0xFE)
            .t1_bwi_cwi(4, 5)
            .t15(ClockStop::NoPreference, SupplyClasses::ABC)
            .build()
            .unwrap();
        assert_eq!(atr.encode(), h("3B 90 96 80 B1 FE 45 1F C7 54"));
        assert_eq!(atr.protocols(), vec![0, 1]);
        assert_eq!(atr.t1_ifsc().unwrap(), 254);
        assert_eq!(atr.t15_class_indicator(), Some(SupplyClasses::ABC));
    }

    #[test]
    fn specific_mode_ta2() {
        // ISO/IEC 7816-3 §8.3 TA2: b8 = 1 unable to change, b5 = 0 parameters from
        // interface bytes, b4-b1 = T. TD1 11 announces TA2 and T=1, so TCK is present:
        // 3B 80 11 81 + TCK (80 ^ 11 ^ 81 = 10).
        let atr = Atr::parse(&h("3B 80 11 81 10")).unwrap();
        assert_eq!(
            atr.specific_mode(),
            Some(SpecificMode {
                protocol: 1,
                can_change: false,
                implicit_parameters: false
            })
        );
        // The card is in specific mode: no PPS answer.
        assert_eq!(negotiate(&Pps::new(1), &atr), None);
    }

    #[test]
    fn tc1_and_character_time() {
        // ISO/IEC 7816-3 §8.3 TC1 / bridges.md §5: 12 etu per T=0 character, 11 for T=1
        // with N = 255, else 12 + N.
        assert_eq!(character_time_etu(0, 0), 12);
        assert_eq!(character_time_etu(0, 255), 12);
        assert_eq!(character_time_etu(1, 255), 11);
        assert_eq!(character_time_etu(1, 2), 14);
        let atr = Atr::builder().extra_guard_time(3).build().unwrap();
        assert_eq!(atr.extra_guard_time(), 3);
        assert_eq!(atr.character_time_etu(0), 15);
        assert_eq!(atr.encode(), h("3B 40 03"));
    }

    #[test]
    fn etu_timing() {
        // bridges.md §5 table at f = 3.5712 MHz: 372/1 -> 104 us (9600 bit/s);
        // 512/32 -> 4.5 us (223 200 bit/s).
        let etu = etu_seconds(372, 1, 3_571_200);
        assert!((1.0 / etu - 9600.0).abs() < 1e-6);
        let etu = etu_seconds(512, 32, 3_571_200);
        assert!((1.0 / etu - 223_200.0).abs() < 1e-6);
        assert!(etu_seconds(372, 0, 1).is_infinite());
    }

    #[test]
    fn wi_rfu() {
        // ISO/IEC 7816-3 §10.2: WI = 0 is RFU. 3B 80 40 00 (TD1 40: TC2, T=0), no TCK.
        let atr = Atr::parse(&h("3B 80 40 00")).unwrap();
        assert!(atr.wi().is_err());
        assert!(atr.work_waiting_time_clocks().is_err());
    }

    #[test]
    fn pps_simtrace_capture() {
        // simtrace2-sniff capture (public SIMtrace2 usage notes): "PPS: ff 10 96 79"
        // sent and echoed, then "Fi/Di switched to 512/32". By hand PCK = FF^10^96 = 79.
        let bytes = h("FF 10 96 79");
        let pps = Pps::decode(&bytes).unwrap();
        assert_eq!(
            pps,
            Pps {
                protocol: 0,
                pps1: Some(0x96),
                pps2: None,
                pps3: None
            }
        );
        assert_eq!(pps.encode().unwrap(), bytes);
        let fidi = pps.fi_di().unwrap();
        assert_eq!((fidi.fi, fidi.di), (512, 32));
        assert_eq!(Pps::len_from_pps0(0x10), 4);
        // The card of that capture answered with the same bytes.
        let atr = Atr::parse(&h(SYSMO_USIM_SJS1)).unwrap();
        assert_eq!(negotiate(&pps, &atr), Some(pps));
    }

    #[test]
    fn pps_codec_errors() {
        // ISO/IEC 7816-3 §9.2.
        assert_eq!(Pps::decode(&h("FF 10 96 78")), Err(Error::Invalid("PCK")));
        assert_eq!(Pps::decode(&h("FE 10 96 79")), Err(Error::Invalid("PPSS")));
        assert_eq!(Pps::decode(&h("FF 10 96")), Err(Error::Truncated("PCK")));
        assert_eq!(Pps::decode(&h("FF 10")), Err(Error::Truncated("PPS1")));
        assert_eq!(Pps::decode(&h("FF")), Err(Error::Truncated("PPS0")));
        assert_eq!(
            Pps::decode(&h("FF 10 96 79 00")),
            Err(Error::TrailingData("PPS"))
        );
        // b8 of PPS0 is RFU: FF 80 PCK = FF^80 = 7F.
        assert_eq!(
            Pps::decode(&h("FF 80 7F")),
            Err(Error::Invalid("PPS0 (b8 is RFU)"))
        );
        // PPS0 00 alone: PCK = FF ^ 00 = FF; PPS1 absent means Fd/Dd (§9.3).
        let pps = Pps::decode(&h("FF 00 FF")).unwrap();
        assert_eq!(pps, Pps::new(0));
        assert_eq!(pps.fi_di().unwrap(), FiDi::DEFAULT);
        // All optional bytes: PPS0 71 (T=1), PPS1 96, PPS2 00, PPS3 00;
        // PCK = FF^71^96 = 18.
        let full = Pps {
            protocol: 1,
            pps1: Some(0x96),
            pps2: Some(0),
            pps3: Some(0),
        };
        assert_eq!(full.encode().unwrap(), h("FF 71 96 00 00 18"));
        assert_eq!(Pps::len_from_pps0(0x71), 6);
        assert!(Pps::new(15).encode().is_err());
    }

    #[test]
    fn negotiation() {
        // ISO/IEC 7816-3 §9.3; policy: 372/1 or TA1's Fi with Di up to TA1's.
        let usim = Atr::parse(&h(SYSMO_USIM_SJS1)).unwrap(); // T=0, TA1 96
        let with = |t, p1| Pps {
            protocol: t,
            pps1: Some(p1),
            pps2: None,
            pps3: None,
        };
        assert_eq!(negotiate(&with(0, 0x95), &usim), Some(with(0, 0x95)));
        assert_eq!(negotiate(&with(0, 0x11), &usim), Some(with(0, 0x11)));
        // Di 64 above TA1's 32, or another Fi: PPS1 left out, i.e. 372/1.
        assert_eq!(negotiate(&with(0, 0x97), &usim), Some(Pps::new(0)));
        assert_eq!(negotiate(&with(0, 0x18), &usim), Some(Pps::new(0)));
        assert_eq!(negotiate(&with(0, 0x71), &usim), Some(Pps::new(0)));
        // PPS2 is not echoed.
        let mut req = with(0, 0x96);
        req.pps2 = Some(0x00);
        assert_eq!(negotiate(&req, &usim), Some(with(0, 0x96)));
        // T=1 not offered: no answer.
        assert_eq!(negotiate(&with(1, 0x96), &usim), None);
        let vicc = Atr::parse(&h(VICC)).unwrap(); // T=1, TA1 13
        assert_eq!(negotiate(&with(1, 0x13), &vicc), Some(with(1, 0x13)));
        assert_eq!(negotiate(&Pps::new(0), &vicc), None);
        // No TA1: only 372/1.
        let plain = Atr::parse(&h(BOUYGUES_INVERSE)).unwrap();
        assert_eq!(negotiate(&with(0, 0x11), &plain), Some(with(0, 0x11)));
        assert_eq!(negotiate(&with(0, 0x13), &plain), Some(Pps::new(0)));
    }

    #[test]
    fn display_other_categories() {
        // ISO/IEC 7816-4 §8.1.1: category 00 ends with a 3-byte status indicator.
        // 3B 06 00 31 C0 00 90 00 hand-made: K = 6, no TCK.
        let atr = Atr::parse(&h("3B 06 00 31 C0 00 90 00")).unwrap();
        let text = atr.to_string();
        assert!(text.contains("Category indicator 00"), "{text}");
        assert!(
            text.contains("Status indicator (LCS, SW1 SW2): 00 90 00"),
            "{text}"
        );
        assert!(
            text.contains("Tag 3, length 1 (card service data): C0"),
            "{text}"
        );
        // Historical bytes of the Bouygues SIM start with 80 69: tag 6, length 9.
        let text = Atr::parse(&h(BOUYGUES_INVERSE)).unwrap().to_string();
        assert!(
            text.contains("Tag 6, length 9 (pre-issuing data)"),
            "{text}"
        );
        assert!(text.contains("TB1 = 00: VPP not connected"), "{text}");
    }

    fn builder() -> impl Strategy<Value = AtrBuilder> {
        (
            (
                any::<bool>(),
                proptest::option::of(any::<u8>()),
                proptest::option::of(any::<u8>()),
                proptest::option::of(any::<u8>()),
                proptest::option::of(any::<u8>()),
                proptest::collection::vec(0u8..=14, 0..3),
            ),
            (
                any::<bool>(),
                proptest::option::of(any::<u8>()),
                proptest::option::of((0u8..16, 0u8..16)),
                proptest::option::of((0u8..4, 0u8..64)),
                proptest::option::of(any::<u8>()),
                proptest::collection::vec(any::<u8>(), 0..=15),
            ),
        )
            .prop_map(
                |((inverse, ta1, tc1, ta2, tc2, protos), (t1, ifsc, bwcw, t15, spu, hist))| {
                    let mut b = Atr::builder()
                        .convention(if inverse {
                            Convention::Inverse
                        } else {
                            Convention::Direct
                        })
                        .historical(&hist);
                    if let Some(v) = ta1 {
                        b = b.ta1(v);
                    }
                    if let Some(v) = tc1 {
                        b = b.extra_guard_time(v);
                    }
                    if let Some(v) = ta2 {
                        b = b.specific_mode(v);
                    }
                    if let Some(v) = tc2 {
                        b = b.wi(v);
                    }
                    for t in protos {
                        b = b.protocol(t);
                    }
                    if t1 {
                        b = b.protocol(1);
                        if let Some(v) = ifsc {
                            b = b.t1_ifsc(v);
                        }
                        if let Some((bwi, cwi)) = bwcw {
                            b = b.t1_bwi_cwi(bwi, cwi);
                        }
                    }
                    if let Some((x, y)) = t15 {
                        b = b.t15(ClockStop::from_ta(x << 6), SupplyClasses(y));
                    }
                    if let Some(v) = spu {
                        b = b.t15_spu(v);
                    }
                    b
                },
            )
    }

    proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..48)) {
            if let Ok(atr) = Atr::parse(&bytes) {
                prop_assert_eq!(atr.encode(), bytes);
                let _ = atr.to_string();
            }
        }

        #[test]
        fn every_parsed_prefix_reencodes(
            ts in prop_oneof![Just(0x3Bu8), Just(0x3F)],
            tail in proptest::collection::vec(any::<u8>(), 1..40),
        ) {
            // Try every prefix, with and without a correct TCK appended; whatever parses
            // must encode back to the same bytes and describe itself without panicking.
            let mut bytes = vec![ts];
            bytes.extend_from_slice(&tail);
            for n in 1..=bytes.len() {
                let prefix = &bytes[..n];
                let mut with_tck = prefix.to_vec();
                with_tck.push(prefix[1..].iter().fold(0, |a, b| a ^ b));
                for candidate in [prefix.to_vec(), with_tck] {
                    if let Ok(atr) = Atr::parse(&candidate) {
                        prop_assert_eq!(atr.encode(), candidate);
                        prop_assert_eq!(atr.encoded_len(), atr.encode().len());
                        let _ = atr.to_string();
                        let _ = (atr.fi_di(), atr.wi(), atr.t1_ifsc(), atr.work_waiting_time_etu(&FiDi::DEFAULT));
                    }
                }
            }
        }

        #[test]
        fn built_atrs_round_trip(b in builder()) {
            if let Ok(atr) = b.build() {
                let bytes = atr.encode();
                prop_assert!(bytes.len() <= MAX_LEN);
                let parsed = Atr::parse(&bytes).unwrap();
                prop_assert_eq!(&parsed, &atr);
                prop_assert_eq!(parsed.encode(), bytes);
                let _ = parsed.to_string();
            }
        }

        #[test]
        fn pps_round_trip(
            protocol in 0u8..=14,
            pps1 in proptest::option::of(any::<u8>()),
            pps2 in proptest::option::of(any::<u8>()),
            pps3 in proptest::option::of(any::<u8>()),
        ) {
            let pps = Pps { protocol, pps1, pps2, pps3 };
            let bytes = pps.encode().unwrap();
            prop_assert_eq!(bytes.len(), Pps::len_from_pps0(pps.pps0()));
            prop_assert_eq!(Pps::decode(&bytes).unwrap(), pps);
        }

        #[test]
        fn pps_decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..8)) {
            if let Ok(pps) = Pps::decode(&bytes) {
                prop_assert_eq!(pps.encode().unwrap(), bytes);
            }
        }

        #[test]
        fn negotiate_never_panics(
            bytes in proptest::collection::vec(any::<u8>(), 0..8),
            b in builder(),
        ) {
            if let (Ok(req), Ok(atr)) = (Pps::decode(&bytes), b.build()) {
                if let Some(resp) = negotiate(&req, &atr) {
                    prop_assert_eq!(resp.protocol, req.protocol);
                    prop_assert!(resp.pps1.is_none() || resp.pps1 == req.pps1);
                    prop_assert!(resp.encode().is_ok());
                }
            }
        }
    }
}
