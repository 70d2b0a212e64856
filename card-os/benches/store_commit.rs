//! Throughput of `SqliteStore::commit` for the commits a card makes per APDU: one
//! ~256-byte record (an UPDATE BINARY of a transparent EF) and one PIN-try-sized
//! record (a retry counter, TS 102 221 §9.5.1), under both durabilities, on a state
//! file in the system temp dir. Target: ≥ 2,000 crash-safe commits per second.
//!
//! Run: `cargo bench -p card-os --bench store_commit -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::path::PathBuf;

use card_os::store::sqlite::{Durability, SqliteStore};
use card_os::store::{Change, Store};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// A state file path unique to this process, removed (with its WAL) on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(tag: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("card-os-bench-{}-{tag}.db", std::process::id()));
        let file = TempFile(path);
        file.remove();
        file
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        self.remove();
    }
}

fn bench_commit(c: &mut Criterion) {
    let mut group = c.benchmark_group("store_commit");
    group.throughput(Throughput::Elements(1));
    for (durability, name) in [
        (Durability::Process, "process"),
        (Durability::Power, "power"),
    ] {
        let file = TempFile::new(name);
        let Ok(mut store) = SqliteStore::open_with(&file.0, durability) else {
            eprintln!("cannot open {}", file.0.display());
            return;
        };
        // Some unrelated state, as a provisioned card would have.
        let seed: Vec<Change> = (0u16..200)
            .map(|i| Change::Put(format!("ef/{i:04X}").into_bytes(), vec![0xFF; 64]))
            .collect();
        if store.commit(&seed).is_err() {
            eprintln!("seed commit failed");
            return;
        }

        let mut n: u8 = 0;
        group.bench_function(format!("ef_256B/{name}"), |b| {
            b.iter(|| {
                n = n.wrapping_add(1);
                let change = Change::Put(b"ef/3F00/7F20/6F07".to_vec(), vec![n; 256]);
                black_box(store.commit(black_box(&[change])))
            })
        });
        group.bench_function(format!("pin_try/{name}"), |b| {
            b.iter(|| {
                n = n.wrapping_add(1);
                let change = Change::Put(b"pin/01".to_vec(), vec![n & 3, 10]);
                black_box(store.commit(black_box(&[change])))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_commit);
criterion_main!(benches);
