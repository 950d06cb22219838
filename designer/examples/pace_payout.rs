//! What each shipped payout table pays per play when its level's strongest bot plays at a
//! person's pace and at the fastest pace the verifier accepts: the measurement behind the
//! gate's `over-budget-at-fastest-pace` rule and the merge-drop tables' score tiers.
//!
//! `cargo run --release -p playproof-designer --example pace_payout [GAMES] [PAYOUTS]` tunes
//! every level under `assets/levels` with GAMES games per bot (default 200, seed 1) against the
//! tables in PAYOUTS (default `assets/payouts`) and prints, per level and pace, the score
//! distribution, the payout per play with its standard error, and how plays split over payouts.

use std::collections::BTreeMap;
use std::path::Path;

use game_core::Level;
use playproof_designer::files::level_files;
use playproof_designer::stats::percentile;
use playproof_designer::tune::{tune, BotReport, TuneConfig, TuneLevel};
use playproof_payout::PayoutBook;

fn main() {
    let mut args = std::env::args().skip(1);
    let games = args.next().and_then(|arg| arg.parse().ok()).unwrap_or(200);
    let payouts = args.next().unwrap_or_else(|| "assets/payouts".into());
    let book = PayoutBook::load_dir(Path::new(&payouts)).expect("readable payout tables");
    let levels: Vec<TuneLevel> = level_files(Path::new("assets/levels"))
        .expect("run from the repository root")
        .into_iter()
        .map(|file| TuneLevel {
            level: Level::from_json(&std::fs::read(&file).unwrap()).unwrap(),
            path: file.display().to_string(),
        })
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let config = TuneConfig {
        games,
        seed: 1,
        threads,
    };
    let report = tune(&levels, &book, config, |_, _| {});
    println!("{games} games per level and pace, strongest bot, seed 1, tables from {payouts}");
    println!(
        "{:<18} {:<13} {:>32} {:>6} {:>14} {:>6}  plays by payout (fen: share)",
        "level", "pace", "score p10/p25/p50/p75/p90/max", "pass", "fen/play ± se", "budget"
    );
    for level in &report.levels {
        let person = level.bots.last().expect("every ladder has a bot");
        let budget = level
            .payout_budget_per_play_fen
            .map_or("-".into(), |fen| fen.to_string());
        let paces: Vec<(&str, &BotReport)> = if level.fastest_pace_is_tuning_pace {
            vec![("fastest legal", &level.fastest_pace)]
        } else {
            vec![("person", person), ("fastest legal", &level.fastest_pace)]
        };
        for (pace, bot) in paces {
            println!(
                "{:<18} {pace:<13} {:>32} {:>5.0}% {:>14} {budget:>6}  {}",
                level.level_id,
                scores(bot),
                bot.pass_rate * 100.0,
                format!(
                    "{:.2} ± {:.2}",
                    bot.payout_mean_fen, bot.payout_standard_error_fen
                ),
                payout_split(bot)
            );
        }
    }
}

fn scores(bot: &BotReport) -> String {
    let mut scores: Vec<u32> = bot.games_played.iter().map(|game| game.score).collect();
    scores.sort_unstable();
    let cuts: Vec<String> = [10, 25, 50, 75, 90, 100]
        .iter()
        .map(|&percent| percentile(&scores, percent).to_string())
        .collect();
    cuts.join("/")
}

fn payout_split(bot: &BotReport) -> String {
    let mut counts: BTreeMap<i64, u32> = BTreeMap::new();
    for game in &bot.games_played {
        *counts.entry(game.payout_fen).or_default() += 1;
    }
    let total = bot.games_played.len().max(1) as f64;
    counts
        .iter()
        .map(|(fen, count)| format!("{fen}: {:.0}%", f64::from(*count) * 100.0 / total))
        .collect::<Vec<_>>()
        .join(", ")
}
