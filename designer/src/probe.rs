//! The playability probe: a few seeded games by the level's strongest bot, for what no static
//! rule can decide. A level whose every probe game ends before a single action is an error;
//! one the strongest bot never passes is a warning (a few games are evidence, not proof:
//! `playproof tune` measures pass rates, and warns of star thresholds no bot reaches).

use std::path::Path;

use game_core::{Game, Level, Pcg32, Phase, SESSION_TICKS_MAX};
use playproof_bots::strongest_bot;

use crate::check::Finding;
use crate::json_position::locate;

/// Games per level the probe plays by default: enough to see a level that never works, few
/// enough that `levels check` stays interactive (the shipped pack: about a second). The
/// hardest shipped level's strongest bot passes 55% of games; it loses 8 in a row 0.2% of the
/// time, so the never-passed warning is rarely a false alarm.
pub const PROBE_GAMES_DEFAULT: u32 = 8;

/// How a probe game went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProbeGame {
    pub actions: u32,
    pub score: u32,
    pub passed: bool,
}

/// Plays one game with the strongest bot, acting as soon as input is accepted. No recording:
/// the probe reads the live game, which is the same deterministic game a replay would give.
pub fn probe_game(level: &Level, seed: u64) -> ProbeGame {
    let mut bot = strongest_bot(level);
    let mut game = Game::new(level, seed);
    let mut rng = Pcg32::new(seed ^ 0x9e37_79b9_7f4a_7c15, 0x9b0e);
    let mut actions = 0;
    while game.phase() == Phase::Playing && game.tick() < SESSION_TICKS_MAX {
        if game.accepts_input() {
            let Some(action) = bot.choose(&game, &mut rng) else {
                break;
            };
            if game.apply(action).is_ok() {
                actions += 1;
            }
        }
        game.step();
    }
    ProbeGame {
        actions,
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
    let mut findings = Vec::new();
    if results.iter().all(|game| game.actions == 0) {
        findings.push(
            Finding::error(
                file,
                locate(text, "game"),
                "game",
                format!(
                    "found {games} of {games} probe games over before a single move; allowed: a level the player can act on"
                ),
            )
            .check("never-playable"),
        );
        return findings;
    }
    let best = results.iter().map(|game| game.score).max().unwrap_or(0);
    if !results.iter().any(|game| game.passed) {
        findings.push(
            Finding::warning(
                file,
                locate(text, "game"),
                "game",
                format!(
                    "the {bot} bot passed none of {games} probe games (best score {best}); run `playproof tune` to measure the pass rate"
                ),
            )
            .check("probe-never-passed"),
        );
    }
    findings
}
