//! The status word SW1-SW2 that ends every response APDU.
//!
//! Meanings come from ISO/IEC 7816-4 §5.6 (Tables 5 and 6), ETSI TS 102 221 §10.2
//! (Tables 10.7 to 10.16), 3GPP TS 31.102 §7.3 (USIM application errors), 3GPP TS 51.011
//! §9.4 (GSM class `A0`) and GlobalPlatform Card Specification 2.3 §11.1.3.
//!
//! Where two specifications give the same word different meanings (`9862`, `9864`) the
//! text names both.

use core::fmt;

/// A status word SW1-SW2 (ISO/IEC 7816-4 §5.6). Open: any value is an `Sw`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sw(pub u16);

impl Sw {
    // --- Normal processing: ISO/IEC 7816-4 Table 6, TS 102 221 §10.2.1.1 ---
    /// `9000` normal ending of the command.
    pub const OK: Sw = Sw(0x9000);

    // --- Postponed processing: TS 102 221 §10.2.1.2 ---
    /// `9300` SIM Application Toolkit busy; the command cannot be executed at present.
    pub const TOOLKIT_BUSY: Sw = Sw(0x9300);

    // --- Warnings: ISO/IEC 7816-4 Table 6, TS 102 221 §10.2.1.3 ---
    /// `6200` warning, no information given, non-volatile memory unchanged.
    pub const WARNING_NO_INFO: Sw = Sw(0x6200);
    /// `6281` part of returned data may be corrupted.
    pub const PART_CORRUPTED: Sw = Sw(0x6281);
    /// `6282` end of file/record reached before reading Le bytes, or unsuccessful search.
    pub const END_OF_FILE: Sw = Sw(0x6282);
    /// `6283` selected file invalidated (deactivated).
    pub const FILE_INVALIDATED: Sw = Sw(0x6283);
    /// `6284` file control information not formatted per ISO/IEC 7816-4.
    pub const FCI_FORMAT_ERROR: Sw = Sw(0x6284);
    /// `6285` selected file in termination state.
    pub const FILE_TERMINATED: Sw = Sw(0x6285);
    /// `62F1` more data available (TS 102 221).
    pub const MORE_DATA_AVAILABLE: Sw = Sw(0x62F1);
    /// `62F2` more data available and proactive command pending (TS 102 221).
    pub const MORE_DATA_PROACTIVE: Sw = Sw(0x62F2);
    /// `62F3` response data available (TS 102 221).
    pub const RESPONSE_DATA_AVAILABLE: Sw = Sw(0x62F3);
    /// `6300` no information given, non-volatile memory changed (e.g. verification failed).
    pub const VERIFY_FAILED_NO_INFO: Sw = Sw(0x6300);
    /// `63F1` more data expected (TS 102 221).
    pub const MORE_DATA_EXPECTED: Sw = Sw(0x63F1);
    /// `63F2` more data expected and proactive command pending (TS 102 221).
    pub const MORE_DATA_EXPECTED_PROACTIVE: Sw = Sw(0x63F2);

    // --- Execution errors: ISO/IEC 7816-4 Table 6, TS 102 221 §10.2.1.4 ---
    /// `6400` execution error, no information given, non-volatile memory unchanged.
    pub const EXECUTION_ERROR: Sw = Sw(0x6400);
    /// `6500` execution error, no information given, non-volatile memory changed.
    pub const EXECUTION_ERROR_MEMORY_CHANGED: Sw = Sw(0x6500);
    /// `6581` memory problem.
    pub const MEMORY_PROBLEM: Sw = Sw(0x6581);

