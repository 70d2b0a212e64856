//! The card: state, reset, and the one instruction table that dispatches every command
//! either to a card-os handler (module `cmd`) or to the application selected on
//! the logical channel.

use std::collections::{BTreeMap, BTreeSet};

use apdu::class::Class;
use apdu::command::Command;
use apdu::ins::{Family, Ins};
use apdu::response::Response;
use apdu::status::Sw;
use apdu::t0::ApduT0;

use crate::access::{self, KeyStatus, Operation, Verdict};
use crate::app::{AppContext, AppState, Application};
use crate::channel::{Channel, MAX_CHANNELS};
use crate::fs::{FileSystem, NodeId, Security};
use crate::pin::Pin;
use crate::platform::Platform;
use crate::store::Store;
use crate::toolkit::Toolkit;

/// An application installed on the card.
pub struct Installed {
    /// The factory key that rebuilds the implementation after a restart, e.g. `usim`.
    pub kind: String,
    /// Parameters the factory needs (opaque to card-os).
    pub params: Vec<u8>,
    /// Its AID (full DF name).
    pub aid: Vec<u8>,
    /// Its ADF, for applications with a file system (USIM, ISIM).
    pub adf: Option<NodeId>,
    /// The implementation.
    pub app: Box<dyn Application>,
    /// Its persistent private state.
    pub state: AppState,
}

/// What the current APDU changed, to be committed as one unit.
#[derive(Debug, Default)]
pub(crate) struct Dirty {
    pub files: BTreeSet<NodeId>,
    pub pins: BTreeSet<u8>,
    pub apps: BTreeSet<usize>,
}

/// A UICC: sans-I/O; bytes in, bytes out.
pub struct Card {
    pub(crate) fs: FileSystem,
    pub(crate) pins: BTreeMap<u8, Pin>,
    pub(crate) apps: Vec<Installed>,
    pub(crate) channels: [Option<Channel>; MAX_CHANNELS],
    /// Key references verified since the last reset (card-wide ones: 01–08, 0A–0E, 11).
    pub(crate) verified: BTreeSet<u8>,
    pub(crate) toolkit: Toolkit,
    pub(crate) terminal_capability: Vec<u8>,
    pub(crate) atr: Vec<u8>,
    pub(crate) platform: Box<dyn Platform>,
    pub(crate) store: Box<dyn Store>,
    pub(crate) dirty: Dirty,
    pub(crate) t0: ApduT0,
    /// Set when a commit failed: the card answers nothing but `6F00` until reset.
    pub(crate) mute: bool,
}

impl Card {
    /// Assembles a card from its parts; `reset` must be called before the first APDU
    /// (a power-on). Used by the profile loader and by persistence.
    pub fn from_parts(
        fs: FileSystem,
        pins: Vec<Pin>,
        apps: Vec<Installed>,
        atr: Vec<u8>,
        platform: Box<dyn Platform>,
        store: Box<dyn Store>,
    ) -> Card {
        let mut card = Card {
            fs,
            pins: pins.into_iter().map(|p| (p.key_ref, p)).collect(),
            apps,
            channels: Default::default(),
            verified: BTreeSet::new(),
            toolkit: Toolkit::default(),
            terminal_capability: Vec::new(),
            atr,
            platform,
            store,
            dirty: Dirty::default(),
            t0: ApduT0::new(),
            mute: false,
        };
        card.reset();
        card
    }

    /// Cold or warm reset: back to the MF on the basic channel, other channels closed,
    /// security status and toolkit state cleared; persistent state is kept.
    /// Returns the ATR.
    pub fn reset(&mut self) -> Vec<u8> {
        let mf = self.fs.mf().unwrap_or(0);
        self.channels = Default::default();
        self.channels[0] = Some(Channel::new(mf));
        self.verified.clear();
        self.toolkit.reset();
        self.t0 = ApduT0::new();
        self.mute = false;
        self.atr.clone()
    }

    /// The ATR.
    pub fn atr(&self) -> &[u8] {
        &self.atr
    }

    /// The file system (read-only view, for tools and tests).
    pub fn fs(&self) -> &FileSystem {
        &self.fs
    }

    /// The PIN with this key reference.
    pub fn pin(&self, key_ref: u8) -> Option<&Pin> {
        self.pins.get(&key_ref)
    }

    /// The installed applications.
    pub fn apps(&self) -> &[Installed] {
        &self.apps
    }

