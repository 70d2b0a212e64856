//! The card side of vsmartcard's vpcd protocol: the emulated card connects to the vpcd
//! driver inside pcscd (TCP 35963 for reader 0, 35964 for reader 1) and pcscd shows it
//! as a card in the "Virtual PCD" reader (facts: `shared/reference/bridges.md` §3).
//!
//! Every frame, both ways, is a big-endian `u16` length and a payload. A 1-byte payload
//! from vpcd is a control code: `00` power off, `01` power on, `02` reset (no reply),
//! `04` get ATR (reply: the ATR). A longer payload is a C-APDU, answered by one frame
//! with the R-APDU.
//!
//! The ATR offers only T=0, so APDUs arrive as a T=0 reader maps them: the card answers
//! through [`card_os::Card::transmit`], which gives `61xx`/`6Cxx` like a real card.
//!
//! Latency: vpcd writes the length and the payload separately; a card that lets Nagle's
//! algorithm meet delayed ACKs answers once per ~40 ms. This side sets `TCP_NODELAY`,
//! writes each frame with one `write`, and re-arms `TCP_QUICKACK` after every read.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use card_os::Card;
use socket2::SockRef;

use crate::error::{Error, Result};

/// vpcd's default address for reader 0.
pub const DEFAULT_ADDR: &str = "127.0.0.1:35963";

/// The largest payload a frame can carry.
pub const MAX_PAYLOAD: usize = u16::MAX as usize;

/// A message from vpcd.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `00`: power off.
    PowerOff,
    /// `01`: power on (cold reset).
    PowerOn,
    /// `02`: warm reset.
    Reset,
    /// `04`: get the ATR (presence polling; must be cheap).
    GetAtr,
    /// A C-APDU.
    Apdu(Vec<u8>),
}

impl Request {
    /// Decodes a frame payload.
    pub fn decode(payload: &[u8]) -> Result<Request> {
        match payload {
            [] => Err(Error::Protocol("empty frame".into())),
            [0x00] => Ok(Request::PowerOff),
            [0x01] => Ok(Request::PowerOn),
            [0x02] => Ok(Request::Reset),
            [0x04] => Ok(Request::GetAtr),
            [code] => Err(Error::Protocol(format!("unknown control code {code:02X}"))),
            apdu => Ok(Request::Apdu(apdu.to_vec())),
        }
    }
}

/// Reads one frame; `Ok(None)` when the peer closed the connection between frames.
pub fn read_frame(r: &mut impl Read) -> Result<Option<Vec<u8>>> {
    let mut len = [0u8; 2];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(Error::io("reading a vpcd frame length")(e)),
    }
    let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
    r.read_exact(&mut payload)
        .map_err(Error::io("reading a vpcd frame"))?;
    Ok(Some(payload))
}

/// Writes one frame with a single `write` call.
pub fn write_frame(w: &mut impl Write, payload: &[u8]) -> Result<()> {
    let len = u16::try_from(payload.len())
        .map_err(|_| Error::Protocol("frame longer than 65535 bytes".into()))?;
    let mut frame = Vec::with_capacity(payload.len() + 2);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(payload);
    w.write_all(&frame)
        .map_err(Error::io("writing a vpcd frame"))
}

/// The card as vpcd sees it: power state and the answers to requests.
pub struct VpcdCard<'a> {
    card: &'a mut Card,
    powered: bool,
}

impl<'a> VpcdCard<'a> {
    /// A card that is not powered yet.
    pub fn new(card: &'a mut Card) -> Self {
        VpcdCard {
            card,
            powered: false,
        }
    }

    /// Handles one request; returns the reply payload, if the request has one.
    ///
    /// Power on and reset bring the card back to the MF with channels closed and
    /// volatile state cleared (persistent state is kept). An APDU to an unpowered card
    /// powers it first, as vpcd only sends APDUs after a power-on anyway.
    pub fn handle(&mut self, request: Request) -> Option<Vec<u8>> {
        match request {
            Request::PowerOff => {
                self.powered = false;
                None
            }
            Request::PowerOn | Request::Reset => {
                self.card.reset();
                self.powered = true;
                None
            }
            Request::GetAtr => Some(self.card.atr().to_vec()),
            Request::Apdu(apdu) => {
                if !self.powered {
                    self.card.reset();
                    self.powered = true;
                }
                Some(self.card.transmit(&apdu))
            }
        }
    }
}

fn tune(stream: &TcpStream) {
    let _ = stream.set_nodelay(true);
    quickack(stream);
}

fn quickack(stream: &TcpStream) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let _ = SockRef::from(stream).set_tcp_quickack(true);
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = SockRef::from(stream);
}

/// Serves one vpcd connection until vpcd closes it.
pub fn serve_connection(card: &mut Card, mut stream: TcpStream) -> Result<()> {
    tune(&stream);
    let mut vcard = VpcdCard::new(card);
    while let Some(payload) = read_frame(&mut stream)? {
        quickack(&stream);
        if let Some(reply) = vcard.handle(Request::decode(&payload)?) {
            write_frame(&mut stream, &reply)?;
        }
    }
    Ok(())
}