    // --- Checking errors: ISO/IEC 7816-4 Table 6, TS 102 221 §10.2.1.5 ---
    /// `6700` wrong length.
    pub const WRONG_LENGTH: Sw = Sw(0x6700);
    /// `6800` function in CLA not supported, no information given.
    pub const CLA_FUNCTION_NOT_SUPPORTED: Sw = Sw(0x6800);
    /// `6881` logical channel not supported.
    pub const LOGICAL_CHANNEL_NOT_SUPPORTED: Sw = Sw(0x6881);
    /// `6882` secure messaging not supported.
    pub const SECURE_MESSAGING_NOT_SUPPORTED: Sw = Sw(0x6882);
    /// `6883` last command of the chain expected.
    pub const LAST_COMMAND_EXPECTED: Sw = Sw(0x6883);
    /// `6884` command chaining not supported.
    pub const CHAINING_NOT_SUPPORTED: Sw = Sw(0x6884);
    /// `6900` command not allowed, no information given.
    pub const COMMAND_NOT_ALLOWED: Sw = Sw(0x6900);
    /// `6981` command incompatible with file structure.
    pub const INCOMPATIBLE_FILE_STRUCTURE: Sw = Sw(0x6981);
    /// `6982` security status not satisfied.
    pub const SECURITY_STATUS_NOT_SATISFIED: Sw = Sw(0x6982);
    /// `6983` authentication/PIN method blocked.
    pub const AUTH_METHOD_BLOCKED: Sw = Sw(0x6983);
    /// `6984` referenced data invalidated (reference data not usable).
    pub const REFERENCE_DATA_INVALIDATED: Sw = Sw(0x6984);
    /// `6985` conditions of use not satisfied.
    pub const CONDITIONS_NOT_SATISFIED: Sw = Sw(0x6985);
    /// `6986` command not allowed (no EF selected).
    pub const COMMAND_NOT_ALLOWED_NO_EF: Sw = Sw(0x6986);
    /// `6987` expected secure messaging data objects missing.
    pub const SM_DATA_MISSING: Sw = Sw(0x6987);
    /// `6988` incorrect secure messaging data objects.
    pub const SM_DATA_INCORRECT: Sw = Sw(0x6988);
    /// `6989` command not allowed, secure channel security not satisfied (TS 102 221).
    pub const SECURE_CHANNEL_NOT_SATISFIED: Sw = Sw(0x6989);
    /// `6A80` incorrect parameters in the data field.
    pub const WRONG_DATA: Sw = Sw(0x6A80);
    /// `6A81` function not supported.
    pub const FUNCTION_NOT_SUPPORTED: Sw = Sw(0x6A81);
    /// `6A82` file or application not found.
    pub const FILE_NOT_FOUND: Sw = Sw(0x6A82);
    /// `6A83` record not found.
    pub const RECORD_NOT_FOUND: Sw = Sw(0x6A83);
    /// `6A84` not enough memory space.
    pub const NOT_ENOUGH_MEMORY: Sw = Sw(0x6A84);
    /// `6A85` Lc inconsistent with TLV structure.
    pub const LC_INCONSISTENT_WITH_TLV: Sw = Sw(0x6A85);
    /// `6A86` incorrect parameters P1-P2.
    pub const INCORRECT_P1P2: Sw = Sw(0x6A86);
    /// `6A87` Lc inconsistent with P1-P2.
    pub const LC_INCONSISTENT_WITH_P1P2: Sw = Sw(0x6A87);
    /// `6A88` referenced data not found.
    pub const REFERENCED_DATA_NOT_FOUND: Sw = Sw(0x6A88);
    /// `6A89` file already exists.
    pub const FILE_ALREADY_EXISTS: Sw = Sw(0x6A89);
    /// `6A8A` DF name already exists.
    pub const DF_NAME_ALREADY_EXISTS: Sw = Sw(0x6A8A);
    /// `6B00` wrong parameters P1-P2.
    pub const WRONG_P1P2: Sw = Sw(0x6B00);
    /// `6D00` instruction code not supported or invalid.
    pub const INS_NOT_SUPPORTED: Sw = Sw(0x6D00);
    /// `6E00` class not supported.
    pub const CLA_NOT_SUPPORTED: Sw = Sw(0x6E00);
    /// `6F00` technical problem, no precise diagnosis.
    pub const TECHNICAL_PROBLEM: Sw = Sw(0x6F00);

