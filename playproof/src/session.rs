//! What `play` and `demo` share: loading a level file, advancing a game until it wants input,
//! and checking a finished session against a fresh replay of its input log.

use std::path::Path;

use crate::output::outln;
use anyhow::{bail, Context, Result};
use game_core::{replay, Game, Input, Level, Phase, SESSION_TICKS_MAX};

pub fn load_level(path: &Path) -> Result<Level> {
    let bytes =
        std::fs::read(path).with_context(|| format!("reading level file {}", path.display()))?;
    Level::from_json(&bytes).with_context(|| format!("level file {} is not valid", path.display()))
}

/// Steps until the game accepts input or is over (or hits the session limit).
pub fn run_until_input(game: &mut Game) {
    while game.tick() < SESSION_TICKS_MAX && game.phase() == Phase::Playing && !game.accepts_input()
    {
        game.step();
    }
}

/// Steps a finished or abandoned game until nothing moves, as the replay does.
pub fn run_to_rest(game: &mut Game) {
    while game.tick() < SESSION_TICKS_MAX && !game.is_quiescent() {
        game.step();
    }
}

/// Replays `inputs` from scratch and checks that score, ticks and final hash equal the live game's.
pub fn check_replay(level: &Level, seed: u64, inputs: &[Input], live: &Game) -> Result<()> {
    let outcome = replay(level, seed, inputs).context("replaying the recorded inputs")?;
    let live_hash = live.state_hash();
    outln!(
        "replay: {} inputs, {} ticks, score {}, {} star(s), final hash {:016x}",
        inputs.len(),
        outcome.ticks,
        outcome.score,
        outcome.stars,
        outcome.final_hash
    )?;
    if (outcome.score, outcome.ticks, outcome.final_hash) != (live.score(), live.tick(), live_hash)
    {
        bail!(
            "the replay differs from the live game: live score {} at tick {} hash {live_hash:016x}",
            live.score(),
            live.tick()
        );
    }
    outln!("replay: identical to the live game (this is what the server will compute)")?;
    Ok(())
}
