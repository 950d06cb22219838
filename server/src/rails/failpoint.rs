//! Fail points: places where the fault tests end the service abruptly, between two steps that
//! are otherwise never apart (a notification verified, its transition not yet stored).
//!
//! A point fires when `PLAYPROOF_FAIL_POINT` names it. It exists only in builds with debug
//! assertions (the test build); in a release build [`hit`] is empty and no input, header or
//! environment can reach it.

/// The environment variable naming the point to fire.
pub const ENV: &str = "PLAYPROOF_FAIL_POINT";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailPoint {
    /// A provider's notification was received and verified; its transition is not stored.
    NotificationVerified,
}

impl FailPoint {
    pub fn name(self) -> &'static str {
        match self {
            FailPoint::NotificationVerified => "notification-verified",
        }
    }
}

/// Ends the process at once if `point` is the configured one: no destructor, no shutdown code,
/// no answer to the request in flight, as if the machine had lost power.
#[cfg(debug_assertions)]
pub fn hit(point: FailPoint) {
    if std::env::var(ENV).is_ok_and(|name| name == point.name()) {
        eprintln!("fail point {}: aborting", point.name());
        std::process::abort();
    }
}

/// Release builds have no fail points.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn hit(_point: FailPoint) {}
