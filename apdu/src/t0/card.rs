//! The card side: [`CardT0`] at TPDU level (procedure bytes) and [`ApduT0`] for bridges
//! that carry whole APDUs under a T=0 ATR. Both use the shared engine.

use super::engine::{Answer, Engine, SW_NO_RESPONSE, SW_WRONG_LENGTH};
use super::{Direction, DirectionFn, Header, NULL};
use crate::{ins, Error, Result};

/// What [`CardT0`] waits for next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A 5-byte command header ([`CardT0::header`]).
    Header,
    /// This many more command data bytes ([`CardT0::data`]).
    Data(usize),
    /// The card application's R-APDU ([`CardT0::respond`]).
    Response,
}

/// What the host of a [`CardT0`] does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardStep {
    /// Send the procedure byte (INS, the ACK of ISO/IEC 7816-3:2006 §10.3.3), then
    /// receive `len` command data bytes and pass them to [`CardT0::data`]. SIMtrace2:
    /// one `TX_DATA` with "PB and RX".
    Receive {
        /// The procedure byte to send: INS.
        procedure: u8,
        /// Number of data bytes the terminal sends next (P3).
        len: usize,
    },
    /// Hand this C-APDU to the card application and call [`CardT0::respond`] with its
    /// R-APDU. Case 1: `CLA INS P1 P2`; case 2: `CLA INS P1 P2 Le`; cases 3 and 4:
    /// `CLA INS P1 P2 Lc data` (T=0 carries no Le for case 4, ETSI TS 102 221
    /// §7.3.1.1.4).
    Process(Vec<u8>),
    /// The final answer to this TPDU: `procedure` (INS, present exactly when `data` is
    /// not empty) followed by `data`, then SW1 SW2; then wait for the next header.
    /// SIMtrace2: "PB and TX" with `[procedure, data]` if present, then a final
    /// transmission of `sw`.
    Send {
        /// ACK procedure byte (INS) to send before `data`.
        procedure: Option<u8>,
        /// Response data (at most 256 bytes).
        data: Vec<u8>,
        /// SW1 SW2 (or the procedure bytes `61xx`, `9Fxx`, `6Cxx`).
        sw: [u8; 2],
    },
    /// Nothing to send: more command data bytes are needed.
    Wait,
}

impl CardStep {
    /// The bytes this step puts on the I/O line, in order (empty for
    /// [`CardStep::Process`] and [`CardStep::Wait`]).
    pub fn wire_bytes(&self) -> Vec<u8> {
        match self {
            CardStep::Receive { procedure, .. } => vec![*procedure],
            CardStep::Send {
                procedure,
                data,
                sw,
            } => {
                let mut out = Vec::with_capacity(data.len().saturating_add(3));
                out.extend(procedure.iter().copied());
                out.extend_from_slice(data);
                out.extend_from_slice(sw);
                out
            }
            CardStep::Process(_) | CardStep::Wait => Vec::new(),
        }
    }

    fn answer(ins: u8, a: Answer) -> CardStep {
        CardStep::Send {
            procedure: (!a.data.is_empty()).then_some(ins),
            data: a.data,
            sw: a.sw,
        }
    }
}

/// The C-APDU the card application sees for a T=0 command (see [`CardStep::Process`]).
fn card_apdu(hdr: Header, dir: Direction, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().saturating_add(Header::LEN));
    out.extend_from_slice(&hdr.command());
    if dir == Direction::Outgoing || !data.is_empty() {
        out.push(hdr.p3);
    }
    out.extend_from_slice(data);
    out
}

#[derive(Debug, Clone)]
enum State {
    Idle,
    Receiving { hdr: Header, data: Vec<u8> },
    Processing { hdr: Header, dir: Direction },
}

/// The card side of T=0 at TPDU level (ISO/IEC 7816-3:2006 §10.3; ETSI TS 102 221 §7.2,
/// §7.3.1), for hosts such as a SIMtrace2 in card-emulation mode: the terminal sends a
/// header, the card answers with procedure bytes, receives data, and answers data and
/// status.
///
/// - Incoming commands (P3 = Lc) with P3 > 0 get the ACK (INS) and P3 data bytes are
///   awaited; P3 = 0 is case 1. Response data is announced with `61xx` (`9Fxx` for class
///   `A0`) and served by GET RESPONSE, in pieces of at most 256 bytes.
/// - Outgoing commands (P3 = Le) are answered with ACK + data + status when the response
///   has exactly Le bytes, with `6C La` otherwise; the response is kept, and the header
///   re-issued with P3 = La is answered from it without running the command again.
/// - GET RESPONSE with nothing pending gets `6F00` (ETSI TS 102 221 §12.1.1.1); any
///   other command discards pending data.
///
/// The direction of P3 comes from [`crate::ins::direction`] unless another function is
/// given to [`CardT0::with_direction`]. The card always acknowledges with INS, never
/// with the one-byte form `~INS`.
#[derive(Debug, Clone)]
pub struct CardT0<D = DirectionFn> {
    engine: Engine,
    state: State,
    direction: D,
}

