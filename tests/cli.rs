//! The `uicc` command line, run as a user would: outputs, `--help` everywhere, and one
//! clear error line with a non-zero exit on bad input.

use std::process::{Command, Output};

fn uicc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_uicc"))
        .args(args)
        .output()
        .expect("run uicc")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn help_on_every_command() {
    for args in [
        &["--help"][..],
        &["demo", "--help"],
        &["apdu", "--help"],
        &["apdu", "decode", "--help"],
        &["atr", "decode", "--help"],
        &["tlv", "decode", "--help"],
        &["script", "run", "--help"],
        &["profile", "--help"],
        &["profile", "check", "--help"],
    ] {
        let o = uicc(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn apdu_decode_names_command_file_and_status() {
    // pySim-shell's first exchange (shared/reference/clients.md §2).
    let o = uicc(&[
        "apdu",
        "decode",
        "00A40004023F00",
        "621E8202782183023F00A5038001718A01058B032F0601C60990014083010183018B9000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let line = stdout(&o);
    assert!(
        line.contains("SELECT") && line.contains("3F00") && line.contains("9000"),
        "{line}"
    );
    // VERIFY with a wrong PIN (TS 102 221 §11.1.9): 63C2 = 2 retries left.
    let o = uicc(&["apdu", "decode", "0020000108 3132333435FFFFFF", "63C2"]);
    let line = stdout(&o);
    assert!(
        line.contains("VERIFY") && line.contains("2 retries"),
        "{line}"
    );
    assert!(
        !line.contains("3132333435"),
        "PIN values never appear in traces: {line}"
    );
}

#[test]
fn atr_and_tlv_decode() {
    // sysmoUSIM-SJS1 (pcsc-tools smartcard_list.txt): T=0, TA1 96 = Fi 512 / Di 32.
    let o = uicc(&[
        "atr",
        "decode",
        "3B9F96801FC78031A073BE21136743200718000001A5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("512") && text.contains("T=0"), "{text}");
    // SGP.22 §5.7.20 GetEuiccData request.
    let o = uicc(&["tlv", "decode", "BF3E035C015A"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("BF3E") && text.contains("5C"), "{text}");
}

#[test]
fn bad_input_is_one_line_and_non_zero() {
    for args in [
        &["apdu", "decode", "00A4"][..],
        &["apdu", "decode", "zz"],
        &["atr", "decode", "3B9F"],
        &["tlv", "decode", "BF3E05"],
        &["script", "run", "/nonexistent/script.apdu"],
        &["profile", "check", "/nonexistent/profile.toml"],
    ] {
        let o = uicc(args);
        assert!(!o.status.success(), "{args:?} succeeded");
        let err = stderr(&o);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("uicc: "), "{args:?}: {err}");
    }
}

#[test]
fn demo_passes_and_script_mismatch_fails() {
    let o = uicc(&["demo", "--quiet"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let dir = std::env::temp_dir().join(format!("uicc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("wrong.apdu");
    // EF.ICCID of the default card is 98881201000000001 0F4 (TS 102 221 §13.2).
    std::fs::write(
        &script,
        "00A4000C022FE2 -> 9000\n00B000000A -> 00 .. 9000\n",
    )
    .unwrap();
    let o = uicc(&["script", "run", script.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn state_file_keeps_pin_tries_across_runs() {
    let dir = std::env::temp_dir().join(format!("uicc-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("card.sqlite");
    let wrong = dir.join("wrong.apdu");
    std::fs::write(&wrong, "0020000108 3030303030303030 -> 63CX\n").unwrap();
    let query = dir.join("query.apdu");
    // Two wrong tries in two earlier runs: one try left (TS 102 221 §11.1.9).
    std::fs::write(&query, "00200001 -> 63C1\n").unwrap();
    for _ in 0..2 {
        let o = uicc(&[
            "script",
            "run",
            wrong.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = uicc(&[
        "script",
        "run",
        query.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_example_script_passes_against_the_default_card() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scripts");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "apdu") {
            let o = uicc(&["script", "run", "--quiet", path.to_str().unwrap()]);
            assert!(
                o.status.success(),
                "{}: {}{}",
                path.display(),
                stdout(&o),
                stderr(&o)
            );
            n += 1;
        }
    }
    assert!(n >= 1, "no example scripts found");
}
