//! The terminal side: [`ReaderT0`] turns one short C-APDU into T=0 TPDUs.

use super::{is_sw1, Header, GET_RESPONSE, NULL};
use crate::{Error, Result};

/// Upper bound on the response data collected over `61xx` chains; a card that keeps
/// announcing data beyond it is in error.
const MAX_RESPONSE: usize = 65_536;

/// The next move of an APDU-level exchange ([`ReaderT0::on_response`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderStep {
    /// Send this C-TPDU (GET RESPONSE, or the same header with a corrected P3) and pass
    /// its response to [`ReaderT0::on_response`].
    Send(Vec<u8>),
    /// The exchange is over: this is the R-APDU (`data || SW1 SW2`).
    Done(Vec<u8>),
}

/// The next move of a byte-level exchange ([`ReaderT0::on_bytes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ByteStep {
    /// Nothing to send: keep reading bytes from the card (after NULL, or mid-data).
    Wait,
    /// Send these bytes to the card, then keep reading. Either command data (after an
    /// ACK) or the 5-byte header of the next TPDU (GET RESPONSE, or a re-issue).
    Send(Vec<u8>),
    /// The exchange is over: this is the R-APDU (`data || SW1 SW2`).
    Done(Vec<u8>),
}

/// One command TPDU in flight.
#[derive(Debug, Clone)]
struct Tpdu {
    header: Header,
    /// Command data (incoming transfers); empty for outgoing ones.
    data: Vec<u8>,
    /// Whether P3 is Le (the card sends P3 bytes).
    outgoing: bool,
}

impl Tpdu {
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.header.to_bytes().to_vec();
        out.extend_from_slice(&self.data);
        out
    }

    /// GET RESPONSE for `le` bytes after a command of class `cla`.
    fn get_response(cla: u8, le: u8) -> Tpdu {
        Tpdu {
            header: Header {
                cla: get_response_cla(cla),
                ins: GET_RESPONSE,
                p1: 0,
                p2: 0,
                p3: le,
            },
            data: Vec::new(),
            outgoing: true,
        }
    }
}

/// The class byte of the GET RESPONSE after a command of class `cla`: `A0` stays `A0`
/// (3GPP TS 51.011 §9.2.18); otherwise the inter-industry class `0X`/`4X` carrying the
/// same logical channel (ETSI TS 102 221 §10.1.1 and Table 10.5 list GET RESPONSE under
/// `0X`, `4X`, `6X`; channels 0–3 sit in b2–b1 of `0X`/`8X`, channels 4–19 in b4–b1 of
/// `4X`/`6X`/`CX`/`EX`). Secure-messaging and chaining bits are cleared.
fn get_response_cla(cla: u8) -> u8 {
    if cla == 0xA0 {
        0xA0
    } else if cla & 0x40 == 0 {
        cla & 0x03
    } else {
        0x40 | (cla & 0x0F)
    }
}

/// Whether a status word on the first response to a case-4 command means the terminal
/// must still send GET RESPONSE: warnings `62xx`/`63xx` and application statuses `9xxx`
/// other than `9000` (ETSI TS 102 221 §7.3.1.1).
fn continues_case_4(sw: [u8; 2]) -> bool {
    matches!(sw[0], 0x62 | 0x63) || (sw[0] & 0xF0 == 0x90 && sw != [0x90, 0x00])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The command TPDU itself (or its re-issue).
    Command,
    /// GET RESPONSE after `61xx`/`9Fxx`.
    Chain,
    /// GET RESPONSE after a case-4 warning; the warning is returned if no data comes.
    Warning([u8; 2]),
}

/// The APDU-level state of one exchange.
#[derive(Debug, Clone)]
struct Exchange {
    cla: u8,
    case_4: bool,
    tpdu: Tpdu,
    /// Whether the current TPDU already is a `6Cxx` re-issue (one re-issue per TPDU).
    reissued: bool,
    phase: Phase,
    collected: Vec<u8>,
}

