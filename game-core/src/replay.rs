//! The replay entry point: run a recorded input log to the end of the game.
//!
//! The server's verifier, the golden replays, the cross-target test and the bots' recordings all
//! go through [`replay_observed`], so there is exactly one definition of "what this log scores".

use alloc::vec::Vec;

use crate::game::{Game, Phase, STILL_LANES};
use crate::kernel::event::Event;
use crate::kernel::input::{Input, Refusal};
use crate::kernel::tick::{CHECKPOINT_INTERVAL_TICKS, SESSION_TICKS_MAX};
use crate::level::Level;

/// A state hash taken after tick `tick - 1` was simulated (i.e. when `tick` ticks have run).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub tick: u32,
    pub hash: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayOutcome {
    pub score: u32,
    pub stars: u8,
    /// Ticks simulated in all.
    pub ticks: u32,
    /// True when the game reached its end (out of moves, time or space); false when the log
    /// simply stopped and the board came to rest.
    pub finished: bool,
    /// True when the level's objectives were met.
    pub passed: bool,
    pub final_hash: u64,
    /// One hash every [`CHECKPOINT_INTERVAL_TICKS`] ticks.
    pub checkpoints: Vec<Checkpoint>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error(
        "input {index} is at tick {tick}, before tick {now} which the game had already reached"
    )]
    InputOutOfOrder { index: u32, tick: u32, now: u32 },
    #[error("input {index} at tick {tick} comes after the game ended")]
    InputAfterGameOver { index: u32, tick: u32 },
    #[error("input {index} at tick {tick} was refused: {refusal}")]
    Refused {
        index: u32,
        tick: u32,
        refusal: Refusal,
    },
    #[error("the session did not end within {max} ticks", max = SESSION_TICKS_MAX)]
    TooLong,
}

impl ReplayError {
    /// Stable machine-readable reason code.
    pub fn code(&self) -> &'static str {
        match self {
            ReplayError::InputOutOfOrder { .. } => "input_out_of_order",
            ReplayError::InputAfterGameOver { .. } => "input_after_game_over",
            ReplayError::Refused { .. } => "input_refused",
            ReplayError::TooLong => "session_too_long",
        }
    }
}

/// Replays `inputs` on `level` with `seed` to the end of the game.
pub fn replay(level: &Level, seed: u64, inputs: &[Input]) -> Result<ReplayOutcome, ReplayError> {
    replay_observed(level, seed, inputs, |_, _| {})
}

/// [`replay`], calling `observe(tick, events)` after each simulated tick that produced events.
///
/// Quiet ticks (a stable match-3 board waiting for its next swap, the countdowns of a swap and
/// a clear, pieces falling before the last one lands) are crossed at once by
/// [`Game::skip_quiet`], up to the next input or checkpoint, and a still board's checkpoints
/// before the next input are hashed side by side ([`Game::still_state_hashes`]): the outcome,
/// every checkpoint hash and every observed event are those of stepping tick by tick.
///
/// The game runs until it finishes, or until the log is exhausted and the mode is quiescent.
/// Every input must be legal at its tick; the first one that is not ends the replay with an
/// error, as does an input stamped after the game ended.
pub fn replay_observed(
    level: &Level,
    seed: u64,
    inputs: &[Input],
    observe: impl FnMut(u32, &[Event]),
) -> Result<ReplayOutcome, ReplayError> {
    replay_inner::<false>(level, seed, inputs, observe, &mut Vec::new(), |_, _| {})
}

/// [`replay`], also returning each input's reaction time in ticks: how long the game had been
/// accepting input (match-3: the board stable; merge-drop: the drop cooldown over) when the
/// input arrived. The server's risk signals read them; the outcome is that of [`replay`].
pub fn replay_reactions(
    level: &Level,
    seed: u64,
    inputs: &[Input],
) -> Result<(ReplayOutcome, Vec<u32>), ReplayError> {
    replay_inspected(level, seed, inputs, |_, _| {})
}

/// [`replay_reactions`], also showing `inspect` the game just before each input is applied
/// (a reader of play quality compares the input with what a bot would have chosen there).
pub fn replay_inspected(
    level: &Level,
    seed: u64,
    inputs: &[Input],
    inspect: impl FnMut(&Game, &Input),
) -> Result<(ReplayOutcome, Vec<u32>), ReplayError> {
    let mut reactions = Vec::with_capacity(inputs.len());
    let outcome = replay_inner::<true>(level, seed, inputs, |_, _| {}, &mut reactions, inspect)?;
    Ok((outcome, reactions))
}

