//! DEACTIVATE FILE, ACTIVATE FILE (ETSI TS 102 221 §11.1.14, §11.1.15), TERMINATE DF
//! and TERMINATE EF (ETSI TS 102 222 §6.7, §6.8): life cycle changes of files.

use apdu::command::Command;
use apdu::response::Response;
use apdu::status::Sw;

use crate::access::Operation;
use crate::card::Card;
use crate::fs::{Lcsi, NodeId};

impl Card {
    /// The file a life-cycle command names: with no data the current EF (the current DF
    /// for TERMINATE DF); with data, a file found as SELECT P1 would find it (P1 `00`
    /// by FID, `08`/`09` by path), which becomes current.
    fn lifecycle_target(&mut self, ch: u8, cmd: &Command, df: bool) -> Result<NodeId, Sw> {
        if cmd.p2 != 0x00 {
            return Err(Sw::INCORRECT_P1P2);
        }
        if cmd.data.is_empty() {
            if cmd.p1 != 0x00 {
                return Err(Sw::INCORRECT_P1P2);
            }
            let c = self.channel(ch).ok_or(Sw::LOGICAL_CHANNEL_NOT_SUPPORTED)?;
            return if df {
                Ok(c.df)
            } else {
                c.ef.ok_or(Sw::COMMAND_NOT_ALLOWED_NO_EF)
            };
        }
        let id = match cmd.p1 {
            0x00 => match cmd.data.as_slice() {
                [a, b] => self.find_by_fid(ch, u16::from_be_bytes([*a, *b]))?,
                _ => return Err(Sw::WRONG_LENGTH),
            },
            0x08 | 0x09 => {
                let sel = Command {
                    cla: cmd.cla,
                    ins: 0xA4,
                    p1: cmd.p1,
                    p2: 0x0C,
                    data: cmd.data.clone(),
                    le: None,
                    extended: false,
                };
                self.select(ch, &sel)?;
                let c = self.channel(ch).ok_or(Sw::LOGICAL_CHANNEL_NOT_SUPPORTED)?;
                c.ef.unwrap_or(c.df)
            }
            _ => return Err(Sw::INCORRECT_P1P2),
        };
        if self.fs.get(id).is_some_and(|f| f.is_df()) != df {
            // An EF command naming a DF (or the reverse): wrong file structure.
            return Err(Sw::INCOMPATIBLE_FILE_STRUCTURE);
        }
        self.make_current(ch, id);
        Ok(id)
    }

    fn set_lcsi(&mut self, id: NodeId, lcsi: Lcsi) {
        if let Some(f) = self.fs.get_mut(id) {
            f.lcsi = lcsi;
            self.dirty.files.insert(id);
        }
    }

    /// DEACTIVATE FILE: the EF becomes deactivated (`04`); reading and updating it then
    /// answer `6283` until it is activated again.
    pub(crate) fn deactivate_file(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let id = self.lifecycle_target(ch, cmd, false)?;
        self.usable(ch, id, Operation::Deactivate)?;
        self.set_lcsi(id, Lcsi::Deactivated);
        Ok(Response::from_sw(Sw::OK))
    }

    /// ACTIVATE FILE: a deactivated EF becomes activated (`05`).
    pub(crate) fn activate_file(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let id = self.lifecycle_target(ch, cmd, false)?;
        self.usable(ch, id, Operation::Activate)?;
        self.set_lcsi(id, Lcsi::Activated);
        Ok(Response::from_sw(Sw::OK))
    }

    /// TERMINATE EF: irreversible; the EF answers `6285` afterwards.
    pub(crate) fn terminate_ef(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let id = self.lifecycle_target(ch, cmd, false)?;
        self.usable(ch, id, Operation::Terminate)?;
        self.set_lcsi(id, Lcsi::Terminated);
        Ok(Response::from_sw(Sw::OK))
    }

    /// TERMINATE DF: irreversible for the DF and everything below it.
    pub(crate) fn terminate_df(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let id = self.lifecycle_target(ch, cmd, true)?;
        self.usable(ch, id, Operation::Terminate)?;
        self.set_lcsi(id, Lcsi::Terminated);
        Ok(Response::from_sw(Sw::OK))
    }
}
