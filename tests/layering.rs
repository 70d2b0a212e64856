//! The workspace's dependency direction (README "Crates"): `apdu` depends on no
//! workspace crate; `card-os` → `apdu`; `ota` → `apdu`; `applets` → `card-os`, `ota`,
//! `apdu`; `reader-bridge` → `card-os`, `apdu` (never `applets`); only the root package
//! depends on everything. A forbidden edge fails this test.

use std::collections::BTreeSet;

const CRATES: [&str; 5] = ["apdu", "card-os", "applets", "ota", "reader-bridge"];

fn workspace_deps(manifest: &str) -> BTreeSet<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(manifest);
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let mut deps = BTreeSet::new();
    for section in ["dependencies", "build-dependencies"] {
        if let Some(t) = doc.get(section).and_then(|v| v.as_table()) {
            deps.extend(t.keys().filter(|k| CRATES.contains(&k.as_str())).cloned());
        }
    }
    deps
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn dependencies_point_one_way() {
    let allowed = [
        ("apdu/Cargo.toml", set(&[])),
        ("card-os/Cargo.toml", set(&["apdu"])),
        ("ota/Cargo.toml", set(&["apdu"])),
        ("applets/Cargo.toml", set(&["apdu", "card-os", "ota"])),
        ("reader-bridge/Cargo.toml", set(&["apdu", "card-os"])),
    ];
    for (manifest, allowed) in allowed {
        let deps = workspace_deps(manifest);
        let forbidden: Vec<_> = deps.difference(&allowed).collect();
        assert!(
            forbidden.is_empty(),
            "{manifest} depends on {forbidden:?}, which the layering forbids"
        );
    }
    assert_eq!(
        workspace_deps("Cargo.toml"),
        set(&CRATES),
        "the root package depends on every crate"
    );
}