    // --- Application errors: TS 102 221 §10.2.1.6, TS 31.102 §7.3 ---
    /// `9850` INCREASE cannot be performed, maximum value reached.
    pub const MAX_VALUE_REACHED: Sw = Sw(0x9850);
    /// `9862` authentication error, incorrect MAC (TS 31.102 §7.3).
    pub const AUTH_MAC_FAILURE: Sw = Sw(0x9862);
    /// `9863` security session or association expired (TS 102 221).
    pub const SECURITY_SESSION_EXPIRED: Sw = Sw(0x9863);
    /// `9864` authentication error, security context not supported (TS 31.102 §7.3).
    pub const AUTH_CONTEXT_NOT_SUPPORTED: Sw = Sw(0x9864);
    /// `9865` key freshness failure (TS 31.102 §7.3).
    pub const KEY_FRESHNESS_FAILURE: Sw = Sw(0x9865);
    /// `9866` authentication error, no memory space available (TS 31.102 §7.3).
    pub const AUTH_NO_MEMORY: Sw = Sw(0x9866);
    /// `9867` authentication error, no memory space available in EF.MUK (TS 31.102 §7.3).
    pub const AUTH_NO_MEMORY_MUK: Sw = Sw(0x9867);

    // --- GSM, class A0: TS 51.011 §9.4 ---
    /// `9240` memory problem (GSM).
    pub const GSM_MEMORY_PROBLEM: Sw = Sw(0x9240);
    /// `9400` no EF selected (GSM).
    pub const GSM_NO_EF_SELECTED: Sw = Sw(0x9400);
    /// `9402` out of range, invalid address (GSM).
    pub const GSM_OUT_OF_RANGE: Sw = Sw(0x9402);
    /// `9404` file ID not found or pattern not found (GSM).
    pub const GSM_FILE_NOT_FOUND: Sw = Sw(0x9404);
    /// `9408` file inconsistent with the command (GSM).
    pub const GSM_FILE_INCONSISTENT: Sw = Sw(0x9408);
    /// `9802` no CHV initialized (GSM).
    pub const GSM_NO_CHV: Sw = Sw(0x9802);
    /// `9804` access condition not fulfilled / unsuccessful CHV verification (GSM).
    pub const GSM_ACCESS_NOT_FULFILLED: Sw = Sw(0x9804);
    /// `9808` in contradiction with CHV status (GSM).
    pub const GSM_CHV_CONTRADICTION: Sw = Sw(0x9808);
    /// `9810` in contradiction with invalidation status (GSM).
    pub const GSM_INVALIDATION_CONTRADICTION: Sw = Sw(0x9810);
    /// `9840` unsuccessful CHV verification, no attempt left; CHV blocked (GSM).
    pub const GSM_CHV_BLOCKED: Sw = Sw(0x9840);
    /// `9850` INCREASE cannot be performed, maximum value reached (GSM; same as
    /// [`Sw::MAX_VALUE_REACHED`]).
    pub const GSM_INCREASE_MAX: Sw = Sw(0x9850);

    // --- GlobalPlatform Card Specification 2.3 §11.1.3 ---
    /// `9484` algorithm not supported (GlobalPlatform PUT KEY).
    pub const GP_ALGORITHM_NOT_SUPPORTED: Sw = Sw(0x9484);
    /// `9485` invalid key check value (GlobalPlatform PUT KEY).
    pub const GP_INVALID_KEY_CHECK_VALUE: Sw = Sw(0x9485);

    /// The status word from SW1 and SW2.
    pub const fn new(sw1: u8, sw2: u8) -> Sw {
        Sw(u16::from_be_bytes([sw1, sw2]))
    }

    /// The status word from its two bytes, SW1 first.
    pub const fn from_bytes(bytes: [u8; 2]) -> Sw {
        Sw(u16::from_be_bytes(bytes))
    }

