//! SELECT (ETSI TS 102 221 §11.1.1, 3GPP TS 51.011 §9.2.1 for class `A0`) and STATUS
//! (TS 102 221 §11.1.2).

use apdu::command::Command;
use apdu::ins::Family;
use apdu::response::Response;
use apdu::status::Sw;

use crate::card::Card;
use crate::fs::{self, Lcsi, NodeId, CURRENT_ADF_FID, MF_FID};

/// What a SELECT returns (P2 b4–b3, TS 102 221 Table 11.2).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Fcp,
    Nothing,
}

impl Card {
    /// SELECT by FID, by DF name (AID), by path, parent DF.
    pub(crate) fn select(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let gsm = Family::of(cmd.cla) == Family::Gsm;
        if gsm {
            // TS 51.011 §9.2.1: P1 = P2 = 00, data = FID.
            if cmd.p1 != 0 || cmd.p2 != 0 {
                return Err(Sw::INCORRECT_P1P2);
            }
            let fid = fid_of(&cmd.data)?;
            let id = self.find_by_fid(ch, fid)?;
            self.make_current(ch, id);
            return Ok(Response::new(self.gsm_select_response(id), Sw::OK));
        }
        let answer = match cmd.p2 & 0x0C {
            0x04 | 0x00 => Answer::Fcp,
            0x0C => Answer::Nothing,
            _ => return Err(Sw::INCORRECT_P1P2),
        };
        let id = match cmd.p1 {
            0x00 => {
                if cmd.data.is_empty() {
                    self.fs.mf().ok_or(Sw::FILE_NOT_FOUND)?
                } else {
                    self.find_by_fid(ch, fid_of(&cmd.data)?)?
                }
            }
            0x01 => {
                let fid = fid_of(&cmd.data)?;
                let df = self.current_df(ch)?;
                let id = self.fs.child(df, fid).ok_or(Sw::FILE_NOT_FOUND)?;
                if !self.fs.get(id).is_some_and(|f| f.is_df()) {
                    return Err(Sw::FILE_NOT_FOUND);
                }
                id
            }
            0x03 => {
                if !cmd.data.is_empty() {
                    return Err(Sw::WRONG_LENGTH);
                }
                let df = self.current_df(ch)?;
                match self.fs.parent(df) {
                    Some(p) => p,
                    None => return Err(Sw::FILE_NOT_FOUND),
                }
            }
            0x04 => return self.select_by_aid(ch, cmd, answer),
            0x08 | 0x09 => self.find_by_path(ch, &cmd.data, cmd.p1 == 0x08)?,
            _ => return Err(Sw::INCORRECT_P1P2),
        };
        self.make_current(ch, id);
        self.select_answer(ch, id, answer)
    }

    fn select_answer(&self, ch: u8, id: NodeId, answer: Answer) -> Result<Response, Sw> {
        let file = self.fs.get(id).ok_or(Sw::FILE_NOT_FOUND)?;
        let sw = match file.lcsi {
            Lcsi::Deactivated => Sw::FILE_INVALIDATED,
            Lcsi::Terminated => Sw::FILE_TERMINATED,
            _ => Sw::OK,
        };
        let data = match answer {
            Answer::Fcp => self.fcp(ch, id),
            Answer::Nothing => Vec::new(),
        };
        Ok(Response::new(data, sw))
    }

    /// The FCP template of a file as seen from channel `ch`.
    pub(crate) fn fcp(&self, _ch: u8, id: NodeId) -> Vec<u8> {
        match self.fs.get(id) {
            Some(f) => fs::fcp_template(f, |r| self.pins.get(&r).is_some_and(|p| p.enabled)),
            None => Vec::new(),
        }
    }

    /// The current DF of a channel.
    pub(crate) fn current_df(&self, ch: u8) -> Result<NodeId, Sw> {
        self.channel(ch)
            .map(|c| c.df)
            .ok_or(Sw::LOGICAL_CHANNEL_NOT_SUPPORTED)
    }

    /// The ADF of the application selected on the channel (`7FFF`).
    fn current_adf(&self, ch: u8) -> Option<NodeId> {
        let app = self.channel(ch)?.app?;
        self.apps.get(app)?.adf
    }

