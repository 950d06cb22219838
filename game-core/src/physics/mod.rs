//! Deterministic 2D physics for merge-drop: circles against circles and static segments.
//!
//! Bodies live in the kernel's hecs world as [`Body`] components. Each tick, [`Physics::step`]
//! gathers them into a dense array sorted by creation serial, runs the stages listed in
//! [`Stage`] and writes them back, so hecs iteration order never decides an outcome.
//!
//! Determinism rules followed here (see `docs/DETERMINISM.md`): glam with `scalar-math` and
//! `libm`; square roots through `libm::sqrtf` (exact on every target); no `mul_add`, no
//! `f32::min`/`max`; every sort has a total, stable key; finiteness is asserted at the start and
//! end of each step. Circles spin (angular velocity, no angle): friction acts at the rims, so
//! a piece resting on another's flank rolls off into the gap beside it, as in Suika.

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

/// Passes per sub-step: one soft solve pass with position bias, then one rigid relax pass
/// without it (see `solver`). History of this choice, on 80 circles in the 8-unit cup and 200
/// in it (25 deep):
/// - Rigid contacts with a Baumgarte factor of 0.2 needed four solve passes and two relax
///   passes per sub-step: one solve pass left 0.44 units of overlap at the bottom of a 12-deep
///   stack, two 0.3, four 0.012; one relax pass let a landing pile rebound with +140 energy
///   in a tick. That schedule cost 93 us per tick while 200 circles fell into the 8-unit cup,
///   against rapier's 84.
/// - Soft contacts (Box2D v3's soft step) need one of each; figures in `solver`.
pub const SOLVE_ITERATIONS: u32 = 1;

/// Relax passes (rigid, without position bias) per sub-step; see [`SOLVE_ITERATIONS`].
pub const RELAX_ITERATIONS: u32 = 1;

/// Rolling resistance, dimensionless: a contact resists relative spin with a torque of up to
/// this times the normal force times the pair's effective radius, so a circle rolling on a
/// flat surface slows at about this times gravity. Without it a lone circle rolling along the
/// top of a settled 80-circle pile never slowed (0.089 units/s for 600 ticks), kept its island
/// awake, and woke the pile whenever it reached a slope. More resistance settled no sooner and
/// packed looser: mean tick of sleep over six seeded piles (80 / 200 / 200 in the 16-unit cup
/// / 60 circles) and the 200-circle pile's height in the 8-unit cup, with the heuristic bot's
/// 15 sessions (five levels, three seeds) that ended before the time limit:
/// 0.02: 147 / 175 / 178 / 178, 21.0 to 22.3 units, none;
/// 0.05: 152 / 194 / 198 / 172, 21.6 to 22.6, one (125 s of 180);
/// 0.1: 152 / 236 / 230 / 194, 21.4 to 23.7, two (145 s and 171 s).
pub const ROLLING_RESISTANCE: f32 = 0.02;

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

/// Length scale of "touching", in world units: contacts within two slops count as touching
/// (see `TOUCH_DISTANCE`). The soft solver needs no penetration allowance; a spring-damper
/// contact does not alternate between touching and not.
pub const LINEAR_SLOP: f32 = 0.005;

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

/// A body spinning slower than this may fall asleep, in radians per second (rapier's default
/// angular threshold). Spin alone moves nothing the rules or the renderer see; a circle that
/// rolls also translates, and `SLEEP_SPEED` catches that. Tried first: comparing the rim speed
/// `|ω| r` (or centre plus rim) with `SLEEP_SPEED`, i.e. 0.1 to 0.2 rad/s; piles then stayed
/// awake while single circles turned slowly in their pockets.
pub const SLEEP_SPIN: f32 = 0.5;

/// Consecutive slow ticks every body of an island needs before the island falls asleep (a
/// quarter second).
pub const SLEEP_TICKS: u16 = 15;