    /// `61xx`: `n` response bytes still available (ISO/IEC 7816-4 Table 6; `00` = 256).
    pub const fn more_data(n: u8) -> Sw {
        Sw::new(0x61, n)
    }

    /// `6Cxx`: wrong Le, `n` is the exact number of available bytes (ISO/IEC 7816-4).
    pub const fn wrong_le(n: u8) -> Sw {
        Sw::new(0x6C, n)
    }

    /// `63Cx`: verification failed, `retries` attempts left (TS 102 221 §10.2.1.3;
    /// ISO/IEC 7816-4 "counter"). Values above 15 are clamped to 15.
    pub const fn verify_failed(retries: u8) -> Sw {
        let x = if retries > 15 { 15 } else { retries };
        Sw::new(0x63, 0xC0 | x)
    }

    /// `91xx`: normal ending, a proactive command of `len` bytes is pending (TS 102 221 §10.2.1.1).
    pub const fn proactive_pending(len: u8) -> Sw {
        Sw::new(0x91, len)
    }

    /// `9Fxx`: normal ending, `len` response bytes available (GSM, TS 51.011 §9.4.1).
    pub const fn gsm_response(len: u8) -> Sw {
        Sw::new(0x9F, len)
    }

    /// `920X`: command successful after `n` internal update retries (GSM, TS 51.011 §9.4.2).
    /// Values above 15 are clamped to 15.
    pub const fn gsm_success_after_retries(n: u8) -> Sw {
        let x = if n > 15 { 15 } else { n };
        Sw::new(0x92, x)
    }

    /// SW1.
    pub const fn sw1(self) -> u8 {
        self.0.to_be_bytes()[0]
    }

    /// SW2.
    pub const fn sw2(self) -> u8 {
        self.0.to_be_bytes()[1]
    }

    /// SW1 and SW2 as they go on the wire.
    pub const fn to_bytes(self) -> [u8; 2] {
        self.0.to_be_bytes()
    }

    /// Whether the command completed normally.
    ///
    /// True for the normal-processing words of ISO/IEC 7816-4 Table 5 and TS 102 221
    /// §10.2.1.1: `9000`, `61xx` (data waiting for GET RESPONSE), `91xx` (proactive
    /// command pending), `92xx` (TS 102 221 data transfer session information; GSM `920X`
    /// success after retries) except the GSM error `9240`, and GSM `9Fxx` (TS 51.011
    /// §9.4.1, response data waiting). Warnings (`62xx`, `63xx`) are not "ok".
    pub const fn is_ok(self) -> bool {
        match self.sw1() {
            0x90 => self.sw2() == 0x00,
            0x61 | 0x91 | 0x9F => true,
            0x92 => self.0 != Sw::GSM_MEMORY_PROBLEM.0,
            _ => false,
        }
    }

    /// Whether this is a warning (`62xx`, `63xx`; ISO/IEC 7816-4 Table 5).
    pub const fn is_warning(self) -> bool {
        matches!(self.sw1(), 0x62 | 0x63)
    }

    /// For `63Cx`, the retry counter `x` (TS 102 221 §10.2.1.3).
    pub const fn retries(self) -> Option<u8> {
        if self.sw1() == 0x63 && self.sw2() & 0xF0 == 0xC0 {
            Some(self.sw2() & 0x0F)
        } else {
            None
        }
    }

    /// For `61xx` and GSM `9Fxx`, the number of response bytes available (`00` = 256).
    pub const fn available(self) -> Option<u16> {
        match self.sw1() {
            0x61 | 0x9F => Some(count(self.sw2())),
            _ => None,
        }
    }

    /// For `6Cxx`, the exact Le to resend with (`00` = 256; ISO/IEC 7816-4 Table 6).
    pub const fn exact_le(self) -> Option<u16> {
        match self.sw1() {
            0x6C => Some(count(self.sw2())),
            _ => None,
        }
    }

    /// For `91xx`, the length of the pending proactive command (TS 102 221 §10.2.1.1).
    pub const fn proactive_len(self) -> Option<u8> {
        match self.sw1() {
            0x91 => Some(self.sw2()),
            _ => None,
        }
    }

