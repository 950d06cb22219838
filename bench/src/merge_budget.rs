//! `merge`: merge-drop replay at the budget's size. Three-minute sessions that keep 60 and 100
//! bodies in play (the stacking player refills the pile as merges shrink it), replayed on one
//! core: time per session and per tick, peak heap, and how many bodies were awake, which is
//! what decides the cost (a step with every body awake costs several times a sleeping pile's).

use anyhow::Result;

use crate::peer::{ed25519_verify, micros};
use crate::sessions::{body_profile, game_time, merge_session, replay_cost};

/// Body counts held, and the budget's case first.
const BODY_COUNTS: [u32; 2] = [60, 100];
/// Sessions per body count (game seeds 1..=N).
const SESSIONS: u64 = 3;
/// Timed passes over the sessions; the fastest is kept.
const PASSES: u32 = 3;
/// DESIGN.md §10: native replay of a 3-minute merge-drop session with ~60 bodies.
const BUDGET_MS: f64 = 180.0;

pub fn run() -> Result<()> {
    println!("merge-drop replay at the budget's size: 3-minute sessions holding N bodies, one core, fastest of {PASSES} passes");
    println!("(md-01-classic's tiers and physics in a cup sized for N; the stacking player refills the pile whenever merges shrink it)");
    println!("peer: one Ed25519 verify_strict, measured before and after each row's replays (the faster kept)\n");
    println!(
        "{:>6} | {:>8} | {:>9} | {:>5} | {:>15} | {:>10} | {:>10} | {:>10} | {:>8} | {:>9} | {:>11} | {:>9} | {:>10} | {:>9}",
        "bodies",
        "sessions",
        "game time",
        "drops",
        "bodies mean/max",
        "awake mean",
        ">=90% awake",
        "replay ms",
        "slowest",
        "us/tick",
        "peak heap KiB",
        "alloc KiB",
        "Ed25519 us",
        "x Ed25519"
    );
    println!("{}", "-".repeat(167));
    for bodies in BODY_COUNTS {
        let sessions = (1..=SESSIONS)
            .map(|seed| merge_session(bodies, 3, seed))
            .collect::<Result<Vec<_>>>()?;
        let before = ed25519_verify();
        let cost = replay_cost(&sessions, PASSES)?;
        let peer = before.min(ed25519_verify());
        let profiles: Vec<_> = sessions.iter().map(body_profile).collect();
        let mean = |value: fn(&crate::sessions::BodyProfile) -> f64| {
            profiles.iter().map(value).sum::<f64>() / profiles.len() as f64
        };
        let drops = sessions.iter().map(|s| s.inputs.len()).sum::<usize>() / sessions.len();
        println!(
            "{bodies:>6} | {:>8} | {:>9} | {drops:>5} | {:>15} | {:>10.1} | {:>10.1}% | {:>10.1} | {:>8.1} | {:>9.2} | {:>13.0} | {:>9.0} | {:>10.1} | {:>9.0}",
            sessions.len(),
            game_time(cost.ticks_mean),
            format!(
                "{:.1}/{}",
                mean(|p| p.bodies_mean),
                profiles.iter().map(|p| p.bodies_max).max().unwrap_or(0)
            ),
            mean(|p| p.awake_mean),
            100.0 * mean(|p| p.mostly_awake_share),
            cost.per_replay.as_secs_f64() * 1e3,
            cost.slowest.as_secs_f64() * 1e3,
            micros(cost.per_replay) / cost.ticks_mean,
            cost.peak_heap_bytes as f64 / 1024.0,
            cost.allocated_bytes as f64 / 1024.0,
            micros(peer),
            micros(cost.per_replay) / micros(peer),
        );
    }
    println!("\nbudget (DESIGN.md §10): <= {BUDGET_MS:.0} ms per 3-minute session with ~60 bodies; <= 1024 KiB allocated per replay");
    println!("peak heap = most bytes live at once during one replay; alloc = bytes allocated in all by one replay (mean)");
    println!(">=90% awake = share of ticks on which at least 90% of the bodies were awake (sleeping is what keeps the rest cheap)");
    Ok(())
}
