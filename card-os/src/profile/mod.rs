//! Card profiles: a declarative, human-editable TOML description of a card — identity,
//! PINs/PUKs/ADM keys, files and their contents, applications — turned into a [`Card`].
//!
//! The built-in [`DEFAULT_PROFILE`] (`default.toml` beside this file) documents every
//! field with test values. An invalid profile is refused with [`Error::Profile`] naming
//! the field and the reason; nothing is half-loaded, because the card is only built
//! after the whole profile has been checked.
//!
//! Structure (see `default.toml` for a complete, commented example):
//!
//! ```toml
//! [card]
//! atr = "3B9F96…"            # hex
//! iccid = "8988211000000000011"   # digits; written to EF.ICCID as swapped BCD
//!
//! [[pin]]                     # one per PIN/ADM key
//! key = "PIN1"                # PIN1..PIN8, ADM1..ADM5, UNIVERSAL, PIN2-LOCAL1..8 or hex "01"
//! value = "1234"              # ASCII digits, or "hex:3838…" for ADM keys
//! tries = 3
//! puk = "12345678"
//! puk_tries = 10
//!
//! [[file]]                    # files under the MF, by FID path below 3F00
//! path = "7F10/6F3A"          # "" is the MF itself
//! name = "EF.ADN"
//! type = "linear-fixed"       # df | transparent | linear-fixed | cyclic | ber-tlv
//! record_len = 30
//! records = 10                # or a list of hex strings
//! arr = "2F06"; arr_record = 2    # security: arr (+ arr_record | arr_se), compact, expanded
//!
//! [[application]]             # an ADF-based or file-less application
//! kind = "usim"               # resolved by the AppFactory (crate applets)
//! aid = "A0000000871002FF…"
//! label = "USIM"
//! pins = ["PIN1", "PIN2-LOCAL1"]   # PIN status template of the ADF
//! [application.params]        # free-form, handed to the factory
//! ```

mod spec;

pub use spec::{AppSpec, CardSpec, FileKindSpec, FileSpec, PinSpec, Profile, RecordsSpec};

use crate::app::Application;
use crate::card::{Card, Installed};
use crate::error::{Error, Result};
use crate::fs::{Body, File, FileSystem, Lcsi, NodeId, Security, MF_FID};
use crate::pin::{self, Pin, Secret};
use crate::platform::Platform;
use crate::store::Store;

/// The built-in default profile: every value is a documented test value.
pub const DEFAULT_PROFILE: &str = include_str!("default.toml");

/// What the applications layer provides for an application kind named in a profile.
pub trait AppProvider {
    /// The implementation of `kind` configured by `params` (the `[application.params]`
    /// table, serialised as TOML text so it can be persisted and rebuilt).
    fn create(&self, kind: &str, params: &str) -> Result<Box<dyn Application>>;
    /// The files of the application's ADF declared by the application itself (e.g. the
    /// USIM's EFs with contents derived from `params`), before the profile's own
    /// `[[application.file]]` entries are applied over them.
    fn adf_files(&self, _kind: &str, _params: &str) -> Result<Vec<FileSpec>> {
        Ok(Vec::new())
    }
    /// Files the application contributes under the MF (paths below `3F00`), e.g. DF.GSM
    /// mirroring a USIM's identity for GSM-era terminals. Entries whose path the profile
    /// declares itself are skipped; parents come before children.
    fn mf_files(&self, _kind: &str, _params: &str) -> Result<Vec<FileSpec>> {
        Ok(Vec::new())
    }
}

/// A provider that knows no application kinds (card-os on its own).
pub struct NoApps;

impl AppProvider for NoApps {
    fn create(&self, kind: &str, _params: &str) -> Result<Box<dyn Application>> {
        Err(Error::Profile {
            field: "application.kind".into(),
            reason: format!("unknown application kind `{kind}`"),
        })
    }
}

impl<T: AppProvider> crate::open::AppFactory for T {
    fn create(&self, kind: &str, params: &[u8]) -> Result<Box<dyn Application>> {
        let text = std::str::from_utf8(params)
            .map_err(|_| Error::State("application parameters are not UTF-8".into()))?;
        AppProvider::create(self, kind, text)
    }
}

fn err(field: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::Profile {
        field: field.into(),
        reason: reason.into(),
    }
}

impl Profile {
    /// Parses a profile from TOML text; syntax and type errors name the field.
    pub fn parse(text: &str) -> Result<Profile> {
        toml::from_str(text).map_err(|e| {
            let field = e
                .span()
                .map_or_else(String::new, |s| format!("at byte {}", s.start));
            err(field, e.message().to_string())
        })
    }

