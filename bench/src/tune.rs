//! `tune`: the designer's tuning throughput, per game mode, on every core: games per second
//! per bot and the peak heap, beside Ed25519 verifications per second on one core measured in
//! the same run (a yardstick for how busy the machine was).

use anyhow::Result;
use playproof_designer::tune::{tune, TuneConfig, TuneLevel};
use playproof_payout::PayoutBook;

use crate::alloc_meter::{peak_reset, peak_since};
use crate::levels::shipped_levels;
use crate::peer::ed25519_verify;

/// Games per bot per level: enough for a few seconds of work per mode.
const MATCH3_GAMES: u32 = 200;
const MERGE_GAMES: u32 = 8;
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
        "{:<10} | {:>6} | {:<10} | {:>7} | {:>9} | {:>10} | {:>13} | {:>12}",
        "mode", "levels", "bot", "games", "wall s", "games/s", "peak heap MiB", "budget"
    );
    println!("{}", "-".repeat(96));
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
        for (bot, per_second) in &report.throughput {
            let budget = if mode == "match3" && bot == "greedy" {
                format!(">= {GREEDY_BUDGET_PER_S:.0}/s")
            } else {
                String::new()
            };
            println!(
                "{mode:<10} | {:>6} | {bot:<10} | {:>7} | {:>9.2} | {per_second:>10.0} | {:>13.1} | {budget:>12}",
                levels.len(),
                games as usize * levels.len(),
                games as f64 * levels.len() as f64 / per_second,
                peak as f64 / (1024.0 * 1024.0),
            );
        }
        let total_games = games as usize * levels.len() * report.throughput.len();
        println!(
            "{mode:<10} | {:>6} | {:<10} | {total_games:>7} | {:>9.2} | {:>10.0} | {:>13.1} |",
            levels.len(),
            "all bots",
            report.elapsed.as_secs_f64(),
            total_games as f64 / report.elapsed.as_secs_f64().max(1e-9),
            peak as f64 / (1024.0 * 1024.0),
        );
    }
    println!(
        "\nwall s per bot = its games / its games per second (its share of the run's busy time)"
    );
    Ok(())
}