fn replay_inner<const TIME_INPUTS: bool>(
    level: &Level,
    seed: u64,
    inputs: &[Input],
    mut observe: impl FnMut(u32, &[Event]),
    reactions: &mut Vec<u32>,
    mut inspect: impl FnMut(&Game, &Input),
) -> Result<ReplayOutcome, ReplayError> {
    let mut game = Game::new(level, seed);
    let mut checkpoints = Vec::new();
    let mut next_input = 0usize;
    // The tick since which the game has accepted input without receiving any.
    let mut ready_since: Option<u32> = None;
    loop {
        let now = game.tick();
        if TIME_INPUTS && ready_since.is_none() && game.accepts_input() {
            ready_since = Some(now);
        }
        while let Some(input) = inputs.get(next_input) {
            if input.tick > now {
                break;
            }
            let index = next_input as u32;
            if input.tick < now {
                return Err(ReplayError::InputOutOfOrder {
                    index,
                    tick: input.tick,
                    now,
                });
            }
            if let Phase::Finished { .. } = game.phase() {
                return Err(ReplayError::InputAfterGameOver {
                    index,
                    tick: input.tick,
                });
            }
            if TIME_INPUTS {
                inspect(&game, input);
            }
            game.apply(input.action)
                .map_err(|refusal| ReplayError::Refused {
                    index,
                    tick: input.tick,
                    refusal,
                })?;
            if TIME_INPUTS {
                reactions.push(now - ready_since.take().unwrap_or(now));
            }
            next_input += 1;
        }
        let log_done = next_input == inputs.len();
        let finished = matches!(game.phase(), Phase::Finished { .. });
        if (finished && game.is_quiescent()) || (log_done && game.is_quiescent()) {
            if let Some(input) = inputs.get(next_input) {
                return Err(ReplayError::InputAfterGameOver {
                    index: next_input as u32,
                    tick: input.tick,
                });
            }
            break;
        }
        if now >= SESSION_TICKS_MAX {
            return Err(ReplayError::TooLong);
        }
        let quiet = game.quiet_ticks();
        let next_input_tick = inputs
            .get(next_input)
            .map_or(SESSION_TICKS_MAX, |input| input.tick)
            .min(SESSION_TICKS_MAX);
        let next_checkpoint = (now / CHECKPOINT_INTERVAL_TICKS + 1) * CHECKPOINT_INTERVAL_TICKS;
        if quiet == u32::MAX && next_checkpoint + CHECKPOINT_INTERVAL_TICKS <= next_input_tick {
            // Still until the next input, past two checkpoints or more: only the tick differs
            // between their states, so they are hashed side by side, then crossed at once.
            let mut tick = next_checkpoint;
            while tick <= next_input_tick {
                let ticks: [u32; STILL_LANES] = core::array::from_fn(|lane| {
                    (tick + lane as u32 * CHECKPOINT_INTERVAL_TICKS).min(next_input_tick)
                });
                let hashes = game.still_state_hashes(ticks).expect("a still game");
                for (&tick, hash) in ticks.iter().zip(hashes) {
                    if tick.is_multiple_of(CHECKPOINT_INTERVAL_TICKS)
                        && checkpoints
                            .last()
                            .is_none_or(|last: &Checkpoint| last.tick < tick)
                    {
                        checkpoints.push(Checkpoint { tick, hash });
                    }
                }
                tick += STILL_LANES as u32 * CHECKPOINT_INTERVAL_TICKS;
            }
            game.skip_quiet(next_input_tick - now);
            continue;
        }
        if quiet > 0 {
            // Nothing happens but counters and closed-form falls: cross the quiet ticks at
            // once, stopping at the next input or checkpoint (quiet ticks have no events).
            let until = next_input_tick.min(next_checkpoint);
            game.skip_quiet((until - now).min(quiet));
        } else {
            let events = game.step();
            if !events.is_empty() {
                observe(now, events);
            }
        }
        if game.tick().is_multiple_of(CHECKPOINT_INTERVAL_TICKS) {
            checkpoints.push(Checkpoint {
                tick: game.tick(),
                hash: game.state_hash(),
            });
        }
    }
    let passed = matches!(game.phase(), Phase::Finished { passed: true });
    Ok(ReplayOutcome {
        score: game.score(),
        stars: game.stars(),
        ticks: game.tick(),
        finished: matches!(game.phase(), Phase::Finished { .. }),
        passed,
        final_hash: game.state_hash(),
        checkpoints,
    })
}
