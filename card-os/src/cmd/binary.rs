//! READ BINARY and UPDATE BINARY (ETSI TS 102 221 §11.1.3, §11.1.4).

use apdu::command::Command;
use apdu::response::Response;
use apdu::status::Sw;

use super::ne;
use crate::access::Operation;
use crate::card::Card;
use crate::fs::{Body, NodeId};

/// Offset and optional SFI from P1/P2: P1 b8 = 1 means b5–b1 of P1 are an SFI and P2 the
/// offset; otherwise P1 (b7–b1) and P2 are a 15-bit offset.
fn address(cmd: &Command) -> Result<(Option<u8>, usize), Sw> {
    if cmd.p1 & 0x80 != 0 {
        if cmd.p1 & 0x60 != 0 {
            return Err(Sw::INCORRECT_P1P2);
        }
        Ok((Some(cmd.p1 & 0x1F), usize::from(cmd.p2)))
    } else {
        Ok((None, usize::from(cmd.p1) << 8 | usize::from(cmd.p2)))
    }
}

impl Card {
    fn transparent_target(
        &mut self,
        ch: u8,
        cmd: &Command,
        op: Operation,
    ) -> Result<(NodeId, usize), Sw> {
        let (sfi, offset) = address(cmd)?;
        let id = self.target_ef(ch, sfi)?;
        let file = self.fs.get(id).ok_or(Sw::FILE_NOT_FOUND)?;
        if !matches!(file.body, Body::Transparent(_)) {
            return Err(Sw::INCOMPATIBLE_FILE_STRUCTURE);
        }
        self.usable(ch, id, op)?;
        Ok((id, offset))
    }

    /// READ BINARY: `6B00` for an offset beyond the file, `6282` with the bytes up to the
    /// end when fewer than Le remain.
    pub(crate) fn read_binary(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        if !cmd.data.is_empty() {
            return Err(Sw::WRONG_LENGTH);
        }
        let (id, offset) = self.transparent_target(ch, cmd, Operation::Read)?;
        let Some(Body::Transparent(content)) = self.fs.get(id).map(|f| &f.body) else {
            return Err(Sw::INCOMPATIBLE_FILE_STRUCTURE);
        };
        if offset >= content.len() && !(offset == 0 && content.is_empty()) {
            return Err(Sw::WRONG_P1P2);
        }
        let want = ne(cmd);
        let end = offset.saturating_add(want).min(content.len());
        let data = content.get(offset..end).unwrap_or_default().to_vec();
        // ISO/IEC 7816-4 §11.2.3: fewer than Ne bytes before the end is the warning 6282.
        let sw = if data.len() < want && cmd.le.is_some() {
            Sw::END_OF_FILE
        } else {
            Sw::OK
        };
        Ok(Response::new(data, sw))
    }

    /// UPDATE BINARY: `6700` when the data runs past the end of the file.
    pub(crate) fn update_binary(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        if cmd.data.is_empty() {
            return Err(Sw::WRONG_LENGTH);
        }
        let (id, offset) = self.transparent_target(ch, cmd, Operation::Update)?;
        let Some(Body::Transparent(content)) = self.fs.get_mut(id).map(|f| &mut f.body) else {
            return Err(Sw::INCOMPATIBLE_FILE_STRUCTURE);
        };
        if offset >= content.len() {
            return Err(Sw::WRONG_P1P2);
        }
        let dst = offset
            .checked_add(cmd.data.len())
            .and_then(|end| content.get_mut(offset..end))
            .ok_or(Sw::WRONG_LENGTH)?;
        dst.copy_from_slice(&cmd.data);
        self.dirty.files.insert(id);
        Ok(Response::from_sw(Sw::OK))
    }
}