impl CardT0 {
    /// A card using [`crate::ins::direction`].
    pub fn new() -> CardT0 {
        CardT0::with_direction(ins::direction as DirectionFn)
    }
}

impl Default for CardT0 {
    fn default() -> CardT0 {
        CardT0::new()
    }
}

impl<D: Fn(u8, u8, u8, u8) -> Direction> CardT0<D> {
    /// A card deciding the direction of P3 with `direction(cla, ins, p1, p2)`.
    pub fn with_direction(direction: D) -> CardT0<D> {
        CardT0 {
            engine: Engine::default(),
            state: State::Idle,
            direction,
        }
    }

    /// Back to the state after ATR: no command in progress, nothing pending.
    pub fn reset(&mut self) {
        self.engine.discard();
        self.state = State::Idle;
    }

    /// What the card waits for.
    pub fn expecting(&self) -> Expect {
        match &self.state {
            State::Idle => Expect::Header,
            State::Receiving { hdr, data } => {
                Expect::Data(usize::from(hdr.p3).saturating_sub(data.len()))
            }
            State::Processing { .. } => Expect::Response,
        }
    }

    /// A command header arrived. A header always starts a new command: a command still
    /// receiving data or waiting for its response is abandoned.
    pub fn header(&mut self, bytes: [u8; 5]) -> CardStep {
        let hdr = Header::from_bytes(bytes);
        let dir = (self.direction)(hdr.cla, hdr.ins, hdr.p1, hdr.p2);
        self.state = State::Idle;
        if let Some(answer) = self.engine.header(hdr, dir) {
            return CardStep::answer(hdr.ins, answer);
        }
        if dir == Direction::Incoming && hdr.p3 > 0 {
            self.state = State::Receiving {
                hdr,
                data: Vec::with_capacity(usize::from(hdr.p3)),
            };
            return CardStep::Receive {
                procedure: hdr.ins,
                len: usize::from(hdr.p3),
            };
        }
        self.state = State::Processing { hdr, dir };
        CardStep::Process(card_apdu(hdr, dir, &[]))
    }

    /// Command data bytes arrived, possibly a part of them. Errors when no data is
    /// expected or when `bytes` holds more than the rest of P3 (the state is then
    /// unchanged).
    pub fn data(&mut self, bytes: &[u8]) -> Result<CardStep> {
        let State::Receiving { hdr, data } = &mut self.state else {
            return Err(Error::Invalid("T=0 command data (none expected)"));
        };
        let hdr = *hdr;
        let missing = usize::from(hdr.p3).saturating_sub(data.len());
        if bytes.len() > missing {
            return Err(Error::TrailingData("T=0 command data"));
        }
        data.extend_from_slice(bytes);
        if bytes.len() < missing {
            return Ok(CardStep::Wait);
        }
        let capdu = card_apdu(hdr, Direction::Incoming, data);
        self.state = State::Processing {
            hdr,
            dir: Direction::Incoming,
        };
        Ok(CardStep::Process(capdu))
    }

    /// The card application's R-APDU (`data || SW1 SW2`, data of any length) for the
    /// command last handed out with [`CardStep::Process`]. Errors when no command is
    /// being processed.
    pub fn respond(&mut self, rapdu: &[u8]) -> Result<CardStep> {
        let State::Processing { hdr, dir } = self.state else {
            return Err(Error::Invalid("T=0 response (no command in progress)"));
        };
        self.state = State::Idle;
        Ok(CardStep::answer(
            hdr.ins,
            self.engine.response(hdr, dir, rapdu),
        ))
    }

    /// For the host to call when half the work waiting time has passed: the NULL
    /// procedure byte `60` to send while the card application is still processing a
    /// command, `None` otherwise (ISO/IEC 7816-3:2006 §10.3.3).
    pub fn null_byte(&self) -> Option<u8> {
        matches!(self.state, State::Processing { .. }).then_some(NULL)
    }
}

