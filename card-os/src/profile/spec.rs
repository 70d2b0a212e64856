//! The serde form of a profile, field by field. See the module docs of
//! [`crate::profile`] and `default.toml` for the meaning of every field.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fs::{Body, RecordFile, RecordKind, Security};

fn err(field: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::Profile {
        field: field.into(),
        reason: reason.into(),
    }
}

/// A whole profile.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Card identity.
    pub card: CardSpec,
    /// PINs, PUKs and ADM keys.
    #[serde(default)]
    pub pin: Vec<PinSpec>,
    /// Files under the MF (`path` below `3F00`; `""` describes the MF itself).
    #[serde(default)]
    pub file: Vec<FileSpec>,
    /// Applications.
    #[serde(default)]
    pub application: Vec<AppSpec>,
}

/// `[card]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CardSpec {
    /// A name for humans.
    pub name: Option<String>,
    /// The ATR, hex.
    pub atr: String,
    /// ICCID digits, written to EF.ICCID.
    #[serde(default)]
    pub iccid: String,
}

/// `[[pin]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PinSpec {
    /// `PIN1`…`PIN8`, `ADM1`…`ADM5`, `UNIVERSAL`, `PIN2-LOCAL1`…`8`, or a hex reference.
    pub key: String,
    /// ASCII digits, or `hex:…` (ADM keys).
    pub value: String,
    /// Attempts (default 3).
    #[serde(default = "three")]
    pub tries: u8,
    /// Unblocking key, digits.
    pub puk: Option<String>,
    /// PUK attempts (default 10).
    #[serde(default = "ten")]
    pub puk_tries: u8,
    /// Whether verification is required (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn three() -> u8 {
    3
}
fn ten() -> u8 {
    10
}
fn yes() -> bool {
    true
}

/// The structure of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKindSpec {
    /// DF.
    Df,
    /// Transparent EF.
    Transparent,
    /// Linear fixed EF.
    LinearFixed,
    /// Cyclic EF.
    Cyclic,
    /// BER-TLV EF.
    BerTlv,
}

/// Records of a record EF: a count (all `FF`) or the contents.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum RecordsSpec {
    /// That many records filled with `FF`.
    Count(usize),
    /// The records, hex; shorter ones are padded with `FF`.
    Contents(Vec<String>),
}

/// `[[file]]` and `[[application.file]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// FIDs (4 hex digits each) separated by `/`, relative to the MF or the ADF.
    pub path: String,
    /// Human name, e.g. `EF.IMSI`.
    #[serde(default)]
    pub name: String,
    /// Structure (not needed for the MF entry).
    #[serde(rename = "type")]
    pub kind: Option<FileKindSpec>,
    /// Short file identifier, 1–30.
    pub sfi: Option<u8>,
    /// Size of a transparent EF (defaults to the content's length) or of a BER-TLV EF.
    pub size: Option<usize>,
    /// Content of a transparent EF, hex; shorter than `size` is padded with `FF`.
    pub content: Option<String>,
    /// Record length of a record EF.
    pub record_len: Option<u8>,
    /// Records of a record EF.
    pub records: Option<RecordsSpec>,
    /// Whether INCREASE is allowed (cyclic EFs).
    #[serde(default)]
    pub increase: bool,
    /// Security, referenced: FID of the EF.ARR.
    pub arr: Option<String>,
    /// The EF.ARR record for every security environment.
    pub arr_record: Option<u8>,
    /// Per security environment: `[[0, rec], [1, rec]]`.
    pub arr_se: Option<Vec<[u8; 2]>>,
    /// Security, compact format (tag `8C` value), hex.
    pub compact: Option<String>,
    /// Security, expanded format (tag `AB` value), hex.
    pub expanded: Option<String>,
    /// PIN status template of a DF (key names).
    #[serde(default)]
    pub pins: Vec<String>,
    /// `activated` (default), `deactivated` or `terminated`.
    pub lcsi: Option<String>,
    /// Shareable between channels (default true).
    pub shareable: Option<bool>,
}

/// `[[application]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppSpec {
    /// The kind the application provider knows, e.g. `usim`.
    pub kind: String,
    /// AID, hex (5–16 bytes).
    pub aid: String,
    /// Label in EF.DIR and the ADF's human name.
    pub label: String,
    /// Whether the application has an ADF (default true).
    #[serde(default = "yes")]
    pub adf: bool,
    /// Whether EF.DIR lists it (default true).
    #[serde(default = "yes")]
    pub dir: bool,
    /// PIN status template of the ADF.
    #[serde(default)]
    pub pins: Vec<String>,
    /// Security attributes of the ADF itself (default: EF.ARR 6F06 record 1).
    pub security: Option<Box<FileSpec>>,
    /// Files of the ADF, over those the application declares.
    #[serde(default)]
    pub file: Vec<FileSpec>,
    /// Parameters for the application (free-form).
    #[serde(default)]
    pub params: toml::Table,
}

/// Hex text to bytes, naming the field on error.
pub(crate) fn hex(field: &str, text: &str) -> Result<Vec<u8>> {
    apdu::hex::decode(text).map_err(|e| err(field, e.to_string()))
}