impl Exchange {
    /// Maps a short C-APDU onto its first TPDU (ETSI TS 102 221 §7.3.1.1; ISO/IEC
    /// 7816-3:2006 §12.2): case 1 gets P3 = `00`; case 2 keeps Le as P3; cases 3 and 4
    /// send Lc and the data, and case 4 drops Le.
    fn new(capdu: &[u8]) -> Result<Exchange> {
        let Some((&[cla, ins, p1, p2], rest)) = capdu.split_first_chunk::<4>() else {
            return Err(Error::Truncated("C-APDU header"));
        };
        let header = |p3| Header {
            cla,
            ins,
            p1,
            p2,
            p3,
        };
        if cla == 0xFF {
            return Err(Error::Invalid("CLA FF under T=0"));
        }
        if !header(0).ins_valid() {
            return Err(Error::Invalid("INS 6X/9X under T=0"));
        }
        let (tpdu, case_4) = match rest {
            [] => (
                Tpdu {
                    header: header(0),
                    data: Vec::new(),
                    outgoing: false,
                },
                false,
            ),
            [le] => (
                Tpdu {
                    header: header(*le),
                    data: Vec::new(),
                    outgoing: true,
                },
                false,
            ),
            [0, ..] => return Err(Error::Invalid("extended-length C-APDU under T=0")),
            [lc, body @ ..] => {
                let n = usize::from(*lc);
                let case_4 = match body.len().checked_sub(n) {
                    None => return Err(Error::Truncated("C-APDU data")),
                    Some(0) => false,
                    Some(1) => true,
                    Some(_) => return Err(Error::TrailingData("C-APDU Le")),
                };
                let data = body.get(..n).ok_or(Error::Truncated("C-APDU data"))?;
                let tpdu = Tpdu {
                    header: header(*lc),
                    data: data.to_vec(),
                    outgoing: false,
                };
                (tpdu, case_4)
            }
        };
        Ok(Exchange {
            cla,
            case_4,
            tpdu,
            reissued: false,
            phase: Phase::Command,
            collected: Vec::new(),
        })
    }

    fn next(&mut self, tpdu: Tpdu, phase: Phase) -> ReaderStep {
        self.tpdu = tpdu;
        self.reissued = false;
        self.phase = phase;
        ReaderStep::Send(self.tpdu.to_bytes())
    }

    /// One R-TPDU (`data || SW1 SW2`) for the TPDU in flight.
    fn on_response(&mut self, rtpdu: &[u8]) -> Result<ReaderStep> {
        let Some((data, &[sw1, sw2])) = rtpdu.split_last_chunk::<2>() else {
            return Err(Error::Truncated("R-TPDU status"));
        };
        // 6C La: the same header again with P3 = La (ISO/IEC 7816-3:2006 §12.2.3 case
        // 2S.3; ETSI TS 102 221 §7.2 Table 7.1), once per TPDU. Also after a case-1
        // header whose P3 = 00 the card read as Le.
        if sw1 == 0x6C && data.is_empty() && self.tpdu.data.is_empty() && !self.reissued {
            self.tpdu.header.p3 = sw2;
            self.tpdu.outgoing = true;
            self.reissued = true;
            return Ok(ReaderStep::Send(self.tpdu.to_bytes()));
        }
        if self.collected.len().saturating_add(data.len()) > MAX_RESPONSE {
            return Err(Error::TooLong("T=0 response data"));
        }
        self.collected.extend_from_slice(data);
        // 61xx (9Fxx for class A0): GET RESPONSE with P3 = xx, collecting the data of the
        // whole chain (ETSI TS 102 221 §7.3.1.1.4 and §12.1.1.2; 3GPP TS 51.011 §9.4.1).
        if sw1 == 0x61 || (sw1 == 0x9F && self.cla == 0xA0) {
            let phase = match self.phase {
                Phase::Warning(w) => Phase::Warning(w),
                _ => Phase::Chain,
            };
            return Ok(self.next(Tpdu::get_response(self.cla, sw2), phase));
        }
        // A case-4 warning or 9xxx status right after the data: GET RESPONSE with
        // Le = 00 (ETSI TS 102 221 §7.3.1.1; not done for the GSM class A0).
        if self.phase == Phase::Command
            && self.case_4
            && self.cla != 0xA0
            && self.collected.is_empty()
            && continues_case_4([sw1, sw2])
        {
            let tpdu = Tpdu::get_response(self.cla, 0);
            return Ok(self.next(tpdu, Phase::Warning([sw1, sw2])));
        }
        // The end. The data is not cut to Le: TS 102 221 §7.3.1.1.2 maps the R-TPDU onto
        // the R-APDU without change, and Le = 00 asks for all the card has.
        let sw = match self.phase {
            Phase::Warning(w) if self.collected.is_empty() => w,
            _ => [sw1, sw2],
        };
        let mut rapdu = core::mem::take(&mut self.collected);
        rapdu.extend_from_slice(&sw);
        Ok(ReaderStep::Done(rapdu))
    }
}

