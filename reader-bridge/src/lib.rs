//! All card I/O: vpcd, PC/SC, SIMtrace2, remsim, serial links, GSMTAP/pcap tracing
#![forbid(unsafe_code)]
