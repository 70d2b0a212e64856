//! The instruction table: names and T=0 data direction of every instruction a UICC
//! sees, from ISO/IEC 7816-4, ETSI TS 102 221 §10.1.2 (Table 10.5), 3GPP TS 31.102,
//! GlobalPlatform Card Specification 2.3 §11 and 3GPP TS 51.011 §9.2 (class `A0`).
//!
//! Under T=0 the 5-byte TPDU header alone does not say whether P3 is Lc (data goes to
//! the card) or Le (data comes from the card): the card decides from the instruction,
//! so every bridge that speaks T=0 needs this table.

use core::fmt;

/// An instruction byte (INS) with named constants. Open: any byte is a valid `Ins`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ins(pub u8);

/// Which way command data flows under T=0, i.e. what P3 means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// P3 is Lc: data goes to the card (cases 1, 3 and 4; case 1 has P3 = 0).
    Incoming,
    /// P3 is Le: data comes from the card (case 2; P3 = 0 means 256).
    Outgoing,
}

/// The command family a class byte selects, as far as the instruction table cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// ISO/IEC 7816-4 inter-industry classes `0X`, `4X`–`7X`.
    Iso,
    /// ETSI TS 102 221 / GlobalPlatform proprietary classes `8X`, `CX`, `EX` (and `9X`, `BX`, `DX`, `FX` other than `FF`).
    Proprietary,
    /// GSM class `A0` (3GPP TS 51.011).
    Gsm,
}

impl Family {
    /// The family of a class byte.
    pub const fn of(cla: u8) -> Family {
        if cla == 0xA0 {
            Family::Gsm
        } else if cla & 0x80 == 0 {
            Family::Iso
        } else {
            Family::Proprietary
        }
    }
}

/// One row of the instruction table.
struct Row {
    ins: u8,
    /// Families the row applies to: bit 0 ISO, bit 1 proprietary, bit 2 GSM.
    families: u8,
    name: &'static str,
    direction: Direction,
}

const ISO: u8 = 1;
const PRP: u8 = 2;
const GSM: u8 = 4;
const UICC: u8 = ISO | PRP;
const ALL: u8 = ISO | PRP | GSM;

use Direction::{Incoming as IN, Outgoing as OUT};

macro_rules! table {
    ($( $konst:ident = $ins:literal, $fam:expr, $name:literal, $dir:expr; )*) => {
        impl Ins {
            $(
                #[doc = concat!("`", stringify!($ins), "` ", $name)]
                pub const $konst: Ins = Ins($ins);
            )*
        }
        const TABLE: &[Row] = &[
            $( Row { ins: $ins, families: $fam, name: $name, direction: $dir }, )*
        ];
    };
}