/// Where the byte-level exchange of one TPDU is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Io {
    /// Waiting for a procedure byte.
    Procedure,
    /// Receiving this many data bytes before the next procedure byte.
    Data(usize),
    /// SW1 received, waiting for SW2.
    Sw2(u8),
}

/// The byte-level state of the TPDU in flight.
#[derive(Debug, Clone)]
struct Wire {
    io: Io,
    /// Command data bytes already sent.
    sent: usize,
    /// Response data bytes received.
    received: Vec<u8>,
}

/// What one chunk of card bytes produced.
struct Fed {
    send: Vec<u8>,
    rtpdu: Option<Vec<u8>>,
}

impl Wire {
    fn new() -> Wire {
        Wire {
            io: Io::Procedure,
            sent: 0,
            received: Vec::new(),
        }
    }

    /// Consumes card bytes for `tpdu` (ISO/IEC 7816-3:2006 §10.3.3): NULL waits; INS sends
    /// all remaining data or receives all remaining data; `~INS` sends or receives one
    /// byte; SW1 SW2 end the TPDU.
    fn feed(&mut self, tpdu: &Tpdu, bytes: &[u8]) -> Result<Fed> {
        let mut send = Vec::new();
        let mut rest = bytes;
        while let Some((&b, tail)) = rest.split_first() {
            rest = tail;
            match self.io {
                Io::Sw2(sw1) => {
                    if !rest.is_empty() {
                        return Err(Error::TrailingData("T=0 status bytes"));
                    }
                    let mut rtpdu = core::mem::take(&mut self.received);
                    rtpdu.extend_from_slice(&[sw1, b]);
                    return Ok(Fed {
                        send,
                        rtpdu: Some(rtpdu),
                    });
                }
                Io::Data(n) => {
                    self.received.push(b);
                    let n = n.saturating_sub(1);
                    self.io = if n == 0 { Io::Procedure } else { Io::Data(n) };
                }
                Io::Procedure if b == NULL => {}
                Io::Procedure if is_sw1(b) => self.io = Io::Sw2(b),
                Io::Procedure => {
                    let ins = tpdu.header.ins;
                    let all = if b == ins {
                        true
                    } else if b == !ins {
                        false
                    } else {
                        return Err(Error::Invalid("T=0 procedure byte"));
                    };
                    if tpdu.outgoing {
                        let left = tpdu
                            .header
                            .outgoing_len()
                            .saturating_sub(self.received.len());
                        if left == 0 {
                            return Err(Error::Invalid("T=0 procedure byte (no data left)"));
                        }
                        self.io = Io::Data(if all { left } else { 1 });
                    } else {
                        let left = tpdu.data.get(self.sent..).unwrap_or_default();
                        let chunk = if all {
                            left
                        } else {
                            left.get(..1).unwrap_or_default()
                        };
                        if chunk.is_empty() {
                            return Err(Error::Invalid("T=0 procedure byte (no data left)"));
                        }
                        send.extend_from_slice(chunk);
                        self.sent = self.sent.saturating_add(chunk.len());
                    }
                }
            }
        }
        Ok(Fed { send, rtpdu: None })
    }
}

/// The terminal side of T=0 (ISO/IEC 7816-3:2006 §10.3 and §12.2; ETSI TS 102 221
/// §7.3.1): one short C-APDU (cases 1–4) becomes TPDUs, with GET RESPONSE after `61xx`
/// (and after `9Fxx` for class `A0`), data collected across `61xx` chains, the header
/// re-issued with P3 = xx after `6Cxx`, and GET RESPONSE after a case-4 warning.
///
/// Two interfaces:
/// - APDU level, for PC/SC clients that see `61xx`/`6Cxx`: [`ReaderT0::start`] gives the
///   first C-TPDU, [`ReaderT0::on_response`] takes each R-TPDU.
/// - Byte level, for serial readers: [`ReaderT0::start_bytes`] gives the header,
///   [`ReaderT0::on_bytes`] takes whatever the card sends (procedure bytes `60`, INS,
///   `~INS`, data, SW1 SW2) and says what to send.
#[derive(Debug, Clone, Default)]
pub struct ReaderT0 {
    exchange: Option<Exchange>,
    wire: Option<Wire>,
}

