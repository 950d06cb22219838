//! The playability probe: a few seeded games by the level's strongest bot, for what no static
//! rule can decide. The bot acts at the pace `playproof tune` uses ([`bot_pacing`]), so the
//! probe and the tuning report speak of the same player.
//!
//! ```text
//! games ── all over before a single action? ── error [never-playable]
//!       ── none passed? ── warning [probe-never-passed] (the stars wait: passing comes first)
//!       ── a star threshold far above the best score? ── warning [star-out-of-reach]
//! ```
//! A few games are evidence, not proof: `playproof tune` measures pass rates and star shares.

use std::path::Path;

use game_core::{Level, Phase, SESSION_TICKS_MAX, TICK_HZ};
use playproof_bots::{play_live, strongest_bot, Pacing};

use crate::check::Finding;
use crate::json_position::locate;
use crate::tune::bot_pacing;

/// Games per level the probe plays by default: enough to see a level that never works and a
/// star threshold out of reach, few enough that `levels check` of the shipped pack takes a few
/// seconds. The hardest shipped level's strongest bot passes 55% of games; it loses 16 in a
/// row about once in 350,000 runs, so the never-passed warning is not a false alarm in practice.
pub const PROBE_GAMES_DEFAULT: u32 = 16;

/// A star threshold more than this share above the best probe score is reported out of reach.
///
/// Measured with `cargo run --release -p playproof-designer --example star_reach` (640 games
/// of the strongest bot on each shipped level at the probe's pace, cut into 40 runs of 16): of
/// the 48 thresholds, every one that any game reached was at most 45% above the best of every
/// run (the closest: m3-09-fireworks' 15000, reached by 9 games, 1.45 times the lowest run's
/// best), so a threshold flagged by any run was reached by none of the 640 games. The
/// three-star thresholds the merge-drop levels shipped with, 1.7 to 2.1 times the best of the
/// 640 games, were flagged by all 40 runs. A margin on the ratio rather than on the spread of
/// scores was chosen after trying both on an earlier run of the same size: a spread margin
/// (best plus three times best minus median) missed md-03-moon's old 1300 in 7 of 40 runs and
/// flagged a threshold 5 games in 640 reached, because match-3 scores have long upper tails
/// (cascades, colour bombs) and merge-drop scores have short ones.
pub const STAR_REACH_MARGIN_PERCENT: u32 = 50;

/// How a probe game went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProbeGame {
    pub actions: u32,
    pub score: u32,
    pub passed: bool,
}

/// Plays one game with the strongest bot at the tuning pace. No recording: the probe reads
/// the live game, which is the same deterministic game a replay would give.
pub fn probe_game(level: &Level, seed: u64) -> ProbeGame {
    let mut bot = strongest_bot(level);
    let (game, inputs) = play_live(
        level,
        seed,
        bot.as_mut(),
        bot_pacing(level),
        seed ^ 0x9e37_79b9_7f4a_7c15,
        SESSION_TICKS_MAX,
    );
    ProbeGame {
        actions: inputs.len() as u32,
        score: game.score(),
        passed: matches!(game.phase(), Phase::Finished { passed: true }),
    }
}

/// Probes a valid level (`text` is its file, for positions) and returns what it found.
pub fn probe(file: &Path, text: &str, level: &Level, games: u32, seed: u64) -> Vec<Finding> {
    if games == 0 {
        return Vec::new();
    }
    let results: Vec<ProbeGame> = (0..u64::from(games))
        .map(|game| probe_game(level, seed.wrapping_add(game)))
        .collect();
    let bot = strongest_bot(level).name();
    let at = |path: &str| locate(text, path);
    if results.iter().all(|game| game.actions == 0) {
        return vec![Finding::error(
            file,
            at("game"),
            "game",
            format!(
                "found {games} of {games} probe games over before a single move; allowed: a level the player can act on"
            ),
        )
        .check("never-playable")];
    }
    let best = results.iter().map(|game| game.score).max().unwrap_or(0);
    if !results.iter().any(|game| game.passed) {
        return vec![Finding::warning(
            file,
            at("game"),
            "game",
            format!(
                "the {bot} bot passed none of {games} probe games (best score {best}); run `playproof tune` to measure the pass rate"
            ),
        )
        .check("probe-never-passed")];
    }
    let reach_max = u64::from(best) * u64::from(100 + STAR_REACH_MARGIN_PERCENT) / 100;
    let pace = pace_words(bot_pacing(level));
    level
        .game
        .star_thresholds()
        .iter()
        .enumerate()
        .filter(|(_, &threshold)| u64::from(threshold) > reach_max)
        .map(|(index, threshold)| {
            let path = format!("game.{}.stars[{index}]", level.game.mode_name());
            Finding::warning(
                file,
                at(&path),
                &path,
                format!(
                    "found {threshold}, more than {STAR_REACH_MARGIN_PERCENT}% above the best score of the {bot} bot in {games} probe games ({best}{pace}); allowed: at most {reach_max}, or run `playproof tune` to see whether any bot reaches it"
                ),
            )
            .check("star-out-of-reach")
        })
        .collect()
}

/// The bot's pace as a designer reads it: nothing for instant play, else the think time.
fn pace_words(pacing: Pacing) -> String {
    if pacing.think_ticks_max == 0 {
        return String::new();
    }
    let seconds = |ticks: u32| f64::from(ticks) / f64::from(TICK_HZ);
    format!(
        ", acting every {} to {} s like a person",
        seconds(pacing.think_ticks_min),
        seconds(pacing.think_ticks_max)
    )
}
