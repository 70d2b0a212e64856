//! Tearing at the card level: a child process runs UPDATE BINARY, UPDATE RECORD and
//! VERIFY PIN commands against a card whose state is in a SQLite file, and is killed
//! with SIGKILL at random instants. After every kill the state is reopened and must show:
//! every file wholly old or wholly new (never torn), no completed update lost, and no
//! PIN try ever given back.
//!
//! The child is this test binary itself, re-run with `CARD_TEARING_CHILD` set.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use apdu::hex::decode as h;
use card_os::fs::Body;
use card_os::platform::SeededPlatform;
use card_os::profile::{NoApps, Profile, DEFAULT_PROFILE};
use card_os::store::sqlite::SqliteStore;
use card_os::store::Store;
use card_os::Card;

/// The default profile plus a 200-byte transparent EF, and PIN2 with 15 tries in the
/// MF's PIN status template.
fn profile() -> Profile {
    let extra = r#"
[[file]]
path = "7F10/6F99"
name = "EF.TEAR"
type = "transparent"
size = 200
arr = "2F06"
arr_record = 5
"#;
    let text = DEFAULT_PROFILE.replacen(
        "value = \"5678\"\ntries = 3",
        "value = \"5678\"\ntries = 15",
        1,
    );
    assert_ne!(text, DEFAULT_PROFILE, "test setup: PIN2 entry not found");
    // PIN2 (local 81) belongs to the MF tree here, so VERIFY 81 is valid from DF.TELECOM.
    let text = text.replacen(
        "pins = [\"PIN1\", \"UNIVERSAL\", \"ADM1\"]",
        "pins = [\"PIN1\", \"PIN2-LOCAL1\", \"UNIVERSAL\", \"ADM1\"]",
        1,
    );
    Profile::parse(&format!("{text}{extra}")).unwrap()
}

fn open(path: &std::path::Path) -> Card {
    let mut store = SqliteStore::open(path).unwrap();
    if store.load().unwrap().is_empty() {
        profile()
            .build(&NoApps, Box::new(SeededPlatform::new(1)), Box::new(store))
            .unwrap()
    } else {
        Card::open(&NoApps, Box::new(SeededPlatform::new(1)), Box::new(store)).unwrap()
    }
}

fn sw(r: &[u8]) -> u16 {
    u16::from_be_bytes([r[r.len() - 2], r[r.len() - 1]])
}

