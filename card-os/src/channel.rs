//! Logical channels (ETSI TS 102 221 §10.1.1 and §11.1.17): 4 basic + 16 extended, each
//! with its own current DF, current EF, record pointer, selected application and the
//! verification status of local PINs.

use crate::fs::NodeId;

/// Channels 0–19.
pub const MAX_CHANNELS: usize = 20;

/// The state of one open logical channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// Current DF (MF, DF or ADF).
    pub df: NodeId,
    /// Current EF, if any.
    pub ef: Option<NodeId>,
    /// Current record of the current EF (0-based index), if any.
    pub record: Option<usize>,
    /// Index of the application selected on this channel.
    pub app: Option<usize>,
    /// Local key references (`81`–`88`) verified on this channel.
    pub local_verified: Vec<u8>,
}

impl Channel {
    /// A channel with `df` (normally the MF) selected and nothing else.
    pub fn new(df: NodeId) -> Self {
        Channel {
            df,
            ef: None,
            record: None,
            app: None,
            local_verified: Vec::new(),
        }
    }
}
