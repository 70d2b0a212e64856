//! One file: descriptor, identifiers, life cycle status, security attributes, content.

use super::NodeId;

/// A file identifier (FID, TS 102 221 §8.1).
pub type FileId = u16;

/// Life cycle status integer (TS 102 221 §11.1.1.4.9, ISO/IEC 7816-4 Table 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lcsi {
    /// `01` creation state.
    Creation,
    /// `03` initialisation state.
    Initialisation,
    /// `05` operational state, activated.
    Activated,
    /// `04` operational state, deactivated.
    Deactivated,
    /// `0C` termination state.
    Terminated,
}

impl Lcsi {
    /// The LCSI byte as it appears in FCP tag `8A`.
    pub const fn byte(self) -> u8 {
        match self {
            Lcsi::Creation => 0x01,
            Lcsi::Initialisation => 0x03,
            Lcsi::Activated => 0x05,
            Lcsi::Deactivated => 0x04,
            Lcsi::Terminated => 0x0C,
        }
    }

    /// Decodes an LCSI byte (`04`–`07` operational, `0C`–`0F` terminated).
    pub const fn from_byte(b: u8) -> Option<Lcsi> {
        match b {
            0x01 => Some(Lcsi::Creation),
            0x03 => Some(Lcsi::Initialisation),
            0x05 | 0x07 => Some(Lcsi::Activated),
            0x04 | 0x06 => Some(Lcsi::Deactivated),
            0x0C..=0x0F => Some(Lcsi::Terminated),
            _ => None,
        }
    }
}

/// Security attributes of a file (TS 102 221 §11.1.1.4.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    /// Referenced format, tag `8B`: rules in record(s) of an EF.ARR. One `(SE, record)`
    /// pair per security environment, or a single record for every environment.
    Arr {
        /// FID of the EF.ARR.
        arr_fid: FileId,
        /// `(security environment, record number)` pairs; SE `None` = all environments.
        records: Vec<(Option<u8>, u8)>,
    },
    /// Compact format, tag `8C`: AM byte followed by SC bytes (ISO/IEC 7816-4 §9.3.3).
    Compact(Vec<u8>),
    /// Expanded format, tag `AB`: AM DOs and SC DOs (ISO/IEC 7816-4 §9.3.4).
    Expanded(Vec<u8>),
}

/// The kind of a record-oriented EF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// Linear fixed: records addressed by number, fixed length.
    LinearFixed,
    /// Cyclic: record 1 is the newest; updates overwrite the oldest.
    Cyclic,
}

/// Contents of a linear fixed or cyclic EF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFile {
    /// Linear fixed or cyclic.
    pub kind: RecordKind,
    /// Length of every record in bytes (1–255).
    pub record_len: u8,
    /// The records; for cyclic files index 0 is record 1, the newest.
    pub records: Vec<Vec<u8>>,
    /// Whether INCREASE is allowed (cyclic files only, TS 102 221 §11.1.8).
    pub increase_allowed: bool,
}

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// MF, DF or ADF; `aid` is set for ADFs (and DFs with a DF name).
    Df {
        /// Children, in creation order.
        children: Vec<NodeId>,
        /// DF name / AID (tag `84`), for ADFs.
        aid: Option<Vec<u8>>,
        /// Key references of the PIN status template (tag `C6`), in order.
        pins: Vec<u8>,
    },
    /// A transparent EF.
    Transparent(Vec<u8>),
    /// A linear fixed or cyclic EF.
    Records(RecordFile),
    /// A BER-TLV structured EF: `(tag, value)` data objects and the maximum total size.
    BerTlv {
        /// The data objects, in the order created.
        objects: Vec<(u32, Vec<u8>)>,
        /// Maximum size of all objects together, in bytes.
        max_size: usize,
    },
}

/// One file of the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// File identifier.
    pub fid: FileId,
    /// Short file identifier (1–30), EFs only.
    pub sfi: Option<u8>,
    /// Human name, e.g. `EF.IMSI` (not sent to the terminal).
    pub name: String,
    /// Parent DF (`None` for the MF and ADFs). Maintained by the file system.
    pub parent: Option<NodeId>,
    /// Life cycle status.
    pub lcsi: Lcsi,
    /// Security attributes.
    pub security: Security,
    /// Whether the file is shareable between logical channels (descriptor bit 7).
    pub shareable: bool,
    /// Contents.
    pub body: Body,
}

impl File {
    /// Whether this is the MF, a DF or an ADF.
    pub fn is_df(&self) -> bool {
        matches!(self.body, Body::Df { .. })
    }

    /// The AID of an ADF.
    pub fn aid(&self) -> Option<&[u8]> {
        match &self.body {
            Body::Df { aid, .. } => aid.as_deref(),
            _ => None,
        }
    }

    /// Children of a DF (empty for EFs).
    pub fn children(&self) -> &[NodeId] {
        match &self.body {
            Body::Df { children, .. } => children,
            _ => &[],
        }
    }

    /// PIN key references of a DF's PIN status template.
    pub fn pin_refs(&self) -> &[u8] {
        match &self.body {
            Body::Df { pins, .. } => pins,
            _ => &[],
        }
    }

    /// The record part of a record EF.
    pub fn records(&self) -> Option<&RecordFile> {
        match &self.body {
            Body::Records(r) => Some(r),
            _ => None,
        }
    }

    /// The size of an EF's body as FCP tag `80` reports it.
    pub fn size(&self) -> usize {
        match &self.body {
            Body::Df { .. } => 0,
            Body::Transparent(d) => d.len(),
            Body::Records(r) => usize::from(r.record_len) * r.records.len(),
            Body::BerTlv { max_size, .. } => *max_size,
        }
    }

    /// Whether the file is usable (not deactivated or terminated).
    pub fn is_active(&self) -> bool {
        matches!(
            self.lcsi,
            Lcsi::Activated | Lcsi::Creation | Lcsi::Initialisation
        )
    }
}
