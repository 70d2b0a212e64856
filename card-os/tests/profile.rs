//! Profiles: the built-in default builds; invalid profiles are refused with the field
//! named and nothing written to the store.

use card_os::platform::SeededPlatform;
use card_os::profile::{NoApps, Profile, DEFAULT_PROFILE};
use card_os::store::{MemStore, Store};
use card_os::Error;

fn build(text: &str) -> Result<card_os::Card, Error> {
    Profile::parse(text)?.build(
        &NoApps,
        Box::new(SeededPlatform::new(7)),
        Box::<MemStore>::default(),
    )
}

#[test]
fn default_profile_builds_and_writes_iccid() {
    let card = build(DEFAULT_PROFILE).expect("default profile");
    let fs = card.fs();
    let mf = fs.mf().unwrap();
    let iccid = fs.get(fs.child(mf, 0x2FE2).unwrap()).unwrap();
    // ICCID 8988211000000000014 as swapped BCD, F-padded (TS 102 221 §13.2).
    assert_eq!(
        iccid.body,
        card_os::fs::Body::Transparent(vec![
            0x98, 0x88, 0x12, 0x01, 0x00, 0x00, 0x00, 0x00, 0x10, 0xF4
        ])
    );
    assert_eq!(card.pin(0x01).unwrap().pin.tries_left, 3);
}

/// Replaces `from` by `to` in the default profile and expects the build to fail on `field`.
fn refused(from: &str, to: &str, field: &str) {
    assert!(
        DEFAULT_PROFILE.contains(from),
        "test setup: `{from}` not in the default profile"
    );
    let text = DEFAULT_PROFILE.replacen(from, to, 1);
    match build(&text) {
        Err(Error::Profile { field: f, reason }) => {
            assert!(
                f.contains(field),
                "expected field {field}, got {f}: {reason}"
            )
        }
        Err(other) => panic!("expected a profile error on {field}, got {other}"),
        Ok(_) => panic!("profile with {to} was accepted"),
    }
}

#[test]
fn invalid_profiles_name_the_field() {
    refused(
        "iccid = \"8988211000000000014\"",
        "iccid = \"89882110000\"",
        "card.iccid",
    );
    refused("value = \"1234\"", "value = \"12\"", "pin[0].value");
    refused("key = \"PIN1\"", "key = \"PIN9\"", "pin[0].key");
    refused("key = \"ADM1\"", "key = \"PIN1\"", "pin[3].key");
    refused("path = \"2F05\"", "path = \"2F06\"", "path");
    refused("sfi = 0x05", "sfi = 0x06", "sfi");
    refused("path = \"7F10/6F42\"", "path = \"7F20/6F42\"", "path");
    refused(
        "content = \"656E FFFF FFFF FFFF FFFF\"",
        "content = \"656\"",
        "content",
    );
    refused("record_len = 38", "record_len = 0", "record_len");
    refused(
        "arr_record = 3\n\n# EF.UMPC",
        "compact = \"03\"\narr_record = 3\n\n# EF.UMPC",
        "file",
    );
    refused(
        "3838383838383838\"\ntries = 10",
        "3838383838383838\"\ntries = 16",
        "pin[3].value",
    );
}

#[test]
fn a_refused_profile_writes_nothing() {
    use card_os::store::sqlite::SqliteStore;
    let path = std::env::temp_dir().join(format!("profile-refused-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let text = DEFAULT_PROFILE.replacen("key = \"ADM1\"", "key = \"PIN1\"", 1);
    let p = Profile::parse(&text).unwrap();
    let store = SqliteStore::open(&path).unwrap();
    assert!(p
        .build(&NoApps, Box::new(SeededPlatform::new(1)), Box::new(store))
        .is_err());
    let mut reopened = SqliteStore::open(&path).unwrap();
    assert!(
        reopened.load().unwrap().is_empty(),
        "nothing of a refused profile reaches the store"
    );
    // The valid profile then builds into the same file, all at once.
    let p = Profile::parse(DEFAULT_PROFILE).unwrap();
    p.build(
        &NoApps,
        Box::new(SeededPlatform::new(1)),
        Box::new(reopened),
    )
    .unwrap();
    let mut again = SqliteStore::open(&path).unwrap();
    assert!(again.load().unwrap().len() > 10);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn unknown_fields_are_refused() {
    let text = DEFAULT_PROFILE.replacen("[card]", "[card]\ncolour = \"blue\"", 1);
    assert!(matches!(build(&text), Err(Error::Profile { .. })));
}
