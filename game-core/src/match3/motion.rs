//! Simulated falling: every piece on the board is an ECS entity with its [`Slot`] (the cell it
//! rests in or is falling towards) and its [`Fall`] motion in integer fixed point. Cascade timing
//! is therefore part of the deterministic state, hashed while anything moves.
//!
//! A tick's update is independent per entity (no piece reads another), so no iteration order
//! can change the outcome.

use alloc::vec::Vec;

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

/// The pieces in motion: their entities, and a prepared view of their [`Fall`] components.
///
/// Only moving pieces are visited each tick, through a prepared query that allocates only when
/// the world gains an archetype, so a falling tick costs a few nanoseconds per moving piece. The
/// list's order never matters: each piece's update reads nothing but its own motion.
#[derive(Default)]
pub struct Falls {
    view: hecs::PreparedQuery<&'static mut Fall>,
    moving: Vec<hecs::Entity>,
}

impl Falls {
    /// Starts tracking a piece whose `Fall` offset was just raised above zero.
    pub fn start(&mut self, entity: hecs::Entity) {
        self.moving.push(entity);
    }

    pub fn is_empty(&self) -> bool {
        self.moving.is_empty()
    }

    /// The entities in motion, in no particular order.
    pub fn moving(&self) -> &[hecs::Entity] {
        &self.moving
    }

    /// Advances every moving piece one tick: speed grows by gravity up to the maximum, the
    /// height shrinks by the speed, and a piece that reaches its slot stops. Returns how many
    /// still fall.
    pub fn advance(&mut self, world: &mut hecs::World, motion: &Motion) -> usize {
        let gravity = i32::from(motion.gravity_units);
        let speed_max = i32::from(motion.fall_speed_max_units);
        let mut view = self.view.view_mut(world);
        self.moving.retain(|&entity| {
            let Some(fall) = view.get_mut(entity) else {
                return false;
            };
            fall.velocity_units = (fall.velocity_units + gravity).min(speed_max);
            fall.offset_units = (fall.offset_units - fall.velocity_units).max(0);
            if fall.offset_units == 0 {
                fall.velocity_units = 0;
            }
            fall.offset_units > 0
        });
        self.moving.len()
    }
}
