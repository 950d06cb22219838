//! Time is an input: the service reads it through [`Clock`] so tests can move it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> u64;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        unix_ms_now()
    }
}

pub fn unix_ms_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// A clock that only moves when told to.
pub struct ManualClock(AtomicU64);

impl ManualClock {
    pub fn new(now_ms: u64) -> Self {
        ManualClock(AtomicU64::new(now_ms))
    }

    pub fn advance_ms(&self, by_ms: u64) {
        self.0.fetch_add(by_ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Length of an earning day, in milliseconds.
pub const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// The earning day (for the daily cap) that `now_ms` falls in, for a day that starts at local
/// midnight `utc_offset_minutes` east of UTC (China: +480).
pub fn earning_day(now_ms: u64, utc_offset_minutes: i32) -> i64 {
    let local_ms = now_ms as i64 + i64::from(utc_offset_minutes) * 60_000;
    local_ms.div_euclid(DAY_MS as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earning_days_start_at_local_midnight() {
        // 2025-11-20T16:00:00Z is midnight of the 21st in UTC+8.
        let midnight_beijing_ms = 1_763_654_400_000;
        assert_eq!(
            earning_day(midnight_beijing_ms - 1, 480) + 1,
            earning_day(midnight_beijing_ms, 480)
        );
        assert_eq!(
            earning_day(midnight_beijing_ms, 0),
            earning_day(midnight_beijing_ms - 1, 0)
        );
    }
}