    /// SELECT by FID: the MF, `7FFF`, the current DF, its children, its parent and the
    /// parent's child DFs (TS 102 221 §8.4.1).
    pub(crate) fn find_by_fid(&self, ch: u8, fid: u16) -> Result<NodeId, Sw> {
        if fid == MF_FID {
            return self.fs.mf().ok_or(Sw::FILE_NOT_FOUND);
        }
        if fid == CURRENT_ADF_FID {
            return self.current_adf(ch).ok_or(Sw::FILE_NOT_FOUND);
        }
        let df = self.current_df(ch)?;
        if self.fs.get(df).is_some_and(|f| f.fid == fid) {
            return Ok(df);
        }
        if let Some(id) = self.fs.child(df, fid) {
            return Ok(id);
        }
        // An ADF's parent, for this search, is the MF.
        let parent = self.fs.parent(df).or_else(|| {
            if self.fs.get(df).is_some_and(|f| f.aid().is_some()) {
                self.fs.mf()
            } else {
                None
            }
        });
        if let Some(p) = parent {
            if self.fs.get(p).is_some_and(|f| f.fid == fid) {
                return Ok(p);
            }
            // Only DFs among the parent's children: an EF of the parent is not
            // selectable by FID from here (TS 102 221 §8.4.1).
            if let Some(id) = self.fs.child(p, fid) {
                if self.fs.get(id).is_some_and(|f| f.is_df()) {
                    return Ok(id);
                }
            }
        }
        Err(Sw::FILE_NOT_FOUND)
    }

