//! READ RECORD, UPDATE RECORD, SEARCH RECORD and INCREASE (ETSI TS 102 221 §11.1.5–§11.1.8).

use apdu::command::Command;
use apdu::response::Response;
use apdu::status::Sw;

use super::ne;
use crate::access::Operation;
use crate::card::Card;
use crate::fs::{Body, NodeId, RecordFile, RecordKind};

/// Record addressing mode (P2 b3–b1, TS 102 221 Table 11.11).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Next,
    Previous,
    /// Absolute (P1 ≠ 0) or current (P1 = 0).
    Absolute,
}

fn mode(p2: u8) -> Result<Mode, Sw> {
    match p2 & 0x07 {
        0x02 => Ok(Mode::Next),
        0x03 => Ok(Mode::Previous),
        0x04 => Ok(Mode::Absolute),
        _ => Err(Sw::INCORRECT_P1P2),
    }
}

/// The SFI in P2 b8–b4 (0 = current EF).
fn sfi(p2: u8) -> Option<u8> {
    Some(p2 >> 3).filter(|&s| s != 0 && s != 0x1F)
}

/// The record index (0-based) a command addresses, and the record pointer afterwards.
fn resolve(
    rf: &RecordFile,
    pointer: Option<usize>,
    p1: u8,
    mode: Mode,
) -> Result<(usize, Option<usize>), Sw> {
    let n = rf.records.len();
    if n == 0 {
        return Err(Sw::RECORD_NOT_FOUND);
    }
    let cyclic = rf.kind == RecordKind::Cyclic;
    match mode {
        Mode::Absolute if p1 == 0 => pointer.map(|p| (p, pointer)).ok_or(Sw::RECORD_NOT_FOUND),
        Mode::Absolute => {
            let i = usize::from(p1) - 1;
            if i < n {
                Ok((i, pointer))
            } else {
                Err(Sw::RECORD_NOT_FOUND)
            }
        }
        Mode::Next | Mode::Previous if p1 != 0 => Err(Sw::INCORRECT_P1P2),
        Mode::Next => {
            let i = match pointer {
                None => 0,
                Some(p) if p + 1 < n => p + 1,
                Some(_) if cyclic => 0,
                Some(_) => return Err(Sw::RECORD_NOT_FOUND),
            };
            Ok((i, Some(i)))
        }
        Mode::Previous => {
            let i = match pointer {
                None => n - 1,
                Some(p) if p > 0 => p - 1,
                Some(_) if cyclic => n - 1,
                Some(_) => return Err(Sw::RECORD_NOT_FOUND),
            };
            Ok((i, Some(i)))
        }
    }
}

impl Card {
    /// The record EF addressed by P2's SFI (or the current EF), checked for structure,
    /// life cycle and access.
    fn record_target(&mut self, ch: u8, p2: u8, op: Operation) -> Result<NodeId, Sw> {
        let id = self.target_ef(ch, sfi(p2))?;
        if self.fs.get(id).and_then(|f| f.records()).is_none() {
            return Err(Sw::INCOMPATIBLE_FILE_STRUCTURE);
        }
        self.usable(ch, id, op)?;
        Ok(id)
    }

    fn record_file(&self, id: NodeId) -> Result<&RecordFile, Sw> {
        self.fs
            .get(id)
            .and_then(|f| f.records())
            .ok_or(Sw::INCOMPATIBLE_FILE_STRUCTURE)
    }

    fn set_pointer(&mut self, ch: u8, pointer: Option<usize>) {
        if let Some(c) = self.channel_mut(ch) {
            c.record = pointer;
        }
    }

