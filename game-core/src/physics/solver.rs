//! Soft-step contact solver with sub-stepping, in the manner of Box2D v3.
//!
//! Per sub-step: integrate velocities, warm start, one solve pass (soft, with position bias),
//! integrate positions, one relax pass (rigid, without bias). After the last sub-step, one
//! restitution pass.
//!
//! Why each piece:
//! - Soft contacts. A contact is a spring-damper of `CONTACT_HERTZ` and `CONTACT_DAMPING_RATIO`
//!   solved implicitly over one sub-step (the mass-spring-damper "soft constraint" of Box2D
//!   v3's `b2MakeSoft`): the solve pass scales the effective mass by `mass_scale`, leaks
//!   `impulse_scale` of the accumulated impulse and pushes overlap out at `bias_rate` per
//!   second. Unlike a Baumgarte factor, the stiffness is a physical rate relative to the
//!   sub-step, so one pass per sub-step converges where the rigid solver needed four.
//! - The accumulated impulse of a contact is the impulse it needed over one sub-step, so it is
//!   re-applied at the start of the next one (warm start): a resting stack then needs almost no
//!   iterations. Resting contacts also carry it into the next tick (keyed by serials, hashed);
//!   without that, a 25-deep pile sagged at the start of every tick and never slept.
//! - Positive separation lets bodies close the gap in this sub-step exactly (speculative
//!   contact, no bounce from arriving early).
//! - The relax pass solves again, rigidly and with no bias, so the push-out velocity is not
//!   carried into the next sub-step: overlap is corrected by position change, not turned into
//!   kinetic energy.
//! - Restitution reuses the approach speed measured at the start of the tick, and only bounces
//!   contacts that actually pushed.
//!
//! Friction is Coulomb, at the contact point: the tangential impulse is clamped to
//! `friction * normal impulse` and also spins both circles, so sliding becomes rolling.
//!
//! Data: the solver works on [`SolverBody`], 36 bytes per body holding only what the inner
//! loops touch (velocity, spin, inverse mass and inertia, displacement since the tick began),
//! indexed directly by the contacts' dense indices; the rest of the body stays in `DenseBody`.
//! Contacts are solved in colour order (see `Physics::color_contacts`).
//!
//! Measured (benchmark `physics`, falling phase: the first 300 ticks of a scene, in us per
//! tick, with rapier2d in the same run). The rigid solver of four solve and two relax passes,
//! circles without spin, against rapier with locked rotations: 60 circles 4.4 vs 7.2, 200 in
//! the 16-unit cup 34 vs 30, 200 in the 8-unit cup 93 vs 84; piles 30 units tall where they
//! should pack to 26.5 (friction held every circle where it landed) and the heuristic bot's
//! classic session overflowing at 53 s. Steps on the way, each kept (sub-step cost per awake
//! tick, 200 circles in the 16-unit cup):
//! - soft contacts, one solve and one relax pass, spinning circles: 63 us;
//! - contacts in colour order instead of key order: 51 us;
//! - normal and friction impulses from the same loaded velocities: 35 us.
//!
//! With rapier simulating spinning circles too: 60 circles 7.4 vs 14.4, 200 in the 16-unit cup
//! 29 vs 52, 200 in the 8-unit cup 32 vs 70 (rapier with locked rotations: 7.3, 30, 86); the
//! 200-circle pile in the 8-unit cup stands 21 to 22 units tall.
//!
//! Tried and rejected: the relax pass on every other sub-step only (16-unit pile: mean time to
//! sleep over six seeds 178 -> 292 ticks); contacts stiffer than half the sub-step rate (180
//! and 240 Hz: piles jitter and never sleep); rolling resistance in the solve pass as well as
//! the relax pass (a fifth more work per contact, no faster settling).

use glam::Vec2;

use super::narrowphase::{Contact, WallContact};
use super::shape::{greater, lesser};
use super::{PUSHOUT_SPEED_MAX, RESTITUTION_SPEED_MIN, SPEED_MAX, SUBSTEP_DT_S};

/// Contact spring frequency, in hertz. A soft contact holding a load `W` sinks by about
/// `W / (m ω²)`, and piles here are up to 25 circles deep with light circles under heavy ones.
/// Measured on 200 circles in the 8-unit cup (seeds 0x5eed and 7), worst overlap once asleep:
/// 30 Hz (Box2D v3's default) about 0.05; 60 Hz (Box2D's cap, a quarter of the sub-step rate)
/// 0.029 and 0.048, over the 0.02 test tolerance; 120 Hz 0.007 and 0.011, with the 80-circle
/// pile still landing without an energy gain. The implicit formulation stays stable up to half
/// the sub-step rate, which is the bound asserted below.
pub const CONTACT_HERTZ: f32 = 120.0;