/// What an APDU-level bridge does with a command given to [`ApduT0::command`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApduStep {
    /// Hand this C-APDU to the card application (same forms as [`CardStep::Process`])
    /// and return [`ApduT0::respond`] of its R-APDU.
    Process(Vec<u8>),
    /// Return these R-APDU bytes to the terminal; the card application is not involved.
    Reply(Vec<u8>),
}

/// The card side of T=0 for bridges that deliver whole APDUs while the ATR offers only
/// T=0, e.g. vpcd behind pcscd: the terminal does the T=0 mapping itself (ETSI TS 102 221
/// §7.3.1.1), so a case-4 APDU arrives without Le (pySim's `00A40004023F00`), a case-2
/// APDU carries P3 = Le, and response data is fetched with GET RESPONSE.
///
/// The APDU's length decides its case: 4 bytes is case 1; 5 bytes is case 2, except
/// P3 = `00` on an instruction whose P3 is incoming, which is case 1 (ETSI TS 102 221
/// §7.3.1.1.1); `5 + Lc` bytes is case 3 or 4 without Le; `6 + Lc` is case 4 with Le,
/// which is then dropped as T=0 does. Other lengths get `6700`. The answers follow the
/// same engine as [`CardT0`].
#[derive(Debug, Clone)]
pub struct ApduT0<D = DirectionFn> {
    engine: Engine,
    processing: Option<(Header, Direction)>,
    direction: D,
}

impl ApduT0 {
    /// A bridge card using [`crate::ins::direction`].
    pub fn new() -> ApduT0 {
        ApduT0::with_direction(ins::direction as DirectionFn)
    }
}

impl Default for ApduT0 {
    fn default() -> ApduT0 {
        ApduT0::new()
    }
}

impl<D: Fn(u8, u8, u8, u8) -> Direction> ApduT0<D> {
    /// A bridge card deciding the direction of P3 with `direction(cla, ins, p1, p2)`
    /// (used only for 5-byte APDUs).
    pub fn with_direction(direction: D) -> ApduT0<D> {
        ApduT0 {
            engine: Engine::default(),
            processing: None,
            direction,
        }
    }

    /// Back to the state after ATR.
    pub fn reset(&mut self) {
        self.engine.discard();
        self.processing = None;
    }

    /// A C-APDU from the terminal.
    pub fn command(&mut self, capdu: &[u8]) -> ApduStep {
        self.processing = None;
        let Some((&[cla, ins, p1, p2], rest)) = capdu.split_first_chunk::<4>() else {
            self.engine.discard();
            return ApduStep::Reply(SW_WRONG_LENGTH.to_vec());
        };
        let hdr = |p3| Header {
            cla,
            ins,
            p1,
            p2,
            p3,
        };
        let (hdr, dir, data) = match rest {
            [] => (hdr(0), Direction::Incoming, &[][..]),
            [p3] => {
                let table = (self.direction)(cla, ins, p1, p2);
                let dir = if table == Direction::Incoming && *p3 == 0 {
                    Direction::Incoming
                } else {
                    Direction::Outgoing
                };
                (hdr(*p3), dir, &[][..])
            }
            [lc, body @ ..] => match lc_body(*lc, body) {
                Some(data) => (hdr(*lc), Direction::Incoming, data),
                None => {
                    self.engine.discard();
                    return ApduStep::Reply(SW_WRONG_LENGTH.to_vec());
                }
            },
        };
        if let Some(answer) = self.engine.header(hdr, dir) {
            return ApduStep::Reply(answer.into_bytes());
        }
        self.processing = Some((hdr, dir));
        ApduStep::Process(card_apdu(hdr, dir, data))
    }

    /// The R-APDU to return for the card application's R-APDU (`data || SW1 SW2`, data of
    /// any length) to the command last handed out with [`ApduStep::Process`]. Without
    /// such a command the answer is `6F00`.
    pub fn respond(&mut self, rapdu: &[u8]) -> Vec<u8> {
        match self.processing.take() {
            Some((hdr, dir)) => self.engine.response(hdr, dir, rapdu).into_bytes(),
            None => SW_NO_RESPONSE.to_vec(),
        }
    }
}

