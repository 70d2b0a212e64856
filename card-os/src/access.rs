//! Access conditions: evaluation of security attributes in expanded format (EF.ARR
//! records and tag `AB`, ISO/IEC 7816-4 §9.3.4 as profiled by ETSI TS 102 221 §9.2)
//! and compact format (tag `8C`, ISO/IEC 7816-4 §9.3.3).
//!
//! The card evaluates these for every file operation; callers never decide access.

/// A file operation subject to an access rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// READ BINARY/RECORD, SEARCH RECORD, RETRIEVE DATA (EF AM bit b1).
    Read,
    /// UPDATE BINARY/RECORD, SET DATA (EF AM bit b2).
    Update,
    /// INCREASE: the command-header rule `84 32` if present, else the UPDATE rule.
    Increase,
    /// DEACTIVATE FILE (AM bit b4).
    Deactivate,
    /// ACTIVATE FILE (AM bit b5).
    Activate,
    /// TERMINATE DF/EF (AM bit b6).
    Terminate,
    /// DELETE FILE (AM bit b7).
    Delete,
}

impl Operation {
    /// The access mode byte bit for this operation (ISO/IEC 7816-4 Tables 16/17).
    pub const fn am_bit(self) -> u8 {
        match self {
            Operation::Read => 0x01,
            Operation::Update | Operation::Increase => 0x02,
            Operation::Deactivate => 0x08,
            Operation::Activate => 0x10,
            Operation::Terminate => 0x20,
            Operation::Delete => 0x40,
        }
    }

    /// The instruction that a command-header AM DO (tag `84`) names for this operation.
    pub const fn ins(self) -> u8 {
        match self {
            Operation::Read => 0xB0,
            Operation::Update => 0xD6,
            Operation::Increase => 0x32,
            Operation::Deactivate => 0x04,
            Operation::Activate => 0x44,
            Operation::Terminate => 0xE8,
            Operation::Delete => 0xE4,
        }
    }
}

/// Tells whether a key reference's condition is met on the current channel: the PIN is
/// verified, or it is disabled (TS 102 221 §9.5.1).
pub trait KeyStatus {
    /// Whether user authentication with this key reference is satisfied.
    fn satisfied(&self, key_ref: u8) -> bool;
}

impl<F: Fn(u8) -> bool> KeyStatus for F {
    fn satisfied(&self, key_ref: u8) -> bool {
        self(key_ref)
    }
}

/// The outcome of evaluating an access rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The operation may proceed.
    Granted,
    /// A condition is not met now but could be (a PIN to verify): `6982`.
    NotSatisfied,
    /// The rule says never, or no rule covers the operation: `6982` too in TS 102 221,
    /// kept apart so traces and tests can tell them apart.
    Never,
}

/// Reads one simple BER-TLV with a one-byte tag; returns `(tag, value, rest)`.
fn next_tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&l0, rest) = rest.split_first()?;
    let (len, rest) = match l0 {
        0x00..=0x7F => (usize::from(l0), rest),
        0x81 => {
            let (&l, rest) = rest.split_first()?;
            (usize::from(l), rest)
        }
        _ => return None,
    };
    if rest.len() < len {
        return None;
    }
    let (value, rest) = rest.split_at(len);
    Some((tag, value, rest))
}

/// Evaluates a security condition DO (SC DO) recursively.
fn eval_sc(tag: u8, value: &[u8], keys: &dyn KeyStatus, depth: u8) -> bool {
    if depth > 8 {
        return false;
    }
    match tag {
        0x90 => true,  // always
        0x97 => false, // never
        0xA4 => {
            // Control reference template for authentication: 83 key reference, 95 usage qualifier.
            let mut rest = value;
            let mut ok = false;
            while let Some((t, v, r)) = next_tlv(rest) {
                if t == 0x83 {
                    ok = v.first().is_some_and(|&k| keys.satisfied(k));
                }
                rest = r;
            }
            ok
        }
        0xA0 => any_sc(value, keys, depth + 1), // OR template
        0xAF => {
            // AND template
            let mut rest = value;
            let mut all = true;
            let mut seen = false;
            while let Some((t, v, r)) = next_tlv(rest) {
                seen = true;
                all &= eval_sc(t, v, keys, depth + 1);
                rest = r;
            }
            seen && all
        }
        0xA7 => !any_sc(value, keys, depth + 1), // NOT template
        _ => false,
    }
}

fn any_sc(value: &[u8], keys: &dyn KeyStatus, depth: u8) -> bool {
    let mut rest = value;
    while let Some((t, v, r)) = next_tlv(rest) {
        if eval_sc(t, v, keys, depth) {
            return true;
        }
        rest = r;
    }
    false
}

