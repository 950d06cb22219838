//! Contact creation: exact circle-circle and circle-segment distances at the start of a tick.

use glam::Vec2;

use super::pipeline::DenseBody;
use super::shape::Segment;
use super::{ROLLING_RESISTANCE, SPECULATIVE_DISTANCE};

/// A contact between two bodies (dense indices, `a < b`), normal from `a` to `b`.
///
/// The normal and separation are measured once per tick; each sub-step updates the separation
/// from the bodies' displacement since the tick began, projected on the normal. That keeps the
/// per-sub-step cost to a dot product, and the normal is refreshed every tick.
#[derive(Clone, Copy, Debug)]
pub struct Contact {
    pub a: u16,
    pub b: u16,
    pub normal: Vec2,
    /// Surface gap at the start of the tick, negative when overlapping, in world units.
    pub separation: f32,
    /// Surface gap after the tick's last sub-step.
    pub separation_end: f32,
    /// Smallest surface gap at any sub-step of the tick: a fast piece can touch another and
    /// bounce or roll off within one tick, and that still counts as touching.
    pub separation_min: f32,
    pub(crate) normal_mass: f32,
    /// Effective mass along the tangent: the contact points also turn the circles, so it is a
    /// third of the normal mass (a solid disc's `I = m r^2 / 2`).
    pub(crate) tangent_mass: f32,
    /// Effective mass against relative spin, `1 / (1/Ia + 1/Ib)`.
    pub(crate) rolling_mass: f32,
    /// Rolling resistance: the largest spin impulse per unit of normal impulse,
    /// `ROLLING_RESISTANCE` times the pair's effective radius.
    pub(crate) rolling_limit: f32,
    /// Accumulated spin impulse; warm-started within a tick only (not carried, not hashed).
    pub(crate) rolling_impulse: f32,
    /// Relative normal velocity at the start of the tick (negative when approaching), for
    /// restitution.
    pub(crate) approach_speed: f32,
    pub normal_impulse: f32,
    pub(crate) tangent_impulse: f32,
}

/// A contact between a body (dense index) and a static wall, normal pointing out of the wall.
#[derive(Clone, Copy, Debug)]
pub struct WallContact {
    pub body: u16,
    pub wall: u16,
    pub normal: Vec2,
    pub separation: f32,
    pub separation_end: f32,
    pub separation_min: f32,
    pub(crate) normal_mass: f32,
    pub(crate) tangent_mass: f32,
    pub(crate) rolling_mass: f32,
    pub(crate) rolling_limit: f32,
    pub(crate) rolling_impulse: f32,
    pub(crate) approach_speed: f32,
    pub normal_impulse: f32,
    pub(crate) tangent_impulse: f32,
}

/// A solid disc's `1 / I = 2 / (m r^2)`; zero for a sleeping (static) body.
fn inv_inertia(dense: &DenseBody) -> f32 {
    2.0 * dense.inv_mass / (dense.body.radius * dense.body.radius)
}

/// The contact for a candidate pair, if their surfaces are within reach this tick.
pub(crate) fn circle_contact(bodies: &[DenseBody], a: u16, b: u16) -> Option<Contact> {
    let (first, second) = (&bodies[usize::from(a)], &bodies[usize::from(b)]);
    let offset = second.body.position - first.body.position;
    // Out of reach by the squared distance first: the broadphase's boxes are grown by a margin
    // so its pairs can be reused, and many of its pairs are out of reach; no square root for them.
    let reach =
        first.body.radius + second.body.radius + SPECULATIVE_DISTANCE + first.reach + second.reach;
    let distance_sq = offset.dot(offset);
    if distance_sq > reach * reach {
        return None;
    }
    let distance = libm::sqrtf(distance_sq);
    let separation = distance - first.body.radius - second.body.radius;
    if separation > SPECULATIVE_DISTANCE + first.reach + second.reach {
        return None;
    }
    // Coincident centres have no direction; any fixed one is as good and stays deterministic.
    let normal = if distance > f32::EPSILON {
        offset / distance
    } else {
        Vec2::Y
    };
    let inv_mass_sum = first.inv_mass + second.inv_mass;
    debug_assert!(inv_mass_sum > 0.0, "two static bodies in one contact");
    Some(Contact {
        a,
        b,
        normal,
        separation,
        separation_end: separation,
        separation_min: separation,
        normal_mass: 1.0 / inv_mass_sum,
        tangent_mass: 1.0 / (3.0 * inv_mass_sum),
        rolling_mass: 1.0 / (inv_inertia(first) + inv_inertia(second)),
        rolling_limit: ROLLING_RESISTANCE * 2.0 * first.body.radius * second.body.radius
            / (first.body.radius + second.body.radius),
        rolling_impulse: 0.0,
        approach_speed: (second.body.velocity - first.body.velocity).dot(normal),
        normal_impulse: 0.0,
        tangent_impulse: 0.0,
    })
}

/// The contact between an awake body and a wall, if within reach this tick.
pub(crate) fn wall_contact(
    bodies: &[DenseBody],
    body: u16,
    walls: &[Segment],
    wall: u16,
) -> Option<WallContact> {
    let dense = &bodies[usize::from(body)];
    let (separation, normal) =
        walls[usize::from(wall)].separation(dense.body.position, dense.body.radius);
    if separation > SPECULATIVE_DISTANCE + dense.reach {
        return None;
    }
    Some(WallContact {
        body,
        wall,
        normal,
        separation,
        separation_end: separation,
        separation_min: separation,
        normal_mass: 1.0 / dense.inv_mass,
        tangent_mass: 1.0 / (3.0 * dense.inv_mass),
        rolling_mass: 1.0 / inv_inertia(dense),
        rolling_limit: ROLLING_RESISTANCE * dense.body.radius,
        rolling_impulse: 0.0,
        approach_speed: dense.body.velocity.dot(normal),
        normal_impulse: 0.0,
        tangent_impulse: 0.0,
    })
}