impl ReaderT0 {
    /// An idle reader.
    pub fn new() -> ReaderT0 {
        ReaderT0::default()
    }

    /// Starts an APDU-level exchange for a short C-APDU; returns the first C-TPDU
    /// (header and command data). Errors on a malformed or extended C-APDU, CLA `FF` or
    /// INS `6X`/`9X`.
    pub fn start(&mut self, capdu: &[u8]) -> Result<Vec<u8>> {
        let exchange = Exchange::new(capdu)?;
        let tpdu = exchange.tpdu.to_bytes();
        self.exchange = Some(exchange);
        self.wire = None;
        Ok(tpdu)
    }

    /// The R-TPDU (`data || SW1 SW2`) the card gave to the C-TPDU last sent. Errors
    /// when no exchange is in progress, on fewer than two bytes, or when `61xx` chains
    /// exceed 64 KiB.
    pub fn on_response(&mut self, rtpdu: &[u8]) -> Result<ReaderStep> {
        let Some(exchange) = self.exchange.as_mut() else {
            return Err(Error::Invalid("R-TPDU (no exchange in progress)"));
        };
        let step = exchange.on_response(rtpdu);
        if !matches!(step, Ok(ReaderStep::Send(_))) {
            self.exchange = None;
            self.wire = None;
        }
        step
    }

    /// Starts a byte-level exchange; returns the 5-byte header to send. Then pass every
    /// byte read from the card to [`ReaderT0::on_bytes`].
    pub fn start_bytes(&mut self, capdu: &[u8]) -> Result<[u8; 5]> {
        let exchange = Exchange::new(capdu)?;
        let header = exchange.tpdu.header.to_bytes();
        self.exchange = Some(exchange);
        self.wire = Some(Wire::new());
        Ok(header)
    }