    /// A human-readable meaning, e.g. `"file or application not found"`.
    ///
    /// Parametrised words carry their parameter (`63C2` → `"verification failed, 2
    /// retries left"`); words no specification defines get the category of their SW1
    /// (ISO/IEC 7816-4 Table 5), e.g. `6A99` → `"wrong parameters (SW2 99 not defined)"`.
    pub fn meaning(self) -> String {
        if let Some(text) = fixed_meaning(self) {
            return text.to_string();
        }
        let sw2 = self.sw2();
        let n = count(sw2);
        match (self.sw1(), sw2) {
            (0x61, _) => format!("{n} response bytes available"),
            (0x6C, _) => format!("wrong Le, {n} bytes available"),
            (0x63, 0xC0..=0xCF) => format!("verification failed, {} retries left", sw2 & 0x0F),
            (0x62, 0x02..=0x80) => format!("warning: triggering by the card ({sw2:02X})"),
            (0x64, 0x02..=0x80) => format!("execution error: triggering by the card ({sw2:02X})"),
            (0x91, _) => format!("normal ending, {sw2} bytes of proactive command pending"),
            (0x92, 0x00..=0x0F) => {
                format!("command successful after {sw2} internal update retries (GSM)")
            }
            (0x92, _) => {
                "normal ending, extra information on an ongoing data transfer session".to_string()
            }
            (0x9E, _) => format!("SIM data download error, {n} response bytes available (GSM)"),
            (0x9F, _) => format!("normal ending, {n} response bytes available (GSM)"),
            (sw1, _) => match category(sw1) {
                Some(cat) => format!("{cat} (SW2 {sw2:02X} not defined)"),
                None => "unknown status word".to_string(),
            },
        }
    }
}

/// A length parameter in SW2: `00` means 256.
const fn count(sw2: u8) -> u16 {
    if sw2 == 0 {
        256
    } else {
        sw2 as u16
    }
}

