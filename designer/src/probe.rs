//! The playability probe: a few seeded games by the level's strongest bot, for what no static
//! rule can decide. The bot acts at the pace `playproof tune` uses ([`bot_pacing`]), so the
//! probe and the tuning report speak of the same player.
//!
//! ```text
//! games ── all over before a single action? ── error [never-playable]
//!       ── none passed? ── warning [probe-never-passed] (the stars wait: passing comes first)
//!       ── a star threshold far above the best score? ── warning [star-out-of-reach]
//!
//! games at the fastest legal pace ── paid more per play than the payout table's budget?
//!       ── error on the table [over-budget-at-fastest-pace]
//! ```
//! A few games are evidence, not proof: `playproof tune` measures pass rates and star shares.

use std::path::Path;

use game_core::{Level, Phase, SESSION_TICKS_MAX, TICK_HZ};
use playproof_bots::{play_live_spaced, strongest_bot, Pacing};
use playproof_payout::{Finish, PayoutTable};

use crate::check::Finding;
use crate::json_position::locate;
use crate::pace::{fastest_legal_pacing, fastest_pace_words, legal_input_interval_ticks};
use crate::stats::{mean_and_standard_error, percentile};
use crate::tune::{bot_pacing, FASTEST_PACE_BUDGET_RULE};

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
    pub stars: u8,
    pub passed: bool,
}

/// Plays one game with the strongest bot at the tuning pace. No recording: the probe reads
/// the live game, which is the same deterministic game a replay would give.
pub fn probe_game(level: &Level, seed: u64) -> ProbeGame {
    probe_game_at(level, seed, bot_pacing(level))
}

/// [`probe_game`] at `pacing`, inputs spaced as the verifier demands.
pub fn probe_game_at(level: &Level, seed: u64, pacing: Pacing) -> ProbeGame {
    let mut bot = strongest_bot(level);
    let (game, inputs) = play_live_spaced(
        level,
        seed,
        bot.as_mut(),
        pacing,
        legal_input_interval_ticks(),
        seed ^ 0x9e37_79b9_7f4a_7c15,
        SESSION_TICKS_MAX,
    );
    ProbeGame {
        actions: inputs.len() as u32,
        score: game.score(),
        stars: game.stars(),
        passed: matches!(game.phase(), Phase::Finished { passed: true }),
    }
}

/// A payout table as the probe checks it: its file and text (for positions), its parsed form.
#[derive(Clone, Copy)]
pub struct ProbedTable<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub table: &'a PayoutTable,
}

/// Plays `games` seeded games of `level`'s strongest bot at the fastest pace the verifier
/// accepts and reports the table if they are paid more per play, on average, than its
/// `budget_per_play_fen`. A table without a budget states no limit, so nothing is played.
pub fn probe_budget(level: &Level, paid: ProbedTable, games: u32, seed: u64) -> Option<Finding> {
    let budget_fen = paid.table.budget_per_play_fen?;
    if games == 0 {
        return None;
    }
    let results: Vec<ProbeGame> = (0..u64::from(games))
        .map(|game| probe_game_at(level, seed.wrapping_add(game), fastest_legal_pacing()))
        .collect();
    let payouts: Vec<i64> = results
        .iter()
        .map(|game| {
            paid.table.base_fen(Finish {
                score: game.score,
                stars: game.stars,
                passed: game.passed,
            })
        })
        .collect();
    let (mean_fen, standard_error_fen) = mean_and_standard_error(&payouts);
    if mean_fen <= budget_fen as f64 {
        return None;
    }
    let mut scores: Vec<u32> = results.iter().map(|game| game.score).collect();
    scores.sort_unstable();
    let median = percentile(&scores, 50);
    let bot = strongest_bot(level).name();
    let path = "budget_per_play_fen";
    let finding = Finding::error(
        paid.file,
        locate(paid.text, path),
        path,
        format!(
            "found {budget_fen}, but level {:?} pays the {bot} bot {mean_fen:.2} ± {standard_error_fen:.2} fen per play at the fastest pace the verifier accepts ({}; median score {median} in {games} probe games); allowed: a budget of at least {mean_fen:.2}, or tiers that pay such play at most {budget_fen} per play on average",
            level.id,
            fastest_pace_words()
        ),
    );
    Some(finding.check(FASTEST_PACE_BUDGET_RULE))
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
