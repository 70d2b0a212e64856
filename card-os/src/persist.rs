//! The card's persistent state as store records, and back.
//!
//! Keys: `F` + node id (u32 BE) → a file with its content; `P` + key reference → a PIN;
//! `A` + app index (u32 BE) → an installed application (kind, AID, ADF, parameters and
//! private state); `M` + name → card-wide values (`Matr`). Values use a small versioned
//! binary layout written and read only here.

use std::collections::BTreeMap;

use crate::card::{Card, Dirty, Installed};
use crate::error::{Error, Result};
use crate::fs::{Body, File, FileSystem, Lcsi, RecordFile, RecordKind, Security};
use crate::pin::{Pin, Secret, PIN_LEN};
use crate::store::Change;

/// Layout version of every value; bumped on incompatible changes.
const VERSION: u8 = 1;

fn file_key(id: usize) -> Vec<u8> {
    let mut k = vec![b'F'];
    k.extend_from_slice(&(id as u32).to_be_bytes());
    k
}

fn app_key(index: usize) -> Vec<u8> {
    let mut k = vec![b'A'];
    k.extend_from_slice(&(index as u32).to_be_bytes());
    k
}

/// The changes that persist what `dirty` names.
pub(crate) fn changes(card: &Card, dirty: &Dirty) -> Vec<Change> {
    let mut out = Vec::new();
    for &id in &dirty.files {
        match card.fs.get(id) {
            Some(f) => out.push(Change::Put(file_key(id), encode_file(f))),
            None => out.push(Change::Delete(file_key(id))),
        }
    }
    for r in &dirty.pins {
        match card.pins.get(r) {
            Some(p) => out.push(Change::Put(vec![b'P', *r], encode_pin(p))),
            None => out.push(Change::Delete(vec![b'P', *r])),
        }
    }
    for &i in &dirty.apps {
        match card.apps.get(i) {
            Some(a) => out.push(Change::Put(app_key(i), encode_app(a))),
            None => out.push(Change::Delete(app_key(i))),
        }
    }
    out
}

/// Every record of the card's persistent state (for a new store, and for checks that
/// a reopened card equals the running one).
pub fn snapshot(card: &Card) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    out.push((b"Matr".to_vec(), card.atr.clone()));
    for (id, f) in card.fs.iter() {
        out.push((file_key(id), encode_file(f)));
    }
    for (r, p) in &card.pins {
        out.push((vec![b'P', *r], encode_pin(p)));
    }
    for (i, a) in card.apps.iter().enumerate() {
        out.push((app_key(i), encode_app(a)));
    }
    out.sort();
    out
}

/// An installed application as persisted: the factory rebuilds the implementation.
pub struct AppRecord {
    /// Factory key, e.g. `usim`.
    pub kind: String,
    /// AID.
    pub aid: Vec<u8>,
    /// ADF node.
    pub adf: Option<usize>,
    /// Opaque parameters for the factory.
    pub params: Vec<u8>,
    /// Private state.
    pub state: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// The card state decoded from records.
pub struct Loaded {
    /// The ATR.
    pub atr: Vec<u8>,
    /// Files.
    pub fs: FileSystem,
    /// PINs.
    pub pins: Vec<Pin>,
    /// Applications, in index order.
    pub apps: Vec<AppRecord>,
}

/// Decodes the records of a store.
pub fn load(records: &[(Vec<u8>, Vec<u8>)]) -> Result<Loaded> {
    let mut atr = None;
    let mut fs = FileSystem::new();
    let mut pins = Vec::new();
    let mut apps: BTreeMap<u32, AppRecord> = BTreeMap::new();
    for (k, v) in records {
        match k.split_first() {
            Some((b'F', id)) => {
                let id = u32::from_be_bytes(id.try_into().map_err(|_| bad("file key"))?) as usize;
                fs.put_at(id, decode_file(v)?);
            }
            Some((b'P', [_])) => pins.push(decode_pin(v)?),
            Some((b'A', i)) => {
                let i = u32::from_be_bytes(i.try_into().map_err(|_| bad("app key"))?);
                apps.insert(i, decode_app(v)?);
            }
            Some((b'M', name)) if name == b"atr" => atr = Some(v.clone()),
            _ => return Err(bad("unknown record")),
        }
    }
    if apps.keys().enumerate().any(|(i, &k)| i as u32 != k) {
        return Err(bad("application indexes not contiguous"));
    }
    Ok(Loaded {
        atr: atr.ok_or_else(|| bad("missing ATR"))?,
        fs,
        pins,
        apps: apps.into_values().collect(),
    })
}

fn bad(what: &str) -> Error {
    Error::State(format!("corrupt state: {what}"))
}

/// A cursor over a value.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(bad("truncated value"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?.first().copied().unwrap_or(0))
    }
    fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn bytes(&mut self) -> Result<Vec<u8>> {
        let n = self.u32()? as usize;
        Ok(self.take(n)?.to_vec())
    }
    fn opt_u32(&mut self) -> Result<Option<u32>> {
        let v = self.u32()?;
        Ok(if v == u32::MAX { None } else { Some(v) })
    }
    fn end(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(bad("trailing bytes"))
        }
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_be_bytes());
    out.extend_from_slice(b);
}

