//! `scaling`: how replay cost grows with session length (3, 10, 30 minutes, both modes) and
//! with the number of merge-drop bodies in play (20, 60, 100, 200), in one table, beside one
//! Ed25519 signature check measured in the same run.

use anyhow::Result;

use crate::peer::{ed25519_verify, micros};
use crate::sessions::{game_time, match3_sessions, merge_session, replay_cost, Session};

/// Session lengths, in minutes of game time.
const MINUTES: [u32; 3] = [3, 10, 30];
/// Merge-drop bodies held, at 3 minutes.
const BODY_COUNTS: [u32; 4] = [20, 60, 100, 200];
/// Bodies held while the merge-drop session length varies: the budget's case.
const BODIES_FOR_LENGTH: u32 = 60;
/// Match-3 sessions per shipped level at each length.
const MATCH3_SEEDS: u64 = 3;
/// Timed passes; the fastest is kept.
const PASSES: u32 = 3;

pub fn run() -> Result<()> {
    println!("replay cost against session length and bodies in play, one core, fastest of {PASSES} passes");
    println!("peer: one Ed25519 verify_strict, measured before and after each row's replays (the faster kept)\n");
    println!(
        "{:<10} | {:>7} | {:>6} | {:>8} | {:>9} | {:>12} | {:>9} | {:>10} | {:>9} | {:>13} | {:>10}",
        "mode",
        "minutes",
        "bodies",
        "sessions",
        "game time",
        "replay",
        "us/tick",
        "Ed25519 us",
        "x Ed25519",
        "peak heap KiB",
        "alloc KiB"
    );
    println!("{}", "-".repeat(131));
    for minutes in MINUTES {
        let sessions = match3_sessions(minutes, MATCH3_SEEDS)?;
        row("match3", minutes, None, &sessions)?;
    }
    for minutes in MINUTES {
        let sessions = vec![merge_session(BODIES_FOR_LENGTH, minutes, 1)?];
        row("merge_drop", minutes, Some(BODIES_FOR_LENGTH), &sessions)?;
    }
    for bodies in BODY_COUNTS.into_iter().filter(|&b| b != BODIES_FOR_LENGTH) {
        let sessions = vec![merge_session(bodies, 3, 1)?];
        row("merge_drop", 3, Some(bodies), &sessions)?;
    }
    println!("\nmatch3: greedy bot on every shipped level, moves spread over the session; merge_drop: the stacking player holding N bodies (see `bench merge`)");
    Ok(())
}

fn row(mode: &str, minutes: u32, bodies: Option<u32>, sessions: &[Session]) -> Result<()> {
    let before = ed25519_verify();
    let cost = replay_cost(sessions, PASSES)?;
    let peer = before.min(ed25519_verify());
    let per_replay_us = micros(cost.per_replay);
    let replay = if per_replay_us >= 10_000.0 {
        format!("{:.1} ms", per_replay_us / 1e3)
    } else {
        format!("{per_replay_us:.1} us")
    };
    println!(
        "{mode:<10} | {minutes:>7} | {:>6} | {:>8} | {:>9} | {replay:>12} | {:>9.3} | {:>10.1} | {:>9.1} | {:>13.0} | {:>10.1}",
        bodies.map_or("-".to_string(), |b| b.to_string()),
        sessions.len(),
        game_time(cost.ticks_mean),
        per_replay_us / cost.ticks_mean,
        micros(peer),
        per_replay_us / micros(peer),
        cost.peak_heap_bytes as f64 / 1024.0,
        cost.allocated_bytes as f64 / 1024.0,
    );
    Ok(())
}