    /// Exchanges one APDU as a card behind a T=0 interface does at APDU level
    /// (ETSI TS 102 221 §7.3.1): a case-4 command without Le answers `61xx` (`9Fxx` in
    /// class `A0`) and GET RESPONSE fetches the data; a wrong Le on case 2 answers `6Cxx`.
    pub fn transmit(&mut self, capdu: &[u8]) -> Vec<u8> {
        use apdu::t0::ApduStep;
        match self.t0.command(capdu) {
            ApduStep::Reply(r) => r,
            ApduStep::Process(c) => {
                let r = self.process_bytes(&c);
                self.t0.respond(&r)
            }
        }
    }

    /// Processes one C-APDU given as bytes with T=1 semantics (all response data
    /// returned at once) and returns the R-APDU bytes.
    pub fn process_bytes(&mut self, capdu: &[u8]) -> Vec<u8> {
        match Command::decode(capdu) {
            Ok(cmd) => self.process(&cmd).encode(),
            // ISO/IEC 7816-3 §12.1: a malformed length is a wrong length.
            Err(_) => Response::from_sw(Sw::WRONG_LENGTH).encode(),
        }
    }

    /// Processes one command and commits its effects before answering.
    pub fn process(&mut self, cmd: &Command) -> Response {
        if self.mute {
            return Response::from_sw(Sw::TECHNICAL_PROBLEM);
        }
        let result = self.dispatch(cmd);
        let mut response = match result {
            Ok(r) => r,
            Err(sw) => Response::from_sw(sw),
        };
        if let Err(_e) = self.commit() {
            self.mute = true;
            return Response::from_sw(Sw::MEMORY_PROBLEM);
        }
        if Family::of(cmd.cla) == Family::Gsm {
            response.sw = crate::cmd::gsm::map_sw(response.sw);
        }
        if response.sw == Sw::OK {
            if let Some(len) = self.toolkit.pending_len() {
                response.sw = Sw::proactive_pending(len.min(255) as u8);
            }
        }
        response
    }

    /// The logical channel a class byte addresses, if it is open.
    fn channel_of(&self, cla: u8) -> Result<u8, Sw> {
        let ch = Class(cla).channel().ok_or(Sw::CLA_NOT_SUPPORTED)?;
        match self.channels.get(usize::from(ch)) {
            Some(Some(_)) => Ok(ch),
            Some(None) => Err(Sw::LOGICAL_CHANNEL_NOT_SUPPORTED),
            None => Err(Sw::CLA_NOT_SUPPORTED),
        }
    }

    /// The instruction table of card-os (ETSI TS 102 221 §10.1.2 Table 10.5, 3GPP TS
    /// 51.011 §9.2 for class `A0`). Instructions not listed go to the application
    /// selected on the channel.
    fn dispatch(&mut self, cmd: &Command) -> Result<Response, Sw> {
        let family = Family::of(cmd.cla);
        if !Class(cmd.cla).is_valid() {
            return Err(Sw::CLA_NOT_SUPPORTED);
        }
        let ch = self.channel_of(cmd.cla)?;
        use Family::{Gsm, Iso, Proprietary as Prp};
        match (family, Ins(cmd.ins)) {
            (Iso | Gsm, Ins::SELECT) => self.select(ch, cmd),
            (Prp | Gsm, Ins::STATUS) if !is_get_status(cmd) => self.status(ch, cmd),
            (Iso | Gsm, Ins::READ_BINARY) => self.read_binary(ch, cmd),
            (Iso | Gsm, Ins::UPDATE_BINARY) => self.update_binary(ch, cmd),
            (Iso | Gsm, Ins::READ_RECORD) => self.read_record(ch, cmd),
            (Iso | Gsm, Ins::UPDATE_RECORD) => self.update_record(ch, cmd),
            (Iso | Gsm, Ins::SEARCH_RECORD) => self.search_record(ch, cmd),
            (Prp | Gsm, Ins::INCREASE) => self.increase(ch, cmd),
            (Prp, Ins::RETRIEVE_DATA) => self.retrieve_data(ch, cmd),
            (Prp, Ins::SET_DATA) => self.set_data(ch, cmd),
            (Iso | Gsm, Ins::VERIFY) => self.verify(ch, cmd),
            (Iso | Gsm, Ins::CHANGE_PIN) => self.change_pin(ch, cmd),
            (Iso | Gsm, Ins::DISABLE_PIN) => self.disable_pin(ch, cmd),
            (Iso | Gsm, Ins::ENABLE_PIN) => self.enable_pin(ch, cmd),
            (Iso | Gsm, Ins::UNBLOCK_PIN) => self.unblock_pin(ch, cmd),
            (Iso | Gsm, Ins::DEACTIVATE_FILE) => self.deactivate_file(ch, cmd),
            (Iso | Gsm, Ins::ACTIVATE_FILE) => self.activate_file(ch, cmd),
            (Iso, Ins::TERMINATE_DF) => self.terminate_df(ch, cmd),
            (Iso, Ins::TERMINATE_EF) => self.terminate_ef(ch, cmd),
            (Iso, Ins::MANAGE_CHANNEL) => self.manage_channel(ch, cmd),
            (Iso, Ins::GET_CHALLENGE) => self.get_challenge(cmd),
            (Prp, Ins::TERMINAL_CAPABILITY) => self.terminal_capability(cmd),
            (Prp | Gsm, Ins::TERMINAL_PROFILE) => self.terminal_profile(cmd),
            (Prp | Gsm, Ins::FETCH) => self.fetch(cmd),
            (Prp | Gsm, Ins::TERMINAL_RESPONSE) => self.terminal_response(ch, cmd),
            (Prp | Gsm, Ins::ENVELOPE) => self.envelope(ch, cmd),
            // Nothing pending at this layer (the T=0 engine serves pending data): TS 102 221
            // §12.1.1.1 "technical problem", as `apdu::t0` answers.
            (Iso | Gsm, Ins::GET_RESPONSE) => Err(Sw::TECHNICAL_PROBLEM),
            (Gsm, Ins::SLEEP) => Ok(Response::from_sw(Sw::OK)),
            _ => self.route_to_application(ch, cmd),
        }
    }

