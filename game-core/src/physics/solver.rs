//! Sequential-impulse contact solver with sub-stepping, in the manner of Box2D v3's soft step.
//!
//! Per sub-step: integrate velocities, warm start, solve (with position bias), integrate
//! positions, relax (without bias). After the last sub-step, one restitution pass.
//!
//! Why each piece:
//! - The accumulated impulse of a contact is the impulse it needed over one sub-step, so it is
//!   re-applied at the start of the next one (warm start): a resting stack then needs almost no
//!   iterations. Resting contacts also carry it into the next tick (keyed by serials, hashed);
//!   without that, a 25-deep pile sagged at the start of every tick and never slept.
//! - The solve pass targets `vn = -bias`: positive separation lets bodies close the gap in this
//!   sub-step exactly (speculative contact, no bounce from arriving early); overlap deeper than
//!   `LINEAR_SLOP` is removed at `POSITION_BIAS_FACTOR` per sub-step, capped at
//!   `PUSHOUT_SPEED_MAX`.
//! - The relax pass solves again with no bias, so the push-out velocity is not carried into the
//!   next sub-step: overlap is corrected by position change, not turned into kinetic energy.
//! - Restitution reuses the approach speed measured at the start of the tick, and only bounces
//!   contacts that actually pushed.
//!
//! Friction is Coulomb: the tangential impulse is clamped to `friction * normal impulse`.

use glam::Vec2;

use super::narrowphase::{Contact, WallContact};
use super::pipeline::DenseBody;
use super::shape::{greater, lesser};
use super::{
    LINEAR_SLOP, POSITION_BIAS_FACTOR, PUSHOUT_SPEED_MAX, RESTITUTION_SPEED_MIN, SPEED_MAX,
};

/// `v += g h` for awake bodies, then the speed cap.
pub(crate) fn integrate_velocities(bodies: &mut [DenseBody], gravity: Vec2, dt_s: f32) {
    let dv = gravity * dt_s;
    for dense in bodies.iter_mut().filter(|dense| !dense.body.asleep) {
        dense.body.velocity = cap_speed(dense.body.velocity + dv);
    }
}

/// `p += v h` for awake bodies, after the speed cap, so no body moves more than
/// `SPEED_MAX * SUBSTEP_DT_S` per sub-step.
pub(crate) fn integrate_positions(bodies: &mut [DenseBody], dt_s: f32) {
    for dense in bodies.iter_mut().filter(|dense| !dense.body.asleep) {
        dense.body.velocity = cap_speed(dense.body.velocity);
        dense.body.position += dense.body.velocity * dt_s;
    }
}

/// Scales `velocity` down to `SPEED_MAX` if it is faster.
#[inline]
fn cap_speed(velocity: Vec2) -> Vec2 {
    let speed_sq = velocity.dot(velocity);
    if speed_sq > SPEED_MAX * SPEED_MAX {
        velocity * (SPEED_MAX / libm::sqrtf(speed_sq))
    } else {
        velocity
    }
}

/// Re-applies each contact's accumulated impulse from the previous sub-step.
pub(crate) fn warm_start(bodies: &mut [DenseBody], contacts: &[Contact], walls: &[WallContact]) {
    for contact in contacts {
        let tangent = contact.normal.perp();
        let impulse = contact.normal * contact.normal_impulse + tangent * contact.tangent_impulse;
        apply_pair(bodies, contact.a, contact.b, impulse);
    }
    for contact in walls {
        let tangent = contact.normal.perp();
        let impulse = contact.normal * contact.normal_impulse + tangent * contact.tangent_impulse;
        let dense = &mut bodies[usize::from(contact.body)];
        dense.body.velocity += impulse * dense.inv_mass;
    }
}

/// Applies `impulse` to `b` and its opposite to `a`.
#[inline]
fn apply_pair(bodies: &mut [DenseBody], a: u16, b: u16, impulse: Vec2) {
    let first = &mut bodies[usize::from(a)];
    first.body.velocity -= impulse * first.inv_mass;
    let second = &mut bodies[usize::from(b)];
    second.body.velocity += impulse * second.inv_mass;
}

/// The velocity bias of a contact at current separation `separation`.
#[inline]
fn bias_for(separation: f32, use_bias: bool, inv_dt: f32) -> f32 {
    if separation > 0.0 {
        // Speculative: allow closing exactly the gap this sub-step.
        separation * inv_dt
    } else if use_bias {
        let push = POSITION_BIAS_FACTOR * lesser(separation + LINEAR_SLOP, 0.0) * inv_dt;
        greater(push, -PUSHOUT_SPEED_MAX)
    } else {
        0.0
    }
}

