//! The peer every replay figure is printed beside: one Ed25519 signature check, the cost the
//! verifier pays per proof whatever the game. Measured in the same run, so a busy machine
//! slows both and their ratio stays meaningful.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};

/// A typical 3-minute match-3 proof is about this long (ticket, ~25 inputs, claims, ~180
/// checkpoint hashes); `verify_strict` hashes the message, so its length counts.
const MESSAGE_BYTES: usize = 1_800;
/// How long the measurement runs unless the caller says otherwise.
const MEASURE_FOR: Duration = Duration::from_millis(500);

/// Mean time of one `verify_strict` of a signature over a proof-sized message, on this core.
pub fn ed25519_verify() -> Duration {
    ed25519_verify_for(MEASURE_FOR)
}

/// [`ed25519_verify`] measured over `measure_for`.
pub fn ed25519_verify_for(measure_for: Duration) -> Duration {
    let key = SigningKey::from_bytes(&[0x42; 32]);
    let message = vec![0x5a; MESSAGE_BYTES];
    let signature = key.sign(&message);
    let public = key.verifying_key();
    mean_call_for(measure_for, || {
        black_box(
            public
                .verify_strict(black_box(&message), black_box(&signature))
                .is_ok(),
        );
    })
}

/// Mean wall time of one call of `work` over at least `measure_for`, after a warm-up.
fn mean_call_for(measure_for: Duration, mut work: impl FnMut()) -> Duration {
    for _ in 0..3 {
        work();
    }
    let mut calls = 0u32;
    let start = Instant::now();
    while start.elapsed() < measure_for {
        for _ in 0..8 {
            work();
        }
        calls += 8;
    }
    start.elapsed() / calls
}

pub fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}
