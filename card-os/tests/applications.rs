//! Applications on card-os: SELECT by DF name (full, partial, first/next occurrence,
//! termination; ETSI TS 102 221 §11.1.1.2, ISO/IEC 7816-4 §11.2.2), routing of the
//! commands card-os does not handle to the application selected on the channel, ENVELOPE
//! routing by tag, the proactive queue (`91xx`, FETCH, TERMINAL RESPONSE; TS 102 221
//! §14.7), and application state that persists with each APDU.

use apdu::command::Command;
use apdu::hex::decode as h;
use apdu::response::Response;
use apdu::status::Sw;
use card_os::app::{AppContext, Application};
use card_os::platform::SeededPlatform;
use card_os::profile::{AppProvider, Profile, DEFAULT_PROFILE};
use card_os::store::sqlite::SqliteStore;
use card_os::store::MemStore;
use card_os::transport::CardTransport;
use card_os::Card;

/// A counter application: INS 0x01 increments a persistent counter and returns it;
/// INS 0x02 queues a proactive DISPLAY TEXT; an SMS-PP envelope (D1) echoes its length.
struct Counter;

impl Application for Counter {
    fn name(&self) -> &str {
        "COUNTER"
    }

    fn process(&mut self, ctx: &mut AppContext<'_>, cmd: &Command) -> Result<Response, Sw> {
        match cmd.ins {
            0x01 => {
                let n = ctx
                    .get(b"n")
                    .and_then(|v| v.first().copied())
                    .unwrap_or(0)
                    .wrapping_add(1);
                ctx.put(b"n", vec![n]);
                Ok(Response::new(vec![n], Sw::OK))
            }
            0x02 => {
                // TS 102 223 §6.6.1 DISPLAY TEXT: D0, command details, device identities, text.
                ctx.toolkit()
                    .push(h("D00F 810301210082028102 8D0404486921").unwrap());
                Ok(Response::from_sw(Sw::OK))
            }
            _ => Err(Sw::INS_NOT_SUPPORTED),
        }
    }

    fn envelope(&mut self, _ctx: &mut AppContext<'_>, data: &[u8]) -> Result<Response, Sw> {
        Ok(Response::new(vec![data.len() as u8], Sw::OK))
    }

    fn envelope_tags(&self) -> &[u8] {
        &[0xD1]
    }
}

struct Provider;

impl AppProvider for Provider {
    fn create(&self, kind: &str, _params: &str) -> card_os::Result<Box<dyn Application>> {
        match kind {
            "counter" => Ok(Box::new(Counter)),
            other => Err(card_os::Error::Profile {
                field: "kind".into(),
                reason: other.into(),
            }),
        }
    }
}

/// The default profile plus two ADF-based counters sharing an AID prefix and one
/// application without a file system.
fn profile() -> Profile {
    let extra = r#"
[[application]]
kind = "counter"
aid = "A0000000871002FF01"
label = "C1"
pins = ["PIN1"]
[[application.file]]
path = "6F06"
name = "EF.ARR"
type = "linear-fixed"
record_len = 16
records = ["8001 01 9000 8001 02 A406 830101 950108"]
arr = "6F06"
arr_record = 1
[[application.file]]
path = "6F07"
name = "EF.DATA"
type = "transparent"
content = "0102"
arr = "6F06"
arr_record = 1

[[application]]
kind = "counter"
aid = "A0000000871002FF02"
label = "C2"
pins = ["PIN1"]

[[application]]
kind = "counter"
aid = "A000000151000000"
label = "SD"
adf = false
dir = false
"#;
    Profile::parse(&format!("{DEFAULT_PROFILE}{extra}")).unwrap()
}

fn card() -> Card {
    profile()
        .build(
            &Provider,
            Box::new(SeededPlatform::new(5)),
            Box::<MemStore>::default(),
        )
        .unwrap()
}

fn run(card: &mut Card, script: &str) {
    let s = apdu::script::parse(script).unwrap();
    let mut t = CardTransport::new(card);
    if let Err(e) = apdu::script::run(&s, &mut t, &mut |_| {}) {
        panic!("{e}");
    }
}