    /// READ RECORD: Le must equal the record length (`6Cxx` with the length otherwise;
    /// Le = `00` reads the whole record).
    pub(crate) fn read_record(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        if !cmd.data.is_empty() {
            return Err(Sw::WRONG_LENGTH);
        }
        let mode = mode(cmd.p2)?;
        let id = self.record_target(ch, cmd.p2, Operation::Read)?;
        let pointer = self.channel(ch).and_then(|c| c.record);
        let rf = self.record_file(id)?;
        let (i, new_pointer) = resolve(rf, pointer, cmd.p1, mode)?;
        let len = usize::from(rf.record_len);
        let want = ne(cmd);
        if want != len && !(want == 256 && len <= 256) {
            return Err(Sw::wrong_le(rf.record_len));
        }
        let data = rf.records.get(i).cloned().ok_or(Sw::RECORD_NOT_FOUND)?;
        self.set_pointer(ch, new_pointer);
        Ok(Response::new(data, Sw::OK))
    }

    /// UPDATE RECORD: the data must be one whole record (`6700`). A cyclic file is
    /// updated only in previous mode: the oldest record is overwritten and becomes
    /// record 1.
    pub(crate) fn update_record(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let mode = mode(cmd.p2)?;
        let id = self.record_target(ch, cmd.p2, Operation::Update)?;
        let pointer = self.channel(ch).and_then(|c| c.record);
        let rf = self.record_file(id)?;
        if cmd.data.len() != usize::from(rf.record_len) {
            return Err(Sw::WRONG_LENGTH);
        }
        if rf.kind == RecordKind::Cyclic {
            if mode != Mode::Previous || cmd.p1 != 0 {
                return Err(Sw::INCORRECT_P1P2);
            }
            let Some(Body::Records(rf)) = self.fs.get_mut(id).map(|f| &mut f.body) else {
                return Err(Sw::INCOMPATIBLE_FILE_STRUCTURE);
            };
            rf.records.pop();
            rf.records.insert(0, cmd.data.clone());
            self.dirty.files.insert(id);
            self.set_pointer(ch, Some(0));
            return Ok(Response::from_sw(Sw::OK));
        }
        let (i, new_pointer) = resolve(rf, pointer, cmd.p1, mode)?;
        let Some(Body::Records(rf)) = self.fs.get_mut(id).map(|f| &mut f.body) else {
            return Err(Sw::INCOMPATIBLE_FILE_STRUCTURE);
        };
        let rec = rf.records.get_mut(i).ok_or(Sw::RECORD_NOT_FOUND)?;
        rec.copy_from_slice(&cmd.data);
        self.dirty.files.insert(id);
        self.set_pointer(ch, new_pointer);
        Ok(Response::from_sw(Sw::OK))
    }

    /// SEARCH RECORD, simple search (P2 b3–b1 `100` forward from P1, `101` backward from
    /// P1): the record numbers whose content starts with the pattern. No match answers
    /// `6282`. The record pointer moves to the first match.
    pub(crate) fn search_record(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let forward = match cmd.p2 & 0x07 {
            0x04 => true,
            0x05 => false,
            _ => return Err(Sw::INCORRECT_P1P2),
        };
        let id = self.record_target(ch, cmd.p2, Operation::Read)?;
        let rf = self.record_file(id)?;
        if cmd.data.is_empty() || cmd.data.len() > usize::from(rf.record_len) {
            return Err(Sw::WRONG_LENGTH);
        }
        let n = rf.records.len();
        let start = if cmd.p1 == 0 {
            if forward {
                1
            } else {
                n
            }
        } else {
            usize::from(cmd.p1)
        };
        if start == 0 || start > n {
            return Err(Sw::RECORD_NOT_FOUND);
        }
        let order: Vec<usize> = if forward {
            (start - 1..n).collect()
        } else {
            (0..start).rev().collect()
        };
        let hits: Vec<u8> = order
            .into_iter()
            .filter(|&i| rf.records.get(i).is_some_and(|r| r.starts_with(&cmd.data)))
            .map(|i| (i + 1) as u8)
            .collect();
        let Some(&first) = hits.first() else {
            // An unsuccessful search is the warning 6282 (TS 102 221 §10.2.1.1, ISO/IEC
            // 7816-4 Table 6); the record pointer is unchanged.
            return Ok(Response::from_sw(Sw::END_OF_FILE));
        };
        self.set_pointer(ch, Some(usize::from(first) - 1));
        Ok(Response::new(hits, Sw::OK))
    }

