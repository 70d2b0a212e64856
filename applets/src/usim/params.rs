//! The `[application.params]` of a USIM (and of its ISIM/SIM companions): identity,
//! credentials and algorithm, as written in a profile.

use serde::{Deserialize, Serialize};

/// Parameters of a USIM instance. Every field is documented in the default profile.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UsimParams {
    /// IMSI digits (6–15), e.g. `001010000000001`.
    pub imsi: String,
    /// Number of MNC digits (2 or 3), written to EF.AD (TS 31.102 §4.2.18).
    #[serde(default = "two")]
    pub mnc_digits: u8,
    /// Subscriber key K, hex (16 bytes; 32 for TUAK with a 256-bit key).
    pub k: String,
    /// OPc, hex (16 bytes), for MILENAGE. Give either `opc` or `op`.
    pub opc: Option<String>,
    /// OP, hex (16 bytes), for MILENAGE: OPc is derived at load (TS 35.206 §4.1).
    pub op: Option<String>,
    /// TOPc, hex (32 bytes), for TUAK.
    pub topc: Option<String>,
    /// `milenage` (default), `xor` (TS 34.108 §8.1.2) or `tuak` (TS 35.231).
    #[serde(default = "milenage")]
    pub algorithm: String,
    /// MSISDN digits, written to EF.MSISDN.
    pub msisdn: Option<String>,
    /// Service provider name, written to EF.SPN.
    pub spn: Option<String>,
    /// Access control class 0–9 (EF.ACC).
    #[serde(default)]
    pub acc: u8,
    /// Equivalent HPLMNs as `MCC-MNC` (e.g. `["001-01", "001-001"]`), written to
    /// EF.EHPLMN (TS 31.102 §4.2.84). Empty (the default): the IMSI's own PLMN.
    #[serde(default)]
    pub ehplmn: Vec<String>,
    /// SMS service centre address (digits, `+` for international), written to record 1
    /// of the USIM's EF.SMSP (TS 31.102 §4.2.27). Default: none (record left empty).
    #[serde(default)]
    pub smsc: Option<String>,
    /// 5G Routing Indicator, 1–4 digits, written to DF.5GS/EF.Routing_Indicator
    /// (TS 31.102 §4.4.11.11, TS 24.501 §9.11.3.4). Default `"0"`.
    #[serde(default)]
    pub routing_indicator: Option<String>,
}

fn two() -> u8 {
    2
}

fn milenage() -> String {
    "milenage".into()
}

impl UsimParams {
    /// Parses the TOML text the profile loader hands over.
    pub fn parse(text: &str) -> Result<UsimParams, String> {
        toml::from_str(text).map_err(|e| e.message().to_string())
    }
}