    /// The built-in default profile.
    pub fn default_profile() -> Profile {
        // The embedded profile is checked by a unit test; an error here is a build defect.
        Profile::parse(DEFAULT_PROFILE).unwrap_or_else(|_| Profile::empty())
    }

    fn empty() -> Profile {
        Profile {
            card: CardSpec {
                name: None,
                atr: String::new(),
                iccid: String::new(),
            },
            pin: vec![],
            file: vec![],
            application: vec![],
        }
    }

    /// Builds the card this profile describes with its state in `store` (which must be
    /// empty: the whole initial state is written as one commit).
    pub fn build(
        &self,
        provider: &dyn AppProvider,
        platform: Box<dyn Platform>,
        store: Box<dyn Store>,
    ) -> Result<Card> {
        let atr = spec::hex("card.atr", &self.card.atr)?;
        if atr.len() < 2 || atr.len() > 33 {
            return Err(err("card.atr", "an ATR has 2 to 33 bytes"));
        }
        let mut pins = Vec::new();
        for (i, p) in self.pin.iter().enumerate() {
            let built = build_pin(&format!("pin[{i}]"), p)?;
            if pins.iter().any(|q: &Pin| q.key_ref == built.key_ref) {
                return Err(err(format!("pin[{i}].key"), "key reference defined twice"));
            }
            pins.push(built);
        }
        let mut fs = FileSystem::new();
        let mf_spec = self
            .file
            .iter()
            .find(|f| f.path.trim_matches('/').is_empty());
        let mf_security = match mf_spec {
            Some(s) => s.security("file[MF]")?,
            None => Security::Arr {
                arr_fid: 0x2F06,
                records: vec![(None, 1)],
            },
        };
        let mf_pins = match mf_spec {
            Some(s) => key_refs("file[MF].pins", &s.pins)?,
            None => Vec::new(),
        };
        let mf = fs.add(
            None,
            File {
                fid: MF_FID,
                sfi: None,
                name: "MF".into(),
                parent: None,
                lcsi: Lcsi::Activated,
                security: mf_security,
                shareable: true,
                body: Body::Df {
                    children: vec![],
                    aid: None,
                    pins: mf_pins,
                },
            },
        );
        for (i, f) in self.file.iter().enumerate() {
            if f.path.trim_matches('/').is_empty() {
                continue;
            }
            add_file(&mut fs, mf, &format!("file[{i}]"), f)?;
        }
        // Files the applications contribute under the MF (after the profile's own).
        for (i, a) in self.application.iter().enumerate() {
            let params = toml::to_string(&a.params)
                .map_err(|e| err(format!("application[{i}].params"), e.to_string()))?;
            let mut specs = provider.mf_files(&a.kind, &params)?;
            specs.sort_by_key(|s| s.path.matches('/').count());
            for (j, f) in specs.iter().enumerate() {
                let fids =
                    spec::parse_path(&format!("application[{i}].mf_file[{j}].path"), &f.path)?;
                let mut cur = Some(mf);
                for fid in &fids {
                    cur = cur.and_then(|c| fs.child(c, *fid));
                }
                if cur.is_none() {
                    add_file(
                        &mut fs,
                        mf,
                        &format!("application[{i}].mf_file[{j}] ({})", f.path),
                        f,
                    )?;
                }
            }
        }
        // ICCID into EF.ICCID.
        if !self.card.iccid.is_empty() {
            let bcd = iccid_bcd(&self.card.iccid)
                .ok_or_else(|| err("card.iccid", "18 to 20 decimal digits expected"))?;
            let ef = fs.child(mf, 0x2FE2).ok_or_else(|| {
                err(
                    "card.iccid",
                    "the profile has no EF.ICCID (2FE2) under the MF",
                )
            })?;
            if let Some(Body::Transparent(c)) = fs.get_mut(ef).map(|f| &mut f.body) {
                if c.len() != 10 {
                    return Err(err("card.iccid", "EF.ICCID must be 10 bytes"));
                }
                c.copy_from_slice(&bcd);
            }
        }
        let mut apps = Vec::new();
        for (i, a) in self.application.iter().enumerate() {
            let field = format!("application[{i}]");
            let aid = spec::hex(&format!("{field}.aid"), &a.aid)?;
            if aid.len() < 5 || aid.len() > 16 {
                return Err(err(format!("{field}.aid"), "an AID has 5 to 16 bytes"));
            }
            if apps.iter().any(|x: &Installed| x.aid == aid) {
                return Err(err(format!("{field}.aid"), "AID used twice"));
            }
            let params = toml::to_string(&a.params)
                .map_err(|e| err(format!("{field}.params"), e.to_string()))?;
            let app = provider.create(&a.kind, &params).map_err(|e| match e {
                Error::Profile { reason, .. } => err(format!("{field}.kind"), reason),
                other => other,
            })?;
            let adf = if a.adf {
                let refs = key_refs(&format!("{field}.pins"), &a.pins)?;
                for r in &refs {
                    if !pins.iter().any(|p: &Pin| p.key_ref == *r) {
                        return Err(err(
                            format!("{field}.pins"),
                            format!("{} is not defined in [[pin]]", pin::key_name(*r)),
                        ));
                    }
                }
                let adf = fs.add(
                    None,
                    File {
                        fid: 0x7FFF,
                        sfi: None,
                        name: format!("ADF.{}", a.label),
                        parent: None,
                        lcsi: Lcsi::Activated,
                        security: match &a.security {
                            Some(s) => s.security(&field)?,
                            None => Security::Arr {
                                arr_fid: 0x6F06,
                                records: vec![(None, 1)],
                            },
                        },
                        shareable: true,
                        body: Body::Df {
                            children: vec![],
                            aid: Some(aid.clone()),
                            pins: refs,
                        },
                    },
                );
                let mut specs = provider.adf_files(&a.kind, &params)?;
                // Profile entries replace the application's own entries with the same path.
                for f in &a.file {
                    specs.retain(|s| s.path != f.path);
                    specs.push(f.clone());
                }
                specs.sort_by_key(|s| s.path.matches('/').count());
                for (j, f) in specs.iter().enumerate() {
                    add_file(&mut fs, adf, &format!("{field}.file[{j}] ({})", f.path), f)?;
                }
                Some(adf)
            } else {
                None
            };
            apps.push(Installed {
                kind: a.kind.clone(),
                params: params.into_bytes(),
                aid,
                adf,
                app,
                state: Default::default(),
            });
        }
        write_ef_dir(&mut fs, mf, &self.application, &apps)?;
        let card = Card::from_parts(
            fs,
            pins,
            apps,
            atr,
            platform,
            Box::new(crate::store::MemStore::default()),
        );
        Card::create(card, store)
    }
}

