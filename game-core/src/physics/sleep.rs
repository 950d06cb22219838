//! Sleeping: bodies that have been slow for `SLEEP_TICKS` stop being simulated until something
//! wakes them. A sleeping body is static to the awake bodies touching it, so a settled pile
//! costs nothing per tick and cannot creep.

use super::pipeline::DenseBody;
use super::{SLEEP_SPEED, SLEEP_TICKS, WAKE_SPEED};

/// Wakes the sleeping partner of every candidate pair whose awake body is faster than
/// `WAKE_SPEED`. One pass in pair order: a body woken here wakes others from the next tick on,
/// when it has a speed of its own.
pub(crate) fn wake_touched(bodies: &mut [DenseBody], pairs: &[(u16, u16)]) {
    for &(a, b) in pairs {
        let (a, b) = (usize::from(a), usize::from(b));
        let (first, second) = (&bodies[a].body, &bodies[b].body);
        let fast = |body: &super::Body| {
            !body.asleep && body.velocity.dot(body.velocity) > WAKE_SPEED * WAKE_SPEED
        };
        if second.asleep && fast(first) {
            bodies[b].body.wake();
        } else if first.asleep && fast(second) {
            bodies[a].body.wake();
        }
    }
}

/// Counts slow ticks and puts bodies to sleep once they reach `SLEEP_TICKS`.
pub(crate) fn update_sleep(bodies: &mut [DenseBody]) {
    for dense in bodies.iter_mut().filter(|dense| !dense.body.asleep) {
        let body = &mut dense.body;
        if body.velocity.dot(body.velocity) < SLEEP_SPEED * SLEEP_SPEED {
            body.slow_ticks = body.slow_ticks.saturating_add(1);
        } else {
            body.slow_ticks = 0;
        }
        if body.slow_ticks >= SLEEP_TICKS {
            body.asleep = true;
            body.velocity = glam::Vec2::ZERO;
        }
    }
}