/// Whether an access-mode DO covers the operation.
fn am_covers(tag: u8, value: &[u8], op: Operation) -> bool {
    match tag {
        0x80 => value.last().is_some_and(|am| am & op.am_bit() != 0),
        // Command-header AM DO (tag 8X with bit 3 = INS present): TS 102 221 uses `84 01 INS`.
        0x84 => value.first() == Some(&op.ins()),
        _ => false,
    }
}

/// Evaluates expanded-format rules (the content of an EF.ARR record or tag `AB`):
/// a sequence of AM DOs, each followed by SC DOs of which one must be satisfied.
pub fn evaluate_expanded(rules: &[u8], op: Operation, keys: &dyn KeyStatus) -> Verdict {
    let mut rest = rules;
    let mut covered_by_header = false;
    let mut verdict = Verdict::Never;
    let mut current_am: Option<bool> = None; // whether the current AM DO covers `op`
    let mut granted_here = false;
    let mut satisfiable_here = false; // an SC DO other than "never" follows the AM DO
    while let Some((tag, value, r)) = next_tlv(rest) {
        rest = r;
        if tag == 0xFF || tag == 0x00 {
            break; // padding
        }
        if tag & 0xF0 == 0x80 {
            // A new AM DO closes the previous rule.
            if current_am == Some(true) {
                if granted_here {
                    return Verdict::Granted;
                }
                if satisfiable_here {
                    verdict = merge(verdict, Verdict::NotSatisfied);
                }
            }
            let covers = am_covers(tag, value, op);
            if covers && tag == 0x84 {
                covered_by_header = true;
            }
            current_am = Some(covers);
            granted_here = false;
            satisfiable_here = false;
        } else if current_am == Some(true) {
            satisfiable_here |= tag != 0x97;
            granted_here |= eval_sc(tag, value, keys, 0);
        }
    }
    if current_am == Some(true) {
        if granted_here {
            return Verdict::Granted;
        }
        if satisfiable_here {
            verdict = merge(verdict, Verdict::NotSatisfied);
        }
    }
    if op == Operation::Increase && !covered_by_header && verdict == Verdict::Never {
        return evaluate_expanded(rules, Operation::Update, keys);
    }
    verdict
}

fn merge(a: Verdict, b: Verdict) -> Verdict {
    match (a, b) {
        (Verdict::Granted, _) | (_, Verdict::Granted) => Verdict::Granted,
        (Verdict::NotSatisfied, _) | (_, Verdict::NotSatisfied) => Verdict::NotSatisfied,
        _ => Verdict::Never,
    }
}

/// Evaluates compact-format security attributes: an AM byte, then one SC byte per AM
/// bit set from b7 down to b1 (ISO/IEC 7816-4 §9.3.3, Table 20). An SC byte with
/// b5 (user authentication) set asks for the key reference `app_pin`, the PIN of the
/// application the file belongs to; b4–b1 non-zero names a key reference directly.
pub fn evaluate_compact(attrs: &[u8], op: Operation, app_pin: u8, keys: &dyn KeyStatus) -> Verdict {
    let Some((&am, scs)) = attrs.split_first() else {
        return Verdict::Never;
    };
    let bit = if op == Operation::Increase {
        Operation::Update.am_bit()
    } else {
        op.am_bit()
    };
    if am & bit == 0 {
        return Verdict::Never;
    }
    // SC bytes are in order of the AM bits from b7 to b1.
    let index = (bit.trailing_zeros() as u8 + 1..7)
        .filter(|b| am & (1 << b) != 0)
        .count();
    let Some(&sc) = scs.get(index) else {
        return Verdict::Never;
    };
    match sc {
        0x00 => Verdict::Granted,
        0xFF => Verdict::Never,
        _ => {
            let key = if sc & 0x0F != 0 { sc & 0x0F } else { app_pin };
            if sc & 0x10 != 0 && keys.satisfied(key) {
                Verdict::Granted
            } else {
                Verdict::NotSatisfied
            }
        }
    }
}

