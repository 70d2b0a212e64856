//! Sequence-number management on the USIM (3GPP TS 33.102 Annex C).
//!
//! SQN (48 bits) = SEQ ‖ IND, IND being the `ind_bits` least significant bits (C.1.1.1;
//! 5 bits, an array of a = 32 entries, is the recommended value). The USIM keeps one
//! accepted SQN per IND value, [`SqnState`], and checks a received SQN (C.2):
//!
//! 1. wrap-around protection (C.2.1): SEQ − SEQ_MS ≤ Δ, SEQ_MS being the SEQ of the
//!    highest accepted SQN (SQN_MS);
//! 2. the optional age limit L (C.2.2): SEQ_MS − SEQ < L;
//! 3. freshness (C.2.2): SEQ > SEQ_MS(IND), after which SEQ_MS(IND) := SEQ.
//!
//! A failed check leads to a synchronisation failure carrying SQN_MS (TS 33.102 §6.3.3),
//! see [`super::authenticate`].

use super::{Error, Result};

/// The number of IND slots kept: 2^5 for the recommended 5-bit IND (TS 33.102 C.1.1.1).
pub const IND_SLOTS: usize = 32;

/// A 48-bit sequence number SQN (TS 33.102 §6.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Sqn(u64);

impl Sqn {
    /// SQN = 0, the initial value of every array entry (C.2.2).
    pub const ZERO: Sqn = Sqn(0);
    /// The largest SQN, 2^48 − 1.
    pub const MAX: Sqn = Sqn((1 << 48) - 1);

    /// An SQN from an integer, `None` above 2^48 − 1.
    #[must_use]
    pub const fn new(value: u64) -> Option<Sqn> {
        if value <= Self::MAX.0 {
            Some(Sqn(value))
        } else {
            None
        }
    }

    /// The SQN from its six bytes, most significant first.
    #[must_use]
    pub const fn from_bytes(b: [u8; 6]) -> Sqn {
        let [a, b2, c, d, e, f] = b;
        Sqn(u64::from_be_bytes([0, 0, a, b2, c, d, e, f]))
    }

    /// The six bytes of the SQN, most significant first.
    #[must_use]
    pub const fn to_bytes(self) -> [u8; 6] {
        let [_, _, a, b, c, d, e, f] = self.0.to_be_bytes();
        [a, b, c, d, e, f]
    }

    /// The SQN as an integer.
    #[must_use]
    pub const fn value(self) -> u64 {
        self.0
    }

    /// SQN = SEQ ‖ IND (C.1.1.1); `None` if IND does not fit `ind_bits` (at most 5) or
    /// the result exceeds 48 bits.
    #[must_use]
    pub fn from_seq_ind(seq: u64, ind: u8, ind_bits: u8) -> Option<Sqn> {
        if ind_bits > 5 || u64::from(ind) >> ind_bits != 0 {
            return None;
        }
        let shifted = seq.checked_shl(u32::from(ind_bits))?;
        if shifted >> ind_bits != seq {
            return None;
        }
        Sqn::new(shifted | u64::from(ind))
    }

    /// SEQ: the SQN without its `ind_bits` IND bits.
    #[must_use]
    pub fn seq(self, ind_bits: u8) -> u64 {
        self.0 >> ind_bits.min(5)
    }

    /// IND: the `ind_bits` least significant bits (at most 5).
    #[must_use]
    pub fn ind(self, ind_bits: u8) -> u8 {
        let mask = (1u64 << ind_bits.min(5)) - 1;
        u8::try_from(self.0 & mask).unwrap_or(0)
    }
}

/// The USIM's parameters for checking SQN (TS 33.102 Annex C).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SqnPolicy {
    /// Length of IND in bits, 0 to 5 (C.1.1.1 recommends 5).
    pub ind_bits: u8,
    /// Δ, the largest step SEQ may take beyond SEQ_MS (C.2.1; 2^28 recommended).
    pub delta: u64,
    /// L, the optional limit on how far SEQ may lag behind SEQ_MS (C.2.2).
    pub limit: Option<u64>,
}