/// Contact damping ratio: heavily over-damped, so a contact pushes overlap out without
/// ringing. Box2D v3's default is 10; here a pile ten circles deep kept a collective vertical
/// oscillation (whole patches of the top layers moving 0.03 units up and down at about 7 Hz,
/// 0.5 units/s) that kept its island awake. Mean / worst tick at which six seeded piles fell
/// asleep, 200 circles in the 16-unit cup: ζ = 1: 740 / never (1,000); 3: 902 / never;
/// 10: 228 / 454; 20: 180 / 213; 30: 167 / 216, but 60 circles in the 8-unit cup then took
/// 189 / 241 (20: 166 / 201). Worst overlap in the 25-deep pile: 0.013 at 20, 0.021 at 10.
pub const CONTACT_DAMPING_RATIO: f32 = 20.0;

/// Walls are static, so their contacts see only one body's mass; Box2D v3 makes them twice as
/// stiff as body-body contacts.
pub const WALL_HERTZ: f32 = 2.0 * CONTACT_HERTZ;

// (Compared with a 0.01 Hz allowance: `0.5 / SUBSTEP_DT_S` rounds to 119.99999.)
const _: () = assert!(CONTACT_HERTZ <= 0.5 / SUBSTEP_DT_S + 0.01);

/// One body as the solver's inner loops see it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SolverBody {
    pub velocity: Vec2,
    pub angular_velocity: f32,
    /// Zero for sleeping bodies: they neither fall nor get pushed.
    pub inv_mass: f32,
    /// Displacement since the tick began; contacts measure their gap from it.
    pub delta: Vec2,
    pub radius: f32,
    /// `1 / I`: spin per unit of angular impulse.
    pub inv_inertia: f32,
    /// Spin per unit of tangential impulse at the rim: `r / I = 2 / (m r)` for a solid disc.
    pub spin_gain: f32,
}

/// The coefficients of a soft constraint for one sub-step of length `h`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Softness {
    pub bias_rate: f32,
    pub mass_scale: f32,
    pub impulse_scale: f32,
}

impl Softness {
    /// Implicit spring-damper of frequency `hertz` and damping ratio `zeta` over a step `h`:
    /// `ω = 2πf`, `a1 = 2ζ + hω`, `a2 = hω a1`, `a3 = 1 / (1 + a2)`; the bias rate is `ω / a1`,
    /// the mass scale `a2 a3` and the impulse scale `a3`. Only `+ - * /`, so exact everywhere.
    pub(crate) fn new(hertz: f32, zeta: f32, h: f32) -> Softness {
        let omega = 2.0 * core::f32::consts::PI * hertz;
        let a1 = 2.0 * zeta + h * omega;
        let a2 = h * omega * a1;
        let a3 = 1.0 / (1.0 + a2);
        Softness {
            bias_rate: omega / a1,
            mass_scale: a2 * a3,
            impulse_scale: a3,
        }
    }

    /// A rigid constraint: the relax and restitution passes.
    const RIGID: Softness = Softness {
        bias_rate: 0.0,
        mass_scale: 1.0,
        impulse_scale: 0.0,
    };
}

/// `v += g h` for awake bodies, then the speed cap.
pub(crate) fn integrate_velocities(bodies: &mut [SolverBody], gravity: Vec2, dt_s: f32) {
    let dv = gravity * dt_s;
    for body in bodies.iter_mut().filter(|body| body.inv_mass > 0.0) {
        body.velocity = cap_speed(body.velocity + dv);
    }
}

