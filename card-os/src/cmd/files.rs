//! Shared file lookups of the handlers: current EF, SFI addressing, life cycle checks.

use apdu::status::Sw;

use crate::access::Operation;
use crate::card::Card;
use crate::fs::{Lcsi, NodeId};

impl Card {
    /// The EF a READ/UPDATE addresses: by SFI in the current DF (which then becomes the
    /// current EF, TS 102 221 §11.1.3.2) or the current EF. `6986` without one,
    /// `6A82` for an unknown SFI.
    pub(crate) fn target_ef(&mut self, ch: u8, sfi: Option<u8>) -> Result<NodeId, Sw> {
        let chan = self.channel(ch).ok_or(Sw::LOGICAL_CHANNEL_NOT_SUPPORTED)?;
        match sfi {
            Some(sfi) if sfi != 0 => {
                let id = self
                    .fs
                    .child_by_sfi(chan.df, sfi)
                    .ok_or(Sw::FILE_NOT_FOUND)?;
                if let Some(c) = self.channel_mut(ch) {
                    if c.ef != Some(id) {
                        c.record = None;
                    }
                    c.ef = Some(id);
                }
                Ok(id)
            }
            _ => chan.ef.ok_or(Sw::COMMAND_NOT_ALLOWED_NO_EF),
        }
    }

    /// Checks that `file` may be used for `op` now: its life cycle allows it and the
    /// access rule is met on the channel.
    pub(crate) fn usable(&self, ch: u8, file: NodeId, op: Operation) -> Result<(), Sw> {
        let f = self.fs.get(file).ok_or(Sw::FILE_NOT_FOUND)?;
        // A terminated DF takes its whole subtree with it.
        let mut up = f.parent;
        while let Some(p) = up.and_then(|p| self.fs.get(p)) {
            if p.lcsi == Lcsi::Terminated {
                return Err(Sw::FILE_TERMINATED);
            }
            up = p.parent;
        }
        match f.lcsi {
            // TS 102 221 §9.3: a deactivated file can only be activated (or terminated).
            Lcsi::Deactivated
                if !matches!(
                    op,
                    Operation::Activate | Operation::Terminate | Operation::Delete
                ) =>
            {
                return Err(Sw::FILE_INVALIDATED)
            }
            Lcsi::Terminated => return Err(Sw::FILE_TERMINATED),
            _ => {}
        }
        self.check_access(ch, file, op)
    }
}
