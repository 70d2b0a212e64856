//! AUTHENTICATE (INS `88`) of the USIM (3GPP TS 31.102 §7.1.2) and RUN GSM ALGORITHM
//! of the SIM (TS 51.011 §9.2.16): command decoding and response encoding, independent
//! of the algorithm.

use apdu::status::Sw;

/// The authentication context in P2 (TS 31.102 §7.1.2, Table 7.1.2-1; b8 = 1 means
/// "specific reference data", i.e. the application's own key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// `80`: GSM context (SRES, Kc).
    Gsm,
    /// `81`: 3G / EPS / 5G context (RES, CK, IK or AUTS).
    Umts,
}

impl Context {
    /// The context of P2, or `6A86` for contexts this USIM does not support
    /// (TS 31.102 §7.1.2: "incorrect parameters P1 to P2").
    pub fn from_p2(p1: u8, p2: u8) -> Result<Context, Sw> {
        if p1 != 0x00 {
            return Err(Sw::INCORRECT_P1P2);
        }
        match p2 {
            0x80 => Ok(Context::Gsm),
            0x81 => Ok(Context::Umts),
            _ => Err(Sw::INCORRECT_P1P2),
        }
    }
}

/// A decoded AUTHENTICATE command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// GSM context: `10 RAND`.
    Gsm {
        /// The 16-byte RAND.
        rand: [u8; 16],
    },
    /// 3G context: `10 RAND 10 AUTN`.
    Umts {
        /// RAND.
        rand: [u8; 16],
        /// AUTN = SQN ⊕ AK ‖ AMF ‖ MAC-A.
        autn: [u8; 16],
    },
}

fn lv16(data: &[u8]) -> Option<([u8; 16], &[u8])> {
    let (&len, rest) = data.split_first()?;
    if len != 16 || rest.len() < 16 {
        return None;
    }
    let (v, rest) = rest.split_at(16);
    Some((v.try_into().ok()?, rest))
}

impl Challenge {
    /// Decodes the data field for a context: wrong lengths are `6700`.
    pub fn decode(context: Context, data: &[u8]) -> Result<Challenge, Sw> {
        match context {
            Context::Gsm => match lv16(data) {
                Some((rand, [])) => Ok(Challenge::Gsm { rand }),
                _ => Err(Sw::WRONG_LENGTH),
            },
            Context::Umts => {
                let (rand, rest) = lv16(data).ok_or(Sw::WRONG_LENGTH)?;
                match lv16(rest) {
                    Some((autn, [])) => Ok(Challenge::Umts { rand, autn }),
                    _ => Err(Sw::WRONG_LENGTH),
                }
            }
        }
    }
}

/// The answer data of AUTHENTICATE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 3G success: `DB` ‖ L RES ‖ L CK ‖ L IK ‖ [L Kc] (TS 31.102 §7.1.2.1).
    Umts {
        /// RES (4–16 bytes).
        res: Vec<u8>,
        /// CK.
        ck: [u8; 16],
        /// IK.
        ik: [u8; 16],
        /// Kc, when service n°27 (GSM access) is available.
        kc: Option<[u8; 8]>,
    },
    /// Synchronisation failure: `DC` ‖ L AUTS.
    SyncFailure {
        /// AUTS = SQN_MS ⊕ AK* ‖ MAC-S (14 bytes).
        auts: [u8; 14],
    },
    /// GSM context: `04` SRES ‖ `08` Kc (TS 31.102 §7.1.2.2).
    Gsm {
        /// SRES.
        sres: [u8; 4],
        /// Kc.
        kc: [u8; 8],
    },
}

impl Answer {
    /// The response data bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        match self {
            Answer::Umts { res, ck, ik, kc } => {
                out.push(0xDB);
                out.push(res.len() as u8);
                out.extend_from_slice(res);
                out.push(16);
                out.extend_from_slice(ck);
                out.push(16);
                out.extend_from_slice(ik);
                if let Some(kc) = kc {
                    out.push(8);
                    out.extend_from_slice(kc);
                }
            }
            Answer::SyncFailure { auts } => {
                out.push(0xDC);
                out.push(14);
                out.extend_from_slice(auts);
            }
            Answer::Gsm { sres, kc } => {
                out.push(4);
                out.extend_from_slice(sres);
                out.push(8);
                out.extend_from_slice(kc);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_pysim_authenticate() {
        // pySim's `authenticate RAND AUTN` (shared/reference/clients.md §6):
        // 00 88 00 81 22 10<RAND> 10<AUTN> 00.
        let mut data = vec![0x10];
        data.extend([0x23; 16]);
        data.push(0x10);
        data.extend([0x55; 16]);
        let ctx = Context::from_p2(0x00, 0x81).unwrap();
        assert_eq!(
            Challenge::decode(ctx, &data),
            Ok(Challenge::Umts {
                rand: [0x23; 16],
                autn: [0x55; 16]
            })
        );
        assert_eq!(Challenge::decode(ctx, &data[..33]), Err(Sw::WRONG_LENGTH));
        assert_eq!(Context::from_p2(0x00, 0x82), Err(Sw::INCORRECT_P1P2));
        assert_eq!(Context::from_p2(0x01, 0x81), Err(Sw::INCORRECT_P1P2));
    }

    #[test]
    fn encodes_answers() {
        // TS 31.102 §7.1.2.1: DB, then length-prefixed RES, CK, IK (and Kc).
        let a = Answer::Umts {
            res: vec![1; 8],
            ck: [2; 16],
            ik: [3; 16],
            kc: None,
        };
        let e = a.encode();
        assert_eq!(&e[..2], &[0xDB, 0x08]);
        assert_eq!(e.len(), 1 + 9 + 17 + 17);
        assert_eq!(
            Answer::SyncFailure { auts: [9; 14] }.encode()[..2],
            [0xDC, 0x0E]
        );
        assert_eq!(
            Answer::Gsm {
                sres: [1; 4],
                kc: [2; 8]
            }
            .encode()
            .len(),
            14
        );
    }
}
