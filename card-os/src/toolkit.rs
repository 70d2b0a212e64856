//! Card Application Toolkit plumbing (ETSI TS 102 221 §14, TS 102 223): the stored
//! TERMINAL PROFILE, the proactive-command queue behind `91xx` and FETCH, and routing
//! of TERMINAL RESPONSE back to the application that issued the command.

use std::collections::VecDeque;

/// Toolkit state of the card (volatile: cleared at reset).
#[derive(Debug, Clone, Default)]
pub struct Toolkit {
    /// The last TERMINAL PROFILE received (empty before the first one).
    pub terminal_profile: Vec<u8>,
    queue: VecDeque<(Option<usize>, Vec<u8>)>,
    awaiting_response: Option<Option<usize>>,
    pub(crate) current_app: Option<usize>,
}

impl Toolkit {
    /// Queues a proactive command (a complete `D0` BER-TLV) from the current application.
    pub fn push(&mut self, command: Vec<u8>) {
        self.queue.push_back((self.current_app, command));
    }

    /// Length of the next pending proactive command, reported as `91xx`, once the
    /// terminal has sent its profile.
    pub fn pending_len(&self) -> Option<usize> {
        if self.terminal_profile.is_empty() {
            return None;
        }
        self.queue.front().map(|(_, c)| c.len())
    }

    /// FETCH: hands out the next command (the terminal then owes a TERMINAL RESPONSE).
    pub fn fetch(&mut self) -> Option<Vec<u8>> {
        let (owner, cmd) = self.queue.pop_front()?;
        self.awaiting_response = Some(owner);
        Some(cmd)
    }

    /// TERMINAL RESPONSE arrived: which application (index) it goes to.
    /// `None` when no command was fetched (TS 102 221: `6985`).
    pub fn take_response_owner(&mut self) -> Option<Option<usize>> {
        self.awaiting_response.take()
    }

    /// Number of queued commands.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Clears everything volatile (card reset).
    pub fn reset(&mut self) {
        *self = Toolkit::default();
    }
}