/// Selects the EF.ARR record for a security environment from `(SE, record)` pairs
/// (TS 102 221 §11.1.1.4.7.3): the pair for `se`, else a pair without SE.
pub fn arr_record(records: &[(Option<u8>, u8)], se: u8) -> Option<u8> {
    records
        .iter()
        .find(|(s, _)| *s == Some(se))
        .or_else(|| records.iter().find(|(s, _)| s.is_none()))
        .map(|(_, r)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    // EF.ARR record contents in the style of TS 102 221 Annex E and real USIMs
    // (sysmoUSIM-SJS1 EF.ARR record 1: READ always, UPDATE/ACT/DEACT ADM1).
    const READ_ALW_UPDATE_ADM: &[u8] = &[
        0x80, 0x01, 0x01, 0x90, 0x00, //
        0x80, 0x01, 0x1A, 0xA4, 0x06, 0x83, 0x01, 0x0A, 0x95, 0x01, 0x08,
    ];
    // READ and UPDATE with PIN1; ACTIVATE/DEACTIVATE with ADM1.
    const PIN1_RW: &[u8] = &[
        0x80, 0x01, 0x03, 0xA4, 0x06, 0x83, 0x01, 0x01, 0x95, 0x01, 0x08, //
        0x80, 0x01, 0x18, 0xA4, 0x06, 0x83, 0x01, 0x0A, 0x95, 0x01, 0x08,
    ];

    fn none(_: u8) -> bool {
        false
    }

    #[test]
    fn always_and_adm() {
        assert_eq!(
            evaluate_expanded(READ_ALW_UPDATE_ADM, Operation::Read, &none),
            Verdict::Granted
        );
        assert_eq!(
            evaluate_expanded(READ_ALW_UPDATE_ADM, Operation::Update, &none),
            Verdict::NotSatisfied
        );
        let adm = |k: u8| k == 0x0A;
        assert_eq!(
            evaluate_expanded(READ_ALW_UPDATE_ADM, Operation::Update, &adm),
            Verdict::Granted
        );
        assert_eq!(
            evaluate_expanded(READ_ALW_UPDATE_ADM, Operation::Terminate, &adm),
            Verdict::Never
        );
    }

    #[test]
    fn pin_rules_and_increase_fallback() {
        let pin1 = |k: u8| k == 0x01;
        assert_eq!(
            evaluate_expanded(PIN1_RW, Operation::Read, &pin1),
            Verdict::Granted
        );
        assert_eq!(
            evaluate_expanded(PIN1_RW, Operation::Increase, &pin1),
            Verdict::Granted
        );
        assert_eq!(
            evaluate_expanded(PIN1_RW, Operation::Activate, &pin1),
            Verdict::NotSatisfied
        );
    }

    #[test]
    fn or_and_not_templates() {
        // 80 01 01 | AF (A4 PIN1, A4 ADM1): both needed.
        let and = [
            0x80, 0x01, 0x01, 0xAF, 0x10, 0xA4, 0x06, 0x83, 0x01, 0x01, 0x95, 0x01, 0x08, 0xA4,
            0x06, 0x83, 0x01, 0x0A, 0x95, 0x01, 0x08,
        ];
        assert_eq!(
            evaluate_expanded(&and, Operation::Read, &|k: u8| k == 1),
            Verdict::NotSatisfied
        );
        assert_eq!(
            evaluate_expanded(&and, Operation::Read, &|k: u8| k == 1 || k == 0x0A),
            Verdict::Granted
        );
        let mut or = and;
        or[3] = 0xA0;
        assert_eq!(
            evaluate_expanded(&or, Operation::Read, &|k: u8| k == 0x0A),
            Verdict::Granted
        );
    }

    #[test]
    fn never_rule() {
        let never = [0x80, 0x01, 0x02, 0x97, 0x00];
        assert_eq!(
            evaluate_expanded(&never, Operation::Update, &|_| true),
            Verdict::Never
        );
        assert_eq!(
            evaluate_expanded(&never, Operation::Read, &|_| true),
            Verdict::Never
        );
    }

    #[test]
    fn compact_format() {
        // AM 03 (read, update); SC for update (b2) first, then read (b1):
        // update needs user auth (b5), read always.
        let attrs = [0x03, 0x10, 0x00];
        assert_eq!(
            evaluate_compact(&attrs, Operation::Read, 1, &none),
            Verdict::Granted
        );
        assert_eq!(
            evaluate_compact(&attrs, Operation::Update, 1, &none),
            Verdict::NotSatisfied
        );
        assert_eq!(
            evaluate_compact(&attrs, Operation::Update, 1, &|k: u8| k == 1),
            Verdict::Granted
        );
        assert_eq!(
            evaluate_compact(&attrs, Operation::Delete, 1, &|_| true),
            Verdict::Never
        );
    }

    #[test]
    fn se_record_choice() {
        let pairs = [(Some(0), 2), (Some(1), 5)];
        assert_eq!(arr_record(&pairs, 0), Some(2));
        assert_eq!(arr_record(&pairs, 1), Some(5));
        assert_eq!(arr_record(&[(None, 3)], 1), Some(3));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(rules in proptest::collection::vec(proptest::num::u8::ANY, 0..64), k in 0u8..0x20) {
            for op in [Operation::Read, Operation::Update, Operation::Increase, Operation::Activate] {
                let _ = evaluate_expanded(&rules, op, &|r: u8| r == k);
                let _ = evaluate_compact(&rules, op, 1, &|r: u8| r == k);
            }
        }
    }
}
