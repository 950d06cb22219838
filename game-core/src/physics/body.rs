//! The rigid body component.

use glam::Vec2;

use super::{SLEEP_SPEED, SLEEP_SPIN};
use crate::kernel::hash::StateHasher;

/// Mass per unit area. Only mass ratios matter to the solver; one keeps masses readable.
pub const BODY_DENSITY: f32 = 1.0;

/// A circle body: the physics state of one hecs entity. Every field is simulation state and is
/// hashed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Body {
    /// Creation order, unique per world; the stable key every ordered loop sorts by.
    pub serial: u32,
    /// Centre, in world units (y up).
    pub position: Vec2,
    /// World units per second.
    pub velocity: Vec2,
    /// Radians per second, counter-clockwise. Circles roll: friction at a contact turns sliding
    /// into spin instead of holding the circle in place, so a piece on another's flank rolls
    /// off into the gap beside it, as in Suika. The angle itself is not simulated: nothing in
    /// the rules depends on it.
    pub angular_velocity: f32,
    /// World units.
    pub radius: f32,
    /// 1 / mass, derived from the radius; kept to avoid a division per contact.
    pub inv_mass: f32,
    /// Consecutive ticks this body has been slow (see [`Body::is_slow`]).
    pub slow_ticks: u16,
    /// A sleeping body is neither integrated nor pushed; it only ever touches other sleepers.
    pub asleep: bool,
    /// While asleep: the serial of the lowest-serial body of the island it fell asleep with.
    /// Waking one body wakes its whole island, so a pile never half-wakes.
    pub island: u32,
    /// Whether it has ever touched another body or a wall.
    pub touched: bool,
}

impl Body {
    /// An awake circle at rest; the mass is the area times [`BODY_DENSITY`].
    pub fn circle(serial: u32, position: Vec2, radius: f32) -> Body {
        assert!(radius > 0.0 && radius.is_finite(), "bad radius {radius}");
        assert!(position.is_finite(), "non-finite position");
        let mass = core::f32::consts::PI * radius * radius * BODY_DENSITY;
        Body {
            serial,
            position,
            velocity: Vec2::ZERO,
            angular_velocity: 0.0,
            radius,
            inv_mass: 1.0 / mass,
            slow_ticks: 0,
            asleep: false,
            island: serial,
            touched: false,
        }
    }

    pub fn mass(&self) -> f32 {
        1.0 / self.inv_mass
    }

    /// Whether the body is slow enough to count towards sleeping: its centre slower than
    /// `SLEEP_SPEED` and its spin slower than `SLEEP_SPIN`.
    pub fn is_slow(&self) -> bool {
        let spin = self.angular_velocity;
        self.velocity.dot(self.velocity) < SLEEP_SPEED * SLEEP_SPEED
            && -SLEEP_SPIN < spin
            && spin < SLEEP_SPIN
    }

    pub fn wake(&mut self) {
        self.asleep = false;
        self.slow_ticks = 0;
    }

    /// Panics unless every float is finite: called at step boundaries.
    pub fn assert_finite(&self) {
        assert!(
            self.position.is_finite()
                && self.velocity.is_finite()
                && self.angular_velocity.is_finite(),
            "body {} has a non-finite position or velocity",
            self.serial
        );
    }

    /// Hashes every field in declaration order.
    pub fn hash_into(&self, hasher: &mut StateHasher) {
        hasher.write_u32(self.serial);
        hasher.write_f32(self.position.x);
        hasher.write_f32(self.position.y);
        hasher.write_f32(self.velocity.x);
        hasher.write_f32(self.velocity.y);
        hasher.write_f32(self.angular_velocity);
        hasher.write_f32(self.radius);
        hasher.write_f32(self.inv_mass);
        hasher.write_u16(self.slow_ticks);
        hasher.write_bool(self.asleep);
        hasher.write_u32(self.island);
        hasher.write_bool(self.touched);
    }
}
