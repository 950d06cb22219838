//! How far above the best of a short probe a star threshold must sit before no longer run of
//! games reaches it: the measurement behind `probe::STAR_REACH_MARGIN_PERCENT`.
//!
//! `cargo run --release -p playproof-designer --example star_reach [GAMES] [RUN]` plays GAMES
//! (default 640) probe games of the strongest bot on each shipped level, cuts them into runs of
//! RUN (default the probe's 16) and prints, per star threshold, how many games reached it and
//! its ratio to the best score of the weakest and the strongest run.

use std::path::Path;

use game_core::Level;
use playproof_designer::files::level_files;
use playproof_designer::probe::{probe_game, PROBE_GAMES_DEFAULT};

fn main() {
    let mut args = std::env::args().skip(1).map(|arg| arg.parse::<u32>());
    let games = args.next().and_then(Result::ok).unwrap_or(640);
    let run = args
        .next()
        .and_then(Result::ok)
        .unwrap_or(PROBE_GAMES_DEFAULT)
        .max(1);
    println!("{games} games per level, runs of {run}");
    println!(
        "{:<20} {:>9} {:>12} {:>16} {:>16}",
        "level", "threshold", "reached", "/ lowest run best", "/ highest run best"
    );
    let mut closest_reached = (0.0, String::new());
    for file in level_files(Path::new("assets/levels")).expect("run from the repository root") {
        let level = Level::from_json(&std::fs::read(&file).unwrap()).unwrap();
        let scores = scores(&level, games);
        let run_bests: Vec<u32> = scores
            .chunks_exact(run as usize)
            .map(|chunk| chunk.iter().copied().max().unwrap_or(0))
            .collect();
        let lowest = run_bests.iter().copied().min().unwrap_or(0).max(1);
        let highest = run_bests.iter().copied().max().unwrap_or(0).max(1);
        for &threshold in level.game.star_thresholds() {
            let reached = scores.iter().filter(|&&score| score >= threshold).count();
            let ratio = f64::from(threshold) / f64::from(lowest);
            println!(
                "{:<20} {threshold:>9} {:>12} {ratio:>16.2} {:>16.2}",
                level.id,
                format!("{reached}/{games}"),
                f64::from(threshold) / f64::from(highest)
            );
            if reached > 0 && ratio > closest_reached.0 {
                closest_reached = (ratio, format!("{} {threshold}", level.id));
            }
        }
    }
    println!(
        "highest ratio of a reached threshold to a run's best: {:.2} ({})",
        closest_reached.0, closest_reached.1
    );
}

/// The probe's games, seeds 1 to `games`, over two threads.
fn scores(level: &Level, games: u32) -> Vec<u32> {
    let half = u64::from(games / 2);
    std::thread::scope(|scope| {
        let first = scope.spawn(|| {
            (1..=half)
                .map(|seed| probe_game(level, seed).score)
                .collect::<Vec<_>>()
        });
        let second: Vec<u32> = (half + 1..=u64::from(games))
            .map(|seed| probe_game(level, seed).score)
            .collect();
        let mut all = first.join().expect("no probe game panics");
        all.extend(second);
        all
    })
}
