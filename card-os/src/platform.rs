//! What the card needs from its host: time and randomness (storage is [`crate::store`]).

/// Time and randomness, supplied by the host. The card never reads a clock or the
/// operating system's random source itself.
pub trait Platform: Send {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
    /// Fills `buf` with random bytes (GET CHALLENGE, key generation, nonces).
    fn fill_random(&mut self, buf: &mut [u8]);
}

/// A deterministic platform for tests and reproducible runs: a fixed clock that advances
/// one millisecond per call and an xorshift generator. Not for secrets.
#[derive(Debug, Clone)]
pub struct SeededPlatform {
    state: u64,
    now: std::cell::Cell<u64>,
}

impl SeededPlatform {
    /// A platform whose random stream is determined by `seed`.
    pub fn new(seed: u64) -> Self {
        SeededPlatform {
            state: seed | 1,
            now: std::cell::Cell::new(1_700_000_000_000),
        }
    }
}

impl Platform for SeededPlatform {
    fn now_ms(&self) -> u64 {
        let t = self.now.get();
        self.now.set(t + 1);
        t
    }

    fn fill_random(&mut self, buf: &mut [u8]) {
        for b in buf {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            *b = (self.state >> 24) as u8;
        }
    }
}