    /// Bytes read from the card (any split). Errors on an invalid procedure byte, on
    /// bytes after SW1 SW2, or when no byte-level exchange is in progress; the exchange
    /// is then over.
    pub fn on_bytes(&mut self, bytes: &[u8]) -> Result<ByteStep> {
        let (Some(exchange), Some(wire)) = (self.exchange.as_ref(), self.wire.as_mut()) else {
            return Err(Error::Invalid("T=0 bytes (no exchange in progress)"));
        };
        let fed = match wire.feed(&exchange.tpdu, bytes) {
            Ok(fed) => fed,
            Err(e) => {
                self.exchange = None;
                self.wire = None;
                return Err(e);
            }
        };
        let Some(rtpdu) = fed.rtpdu else {
            return Ok(if fed.send.is_empty() {
                ByteStep::Wait
            } else {
                ByteStep::Send(fed.send)
            });
        };
        match self.on_response(&rtpdu)? {
            ReaderStep::Done(rapdu) => Ok(ByteStep::Done(rapdu)),
            ReaderStep::Send(_) => {
                let header = self
                    .exchange
                    .as_ref()
                    .map(|e| e.tpdu.header.to_bytes().to_vec())
                    .unwrap_or_default();
                self.wire = Some(Wire::new());
                Ok(ByteStep::Send(header))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex::decode as h;
    use proptest::prelude::*;

    /// EF.IMSI of IMSI 001010123456789 (3GPP TS 31.102 §4.2.2).
    const IMSI: &str = "080910101032547698";
    /// A 28-byte MF FCP template (ETSI TS 102 221 §11.1.1.4), as in the card tests.
    const FCP_MF: &str = "621A82027821 83023F00 A503800171 8A0105 8B032F0601 C603900140";

    fn cat(parts: &[&str]) -> Vec<u8> {
        parts.iter().flat_map(|p| h(p).unwrap()).collect()
    }

    fn send(hex: &str) -> ReaderStep {
        ReaderStep::Send(h(hex).unwrap())
    }

    #[test]
    fn case_1() {
        // TS 102 221 §7.3.1.1.1 / Annex C.1.1: P3 = 00 is added; 90 00 ends it.
        let mut r = ReaderT0::new();
        assert_eq!(
            r.start(&h("00708001").unwrap()).unwrap(),
            h("0070800100").unwrap()
        );
        assert_eq!(
            r.on_response(&[0x90, 0x00]).unwrap(),
            ReaderStep::Done(vec![0x90, 0x00])
        );
        assert!(r.on_response(&[0x90, 0x00]).is_err());
    }

    #[test]
    fn case_2_with_6c() {
        // ISO/IEC 7816-3:2006 §12.2.3 case 2S.3, TS 102 221 Table 7.1: 6C 09 re-issues
        // the header with P3 = 09.
        let mut r = ReaderT0::new();
        assert_eq!(
            r.start(&h("00B0000000").unwrap()).unwrap(),
            h("00B0000000").unwrap()
        );
        assert_eq!(r.on_response(&[0x6C, 0x09]).unwrap(), send("00B0000009"));
        let rapdu = cat(&[IMSI, "9000"]);
        assert_eq!(r.on_response(&rapdu).unwrap(), ReaderStep::Done(rapdu));
    }

    #[test]
    fn case_3() {
        // TS 102 221 §7.3.1.1.3 / Annex C.1.3.
        let mut r = ReaderT0::new();
        assert_eq!(
            r.start(&h("00D6000002 1234").unwrap()).unwrap(),
            h("00D6000002 1234").unwrap()
        );
        assert_eq!(
            r.on_response(&[0x90, 0x00]).unwrap(),
            ReaderStep::Done(vec![0x90, 0x00])
        );
    }

    #[test]
    fn case_4_with_61() {
        // TS 102 221 §7.3.1.1.4 / Annex C.1.4: Le is dropped; 61 1C → 00 C0 00 00 1C.
        let mut r = ReaderT0::new();
        assert_eq!(
            r.start(&h("00A4000402 3F00 00").unwrap()).unwrap(),
            h("00A4000402 3F00").unwrap()
        );
        assert_eq!(r.on_response(&[0x61, 0x1C]).unwrap(), send("00C000001C"));
        let rapdu = cat(&[FCP_MF, "9000"]);
        assert_eq!(r.on_response(&rapdu).unwrap(), ReaderStep::Done(rapdu));
    }

    #[test]
    fn gsm_class() {
        // 3GPP TS 51.011 §9.4.1 (9F xx) and §9.2.18 (GET RESPONSE in class A0).
        let mut r = ReaderT0::new();
        r.start(&h("A0A4000002 3F00").unwrap()).unwrap();
        assert_eq!(r.on_response(&[0x9F, 0x16]).unwrap(), send("A0C0000016"));
        // 9F xx outside class A0 is not "more data": it is the final status.
        let mut r = ReaderT0::new();
        r.start(&h("00A4000002 3F00").unwrap()).unwrap();
        assert_eq!(
            r.on_response(&[0x9F, 0x16]).unwrap(),
            ReaderStep::Done(vec![0x9F, 0x16])
        );
    }

    #[test]
    fn chain_past_256_bytes() {
        // TS 102 221 Annex C.1.6: data collected over 61 00 (256) then 61 2C (44).
        let data: Vec<u8> = (0..300u16).map(|i| (i % 253) as u8).collect();
        let mut r = ReaderT0::new();
        r.start(&h("80E29100 03 BF2D00").unwrap()).unwrap();
        assert_eq!(r.on_response(&[0x61, 0x00]).unwrap(), send("00C0000000"));
        let mut first = data[..256].to_vec();
        first.extend_from_slice(&[0x61, 0x2C]);
        assert_eq!(r.on_response(&first).unwrap(), send("00C000002C"));
        let mut last = data[256..].to_vec();
        last.extend_from_slice(&[0x90, 0x00]);
        let mut all = data.clone();
        all.extend_from_slice(&[0x90, 0x00]);
        assert_eq!(r.on_response(&last).unwrap(), ReaderStep::Done(all));
    }

    #[test]
    fn case_4_warning_continues() {
        // TS 102 221 §7.3.1.1: after the data of a case-4 command, 62xx/63xx/9xxx (not
        // 9000) make the terminal send GET RESPONSE (Le = 00, as pySim does per
        // §7.3.1.1.4 clause 4b); 6C then fixes Le (Annex C.1.7).
        let mut r = ReaderT0::new();
        r.start(&h("00A4000402 3F00 00").unwrap()).unwrap();
        assert_eq!(r.on_response(&[0x62, 0x83]).unwrap(), send("00C0000000"));
        assert_eq!(r.on_response(&[0x6C, 0x1C]).unwrap(), send("00C000001C"));
        let rapdu = cat(&[FCP_MF, "6283"]);
        assert_eq!(r.on_response(&rapdu).unwrap(), ReaderStep::Done(rapdu));
        // With no data to fetch the warning itself is the answer (98 62, TS 102 221
        // §10.2.1.6 authentication error; 6F 00 to GET RESPONSE per §12.1.1.1).
        let mut r = ReaderT0::new();
        r.start(&h("00880081 02 AABB 00").unwrap()).unwrap();
        assert_eq!(r.on_response(&[0x98, 0x62]).unwrap(), send("00C0000000"));
        assert_eq!(
            r.on_response(&[0x6F, 0x00]).unwrap(),
            ReaderStep::Done(vec![0x98, 0x62])
        );
        // Not for case 3 (no Le), nor for class A0.
        let mut r = ReaderT0::new();
        r.start(&h("0020000108 3132333435363738").unwrap()).unwrap();
        assert_eq!(
            r.on_response(&[0x63, 0xC2]).unwrap(),
            ReaderStep::Done(vec![0x63, 0xC2])
        );
        r.start(&h("A0A4000002 3F00 00").unwrap()).unwrap();
        assert_eq!(
            r.on_response(&[0x91, 0x10]).unwrap(),
            ReaderStep::Done(vec![0x91, 0x10])
        );
    }

    #[test]
    fn get_response_keeps_the_channel() {
        // TS 102 221 §10.1.1: channels 0–3 in b2–b1 of 0X/8X, 4–19 in b4–b1 of 4X/CX;
        // Table 10.5: GET RESPONSE is an inter-industry (0X/4X/6X) command.
        assert_eq!(get_response_cla(0x00), 0x00);
        assert_eq!(get_response_cla(0x81), 0x01);
        assert_eq!(get_response_cla(0x03), 0x03);
        assert_eq!(get_response_cla(0x0C), 0x00);
        assert_eq!(get_response_cla(0xC5), 0x45);
        assert_eq!(get_response_cla(0x61), 0x41);
        assert_eq!(get_response_cla(0xE3), 0x43);
        assert_eq!(get_response_cla(0xA0), 0xA0);
        let mut r = ReaderT0::new();
        r.start(&h("81E29100 03 BF2D00").unwrap()).unwrap();
        assert_eq!(r.on_response(&[0x61, 0x10]).unwrap(), send("01C0000010"));
    }

    #[test]
    fn malformed_commands() {
        let mut r = ReaderT0::new();
        assert_eq!(
            r.start(&[0x00, 0xA4]),
            Err(Error::Truncated("C-APDU header"))
        );
        // ISO/IEC 7816-3:2006 §10.3.2: CLA FF and INS 6X/9X are not T=0 commands.
        assert!(r.start(&h("FFA40004").unwrap()).is_err());
        assert!(r.start(&h("00670000").unwrap()).is_err());
        assert!(r.start(&h("00A4000400 0002 3F00").unwrap()).is_err());
        assert_eq!(
            r.start(&h("00A4000403 3F00").unwrap()),
            Err(Error::Truncated("C-APDU data"))
        );
        assert_eq!(
            r.start(&h("00A4000401 3F 00 00").unwrap()),
            Err(Error::TrailingData("C-APDU Le"))
        );
        assert!(r.on_response(&[0x90]).is_err());
    }

    #[test]
    fn bytes_case_2_with_null_and_split() {
        // ISO/IEC 7816-3:2006 §10.3.3: 60 = NULL (wait), B0 = ACK (all data follows).
        let mut r = ReaderT0::new();
        assert_eq!(
            r.start_bytes(&h("00B0000009").unwrap()).unwrap(),
            [0, 0xB0, 0, 0, 9]
        );
        assert_eq!(r.on_bytes(&[0x60]).unwrap(), ByteStep::Wait);
        assert_eq!(r.on_bytes(&[0x60, 0xB0]).unwrap(), ByteStep::Wait);
        let imsi = h(IMSI).unwrap();
        assert_eq!(r.on_bytes(&imsi[..4]).unwrap(), ByteStep::Wait);
        let mut tail = imsi[4..].to_vec();
        tail.push(0x90);
        assert_eq!(r.on_bytes(&tail).unwrap(), ByteStep::Wait);
        assert_eq!(
            r.on_bytes(&[0x00]).unwrap(),
            ByteStep::Done(cat(&[IMSI, "9000"]))
        );
    }

    #[test]
    fn bytes_single_byte_acks() {
        // ISO/IEC 7816-3:2006 §10.3.3: ~INS (INS xor FF) moves one byte, INS the rest.
        // Incoming: ~D6 = 29.
        let mut r = ReaderT0::new();
        r.start_bytes(&h("00D6000003 AABBCC").unwrap()).unwrap();
        assert_eq!(r.on_bytes(&[0x29]).unwrap(), ByteStep::Send(vec![0xAA]));
        assert_eq!(
            r.on_bytes(&[0x60, 0x29]).unwrap(),
            ByteStep::Send(vec![0xBB])
        );
        assert_eq!(r.on_bytes(&[0xD6]).unwrap(), ByteStep::Send(vec![0xCC]));
        assert_eq!(
            r.on_bytes(&[0x90, 0x00]).unwrap(),
            ByteStep::Done(vec![0x90, 0x00])
        );
        // Outgoing: ~B0 = 4F.
        r.start_bytes(&h("00B0000003").unwrap()).unwrap();
        assert_eq!(r.on_bytes(&[0x4F, 0x08]).unwrap(), ByteStep::Wait);
        assert_eq!(r.on_bytes(&[0x4F]).unwrap(), ByteStep::Wait);
        assert_eq!(
            r.on_bytes(&[0x09, 0xB0, 0x10, 0x90, 0x00]).unwrap(),
            ByteStep::Done(h("080910 9000").unwrap())
        );
    }

    #[test]
    fn bytes_case_4_with_get_response() {
        // TS 102 221 §7.3.1.1.4: ACK A4 → data; 61 1C → GET RESPONSE header; ACK C0 →
        // 28 bytes, 90 00.
        let mut r = ReaderT0::new();
        r.start_bytes(&h("00A4000402 3F00 00").unwrap()).unwrap();
        assert_eq!(
            r.on_bytes(&[0xA4]).unwrap(),
            ByteStep::Send(vec![0x3F, 0x00])
        );
        assert_eq!(
            r.on_bytes(&[0x61, 0x1C]).unwrap(),
            ByteStep::Send(h("00C000001C").unwrap())
        );
        let mut rest = vec![0xC0];
        rest.extend(cat(&[FCP_MF, "9000"]));
        assert_eq!(
            r.on_bytes(&rest).unwrap(),
            ByteStep::Done(cat(&[FCP_MF, "9000"]))
        );
    }

    #[test]
    fn bytes_errors() {
        let mut r = ReaderT0::new();
        assert!(r.on_bytes(&[0x90, 0x00]).is_err());
        r.start_bytes(&h("00B0000002").unwrap()).unwrap();
        // Neither NULL, INS, ~INS nor SW1.
        assert_eq!(
            r.on_bytes(&[0x12]),
            Err(Error::Invalid("T=0 procedure byte"))
        );
        r.start_bytes(&h("00B0000002").unwrap()).unwrap();
        assert_eq!(
            r.on_bytes(&[0x90, 0x00, 0x00]),
            Err(Error::TrailingData("T=0 status bytes"))
        );
        // An ACK on an incoming TPDU with no data left.
        r.start_bytes(&h("00D6000001 AA").unwrap()).unwrap();
        assert_eq!(r.on_bytes(&[0xD6]).unwrap(), ByteStep::Send(vec![0xAA]));
        assert!(r.on_bytes(&[0xD6]).is_err());
    }

    proptest! {
        #[test]
        fn apdu_level_never_panics(
            capdu in proptest::collection::vec(any::<u8>(), 0..270),
            responses in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..10),
        ) {
            let mut r = ReaderT0::new();
            let _ = r.start(&capdu);
            for resp in responses {
                let _ = r.on_response(&resp);
            }
        }

        #[test]
        fn byte_level_never_panics(
            capdu in proptest::collection::vec(any::<u8>(), 4..270),
            chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..30),
        ) {
            let mut r = ReaderT0::new();
            let _ = r.start_bytes(&capdu);
            for chunk in chunks {
                let _ = r.on_bytes(&chunk);
            }
        }
    }
}