impl SqnPolicy {
    /// The recommended values: IND of 5 bits, Δ = 2^28, no limit L.
    pub const RECOMMENDED: SqnPolicy = SqnPolicy {
        ind_bits: 5,
        delta: 1 << 28,
        limit: None,
    };

    fn validate(&self) -> Result<()> {
        if self.ind_bits > 5 {
            return Err(Error::Invalid("IND longer than 5 bits (32 array entries)"));
        }
        if self.limit == Some(0) {
            return Err(Error::Invalid("age limit L of 0 rejects every SQN"));
        }
        Ok(())
    }
}

impl Default for SqnPolicy {
    fn default() -> Self {
        Self::RECOMMENDED
    }
}

/// The result of checking a received SQN against the USIM's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Fresh: SEQ > SEQ_MS(IND) and within Δ and L.
    Fresh,
    /// SEQ ≤ SEQ_MS(IND): already used or older than the slot (C.2.2).
    Replayed,
    /// SEQ − SEQ_MS > Δ (C.2.1).
    TooFarAhead,
    /// SEQ_MS − SEQ ≥ L (C.2.2).
    TooOld,
}

impl Verdict {
    /// Whether the SQN may be accepted.
    #[must_use]
    pub fn is_fresh(self) -> bool {
        self == Verdict::Fresh
    }
}

/// The USIM's array of accepted sequence numbers, one per IND value (TS 33.102 C.2.2),
/// initially all zero. [`SqnState::encode`] gives bytes to persist atomically with the
/// answer of AUTHENTICATE.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SqnState {
    accepted: [Sqn; IND_SLOTS],
}

impl SqnState {
    /// Length of [`SqnState::encode`]: a format byte and 32 six-byte SQNs.
    pub const ENCODED_LEN: usize = 1 + IND_SLOTS * 6;
    /// The format byte of the current encoding.
    pub const FORMAT: u8 = 0x01;

    /// The initial state: every entry zero.
    #[must_use]
    pub fn new() -> SqnState {
        SqnState::default()
    }

    /// The SQN last accepted with IND = `ind` (zero if none), `None` for `ind` ≥ 32.
    #[must_use]
    pub fn slot(&self, ind: usize) -> Option<Sqn> {
        self.accepted.get(ind).copied()
    }

    /// SQN_MS: the highest SQN accepted anywhere in the array (C.2.2), sent in AUTS.
    #[must_use]
    pub fn sqn_ms(&self) -> Sqn {
        self.accepted.iter().copied().max().unwrap_or(Sqn::ZERO)
    }

    /// Checks a received SQN without changing the state (C.2.1, C.2.2).
    ///
    /// # Errors
    /// [`Error::Invalid`] for a policy with IND longer than 5 bits or L = 0.
    pub fn check(&self, policy: &SqnPolicy, sqn: Sqn) -> Result<Verdict> {
        policy.validate()?;
        let b = policy.ind_bits;
        let seq = sqn.seq(b);
        let seq_ms = self.sqn_ms().seq(b);
        if seq.saturating_sub(seq_ms) > policy.delta {
            return Ok(Verdict::TooFarAhead);
        }
        if let Some(limit) = policy.limit {
            if seq_ms.saturating_sub(seq) >= limit {
                return Ok(Verdict::TooOld);
            }
        }
        let slot = self
            .accepted
            .get(usize::from(sqn.ind(b)))
            .copied()
            .unwrap_or(Sqn::ZERO);
        if seq > slot.seq(b) {
            Ok(Verdict::Fresh)
        } else {
            Ok(Verdict::Replayed)
        }
    }

    /// Checks a received SQN and, when fresh, records it: SEQ_MS(IND) := SEQ (C.2.2).
    /// The state changes only on [`Verdict::Fresh`].
    ///
    /// # Errors
    /// As [`SqnState::check`].
    pub fn accept(&mut self, policy: &SqnPolicy, sqn: Sqn) -> Result<Verdict> {
        let verdict = self.check(policy, sqn)?;
        if verdict.is_fresh() {
            if let Some(slot) = self.accepted.get_mut(usize::from(sqn.ind(policy.ind_bits))) {
                *slot = sqn;
            }
        }
        Ok(verdict)
    }