/// `(value, meaning)` for every status word with a fixed meaning. Parametrised words
/// (`61xx`, `6Cxx`, `63Cx`, `91xx`, `92xx`, `9Exx`, `9Fxx`) are handled in [`Sw::meaning`].
const MEANINGS: &[(u16, &str)] = &[
    // ISO/IEC 7816-4 Table 6 / TS 102 221 Table 10.7: normal processing.
    (0x9000, "normal ending of the command"),
    // TS 102 221 Table 10.8: postponed processing.
    (0x9300, "SIM Application Toolkit busy, command cannot be executed at present"),
    // ISO/IEC 7816-4 Table 6 / TS 102 221 Table 10.9: warnings.
    (0x6200, "warning: no information given, state of non-volatile memory unchanged"),
    (0x6281, "part of returned data may be corrupted"),
    (0x6282, "end of file or record reached before reading Le bytes, or unsuccessful search"),
    (0x6283, "selected file invalidated (deactivated)"),
    (0x6284, "file control information not formatted according to ISO/IEC 7816-4"),
    (0x6285, "selected file in termination state"),
    (0x6286, "no input data available from a sensor on the card"),
    (0x6287, "at least one of the referenced records is deactivated"),
    (0x62F1, "more data available"),
    (0x62F2, "more data available and proactive command pending"),
    (0x62F3, "response data available"),
    (0x6300, "warning: no information given, state of non-volatile memory changed (e.g. verification failed)"),
    (0x6310, "more data available (GlobalPlatform GET STATUS)"),
    (0x6340, "unsuccessful comparison"),
    (0x6381, "file filled up by the last write"),
    (0x63F1, "more data expected"),
    (0x63F2, "more data expected and proactive command pending"),
    // ISO/IEC 7816-4 Table 6 / TS 102 221 Table 10.10: execution errors.
    (0x6400, "execution error: no information given, state of non-volatile memory unchanged"),
    (0x6401, "execution error: immediate response required by the card"),
    (0x6481, "logical channel shared access denied"),
    (0x6482, "logical channel opening denied"),
    (0x6500, "execution error: no information given, state of non-volatile memory changed"),
    (0x6581, "memory problem"),
    // ISO/IEC 7816-4 Table 6 / TS 102 221 Tables 10.11 to 10.15: checking errors.
    (0x6700, "wrong length"),
    (0x6701, "command APDU format not compliant with ISO/IEC 7816-4"),
    (0x6702, "the value of Lc is not the one expected"),
    (0x6800, "function in CLA not supported, no information given"),
    (0x6881, "logical channel not supported"),
    (0x6882, "secure messaging not supported"),
    (0x6883, "last command of the chain expected"),
    (0x6884, "command chaining not supported"),
    (0x6900, "command not allowed, no information given"),
    (0x6981, "command incompatible with file structure"),
    (0x6982, "security status not satisfied"),
    (0x6983, "authentication/PIN method blocked"),
    (0x6984, "referenced data invalidated"),
    (0x6985, "conditions of use not satisfied"),
    (0x6986, "command not allowed (no EF selected)"),
    (0x6987, "expected secure messaging data objects missing"),
    (0x6988, "incorrect secure messaging data objects"),
    (0x6989, "command not allowed, secure channel security not satisfied"),
    (0x6A00, "wrong parameters, no information given"),
    (0x6A80, "incorrect parameters in the data field"),
    (0x6A81, "function not supported"),
    (0x6A82, "file or application not found"),
    (0x6A83, "record not found"),
    (0x6A84, "not enough memory space"),
    (0x6A85, "Lc inconsistent with TLV structure"),
    (0x6A86, "incorrect parameters P1-P2"),
    (0x6A87, "Lc inconsistent with P1-P2"),
    (0x6A88, "referenced data not found"),
    (0x6A89, "file already exists"),
    (0x6A8A, "DF name already exists"),
    (0x6B00, "wrong parameters P1-P2"),
    (0x6D00, "instruction code not supported or invalid"),
    (0x6E00, "class not supported"),
    (0x6F00, "technical problem, no precise diagnosis"),
    // TS 102 221 Table 10.16 and TS 31.102 §7.3: application errors.
    (0x9850, "INCREASE cannot be performed, maximum value reached"),
    (0x9862, "authentication error, incorrect MAC (TS 102 221: application specific)"),
    (0x9863, "security session or association expired"),
    (
        0x9864,
        "authentication error, security context not supported (SUSPEND UICC: minimum suspension time too long)",
    ),
    (0x9865, "key freshness failure"),
    (0x9866, "authentication error, no memory space available"),
    (0x9867, "authentication error, no memory space available in EF.MUK"),
    // TS 51.011 §9.4: GSM (class A0).
    (0x9240, "memory problem (GSM)"),
    (0x9400, "no EF selected (GSM)"),
    (0x9402, "out of range, invalid address (GSM)"),
    (0x9404, "file ID not found or pattern not found (GSM)"),
    (0x9408, "file is inconsistent with the command (GSM)"),
    (0x9802, "no CHV initialized (GSM)"),
    (
        0x9804,
        "access condition not fulfilled, unsuccessful CHV verification or authentication failed (GSM)",
    ),
    (0x9808, "in contradiction with CHV status (GSM)"),
    (0x9810, "in contradiction with invalidation status (GSM)"),
    (0x9840, "unsuccessful CHV verification, no attempt left, CHV blocked (GSM)"),
    // GlobalPlatform Card Specification 2.3 §11.1.3 / §11.8.3.
    (0x9484, "algorithm not supported (GlobalPlatform)"),
    (0x9485, "invalid key check value (GlobalPlatform)"),
];

fn fixed_meaning(sw: Sw) -> Option<&'static str> {
    MEANINGS
        .iter()
        .find(|(v, _)| *v == sw.0)
        .map(|(_, text)| *text)
}