    /// SELECT by path: from the MF (P1 `08`, path without `3F00`) or from the current
    /// DF (P1 `09`); a leading `7FFF` means the current ADF.
    fn find_by_path(&self, ch: u8, path: &[u8], from_mf: bool) -> Result<NodeId, Sw> {
        if path.is_empty() || !path.len().is_multiple_of(2) {
            return Err(Sw::WRONG_LENGTH);
        }
        let mut fids = path
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]));
        let mut cur = if from_mf {
            self.fs.mf().ok_or(Sw::FILE_NOT_FOUND)?
        } else {
            self.current_df(ch)?
        };
        let mut first = true;
        for fid in fids.by_ref() {
            if first && fid == CURRENT_ADF_FID {
                cur = self.current_adf(ch).ok_or(Sw::FILE_NOT_FOUND)?;
            } else if first && from_mf && fid == MF_FID {
                // Tolerate an explicit MF at the start of the path.
            } else {
                if !self.fs.get(cur).is_some_and(|f| f.is_df()) {
                    return Err(Sw::FILE_NOT_FOUND);
                }
                cur = self.fs.child(cur, fid).ok_or(Sw::FILE_NOT_FOUND)?;
            }
            first = false;
        }
        Ok(cur)
    }

    /// Makes a selected file current on the channel: a DF becomes the current DF (no
    /// current EF); an EF becomes the current EF in its DF. The record pointer is cleared.
    pub(crate) fn make_current(&mut self, ch: u8, id: NodeId) {
        let is_df = self.fs.get(id).is_some_and(|f| f.is_df());
        let parent = self.fs.parent(id);
        let root = self.fs.root_of(id);
        let app_of_root = self.apps.iter().position(|a| a.adf == Some(root));
        let mf = self.fs.mf();
        if let Some(c) = self.channel_mut(ch) {
            c.record = None;
            if is_df {
                c.df = id;
                c.ef = None;
            } else {
                if let Some(p) = parent {
                    c.df = p;
                }
                c.ef = Some(id);
            }
            // Moving into another ADF's tree selects that application; moving to the MF
            // tree keeps the application (its PINs stay in force, TS 102 221 §8.5).
            if Some(root) != mf {
                if let Some(a) = app_of_root {
                    c.app = Some(a);
                }
            }
        }
    }

    /// SELECT by DF name: full or partial AID, first or next occurrence (P2 b2–b1),
    /// activation or termination of the application session (P2 b7).
    fn select_by_aid(&mut self, ch: u8, cmd: &Command, answer: Answer) -> Result<Response, Sw> {
        if cmd.data.is_empty() || cmd.data.len() > 16 {
            return Err(Sw::WRONG_LENGTH);
        }
        let terminate = cmd.p2 & 0x40 != 0;
        let next = match cmd.p2 & 0x03 {
            0x00 => false,
            0x02 => true,
            _ => return Err(Sw::INCORRECT_P1P2),
        };
        let matching: Vec<usize> = (0..self.apps.len())
            .filter(|&i| {
                self.apps
                    .get(i)
                    .is_some_and(|a| a.aid.starts_with(&cmd.data))
            })
            .collect();
        let current = self.channel(ch).and_then(|c| c.app);
        let index = if next {
            match current.and_then(|cur| matching.iter().position(|&i| i == cur)) {
                Some(pos) => matching.get(pos + 1).copied(),
                None => matching.first().copied(),
            }
        } else {
            matching.first().copied()
        }
        .ok_or(Sw::FILE_NOT_FOUND)?;
        if terminate {
            if current == Some(index) {
                if let Some(c) = self.channel_mut(ch) {
                    c.app = None;
                    c.local_verified.clear();
                }
            }
            return Ok(Response::from_sw(Sw::OK));
        }
        let adf = self.apps.get(index).and_then(|a| a.adf);
        if let Some(adf) = adf {
            if self.fs.get(adf).is_some_and(|f| f.lcsi == Lcsi::Terminated) {
                return Err(Sw::FILE_TERMINATED);
            }
        }
        self.with_app(ch, index, |app, ctx| app.select(ctx))
            .unwrap_or(Err(Sw::FILE_NOT_FOUND))?;
        if let Some(c) = self.channel_mut(ch) {
            if c.app != Some(index) {
                c.local_verified.clear();
            }
            c.app = Some(index);
            c.ef = None;
            c.record = None;
            if let Some(adf) = adf {
                c.df = adf;
            }
        }
        match adf {
            Some(adf) => self.select_answer(ch, adf, answer),
            None => {
                let fci = self
                    .with_app(ch, index, |app, ctx| app.select_response(ctx))
                    .flatten();
                Ok(Response::new(
                    if answer == Answer::Fcp {
                        fci.unwrap_or_default()
                    } else {
                        Vec::new()
                    },
                    Sw::OK,
                ))
            }
        }
    }

    /// STATUS: P1 `00`/`01`/`02` (no indication, application initialised, terminating);
    /// P2 `00` FCP of the current DF/ADF, `01` the DF name TLV, `0C` nothing.
    pub(crate) fn status(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        if Family::of(cmd.cla) == Family::Gsm {
            let df = self.current_df(ch)?;
            return Ok(Response::new(self.gsm_select_response(df), Sw::OK));
        }
        if cmd.p1 > 0x02 {
            return Err(Sw::INCORRECT_P1P2);
        }
        let df = self.current_df(ch)?;
        let data = match cmd.p2 {
            0x00 => self.fcp(ch, df),
            0x01 => match self
                .channel(ch)
                .and_then(|c| c.app)
                .and_then(|a| self.apps.get(a))
            {
                Some(app) => {
                    let mut v = vec![0x84, app.aid.len() as u8];
                    v.extend_from_slice(&app.aid);
                    v
                }
                None => Vec::new(),
            },
            0x0C => Vec::new(),
            _ => return Err(Sw::INCORRECT_P1P2),
        };
        Ok(Response::new(data, Sw::OK))
    }

    /// The TS 51.011 response to a class `A0` SELECT or STATUS.
    pub(crate) fn gsm_select_response(&self, id: NodeId) -> Vec<u8> {
        let Some(file) = self.fs.get(id) else {
            return Vec::new();
        };
        let children = file.children();
        let dfs = children
            .iter()
            .filter(|&&c| self.fs.get(c).is_some_and(|f| f.is_df()))
            .count();
        let efs = children.len() - dfs;
        let chv = |r: u8| {
            self.pins
                .get(&r)
                .map_or((false, 0), |p| (p.enabled, p.pin.tries_left))
        };
        let unblock = |r: u8| {
            self.pins
                .get(&r)
                .and_then(|p| p.puk.as_ref())
                .map_or((false, 0), |p| (true, p.tries_left))
        };
        let access = self.gsm_access_bytes(id);
        fs::gsm_response(
            file,
            (dfs as u8, efs as u8),
            [chv(0x01), unblock(0x01), chv(0x81), unblock(0x81)],
            access,
        )
    }
}

/// The FID in a SELECT's data field: exactly two bytes, else `6700`.
fn fid_of(data: &[u8]) -> Result<u16, Sw> {
    match data {
        [a, b] => Ok(u16::from_be_bytes([*a, *b])),
        _ => Err(Sw::WRONG_LENGTH),
    }
}