    /// INCREASE: adds the data (big-endian) to record 1 of a cyclic EF that allows it and
    /// stores the sum as the new record 1; answers the new value and the added value.
    /// An overflow answers `9850` and changes nothing.
    pub(crate) fn increase(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        if cmd.p1 != 0 || cmd.p2 != 0 {
            return Err(Sw::INCORRECT_P1P2);
        }
        let id = self.target_ef(ch, None)?;
        let rf = self.record_file(id)?;
        if rf.kind != RecordKind::Cyclic || !rf.increase_allowed {
            return Err(Sw::INCOMPATIBLE_FILE_STRUCTURE);
        }
        self.usable(ch, id, Operation::Increase)?;
        let rf = self.record_file(id)?;
        let len = usize::from(rf.record_len);
        if cmd.data.is_empty() || cmd.data.len() > len {
            return Err(Sw::WRONG_LENGTH);
        }
        let current = rf.records.first().ok_or(Sw::RECORD_NOT_FOUND)?;
        let mut sum = vec![0u8; len];
        let mut carry = 0u16;
        for i in (0..len).rev() {
            let a = u16::from(*current.get(i).unwrap_or(&0));
            let b = (i + cmd.data.len())
                .checked_sub(len)
                .and_then(|j| cmd.data.get(j))
                .map_or(0, |&b| u16::from(b));
            let s = a + b + carry;
            if let Some(d) = sum.get_mut(i) {
                *d = s as u8;
            }
            carry = s >> 8;
        }
        if carry != 0 {
            return Err(Sw::MAX_VALUE_REACHED);
        }
        let Some(Body::Records(rf)) = self.fs.get_mut(id).map(|f| &mut f.body) else {
            return Err(Sw::INCOMPATIBLE_FILE_STRUCTURE);
        };
        rf.records.pop();
        rf.records.insert(0, sum.clone());
        self.dirty.files.insert(id);
        self.set_pointer(ch, Some(0));
        let mut data = sum;
        data.extend_from_slice(&cmd.data);
        Ok(Response::new(data, Sw::OK))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rf(kind: RecordKind, n: usize) -> RecordFile {
        RecordFile {
            kind,
            record_len: 2,
            records: (0..n).map(|i| vec![i as u8; 2]).collect(),
            increase_allowed: false,
        }
    }

    // Record pointer rules of TS 102 221 §11.1.5.2 / §11.1.6.2.
    #[test]
    fn linear_next_previous_do_not_wrap() {
        let f = rf(RecordKind::LinearFixed, 3);
        assert_eq!(resolve(&f, None, 0, Mode::Next), Ok((0, Some(0))));
        assert_eq!(
            resolve(&f, Some(2), 0, Mode::Next),
            Err(Sw::RECORD_NOT_FOUND)
        );
        assert_eq!(resolve(&f, None, 0, Mode::Previous), Ok((2, Some(2))));
        assert_eq!(
            resolve(&f, Some(0), 0, Mode::Previous),
            Err(Sw::RECORD_NOT_FOUND)
        );
        assert_eq!(resolve(&f, Some(1), 3, Mode::Absolute), Ok((2, Some(1))));
        assert_eq!(
            resolve(&f, None, 0, Mode::Absolute),
            Err(Sw::RECORD_NOT_FOUND)
        );
        assert_eq!(
            resolve(&f, None, 4, Mode::Absolute),
            Err(Sw::RECORD_NOT_FOUND)
        );
    }

    #[test]
    fn cyclic_wraps() {
        let f = rf(RecordKind::Cyclic, 3);
        assert_eq!(resolve(&f, Some(2), 0, Mode::Next), Ok((0, Some(0))));
        assert_eq!(resolve(&f, Some(0), 0, Mode::Previous), Ok((2, Some(2))));
    }
}
