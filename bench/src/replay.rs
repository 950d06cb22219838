//! `replay`: how fast the native core replays 3-minute sessions, per game mode, on one core.
//!
//! Sessions are recorded first by the mode's standard bot (greedy or heuristic) at human pace, capped at three
//! minutes of game time; only the replays are timed.

use std::time::Instant;

use anyhow::{Context, Result};
use game_core::{replay, Input, Level, TICK_HZ};
use playproof_bots::{play, standard_bot};

use crate::alloc_meter::measure;
use crate::levels::{shipped_levels, three_minute_pace, SESSION_TICKS};

/// Recorded sessions per game mode; the timed loop cycles through them.
const SESSIONS_PER_MODE: u64 = 64;
/// Each mode is replayed for at least this long.
const TIMED_SECONDS_MIN: f64 = 2.0;

pub fn run() -> Result<()> {
    let levels = shipped_levels()?;
    println!("native replay of 3-minute sessions, one core (greedy / heuristic bot, moves spread over three minutes)\n");
    println!(
        "{:<11} {:>8} {:>10} {:>12} {:>14} {:>13} {:>12} {:>10}",
        "mode",
        "sessions",
        "ticks/sess",
        "replays/s",
        "us/replay",
        "x real time",
        "alloc/replay",
        "budget"
    );
    for (mode, budget) in [("match3", "2000/s"), ("merge_drop", "<=180 ms")] {
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
        let ((), allocated_max, _) = measure(|| {
            for (level, seed, inputs, _) in &sessions {
                std::hint::black_box(
                    replay(level, *seed, inputs).expect("recorded sessions replay"),
                );
            }
        });
        let allocated_per_replay = allocated_max / sessions.len();
        let started = Instant::now();
        let mut replays = 0u64;
        while started.elapsed().as_secs_f64() < TIMED_SECONDS_MIN {
            for (level, seed, inputs, _) in &sessions {
                std::hint::black_box(
                    replay(level, *seed, inputs).expect("recorded sessions replay"),
                );
                replays += 1;
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let per_second = replays as f64 / seconds;
        let micros = 1e6 / per_second;
        let real_time = (ticks_mean as f64 / f64::from(TICK_HZ)) / (micros / 1e6);
        println!(
            "{mode:<11} {:>8} {ticks_mean:>10} {per_second:>12.0} {micros:>14.1} {real_time:>13.0} {:>11.1}K {budget:>10}",
            sessions.len(),
            allocated_per_replay as f64 / 1024.0
        );
    }
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
