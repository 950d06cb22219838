//! Token-bucket rate limits per key (a player id or a client address).

use std::collections::HashMap;
use std::sync::Mutex;

/// Most keys tracked per limiter. When full, buckets that have refilled completely (and so carry
/// no state worth keeping) are dropped; if none has, the oldest-refilled half is dropped.
pub const RATE_KEYS_MAX: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Sustained requests per second.
    pub per_s: f64,
    /// Requests allowed at once after a quiet period.
    pub burst: u32,
}

struct Bucket {
    tokens: f64,
    updated_ms: u64,
}

pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key` at `now_ms`; `Err(retry_after_ms)` when there is none.
    pub fn take(&self, key: &str, now_ms: u64) -> Result<(), u64> {
        let burst = f64::from(self.limit.burst.max(1));
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= RATE_KEYS_MAX && !buckets.contains_key(key) {
            self.evict(&mut buckets, now_ms);
        }
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: burst,
            updated_ms: now_ms,
        });
        let elapsed_s = now_ms.saturating_sub(bucket.updated_ms) as f64 / 1000.0;
        bucket.tokens = (bucket.tokens + elapsed_s * self.limit.per_s).min(burst);
        bucket.updated_ms = bucket.updated_ms.max(now_ms);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let missing = 1.0 - bucket.tokens;
            Err(((missing / self.limit.per_s.max(1e-9)) * 1000.0).ceil() as u64)
        }
    }

    fn evict(&self, buckets: &mut HashMap<String, Bucket>, now_ms: u64) {
        let refill_ms = (f64::from(self.limit.burst) / self.limit.per_s.max(1e-9) * 1000.0) as u64;
        buckets.retain(|_, bucket| now_ms.saturating_sub(bucket.updated_ms) < refill_ms);
        if buckets.len() >= RATE_KEYS_MAX {
            let mut ages: Vec<u64> = buckets.values().map(|bucket| bucket.updated_ms).collect();
            ages.sort_unstable();
            let cutoff = ages[ages.len() / 2];
            buckets.retain(|_, bucket| bucket.updated_ms > cutoff);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_requests_wait_for_refill() {
        let limiter = RateLimiter::new(RateLimit {
            per_s: 2.0,
            burst: 3,
        });
        for _ in 0..3 {
            assert_eq!(limiter.take("p", 1_000), Ok(()));
        }
        assert_eq!(limiter.take("p", 1_000), Err(500));
        assert_eq!(limiter.take("other", 1_000), Ok(()));
        assert_eq!(limiter.take("p", 1_500), Ok(()));
        assert_eq!(limiter.take("p", 1_500), Err(500));
    }
}
