//! The card as an [`apdu::script::Transport`]: scripts and tests talk to an in-process
//! card exactly as a PC/SC client talks to a T=0 card in a reader.

use apdu::t0::{ReaderStep, ReaderT0};

use crate::card::Card;

/// A transport to an in-process card behind T=0.
pub struct CardTransport<'a> {
    /// The card.
    pub card: &'a mut Card,
    /// Resolve `61xx` (GET RESPONSE) and `6Cxx` (re-issue) like a PC/SC client; when
    /// false, R-APDUs are returned exactly as the T=0 card gives them.
    pub resolve_t0: bool,
}

impl<'a> CardTransport<'a> {
    /// A transport that resolves `61xx`/`6Cxx`.
    pub fn new(card: &'a mut Card) -> Self {
        CardTransport {
            card,
            resolve_t0: true,
        }
    }

    /// One exchange.
    pub fn exchange(&mut self, capdu: &[u8]) -> Result<Vec<u8>, apdu::Error> {
        if !self.resolve_t0 {
            return Ok(self.card.transmit(capdu));
        }
        let mut reader = ReaderT0::new();
        let mut next = reader.start(capdu)?;
        loop {
            let r = self.card.transmit(&next);
            match reader.on_response(&r)? {
                ReaderStep::Send(c) => next = c,
                ReaderStep::Done(r) => return Ok(r),
            }
        }
    }
}

impl apdu::script::Transport for CardTransport<'_> {
    type Error = apdu::Error;

    fn reset(&mut self) -> Result<Vec<u8>, apdu::Error> {
        Ok(self.card.reset())
    }

    fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, apdu::Error> {
        self.exchange(capdu)
    }
}
