//! APDU sequences into a fresh default card. The input is a sequence of events, each
//! starting with a control byte `c`:
//! - `c % 3 == 0`: a length byte `n`, then `n` bytes (fewer at the end of the input) are
//!   one C-APDU sent through `Card::transmit` (APDU-level T=0: `61xx`, GET RESPONSE,
//!   `6Cxx`);
//! - `c % 3 == 1`: the same, sent through `Card::process_bytes` (T=1 semantics);
//! - `c % 3 == 2`: reset the card.
//!
//! Nothing may panic; every answer carries at least SW1 SW2; every reset gives the same
//! ATR; and at the end the records committed to the store are exactly the card's
//! persistent state (`Card::snapshot`), and a card reopened from that store has the same
//! state: whatever an APDU changed was committed before it answered.
#![no_main]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use card_os::platform::SeededPlatform;
use card_os::profile::{NoApps, Profile};
use card_os::store::{Change, MemStore, Store};
use card_os::{AppFactory, Card};
use libfuzzer_sys::fuzz_target;

/// A [`MemStore`] the fuzz target can still read after handing it to the card.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<MemStore>>);

impl Store for Shared {
    fn load(&mut self) -> card_os::Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.0.borrow_mut().load()
    }

    fn commit(&mut self, changes: &[Change]) -> card_os::Result<()> {
        self.0.borrow_mut().commit(changes)
    }
}

/// The default profile installs no application, so nothing needs rebuilding.
struct NoFactory;

impl AppFactory for NoFactory {
    fn create(
        &self,
        kind: &str,
        _params: &[u8],
    ) -> card_os::Result<Box<dyn card_os::app::Application>> {
        Err(card_os::Error::Store(format!(
            "no application kind `{kind}` in the fuzz target"
        )))
    }
}

fn state(records: Vec<(Vec<u8>, Vec<u8>)>) -> BTreeMap<Vec<u8>, Vec<u8>> {
    records.into_iter().collect()
}

fn platform() -> Box<SeededPlatform> {
    Box::new(SeededPlatform::new(1))
}

fn run(data: &[u8]) {
    let store = Shared::default();
    let mut card = Profile::default_profile()
        .build(&NoApps, platform(), Box::new(store.clone()))
        .expect("the default card builds");
    let atr = card.atr().to_vec();
    let mut rest = data;
    while let Some((&c, tail)) = rest.split_first() {
        if c % 3 == 2 {
            assert_eq!(card.reset(), atr, "every reset gives the same ATR");
            rest = tail;
            continue;
        }
        let (&len, tail) = tail.split_first().unwrap_or((&0, tail));
        let n = usize::from(len).min(tail.len());
        let (apdu, tail) = tail.split_at(n);
        let r = if c % 3 == 0 {
            card.transmit(apdu)
        } else {
            card.process_bytes(apdu)
        };
        assert!(r.len() >= 2, "an answer without a status word");
        rest = tail;
    }

    let live = state(card.snapshot());
    let committed = store.0.borrow().records().clone();
    assert!(live == committed, "the store differs from the card's state");
    let reopened = Card::open(&NoFactory, platform(), Box::new(store.clone()))
        .expect("the committed state reopens");
    assert!(
        state(reopened.snapshot()) == live,
        "the reopened card differs"
    );
}

fuzz_target!(|data: &[u8]| run(data));
