//! The stand-ins' clock for bill lifetimes: the system clock plus an offset the test moves.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct SimClock {
    offset_ms: AtomicU64,
}

impl SimClock {
    pub fn new() -> Self {
        SimClock::default()
    }

    pub fn now_ms(&self) -> u64 {
        (crate::unix_s_now() as u64) * 1000 + self.offset_ms.load(Ordering::SeqCst)
    }

    pub fn advance_ms(&self, by_ms: u64) {
        self.offset_ms.fetch_add(by_ms, Ordering::SeqCst);
    }
}
