//! Bot players and the driver that turns their play into recorded sessions.
//!
//! Bots live outside the simulation: they read a [`Game`], pick an [`Action`], and use their own
//! RNG, never the game's. The driver stamps their actions with ticks (after a think time drawn
//! from the bot's RNG) and returns the input log, which [`game_core::replay`] reproduces exactly.

pub mod driver;
pub mod match3;
pub mod merge;

use game_core::{Action, Game, Pcg32};

pub use driver::{play, Pacing, Recording};

/// A player that picks an action for a game that accepts input.
pub trait Bot {
    /// Short stable name, used in reports.
    fn name(&self) -> &'static str;
    /// Picks the next action, or `None` to stop playing. Called only when
    /// `game.accepts_input()`; the action must be legal at that point.
    fn choose(&mut self, game: &Game, rng: &mut Pcg32) -> Option<Action>;
}

/// A bot that plays uniformly random legal actions in `level`'s game mode.
pub fn random_bot(level: &game_core::Level) -> Box<dyn Bot> {
    match level.game {
        game_core::LevelGame::Match3(_) => Box::new(match3::RandomBot),
        game_core::LevelGame::MergeDrop(_) => Box::new(merge::RandomBot),
    }
}

/// The strongest bot available for `level`'s game mode.
pub fn strongest_bot(level: &game_core::Level) -> Box<dyn Bot> {
    match level.game {
        game_core::LevelGame::Match3(_) => Box::new(match3::RandomBot),
        game_core::LevelGame::MergeDrop(_) => Box::new(merge::HeuristicBot),
    }
}