fn put_opt_u32(out: &mut Vec<u8>, v: Option<usize>) {
    out.extend_from_slice(&v.map_or(u32::MAX, |v| v as u32).to_be_bytes());
}

fn encode_file(f: &File) -> Vec<u8> {
    let mut o = vec![VERSION];
    o.extend_from_slice(&f.fid.to_be_bytes());
    o.push(f.sfi.unwrap_or(0xFF));
    put_bytes(&mut o, f.name.as_bytes());
    put_opt_u32(&mut o, f.parent);
    o.push(f.lcsi.byte());
    o.push(u8::from(f.shareable));
    match &f.security {
        Security::Arr { arr_fid, records } => {
            o.push(0);
            o.extend_from_slice(&arr_fid.to_be_bytes());
            o.push(records.len() as u8);
            for (se, rec) in records {
                o.push(se.map_or(0xFF, |s| s));
                o.push(*rec);
            }
        }
        Security::Compact(b) => {
            o.push(1);
            put_bytes(&mut o, b);
        }
        Security::Expanded(b) => {
            o.push(2);
            put_bytes(&mut o, b);
        }
    }
    match &f.body {
        Body::Df {
            children,
            aid,
            pins,
        } => {
            o.push(0);
            o.extend_from_slice(&(children.len() as u32).to_be_bytes());
            for c in children {
                o.extend_from_slice(&(*c as u32).to_be_bytes());
            }
            match aid {
                Some(a) => {
                    o.push(1);
                    put_bytes(&mut o, a);
                }
                None => o.push(0),
            }
            put_bytes(&mut o, pins);
        }
        Body::Transparent(d) => {
            o.push(1);
            put_bytes(&mut o, d);
        }
        Body::Records(r) => {
            o.push(2);
            o.push(u8::from(r.kind == RecordKind::Cyclic));
            o.push(r.record_len);
            o.push(u8::from(r.increase_allowed));
            o.extend_from_slice(&(r.records.len() as u32).to_be_bytes());
            for rec in &r.records {
                put_bytes(&mut o, rec);
            }
        }
        Body::BerTlv { objects, max_size } => {
            o.push(3);
            o.extend_from_slice(&(*max_size as u32).to_be_bytes());
            o.extend_from_slice(&(objects.len() as u32).to_be_bytes());
            for (t, v) in objects {
                o.extend_from_slice(&t.to_be_bytes());
                put_bytes(&mut o, v);
            }
        }
    }
    o
}

