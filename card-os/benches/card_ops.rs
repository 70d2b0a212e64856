//! Card operations in process, against the targets:
//!
//! - SELECT by FID of a 255-byte transparent EF + READ BINARY of 255 bytes on the default
//!   card with a [`MemStore`]: p99 ≤ 20 µs, both through `Card::process` (T=1 semantics)
//!   and `Card::transmit` (APDU-level T=0).
//! - UPDATE BINARY of 32 bytes on a [`SqliteStore`] state file: ≥ 2,000 crash-safe
//!   commits per second, for both [`Durability`] levels; and VERIFY PIN with the correct
//!   PIN, which commits twice (the decremented counter before comparing, then the
//!   outcome; TS 102 221 §9.5.1, see `card-os/src/cmd/pin.rs`).
//!
//! Criterion reports means and medians (throughput in commands per second). Criterion
//! reports no tail percentiles, so a second pass times single operations with
//! [`Instant`] and prints p50/p99/p99.9 in µs: up to 100,000 samples each, capped at
//! `CARD_OPS_TAIL_SECONDS` (default 15) per operation so the flush-per-commit
//! [`Durability::Power`] runs stay short. `CARD_OPS_SAMPLES` changes the sample count;
//! `CARD_OPS_TAIL=0` skips the pass. Under `cargo test --benches` (no `--bench`
//! argument) the pass runs 100 samples as a smoke test.
//!
//! The state files live in the system temp dir (`TMPDIR`): the `Power` numbers are
//! those of that file system's `fsync`.
//!
//! Run: `cargo bench -p card-os --bench card_ops -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use apdu::command::Command;
use apdu::hex::decode;
use apdu::status::Sw;
use card_os::platform::SeededPlatform;
use card_os::profile::{NoApps, Profile, DEFAULT_PROFILE};
use card_os::store::sqlite::{Durability, SqliteStore};
use card_os::store::{MemStore, Store};
use card_os::Card;
use criterion::{Criterion, Throughput};

/// SELECT (P1 = 00: by FID; P2 = 0C: no response data) of the bench EF, TS 102 221
/// §11.1.1.
const SELECT: &str = "00A4000C02 6F99";
/// READ BINARY of 255 bytes from offset 0, TS 102 221 §11.1.3.
const READ: &str = "00B00000FF";
/// VERIFY PIN1 ("1234" padded with FF, TS 102 221 §9.5.1), the default profile's value.
const VERIFY_PIN1: &str = "0020000108 31323334FFFFFFFF";
/// VERIFY ADM1 (ASCII "88888888"), needed for UPDATE BINARY under EF.ARR record 1.
const VERIFY_ADM1: &str = "0020000A08 3838383838383838";

/// The default profile plus EF.BENCH 7F10/6F99: transparent, 255 bytes, EF.ARR record 1
/// (READ always, UPDATE with ADM1).
fn profile() -> Profile {
    let extra = "\n[[file]]\npath = \"7F10/6F99\"\nname = \"EF.BENCH\"\n\
                 type = \"transparent\"\nsize = 255\narr = \"2F06\"\narr_record = 1\n";
    Profile::parse(&format!("{DEFAULT_PROFILE}{extra}")).expect("bench profile parses")
}

fn bytes(hex: &str) -> Vec<u8> {
    decode(hex).expect("hex")
}

fn command(hex: &str) -> Command {
    Command::decode(&bytes(hex)).expect("C-APDU")
}

/// UPDATE BINARY of 32 bytes of `fill` at offset 0 (TS 102 221 §11.1.4).
fn update_32(fill: u8) -> Vec<u8> {
    let mut cmd = vec![0x00, 0xD6, 0x00, 0x00, 32];
    cmd.extend([fill; 32]);
    cmd
}

/// A fresh card on `store` with ADM1 verified and EF.BENCH selected, after checking that
/// every measured command succeeds (so no error path is timed).
fn card(store: Box<dyn Store>) -> Card {
    let mut c = profile()
        .build(&NoApps, Box::new(SeededPlatform::new(1)), store)
        .expect("card builds");
    assert_eq!(c.transmit(&bytes(VERIFY_ADM1)), [0x90, 0x00], "VERIFY ADM1");
    assert_eq!(
        c.transmit(&bytes("00A4000C02 7F10")),
        [0x90, 0x00],
        "SELECT 7F10"
    );
    assert_eq!(c.process(&command(SELECT)).sw, Sw::OK, "SELECT 6F99");
    let read = c.process(&command(READ));
    assert_eq!((read.data.len(), read.sw), (255, Sw::OK), "READ BINARY");
    let read = c.transmit(&bytes(READ));
    assert_eq!(
        (read.len(), read.get(255..)),
        (257, Some(&[0x90, 0x00][..]))
    );
    assert_eq!(c.transmit(&update_32(0xA5)), [0x90, 0x00], "UPDATE BINARY");
    assert_eq!(c.transmit(&bytes(VERIFY_PIN1)), [0x90, 0x00], "VERIFY PIN1");
    c
}

/// A state file path unique to this process and tag; removed (with its WAL) on drop.
struct TempState(PathBuf);

