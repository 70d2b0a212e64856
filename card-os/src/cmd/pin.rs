//! VERIFY, CHANGE, DISABLE, ENABLE and UNBLOCK PIN (ETSI TS 102 221 §11.1.9–§11.1.13).
//!
//! Every try is made durable before its outcome is known: the retry counter is
//! decremented and committed, then the value compared, then the outcome committed with
//! the response. A power cut between the two commits leaves the try counted.

use apdu::command::Command;
use apdu::response::Response;
use apdu::status::Sw;

use crate::card::Card;
use crate::pin::{self, Attempt, PIN_LEN};

/// Which secret of a PIN a try is against.
#[derive(Clone, Copy)]
enum Which {
    Pin,
    Puk,
}

impl Card {
    /// The key reference in P2, checked against TS 102 221 Table 9.3 and this card's
    /// PINs: `6A86` for an invalid reference, `6A88` for one the card does not have or
    /// a local PIN of another application.
    fn key_ref(&self, ch: u8, cmd: &Command) -> Result<u8, Sw> {
        if cmd.p1 != 0x00 && cmd.ins != 0x26 {
            return Err(Sw::INCORRECT_P1P2);
        }
        let r = cmd.p2;
        if !pin::valid_key_ref(r) {
            return Err(Sw::INCORRECT_P1P2);
        }
        if !self.pins.contains_key(&r) {
            return Err(Sw::REFERENCED_DATA_NOT_FOUND);
        }
        if r & 0x80 != 0 {
            let df = self.current_df(ch)?;
            let root = self.fs.root_of(df);
            let listed = [df, root]
                .iter()
                .any(|&d| self.fs.get(d).is_some_and(|f| f.pin_refs().contains(&r)));
            if !listed {
                return Err(Sw::REFERENCED_DATA_NOT_FOUND);
            }
        }
        Ok(r)
    }

    /// Whether a key reference counts as verified on the channel.
    fn is_verified(&self, ch: u8, r: u8) -> bool {
        if r & 0x80 != 0 {
            self.channel(ch)
                .is_some_and(|c| c.local_verified.contains(&r))
        } else {
            self.verified.contains(&r)
        }
    }

    /// Records a successful verification on the channel.
    fn set_verified(&mut self, ch: u8, r: u8) {
        if r & 0x80 != 0 {
            if let Some(c) = self.channel_mut(ch) {
                if !c.local_verified.contains(&r) {
                    c.local_verified.push(r);
                }
            }
        } else {
            self.verified.insert(r);
        }
    }

    /// One counted try against the PIN or PUK of `r`: decrement, commit, compare.
    fn attempt(&mut self, ch: u8, r: u8, which: Which, candidate: &[u8]) -> Result<(), Sw> {
        let secret = self.secret_mut(r, which)?;
        if pin::begin_attempt(secret) == Attempt::Blocked {
            return Err(Sw::AUTH_METHOD_BLOCKED);
        }
        self.dirty.pins.insert(r);
        if self.commit().is_err() {
            self.mute = true;
            return Err(Sw::MEMORY_PROBLEM);
        }
        let secret = self.secret_mut(r, which)?;
        let outcome = pin::finish_attempt(secret, candidate);
        self.dirty.pins.insert(r);
        if outcome.is_err() && matches!(which, Which::Pin) {
            // A failed try also ends an earlier verification.
            self.verified.remove(&r);
            if let Some(c) = self.channel_mut(ch) {
                c.local_verified.retain(|&k| k != r);
            }
        }
        outcome
    }

    fn secret_mut(&mut self, r: u8, which: Which) -> Result<&mut pin::Secret, Sw> {
        let p = self.pins.get_mut(&r).ok_or(Sw::REFERENCED_DATA_NOT_FOUND)?;
        match which {
            Which::Pin => Ok(&mut p.pin),
            Which::Puk => p.puk.as_mut().ok_or(Sw::REFERENCED_DATA_NOT_FOUND),
        }
    }

    /// VERIFY PIN: with no data, the PIN's status (`9000` verified or disabled, `63Cx`,
    /// `6983`); with 8 bytes, a counted try.
    pub(crate) fn verify(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let r = self.key_ref(ch, cmd)?;
        let p = self.pins.get(&r).ok_or(Sw::REFERENCED_DATA_NOT_FOUND)?;
        match cmd.data.len() {
            0 => Ok(Response::from_sw(pin::query_status(
                p,
                self.is_verified(ch, r),
            ))),
            PIN_LEN => {
                if !p.enabled {
                    return Err(Sw::REFERENCE_DATA_INVALIDATED);
                }
                self.attempt(ch, r, Which::Pin, &cmd.data)?;
                self.set_verified(ch, r);
                Ok(Response::from_sw(Sw::OK))
            }
            _ => Err(Sw::WRONG_LENGTH),
        }
    }

