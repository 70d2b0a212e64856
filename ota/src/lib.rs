//! SCP80 (ETSI TS 102 225/226) packets, SMS TPDUs and remote command formats for both sides; the OTA test server behind the `server` feature
#![forbid(unsafe_code)]
