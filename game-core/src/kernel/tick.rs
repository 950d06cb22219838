//! Simulation time. The simulation advances in fixed ticks; rendering interpolates between them
//! and never feeds back.

/// Simulation ticks per second of game time.
pub const TICK_HZ: u32 = 60;

/// A checkpoint hash is taken whenever the tick count is a multiple of this (once per second).
pub const CHECKPOINT_INTERVAL_TICKS: u32 = TICK_HZ;

/// Longest session the core will simulate: 30 minutes. Bounds every replay loop and the
/// checkpoint list (1,800 entries at most).
pub const SESSION_TICKS_MAX: u32 = 30 * 60 * TICK_HZ;
