//! Bot players and the driver that turns their play into recorded sessions.
//!
//! Bots live outside the simulation: they read a [`Game`], pick an [`Action`], and use their own
//! RNG, never the game's. The driver stamps their actions with ticks (after a think time drawn
//! from the bot's RNG) and returns the input log, which [`game_core::replay`] reproduces exactly.

pub mod driver;
pub mod match3;
pub mod merge;
pub mod stack;

use game_core::{Action, Game, Level, LevelGame, Pcg32, ReplayError, SESSION_TICKS_MAX};

pub use driver::{play, play_live, play_live_spaced, play_spaced, Pacing, Recording};

/// A player that picks an action for a game that accepts input.
pub trait Bot {
    /// Short stable name, used in reports.
    fn name(&self) -> &'static str;
    /// Picks the next action, or `None` to stop playing. Called only when
    /// `game.accepts_input()`; the action must be legal at that point.
    fn choose(&mut self, game: &Game, rng: &mut Pcg32) -> Option<Action>;
}

/// The bots for `level`'s game mode, weakest first: match-3 random, greedy, two-move lookahead;
/// merge-drop random, heuristic.
pub fn ladder(level: &Level) -> Vec<Box<dyn Bot>> {
    match level.game {
        LevelGame::Match3(_) => vec![
            Box::new(match3::RandomBot),
            Box::new(match3::GreedyBot),
            Box::new(match3::LookaheadBot::default()),
        ],
        LevelGame::MergeDrop(_) => vec![Box::new(merge::RandomBot), Box::new(merge::HeuristicBot)],
    }
}

/// The bot that plays uniformly random legal actions in `level`'s game mode.
pub fn random_bot(level: &Level) -> Box<dyn Bot> {
    ladder(level).swap_remove(0)
}

/// A whole session (up to [`SESSION_TICKS_MAX`]) of [`random_bot`] on `level` at `pacing`: the
/// played game that tests, fixtures and traffic generators start from.
pub fn play_random(
    level: &Level,
    seed: u64,
    pacing: Pacing,
    bot_seed: u64,
) -> Result<Recording, ReplayError> {
    play(
        level,
        seed,
        random_bot(level).as_mut(),
        pacing,
        bot_seed,
        SESSION_TICKS_MAX,
    )
}

/// A competent player that thinks one move ahead: greedy for match-3, heuristic for
/// merge-drop. Benchmarks and demos use it.
pub fn standard_bot(level: &Level) -> Box<dyn Bot> {
    match level.game {
        LevelGame::Match3(_) => Box::new(match3::GreedyBot),
        LevelGame::MergeDrop(_) => Box::new(merge::HeuristicBot),
    }
}

/// The strongest bot available for `level`'s game mode.
pub fn strongest_bot(level: &Level) -> Box<dyn Bot> {
    ladder(level).pop().expect("every mode has bots")
}