/// `p += v h` for awake bodies, after the speed cap, so no body moves more than
/// `SPEED_MAX * SUBSTEP_DT_S` per sub-step.
pub(crate) fn integrate_positions(bodies: &mut [SolverBody], dt_s: f32) {
    for body in bodies.iter_mut().filter(|body| body.inv_mass > 0.0) {
        body.velocity = cap_speed(body.velocity);
        body.delta += body.velocity * dt_s;
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
pub(crate) fn warm_start(bodies: &mut [SolverBody], contacts: &[Contact], walls: &[WallContact]) {
    for contact in contacts {
        let (first, second) = pair_mut(bodies, contact.a, contact.b);
        let (pn, pt, pr) = (
            contact.normal_impulse,
            contact.tangent_impulse,
            contact.rolling_impulse,
        );
        let impulse = contact.normal * pn + contact.normal.perp() * pt;
        first.velocity -= impulse * first.inv_mass;
        first.angular_velocity -= pt * first.spin_gain + pr * first.inv_inertia;
        second.velocity += impulse * second.inv_mass;
        second.angular_velocity += pr * second.inv_inertia - pt * second.spin_gain;
    }
    for contact in walls {
        let body = &mut bodies[usize::from(contact.body)];
        apply_wall(
            body,
            contact.normal,
            contact.normal_impulse,
            contact.tangent_impulse,
        );
        body.angular_velocity += contact.rolling_impulse * body.inv_inertia;
    }
}

/// Applies a normal and a tangential impulse to `b` and their opposite to `a`. The tangential
/// one acts at the rims (`-r n` from `b`'s centre, `+r n` from `a`'s), so it also spins both.
#[inline]
fn apply_pair(bodies: &mut [SolverBody], a: u16, b: u16, normal: Vec2, pn: f32, pt: f32) {
    let impulse = normal * pn + normal.perp() * pt;
    let (first, second) = pair_mut(bodies, a, b);
    first.velocity -= impulse * first.inv_mass;
    first.angular_velocity -= pt * first.spin_gain;
    second.velocity += impulse * second.inv_mass;
    second.angular_velocity -= pt * second.spin_gain;
}

/// Both bodies of a contact, `a < b`, mutably, with one bounds check each.
#[inline]
fn pair_mut(bodies: &mut [SolverBody], a: u16, b: u16) -> (&mut SolverBody, &mut SolverBody) {
    let (a, b) = (usize::from(a), usize::from(b));
    debug_assert!(a < b);
    let (low, high) = bodies.split_at_mut(b);
    (&mut low[a], &mut high[0])
}

/// Applies a wall's impulse to its body, at the body's rim against the wall.
#[inline]
fn apply_wall(body: &mut SolverBody, normal: Vec2, pn: f32, pt: f32) {
    let impulse = normal * pn + normal.perp() * pt;
    body.velocity += impulse * body.inv_mass;
    body.angular_velocity -= pt * body.spin_gain;
}

/// The target velocity bias and the softness of a contact at current gap `separation`.
#[inline]
fn bias_for<const USE_BIAS: bool>(separation: f32, soft: Softness, inv_h: f32) -> (f32, Softness) {
    if separation > 0.0 {
        // Speculative: allow closing exactly the gap this sub-step, rigidly.
        (separation * inv_h, Softness::RIGID)
    } else if USE_BIAS {
        let push = greater(soft.bias_rate * separation, -PUSHOUT_SPEED_MAX);
        (push, soft)
    } else {
        (0.0, Softness::RIGID)
    }
}

/// One pass over all contacts, body pairs first, then walls (so walls have the last word).
/// `USE_BIAS` selects the soft solve pass (true) or the rigid relax pass (false).
pub(crate) fn solve<const USE_BIAS: bool>(
    bodies: &mut [SolverBody],
    contacts: &mut [Contact],
    walls: &mut [WallContact],
    friction: f32,
    soft: (Softness, Softness),
    inv_h: f32,
) {
    for contact in contacts.iter_mut() {
        let (first, second) = pair_mut(bodies, contact.a, contact.b);
        let normal = contact.normal;
        let separation = contact.separation + (second.delta - first.delta).dot(normal);
        if USE_BIAS {
            contact.separation_min = lesser(contact.separation_min, separation);
        }
        let (bias, soft) = bias_for::<USE_BIAS>(separation, soft.0, inv_h);

        // Both speeds from the velocities as loaded: the normal impulse changes no tangential
        // speed (it acts along the normal, and through the centres, so it spins nothing).
        // Computing both up front lets the two impulses be found side by side instead of one
        // after the other, and applied in one update.
        let relative = second.velocity - first.velocity;
        let normal_speed = relative.dot(normal);
        let tangent = normal.perp();
        // The rims' relative tangential speed: the centres' along the tangent, minus each
        // circle's spin times its radius.
        let tangent_speed = relative.dot(tangent)
            - second.angular_velocity * second.radius
            - first.angular_velocity * first.radius;

        let impulse = -contact.normal_mass * soft.mass_scale * (normal_speed + bias)
            - soft.impulse_scale * contact.normal_impulse;
        let total = greater(contact.normal_impulse + impulse, 0.0);
        let normal_delta = total - contact.normal_impulse;
        contact.normal_impulse = total;

        let limit = friction * total;
        let tangent_total = clamp(
            contact.tangent_impulse - contact.tangent_mass * tangent_speed,
            -limit,
            limit,
        );
        let tangent_delta = tangent_total - contact.tangent_impulse;
        contact.tangent_impulse = tangent_total;

        let impulse = normal * normal_delta + tangent * tangent_delta;
        first.velocity -= impulse * first.inv_mass;
        second.velocity += impulse * second.inv_mass;
        first.angular_velocity -= tangent_delta * first.spin_gain;
        second.angular_velocity -= tangent_delta * second.spin_gain;

        // Rolling resistance: an angular impulse against the relative spin, in the relax pass
        // only. Solving it in both passes cost a fifth of the contact's work and settled the
        // test piles no sooner (time to sleep is chaotic; means over six seeds were within
        // noise).
        if !USE_BIAS {
            let limit = contact.rolling_limit * total;
            let rolling_total = clamp(
                contact.rolling_impulse
                    - contact.rolling_mass * (second.angular_velocity - first.angular_velocity),
                -limit,
                limit,
            );
            let rolling_delta = rolling_total - contact.rolling_impulse;
            contact.rolling_impulse = rolling_total;
            first.angular_velocity -= rolling_delta * first.inv_inertia;
            second.angular_velocity += rolling_delta * second.inv_inertia;
        }
    }
    for contact in walls.iter_mut() {
        let body = &mut bodies[usize::from(contact.body)];
        let normal = contact.normal;
        let separation = contact.separation + body.delta.dot(normal);
        if USE_BIAS {
            contact.separation_min = lesser(contact.separation_min, separation);
        }
        let (bias, soft) = bias_for::<USE_BIAS>(separation, soft.1, inv_h);

        let normal_speed = body.velocity.dot(normal);
        let tangent = normal.perp();
        let tangent_speed = body.velocity.dot(tangent) - body.angular_velocity * body.radius;
        let impulse = -contact.normal_mass * soft.mass_scale * (normal_speed + bias)
            - soft.impulse_scale * contact.normal_impulse;
        let total = greater(contact.normal_impulse + impulse, 0.0);
        let normal_delta = total - contact.normal_impulse;
        contact.normal_impulse = total;

        let limit = friction * total;
        let tangent_total = clamp(
            contact.tangent_impulse - contact.tangent_mass * tangent_speed,
            -limit,
            limit,
        );
        let tangent_delta = tangent_total - contact.tangent_impulse;
        contact.tangent_impulse = tangent_total;
        body.velocity += (normal * normal_delta + tangent * tangent_delta) * body.inv_mass;
        body.angular_velocity -= tangent_delta * body.spin_gain;

        if !USE_BIAS {
            let limit = contact.rolling_limit * total;
            let rolling_total = clamp(
                contact.rolling_impulse - contact.rolling_mass * body.angular_velocity,
                -limit,
                limit,
            );
            let rolling_delta = rolling_total - contact.rolling_impulse;
            contact.rolling_impulse = rolling_total;
            body.angular_velocity += rolling_delta * body.inv_inertia;
        }
    }
}

/// Bounces contacts that approached faster than `RESTITUTION_SPEED_MIN` and pushed: the
/// separating speed becomes `restitution` times the approach speed at the start of the tick.
pub(crate) fn restitute(
    bodies: &mut [SolverBody],
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
        let normal_speed = (second.velocity - first.velocity).dot(contact.normal);
        let target = -restitution * contact.approach_speed;
        let total = greater(
            contact.normal_impulse - contact.normal_mass * (normal_speed - target),
            0.0,
        );
        let delta = total - contact.normal_impulse;
        contact.normal_impulse = total;
        apply_pair(bodies, contact.a, contact.b, contact.normal, delta, 0.0);
    }
    for contact in walls.iter_mut() {
        if contact.approach_speed > -RESTITUTION_SPEED_MIN || contact.normal_impulse == 0.0 {
            continue;
        }
        let body = &mut bodies[usize::from(contact.body)];
        let normal_speed = body.velocity.dot(contact.normal);
        let target = -restitution * contact.approach_speed;
        let total = greater(
            contact.normal_impulse - contact.normal_mass * (normal_speed - target),
            0.0,
        );
        let delta = total - contact.normal_impulse;
        contact.normal_impulse = total;
        body.velocity += contact.normal * (delta * body.inv_mass);
    }
}

/// Records each contact's surface gap after the last sub-step, and the smallest it had.
pub(crate) fn measure_end(
    bodies: &[SolverBody],
    contacts: &mut [Contact],
    walls: &mut [WallContact],
) {
    for contact in contacts.iter_mut() {
        let (first, second) = (
            &bodies[usize::from(contact.a)],
            &bodies[usize::from(contact.b)],
        );
        contact.separation_end =
            contact.separation + (second.delta - first.delta).dot(contact.normal);
        contact.separation_min = lesser(contact.separation_min, contact.separation_end);
    }
    for contact in walls.iter_mut() {
        let body = &bodies[usize::from(contact.body)];
        contact.separation_end = contact.separation + body.delta.dot(contact.normal);
        contact.separation_min = lesser(contact.separation_min, contact.separation_end);
    }
}

#[inline]
fn clamp(value: f32, low: f32, high: f32) -> f32 {
    lesser(greater(value, low), high)
}