/// EF.DIR (`2F00`): one record per application with a label (TS 102 221 §13.1):
/// `61 L 4F len AID 50 len label`, padded with `FF`.
fn write_ef_dir(
    fs: &mut FileSystem,
    mf: NodeId,
    specs: &[AppSpec],
    apps: &[Installed],
) -> Result<()> {
    let Some(dir) = fs.child(mf, 0x2F00) else {
        return Ok(());
    };
    let Some(Body::Records(rf)) = fs.get_mut(dir).map(|f| &mut f.body) else {
        return Err(err("file[2F00]", "EF.DIR must be linear fixed"));
    };
    let listed: Vec<(&AppSpec, &Installed)> =
        specs.iter().zip(apps).filter(|(s, _)| s.dir).collect();
    if listed.len() > rf.records.len() {
        return Err(err(
            "file[2F00].records",
            format!(
                "EF.DIR has {} records for {} applications",
                rf.records.len(),
                listed.len()
            ),
        ));
    }
    for (i, (s, a)) in listed.iter().enumerate() {
        let mut inner = vec![0x4F, a.aid.len() as u8];
        inner.extend_from_slice(&a.aid);
        inner.extend_from_slice(&[0x50, s.label.len() as u8]);
        inner.extend_from_slice(s.label.as_bytes());
        let mut rec = vec![0x61, inner.len() as u8];
        rec.extend_from_slice(&inner);
        if rec.len() > usize::from(rf.record_len) {
            return Err(err(
                format!("application[{i}].label"),
                "the EF.DIR record is too short for this AID and label",
            ));
        }
        rec.resize(usize::from(rf.record_len), 0xFF);
        if let Some(r) = rf.records.get_mut(i) {
            *r = rec;
        }
    }
    Ok(())
}

/// ICCID digits as swapped BCD (TS 102 221 §13.2), padded with `F`.
fn iccid_bcd(digits: &str) -> Option<[u8; 10]> {
    if !(18..=20).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nibbles: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
    nibbles.resize(20, 0xF);
    let mut out = [0u8; 10];
    for (o, pair) in out.iter_mut().zip(nibbles.chunks_exact(2)) {
        *o = pair[1] << 4 | pair[0];
    }
    Some(out)
}

