//! PlayProof's deterministic game core.
//!
//! A session's outcome is a pure function of `(RULES_VERSION, level, seed, inputs)`, bit-identical
//! on every target (see `docs/DETERMINISM.md`). This crate reads no clock, does no I/O, spawns no
//! threads and holds no global state; it builds for `wasm32v1-none` (no_std + alloc).
//!
//! Entry points: [`Level::from_json`] to load a level, [`Game`] to play one tick at a time, and
//! [`replay()`] to run a recorded input log to its end.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod game;
pub mod kernel;
pub mod level;
pub mod match3;
pub mod merge;
pub mod physics;
pub mod replay;
pub mod rules;

pub use game::{Game, Phase};
pub use kernel::event::Event;
pub use kernel::hash::StateHasher;
pub use kernel::input::{Action, Cell, Direction, Input, Refusal};
pub use kernel::rng::Pcg32;
pub use kernel::tick::{CHECKPOINT_INTERVAL_TICKS, SESSION_TICKS_MAX, TICK_HZ};
pub use level::{Level, LevelError, LevelGame, Problem};
pub use replay::{
    replay, replay_inspected, replay_observed, replay_reactions, Checkpoint, ReplayError,
    ReplayOutcome,
};
pub use rules::RULES_VERSION;
