//! The application contract: what USIM, ISIM, security domains and the eUICC manager
//! implement. card-os owns AID lookup, logical channels, GET RESPONSE, file commands
//! and access rules; an application sees only the commands card-os does not handle
//! itself, through an [`AppContext`] that exposes exactly what it may touch.

use apdu::command::Command;
use apdu::response::Response;
use apdu::status::Sw;

use crate::fs::{Body, FileSystem, NodeId};
use crate::platform::Platform;
use crate::toolkit::Toolkit;

/// Persistent key–value state private to one application instance; changes are
/// committed together with the rest of the APDU's effects.
pub type AppState = std::collections::BTreeMap<Vec<u8>, Vec<u8>>;

/// What an application may use while it handles a command.
pub struct AppContext<'a> {
    /// The logical channel the command arrived on.
    pub channel: u8,
    /// The application's ADF, if it has a file system.
    pub adf: Option<NodeId>,
    pub(crate) fs: &'a mut FileSystem,
    pub(crate) state: &'a mut AppState,
    pub(crate) state_dirty: &'a mut bool,
    pub(crate) files_dirty: &'a mut std::collections::BTreeSet<NodeId>,
    pub(crate) platform: &'a mut dyn Platform,
    pub(crate) toolkit: &'a mut Toolkit,
    pub(crate) verified: &'a dyn Fn(u8) -> bool,
}

impl AppContext<'_> {
    /// The persistent value stored under `key`.
    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        self.state.get(key).map(Vec::as_slice)
    }

    /// Stores `value` under `key`; persisted atomically with this command's response.
    pub fn put(&mut self, key: &[u8], value: Vec<u8>) {
        self.state.insert(key.to_vec(), value);
        *self.state_dirty = true;
    }

    /// Whether the PIN with this key reference is verified (or disabled) now.
    pub fn key_satisfied(&self, key_ref: u8) -> bool {
        (self.verified)(key_ref)
    }

    /// Random bytes from the platform.
    pub fn random(&mut self, buf: &mut [u8]) {
        self.platform.fill_random(buf);
    }

    /// Milliseconds since the Unix epoch, from the platform.
    pub fn now_ms(&self) -> u64 {
        self.platform.now_ms()
    }

    /// The toolkit state: terminal profile and proactive queue.
    pub fn toolkit(&mut self) -> &mut Toolkit {
        self.toolkit
    }

    /// The EF with this FID directly under the application's ADF.
    pub fn ef(&self, fid: u16) -> Option<NodeId> {
        self.fs.child(self.adf?, fid)
    }

    /// The content of a transparent EF of the application (no access rule applies:
    /// the application is part of the card).
    pub fn read_transparent(&self, fid: u16) -> Option<&[u8]> {
        match &self.fs.get(self.ef(fid)?)?.body {
            Body::Transparent(d) => Some(d),
            _ => None,
        }
    }

    /// Replaces bytes of a transparent EF of the application from `offset`; the file
    /// keeps its size. Returns `false` when the file is missing or too small.
    pub fn write_transparent(&mut self, fid: u16, offset: usize, data: &[u8]) -> bool {
        let Some(id) = self.ef(fid) else { return false };
        let Some(Body::Transparent(content)) = self.fs.get_mut(id).map(|f| &mut f.body) else {
            return false;
        };
        let Some(dst) = offset
            .checked_add(data.len())
            .and_then(|end| content.get_mut(offset..end))
        else {
            return false;
        };
        dst.copy_from_slice(data);
        self.files_dirty.insert(id);
        true
    }
}

/// A card application.
pub trait Application: Send {
    /// A short name for traces, e.g. `USIM`.
    fn name(&self) -> &str;

    /// Called when the application is selected on a channel (SELECT by AID).
    /// An error status refuses the selection.
    fn select(&mut self, _ctx: &mut AppContext<'_>) -> Result<(), Sw> {
        Ok(())
    }

    /// The response data to a SELECT of an application without a file system
    /// (FCI, e.g. for security domains). ADF-based applications answer with the FCP.
    fn select_response(&mut self, _ctx: &mut AppContext<'_>) -> Option<Vec<u8>> {
        None
    }

    /// Handles a command card-os does not handle itself. Unknown instructions answer
    /// [`Sw::INS_NOT_SUPPORTED`].
    fn process(&mut self, ctx: &mut AppContext<'_>, cmd: &Command) -> Result<Response, Sw>;

    /// Handles an ENVELOPE whose BER-TLV tag this application registered for
    /// (see [`Application::envelope_tags`]).
    fn envelope(&mut self, _ctx: &mut AppContext<'_>, _data: &[u8]) -> Result<Response, Sw> {
        Err(Sw::INS_NOT_SUPPORTED)
    }

    /// A TERMINAL RESPONSE to a proactive command this application queued.
    fn terminal_response(
        &mut self,
        _ctx: &mut AppContext<'_>,
        _data: &[u8],
    ) -> Result<Response, Sw> {
        Ok(Response::from_sw(Sw::OK))
    }

    /// ENVELOPE tags (TS 102 223 §9.1, e.g. `D1` SMS-PP download) routed to this application.
    fn envelope_tags(&self) -> &[u8] {
        &[]
    }
}