fn key_ref(field: &str, name: &str) -> Result<u8> {
    let up = name.to_ascii_uppercase();
    let r = match up.as_str() {
        "UNIVERSAL" | "UPIN" => 0x11,
        s if s.starts_with("PIN2-LOCAL") => {
            0x80 + s[10..]
                .parse::<u8>()
                .map_err(|_| err(field, "PIN2-LOCALn with n in 1..8"))?
        }
        s if s.starts_with("ADM") => {
            0x09 + s[3..]
                .parse::<u8>()
                .map_err(|_| err(field, "ADMn with n in 1..5"))?
        }
        s if s.starts_with("PIN") => s[3..]
            .parse::<u8>()
            .map_err(|_| err(field, "PINn with n in 1..8"))?,
        s => u8::from_str_radix(s, 16).map_err(|_| err(field, format!("unknown key `{name}`")))?,
    };
    if !pin::valid_key_ref(r) {
        return Err(err(
            field,
            format!("`{name}` is not a key reference of TS 102 221 Table 9.3"),
        ));
    }
    Ok(r)
}

fn key_refs(field: &str, names: &[String]) -> Result<Vec<u8>> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| key_ref(&format!("{field}[{i}]"), n))
        .collect()
}

fn secret(field: &str, value: &str, tries: u8, key: u8) -> Result<Secret> {
    let bytes = match value.strip_prefix("hex:") {
        Some(h) => spec::hex(field, h)?,
        None => value.as_bytes().to_vec(),
    };
    let block = pin::pad(&bytes).ok_or_else(|| err(field, "1 to 8 bytes expected"))?;
    if value.strip_prefix("hex:").is_none() && !pin::well_formed(key, &block) {
        return Err(err(
            field,
            "4 to 8 decimal digits expected (or hex:… for ADM keys)",
        ));
    }
    if tries == 0 || tries > 15 {
        return Err(err(field, "tries must be 1 to 15"));
    }
    Ok(Secret::new(block, tries))
}

fn build_pin(field: &str, p: &PinSpec) -> Result<Pin> {
    let key_ref = key_ref(&format!("{field}.key"), &p.key)?;
    let pin = secret(&format!("{field}.value"), &p.value, p.tries, key_ref)?;
    let puk = match &p.puk {
        Some(v) => Some(secret(&format!("{field}.puk"), v, p.puk_tries, 0x01)?),
        None => None,
    };
    Ok(Pin {
        key_ref,
        pin,
        puk,
        enabled: p.enabled,
        replaced_by_universal: false,
    })
}

/// Adds one file spec under `root` (the MF or an ADF), resolving its FID path.
fn add_file(fs: &mut FileSystem, root: NodeId, field: &str, f: &FileSpec) -> Result<NodeId> {
    let fids = spec::parse_path(&format!("{field}.path"), &f.path)?;
    let (last, parents) = fids
        .split_last()
        .ok_or_else(|| err(format!("{field}.path"), "empty path"))?;
    let mut parent = root;
    for fid in parents {
        parent = fs
            .child(parent, *fid)
            .filter(|&p| fs.get(p).is_some_and(|x| x.is_df()))
            .ok_or_else(|| {
                err(
                    format!("{field}.path"),
                    format!("parent DF {fid:04X} is not declared before this file"),
                )
            })?;
    }
    if fs.child(parent, *last).is_some() {
        return Err(err(
            format!("{field}.path"),
            format!("FID {last:04X} is used twice in the same DF"),
        ));
    }
    if matches!(*last, 0x3F00 | 0x7FFF | 0xFFFF) {
        return Err(err(
            format!("{field}.path"),
            format!("FID {last:04X} is reserved (TS 102 221 §8.1)"),
        ));
    }
    if let Some(sfi) = f.sfi {
        if !(1..=30).contains(&sfi) {
            return Err(err(format!("{field}.sfi"), "an SFI is 1 to 30"));
        }
        if fs.child_by_sfi(parent, sfi).is_some() {
            return Err(err(
                format!("{field}.sfi"),
                format!("SFI {sfi:02X} is used twice in the same DF"),
            ));
        }
    }
    let body = f.body(field)?;
    if f.sfi.is_some() && matches!(body, Body::Df { .. }) {
        return Err(err(format!("{field}.sfi"), "a DF has no SFI"));
    }
    let lcsi = match f.lcsi.as_deref() {
        None | Some("activated") => Lcsi::Activated,
        Some("deactivated") => Lcsi::Deactivated,
        Some("terminated") => Lcsi::Terminated,
        Some(other) => {
            return Err(err(
                format!("{field}.lcsi"),
                format!("`{other}`: activated, deactivated or terminated"),
            ))
        }
    };
    Ok(fs.add(
        Some(parent),
        File {
            fid: *last,
            sfi: f.sfi,
            name: f.name.clone(),
            parent: None,
            lcsi,
            security: f.security(field)?,
            shareable: f.shareable.unwrap_or(true),
            body,
        },
    ))
}
