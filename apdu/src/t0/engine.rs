//! The card-side T=0 rules shared by [`super::CardT0`] and [`super::ApduT0`]: what to
//! answer to a header before the card application runs (GET RESPONSE, a re-issued
//! case-2 header, invalid bytes) and how to put the application's R-APDU on the wire
//! (`61xx`/`9Fxx` with a GET RESPONSE queue, `6Cxx` with a re-issue cache).

use super::{len_byte, Direction, Header, GET_RESPONSE};

/// `90 00`, normal ending (ETSI TS 102 221 §10.2.1.1).
#[cfg(test)]
pub(crate) const SW_OK: [u8; 2] = [0x90, 0x00];
/// `6F 00`, technical problem, no precise diagnosis: the answer to a GET RESPONSE that
/// does not follow the command it relates to (ETSI TS 102 221 §12.1.1.1).
pub(crate) const SW_NO_RESPONSE: [u8; 2] = [0x6F, 0x00];
/// `6B 00`, incorrect parameters P1 to P2 (ETSI TS 102 221 §10.2.1.5); GET RESPONSE has
/// P1 = P2 = `00` (§12.1.1.2, Table 12.1).
const SW_WRONG_P1_P2: [u8; 2] = [0x6B, 0x00];
/// `6D 00`, instruction code not supported or invalid (ETSI TS 102 221 §10.2.1.5), for
/// INS `6X`/`9X`, which T=0 cannot carry (ISO/IEC 7816-3:2006 §10.3.2).
const SW_INS_INVALID: [u8; 2] = [0x6D, 0x00];
/// `6E 00`, class not supported (ETSI TS 102 221 §10.2.1.5), for CLA `FF`, which is
/// reserved for PPS (ISO/IEC 7816-3:2006 §10.3.2).
const SW_CLA_INVALID: [u8; 2] = [0x6E, 0x00];
/// `67 00`, wrong length (ETSI TS 102 221 §10.2.1.5).
pub(crate) const SW_WRONG_LENGTH: [u8; 2] = [0x67, 0x00];

/// What the card puts on the wire for one TPDU: response data (after an ACK procedure
/// byte when not empty) and SW1 SW2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    pub data: Vec<u8>,
    pub sw: [u8; 2],
}

impl Answer {
    fn status(sw: [u8; 2]) -> Answer {
        Answer {
            data: Vec::new(),
            sw,
        }
    }

    /// `data || SW1 SW2`, the R-APDU as an APDU-level bridge returns it.
    pub fn into_bytes(self) -> Vec<u8> {
        let mut out = self.data;
        out.extend_from_slice(&self.sw);
        out
    }
}

/// Response data waiting for GET RESPONSE, with the status word that ends it.
#[derive(Debug, Clone)]
struct Pending {
    data: Vec<u8>,
    sw: [u8; 2],
}

/// A case-2 response answered with `6Cxx`, kept for the re-issued header.
#[derive(Debug, Clone)]
struct Reissue {
    command: [u8; 4],
    data: Vec<u8>,
    sw: [u8; 2],
}

/// The shared card-side state: at most one of a GET RESPONSE queue or a re-issue cache.
#[derive(Debug, Clone, Default)]
pub(crate) struct Engine {
    pending: Option<Pending>,
    reissue: Option<Reissue>,
}

impl Engine {
    /// Forgets pending data and the re-issue cache (reset, or a malformed command).
    pub fn discard(&mut self) {
        *self = Engine::default();
    }

    /// A new command header whose P3 has direction `dir`. Returns the answer when the
    /// engine answers by itself, `None` when the command goes to the card application.
    ///
    /// Any command other than GET RESPONSE discards pending response data (ETSI TS 102 221
    /// §12.1.1.1: GET RESPONSE must follow the command it relates to immediately).
    pub fn header(&mut self, hdr: Header, dir: Direction) -> Option<Answer> {
        let pending = self.pending.take();
        let reissue = self.reissue.take();
        if hdr.cla == 0xFF {
            return Some(Answer::status(SW_CLA_INVALID));
        }
        if !hdr.ins_valid() {
            return Some(Answer::status(SW_INS_INVALID));
        }
        if dir != Direction::Outgoing {
            return None;
        }
        if hdr.ins == GET_RESPONSE {
            return Some(match pending {
                None => Answer::status(SW_NO_RESPONSE),
                Some(_) if (hdr.p1, hdr.p2) != (0, 0) => Answer::status(SW_WRONG_P1_P2),
                Some(p) => self.get_response(hdr, p),
            });
        }
        // The header of a case-2 command answered `6Cxx` comes back with the right P3:
        // answer from the cache instead of running the command again, so that GET
        // CHALLENGE, AUTHENTICATE-like or counter-reading commands return the data of the
        // one execution (a real card re-runs; ISO/IEC 7816-3:2006 §12.2.3 case 2S.3 only
        // asks for the re-issued command to be answered).
        match reissue {
            Some(r) if r.command == hdr.command() => Some(self.outgoing(hdr, r.data, r.sw)),
            _ => None,
        }
    }

