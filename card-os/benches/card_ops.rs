//! Card operations in process (issue targets: SELECT + READ BINARY of 255 bytes with a
//! p99 ≤ 20 µs; ≥ 2,000 crash-safe persistent UPDATE BINARY commands per second).
//!
//! Criterion measures the means; a second pass times 100,000 single operations and
//! prints p50/p99/p99.9, since criterion reports no tail percentiles.
//!
//! Run: `cargo bench -p card-os --bench card_ops -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::time::Instant;

use apdu::command::Command;
use card_os::platform::SeededPlatform;
use card_os::profile::{NoApps, Profile, DEFAULT_PROFILE};
use card_os::store::sqlite::{Durability, SqliteStore};
use card_os::store::{MemStore, Store};
use card_os::Card;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// The default profile plus a 255-byte transparent EF readable always, updatable with ADM1.
fn profile() -> Profile {
    let extra = "\n[[file]]\npath = \"7F10/6F99\"\nname = \"EF.BENCH\"\ntype = \"transparent\"\nsize = 255\narr = \"2F06\"\narr_record = 1\n";
    Profile::parse(&format!("{DEFAULT_PROFILE}{extra}")).expect("bench profile")
}

fn card(store: Box<dyn Store>) -> Card {
    let mut c = profile()
        .build(&NoApps, Box::new(SeededPlatform::new(1)), store)
        .expect("card");
    // ADM1 (ASCII "88888888") for updates; select DF.TELECOM.
    assert_eq!(
        c.transmit(&apdu::hex::decode("0020000A08 3838383838383838").unwrap()),
        [0x90, 0x00]
    );
    assert_eq!(
        c.transmit(&apdu::hex::decode("00A4000C02 7F10").unwrap()),
        [0x90, 0x00]
    );
    c
}

fn state_path(tag: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!(
        "card-ops-bench-{}-{tag}.sqlite",
        std::process::id()
    ));
    for s in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{s}", p.display()));
    }
    p
}

fn percentiles(name: &str, mut f: impl FnMut()) {
    const N: usize = 100_000;
    let mut t = Vec::with_capacity(N);
    for _ in 0..1_000 {
        f();
    }
    for _ in 0..N {
        let s = Instant::now();
        f();
        t.push(s.elapsed().as_nanos() as u64);
    }
    t.sort_unstable();
    let q = |p: f64| t[((N as f64 * p) as usize).min(N - 1)] as f64 / 1000.0;
    println!(
        "{name}: p50 {:.2} µs, p99 {:.2} µs, p99.9 {:.2} µs ({N} samples)",
        q(0.5),
        q(0.99),
        q(0.999)
    );
}

fn bench(c: &mut Criterion) {
    let select = Command::decode(&apdu::hex::decode("00A4000C02 6F99").unwrap()).unwrap();
    let read = Command::decode(&apdu::hex::decode("00B00000FF").unwrap()).unwrap();
    let select_b = apdu::hex::decode("00A4000C02 6F99").unwrap();
    let read_b = apdu::hex::decode("00B00000FF").unwrap();

    let mut g = c.benchmark_group("in_process");
    g.throughput(Throughput::Elements(1));
    let mut mem = card(Box::<MemStore>::default());
    g.bench_function("select_read_binary_255/process", |b| {
        b.iter(|| {
            black_box(mem.process(&select));
            black_box(mem.process(&read));
        })
    });
    g.bench_function("select_read_binary_255/transmit_t0", |b| {
        b.iter(|| {
            black_box(mem.transmit(&select_b));
            black_box(mem.transmit(&read_b));
        })
    });
    g.finish();

    let mut g = c.benchmark_group("persistent");
    g.throughput(Throughput::Elements(1));
    for (tag, durability) in [
        ("process", Durability::Process),
        ("power", Durability::Power),
    ] {
        let path = state_path(tag);
        let store = SqliteStore::open_with(&path, durability).expect("store");
        let mut card = card(Box::new(store));
        card.transmit(&select_b);
        let mut n: u8 = 0;
        g.bench_function(format!("update_binary_32/{tag}"), |b| {
            b.iter(|| {
                n = n.wrapping_add(1);
                let mut cmd = vec![0x00, 0xD6, 0x00, 0x00, 32];
                cmd.extend([n; 32]);
                black_box(card.transmit(&cmd));
            })
        });
        drop(card);
        let _ = std::fs::remove_file(&path);
    }
    g.finish();

    // Tail latencies.
    let mut mem = card(Box::<MemStore>::default());
    percentiles("select+read_binary(255) process", || {
        black_box(mem.process(&select));
        black_box(mem.process(&read));
    });
    percentiles("select+read_binary(255) transmit", || {
        black_box(mem.transmit(&select_b));
        black_box(mem.transmit(&read_b));
    });
    let path = state_path("tail");
    let mut pcard = card(Box::new(SqliteStore::open(&path).expect("store")));
    pcard.transmit(&select_b);
    let mut n: u8 = 0;
    percentiles("update_binary(32) sqlite process-durability", || {
        n = n.wrapping_add(1);
        let mut cmd = vec![0x00, 0xD6, 0x00, 0x00, 32];
        cmd.extend([n; 32]);
        black_box(pcard.transmit(&cmd));
    });
    drop(pcard);
    let _ = std::fs::remove_file(&path);
}

criterion_group!(benches, bench);
criterion_main!(benches);
