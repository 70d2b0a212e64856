//! The card behind T=0 at APDU level (ETSI TS 102 221 §7.3.1): what pySim sends through
//! pcscd + vpcd with a T=0 ATR (shared/reference/clients.md §1) and what a real card
//! answers.

use apdu::hex::decode as h;
use card_os::platform::SeededPlatform;
use card_os::profile::{NoApps, Profile};
use card_os::store::MemStore;
use card_os::Card;

fn card() -> Card {
    Profile::default_profile()
        .build(
            &NoApps,
            Box::new(SeededPlatform::new(3)),
            Box::<MemStore>::default(),
        )
        .unwrap()
}

#[test]
fn select_mf_without_le_answers_61xx_then_get_response() {
    let mut c = card();
    // pySim-shell's first APDU reaches a T=0 card without Le.
    let r = c.transmit(&h("00A40004023F00").unwrap());
    assert_eq!(r.len(), 2);
    assert_eq!(
        r[0], 0x61,
        "case 4 without Le under T=0 announces the response length"
    );
    let len = r[1];
    let fcp = c.transmit(&[0x00, 0xC0, 0x00, 0x00, len]);
    let (data, sw) = fcp.split_at(fcp.len() - 2);
    assert_eq!(sw, [0x90, 0x00]);
    assert_eq!(data.len(), usize::from(len));
    // FCP template of the MF (TS 102 221 §11.1.1.3): 62, descriptor 78 21 (shareable
    // DF), FID 3F00.
    assert_eq!(data[0], 0x62);
    assert_eq!(&data[2..6], &[0x82, 0x02, 0x78, 0x21]);
    assert_eq!(&data[6..10], &[0x83, 0x02, 0x3F, 0x00]);
}

#[test]
fn read_iccid_and_wrong_le() {
    let mut c = card();
    assert_eq!(
        c.transmit(&h("00A4000C022FE2").unwrap()),
        h("9000").unwrap()
    );
    // ICCID 8988211000000000014 as swapped BCD (TS 102 221 §13.2).
    assert_eq!(
        c.transmit(&h("00B000000A").unwrap()),
        h("98881201000000001 0F4 9000").unwrap()
    );
    // Case 2 with a wrong Le under T=0: 6Cxx with the right length (TS 102 221 §7.3.1.1.5).
    assert_eq!(c.transmit(&h("00B0000000").unwrap()), h("6C0A").unwrap());
}

#[test]
fn gsm_class_select_answers_9fxx() {
    let mut c = card();
    // TS 51.011 §9.2.1: SELECT answers 9Fxx; the MF response is 22 bytes.
    assert_eq!(
        c.transmit(&h("A0A40000023F00").unwrap()),
        h("9F16").unwrap()
    );
    let r = c.transmit(&h("A0C0000016").unwrap());
    assert_eq!(r.len(), 24);
    assert_eq!(&r[4..7], &[0x3F, 0x00, 0x01], "FID 3F00, type MF");
    assert_eq!(&r[22..], &[0x90, 0x00]);
    // File not found in class A0 is 9404 (TS 51.011 §9.4.4).
    assert_eq!(
        c.transmit(&h("A0A40000026F99").unwrap()),
        h("9404").unwrap()
    );
}

#[test]
fn reset_returns_to_the_mf_without_current_ef() {
    let mut c = card();
    assert_eq!(
        c.transmit(&h("00A4000C022FE2").unwrap()),
        h("9000").unwrap()
    );
    c.reset();
    // TS 102 221 §11.1.3: no current EF after a reset: 6986.
    assert_eq!(c.transmit(&h("00B0000001").unwrap()), h("6986").unwrap());
}
