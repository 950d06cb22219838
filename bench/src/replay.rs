//! `replay`: how fast the native core replays 3-minute sessions, per game mode, on one core.
//!
//! Sessions are recorded first by the mode's standard bot (greedy or heuristic) at human pace, capped at three
//! minutes of game time; only the replays are timed. The peer is one Ed25519 signature check
//! measured in the same run: the goal is a match-3 replay costing at most twice that.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use game_core::{replay, Input, Level, TICK_HZ};
use playproof_bots::{play, standard_bot};

use crate::alloc_meter::measure;
use crate::levels::{shipped_levels, three_minute_pace, SESSION_TICKS};
use crate::peer::{ed25519_verify_for, micros};

/// Recorded sessions per game mode; the timed loop cycles through them.
const SESSIONS_PER_MODE: u64 = 64;
/// Timed rounds per mode, each a peer measurement then replays, both for this long. Many
/// short rounds rather than a few long ones: on a shared machine the fastest short round is
/// the likeliest to have run undisturbed, for the replays and the peer alike.
const ROUNDS: u32 = 20;
const ROUND_SECONDS: f64 = 0.1;

pub fn run() -> Result<()> {
    let levels = shipped_levels()?;
    println!("native replay of 3-minute sessions, one core (greedy / heuristic bot, moves spread over three minutes)");
    println!("peer: one Ed25519 verify_strict of a proof-sized message, measured in turns with the replays (fastest of {ROUNDS} rounds each)\n");
    println!(
        "{:<11} {:>8} {:>10} {:>12} {:>11} {:>11} {:>10} {:>13} {:>9} {:>10} {:>16}",
        "mode",
        "sessions",
        "ticks/sess",
        "replays/s",
        "us/replay",
        "Ed25519 us",
        "x Ed25519",
        "x real time",
        "peak KiB",
        "alloc KiB",
        "budget (goal)"
    );
    for (mode, budget) in [
        ("match3", ">=2000/s (10000/s, <=2x)"),
        ("merge_drop", "<=180 ms"),
    ] {
        let chosen: Vec<&Level> = levels
            .iter()
            .map(|file| &file.level)
            .filter(|level| level.game.mode_name() == mode)
            .collect();
        if chosen.is_empty() {
            println!("{mode:<11} (no shipped levels)");
            continue;
        }
        let sessions = record(&chosen)?;
        let ticks_mean = sessions
            .iter()
            .map(|(_, _, _, ticks)| u64::from(*ticks))
            .sum::<u64>()
            / sessions.len() as u64;
        // Memory of one replay: bytes allocated in all (mean) and most bytes live at once
        // (largest over the sessions).
        let (mut allocated_total, mut peak_max) = (0, 0);
        for (level, seed, inputs, _) in &sessions {
            let (outcome, allocated, peak) = measure(|| replay(level, *seed, inputs));
            std::hint::black_box(outcome.context("a recorded session replays")?);
            allocated_total += allocated;
            peak_max = peak_max.max(peak);
        }
        let allocated_per_replay = allocated_total / sessions.len();
        // Replays and the peer take turns, and each keeps its fastest round: on a busy machine
        // both then see the same quiet moments, so their ratio holds still.
        let mut replay_best = f64::MAX;
        let mut peer_best = f64::MAX;
        for _ in 0..ROUNDS {
            peer_best = peer_best.min(micros(ed25519_verify_for(Duration::from_secs_f64(
                ROUND_SECONDS,
            ))));
            let started = Instant::now();
            let mut replays = 0u64;
            while started.elapsed().as_secs_f64() < ROUND_SECONDS {
                for (level, seed, inputs, _) in &sessions {
                    std::hint::black_box(
                        replay(level, *seed, inputs).expect("recorded sessions replay"),
                    );
                    replays += 1;
                }
            }
            replay_best = replay_best.min(started.elapsed().as_secs_f64() * 1e6 / replays as f64);
        }
        let per_second = 1e6 / replay_best;
        let real_time = (ticks_mean as f64 / f64::from(TICK_HZ)) / (replay_best / 1e6);
        println!(
            "{mode:<11} {:>8} {ticks_mean:>10} {per_second:>12.0} {replay_best:>11.1} {peer_best:>11.1} {:>10.2} {real_time:>13.0} {:>9.1} {:>10.1} {budget:>16}",
            sessions.len(),
            replay_best / peer_best,
            peak_max as f64 / 1024.0,
            allocated_per_replay as f64 / 1024.0
        );
    }
    println!("\npeak KiB = most bytes live at once in one replay (largest session); alloc KiB = bytes allocated in all by one replay (mean); budget (DESIGN.md §10): <= 1024 KiB allocated per replay");
    Ok(())
}

type Session<'a> = (&'a Level, u64, Vec<Input>, u32);

fn record<'a>(levels: &[&'a Level]) -> Result<Vec<Session<'a>>> {
    (0..SESSIONS_PER_MODE)
        .map(|index| {
            let level = levels[index as usize % levels.len()];
            let mut bot = standard_bot(level);
            let recording = play(
                level,
                1000 + index,
                bot.as_mut(),
                three_minute_pace(level),
                index,
                SESSION_TICKS,
            )
            .with_context(|| format!("recording {}", level.id))?;
            Ok((
                level,
                1000 + index,
                recording.inputs,
                recording.outcome.ticks,
            ))
        })
        .collect()
}