    /// CHANGE PIN: old PIN then new PIN, 8 bytes each; the PIN must be enabled.
    pub(crate) fn change_pin(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let r = self.key_ref(ch, cmd)?;
        if cmd.data.len() != 2 * PIN_LEN {
            return Err(Sw::WRONG_LENGTH);
        }
        let (old, new) = cmd.data.split_at(PIN_LEN);
        if !pin::well_formed(r, new) {
            return Err(Sw::WRONG_DATA);
        }
        if !self.pins.get(&r).is_some_and(|p| p.enabled) {
            return Err(Sw::REFERENCE_DATA_INVALIDATED);
        }
        self.attempt(ch, r, Which::Pin, old)?;
        let p = self.pins.get_mut(&r).ok_or(Sw::REFERENCED_DATA_NOT_FOUND)?;
        p.pin.value.copy_from_slice(new);
        self.dirty.pins.insert(r);
        self.set_verified(ch, r);
        Ok(Response::from_sw(Sw::OK))
    }

    /// DISABLE PIN: P1 `00`, or P1 `11` to use the universal PIN as replacement
    /// (application PINs only, TS 102 221 §11.1.11). ADM keys cannot be disabled.
    pub(crate) fn disable_pin(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let replace = match cmd.p1 {
            0x00 => false,
            0x11 => true,
            _ => return Err(Sw::INCORRECT_P1P2),
        };
        let r = self.key_ref(ch, cmd)?;
        if cmd.data.len() != PIN_LEN {
            return Err(Sw::WRONG_LENGTH);
        }
        if matches!(r, 0x0A..=0x0E) || (replace && !(0x01..=0x08).contains(&r)) {
            return Err(Sw::INCORRECT_P1P2);
        }
        if replace
            && !self
                .pins
                .get(&0x11)
                .is_some_and(|u| u.enabled && !u.pin.blocked())
        {
            return Err(Sw::CONDITIONS_NOT_SATISFIED);
        }
        if !self.pins.get(&r).is_some_and(|p| p.enabled) {
            return Err(Sw::CONDITIONS_NOT_SATISFIED);
        }
        self.attempt(ch, r, Which::Pin, &cmd.data)?;
        let p = self.pins.get_mut(&r).ok_or(Sw::REFERENCED_DATA_NOT_FOUND)?;
        p.enabled = false;
        p.replaced_by_universal = replace;
        self.dirty.pins.insert(r);
        Ok(Response::from_sw(Sw::OK))
    }

    /// ENABLE PIN: the PIN must currently be disabled.
    pub(crate) fn enable_pin(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let r = self.key_ref(ch, cmd)?;
        if cmd.data.len() != PIN_LEN {
            return Err(Sw::WRONG_LENGTH);
        }
        if matches!(r, 0x0A..=0x0E) {
            return Err(Sw::INCORRECT_P1P2);
        }
        if self.pins.get(&r).is_some_and(|p| p.enabled) {
            return Err(Sw::CONDITIONS_NOT_SATISFIED);
        }
        self.attempt(ch, r, Which::Pin, &cmd.data)?;
        let p = self.pins.get_mut(&r).ok_or(Sw::REFERENCED_DATA_NOT_FOUND)?;
        p.enabled = true;
        p.replaced_by_universal = false;
        self.dirty.pins.insert(r);
        self.set_verified(ch, r);
        Ok(Response::from_sw(Sw::OK))
    }

    /// UNBLOCK PIN: with no data, the PUK's status (`63Cx`, `6983`); with PUK and new
    /// PIN (16 bytes), a counted PUK try that on success sets the new PIN and resets its
    /// counter.
    pub(crate) fn unblock_pin(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let r = self.key_ref(ch, cmd)?;
        let puk = self
            .pins
            .get(&r)
            .and_then(|p| p.puk.clone())
            .ok_or(Sw::REFERENCED_DATA_NOT_FOUND)?;
        match cmd.data.len() {
            0 => Ok(Response::from_sw(if puk.blocked() {
                Sw::AUTH_METHOD_BLOCKED
            } else {
                Sw::verify_failed(puk.tries_left)
            })),
            16 => {
                let (code, new) = cmd.data.split_at(PIN_LEN);
                if !pin::well_formed(r, new) {
                    return Err(Sw::WRONG_DATA);
                }
                self.attempt(ch, r, Which::Puk, code)?;
                let p = self.pins.get_mut(&r).ok_or(Sw::REFERENCED_DATA_NOT_FOUND)?;
                p.pin.value.copy_from_slice(new);
                p.pin.tries_left = p.pin.max_tries;
                self.dirty.pins.insert(r);
                self.set_verified(ch, r);
                Ok(Response::from_sw(Sw::OK))
            }
            _ => Err(Sw::WRONG_LENGTH),
        }
    }
}