/// The data field of a short APDU body after `Lc`: exactly Lc bytes, optionally
/// followed by one Le byte. `Lc = 00` (an extended length) is not T=0.
fn lc_body(lc: u8, body: &[u8]) -> Option<&[u8]> {
    let n = usize::from(lc);
    match body.len().checked_sub(n) {
        Some(0 | 1) if n > 0 => body.get(..n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex::decode as h;
    use crate::t0::engine::SW_OK;
    use proptest::prelude::*;

    fn hdr(hex: &str) -> [u8; 5] {
        let b = h(hex).unwrap();
        b.as_slice().try_into().unwrap()
    }

    fn send(procedure: Option<u8>, data: &[u8], sw: [u8; 2]) -> CardStep {
        CardStep::Send {
            procedure,
            data: data.to_vec(),
            sw,
        }
    }

    /// EF.IMSI of IMSI 001010123456789 coded per 3GPP TS 31.102 §4.2.2 (length 08,
    /// parity nibble 9, swapped BCD digits), the 9 bytes pySim reads with `00B0000009`.
    const IMSI: [u8; 9] = [0x08, 0x09, 0x10, 0x10, 0x10, 0x32, 0x54, 0x76, 0x98];

    /// An MF FCP template of 0x1C = 28 bytes built from ETSI TS 102 221 §11.1.1.4:
    /// 62 1A { 82 02 7821 (DF), 83 02 3F00, A5 03 {80 01 71}, 8A 01 05, 8B 03 2F06 01,
    /// C6 03 {90 01 40} }.
    const FCP_MF: &str = "621A 82027821 83023F00 A503800171 8A0105 8B032F0601 C603900140";

    /// A 22-byte DF response of 3GPP TS 51.011 §9.2.1 (bytes 1–13 common part with
    /// FID 3F00 and type 01 = MF, byte 13 = 09 GSM-specific bytes).
    const GSM_MF: &str = "0000 1F40 3F00 01 0000000000 09 B103040400838A838A";

    #[test]
    fn vectors_have_their_stated_lengths() {
        assert_eq!(h(FCP_MF).unwrap().len(), 0x1C);
        assert_eq!(h(GSM_MF).unwrap().len(), 0x16);
    }

    #[test]
    fn case_1() {
        // TS 102 221 §7.3.1.1.1 and Annex C.1.1: P3 = 00, answer 90 00. MANAGE CHANNEL
        // close channel 1 (TS 102 221 §11.1.17: 00 70 80 01, no data).
        let mut card = CardT0::new();
        assert_eq!(
            card.header(hdr("0070800100")),
            CardStep::Process(h("00708001").unwrap())
        );
        assert_eq!(card.expecting(), Expect::Response);
        assert_eq!(card.respond(&SW_OK).unwrap(), send(None, &[], SW_OK));
        assert_eq!(card.expecting(), Expect::Header);
    }

    #[test]
    fn case_2_exact_length() {
        // TS 102 221 §7.3.1.1.2 / Annex C.1.2; ISO/IEC 7816-3:2006 §10.3.3: ACK = INS
        // B0, then the 9 bytes, then 90 00.
        let mut card = CardT0::new();
        let step = card.header(hdr("00B0000009"));
        assert_eq!(step, CardStep::Process(h("00B0000009").unwrap()));
        let mut rapdu = IMSI.to_vec();
        rapdu.extend_from_slice(&SW_OK);
        let step = card.respond(&rapdu).unwrap();
        assert_eq!(step, send(Some(0xB0), &IMSI, SW_OK));
        let mut wire = vec![0xB0];
        wire.extend_from_slice(&IMSI);
        wire.extend_from_slice(&[0x90, 0x00]);
        assert_eq!(step.wire_bytes(), wire);
    }

    #[test]
    fn case_2_wrong_le_then_reissue_from_cache() {
        // ISO/IEC 7816-3:2006 §12.2.3 case 2S.3 and TS 102 221 Table 7.1: P3 = 00 (256)
        // for a 9-byte answer gets 6C 09; the terminal re-issues with P3 = 09.
        let mut card = CardT0::new();
        assert!(matches!(
            card.header(hdr("00B0000000")),
            CardStep::Process(_)
        ));
        let mut rapdu = IMSI.to_vec();
        rapdu.extend_from_slice(&SW_OK);
        assert_eq!(card.respond(&rapdu).unwrap(), send(None, &[], [0x6C, 0x09]));
        // The re-issued header is answered without a new Process step.
        assert_eq!(
            card.header(hdr("00B0000009")),
            send(Some(0xB0), &IMSI, SW_OK)
        );
        // The cache is used once: the same header again runs the command again.
        assert!(matches!(
            card.header(hdr("00B0000009")),
            CardStep::Process(_)
        ));
    }

    #[test]
    fn case_2_shorter_le_gets_6c() {
        // ISO/IEC 7816-3:2006 §12.2.3 case 2S.3: La (9) announced when Le (4) differs.
        let mut card = CardT0::new();
        card.header(hdr("00B0000004"));
        let mut rapdu = IMSI.to_vec();
        rapdu.extend_from_slice(&SW_OK);
        assert_eq!(card.respond(&rapdu).unwrap(), send(None, &[], [0x6C, 0x09]));
    }

    #[test]
    fn case_3() {
        // TS 102 221 §7.3.1.1.3 / Annex C.1.3: ACK D6, 2 data bytes, 90 00.
        let mut card = CardT0::new();
        assert_eq!(
            card.header(hdr("00D6000002")),
            CardStep::Receive {
                procedure: 0xD6,
                len: 2
            }
        );
        assert_eq!(card.expecting(), Expect::Data(2));
        assert_eq!(
            card.data(&[0x12, 0x34]).unwrap(),
            CardStep::Process(h("00D6000002 1234").unwrap())
        );
        assert_eq!(card.respond(&SW_OK).unwrap(), send(None, &[], SW_OK));
    }

    #[test]
    fn case_4_then_get_response() {
        // TS 102 221 §7.3.1.1.4 / Annex C.1.4: SELECT MF, ACK A4, 3F 00, 61 1C; then
        // GET RESPONSE 00 C0 00 00 1C gets ACK C0, the 28 bytes and 90 00.
        let fcp = h(FCP_MF).unwrap();
        let mut card = CardT0::new();
        assert_eq!(
            card.header(hdr("00A4000402")),
            CardStep::Receive {
                procedure: 0xA4,
                len: 2
            }
        );
        assert_eq!(
            card.data(&[0x3F, 0x00]).unwrap(),
            CardStep::Process(h("00A4000402 3F00").unwrap())
        );
        let mut rapdu = fcp.clone();
        rapdu.extend_from_slice(&SW_OK);
        assert_eq!(card.respond(&rapdu).unwrap(), send(None, &[], [0x61, 0x1C]));
        assert_eq!(
            card.header(hdr("00C000001C")),
            send(Some(0xC0), &fcp, SW_OK)
        );
        // TS 102 221 §12.1.1.1: nothing is pending any more.
        assert_eq!(
            card.header(hdr("00C000001C")),
            send(None, &[], [0x6F, 0x00])
        );
    }

    #[test]
    fn gsm_class_uses_9f() {
        // 3GPP TS 51.011 §9.4.1: 9F xx gives the length of the response data; §9.2.18
        // GET RESPONSE A0 C0 00 00 16 returns the 22-byte MF response of §9.2.1.
        let resp = h(GSM_MF).unwrap();
        let mut card = CardT0::new();
        assert!(matches!(
            card.header(hdr("A0A4000002")),
            CardStep::Receive {
                procedure: 0xA4,
                len: 2
            }
        ));
        assert_eq!(
            card.data(&[0x3F, 0x00]).unwrap(),
            CardStep::Process(h("A0A4000002 3F00").unwrap())
        );
        let mut rapdu = resp.clone();
        rapdu.extend_from_slice(&SW_OK);
        assert_eq!(card.respond(&rapdu).unwrap(), send(None, &[], [0x9F, 0x16]));
        assert_eq!(
            card.header(hdr("A0C0000016")),
            send(Some(0xC0), &resp, SW_OK)
        );
    }

    #[test]
    fn chain_past_256_bytes() {
        // TS 102 221 §7.3.1.1.4 and Annex C.1.6: 300 bytes = 61 00 (256), then 256 bytes
        // with 61 2C (300 - 256 = 44 = 0x2C), then 44 bytes with 90 00.
        let data: Vec<u8> = (0..300u16).map(|i| (i % 251) as u8).collect();
        let mut card = CardT0::new();
        card.header(hdr("80E2910003"));
        card.data(&[0xBF, 0x2D, 0x00]).unwrap();
        let mut rapdu = data.clone();
        rapdu.extend_from_slice(&SW_OK);
        assert_eq!(card.respond(&rapdu).unwrap(), send(None, &[], [0x61, 0x00]));
        assert_eq!(
            card.header(hdr("00C0000000")),
            send(Some(0xC0), &data[..256], [0x61, 0x2C])
        );
        assert_eq!(
            card.header(hdr("00C000002C")),
            send(Some(0xC0), &data[256..], SW_OK)
        );
    }

    #[test]
    fn get_response_lengths() {
        // TS 102 221 Table 7.1: 6C xx when Le is wrong (here 00 = 256 and 0x30 for 28
        // pending bytes); Annex C.1.5: a shorter Le (YY <= XX) gets YY bytes and 61 for
        // the rest.
        let fcp = h(FCP_MF).unwrap();
        let mut card = CardT0::new();
        card.header(hdr("00A4000402"));
        card.data(&[0x3F, 0x00]).unwrap();
        let mut rapdu = fcp.clone();
        rapdu.extend_from_slice(&SW_OK);
        card.respond(&rapdu).unwrap();
        assert_eq!(
            card.header(hdr("00C0000000")),
            send(None, &[], [0x6C, 0x1C])
        );
        assert_eq!(
            card.header(hdr("00C0000030")),
            send(None, &[], [0x6C, 0x1C])
        );
        assert_eq!(
            card.header(hdr("00C0000010")),
            send(Some(0xC0), &fcp[..16], [0x61, 0x0C])
        );
        assert_eq!(
            card.header(hdr("00C000000C")),
            send(Some(0xC0), &fcp[16..], SW_OK)
        );
    }

    #[test]
    fn get_response_with_wrong_p1_p2() {
        // TS 102 221 §12.1.1.2 Table 12.1: P1 = P2 = 00; §10.2.1.5: 6B 00.
        let mut card = CardT0::new();
        card.header(hdr("00A4000402"));
        card.data(&[0x3F, 0x00]).unwrap();
        card.respond(&h("AABB 9000").unwrap()).unwrap();
        assert_eq!(
            card.header(hdr("00C0010002")),
            send(None, &[], [0x6B, 0x00])
        );
    }

    #[test]
    fn null_while_processing() {
        // ISO/IEC 7816-3:2006 §10.3.3: NULL (60) while the card works; not otherwise.
        let mut card = CardT0::new();
        assert_eq!(card.null_byte(), None);
        card.header(hdr("00A4000402"));
        assert_eq!(card.null_byte(), None);
        card.data(&[0x3F, 0x00]).unwrap();
        assert_eq!(card.null_byte(), Some(NULL));
        assert_eq!(card.null_byte(), Some(0x60));
        card.respond(&SW_OK).unwrap();
        assert_eq!(card.null_byte(), None);
    }

    #[test]
    fn split_data() {
        // ISO/IEC 7816-3:2006 §10.3.3: after ACK the terminal sends P3 bytes, which the
        // host may receive in pieces.
        let mut card = CardT0::new();
        card.header(hdr("00D6000004"));
        assert_eq!(card.data(&[]).unwrap(), CardStep::Wait);
        assert_eq!(card.data(&[1]).unwrap(), CardStep::Wait);
        assert_eq!(card.expecting(), Expect::Data(3));
        assert_eq!(card.data(&[2, 3]).unwrap(), CardStep::Wait);
        assert_eq!(
            card.data(&[4, 5]),
            Err(Error::TrailingData("T=0 command data"))
        );
        assert_eq!(
            card.data(&[4]).unwrap(),
            CardStep::Process(h("00D6000004 01020304").unwrap())
        );
        assert!(card.data(&[9]).is_err());
    }

    #[test]
    fn error_status_without_data_passes_through() {
        // TS 102 221 §7.3.1.1.4 step 2b: abnormal processing returns status only
        // (6A 82 file not found, §10.2.1.5).
        let mut card = CardT0::new();
        card.header(hdr("00A4000402"));
        card.data(&[0x7F, 0x10]).unwrap();
        assert_eq!(
            card.respond(&[0x6A, 0x82]).unwrap(),
            send(None, &[], [0x6A, 0x82])
        );
        // Case 2: also status only (§7.3.1.1.2 step 2b).
        card.header(hdr("00B0000009"));
        assert_eq!(
            card.respond(&[0x69, 0x86]).unwrap(),
            send(None, &[], [0x69, 0x86])
        );
    }

    #[test]
    fn new_command_discards_pending_data() {
        // TS 102 221 §12.1.1.1: GET RESPONSE must follow its command immediately,
        // otherwise "technical problem, no precise diagnosis" (6F 00).
        let mut card = CardT0::new();
        card.header(hdr("00A4000402"));
        card.data(&[0x3F, 0x00]).unwrap();
        let mut rapdu = h(FCP_MF).unwrap();
        rapdu.extend_from_slice(&SW_OK);
        assert_eq!(card.respond(&rapdu).unwrap(), send(None, &[], [0x61, 0x1C]));
        assert!(matches!(
            card.header(hdr("00B0000009")),
            CardStep::Process(_)
        ));
        card.respond(&[0x69, 0x86]).unwrap();
        assert_eq!(
            card.header(hdr("00C000001C")),
            send(None, &[], [0x6F, 0x00])
        );
    }

    #[test]
    fn invalid_header_bytes() {
        // ISO/IEC 7816-3:2006 §10.3.2: CLA FF and INS 6X/9X are invalid; TS 102 221
        // §10.2.1.5: 6E 00 class not supported, 6D 00 instruction not supported.
        let mut card = CardT0::new();
        assert_eq!(
            card.header(hdr("FFA4000002")),
            send(None, &[], [0x6E, 0x00])
        );
        assert_eq!(
            card.header(hdr("0061000000")),
            send(None, &[], [0x6D, 0x00])
        );
        assert_eq!(
            card.header(hdr("0090000000")),
            send(None, &[], [0x6D, 0x00])
        );
        assert!(card.respond(&SW_OK).is_err());
    }

    #[test]
    fn direction_override() {
        // The host decides: here INS CA is treated as incoming (a case-3/4 GET DATA).
        let mut card = CardT0::with_direction(|_, ins, _, _| {
            if ins == 0xCA {
                Direction::Incoming
            } else {
                ins::direction(0, ins, 0, 0)
            }
        });
        assert_eq!(
            card.header(hdr("80CA000002")),
            CardStep::Receive {
                procedure: 0xCA,
                len: 2
            }
        );
    }

    #[test]
    fn reset_forgets_everything() {
        let mut card = CardT0::new();
        card.header(hdr("00A4000402"));
        card.data(&[0x3F, 0x00]).unwrap();
        card.respond(&h("AABB 9000").unwrap()).unwrap();
        card.reset();
        // TS 102 221 §12.1.1.1: nothing pending after reset.
        assert_eq!(
            card.header(hdr("00C0000002")),
            send(None, &[], [0x6F, 0x00])
        );
    }

    #[test]
    fn apdu_bridge_pysim_select() {
        // shared/reference/clients.md §1: with a T=0 ATR pySim-shell's first APDU reaches
        // the card as 00a40004023f00 (Le stripped, TS 102 221 §7.3.1.1.4); the card
        // answers 61 xx and pySim sends GET RESPONSE 00 C0 00 00 xx.
        let fcp = h(FCP_MF).unwrap();
        let mut card = ApduT0::new();
        let capdu = h("00a40004023f00").unwrap();
        assert_eq!(card.command(&capdu), ApduStep::Process(capdu.clone()));
        let mut rapdu = fcp.clone();
        rapdu.extend_from_slice(&SW_OK);
        assert_eq!(card.respond(&rapdu), vec![0x61, 0x1C]);
        assert_eq!(
            card.command(&h("00C000001C").unwrap()),
            ApduStep::Reply(rapdu)
        );
    }

    #[test]
    fn apdu_bridge_cases() {
        let mut card = ApduT0::new();
        // Case 2 with wrong Le (ISO/IEC 7816-3:2006 §12.2.3 case 2S.3): 6C 09, then the
        // re-issued APDU is answered from the cache.
        assert_eq!(
            card.command(&h("00B0000000").unwrap()),
            ApduStep::Process(h("00B0000000").unwrap())
        );
        let mut rapdu = IMSI.to_vec();
        rapdu.extend_from_slice(&SW_OK);
        assert_eq!(card.respond(&rapdu), vec![0x6C, 0x09]);
        assert_eq!(
            card.command(&h("00B0000009").unwrap()),
            ApduStep::Reply(rapdu)
        );
        // Case 1 as pySim sends it (TS 102 221 §7.3.1.1.1: P3 = 00), and as 4 bytes.
        assert_eq!(
            card.command(&h("0070800100").unwrap()),
            ApduStep::Process(h("00708001").unwrap())
        );
        assert_eq!(card.respond(&SW_OK), SW_OK.to_vec());
        assert_eq!(
            card.command(&h("00708001").unwrap()),
            ApduStep::Process(h("00708001").unwrap())
        );
        assert_eq!(card.respond(&SW_OK), SW_OK.to_vec());
        // Case 4 with Le: Le is dropped as T=0 does (TS 102 221 §7.3.1.1.4).
        assert_eq!(
            card.command(&h("80E29100 03 BF2D00 00").unwrap()),
            ApduStep::Process(h("80E29100 03 BF2D00").unwrap())
        );
        assert_eq!(card.respond(&h("0102 9000").unwrap()), vec![0x61, 0x02]);
        // Bad lengths: 67 00 (TS 102 221 §10.2.1.5), and pending data is gone.
        assert_eq!(
            card.command(&h("00A40004023F").unwrap()),
            ApduStep::Reply(vec![0x67, 0x00])
        );
        assert_eq!(
            card.command(&h("00A4").unwrap()),
            ApduStep::Reply(vec![0x67, 0x00])
        );
        assert_eq!(
            card.command(&h("00A4000000AA").unwrap()),
            ApduStep::Reply(vec![0x67, 0x00])
        );
        assert_eq!(
            card.command(&h("00C0000002").unwrap()),
            ApduStep::Reply(vec![0x6F, 0x00])
        );
        // A respond without a command in progress: 6F 00.
        assert_eq!(card.respond(&SW_OK), vec![0x6F, 0x00]);
    }

    #[test]
    fn apdu_bridge_five_bytes_on_an_incoming_instruction_is_case_2() {
        // ISO/IEC 7816-4 §5.1: a 5-byte APDU is case 2 (Le), whatever the T=0 table says.
        let mut card = ApduT0::new();
        assert_eq!(
            card.command(&h("00A4000402").unwrap()),
            ApduStep::Process(h("00A4000402").unwrap())
        );
        // Le = 2 and two bytes: sent at once (TS 102 221 §7.3.1.1.2).
        assert_eq!(
            card.respond(&h("0102 9000").unwrap()),
            h("0102 9000").unwrap()
        );
    }

    #[derive(Debug, Clone)]
    enum Op {
        Header([u8; 5]),
        Data(Vec<u8>),
        Respond(Vec<u8>),
        Null,
        Reset,
    }

    fn op() -> impl Strategy<Value = Op> {
        let header = (
            prop_oneof![
                Just(0x00u8),
                Just(0x80),
                Just(0xA0),
                Just(0xFF),
                any::<u8>()
            ],
            prop_oneof![
                Just(0xC0u8),
                Just(0xB0),
                Just(0xA4),
                Just(0xD6),
                any::<u8>()
            ],
            any::<[u8; 3]>(),
        )
            .prop_map(|(cla, ins, [p1, p2, p3])| Op::Header([cla, ins, p1, p2, p3]));
        prop_oneof![
            header,
            proptest::collection::vec(any::<u8>(), 0..300).prop_map(Op::Data),
            proptest::collection::vec(any::<u8>(), 0..700).prop_map(Op::Respond),
            Just(Op::Null),
            Just(Op::Reset),
        ]
    }

    proptest! {
        #[test]
        fn card_never_panics(ops in proptest::collection::vec(op(), 0..40)) {
            let mut card = CardT0::new();
            for op in ops {
                match op {
                    Op::Header(b) => { let _ = card.header(b).wire_bytes(); }
                    Op::Data(d) => { let _ = card.data(&d); }
                    Op::Respond(r) => {
                        if let Ok(CardStep::Send { data, .. }) = card.respond(&r) {
                            prop_assert!(data.len() <= 256);
                        }
                    }
                    Op::Null => { let _ = card.null_byte(); }
                    Op::Reset => card.reset(),
                }
                let _ = card.expecting();
            }
        }

        #[test]
        fn apdu_bridge_never_panics(
            cmds in proptest::collection::vec(
                (proptest::collection::vec(any::<u8>(), 0..270), proptest::collection::vec(any::<u8>(), 0..700)),
                0..20,
            )
        ) {
            let mut card = ApduT0::new();
            for (c, r) in cmds {
                if let ApduStep::Process(_) = card.command(&c) {
                    let out = card.respond(&r);
                    prop_assert!(out.len() >= 2 && out.len() <= 258);
                }
            }
        }
    }
}