// Rows are looked up first match wins, so more specific rows (by family) come first.
table! {
    // ETSI TS 102 221 Table 10.5 and ISO/IEC 7816-4
    SELECT = 0xA4, ALL, "SELECT", IN;
    STATUS = 0xF2, PRP | GSM, "STATUS", OUT;
    READ_BINARY = 0xB0, ALL, "READ BINARY", OUT;
    UPDATE_BINARY = 0xD6, ALL, "UPDATE BINARY", IN;
    READ_RECORD = 0xB2, ALL, "READ RECORD", OUT;
    UPDATE_RECORD = 0xDC, ALL, "UPDATE RECORD", IN;
    SEARCH_RECORD = 0xA2, ALL, "SEARCH RECORD", IN;
    INCREASE = 0x32, PRP | GSM, "INCREASE", IN;
    RETRIEVE_DATA = 0xCB, PRP, "RETRIEVE DATA", IN;
    SET_DATA = 0xDB, PRP, "SET DATA", IN;
    VERIFY = 0x20, ALL, "VERIFY", IN;
    CHANGE_PIN = 0x24, ALL, "CHANGE PIN", IN;
    DISABLE_PIN = 0x26, ALL, "DISABLE PIN", IN;
    ENABLE_PIN = 0x28, ALL, "ENABLE PIN", IN;
    UNBLOCK_PIN = 0x2C, ALL, "UNBLOCK PIN", IN;
    DEACTIVATE_FILE = 0x04, ALL, "DEACTIVATE FILE", IN;
    ACTIVATE_FILE = 0x44, ALL, "ACTIVATE FILE", IN;
    AUTHENTICATE = 0x88, ALL, "AUTHENTICATE", IN;
    AUTHENTICATE_ODD = 0x89, UICC, "AUTHENTICATE", IN;
    GET_CHALLENGE = 0x84, UICC, "GET CHALLENGE", OUT;
    TERMINAL_CAPABILITY = 0xAA, PRP, "TERMINAL CAPABILITY", IN;
    TERMINAL_PROFILE = 0x10, PRP | GSM, "TERMINAL PROFILE", IN;
    ENVELOPE = 0xC2, PRP | GSM, "ENVELOPE", IN;
    FETCH = 0x12, PRP | GSM, "FETCH", OUT;
    TERMINAL_RESPONSE = 0x14, PRP | GSM, "TERMINAL RESPONSE", IN;
    MANAGE_CHANNEL = 0x70, UICC, "MANAGE CHANNEL", OUT;
    MANAGE_SECURE_CHANNEL = 0x73, UICC, "MANAGE SECURE CHANNEL", IN;
    TRANSACT_DATA = 0x75, UICC, "TRANSACT DATA", IN;
    SUSPEND_UICC = 0x76, PRP, "SUSPEND UICC", IN;
    GET_IDENTITY = 0x78, PRP, "GET IDENTITY", IN;
    EXCHANGE_CAPABILITIES = 0x7A, PRP, "EXCHANGE CAPABILITIES", IN;
    GET_RESPONSE = 0xC0, ALL, "GET RESPONSE", OUT;
    TERMINATE_DF = 0xE6, ISO, "TERMINATE DF", IN;
    TERMINATE_EF = 0xE8, ISO, "TERMINATE EF", IN;
    TERMINATE_CARD_USAGE = 0xFE, ISO, "TERMINATE CARD USAGE", IN;
    GET_DATA = 0xCA, UICC, "GET DATA", OUT;
    // GlobalPlatform Card Specification 2.3 §11 (class 8X)
    INSTALL = 0xE6, PRP, "INSTALL", IN;
    LOAD = 0xE8, PRP, "LOAD", IN;
    DELETE = 0xE4, PRP, "DELETE", IN;
    STORE_DATA = 0xE2, PRP, "STORE DATA", IN;
    PUT_KEY = 0xD8, PRP, "PUT KEY", IN;
    SET_STATUS = 0xF0, PRP, "SET STATUS", IN;
    INITIALIZE_UPDATE = 0x50, PRP, "INITIALIZE UPDATE", IN;
    EXTERNAL_AUTHENTICATE = 0x82, UICC, "EXTERNAL AUTHENTICATE", IN;
    // 3GPP TS 51.011 §9.2 (class A0) names that differ from the UICC ones
    SLEEP = 0xFA, GSM, "SLEEP", IN;
}

/// GlobalPlatform GET STATUS shares `80 F2` with TS 102 221 STATUS; P1 tells them apart
/// (STATUS: P1 `00`–`02`; GET STATUS: P1 `80`, `40`, `20`, `10`).
const fn is_get_status(cla: u8, ins: u8, p1: u8) -> bool {
    ins == 0xF2 && matches!(Family::of(cla), Family::Proprietary) && p1 & 0xF0 != 0
}

fn row(cla: u8, ins: u8) -> Option<&'static Row> {
    let bit = match Family::of(cla) {
        Family::Iso => ISO,
        Family::Proprietary => PRP,
        Family::Gsm => GSM,
    };
    TABLE.iter().find(|r| r.ins == ins && r.families & bit != 0)
}