/// The category of SW1 (ISO/IEC 7816-4 Table 5; TS 51.011 §9.4 for `94`, `98`).
fn category(sw1: u8) -> Option<&'static str> {
    Some(match sw1 {
        0x62 => "warning, state of non-volatile memory unchanged",
        0x63 => "warning, state of non-volatile memory changed",
        0x64 => "execution error, state of non-volatile memory unchanged",
        0x65 => "execution error, state of non-volatile memory changed",
        0x66 => "security-related issue",
        0x67 => "wrong length",
        0x68 => "function in CLA not supported",
        0x69 => "command not allowed",
        0x6A => "wrong parameters",
        0x6B => "wrong parameters P1-P2",
        0x6D => "instruction code not supported or invalid",
        0x6E => "class not supported",
        0x6F => "technical problem, no precise diagnosis",
        0x90 => "normal processing",
        0x93 => "postponed processing",
        0x94 => "referencing error",
        0x98 => "security or application error",
        _ => return None,
    })
}

/// Four upper-case hex digits, e.g. `6A82`.
impl fmt::Display for Sw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}", self.0)
    }
}

/// `Sw(6A82: file or application not found)`.
impl fmt::Debug for Sw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sw({:04X}: {})", self.0, self.meaning())
    }
}

/// A status word is also an error value: applets return `Result<_, Sw>`.
impl std::error::Error for Sw {}

impl From<u16> for Sw {
    fn from(value: u16) -> Sw {
        Sw(value)
    }
}

impl From<Sw> for u16 {
    fn from(sw: Sw) -> u16 {
        sw.0
    }
}

