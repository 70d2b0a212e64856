//! Toolkit commands (ETSI TS 102 221 §11.2): TERMINAL PROFILE, ENVELOPE, FETCH and
//! TERMINAL RESPONSE.

use apdu::command::Command;
use apdu::response::Response;
use apdu::status::Sw;

use crate::card::Card;

impl Card {
    /// TERMINAL PROFILE: stores the terminal's toolkit capabilities.
    pub(crate) fn terminal_profile(&mut self, cmd: &Command) -> Result<Response, Sw> {
        if cmd.p1 != 0 || cmd.p2 != 0 {
            return Err(Sw::INCORRECT_P1P2);
        }
        if cmd.data.is_empty() {
            return Err(Sw::WRONG_LENGTH);
        }
        self.toolkit.terminal_profile = cmd.data.clone();
        Ok(Response::from_sw(Sw::OK))
    }

    /// FETCH: the next proactive command; Le must be its length (`6Cxx` otherwise).
    pub(crate) fn fetch(&mut self, cmd: &Command) -> Result<Response, Sw> {
        if cmd.p1 != 0 || cmd.p2 != 0 {
            return Err(Sw::INCORRECT_P1P2);
        }
        let len = self
            .toolkit
            .pending_len()
            .ok_or(Sw::CONDITIONS_NOT_SATISFIED)?;
        if let Some(le) = cmd.le {
            if le != len && !(le == 256 && len <= 256) {
                return Err(Sw::wrong_le(len.min(255) as u8));
            }
        }
        let data = self.toolkit.fetch().ok_or(Sw::CONDITIONS_NOT_SATISFIED)?;
        Ok(Response::new(data, Sw::OK))
    }

    /// TERMINAL RESPONSE: routed to the application that issued the fetched command.
    pub(crate) fn terminal_response(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        if cmd.p1 != 0 || cmd.p2 != 0 {
            return Err(Sw::INCORRECT_P1P2);
        }
        if cmd.data.is_empty() {
            return Err(Sw::WRONG_LENGTH);
        }
        match self.toolkit.take_response_owner() {
            None => Err(Sw::CONDITIONS_NOT_SATISFIED),
            Some(None) => Ok(Response::from_sw(Sw::OK)),
            Some(Some(app)) => self
                .with_app(ch, app, |a, ctx| a.terminal_response(ctx, &cmd.data))
                .unwrap_or(Ok(Response::from_sw(Sw::OK))),
        }
    }

    /// ENVELOPE: routed by its BER-TLV tag to the application that registered for it
    /// (TS 102 223 §7). An event download (`D6`) nobody registered for is acknowledged
    /// with `9000`; any other unclaimed envelope answers `6A80`.
    pub(crate) fn envelope(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        if cmd.p1 != 0 || cmd.p2 != 0 {
            return Err(Sw::INCORRECT_P1P2);
        }
        let Some(&tag) = cmd.data.first() else {
            return Err(Sw::WRONG_LENGTH);
        };
        let owner = self
            .apps
            .iter()
            .position(|a| a.app.envelope_tags().contains(&tag));
        match owner {
            Some(index) => self
                .with_app(ch, index, |a, ctx| a.envelope(ctx, &cmd.data))
                .unwrap_or(Err(Sw::TECHNICAL_PROBLEM)),
            None if tag == 0xD6 => Ok(Response::from_sw(Sw::OK)),
            None => Err(Sw::WRONG_DATA),
        }
    }
}