#[test]
fn select_by_aid_full_partial_next_and_termination() {
    let mut c = card();
    run(
        &mut c,
        "
        # Full AID: the ADF's FCP with 84 = AID (TS 102 221 §11.1.1.3).
        00A4 0404 09 A0000000871002FF01 -> 62 .. 84 09 A0000000871002FF01 .. 9000
        # Its EFs are now reachable by FID; 7FFF names the current ADF (TS 102 221 §8.3).
        00A4 0004 02 6F07 -> 62 .. 9000
        00B0 0000 02 -> 0102 9000
        00A4 0004 02 7FFF -> 62 .. 84 09 A0000000871002FF01 .. 9000
        # Partial AID, first occurrence, then next occurrence (P2 b2b1 = 10).
        00A4 0404 07 A0000000871002 -> 62 .. 84 09 A0000000871002FF01 .. 9000
        00A4 0406 07 A0000000871002 -> 62 .. 84 09 A0000000871002FF02 .. 9000
        # No further occurrence: 6A82.
        00A4 0406 07 A0000000871002 -> 6A82
        # An application without a file system answers its FCI (none here: no data).
        00A4 040C 08 A000000151000000 -> 9000
        # Termination of the session (P2 b7 = 1, TS 102 221 Table 11.2), then the
        # application's instruction no longer reaches it: with no application selected,
        # nothing on the card knows it (ISO/IEC 7816-4 §5.6: 6D00).
        00A4 044C 08 A000000151000000 -> 9000
        80 01 0000 01 -> 6D00
        ",
    );
}

#[test]
fn commands_reach_the_selected_application_and_state_persists() {
    let path = std::env::temp_dir().join(format!("apps-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    {
        let store = SqliteStore::open(&path).unwrap();
        let mut c = profile()
            .build(&Provider, Box::new(SeededPlatform::new(5)), Box::new(store))
            .unwrap();
        run(
            &mut c,
            "
            00A4 040C 09 A0000000871002FF01 -> 9000
            80 01 0000 01 -> 01 9000
            80 01 0000 01 -> 02 9000
            # An instruction the application does not know: 6D00.
            80 7E 0000 -> 6D00
            ",
        );
    }
    let store = SqliteStore::open(&path).unwrap();
    let mut c = Card::open(&Provider, Box::new(SeededPlatform::new(6)), Box::new(store)).unwrap();
    run(
        &mut c,
        "00A4 040C 09 A0000000871002FF01 -> 9000\n80 01 0000 01 -> 03 9000",
    );
    let _ = std::fs::remove_file(&path);
}

#[test]
fn each_channel_has_its_own_application() {
    let mut c = card();
    run(
        &mut c,
        "
        00A4 040C 09 A0000000871002FF01 -> 9000
        # MANAGE CHANNEL open from channel 0 (TS 102 221 §11.1.17): channel 1, MF selected.
        00 70 0000 01 -> 01 9000
        01 A4 040C 09 A0000000871002FF02 -> 9000
        01 A4 0004 02 7FFF -> 62 .. 84 09 A0000000871002FF02 .. 9000
        00 A4 0004 02 7FFF -> 62 .. 84 09 A0000000871002FF01 .. 9000
        # A channel opened from channel 1 inherits its application.
        01 70 0000 01 -> 02 9000
        02 A4 0004 02 7FFF -> 62 .. 84 09 A0000000871002FF02 .. 9000
        00 70 8002 -> 9000
        02 A4 0004 02 7FFF -> 6881
        ",
    );
}

#[test]
fn toolkit_queue_and_envelope_routing() {
    let mut c = card();
    // Before TERMINAL PROFILE the card is not proactive: no 91xx (TS 102 221 §14.7).
    let r = c.transmit(&h("00A4040C09A0000000871002FF01").unwrap());
    assert_eq!(r, h("9000").unwrap());
    assert_eq!(c.transmit(&h("8002000000").unwrap()), h("9000").unwrap());
    // TERMINAL PROFILE: now the pending DISPLAY TEXT (17 bytes) shows as 9111.
    assert_eq!(
        c.transmit(&h("8010000002FFFF").unwrap()),
        h("9111").unwrap()
    );
    let fetched = c.transmit(&h("8012000011").unwrap());
    assert_eq!(&fetched[..2], &[0xD0, 0x0F]);
    assert_eq!(&fetched[fetched.len() - 2..], &[0x90, 0x00]);
    // TERMINAL RESPONSE (TS 102 223 §6.8): command details, device ids, result 00.
    assert_eq!(
        c.transmit(&h("801400000C 810301210082028281 830100").unwrap()),
        h("9000").unwrap()
    );
    // A TERMINAL RESPONSE with no command fetched: 6985.
    assert_eq!(
        c.transmit(&h("801400000C 810301210082028281 830100").unwrap()),
        h("6985").unwrap()
    );
    // SMS-PP download (D1) goes to the application that registered it; its response
    // data come back through 61xx + GET RESPONSE under T=0.
    let mut t = CardTransport::new(&mut c);
    assert_eq!(
        t.exchange(&h("80C2000005 D103 820281").unwrap()).unwrap(),
        h("05 9000").unwrap()
    );
}
