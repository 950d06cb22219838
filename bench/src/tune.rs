//! `tune`: the designer's tuning throughput, per game mode, on every core: games per second
//! per bot and the peak heap, beside Ed25519 verifications per second on one core measured in
//! the same run (a yardstick for how busy the machine was).

use anyhow::Result;
use playproof_designer::tune::{tune, TuneConfig, TuneLevel};
use playproof_payout::PayoutBook;

use crate::alloc_meter::{peak_reset, peak_since};
use crate::levels::shipped_levels;
use crate::peer::ed25519_verify;

/// Games per bot per level: a few seconds of work per mode (the lookahead bot dominates).
const MATCH3_GAMES: u32 = 50;
const MERGE_GAMES: u32 = 4;
/// DESIGN.md §10: designer tuning, greedy bot, match-3, on 2 cores.
const GREEDY_BUDGET_PER_S: f64 = 1_000.0;

pub fn run() -> Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let peer = ed25519_verify();
    println!("designer tuning throughput, {threads} threads (every core), shipped levels, bots act at once (match-3) or at human pace (merge-drop)");
    println!(
        "peer in this run: Ed25519 verify_strict {:.0}/s on one core\n",
        1.0 / peer.as_secs_f64()
    );
    println!(
        "{:<10} | {:>6} | {:<10} | {:>7} | {:>9} | {:>10} | {:>11} | {:>13} | {:>12}",
        "mode",
        "levels",
        "bot",
        "games",
        "wall s",
        "games/s",
        "games/CPU-s",
        "peak heap MiB",
        "budget"
    );
    println!("{}", "-".repeat(110));
    let payouts = PayoutBook::new(Vec::new(), Vec::new())?;
    for (mode, games) in [("match3", MATCH3_GAMES), ("merge_drop", MERGE_GAMES)] {
        let levels: Vec<TuneLevel> = shipped_levels()?
            .into_iter()
            .filter(|file| file.level.game.mode_name() == mode)
            .map(|file| TuneLevel {
                path: file.path.display().to_string(),
                level: file.level,
            })
            .collect();
        let baseline = peak_reset();
        let cpu_before = crate::process::cpu_time("self").as_secs_f64();
        let report = tune(
            &levels,
            &payouts,
            TuneConfig {
                games,
                seed: 1,
                threads,
            },
            |_, _| {},
        );
        let peak = peak_since(baseline);
        // CPU seconds this process spent, shared out like the wall time: games per CPU second
        // does not depend on how many cores other work left free.
        let cpu_s = crate::process::cpu_time("self").as_secs_f64() - cpu_before;
        let elapsed_s = report.elapsed.as_secs_f64().max(1e-9);
        for (bot, per_second) in &report.throughput {
            let budget = if mode == "match3" && bot == "greedy" {
                format!(">= {GREEDY_BUDGET_PER_S:.0}/s")
            } else {
                String::new()
            };
            let bot_games = games as f64 * levels.len() as f64;
            let bot_wall_s = bot_games / per_second;
            println!(
                "{mode:<10} | {:>6} | {bot:<10} | {:>7} | {bot_wall_s:>9.2} | {per_second:>10.0} | {:>11.0} | {:>13.1} | {budget:>12}",
                levels.len(),
                games as usize * levels.len(),
                bot_games / (cpu_s * bot_wall_s / elapsed_s).max(1e-9),
                peak as f64 / (1024.0 * 1024.0),
            );
        }
        let total_games = games as usize * levels.len() * report.throughput.len();
        println!(
            "{mode:<10} | {:>6} | {:<10} | {total_games:>7} | {elapsed_s:>9.2} | {:>10.0} | {:>11.0} | {:>13.1} |",
            levels.len(),
            "all bots",
            total_games as f64 / elapsed_s,
            total_games as f64 / cpu_s.max(1e-9),
            peak as f64 / (1024.0 * 1024.0),
        );
    }
    println!(
        "\nwall s per bot = its games / its games per second (its share of the run's busy time)"
    );
    Ok(())
}
