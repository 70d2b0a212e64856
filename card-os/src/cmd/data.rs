//! RETRIEVE DATA and SET DATA on BER-TLV structured EFs (ETSI TS 102 221 §11.3.1,
//! §11.3.2), single-block form: P1 `00`, the tag in the data field.

use apdu::command::Command;
use apdu::response::Response;
use apdu::status::Sw;
use apdu::tlv::ber::{Tag, Tlv};

use crate::access::Operation;
use crate::card::Card;
use crate::fs::{Body, NodeId};

impl Card {
    /// The BER-TLV EF addressed by P2 of a first block (b8-b7 = `10`): b5-b1 an SFI in
    /// the current DF, or `00000` for the current EF (TS 102 221 §11.3.1.2, §11.3.2.2).
    fn ber_target(&mut self, ch: u8, p2: u8, op: Operation) -> Result<NodeId, Sw> {
        let sfi = (p2 & 0xC0 == 0x80).then_some(p2 & 0x1F);
        let id = self.target_ef(ch, sfi)?;
        if !matches!(self.fs.get(id).map(|f| &f.body), Some(Body::BerTlv { .. })) {
            return Err(Sw::INCOMPATIBLE_FILE_STRUCTURE);
        }
        self.usable(ch, id, op)?;
        Ok(id)
    }

    /// RETRIEVE DATA: the data object with the tag given in the data field, as a whole
    /// TLV. An unknown tag answers `6A88`.
    pub(crate) fn retrieve_data(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        if cmd.p1 != 0x00 {
            return Err(Sw::INCORRECT_P1P2);
        }
        let tag = Tag::from_bytes(&cmd.data).map_err(|_| Sw::WRONG_DATA)?;
        let id = self.ber_target(ch, cmd.p2, Operation::Read)?;
        let Some(Body::BerTlv { objects, .. }) = self.fs.get(id).map(|f| &f.body) else {
            return Err(Sw::INCOMPATIBLE_FILE_STRUCTURE);
        };
        let (_, value) = objects
            .iter()
            .find(|(t, _)| *t == tag.value())
            .ok_or(Sw::REFERENCED_DATA_NOT_FOUND)?;
        Ok(Response::new(Tlv::new(tag, value.clone()).encode(), Sw::OK))
    }

    /// SET DATA: creates or replaces the data object in the data field; an empty value
    /// deletes it. Beyond the file's size the answer is `6A84` and nothing changes.
    pub(crate) fn set_data(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        if cmd.p1 != 0x00 {
            return Err(Sw::INCORRECT_P1P2);
        }
        let tlv = Tlv::from_bytes(&cmd.data).map_err(|_| Sw::WRONG_DATA)?;
        let id = self.ber_target(ch, cmd.p2, Operation::Update)?;
        let Some(Body::BerTlv { objects, max_size }) = self.fs.get_mut(id).map(|f| &mut f.body)
        else {
            return Err(Sw::INCOMPATIBLE_FILE_STRUCTURE);
        };
        let tag = tlv.tag.value();
        let others: usize = objects
            .iter()
            .filter(|(t, _)| *t != tag)
            .map(|(t, v)| Tlv::new(Tag::new(*t), v.clone()).encoded_len())
            .sum();
        if !tlv.value.is_empty() && others + tlv.encoded_len() > *max_size {
            return Err(Sw::NOT_ENOUGH_MEMORY);
        }
        match objects.iter_mut().find(|(t, _)| *t == tag) {
            Some(slot) if !tlv.value.is_empty() => slot.1 = tlv.value,
            Some(_) => objects.retain(|(t, _)| *t != tag),
            None if !tlv.value.is_empty() => objects.push((tag, tlv.value)),
            None => return Err(Sw::REFERENCED_DATA_NOT_FOUND),
        }
        self.dirty.files.insert(id);
        Ok(Response::from_sw(Sw::OK))
    }
}