/// The child: loops until killed, printing after every completed command what the
/// state now is. Lines: `file G`, `record G`, `tries N`, `unblocking`, `unblocked`.
#[test]
fn tearing_child() {
    let Ok(path) = std::env::var("CARD_TEARING_CHILD") else {
        return;
    };
    let mut card = open(std::path::Path::new(&path));
    let mut out = std::io::stdout().lock();
    use std::io::Write;
    // ADM1 for the files (EF.ARR record 5); PIN2 = local 81 of the MF tree.
    assert_eq!(
        sw(&card.transmit(&h("002000 0A 08 3838383838383838").unwrap())),
        0x9000
    );
    // PIN1 for EF.SMSP (EF.ARR record 3).
    assert_eq!(
        sw(&card.transmit(&h("002000 01 08 31323334FFFFFFFF").unwrap())),
        0x9000
    );
    let mut g: u8 = card
        .fs()
        .iter()
        .find(|(_, f)| f.fid == 0x6F99)
        .map_or(0, |(_, f)| match &f.body {
            Body::Transparent(d) => d[0],
            _ => 0,
        });
    loop {
        g = g.wrapping_add(1);
        let mut upd = h("00D6000 0C8").unwrap();
        upd.extend(std::iter::repeat_n(g, 200));
        assert_eq!(
            sw(&card.transmit(&h("00A4080C047F106F99").unwrap())),
            0x9000
        );
        assert_eq!(sw(&card.transmit(&upd)), 0x9000);
        writeln!(out, "file {g}").unwrap();
        let mut rec = h("00DC0104 28").unwrap();
        rec.extend(std::iter::repeat_n(g, 40));
        assert_eq!(
            sw(&card.transmit(&h("00A4080C047F106F42").unwrap())),
            0x9000
        );
        assert_eq!(sw(&card.transmit(&rec)), 0x9000);
        writeln!(out, "record {g}").unwrap();
        // A wrong PIN2 try; when blocked, unblock with PUK2.
        let r = card.transmit(&h("0020008108 3030303030303030").unwrap());
        match sw(&r) {
            s if s & 0xFFF0 == 0x63C0 => writeln!(out, "tries {}", s & 0x0F).unwrap(),
            0x6983 => {
                writeln!(out, "unblocking").unwrap();
                out.flush().unwrap();
                let r = card.transmit(&h("002C008110 3837363534333231 35363738FFFFFFFF").unwrap());
                assert_eq!(sw(&r), 0x9000);
                writeln!(out, "unblocked").unwrap();
            }
            other => panic!("VERIFY answered {other:04X}"),
        }
        out.flush().unwrap();
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn sigkill_never_tears_a_file_nor_refunds_a_try() {
    let path = std::env::temp_dir().join(format!("card-tearing-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    drop(open(&path));
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Rng(seed | 1);
    let exe = std::env::current_exe().unwrap();
    let (mut commands, mut cycles) = (0usize, 0usize);
    let started = Instant::now();
    while cycles < 60 && started.elapsed() < Duration::from_secs(25) {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "tearing_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("CARD_TEARING_CHILD", &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<_>>()
        });
        std::thread::sleep(Duration::from_micros(10_000 + rng.next() % 90_000));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "the child died on its own ({status}); run it alone to see why"
        );
        let lines = reader.join().unwrap();
        commands += lines.len();
        cycles += 1;

        let card = open(&path);
        let file = card
            .fs()
            .iter()
            .find(|(_, f)| f.fid == 0x6F99)
            .map(|(_, f)| f.body.clone())
            .unwrap();
        let Body::Transparent(data) = file else {
            panic!("EF.TEAR changed structure")
        };
        assert!(
            data.iter().all(|&b| b == data[0]),
            "EF.TEAR is torn after cycle {cycles}: {data:02X?}"
        );
        let smsp = card
            .fs()
            .iter()
            .find(|(_, f)| f.fid == 0x6F42)
            .map(|(_, f)| f.body.clone())
            .unwrap();
        let Body::Records(rf) = smsp else {
            panic!("EF.SMSP changed structure")
        };
        let rec = &rf.records[0];
        assert!(
            rec.iter().all(|&b| b == rec[0]),
            "EF.SMSP record 1 is torn after cycle {cycles}"
        );
        // Completed updates are never lost.
        let last = |prefix: &str| {
            lines
                .iter()
                .rev()
                .find_map(|l| l.strip_prefix(prefix).and_then(|v| v.parse::<u8>().ok()))
        };
        if let Some(g) = last("file ") {
            assert!(
                data[0] == g || data[0] == g.wrapping_add(1),
                "EF.TEAR rolled back: disk {} < reported {g}",
                data[0]
            );
        }
        if let Some(g) = last("record ") {
            assert!(
                rec[0] == g || rec[0] == g.wrapping_add(1),
                "record rolled back: disk {} < reported {g}",
                rec[0]
            );
        }
        // No try given back: the disk never shows more tries than the last answer
        // reported, unless an UNBLOCK was in flight when the process died.
        let pin = card.pin(0x81).unwrap().pin.tries_left;
        let in_flight = lines.last().is_some_and(|l| l == "unblocking");
        let since_unblock = lines.iter().rev().take_while(|l| *l != "unblocked");
        if let Some(t) = since_unblock
            .filter_map(|l| l.strip_prefix("tries ")?.parse::<u8>().ok())
            .next()
        {
            if !in_flight {
                assert!(
                    pin <= t,
                    "a PIN try was given back: disk {pin} > reported {t} (cycle {cycles})"
                );
            }
        }
    }
    let _ = std::fs::remove_file(&path);
    eprintln!("{cycles} kills, {commands} completed commands");
    assert!(cycles >= 20, "too few kill cycles ({cycles})");
    assert!(
        commands >= 1000,
        "too few commands ({commands}) to exercise tearing"
    );
}