impl From<[u8; 2]> for Sw {
    fn from(bytes: [u8; 2]) -> Sw {
        Sw::from_bytes(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn constructors_and_accessors() {
        assert_eq!(Sw::new(0x6A, 0x82), Sw::FILE_NOT_FOUND);
        assert_eq!(Sw::from_bytes([0x90, 0x00]), Sw::OK);
        assert_eq!(Sw::FILE_NOT_FOUND.to_bytes(), [0x6A, 0x82]);
        assert_eq!((Sw(0x6A82).sw1(), Sw(0x6A82).sw2()), (0x6A, 0x82));
        // ISO/IEC 7816-4 Table 6: 61XX, 6CXX.
        assert_eq!(Sw::more_data(0x1C), Sw(0x611C));
        assert_eq!(Sw::wrong_le(0x09), Sw(0x6C09));
        // TS 102 221 §10.2.1.3: 63CX, X retries.
        assert_eq!(Sw::verify_failed(2), Sw(0x63C2));
        assert_eq!(Sw::verify_failed(99), Sw(0x63CF));
        // TS 102 221 §10.2.1.1: 91XX.
        assert_eq!(Sw::proactive_pending(0x12), Sw(0x9112));
        // TS 51.011 §9.4.1 / §9.4.2: 9FXX, 920X.
        assert_eq!(Sw::gsm_response(0x22), Sw(0x9F22));
        assert_eq!(Sw::gsm_success_after_retries(3), Sw(0x9203));
        assert_eq!(Sw::gsm_success_after_retries(20), Sw(0x920F));
        assert_eq!(Sw(0x63C3).retries(), Some(3));
        assert_eq!(Sw(0x6300).retries(), None);
        assert_eq!(Sw(0x6100).available(), Some(256));
        assert_eq!(Sw(0x9F0F).available(), Some(15));
        assert_eq!(Sw(0x9000).available(), None);
        assert_eq!(Sw(0x6C00).exact_le(), Some(256));
        assert_eq!(Sw(0x9112).proactive_len(), Some(0x12));
    }

    #[test]
    fn ok_and_warning() {
        for sw in [0x9000u16, 0x6110, 0x9112, 0x9203, 0x9F22] {
            assert!(Sw(sw).is_ok(), "{sw:04X}");
        }
        for sw in [0x9001u16, 0x9240, 0x6282, 0x63C2, 0x6A82, 0x9300, 0x9E10] {
            assert!(!Sw(sw).is_ok(), "{sw:04X}");
        }
        assert!(Sw(0x6282).is_warning() && Sw(0x63C1).is_warning());
        assert!(!Sw(0x6A82).is_warning());
    }

    // Meanings from the tables of ISO/IEC 7816-4 §5.6 Table 6, TS 102 221 §10.2.1
    // (as transcribed in pySim ts_102_221.py `sw` and libosmocore card_fs_uicc.c
    // `ts102221_uicc_sw`), TS 31.102 §7.3 (pySim `sw_usim`) and TS 51.011 §9.4.
    #[test]
    fn meanings_from_the_tables() {
        let cases: &[(u16, &str)] = &[
            (0x9000, "normal ending of the command"),
            (0x6A82, "file or application not found"),
            (0x6982, "security status not satisfied"),
            (0x6983, "authentication/PIN method blocked"),
            (0x6985, "conditions of use not satisfied"),
            (0x6986, "command not allowed (no EF selected)"),
            (0x6A88, "referenced data not found"),
            (0x6881, "logical channel not supported"),
            (0x62F3, "response data available"),
            (0x63F1, "more data expected"),
            (0x6581, "memory problem"),
            (0x6D00, "instruction code not supported or invalid"),
            (0x6E00, "class not supported"),
            (0x9865, "key freshness failure"),
            (0x9404, "file ID not found or pattern not found (GSM)"),
            (0x9804, "access condition not fulfilled, unsuccessful CHV verification or authentication failed (GSM)"),
        ];
        for (sw, text) in cases {
            assert_eq!(Sw(*sw).meaning(), *text, "{sw:04X}");
        }
        assert!(Sw(0x9862).meaning().contains("incorrect MAC"));
        assert!(Sw(0x9850).meaning().contains("INCREASE"));
    }

    #[test]
    fn parametrised_meanings() {
        assert_eq!(Sw(0x63C2).meaning(), "verification failed, 2 retries left");
        assert_eq!(Sw(0x611C).meaning(), "28 response bytes available");
        assert_eq!(Sw(0x6100).meaning(), "256 response bytes available");
        assert_eq!(Sw(0x6C09).meaning(), "wrong Le, 9 bytes available");
        assert_eq!(
            Sw(0x9112).meaning(),
            "normal ending, 18 bytes of proactive command pending"
        );
        assert_eq!(
            Sw(0x9F22).meaning(),
            "normal ending, 34 response bytes available (GSM)"
        );
        assert_eq!(
            Sw(0x9203).meaning(),
            "command successful after 3 internal update retries (GSM)"
        );
        assert_eq!(Sw(0x9240).meaning(), "memory problem (GSM)");
        assert_eq!(
            Sw(0x6A99).meaning(),
            "wrong parameters (SW2 99 not defined)"
        );
        assert_eq!(Sw(0x6712).meaning(), "wrong length (SW2 12 not defined)");
        assert_eq!(Sw(0x1234).meaning(), "unknown status word");
    }

    #[test]
    fn display_and_debug() {
        assert_eq!(Sw(0x6A82).to_string(), "6A82");
        assert_eq!(Sw(0x0001).to_string(), "0001");
        assert_eq!(
            format!("{:?}", Sw(0x6A82)),
            "Sw(6A82: file or application not found)"
        );
    }

    #[test]
    fn table_has_no_duplicates() {
        for (i, (a, _)) in MEANINGS.iter().enumerate() {
            assert!(MEANINGS.iter().skip(i + 1).all(|(b, _)| a != b), "{a:04X}");
        }
    }

    proptest! {
        #[test]
        fn every_word_has_a_meaning(v in any::<u16>()) {
            let sw = Sw(v);
            prop_assert!(!sw.meaning().is_empty());
            prop_assert_eq!(Sw::from_bytes(sw.to_bytes()), sw);
            prop_assert_eq!(Sw::new(sw.sw1(), sw.sw2()), sw);
            let _ = format!("{sw:?}");
        }
    }
}
