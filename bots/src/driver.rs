//! Plays a bot through a session and records the input log.

use game_core::{
    replay, Game, Input, Level, Pcg32, Phase, ReplayError, ReplayOutcome, SESSION_TICKS_MAX,
};

use crate::Bot;

/// How long a bot "thinks" before each action, in ticks, drawn uniformly from the range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pacing {
    pub think_ticks_min: u32,
    pub think_ticks_max: u32,
}

impl Pacing {
    /// Human-like: 0.5 to 6 seconds per move.
    pub const HUMAN: Pacing = Pacing {
        think_ticks_min: 30,
        think_ticks_max: 360,
    };
    /// As fast as the rules allow: acts on the first tick input is accepted.
    pub const INSTANT: Pacing = Pacing {
        think_ticks_min: 0,
        think_ticks_max: 0,
    };
}

/// A recorded session: its input log and what it scored.
#[derive(Clone, Debug)]
pub struct Recording {
    pub inputs: Vec<Input>,
    pub outcome: ReplayOutcome,
}

impl Recording {
    /// The input log in its wire encoding, as a proof or a kept run carries it.
    pub fn input_log(&self) -> Vec<u8> {
        let mut log = Vec::new();
        game_core::kernel::input::encode_input_log(&self.inputs, &mut log);
        log
    }
}

/// Plays `bot` on `level` with game seed `seed` until the game ends, the bot stops, or the
/// session reaches `ticks_max`. `bot_seed` seeds the bot's own RNG (choices and think times).
///
/// The outcome comes from [`game_core::replay`] over the recorded log, so a recording is by
/// construction exactly what a verifier would compute.
pub fn play(
    level: &Level,
    seed: u64,
    bot: &mut dyn Bot,
    pacing: Pacing,
    bot_seed: u64,
    ticks_max: u32,
) -> Result<Recording, ReplayError> {
    let (_, inputs) = play_live(level, seed, bot, pacing, bot_seed, ticks_max);
    let outcome = replay(level, seed, &inputs)?;
    Ok(Recording { inputs, outcome })
}

/// [`play`] without the replay: the live game as the bot left it, and its input log. For
/// tools that only read the outcome (the level probe), at half the cost of a recording.
pub fn play_live(
    level: &Level,
    seed: u64,
    bot: &mut dyn Bot,
    pacing: Pacing,
    bot_seed: u64,
    ticks_max: u32,
) -> (Game, Vec<Input>) {
    play_live_spaced(level, seed, bot, pacing, 0, bot_seed, ticks_max)
}

/// [`play`] with inputs at least `interval_ticks_min` ticks apart, the spacing a verifier's
/// plausibility limit demands: with [`Pacing::INSTANT`], the fastest play it accepts.
pub fn play_spaced(
    level: &Level,
    seed: u64,
    bot: &mut dyn Bot,
    pacing: Pacing,
    interval_ticks_min: u32,
    bot_seed: u64,
    ticks_max: u32,
) -> Result<Recording, ReplayError> {
    let (_, inputs) = play_live_spaced(
        level,
        seed,
        bot,
        pacing,
        interval_ticks_min,
        bot_seed,
        ticks_max,
    );
    let outcome = replay(level, seed, &inputs)?;
    Ok(Recording { inputs, outcome })
}

/// [`play_live`] with inputs at least `interval_ticks_min` ticks apart (see [`play_spaced`]).
/// The think time runs from the tick the game first accepts input, as in [`play_live`]; the
/// spacing only ever delays an action further.
pub fn play_live_spaced(
    level: &Level,
    seed: u64,
    bot: &mut dyn Bot,
    pacing: Pacing,
    interval_ticks_min: u32,
    bot_seed: u64,
    ticks_max: u32,
) -> (Game, Vec<Input>) {
    assert!(pacing.think_ticks_min <= pacing.think_ticks_max);
    let ticks_max = ticks_max.min(SESSION_TICKS_MAX);
    let mut game = Game::new(level, seed);
    let mut rng = Pcg32::new(bot_seed, 0xb07);
    let mut inputs = Vec::new();
    let mut ready_at = None;
    while game.phase() == Phase::Playing && game.tick() < ticks_max {
        if game.accepts_input() {
            let now = game.tick();
            let spaced_from = inputs.last().map_or(0, |last: &Input| {
                last.tick.saturating_add(interval_ticks_min)
            });
            let due = *ready_at.get_or_insert_with(|| {
                now + rng.between(pacing.think_ticks_min, pacing.think_ticks_max)
            });
            let due = due.max(spaced_from);
            if now >= due {
                ready_at = None;
                let Some(action) = bot.choose(&game, &mut rng) else {
                    break;
                };
                game.apply(action).unwrap_or_else(|refusal| {
                    panic!("bot {} chose an illegal action: {refusal}", bot.name())
                });
                inputs.push(Input { tick: now, action });
            }
        }
        game.step();
    }
    (game, inputs)
}
