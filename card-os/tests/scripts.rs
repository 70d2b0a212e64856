//! Runs every APDU script in `tests/scripts/` against a fresh card built from the
//! built-in default profile, in process, through the T=0 transport a PC/SC client would
//! use. Each script names the specification clauses its expectations come from.

use card_os::platform::SeededPlatform;
use card_os::profile::{NoApps, Profile};
use card_os::store::MemStore;
use card_os::transport::CardTransport;

fn run_script(path: &std::path::Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let script = apdu::script::parse(&text).map_err(|e| e.to_string())?;
    let mut card = Profile::default_profile()
        .build(
            &NoApps,
            Box::new(SeededPlatform::new(42)),
            Box::<MemStore>::default(),
        )
        .map_err(|e| e.to_string())?;
    let mut transport = CardTransport::new(&mut card);
    let summary =
        apdu::script::run(&script, &mut transport, &mut |_| {}).map_err(|e| e.to_string())?;
    Ok(summary.commands)
}

#[test]
fn every_script_passes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "apdu"));
    paths.sort();
    assert!(!paths.is_empty(), "no scripts in {}", dir.display());
    let mut failures = Vec::new();
    for p in &paths {
        match run_script(p) {
            Ok(n) => eprintln!(
                "{}: {n} commands ok",
                p.file_name().unwrap().to_string_lossy()
            ),
            Err(e) => failures.push(format!("{}: {e}", p.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "failing scripts:\n{}",
        failures.join("\n")
    );
}