/// The command name for a class and instruction, e.g. `"SELECT"`, `"GET STATUS"`.
/// `p1` separates instructions that share a code (STATUS / GET STATUS).
pub fn name(cla: u8, ins: u8, p1: u8) -> Option<&'static str> {
    if is_get_status(cla, ins, p1) {
        return Some("GET STATUS");
    }
    if Family::of(cla) == Family::Gsm {
        // TS 51.011 names for the same codes.
        match ins {
            0xA2 => return Some("SEEK"),
            0x04 => return Some("INVALIDATE"),
            0x44 => return Some("REHABILITATE"),
            0x88 => return Some("RUN GSM ALGORITHM"),
            0x20 => return Some("VERIFY CHV"),
            0x24 => return Some("CHANGE CHV"),
            0x26 => return Some("DISABLE CHV"),
            0x28 => return Some("ENABLE CHV"),
            0x2C => return Some("UNBLOCK CHV"),
            _ => {}
        }
    }
    row(cla, ins).map(|r| r.name)
}

/// What P3 of a T=0 TPDU header means for this command.
///
/// Unknown instructions are treated as [`Direction::Incoming`], the choice that never
/// makes the card send data the terminal did not ask for.
pub fn direction(cla: u8, ins: u8, p1: u8, _p2: u8) -> Direction {
    if is_get_status(cla, ins, p1) {
        return Direction::Incoming;
    }
    // MANAGE CHANNEL: open (P1 = 00) returns the channel number (case 2);
    // close (P1 = 80) carries no data (case 1, P3 = 0).
    if ins == 0x70 && p1 == 0x80 {
        return Direction::Incoming;
    }
    row(cla, ins).map_or(Direction::Incoming, |r| r.direction)
}

impl Ins {
    /// The name of this instruction under the given class (see [`name`]).
    pub fn name(self, cla: u8) -> Option<&'static str> {
        name(cla, self.0, 0)
    }
}

impl fmt::Debug for Ins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match row(0x80, self.0).or_else(|| row(0x00, self.0)) {
            Some(r) => write!(f, "Ins({:02X} {})", self.0, r.name),
            None => write!(f, "Ins({:02X})", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_class() {
        assert_eq!(name(0x00, 0xA4, 0x00), Some("SELECT"));
        assert_eq!(name(0xA0, 0x88, 0x00), Some("RUN GSM ALGORITHM"));
        assert_eq!(name(0x00, 0xE6, 0x00), Some("TERMINATE DF"));
        assert_eq!(name(0x80, 0xE6, 0x0C), Some("INSTALL"));
        assert_eq!(name(0x80, 0xF2, 0x00), Some("STATUS"));
        assert_eq!(name(0x80, 0xF2, 0x40), Some("GET STATUS"));
        assert_eq!(name(0x00, 0x01, 0x00), None);
    }

    #[test]
    fn t0_directions() {
        // TS 102 221 §7.3.1.1: SELECT is case 3/4 (P3 = Lc), READ BINARY case 2.
        assert_eq!(direction(0x00, 0xA4, 0x00, 0x04), Direction::Incoming);
        assert_eq!(direction(0x00, 0xB0, 0x00, 0x00), Direction::Outgoing);
        assert_eq!(direction(0x80, 0xF2, 0x00, 0x00), Direction::Outgoing);
        assert_eq!(direction(0x80, 0xF2, 0x40, 0x00), Direction::Incoming);
        assert_eq!(direction(0x00, 0x70, 0x00, 0x00), Direction::Outgoing);
        assert_eq!(direction(0x00, 0x70, 0x80, 0x01), Direction::Incoming);
        assert_eq!(direction(0xA0, 0xC0, 0x00, 0x00), Direction::Outgoing);
        assert_eq!(direction(0x00, 0x01, 0x00, 0x00), Direction::Incoming);
    }

    #[test]
    fn every_row_has_a_unique_family_slot() {
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert!(
                    a.ins != b.ins || a.families & b.families == 0,
                    "{} and {} overlap",
                    a.name,
                    b.name
                );
            }
        }
    }
}
