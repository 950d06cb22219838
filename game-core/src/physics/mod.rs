//! Deterministic 2D physics for merge-drop: circles against circles and static segments.
//!
//! Bodies live in the kernel's hecs world as [`Body`] components. Each tick, [`Physics::step`]
//! gathers them into a dense array sorted by creation serial, runs the stages listed in
//! [`Stage`] and writes them back, so hecs iteration order never decides an outcome.
//!
//! Determinism rules followed here (see `docs/DETERMINISM.md`): glam with `scalar-math` and
//! `libm`; square roots through `libm::sqrtf` (exact on every target); no `mul_add`, no
//! `f32::min`/`max`; every sort has a total, stable key; finiteness is asserted at the start and
//! end of each step. Circles carry no rotation: friction removes tangential sliding velocity,
//! which is what settles a pile, and rolling would only add state nobody sees the effect of.

mod body;
mod broadphase;
mod narrowphase;
mod pipeline;
mod scene;
mod shape;
mod sleep;
mod solver;

pub use body::{Body, BODY_DENSITY};
pub use narrowphase::{Contact, WallContact};
pub use pipeline::{DenseBody, Physics, PhysicsConfig, Stage, TOUCH_DISTANCE};
pub use scene::Scene;
pub use shape::Segment;

use crate::kernel::tick::TICK_HZ;

/// Sub-steps per 60 Hz tick. Four is Box2D v3's default: enough for stable stacks of ~12
/// circles with one solve and one relax pass per sub-step.
pub const SUBSTEPS: u32 = 4;

/// Duration of one tick, in seconds.
pub const TICK_DT_S: f32 = 1.0 / TICK_HZ as f32;

/// Duration of one sub-step, in seconds.
pub const SUBSTEP_DT_S: f32 = TICK_DT_S / SUBSTEPS as f32;

/// Solve passes (with position bias) per sub-step. Contact impulses are warm-started across the
/// sub-steps of a tick and, for resting contacts, across ticks (the carried impulses are
/// hashed, see `Physics::hash_into`). Measured on an 80-circle pile without the cross-tick warm
/// start: one pass leaves 0.44 units of overlap at the bottom of a 12-deep stack, two leave
/// 0.3, four leave 0.012 and the pile sleeps within 150 ticks. On 200 circles in the 8-unit cup
/// (25 deep) four passes without it never settled (1,200 ticks, jitter up to 4 units/s, 0.036
/// overlap): each tick's first sub-step started from zero impulse and the pile sagged and
/// rebounded every tick. With it the same pile sleeps at tick 292 with 0.004 overlap. Fewer
/// passes with the warm start were tried for speed (the sub-steps are 112 of 140 us per tick
/// while that pile falls): two or three passes still settle it (ticks 387 and 280) but let
/// the 80-circle pile rebound on landing (+142 and +79 energy in a tick, bound 55).
pub const SOLVE_ITERATIONS: u32 = 4;

/// Relax passes (without position bias) per sub-step; they remove the velocity the bias added,
/// so position correction does not turn into kinetic energy. With the cross-tick warm start one
/// pass was not enough: an 80-circle pile hitting the floor rebounded with 140 units of kinetic
/// energy more than it had a tick before (`energy_never_grows_without_input` failed by a factor
/// of four); two passes take the bias velocity out and the pile lands dead.
pub const RELAX_ITERATIONS: u32 = 2;

/// Smallest circle radius any level may use, in world units.
pub const RADIUS_MIN: f32 = 0.15;

/// Largest circle radius any level may use, in world units.
pub const RADIUS_MAX: f32 = 4.0;

/// Speed cap, in world units per second. A body moves at most `SPEED_MAX * SUBSTEP_DT_S`
/// (0.1 units) per sub-step, less than the smallest radius, so its centre can never cross a
/// segment between two sub-steps: nothing tunnels through a wall or the floor.
pub const SPEED_MAX: f32 = 24.0;

const _: () = assert!(SPEED_MAX * SUBSTEP_DT_S < RADIUS_MIN);

/// Most bodies one world may hold; bounds every per-tick array.
pub const BODIES_MAX: u32 = 512;

/// Most static segments one world may hold.
pub const WALLS_MAX: u32 = 32;

/// Penetration tolerated without position correction, in world units. Correcting all of it
/// makes resting contacts alternate between touching and not, which is jitter.
pub const LINEAR_SLOP: f32 = 0.005;

/// Fraction of the remaining penetration removed per sub-step (Baumgarte factor).
pub const POSITION_BIAS_FACTOR: f32 = 0.2;

/// Fastest speed position correction may push bodies apart with, in world units per second.
/// Bounds the energy a deep overlap (a merge spawning a bigger piece) can release.
pub const PUSHOUT_SPEED_MAX: f32 = 2.0;

/// Approach speeds below this bounce with no restitution, in world units per second; resting
/// contacts would otherwise never come to rest.
pub const RESTITUTION_SPEED_MIN: f32 = 1.0;

/// Extra distance at which pairs are found and contacts created before they touch, in world
/// units, on top of how far the bodies can move in one tick.
pub const SPECULATIVE_DISTANCE: f32 = 0.02;

/// A body slower than this may fall asleep (with its whole island), in world units per second.
pub const SLEEP_SPEED: f32 = 0.06;

/// Consecutive slow ticks every body of an island needs before the island falls asleep (a
/// quarter second).
pub const SLEEP_TICKS: u16 = 15;