impl TempState {
    fn new(tag: &str) -> Self {
        let name = format!("card-ops-bench-{}-{tag}.sqlite", std::process::id());
        let s = TempState(std::env::temp_dir().join(name));
        s.remove();
        s
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Drop for TempState {
    fn drop(&mut self) {
        self.remove();
    }
}

fn sqlite_card(tag: &str, durability: Durability) -> (Card, TempState) {
    let state = TempState::new(tag);
    let store = SqliteStore::open_with(&state.0, durability).expect("state file opens");
    (card(Box::new(store)), state)
}

const DURABILITIES: [(&str, Durability); 2] = [
    ("process", Durability::Process),
    ("power", Durability::Power),
];

fn criterion_benches(c: &mut Criterion) {
    let (select, read) = (command(SELECT), command(READ));
    let (select_b, read_b) = (bytes(SELECT), bytes(READ));

    let mut g = c.benchmark_group("select_read_binary");
    g.throughput(Throughput::Elements(1));
    let mut mem = card(Box::<MemStore>::default());
    g.bench_function("255/process", |b| {
        b.iter(|| {
            black_box(mem.process(black_box(&select)));
            black_box(mem.process(black_box(&read)));
        })
    });
    g.bench_function("255/transmit", |b| {
        b.iter(|| {
            black_box(mem.transmit(black_box(&select_b)));
            black_box(mem.transmit(black_box(&read_b)));
        })
    });
    g.finish();

    let mut g = c.benchmark_group("persistent_update_binary");
    g.throughput(Throughput::Elements(1));
    for (tag, durability) in DURABILITIES {
        let (mut card, _state) = sqlite_card(&format!("update-{tag}"), durability);
        let mut n: u8 = 0;
        g.bench_function(format!("32/{tag}"), |b| {
            b.iter(|| {
                n = n.wrapping_add(1);
                black_box(card.transmit(&update_32(n)));
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("persistent_verify_pin");
    g.throughput(Throughput::Elements(1));
    let verify = bytes(VERIFY_PIN1);
    for (tag, durability) in DURABILITIES {
        let (mut card, _state) = sqlite_card(&format!("verify-{tag}"), durability);
        g.bench_function(format!("correct/{tag}"), |b| {
            b.iter(|| black_box(card.transmit(black_box(&verify))))
        });
    }
    g.finish();
}

/// Tail-latency settings: samples per operation and the time cap per operation.
struct Tail {
    samples: usize,
    cap: Duration,
}

impl Tail {
    fn from_env() -> Option<Tail> {
        let var = |k: &str| std::env::var(k).ok();
        if var("CARD_OPS_TAIL").as_deref() == Some("0") {
            return None;
        }
        let benching = std::env::args().any(|a| a == "--bench");
        let samples = var("CARD_OPS_SAMPLES")
            .and_then(|s| s.parse().ok())
            .unwrap_or(if benching { 100_000 } else { 100 });
        let secs = var("CARD_OPS_TAIL_SECONDS")
            .and_then(|s| s.parse().ok())
            .unwrap_or(15.0);
        Some(Tail {
            samples: samples.max(1),
            cap: Duration::from_secs_f64(secs),
        })
    }

    /// Times single calls of `f` (after a short warm-up) and prints percentiles in µs.
    fn measure(&self, name: &str, mut f: impl FnMut()) {
        for _ in 0..self.samples.min(1_000) {
            f();
        }
        let mut t = Vec::with_capacity(self.samples);
        let start = Instant::now();
        while t.len() < self.samples && start.elapsed() < self.cap {
            let s = Instant::now();
            f();
            t.push(s.elapsed());
        }
        let total = start.elapsed();
        t.sort_unstable();
        let q = |p: f64| {
            let i = ((t.len() as f64 * p) as usize).min(t.len() - 1);
            t[i].as_secs_f64() * 1e6
        };
        println!(
            "tail {name}: p50 {:.2} µs, p99 {:.2} µs, p99.9 {:.2} µs, max {:.2} µs \
             ({} samples, {:.0} ops/s)",
            q(0.5),
            q(0.99),
            q(0.999),
            q(1.0),
            t.len(),
            t.len() as f64 / total.as_secs_f64(),
        );
    }
}

fn tail_latencies(tail: &Tail) {
    let (select, read) = (command(SELECT), command(READ));
    let (select_b, read_b) = (bytes(SELECT), bytes(READ));
    let mut mem = card(Box::<MemStore>::default());
    tail.measure("select_read_binary/255/process", || {
        black_box(mem.process(black_box(&select)));
        black_box(mem.process(black_box(&read)));
    });
    tail.measure("select_read_binary/255/transmit", || {
        black_box(mem.transmit(black_box(&select_b)));
        black_box(mem.transmit(black_box(&read_b)));
    });
    for (tag, durability) in DURABILITIES {
        let (mut card, _state) = sqlite_card(&format!("tail-update-{tag}"), durability);
        let mut n: u8 = 0;
        tail.measure(&format!("persistent_update_binary/32/{tag}"), || {
            n = n.wrapping_add(1);
            black_box(card.transmit(&update_32(n)));
        });
    }
    let verify = bytes(VERIFY_PIN1);
    for (tag, durability) in DURABILITIES {
        let (mut card, _state) = sqlite_card(&format!("tail-verify-{tag}"), durability);
        tail.measure(&format!("persistent_verify_pin/correct/{tag}"), || {
            black_box(card.transmit(black_box(&verify)));
        });
        // Every try was counted and then restored: the card still answers 9000.
        assert_eq!(card.transmit(&verify), [0x90, 0x00]);
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c);
    c.final_summary();
    if let Some(tail) = Tail::from_env() {
        tail_latencies(&tail);
    }
}
