//! Simulated falling: every piece on the board is an ECS entity with its [`Slot`] (the cell it
//! rests in or is falling towards) and its [`Fall`] motion in integer fixed point. Cascade timing
//! is therefore part of the deterministic state, hashed while anything moves.
//!
//! A tick's update is independent per entity (no piece reads another), so hecs' arbitrary query
//! order cannot change the outcome.

use super::level::Motion;
use crate::kernel::input::Cell;

/// Fixed-point units per cell of height.
pub const CELL_UNITS: i32 = 1024;

/// The cell a piece rests in, or is falling towards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot(pub Cell);

/// How far above its slot a piece is, and how fast it falls; both zero at rest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fall {
    /// Height above the slot, in [`CELL_UNITS`] per cell; never negative.
    pub offset_units: i32,
    /// Downward speed, in units per tick.
    pub velocity_units: i32,
}

/// Advances every falling piece one tick: speed grows by gravity up to the maximum, the height
/// shrinks by the speed, and a piece that reaches its slot stops. Returns how many still fall.
pub fn advance(world: &mut hecs::World, motion: &Motion) -> u32 {
    let gravity = i32::from(motion.gravity_units);
    let speed_max = i32::from(motion.fall_speed_max_units);
    let mut falling = 0;
    for fall in world.query_mut::<&mut Fall>() {
        if fall.offset_units == 0 {
            continue;
        }
        fall.velocity_units = (fall.velocity_units + gravity).min(speed_max);
        fall.offset_units = (fall.offset_units - fall.velocity_units).max(0);
        if fall.offset_units == 0 {
            fall.velocity_units = 0;
        } else {
            falling += 1;
        }
    }
    falling
}
