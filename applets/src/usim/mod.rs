//! The USIM (3GPP TS 31.102): its profile parameters, the files of ADF.USIM and of
//! DF.GSM declared as data with typed codecs, and the AUTHENTICATE command layer.
//!
//! Not yet wired into [`crate::Provider`]: the application itself arrives with the
//! authentication algorithms (MILENAGE, XOR, TUAK, SQN management).

pub mod auth;
pub mod codec;
pub mod files;
pub mod gsm_files;
pub mod params;
