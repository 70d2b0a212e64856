//! APDU sequences into a fresh default card: the input is split into length-prefixed
//! APDUs (a length byte of 0 means "reset"); nothing may panic and every answer carries
//! at least a status word.
#![no_main]

use card_os::platform::SeededPlatform;
use card_os::profile::{NoApps, Profile};
use card_os::store::MemStore;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut card = Profile::default_profile()
        .build(&NoApps, Box::new(SeededPlatform::new(1)), Box::<MemStore>::default())
        .expect("default card");
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        if len == 0 {
            card.reset();
            rest = tail;
            continue;
        }
        let n = usize::from(len).min(tail.len());
        let (apdu, tail) = tail.split_at(n);
        let r = if len & 1 == 0 { card.transmit(apdu) } else { card.process_bytes(apdu) };
        assert!(r.len() >= 2, "an answer without a status word");
        rest = tail;
    }
});