    /// Puts the card application's R-APDU (`data || SW1 SW2`, data of any length) on the
    /// wire for the command `hdr` whose P3 had direction `dir`. An R-APDU shorter than
    /// two bytes is answered `6F00`.
    pub fn response(&mut self, hdr: Header, dir: Direction, rapdu: &[u8]) -> Answer {
        self.discard();
        let Some((data, sw)) = rapdu.split_last_chunk::<2>() else {
            return Answer::status(SW_NO_RESPONSE);
        };
        match dir {
            Direction::Incoming => self.incoming(hdr, data.to_vec(), *sw),
            Direction::Outgoing => self.outgoing(hdr, data.to_vec(), *sw),
        }
    }

    /// Cases 1, 3 and 4: T=0 cannot send data after incoming data, so response data is
    /// announced with `61xx` (`9Fxx` for class `A0`) and fetched with GET RESPONSE
    /// (ETSI TS 102 221 §7.3.1.1.4; 3GPP TS 51.011 §9.4.1). A status without data is
    /// sent at once (§7.3.1.1.4, abnormal processing: status only).
    fn incoming(&mut self, hdr: Header, data: Vec<u8>, sw: [u8; 2]) -> Answer {
        if data.is_empty() {
            return Answer::status(sw);
        }
        let more = more_data(hdr.cla, data.len());
        self.pending = Some(Pending { data, sw });
        Answer::status(more)
    }

    /// Case 2 (ETSI TS 102 221 §7.3.1.1.2 and Annex C; ISO/IEC 7816-3:2006 §12.2.3):
    /// - no data: status only;
    /// - exactly P3 bytes: ACK, the data and the status;
    /// - P3 = 256 and more than 256 bytes: the first 256, then `61xx` for the rest;
    /// - otherwise `6C La` (La = `00` beyond 255) and the response waits for the header
    ///   to come back with P3 = La.
    fn outgoing(&mut self, hdr: Header, mut data: Vec<u8>, sw: [u8; 2]) -> Answer {
        let ne = hdr.outgoing_len();
        if data.is_empty() || data.len() == ne {
            return Answer { data, sw };
        }
        if ne == 256 && data.len() > ne {
            let rest = data.split_off(ne);
            let more = more_data(hdr.cla, rest.len());
            self.pending = Some(Pending { data: rest, sw });
            return Answer { data, sw: more };
        }
        let la = len_byte(data.len());
        self.reissue = Some(Reissue {
            command: hdr.command(),
            data,
            sw,
        });
        Answer::status([0x6C, la])
    }

    /// GET RESPONSE with P3 = Le (ETSI TS 102 221 §12.1.1, Annex C.1.5/C.1.6):
    /// Le bytes when at least Le are pending, followed by `61xx`/`9Fxx` while data
    /// remains and by the command's own status once all of it is sent; `6C La` when Le
    /// exceeds what is pending (P3 = `00` asks for exactly 256 under T=0).
    fn get_response(&mut self, hdr: Header, mut p: Pending) -> Answer {
        let ne = hdr.outgoing_len();
        if ne > p.data.len() {
            let la = len_byte(p.data.len());
            self.pending = Some(p);
            return Answer::status([0x6C, la]);
        }
        let rest = p.data.split_off(ne);
        if rest.is_empty() {
            return Answer {
                data: p.data,
                sw: p.sw,
            };
        }
        let more = more_data(hdr.cla, rest.len());
        self.pending = Some(Pending {
            data: rest,
            sw: p.sw,
        });
        Answer {
            data: p.data,
            sw: more,
        }
    }
}

/// `61xx` (ETSI TS 102 221 §7.2, Table 7.1), or `9Fxx` for the GSM class `A0`
/// (3GPP TS 51.011 §9.4.1), announcing `n` bytes (`00` for 256 or more).
fn more_data(cla: u8, n: usize) -> [u8; 2] {
    let sw1 = if cla == 0xA0 { 0x9F } else { 0x61 };
    [sw1, len_byte(n)]
}
