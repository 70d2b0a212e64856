//! The UICC file system (ETSI TS 102 221 §8): MF, DFs, ADFs and EFs in an arena,
//! with the lookups SELECT needs.
//!
//! ADFs are roots beside the MF: they are reached by AID, and `7FFF` names the ADF of
//! the current application. Several ADFs of the same application type (one per MCIM)
//! live side by side, each with its own subtree.

mod fcp;
mod file;

pub use fcp::{fcp_template, gsm_response};
pub use file::{Body, File, FileId, Lcsi, RecordFile, RecordKind, Security};

/// Index of a file in the [`FileSystem`] arena. Stable for the card's lifetime
/// (deleted files leave a tombstone).
pub type NodeId = usize;

/// The FID of the MF (TS 102 221 §8.2).
pub const MF_FID: u16 = 0x3F00;
/// The reserved FID naming the current application's ADF (TS 102 221 §8.3).
pub const CURRENT_ADF_FID: u16 = 0x7FFF;

/// All files of the card.
#[derive(Debug, Clone, Default)]
pub struct FileSystem {
    nodes: Vec<Option<File>>,
}

impl FileSystem {
    /// An empty file system (no MF yet).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file under `parent` (`None` for the MF and for ADFs) and returns its id.
    pub fn add(&mut self, parent: Option<NodeId>, mut file: File) -> NodeId {
        let id = self.nodes.len();
        file.parent = parent;
        self.nodes.push(Some(file));
        if let Some(p) = parent.and_then(|p| self.get_mut(p)) {
            if let Body::Df { children, .. } = &mut p.body {
                children.push(id);
            }
        }
        id
    }

    /// Removes a file and its whole subtree.
    pub fn remove(&mut self, id: NodeId) {
        let (parent, children) = match self.get(id) {
            Some(f) => (f.parent, f.children().to_vec()),
            None => return,
        };
        for c in children {
            self.remove(c);
        }
        if let Some(Body::Df { children, .. }) =
            parent.and_then(|p| self.get_mut(p)).map(|p| &mut p.body)
        {
            children.retain(|&c| c != id);
        }
        if let Some(slot) = self.nodes.get_mut(id) {
            *slot = None;
        }
    }

    /// The file with this id.
    pub fn get(&self, id: NodeId) -> Option<&File> {
        self.nodes.get(id).and_then(Option::as_ref)
    }

    /// The file with this id, mutably.
    pub fn get_mut(&mut self, id: NodeId) -> Option<&mut File> {
        self.nodes.get_mut(id).and_then(Option::as_mut)
    }

    /// Every live file with its id.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, &File)> {
        self.nodes
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.as_ref().map(|f| (i, f)))
    }

    /// The MF.
    pub fn mf(&self) -> Option<NodeId> {
        self.iter()
            .find(|(_, f)| f.parent.is_none() && f.fid == MF_FID && f.aid().is_none())
            .map(|(i, _)| i)
    }

    /// Every ADF, in creation order.
    pub fn adfs(&self) -> impl Iterator<Item = (NodeId, &File)> {
        self.iter().filter(|(_, f)| f.aid().is_some())
    }

    /// The ADFs whose AID starts with `partial` (TS 102 221 §8.4.2, partial DF name),
    /// in creation order.
    pub fn adfs_matching<'a>(&'a self, partial: &'a [u8]) -> impl Iterator<Item = NodeId> + 'a {
        self.adfs()
            .filter(move |(_, f)| f.aid().is_some_and(|a| a.starts_with(partial)))
            .map(|(i, _)| i)
    }

    /// The child of `df` with this FID.
    pub fn child(&self, df: NodeId, fid: u16) -> Option<NodeId> {
        self.get(df)?
            .children()
            .iter()
            .copied()
            .find(|&c| self.get(c).is_some_and(|f| f.fid == fid))
    }

    /// The child of `df` with this short file identifier.
    pub fn child_by_sfi(&self, df: NodeId, sfi: u8) -> Option<NodeId> {
        self.get(df)?.children().iter().copied().find(|&c| {
            self.get(c)
                .is_some_and(|f| f.sfi == Some(sfi) && !f.is_df())
        })
    }

    /// The parent of a file.
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.get(id)?.parent
    }

    /// The root above a file: the MF or an ADF.
    pub fn root_of(&self, mut id: NodeId) -> NodeId {
        while let Some(p) = self.parent(id) {
            id = p;
        }
        id
    }

    /// FIDs from the root down to `id` (the root's own FID first).
    pub fn path(&self, id: NodeId) -> Vec<u16> {
        let mut path = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur.and_then(|c| self.get(c).map(|f| (c, f))) {
            path.push(c.1.fid);
            cur = c.1.parent;
        }
        path.reverse();
        path
    }

    /// A readable path such as `MF/DF.TELECOM/EF.SMSP` or `ADF.USIM/EF.IMSI`.
    pub fn display_path(&self, id: NodeId) -> String {
        let mut names = Vec::new();
        let mut cur = Some(id);
        while let Some(f) = cur.and_then(|c| self.get(c)) {
            names.push(f.name.clone());
            cur = f.parent;
        }
        names.reverse();
        names.join("/")
    }

    /// Number of live files.
    pub fn len(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_some()).count()
    }

    /// Whether the file system has no file.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Arena capacity (highest id + 1), for persistence.
    pub fn slots(&self) -> usize {
        self.nodes.len()
    }

    /// Puts a file into a given slot (used when loading persisted state).
    pub fn put_at(&mut self, id: NodeId, file: File) {
        if self.nodes.len() <= id {
            self.nodes.resize_with(id + 1, || None);
        }
        if let Some(slot) = self.nodes.get_mut(id) {
            *slot = Some(file);
        }
    }
}
