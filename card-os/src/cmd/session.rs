//! Session-level commands: MANAGE CHANNEL (ETSI TS 102 221 §11.1.17), GET CHALLENGE
//! (§11.1.14? ISO/IEC 7816-4 §11.5.3) and TERMINAL CAPABILITY (§11.1.19).

use apdu::command::Command;
use apdu::response::Response;
use apdu::status::Sw;

use super::ne;
use crate::card::Card;
use crate::channel::{Channel, MAX_CHANNELS};

impl Card {
    /// MANAGE CHANNEL: P1 `00` opens (P2 `00`: the card picks and returns the number;
    /// P2 `01`–`13`: that channel), P1 `80` closes channel P2. A channel opened from
    /// channel 0 starts at the MF; one opened from another channel inherits its current
    /// DF and application.
    pub(crate) fn manage_channel(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        match cmd.p1 {
            0x00 => {
                if !cmd.data.is_empty() {
                    return Err(Sw::WRONG_LENGTH);
                }
                let target = match cmd.p2 {
                    0x00 => {
                        if cmd.le.is_none() {
                            return Err(Sw::WRONG_LENGTH);
                        }
                        (1..MAX_CHANNELS as u8)
                            .find(|&c| self.channel(c).is_none())
                            .ok_or(Sw::LOGICAL_CHANNEL_NOT_SUPPORTED)?
                    }
                    n if usize::from(n) < MAX_CHANNELS => {
                        if self.channel(n).is_some() {
                            return Err(Sw::INCORRECT_P1P2);
                        }
                        n
                    }
                    _ => return Err(Sw::INCORRECT_P1P2),
                };
                let new = if ch == 0 {
                    Channel::new(self.fs.mf().unwrap_or(0))
                } else {
                    let from = self.channel(ch).ok_or(Sw::LOGICAL_CHANNEL_NOT_SUPPORTED)?;
                    Channel {
                        df: from.df,
                        ef: None,
                        record: None,
                        app: from.app,
                        local_verified: Vec::new(),
                    }
                };
                if let Some(slot) = self.channels.get_mut(usize::from(target)) {
                    *slot = Some(new);
                }
                let data = if cmd.p2 == 0 {
                    vec![target]
                } else {
                    Vec::new()
                };
                Ok(Response::new(data, Sw::OK))
            }
            0x80 => {
                if !cmd.data.is_empty() || cmd.le.is_some() {
                    return Err(Sw::WRONG_LENGTH);
                }
                if cmd.p2 == 0 || usize::from(cmd.p2) >= MAX_CHANNELS {
                    return Err(Sw::INCORRECT_P1P2);
                }
                match self.channels.get_mut(usize::from(cmd.p2)) {
                    Some(slot @ Some(_)) => {
                        *slot = None;
                        Ok(Response::from_sw(Sw::OK))
                    }
                    _ => Err(Sw::LOGICAL_CHANNEL_NOT_SUPPORTED),
                }
            }
            _ => Err(Sw::INCORRECT_P1P2),
        }
    }

    /// GET CHALLENGE: Le random bytes from the platform.
    pub(crate) fn get_challenge(&mut self, cmd: &Command) -> Result<Response, Sw> {
        if cmd.p1 != 0 || cmd.p2 != 0 {
            return Err(Sw::INCORRECT_P1P2);
        }
        if !cmd.data.is_empty() || cmd.le.is_none() {
            return Err(Sw::WRONG_LENGTH);
        }
        let mut data = vec![0u8; ne(cmd)];
        self.platform.fill_random(&mut data);
        Ok(Response::new(data, Sw::OK))
    }

    /// TERMINAL CAPABILITY: stores the terminal's capability TLVs (template `A9`).
    pub(crate) fn terminal_capability(&mut self, cmd: &Command) -> Result<Response, Sw> {
        if cmd.p1 != 0 || cmd.p2 != 0 {
            return Err(Sw::INCORRECT_P1P2);
        }
        if cmd.data.is_empty() {
            return Err(Sw::WRONG_LENGTH);
        }
        if apdu::tlv::ber::Tlv::decode_all(&cmd.data).is_err() {
            return Err(Sw::WRONG_DATA);
        }
        self.terminal_capability = cmd.data.clone();
        Ok(Response::from_sw(Sw::OK))
    }
}
