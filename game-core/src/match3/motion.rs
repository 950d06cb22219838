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
    /// Downward speed, in units per tick; never negative.
    pub velocity_units: i32,
}

impl Fall {
    /// One tick of falling: speed grows by gravity up to the maximum, the height shrinks by the
    /// speed, and a piece that reaches its slot stops.
    #[inline]
    pub fn step(self, motion: &Motion) -> Fall {
        let velocity_units = (self.velocity_units + i32::from(motion.gravity_units))
            .min(i32::from(motion.fall_speed_max_units));
        let offset_units = (self.offset_units - velocity_units).max(0);
        Fall {
            offset_units,
            velocity_units: if offset_units == 0 { 0 } else { velocity_units },
        }
    }

    /// How many [`Fall::step`]s bring this piece to its slot: 0 at rest.
    pub fn ticks_to_land(self, motion: &Motion) -> u32 {
        if self.offset_units <= 0 {
            return 0;
        }
        let schedule = Schedule::of(self, motion);
        let offset = i64::from(self.offset_units);
        if schedule.distance(schedule.accelerating) >= offset {
            // Still accelerating when it lands: the first tick whose distance reaches the
            // offset, found by bisection over the (increasing) accelerating ticks.
            let (mut low, mut high) = (1, schedule.accelerating);
            while low < high {
                let middle = low + (high - low) / 2;
                if schedule.distance(middle) >= offset {
                    high = middle;
                } else {
                    low = middle + 1;
                }
            }
            high as u32
        } else {
            let left = offset - schedule.distance(schedule.accelerating);
            (schedule.accelerating + (left + schedule.speed_max - 1) / schedule.speed_max) as u32
        }
    }

    /// The motion after `ticks` [`Fall::step`]s, in O(1): the height lost is a sum of speeds
    /// that grow by gravity up to the maximum (see [`Schedule`]), and a piece that reaches its
    /// slot stops there.
    pub fn advanced(self, ticks: u32, motion: &Motion) -> Fall {
        if ticks == 0 {
            return self;
        }
        let schedule = Schedule::of(self, motion);
        let ticks = i64::from(ticks);
        let offset_units = i64::from(self.offset_units) - schedule.distance(ticks);
        if offset_units <= 0 {
            return Fall::default();
        }
        let velocity_units = (schedule.velocity + ticks * schedule.gravity).min(schedule.speed_max);
        Fall {
            offset_units: offset_units as i32,
            velocity_units: velocity_units as i32,
        }
    }
}

/// The speeds of a falling piece tick after tick, `min(v + i * g, speed_max)` for tick `i`
/// from 1, in `i64` so no sum of them can overflow.
struct Schedule {
    velocity: i64,
    gravity: i64,
    speed_max: i64,
    /// Ticks whose speed is still below the maximum.
    accelerating: i64,
}

impl Schedule {
    fn of(fall: Fall, motion: &Motion) -> Schedule {
        let velocity = i64::from(fall.velocity_units);
        let gravity = i64::from(motion.gravity_units).max(1);
        let speed_max = i64::from(motion.fall_speed_max_units).max(1);
        Schedule {
            velocity,
            gravity,
            speed_max,
            accelerating: (speed_max - 1 - velocity).max(0) / gravity,
        }
    }

    /// Height lost over the first `ticks` ticks, were the piece not to land.
    fn distance(&self, ticks: i64) -> i64 {
        let rising = ticks.min(self.accelerating);
        rising * self.velocity
            + self.gravity * rising * (rising + 1) / 2
            + (ticks - rising) * self.speed_max
    }
}

/// The pieces in motion: their entities, and a prepared view of their [`Fall`] components.
///
/// Only moving pieces are visited each tick, through a prepared query that allocates only when
/// the world gains an archetype, so a falling tick costs a few nanoseconds per moving piece. The
/// list's order never matters: each piece's update reads nothing but its own motion.
///
/// A replay crosses the ticks before the last landing at once ([`Falls::advance_by`]): they
/// are only counted, and the next [`Falls::advance`] applies them all with [`Fall::advanced`].
/// Meanwhile the components lag behind by [`Falls::lag_ticks`], and readers see the motion
/// through [`Falls::current`].
#[derive(Default)]
pub struct Falls {
    view: hecs::PreparedQuery<&'static mut Fall>,
    moving: Vec<hecs::Entity>,
    /// Ticks crossed by `advance_by` that the moving pieces' components do not show yet.
    lag_ticks: u32,
    /// Ticks from now until the last moving piece lands; 0 when none moves.
    last_landing_ticks: u32,
}

impl Falls {
    /// Starts tracking a piece whose `Fall` offset was just raised above zero to `fall`.
    pub fn start(&mut self, entity: hecs::Entity, fall: Fall, motion: &Motion) {
        debug_assert_eq!(self.lag_ticks, 0, "pieces start falling on a stepped tick");
        self.moving.push(entity);
        self.last_landing_ticks = self.last_landing_ticks.max(fall.ticks_to_land(motion));
    }

    pub fn is_empty(&self) -> bool {
        self.moving.is_empty()
    }

    /// The entities in motion, in no particular order. Some may have landed during the lag;
    /// [`Falls::current`] tells.
    pub fn moving(&self) -> &[hecs::Entity] {
        &self.moving
    }

    /// Ticks the moving pieces' components are behind.
    pub fn lag_ticks(&self) -> u32 {
        self.lag_ticks
    }

    /// The motion now of a piece whose component reads `fall` (a piece at rest stays at rest).
    pub fn current(&self, fall: Fall, motion: &Motion) -> Fall {
        fall.advanced(self.lag_ticks, motion)
    }

    /// Advances every moving piece one tick ([`Fall::step`]), after the ticks crossed since
    /// the last call. Returns how many still fall.
    pub fn advance(&mut self, world: &mut hecs::World, motion: &Motion) -> usize {
        let ticks = core::mem::take(&mut self.lag_ticks) + 1;
        let mut view = self.view.view_mut(world);
        self.moving.retain(|&entity| {
            let Some(fall) = view.get_mut(entity) else {
                return false;
            };
            *fall = if ticks == 1 {
                fall.step(motion)
            } else {
                fall.advanced(ticks, motion)
            };
            fall.offset_units > 0
        });
        self.last_landing_ticks = if self.moving.is_empty() {
            0
        } else {
            self.last_landing_ticks.saturating_sub(ticks)
        };
        self.moving.len()
    }

    /// Ticks before the last moving piece lands (on that tick the move resolves its next
    /// wave): [`Falls::advance_by`] may stand in for up to this many calls of
    /// [`Falls::advance`].
    pub fn ticks_before_landing(&self) -> u32 {
        (self.last_landing_ticks.saturating_sub(self.lag_ticks)).saturating_sub(1)
    }

    /// `ticks` calls of [`Falls::advance`] in O(1), for `ticks` up to
    /// [`Falls::ticks_before_landing`]: the ticks are counted, and applied by the next
    /// `advance`.
    ///
    /// Panics past the last landing.
    pub fn advance_by(&mut self, ticks: u32) {
        assert!(
            ticks <= self.ticks_before_landing(),
            "advance_by past the last landing"
        );
        self.lag_ticks += ticks;
    }
}