    /// Hands a command to the application selected on the channel.
    pub(crate) fn route_to_application(&mut self, ch: u8, cmd: &Command) -> Result<Response, Sw> {
        let Some(index) = self.channel(ch).and_then(|c| c.app) else {
            return Err(if ins_known(cmd) {
                Sw::CONDITIONS_NOT_SATISFIED
            } else {
                Sw::INS_NOT_SUPPORTED
            });
        };
        self.with_app(ch, index, |app, ctx| app.process(ctx, cmd))
            .unwrap_or(Err(Sw::INS_NOT_SUPPORTED))
    }

    /// Runs `f` with an installed application and its context.
    pub(crate) fn with_app<R>(
        &mut self,
        ch: u8,
        index: usize,
        f: impl FnOnce(&mut dyn Application, &mut AppContext<'_>) -> R,
    ) -> Option<R> {
        let verified = self.key_status(ch);
        let inst = self.apps.get_mut(index)?;
        let mut state_dirty = false;
        self.toolkit.current_app = Some(index);
        let mut ctx = AppContext {
            channel: ch,
            adf: inst.adf,
            fs: &mut self.fs,
            state: &mut inst.state,
            state_dirty: &mut state_dirty,
            files_dirty: &mut self.dirty.files,
            platform: self.platform.as_mut(),
            toolkit: &mut self.toolkit,
            verified: &|k| verified.contains(&k),
        };
        let r = f(inst.app.as_mut(), &mut ctx);
        if state_dirty {
            self.dirty.apps.insert(index);
        }
        Some(r)
    }

    /// The channel state.
    pub(crate) fn channel(&self, ch: u8) -> Option<&Channel> {
        self.channels.get(usize::from(ch))?.as_ref()
    }

    /// The channel state, mutably.
    pub(crate) fn channel_mut(&mut self, ch: u8) -> Option<&mut Channel> {
        self.channels.get_mut(usize::from(ch))?.as_mut()
    }

    /// Key references whose conditions are met on channel `ch`: verified PINs, and
    /// enabled=false PINs (a disabled PIN is satisfied, TS 102 221 §9.5.1).
    pub(crate) fn key_status(&self, ch: u8) -> BTreeSet<u8> {
        let mut s = self.verified.clone();
        if let Some(c) = self.channel(ch) {
            s.extend(c.local_verified.iter().copied());
        }
        for (r, p) in &self.pins {
            if !p.enabled && !p.replaced_by_universal {
                s.insert(*r);
            }
            if p.replaced_by_universal && self.verified.contains(&0x11) {
                s.insert(*r);
            }
        }
        s
    }

    /// The current security environment (TS 102 221 §9.2.?): SE01 when the PIN of the
    /// application on the channel is replaced by the universal PIN, SE00 otherwise.
    fn security_environment(&self, ch: u8) -> u8 {
        let app_pin = self.app_pin(ch);
        match app_pin.and_then(|r| self.pins.get(&r)) {
            Some(p) if p.replaced_by_universal => 0x01,
            _ => 0x00,
        }
    }

    /// The application PIN (first key reference `01`–`08` in the PIN status template)
    /// of the ADF or DF tree the channel is in.
    pub(crate) fn app_pin(&self, ch: u8) -> Option<u8> {
        let df = self.channel(ch)?.df;
        let root = self.fs.root_of(df);
        self.fs
            .get(root)?
            .pin_refs()
            .iter()
            .copied()
            .find(|r| (0x01..=0x08).contains(r))
    }

    /// Evaluates the access rule of `file` for `op` on channel `ch`; `Ok` or `6982`.
    pub(crate) fn check_access(&self, ch: u8, file: NodeId, op: Operation) -> Result<(), Sw> {
        let keys = self.key_status(ch);
        let se = self.security_environment(ch);
        let app_pin = self.app_pin(ch).unwrap_or(0x01);
        match self.rule_verdict(file, op, se, app_pin, &|k: u8| keys.contains(&k)) {
            Verdict::Granted => Ok(()),
            Verdict::NotSatisfied | Verdict::Never => Err(Sw::SECURITY_STATUS_NOT_SATISFIED),
        }
    }

    /// Whether the rule of `file` grants `op` when exactly `keys` are satisfied (SE00).
    pub(crate) fn rule_grants(&self, file: NodeId, op: Operation, keys: &[u8]) -> bool {
        self.rule_verdict(file, op, 0x00, 0x01, &|k: u8| keys.contains(&k)) == Verdict::Granted
    }

    /// Evaluates a file's security attributes: expanded, compact, or the EF.ARR record
    /// chosen for security environment `se`.
    fn rule_verdict(
        &self,
        file: NodeId,
        op: Operation,
        se: u8,
        app_pin: u8,
        keys: &dyn KeyStatus,
    ) -> Verdict {
        let Some(f) = self.fs.get(file) else {
            return Verdict::Never;
        };
        match &f.security {
            Security::Expanded(rules) => access::evaluate_expanded(rules, op, keys),
            Security::Compact(attrs) => access::evaluate_compact(attrs, op, app_pin, keys),
            Security::Arr { arr_fid, records } => {
                let rule = access::arr_record(records, se)
                    .zip(self.find_arr(file, *arr_fid))
                    .and_then(|(rec, arr)| {
                        self.fs
                            .get(arr)?
                            .records()?
                            .records
                            .get(usize::from(rec).checked_sub(1)?)
                    });
                match rule {
                    Some(rule) => access::evaluate_expanded(rule, op, keys),
                    None => Verdict::Never,
                }
            }
        }
    }

    /// Finds the EF.ARR a file refers to: in the file's own DF (or the DF itself), then
    /// upwards to its root, then in the MF (TS 102 221 §9.2.?? referencing rules).
    fn find_arr(&self, file: NodeId, arr_fid: u16) -> Option<NodeId> {
        let mut df = if self.fs.get(file)?.is_df() {
            Some(file)
        } else {
            self.fs.parent(file)
        };
        while let Some(d) = df {
            if let Some(arr) = self.fs.child(d, arr_fid) {
                return Some(arr);
            }
            df = self.fs.parent(d);
        }
        self.fs.mf().and_then(|mf| self.fs.child(mf, arr_fid))
    }

    /// Writes everything the current APDU changed as one atomic commit.
    pub(crate) fn commit(&mut self) -> crate::Result<()> {
        if self.dirty.files.is_empty() && self.dirty.pins.is_empty() && self.dirty.apps.is_empty() {
            return Ok(());
        }
        let dirty = std::mem::take(&mut self.dirty);
        let changes = crate::persist::changes(self, &dirty);
        self.store.commit(&changes)
    }
}

/// GlobalPlatform GET STATUS shares `80 F2` with STATUS (P1 tells them apart).
fn is_get_status(cmd: &Command) -> bool {
    cmd.p1 & 0xF0 != 0
}

/// Whether card-os knows the instruction at all (for `6D00` vs `6985`).
fn ins_known(cmd: &Command) -> bool {
    apdu::ins::name(cmd.cla, cmd.ins, cmd.p1).is_some()
}
