//! The class `A0` GSM flavour (3GPP TS 51.011 §9): status word mapping and access
//! conditions summarised in the GSM response format.

use apdu::status::Sw;

use crate::access::Operation;
use crate::card::Card;
use crate::fs::NodeId;

/// Maps a TS 102 221 status word to its TS 51.011 §9.4 equivalent for class `A0`.
pub(crate) fn map_sw(sw: Sw) -> Sw {
    match sw {
        Sw::FILE_NOT_FOUND => Sw::GSM_FILE_NOT_FOUND,
        Sw::COMMAND_NOT_ALLOWED_NO_EF => Sw::GSM_NO_EF_SELECTED,
        // A record number the EF does not have is an invalid address (§9.2.5, §9.4.4).
        Sw::WRONG_P1P2 | Sw::END_OF_FILE | Sw::RECORD_NOT_FOUND => Sw::GSM_OUT_OF_RANGE,
        Sw::INCOMPATIBLE_FILE_STRUCTURE => Sw::GSM_FILE_INCONSISTENT,
        Sw::SECURITY_STATUS_NOT_SATISFIED => Sw::GSM_ACCESS_NOT_FULFILLED,
        Sw::AUTH_METHOD_BLOCKED => Sw::GSM_CHV_BLOCKED,
        Sw::FILE_INVALIDATED | Sw::FILE_TERMINATED => Sw::GSM_INVALIDATION_CONTRADICTION,
        Sw::REFERENCE_DATA_INVALIDATED | Sw::CONDITIONS_NOT_SATISFIED => Sw::GSM_CHV_CONTRADICTION,
        Sw::MEMORY_PROBLEM => Sw::GSM_MEMORY_PROBLEM,
        Sw::INCORRECT_P1P2 => Sw::WRONG_P1P2,
        other if other.sw1() == 0x63 && other.sw2() & 0xF0 == 0xC0 => Sw::GSM_ACCESS_NOT_FULFILLED,
        // TS 51.011 has no 6CXX: a wrong P3 is 67XX, XX the correct length (§9.4.6).
        other if other.sw1() == 0x6C => Sw::new(0x67, other.sw2()),
        other => other,
    }
}

impl Card {
    /// The level (TS 51.011 §9.3: 0 ALW, 1 CHV1, 2 CHV2, 4 ADM, F NEV) at which `op` on
    /// `file` is granted, found by evaluating the file's UICC rule under each level.
    fn gsm_level(&self, file: NodeId, op: Operation) -> u8 {
        let levels: [(u8, &[u8]); 4] = [
            (0x0, &[]),
            (0x1, &[0x01]),
            (0x2, &[0x01, 0x81]),
            (0x4, &[0x0A]),
        ];
        for (level, keys) in levels {
            if self.rule_grants(file, op, keys) {
                return level;
            }
        }
        0xF
    }

    /// The three access-condition bytes of a GSM EF response.
    pub(crate) fn gsm_access_bytes(&self, file: NodeId) -> [u8; 3] {
        let l = |op| self.gsm_level(file, op);
        [
            l(Operation::Read) << 4 | l(Operation::Update),
            l(Operation::Increase) << 4,
            l(Operation::Activate) << 4 | l(Operation::Deactivate),
        ]
    }
}