fn decode_file(v: &[u8]) -> Result<File> {
    let mut r = Reader(v);
    if r.u8()? != VERSION {
        return Err(bad("file layout version"));
    }
    let fid = r.u16()?;
    let sfi = Some(r.u8()?).filter(|&s| s != 0xFF);
    let name = String::from_utf8(r.bytes()?).map_err(|_| bad("file name"))?;
    let parent = r.opt_u32()?.map(|p| p as usize);
    let lcsi = Lcsi::from_byte(r.u8()?).ok_or_else(|| bad("LCSI"))?;
    let shareable = r.u8()? != 0;
    let security = match r.u8()? {
        0 => {
            let arr_fid = r.u16()?;
            let n = r.u8()?;
            let mut records = Vec::new();
            for _ in 0..n {
                let se = Some(r.u8()?).filter(|&s| s != 0xFF);
                records.push((se, r.u8()?));
            }
            Security::Arr { arr_fid, records }
        }
        1 => Security::Compact(r.bytes()?),
        2 => Security::Expanded(r.bytes()?),
        _ => return Err(bad("security kind")),
    };
    let body = match r.u8()? {
        0 => {
            let n = r.u32()? as usize;
            let mut children = Vec::with_capacity(n.min(1024));
            for _ in 0..n {
                children.push(r.u32()? as usize);
            }
            let aid = if r.u8()? == 1 { Some(r.bytes()?) } else { None };
            let pins = r.bytes()?;
            Body::Df {
                children,
                aid,
                pins,
            }
        }
        1 => Body::Transparent(r.bytes()?),
        2 => {
            let kind = if r.u8()? == 1 {
                RecordKind::Cyclic
            } else {
                RecordKind::LinearFixed
            };
            let record_len = r.u8()?;
            let increase_allowed = r.u8()? != 0;
            let n = r.u32()? as usize;
            let mut records = Vec::with_capacity(n.min(256));
            for _ in 0..n {
                records.push(r.bytes()?);
            }
            Body::Records(RecordFile {
                kind,
                record_len,
                records,
                increase_allowed,
            })
        }
        3 => {
            let max_size = r.u32()? as usize;
            let n = r.u32()? as usize;
            let mut objects = Vec::with_capacity(n.min(256));
            for _ in 0..n {
                let t = r.u32()?;
                objects.push((t, r.bytes()?));
            }
            Body::BerTlv { objects, max_size }
        }
        _ => return Err(bad("file body kind")),
    };
    r.end()?;
    Ok(File {
        fid,
        sfi,
        name,
        parent,
        lcsi,
        security,
        shareable,
        body,
    })
}

fn put_secret(o: &mut Vec<u8>, s: &Secret) {
    o.extend_from_slice(&s.value);
    o.push(s.max_tries);
    o.push(s.tries_left);
}

fn read_secret(r: &mut Reader<'_>) -> Result<Secret> {
    let mut value = [0u8; PIN_LEN];
    value.copy_from_slice(r.take(PIN_LEN)?);
    Ok(Secret {
        value,
        max_tries: r.u8()?,
        tries_left: r.u8()?,
    })
}

fn encode_pin(p: &Pin) -> Vec<u8> {
    let mut o = vec![
        VERSION,
        p.key_ref,
        u8::from(p.enabled),
        u8::from(p.replaced_by_universal),
    ];
    put_secret(&mut o, &p.pin);
    match &p.puk {
        Some(puk) => {
            o.push(1);
            put_secret(&mut o, puk);
        }
        None => o.push(0),
    }
    o
}

fn decode_pin(v: &[u8]) -> Result<Pin> {
    let mut r = Reader(v);
    if r.u8()? != VERSION {
        return Err(bad("PIN layout version"));
    }
    let key_ref = r.u8()?;
    let enabled = r.u8()? != 0;
    let replaced_by_universal = r.u8()? != 0;
    let pin = read_secret(&mut r)?;
    let puk = if r.u8()? == 1 {
        Some(read_secret(&mut r)?)
    } else {
        None
    };
    r.end()?;
    Ok(Pin {
        key_ref,
        pin,
        puk,
        enabled,
        replaced_by_universal,
    })
}

fn encode_app(a: &Installed) -> Vec<u8> {
    let mut o = vec![VERSION];
    put_bytes(&mut o, a.kind.as_bytes());
    put_bytes(&mut o, &a.aid);
    put_opt_u32(&mut o, a.adf);
    put_bytes(&mut o, &a.params);
    o.extend_from_slice(&(a.state.len() as u32).to_be_bytes());
    for (k, v) in &a.state {
        put_bytes(&mut o, k);
        put_bytes(&mut o, v);
    }
    o
}

fn decode_app(v: &[u8]) -> Result<AppRecord> {
    let mut r = Reader(v);
    if r.u8()? != VERSION {
        return Err(bad("application layout version"));
    }
    let kind = String::from_utf8(r.bytes()?).map_err(|_| bad("application kind"))?;
    let aid = r.bytes()?;
    let adf = r.opt_u32()?.map(|a| a as usize);
    let params = r.bytes()?;
    let n = r.u32()? as usize;
    let mut state = BTreeMap::new();
    for _ in 0..n {
        let k = r.bytes()?;
        state.insert(k, r.bytes()?);
    }
    r.end()?;
    Ok(AppRecord {
        kind,
        aid,
        adf,
        params,
        state,
    })
}