    /// The state as bytes: [`SqnState::FORMAT`], then the 32 entries of six bytes each,
    /// IND 0 first.
    #[must_use]
    pub fn encode(&self) -> [u8; Self::ENCODED_LEN] {
        let mut out = [0u8; Self::ENCODED_LEN];
        let (format, rest) = out.split_at_mut(1);
        if let Some(f) = format.first_mut() {
            *f = Self::FORMAT;
        }
        for (chunk, sqn) in rest.chunks_exact_mut(6).zip(&self.accepted) {
            chunk.copy_from_slice(&sqn.to_bytes());
        }
        out
    }

    /// Decodes [`SqnState::encode`].
    ///
    /// # Errors
    /// [`Error::Length`] for a wrong length, [`Error::Invalid`] for an unknown format byte.
    pub fn decode(bytes: &[u8]) -> Result<SqnState> {
        if bytes.len() != Self::ENCODED_LEN {
            return Err(Error::Length {
                what: "SQN state",
                expected: Self::ENCODED_LEN,
                actual: bytes.len(),
            });
        }
        let Some((&format, rest)) = bytes.split_first() else {
            return Err(Error::Invalid("empty SQN state"));
        };
        if format != Self::FORMAT {
            return Err(Error::Invalid("unknown SQN state format"));
        }
        let mut state = SqnState::new();
        for (slot, chunk) in state.accepted.iter_mut().zip(rest.chunks_exact(6)) {
            let mut b = [0u8; 6];
            b.copy_from_slice(chunk);
            *slot = Sqn::from_bytes(b);
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const P: SqnPolicy = SqnPolicy::RECOMMENDED;

    fn sqn(seq: u64, ind: u8) -> Sqn {
        Sqn::from_seq_ind(seq, ind, 5).unwrap()
    }

    #[test]
    fn sqn_bytes_and_parts() {
        let s = Sqn::from_bytes([0xff, 0x9b, 0xb4, 0xd0, 0xb6, 0x07]);
        assert_eq!(s.value(), 0xff9b_b4d0_b607);
        assert_eq!(s.to_bytes(), [0xff, 0x9b, 0xb4, 0xd0, 0xb6, 0x07]);
        // TS 33.102 C.1.1.1: IND is the least significant bits.
        assert_eq!(s.ind(5), 0x07);
        assert_eq!(s.seq(5), 0xff9b_b4d0_b607 >> 5);
        assert_eq!(Sqn::from_seq_ind(s.seq(5), s.ind(5), 5), Some(s));
        assert_eq!(Sqn::new(1 << 48), None);
        assert_eq!(Sqn::from_seq_ind(1, 32, 5), None);
        assert_eq!(Sqn::from_seq_ind(1 << 43, 0, 5), None);
        assert_eq!(Sqn::from_seq_ind(3, 0, 0), Sqn::new(3));
    }

    #[test]
    fn fresh_replayed_and_per_slot() {
        let mut st = SqnState::new();
        // Initial entries are zero (C.2.2), so SEQ = 0 is not fresh.
        assert_eq!(st.accept(&P, sqn(0, 3)).unwrap(), Verdict::Replayed);
        assert_eq!(st.accept(&P, sqn(5, 3)).unwrap(), Verdict::Fresh);
        assert_eq!(st.slot(3), Some(sqn(5, 3)));
        assert_eq!(st.accept(&P, sqn(5, 3)).unwrap(), Verdict::Replayed);
        assert_eq!(st.accept(&P, sqn(4, 3)).unwrap(), Verdict::Replayed);
        // Another IND slot still accepts an older SEQ: vectors used out of order.
        assert_eq!(st.accept(&P, sqn(2, 7)).unwrap(), Verdict::Fresh);
        assert_eq!(st.accept(&P, sqn(1, 8)).unwrap(), Verdict::Fresh);
        assert_eq!(st.sqn_ms(), sqn(5, 3));
        assert_eq!(st.accept(&P, sqn(6, 3)).unwrap(), Verdict::Fresh);
        assert_eq!(st.sqn_ms(), sqn(6, 3));
    }

    #[test]
    fn delta_and_limit() {
        let mut st = SqnState::new();
        // C.2.1: SEQ − SEQ_MS ≤ Δ is accepted, one more is not.
        assert_eq!(st.check(&P, sqn(1 << 28, 0)).unwrap(), Verdict::Fresh);
        assert_eq!(
            st.check(&P, sqn((1 << 28) + 1, 0)).unwrap(),
            Verdict::TooFarAhead
        );
        st.accept(&P, sqn(1000, 0)).unwrap();
        // C.2.2: with L, SEQ_MS − SEQ < L.
        let limited = SqnPolicy {
            limit: Some(10),
            ..P
        };
        assert_eq!(st.check(&limited, sqn(991, 1)).unwrap(), Verdict::Fresh);
        assert_eq!(st.check(&limited, sqn(990, 1)).unwrap(), Verdict::TooOld);
        assert_eq!(st.check(&P, sqn(990, 1)).unwrap(), Verdict::Fresh);
        // A refused SQN leaves the state alone.
        let before = st.clone();
        assert_eq!(st.accept(&limited, sqn(1, 2)).unwrap(), Verdict::TooOld);
        assert_eq!(st, before);
    }

    #[test]
    fn shorter_ind_uses_fewer_slots() {
        let p = SqnPolicy { ind_bits: 0, ..P };
        let mut st = SqnState::new();
        assert_eq!(st.accept(&p, Sqn::new(7).unwrap()).unwrap(), Verdict::Fresh);
        assert_eq!(
            st.accept(&p, Sqn::new(6).unwrap()).unwrap(),
            Verdict::Replayed
        );
        assert_eq!(st.slot(0), Sqn::new(7));
    }

    #[test]
    fn invalid_policies() {
        let st = SqnState::new();
        let bad = SqnPolicy { ind_bits: 6, ..P };
        assert!(st.check(&bad, sqn(1, 0)).is_err());
        let bad = SqnPolicy {
            limit: Some(0),
            ..P
        };
        assert!(st.check(&bad, sqn(1, 0)).is_err());
    }

    #[test]
    fn encoding() {
        let mut st = SqnState::new();
        st.accept(&P, sqn(1, 1)).unwrap();
        let e = st.encode();
        assert_eq!(e.len(), 193);
        assert_eq!(e[0], SqnState::FORMAT);
        // Slot 1 holds SQN = SEQ 1 ‖ IND 1 = 0x21.
        assert_eq!(&e[7..13], &[0, 0, 0, 0, 0, 0x21]);
        assert_eq!(SqnState::decode(&e).unwrap(), st);
        assert!(SqnState::decode(&e[..192]).is_err());
        let mut bad = e;
        bad[0] = 2;
        assert!(SqnState::decode(&bad).is_err());
    }

    proptest! {
        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = SqnState::decode(&bytes);
        }

        #[test]
        fn encode_decode_round_trip(slots in proptest::collection::vec(0u64..(1 << 48), 32)) {
            let mut st = SqnState::new();
            for (s, v) in st.accepted.iter_mut().zip(&slots) {
                *s = Sqn::new(*v).unwrap();
            }
            prop_assert_eq!(SqnState::decode(&st.encode()).unwrap(), st.clone());
            // Canonical: every 193-byte string with the format byte decodes and re-encodes
            // to itself.
            let mut raw = [0u8; SqnState::ENCODED_LEN];
            raw[0] = SqnState::FORMAT;
            for (i, b) in raw.iter_mut().enumerate().skip(1) {
                *b = (slots[i % 32] >> (i % 8)) as u8;
            }
            prop_assert_eq!(SqnState::decode(&raw).unwrap().encode(), raw);
        }

        #[test]
        fn check_never_panics(seq in any::<u64>(), ind in 0u8..32, bits in 0u8..8, delta: u64, limit: Option<u64>, seed in 0u64..(1 << 48)) {
            let p = SqnPolicy { ind_bits: bits, delta, limit };
            let mut st = SqnState::new();
            let _ = st.accept(&SqnPolicy { delta: u64::MAX, ..P }, Sqn::new(seed).unwrap());
            if let Some(s) = Sqn::new(seq & ((1 << 48) - 1)) {
                let _ = st.accept(&p, s);
            }
            let _ = Sqn::from_seq_ind(seq, ind, bits);
            prop_assert!(st.sqn_ms() <= Sqn::MAX);
        }
    }
}
