//! A sans-I/O UICC per ETSI TS 102 221: file system, access rules, PINs, logical channels, applications, proactive queue, profiles, persistence
#![forbid(unsafe_code)]
