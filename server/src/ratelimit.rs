//! Token-bucket rate limits per key (a player id or a client address), and the much tighter
//! budget of failed authentication attempts per address.

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
        self.bucket(key, now_ms, true)
    }

    /// Whether `key` has a token at `now_ms`, without taking it; `Err(retry_after_ms)` if not.
    pub fn check(&self, key: &str, now_ms: u64) -> Result<(), u64> {
        self.bucket(key, now_ms, false)
    }

    /// Gives back a token taken for `key` (never above the burst).
    pub fn refund(&self, key: &str) {
        let burst = f64::from(self.limit.burst.max(1));
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(bucket) = buckets.get_mut(key) {
            bucket.tokens = (bucket.tokens + 1.0).min(burst);
        }
    }

    fn bucket(&self, key: &str, now_ms: u64, take: bool) -> Result<(), u64> {
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
            if take {
                bucket.tokens -= 1.0;
            }
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

/// Default budget of failed authentication attempts (a wrong bearer token, login credential or
/// operator token) per address: an honest client fails once when its token expires and then
/// logs in again, so ten failures in a row are already odd; after them one guess per 5 s leaves
/// a 256-bit token or an HMAC unguessable and makes a WeChat code search hopeless.
pub const AUTH_FAILURE_RATE_DEFAULT: RateLimit = RateLimit {
    per_s: 0.2,
    burst: 10,
};

/// Failed authentication attempts per address. A failure takes a token; an address with no
/// token left is refused (429) before its request is looked at, so guesses stop being answered.
/// Player credentials and the operator token have separate budgets: guessing one does not lock
/// the other out.
///
/// Operator requests reserve their token up front ([`AuthFailures::reserve`]) and get it back
/// when they authenticate, so concurrent guesses (many connections, slow bodies) cannot all pass
/// before the first failure is counted; an operator then has at most the burst in flight per
/// address. Player requests only check first and count failures after (player tokens and login
/// codes are unguessable; many honest players may share one address and send at once).
pub struct AuthFailures {
    limiter: RateLimiter,
}

/// Which secret a request presented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    Player,
    Operator,
}

impl AuthFailures {
    pub fn new(limit: RateLimit) -> Self {
        AuthFailures {
            limiter: RateLimiter::new(limit),
        }
    }

    fn key(credential: Credential, address: &str) -> String {
        match credential {
            Credential::Player => format!("player:{address}"),
            Credential::Operator => format!("operator:{address}"),
        }
    }

    /// `Err(retry_after_ms)` while `address` has used up its failures.
    pub fn check(&self, credential: Credential, address: &str, now_ms: u64) -> Result<(), u64> {
        self.limiter.check(&Self::key(credential, address), now_ms)
    }

    /// Counts one failure of `address`.
    pub fn record(&self, credential: Credential, address: &str, now_ms: u64) {
        let _ = self.limiter.take(&Self::key(credential, address), now_ms);
    }

    /// Takes a token for an attempt about to be judged; `Err(retry_after_ms)` when none is left.
    pub fn reserve(&self, credential: Credential, address: &str, now_ms: u64) -> Result<(), u64> {
        self.limiter.take(&Self::key(credential, address), now_ms)
    }

    /// Gives back the token of a reserved attempt that authenticated.
    pub fn refund(&self, credential: Credential, address: &str) {
        self.limiter.refund(&Self::key(credential, address));
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

    #[test]
    fn failed_authentication_blocks_an_address_after_its_burst_per_credential() {
        let failures = AuthFailures::new(RateLimit {
            per_s: 0.5,
            burst: 2,
        });
        assert_eq!(failures.check(Credential::Operator, "10.0.0.1", 0), Ok(()));
        failures.record(Credential::Operator, "10.0.0.1", 0);
        assert_eq!(failures.check(Credential::Operator, "10.0.0.1", 0), Ok(()));
        failures.record(Credential::Operator, "10.0.0.1", 0);
        assert_eq!(
            failures.check(Credential::Operator, "10.0.0.1", 0),
            Err(2_000)
        );
        // Checking takes nothing: still blocked, then free again after the refill.
        assert_eq!(
            failures.check(Credential::Operator, "10.0.0.1", 1_000),
            Err(1_000)
        );
        assert_eq!(
            failures.check(Credential::Operator, "10.0.0.1", 2_000),
            Ok(())
        );
        // A reserved attempt that authenticates gives its token back.
        assert_eq!(
            failures.reserve(Credential::Operator, "10.0.0.3", 0),
            Ok(())
        );
        failures.refund(Credential::Operator, "10.0.0.3");
        assert_eq!(
            failures.reserve(Credential::Operator, "10.0.0.3", 0),
            Ok(())
        );
        assert_eq!(
            failures.reserve(Credential::Operator, "10.0.0.3", 0),
            Ok(())
        );
        assert_eq!(
            failures.reserve(Credential::Operator, "10.0.0.3", 0),
            Err(2_000)
        );
        // Other addresses and the other credential are untouched.
        assert_eq!(failures.check(Credential::Operator, "10.0.0.2", 0), Ok(()));
        assert_eq!(failures.check(Credential::Player, "10.0.0.1", 0), Ok(()));
    }
}