/// Connects to vpcd at `addr` and serves it, reconnecting whenever the connection ends
/// (pcscd restarted), until `stop` is set. Waits `retry` between attempts.
pub fn run(card: &mut Card, addr: &str, stop: &AtomicBool, retry: Duration) -> Result<()> {
    let addrs: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .map_err(Error::io(format!("resolving {addr}")))?
        .collect();
    while !stop.load(Ordering::Relaxed) {
        let connected = addrs
            .iter()
            .find_map(|a| TcpStream::connect_timeout(a, retry).ok());
        match connected {
            Some(stream) => {
                let _ = stream.set_read_timeout(None);
                if let Err(e) = serve_connection(card, stream) {
                    // A dropped link is a card removal; try again.
                    eprintln!("vpcd {addr}: {e}");
                }
            }
            None => std::thread::sleep(retry),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use card_os::platform::SeededPlatform;
    use card_os::profile::{NoApps, Profile};
    use card_os::store::MemStore;
    use std::net::TcpListener;

    fn card() -> Card {
        Profile::default_profile()
            .build(
                &NoApps,
                Box::new(SeededPlatform::new(1)),
                Box::<MemStore>::default(),
            )
            .unwrap()
    }

    #[test]
    fn requests_decode() {
        assert_eq!(Request::decode(&[0x04]).unwrap(), Request::GetAtr);
        assert_eq!(Request::decode(&[0x01]).unwrap(), Request::PowerOn);
        assert!(Request::decode(&[0x03]).is_err());
        assert!(Request::decode(&[]).is_err());
        assert_eq!(
            Request::decode(&[0x00, 0xA4]).unwrap(),
            Request::Apdu(vec![0x00, 0xA4])
        );
    }

    #[test]
    fn frames_round_trip_and_eof_is_clean() {
        let mut buf = Vec::new();
        write_frame(&mut buf, &[0x3B, 0x00]).unwrap();
        assert_eq!(buf, [0x00, 0x02, 0x3B, 0x00]);
        let mut r = &buf[..];
        assert_eq!(read_frame(&mut r).unwrap(), Some(vec![0x3B, 0x00]));
        assert_eq!(read_frame(&mut r).unwrap(), None);
        let mut truncated = &[0x00, 0x05, 0x01][..];
        assert!(read_frame(&mut truncated).is_err());
    }

    /// A peer that speaks vpcd's side of the protocol (bridges.md §3) over loopback:
    /// the polling sequence pcscd uses, a T=0 SELECT with 61xx and GET RESPONSE, a power
    /// cycle back to the MF, and a reconnect after vpcd drops the link.
    #[test]
    fn serves_a_vpcd_peer_over_tcp_and_reconnects() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let server = std::thread::spawn(move || {
            let mut c = card();
            run(&mut c, &addr, &stop2, Duration::from_millis(20)).unwrap();
        });
        let atr = card().atr().to_vec();
        for _round in 0..2 {
            let (mut s, _) = listener.accept().unwrap();
            let mut ask = |payload: &[u8], reply: bool| -> Option<Vec<u8>> {
                write_frame(&mut s, payload).unwrap();
                if reply {
                    read_frame(&mut s).unwrap()
                } else {
                    None
                }
            };
            assert_eq!(ask(&[0x04], true), Some(atr.clone()));
            ask(&[0x01], false);
            assert_eq!(ask(&[0x04], true), Some(atr.clone()));
            // pySim's first APDU under T=0 (clients.md §1): no Le, so 61xx.
            let r = ask(&[0x00, 0xA4, 0x00, 0x04, 0x02, 0x3F, 0x00], true).unwrap();
            assert_eq!(r[0], 0x61);
            let fcp = ask(&[0x00, 0xC0, 0x00, 0x00, r[1]], true).unwrap();
            assert_eq!((fcp[0], &fcp[fcp.len() - 2..]), (0x62, &[0x90, 0x00][..]));
            // Select an EF, power-cycle: the card is back at the MF with no current EF
            // (READ BINARY: 6986).
            assert_eq!(
                ask(&[0x00, 0xA4, 0x00, 0x0C, 0x02, 0x2F, 0xE2], true),
                Some(vec![0x90, 0x00])
            );
            ask(&[0x00], false);
            ask(&[0x01], false);
            assert_eq!(
                ask(&[0x00, 0xB0, 0x00, 0x00, 0x01], true),
                Some(vec![0x69, 0x86])
            );
            // vpcd goes away (pcscd restart): the card must come back.
        }
        stop.store(true, Ordering::Relaxed);
        // The server either sees `stop` at once or has reconnected and waits for a frame:
        // close whatever connection arrives until it is done.
        listener.set_nonblocking(true).unwrap();
        while !server.is_finished() {
            if let Ok((s, _)) = listener.accept() {
                drop(s);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        server.join().unwrap();
    }
}