/// `"7F10/6F3A"` → `[0x7F10, 0x6F3A]`.
pub(crate) fn parse_path(field: &str, path: &str) -> Result<Vec<u16>> {
    path.trim_matches('/')
        .split('/')
        .map(|p| {
            if p.len() != 4 {
                return Err(err(field, format!("`{p}`: a FID has 4 hex digits")));
            }
            u16::from_str_radix(p, 16).map_err(|_| err(field, format!("`{p}` is not hex")))
        })
        .collect()
}

impl FileSpec {
    /// The security attributes this entry declares (exactly one form).
    pub(crate) fn security(&self, field: &str) -> Result<Security> {
        let forms = [
            self.arr.is_some(),
            self.compact.is_some(),
            self.expanded.is_some(),
        ];
        match forms.iter().filter(|&&f| f).count() {
            0 => return Err(err(
                field,
                "no security attributes: give arr (+ arr_record or arr_se), compact or expanded",
            )),
            1 => {}
            _ => return Err(err(field, "give only one of arr, compact, expanded")),
        }
        if let Some(arr) = &self.arr {
            let fid = parse_path(&format!("{field}.arr"), arr)?;
            let [arr_fid] = fid.as_slice() else {
                return Err(err(format!("{field}.arr"), "one FID expected"));
            };
            let records = match (&self.arr_record, &self.arr_se) {
                (Some(r), None) => vec![(None, *r)],
                (None, Some(pairs)) if !pairs.is_empty() => {
                    pairs.iter().map(|[se, r]| (Some(*se), *r)).collect()
                }
                _ => {
                    return Err(err(
                        format!("{field}.arr_record"),
                        "give arr_record or a non-empty arr_se",
                    ))
                }
            };
            if records.iter().any(|(_, r)| *r == 0) {
                return Err(err(
                    format!("{field}.arr_record"),
                    "records are numbered from 1",
                ));
            }
            return Ok(Security::Arr {
                arr_fid: *arr_fid,
                records,
            });
        }
        if let Some(c) = &self.compact {
            return Ok(Security::Compact(hex(&format!("{field}.compact"), c)?));
        }
        let e = self.expanded.as_deref().unwrap_or_default();
        Ok(Security::Expanded(hex(&format!("{field}.expanded"), e)?))
    }

    /// The body this entry declares.
    pub(crate) fn body(&self, field: &str) -> Result<Body> {
        let kind = self
            .kind
            .ok_or_else(|| err(format!("{field}.type"), "missing"))?;
        let content = match &self.content {
            Some(c) => Some(hex(&format!("{field}.content"), c)?),
            None => None,
        };
        match kind {
            FileKindSpec::Df => Ok(Body::Df {
                children: vec![],
                aid: None,
                pins: super::key_refs(&format!("{field}.pins"), &self.pins)?,
            }),
            FileKindSpec::Transparent => {
                let mut data = content.unwrap_or_default();
                let size = self.size.unwrap_or(data.len());
                if size == 0 || size > 0x7FFF {
                    return Err(err(format!("{field}.size"), "1 to 32767 bytes"));
                }
                if data.len() > size {
                    return Err(err(
                        format!("{field}.content"),
                        format!("{} bytes do not fit size {size}", data.len()),
                    ));
                }
                data.resize(size, 0xFF);
                Ok(Body::Transparent(data))
            }
            FileKindSpec::LinearFixed | FileKindSpec::Cyclic => {
                let len = self
                    .record_len
                    .ok_or_else(|| err(format!("{field}.record_len"), "missing"))?;
                if len == 0 {
                    return Err(err(format!("{field}.record_len"), "1 to 255"));
                }
                let records = match &self.records {
                    None => return Err(err(format!("{field}.records"), "missing")),
                    Some(RecordsSpec::Count(n)) => vec![vec![0xFF; usize::from(len)]; *n],
                    Some(RecordsSpec::Contents(list)) => list
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            let mut b = hex(&format!("{field}.records[{i}]"), r)?;
                            if b.len() > usize::from(len) {
                                return Err(err(
                                    format!("{field}.records[{i}]"),
                                    "longer than record_len",
                                ));
                            }
                            b.resize(usize::from(len), 0xFF);
                            Ok(b)
                        })
                        .collect::<Result<_>>()?,
                };
                if records.is_empty() || records.len() > 254 {
                    return Err(err(format!("{field}.records"), "1 to 254 records"));
                }
                let kind = if kind == FileKindSpec::Cyclic {
                    RecordKind::Cyclic
                } else {
                    RecordKind::LinearFixed
                };
                if self.increase && kind != RecordKind::Cyclic {
                    return Err(err(
                        format!("{field}.increase"),
                        "only cyclic files allow INCREASE",
                    ));
                }
                Ok(Body::Records(RecordFile {
                    kind,
                    record_len: len,
                    records,
                    increase_allowed: self.increase,
                }))
            }
            FileKindSpec::BerTlv => {
                let max_size = self
                    .size
                    .ok_or_else(|| err(format!("{field}.size"), "missing"))?;
                Ok(Body::BerTlv {
                    objects: vec![],
                    max_size,
                })
            }
        }
    }
}