/// One pass over all contacts, body pairs first, then walls (so walls have the last word).
pub(crate) fn solve(
    bodies: &mut [DenseBody],
    contacts: &mut [Contact],
    walls: &mut [WallContact],
    friction: f32,
    use_bias: bool,
    inv_dt: f32,
) {
    for contact in contacts.iter_mut() {
        let (a, b) = (usize::from(contact.a), usize::from(contact.b));
        let (first, second) = (&bodies[a], &bodies[b]);
        let drift = (second.body.position - second.start) - (first.body.position - first.start);
        let separation = contact.separation + drift.dot(contact.normal);
        let relative = second.body.velocity - first.body.velocity;
        let bias = bias_for(separation, use_bias, inv_dt);

        let normal_speed = relative.dot(contact.normal);
        let total = greater(
            contact.normal_impulse - contact.normal_mass * (normal_speed + bias),
            0.0,
        );
        let normal_delta = total - contact.normal_impulse;
        contact.normal_impulse = total;

        let tangent = contact.normal.perp();
        let relative =
            relative + contact.normal * (normal_delta * (first.inv_mass + second.inv_mass));
        let limit = friction * contact.normal_impulse;
        let tangent_total = clamp(
            contact.tangent_impulse - contact.normal_mass * relative.dot(tangent),
            -limit,
            limit,
        );
        let tangent_delta = tangent_total - contact.tangent_impulse;
        contact.tangent_impulse = tangent_total;

        apply_pair(
            bodies,
            contact.a,
            contact.b,
            contact.normal * normal_delta + tangent * tangent_delta,
        );
    }
    for contact in walls.iter_mut() {
        let dense = &mut bodies[usize::from(contact.body)];
        let drift = dense.body.position - dense.start;
        let separation = contact.separation + drift.dot(contact.normal);
        let bias = bias_for(separation, use_bias, inv_dt);

        let normal_speed = dense.body.velocity.dot(contact.normal);
        let total = greater(
            contact.normal_impulse - contact.normal_mass * (normal_speed + bias),
            0.0,
        );
        let normal_delta = total - contact.normal_impulse;
        contact.normal_impulse = total;
        dense.body.velocity += contact.normal * (normal_delta * dense.inv_mass);

        let tangent = contact.normal.perp();
        let limit = friction * contact.normal_impulse;
        let tangent_total = clamp(
            contact.tangent_impulse - contact.normal_mass * dense.body.velocity.dot(tangent),
            -limit,
            limit,
        );
        let tangent_delta = tangent_total - contact.tangent_impulse;
        contact.tangent_impulse = tangent_total;
        dense.body.velocity += tangent * (tangent_delta * dense.inv_mass);
    }
}

/// Bounces contacts that approached faster than `RESTITUTION_SPEED_MIN` and pushed: the
/// separating speed becomes `restitution` times the approach speed at the start of the tick.
pub(crate) fn restitute(
    bodies: &mut [DenseBody],
    contacts: &mut [Contact],
    walls: &mut [WallContact],
    restitution: f32,
) {
    if restitution == 0.0 {
        return;
    }
    for contact in contacts.iter_mut() {
        if contact.approach_speed > -RESTITUTION_SPEED_MIN || contact.normal_impulse == 0.0 {
            continue;
        }
        let (first, second) = (
            &bodies[usize::from(contact.a)],
            &bodies[usize::from(contact.b)],
        );
        let normal_speed = (second.body.velocity - first.body.velocity).dot(contact.normal);
        let target = -restitution * contact.approach_speed;
        let total = greater(
            contact.normal_impulse - contact.normal_mass * (normal_speed - target),
            0.0,
        );
        let delta = total - contact.normal_impulse;
        contact.normal_impulse = total;
        apply_pair(bodies, contact.a, contact.b, contact.normal * delta);
    }
    for contact in walls.iter_mut() {
        if contact.approach_speed > -RESTITUTION_SPEED_MIN || contact.normal_impulse == 0.0 {
            continue;
        }
        let dense = &mut bodies[usize::from(contact.body)];
        let normal_speed = dense.body.velocity.dot(contact.normal);
        let target = -restitution * contact.approach_speed;
        let total = greater(
            contact.normal_impulse - contact.normal_mass * (normal_speed - target),
            0.0,
        );
        let delta = total - contact.normal_impulse;
        contact.normal_impulse = total;
        dense.body.velocity += contact.normal * (delta * dense.inv_mass);
    }
}

/// Records each contact's surface gap after the last sub-step.
pub(crate) fn measure_end(
    bodies: &[DenseBody],
    contacts: &mut [Contact],
    walls: &mut [WallContact],
) {
    for contact in contacts.iter_mut() {
        let (first, second) = (
            &bodies[usize::from(contact.a)],
            &bodies[usize::from(contact.b)],
        );
        let drift = (second.body.position - second.start) - (first.body.position - first.start);
        contact.separation_end = contact.separation + drift.dot(contact.normal);
    }
    for contact in walls.iter_mut() {
        let dense = &bodies[usize::from(contact.body)];
        let drift = dense.body.position - dense.start;
        contact.separation_end = contact.separation + drift.dot(contact.normal);
    }
}

#[inline]
fn clamp(value: f32, low: f32, high: f32) -> f32 {
    lesser(greater(value, low), high)
}
