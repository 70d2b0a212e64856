//! PINs, PUKs and ADM keys with retry counters (ETSI TS 102 221 §9.5, §11.1.9–§11.1.13).
//!
//! Key references (TS 102 221 Table 9.3): `01`–`08` application PINs, `11` universal
//! PIN, `0A`–`0E` ADM1–ADM5, `81`–`88` second (local) application PINs. Every key
//! reference exists once on the card; a local PIN belongs to the application whose
//! PIN status template lists it.

use apdu::status::Sw;

/// Length of a PIN or PUK block on the wire: 8 bytes, padded with `FF` (TS 102 221 §9.5.1).
pub const PIN_LEN: usize = 8;

/// Whether a key reference is valid per TS 102 221 Table 9.3.
pub const fn valid_key_ref(r: u8) -> bool {
    matches!(r, 0x01..=0x08 | 0x0A..=0x0E | 0x11 | 0x81..=0x88)
}

/// A human name for a key reference, e.g. `PIN1`, `ADM1`, `universal PIN`.
pub fn key_name(r: u8) -> String {
    match r {
        0x01..=0x08 => format!("PIN{}", r),
        0x0A..=0x0E => format!("ADM{}", r - 0x09),
        0x11 => "universal PIN".to_string(),
        0x81..=0x88 => format!("second PIN{}", r - 0x80),
        _ => format!("key {r:02X}"),
    }
}

/// A secret with a retry counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    /// The value, padded with `FF` to 8 bytes.
    pub value: [u8; PIN_LEN],
    /// Attempts allowed after a success.
    pub max_tries: u8,
    /// Attempts left; 0 means blocked.
    pub tries_left: u8,
}

impl Secret {
    /// A fresh secret with all tries left.
    pub fn new(value: [u8; PIN_LEN], max_tries: u8) -> Self {
        Secret {
            value,
            max_tries,
            tries_left: max_tries,
        }
    }

    /// Whether the retry counter reached zero.
    pub fn blocked(&self) -> bool {
        self.tries_left == 0
    }
}

/// A PIN (or ADM key) with its optional PUK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// Key reference.
    pub key_ref: u8,
    /// The PIN itself.
    pub pin: Secret,
    /// Its unblocking key, if any (ADM keys have none).
    pub puk: Option<Secret>,
    /// Whether verification is required (DISABLE/ENABLE PIN).
    pub enabled: bool,
    /// Disabled with the universal PIN as replacement (TS 102 221 §9.5.1, SE01).
    pub replaced_by_universal: bool,
}

/// Pads a PIN given as ASCII digits (e.g. `"1234"`) to the 8-byte block.
pub fn pad(pin: &[u8]) -> Option<[u8; PIN_LEN]> {
    if pin.is_empty() || pin.len() > PIN_LEN {
        return None;
    }
    let mut block = [0xFF; PIN_LEN];
    block.get_mut(..pin.len())?.copy_from_slice(pin);
    Some(block)
}

/// Constant-time comparison of two PIN blocks.
fn same(a: &[u8; PIN_LEN], b: &[u8]) -> bool {
    if b.len() != PIN_LEN {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a PIN block is well formed for TS 102 221 §9.5.1: digits `0`–`9` (`30`–`39`),
/// then `FF` padding; ADM keys may hold any bytes.
pub fn well_formed(key_ref: u8, block: &[u8]) -> bool {
    if block.len() != PIN_LEN {
        return false;
    }
    if matches!(key_ref, 0x0A..=0x0E) {
        return true;
    }
    let digits = block.iter().take_while(|b| b.is_ascii_digit()).count();
    digits >= 4 && block.iter().skip(digits).all(|&b| b == 0xFF)
}

/// The first step of a try: the counter is decremented *before* the comparison, so that
/// the decrement can be made durable first (a power cut never gives a try back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// A try was consumed; compare next.
    Counted,
    /// The counter is already zero: `6983`.
    Blocked,
}

/// Consumes a try of `secret`.
pub fn begin_attempt(secret: &mut Secret) -> Attempt {
    if secret.blocked() {
        return Attempt::Blocked;
    }
    secret.tries_left -= 1;
    Attempt::Counted
}

/// Completes a try begun with [`begin_attempt`]: on a match the counter is restored,
/// otherwise the answer is `63Cx` with the tries left (`6983` once none are left).
pub fn finish_attempt(secret: &mut Secret, candidate: &[u8]) -> Result<(), Sw> {
    if same(&secret.value, candidate) {
        secret.tries_left = secret.max_tries;
        Ok(())
    } else if secret.tries_left == 0 {
        Err(Sw::AUTH_METHOD_BLOCKED)
    } else {
        Err(Sw::verify_failed(secret.tries_left))
    }
}

/// The status a PIN query (VERIFY with no data) returns: `9000` when verified or
/// disabled, `63Cx` with the tries left otherwise, `6983` when blocked.
pub fn query_status(pin: &Pin, verified: bool) -> Sw {
    if pin.pin.blocked() {
        Sw::AUTH_METHOD_BLOCKED
    } else if verified || !pin.enabled {
        Sw::OK
    } else {
        Sw::verify_failed(pin.pin.tries_left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_and_format() {
        assert_eq!(
            pad(b"1234"),
            Some([0x31, 0x32, 0x33, 0x34, 0xFF, 0xFF, 0xFF, 0xFF])
        );
        assert_eq!(pad(b""), None);
        assert_eq!(pad(b"123456789"), None);
        assert!(well_formed(
            0x01,
            &[0x31, 0x32, 0x33, 0x34, 0xFF, 0xFF, 0xFF, 0xFF]
        ));
        assert!(!well_formed(
            0x01,
            &[0x31, 0x32, 0x33, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        ));
        assert!(!well_formed(
            0x01,
            &[0x31, 0x32, 0x33, 0x34, 0xFF, 0x35, 0xFF, 0xFF]
        ));
        assert!(well_formed(0x0A, &[0x00; 8]));
    }

    #[test]
    fn tries_are_counted_before_comparison() {
        let mut s = Secret::new(pad(b"1234").unwrap(), 3);
        assert_eq!(begin_attempt(&mut s), Attempt::Counted);
        assert_eq!(s.tries_left, 2, "decremented before the result is known");
        assert_eq!(
            finish_attempt(&mut s, &pad(b"0000").unwrap()),
            Err(Sw::verify_failed(2))
        );
        begin_attempt(&mut s);
        assert_eq!(finish_attempt(&mut s, &pad(b"1234").unwrap()), Ok(()));
        assert_eq!(s.tries_left, 3);
        for left in (0..3).rev() {
            begin_attempt(&mut s);
            let r = finish_attempt(&mut s, &pad(b"9999").unwrap());
            assert_eq!(
                r,
                Err(if left == 0 {
                    Sw::AUTH_METHOD_BLOCKED
                } else {
                    Sw::verify_failed(left)
                })
            );
        }
        assert_eq!(begin_attempt(&mut s), Attempt::Blocked);
    }

    #[test]
    fn key_references() {
        assert!(
            valid_key_ref(0x01)
                && valid_key_ref(0x0A)
                && valid_key_ref(0x11)
                && valid_key_ref(0x81)
        );
        assert!(
            !valid_key_ref(0x00)
                && !valid_key_ref(0x09)
                && !valid_key_ref(0x10)
                && !valid_key_ref(0x89)
        );
        assert_eq!(key_name(0x0A), "ADM1");
    }
}
