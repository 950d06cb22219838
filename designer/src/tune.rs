//! Bot playouts that predict a level's difficulty and what it will pay: every level is played
//! `games` times by each bot of its mode's ladder, spread over all cores.
//!
//! Every game's seeds derive from `(seed, level index, bot index, game index)` alone and results
//! are gathered by game index, so the same seed gives the same report whatever the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use game_core::{Level, SESSION_TICKS_MAX};
use playproof_bots::{ladder, play_spaced, Pacing};
use playproof_payout::{Finish, PayoutBook};
use serde::Serialize;

use crate::pace::{fastest_legal_pacing, fastest_pace_words, legal_input_interval_ticks};
use crate::probe::STAR_REACH_MARGIN_PERCENT;
use crate::stats::{mean_and_standard_error, percentile, wilson_interval};

/// Most games per level and bot one run may ask for.
pub const GAMES_MAX: u32 = 1_000_000;

/// A bot tier "passes" a level when it wins at least this share of games.
const TIER_PASS_RATE: f64 = 0.5;

/// Difficulty boundaries on the strongest bot's pass rate (see [`Difficulty`]): spread so the
/// shipped pack's 55% to 100% do not all land in one class.
const MODERATE_PASS_RATE: f64 = 0.9;
const TRICKY_PASS_RATE: f64 = 0.75;
/// The random bot passes this often: the level plays itself.
const TRIVIAL_PASS_RATE: f64 = 0.9;

/// One level to tune: where it came from, its parsed form.
pub struct TuneLevel {
    pub path: String,
    pub level: Level,
}

#[derive(Clone, Copy, Debug)]
pub struct TuneConfig {
    pub games: u32,
    pub seed: u64,
    pub threads: usize,
}

/// One finished game.
#[derive(Clone, Copy, Debug, Default)]
struct GameResult {
    passed: bool,
    score: u32,
    stars: u8,
    moves: u32,
    /// Under the level's table, `pays_on_loss` as it says.
    payout_fen: i64,
    /// What this game would be paid if it was lost and the table paid lost games: the cost of
    /// `pays_on_loss`, 0 for a passed game.
    loss_payout_fen: i64,
}

/// One game's score and whether it passed, for histograms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScoredGame {
    pub score: u32,
    pub passed: bool,
    /// Base payout under the level's table.
    pub payout_fen: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct BotReport {
    pub bot: String,
    pub games: u32,
    pub passed: u32,
    pub pass_rate: f64,
    /// 95% Wilson interval of the pass rate.
    pub pass_rate_low: f64,
    pub pass_rate_high: f64,
    /// Expected attempts until the first pass (1 / pass rate); `None` when nothing passed.
    pub attempts_per_success: Option<f64>,
    pub score_p10: u32,
    pub score_p50: u32,
    pub score_p90: u32,
    /// Games ending with 0, 1, 2 and 3 stars.
    pub stars: [u32; 4],
    /// Mean actions per game (match-3 moves, merge-drop drops).
    pub moves_mean: f64,
    pub payout_mean_fen: f64,
    pub payout_standard_error_fen: f64,
    /// Per play, what lost games earn (the table pays on loss) or would earn (it does not):
    /// the effect of `pays_on_loss`.
    pub loss_payout_mean_fen: f64,
    /// Every game's score and pass, for the histogram (not in the JSON report).
    #[serde(skip)]
    pub games_played: Vec<ScoredGame>,
}

/// How hard a level is, from the random bot's and the strongest bot's pass rates: a scale of
/// seven, weakest evidence first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    /// Random play passes at least 90% of the time.
    Trivial,
    /// Random play passes at least half the time.
    Easy,
    /// The strongest bot passes at least 90% of the time.
    Moderate,
    /// The strongest bot passes 75% to 90% of the time.
    Tricky,
    /// The strongest bot passes 50% to 75% of the time.
    Hard,
    /// The strongest bot passes sometimes, under half the time.
    VeryHard,
    /// No bot ever passed.
    Impossible,
}

impl Difficulty {
    /// The class as reports print it.
    pub fn label(self) -> &'static str {
        match self {
            Difficulty::Trivial => "trivial",
            Difficulty::Easy => "easy",
            Difficulty::Moderate => "moderate",
            Difficulty::Tricky => "tricky",
            Difficulty::Hard => "hard",
            Difficulty::VeryHard => "very hard",
            Difficulty::Impossible => "impossible",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct LevelReport {
    pub path: String,
    pub level_id: String,
    pub mode: &'static str,
    pub difficulty: Difficulty,
    pub payout_budget_per_play_fen: Option<i64>,
    /// The payout table pays lost games (`pays_on_loss`).
    pub pays_on_loss: bool,
    /// Score thresholds for one, two, three stars.
    pub star_thresholds: Vec<u32>,
    pub bots: Vec<BotReport>,
    /// Where the ladder is not monotonic (a stronger bot passing less), and whether that is
    /// within sampling noise.
    pub ladder_notes: Vec<String>,
    /// Star thresholds no game of any bot reached and more than
    /// [`STAR_REACH_MARGIN_PERCENT`] above the best score: out of reach, as `levels check` says.
    pub unreached_stars: Vec<String>,
    /// Star thresholds no game reached but within that margin of the best score: rare, which
    /// more games would measure, rather than out of reach.
    pub rare_stars: Vec<String>,
    /// The strongest bot at the fastest pace the verifier accepts, on the same game seeds as
    /// its row in `bots`: what the table pays a player who plays as fast as is legal.
    pub fastest_pace: BotReport,
    /// The tuning pace already is the fastest legal pace (match-3), so `fastest_pace` is the
    /// strongest bot's row in `bots` and no extra games were played.
    pub fastest_pace_is_tuning_pace: bool,
    /// The fastest legal pace in a designer's words.
    pub fastest_pace_words: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TuneReport {
    pub seed: u64,
    pub games_per_bot: u32,
    pub levels: Vec<LevelReport>,
    #[serde(skip)]
    pub elapsed: Duration,
    #[serde(skip)]
    pub threads: usize,
    /// Games per second by bot name, over all levels.
    #[serde(skip)]
    pub throughput: Vec<(String, f64)>,
}

/// One game to play: indices into levels and their ladders, and the pace.
#[derive(Clone, Copy)]
struct Task {
    level: usize,
    bot: usize,
    game: u32,
    /// At the fastest legal pace rather than the tuning pace.
    fastest: bool,
}

/// Plays every game and builds the report. `progress(done, total)` is called from the
/// coordinating thread a few times a second.
pub fn tune(
    levels: &[TuneLevel],
    payouts: &PayoutBook,
    config: TuneConfig,
    mut progress: impl FnMut(usize, usize),
) -> TuneReport {
    assert!(
        config.games > 0 && config.games <= GAMES_MAX,
        "games out of range"
    );
    let ladders: Vec<usize> = levels
        .iter()
        .map(|entry| ladder(&entry.level).len())
        .collect();
    let tuning = levels.iter().enumerate().flat_map(|(level, _)| {
        (0..ladders[level]).flat_map(move |bot| {
            (0..config.games).map(move |game| Task {
                level,
                bot,
                game,
                fastest: false,
            })
        })
    });
    // The strongest bot again at the fastest legal pace, where that is not the tuning pace.
    let fastest = levels
        .iter()
        .enumerate()
        .filter(|(_, entry)| !tuning_pace_is_fastest(&entry.level))
        .flat_map(|(level, _)| {
            let bot = ladders[level] - 1;
            (0..config.games).map(move |game| Task {
                level,
                bot,
                game,
                fastest: true,
            })
        });
    let tasks: Vec<Task> = tuning.chain(fastest).collect();
    let results = Mutex::new(vec![GameResult::default(); tasks.len()]);
    let bot_nanos = Mutex::new(Vec::<(String, u128)>::new());
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..config.threads.max(1) {
            scope.spawn(|| {
                let mut local: Vec<(usize, GameResult)> = Vec::new();
                let mut timing: Vec<(String, u128)> = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(task) = tasks.get(index) else { break };
                    let begun = Instant::now();
                    let (name, result) = play_one(&levels[task.level], payouts, config.seed, *task);
                    timing.push((name, begun.elapsed().as_nanos()));
                    local.push((index, result));
                    done.fetch_add(1, Ordering::Relaxed);
                }
                let mut results = results.lock().expect("no worker panicked");
                for (index, result) in local {
                    results[index] = result;
                }
                bot_nanos.lock().expect("no worker panicked").extend(timing);
            });
        }
        while done.load(Ordering::Relaxed) < tasks.len() {
            progress(done.load(Ordering::Relaxed), tasks.len());
            std::thread::sleep(Duration::from_millis(250));
        }
        progress(tasks.len(), tasks.len());
    });
    let elapsed = started.elapsed();
    let results = results.into_inner().expect("no worker panicked");
    let reports = levels
        .iter()
        .enumerate()
        .map(|(level_index, entry)| {
            let names: Vec<&'static str> =
                ladder(&entry.level).iter().map(|bot| bot.name()).collect();
            let games_of = |bot_index: usize, fastest: bool| -> Vec<GameResult> {
                tasks
                    .iter()
                    .zip(&results)
                    .filter(|(task, _)| {
                        task.level == level_index
                            && task.bot == bot_index
                            && task.fastest == fastest
                    })
                    .map(|(_, result)| *result)
                    .collect()
            };
            let bots: Vec<BotReport> = names
                .iter()
                .enumerate()
                .map(|(bot_index, name)| bot_report(name, &games_of(bot_index, false)))
                .collect();
            let fastest_pace_is_tuning_pace = tuning_pace_is_fastest(&entry.level);
            let strongest = names.len() - 1;
            let fastest_pace = bot_report(
                names[strongest],
                &games_of(strongest, !fastest_pace_is_tuning_pace),
            );
            let table = payouts.table(&entry.level.id);
            let star_thresholds = entry.level.game.star_thresholds().to_vec();
            LevelReport {
                path: entry.path.clone(),
                level_id: entry.level.id.clone(),
                mode: entry.level.game.mode_name(),
                difficulty: difficulty(&bots),
                payout_budget_per_play_fen: table.and_then(|table| table.budget_per_play_fen),
                pays_on_loss: table.is_some_and(|table| table.pays_on_loss),
                ladder_notes: ladder_notes(&bots),
                unreached_stars: unreached_stars(&bots, &star_thresholds, true),
                rare_stars: unreached_stars(&bots, &star_thresholds, false),
                star_thresholds,
                bots,
                fastest_pace,
                fastest_pace_is_tuning_pace,
                fastest_pace_words: fastest_pace_words(),
            }
        })
        .collect();
    // Throughput per bot: games played divided by the wall time their share of work took.
    let timing = bot_nanos.into_inner().expect("no worker panicked");
    let total_nanos: u128 = timing.iter().map(|(_, nanos)| nanos).sum::<u128>().max(1);
    let mut names: Vec<String> = timing.iter().map(|(name, _)| name.clone()).collect();
    names.sort();
    names.dedup();
    let throughput = names
        .into_iter()
        .map(|name| {
            let (count, nanos) = timing
                .iter()
                .filter(|(other, _)| *other == name)
                .fold((0u64, 0u128), |(count, sum), (_, nanos)| {
                    (count + 1, sum + nanos)
                });
            // Wall time attributable to this bot: its share of all busy time.
            let wall = elapsed.as_secs_f64() * (nanos as f64 / total_nanos as f64);
            (name, count as f64 / wall.max(1e-9))
        })
        .collect();
    TuneReport {
        seed: config.seed,
        games_per_bot: config.games,
        levels: reports,
        elapsed,
        threads: config.threads.max(1),
        throughput,
    }
}

/// How fast bots act on `level`, in tuning and in the level probe alike. Match-3 outcomes do
/// not depend on think time, so bots act at once. Merge-drop runs on a clock and scores with
/// every drop, so pace decides the score: the heuristic bot scores about six times as much
/// dropping every cooldown as at a human pace (md-05-vase, 400 games each: median 2595 against
/// 275), so its bots drop at a human pace, the player the stars are meant for. Money goes to
/// whoever plays fastest, so [`tune`] also plays the strongest bot at the fastest legal pace
/// ([`crate::pace`]) and the gate holds both against the budget.
pub fn bot_pacing(level: &Level) -> Pacing {
    match level.game {
        game_core::LevelGame::Match3(_) => Pacing::INSTANT,
        game_core::LevelGame::MergeDrop(_) => Pacing::HUMAN,
    }
}

/// Whether [`bot_pacing`] already is the fastest pace the verifier accepts: bots act the
/// moment the game takes input (tuning spaces every game's inputs as the verifier demands).
pub fn tuning_pace_is_fastest(level: &Level) -> bool {
    bot_pacing(level) == fastest_legal_pacing()
}

/// SplitMix64: spreads the structured task coordinates over unrelated seeds.
fn mix(mut value: u64) -> u64 {
    value = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    value = (value ^ (value >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

fn play_one(
    entry: &TuneLevel,
    payouts: &PayoutBook,
    seed: u64,
    task: Task,
) -> (String, GameResult) {
    let game_seed =
        mix(seed ^ mix((task.level as u64) << 40 | (task.bot as u64) << 32 | u64::from(task.game)));
    let mut bot = ladder(&entry.level).swap_remove(task.bot);
    let pacing = if task.fastest {
        fastest_legal_pacing()
    } else {
        bot_pacing(&entry.level)
    };
    // Inputs spaced as the verifier demands, so every game tuned is one it would accept.
    let recording = play_spaced(
        &entry.level,
        game_seed,
        bot.as_mut(),
        pacing,
        legal_input_interval_ticks(),
        mix(game_seed),
        SESSION_TICKS_MAX,
    )
    .expect("a bot's own session replays");
    let outcome = recording.outcome;
    let finish = Finish {
        score: outcome.score,
        stars: outcome.stars,
        passed: outcome.passed,
    };
    let payout_fen = payouts.owed(&entry.level.id, finish).base_fen;
    let loss_payout_fen = match payouts.table(&entry.level.id) {
        Some(table) if !outcome.passed => table.base_fen(Finish {
            passed: true,
            ..finish
        }),
        _ => 0,
    };
    (
        bot.name().to_string(),
        GameResult {
            passed: outcome.passed,
            score: outcome.score,
            stars: outcome.stars,
            moves: recording.inputs.len() as u32,
            payout_fen,
            loss_payout_fen,
        },
    )
}

fn bot_report(name: &str, games: &[GameResult]) -> BotReport {
    let count = games.len() as u32;
    let passed = games.iter().filter(|game| game.passed).count() as u32;
    let (pass_rate_low, pass_rate_high) = wilson_interval(passed, count);
    let mut scores: Vec<u32> = games.iter().map(|game| game.score).collect();
    scores.sort_unstable();
    let mut stars = [0u32; 4];
    for game in games {
        stars[usize::from(game.stars.min(3))] += 1;
    }
    let payouts: Vec<i64> = games.iter().map(|game| game.payout_fen).collect();
    let (payout_mean_fen, payout_standard_error_fen) = mean_and_standard_error(&payouts);
    let loss_payouts: Vec<i64> = games.iter().map(|game| game.loss_payout_fen).collect();
    let (loss_payout_mean_fen, _) = mean_and_standard_error(&loss_payouts);
    let pass_rate = if count == 0 {
        0.0
    } else {
        f64::from(passed) / f64::from(count)
    };
    BotReport {
        bot: name.to_string(),
        games: count,
        passed,
        pass_rate,
        pass_rate_low,
        pass_rate_high,
        attempts_per_success: (passed > 0).then(|| 1.0 / pass_rate),
        score_p10: percentile(&scores, 10),
        score_p50: percentile(&scores, 50),
        score_p90: percentile(&scores, 90),
        stars,
        moves_mean: games.iter().map(|game| f64::from(game.moves)).sum::<f64>()
            / f64::from(count.max(1)),
        payout_mean_fen,
        payout_standard_error_fen,
        loss_payout_mean_fen,
        games_played: games
            .iter()
            .map(|game| ScoredGame {
                score: game.score,
                passed: game.passed,
                payout_fen: game.payout_fen,
            })
            .collect(),
    }
}

/// The class from the random bot's pass rate (ladders run weakest first) and the best pass
/// rate of any bot (the strongest in name is not always the best; see [`ladder_notes`]).
fn difficulty(bots: &[BotReport]) -> Difficulty {
    let random = bots.first().map_or(0.0, |bot| bot.pass_rate);
    let best = bots.iter().map(|bot| bot.pass_rate).fold(0.0, f64::max);
    match (random, best) {
        (random, _) if random >= TRIVIAL_PASS_RATE => Difficulty::Trivial,
        (random, _) if random >= TIER_PASS_RATE => Difficulty::Easy,
        (_, best) if best >= MODERATE_PASS_RATE => Difficulty::Moderate,
        (_, best) if best >= TRICKY_PASS_RATE => Difficulty::Tricky,
        (_, best) if best >= TIER_PASS_RATE => Difficulty::Hard,
        (_, best) if best > 0.0 => Difficulty::VeryHard,
        _ => Difficulty::Impossible,
    }
}

/// A ladder should pass more as it climbs. Where a stronger bot passes less than the one below
/// it, says so, and whether the gap is within sampling noise (the 95% intervals overlap) or a
/// real weakness of the stronger bot's strategy on this level.
fn ladder_notes(bots: &[BotReport]) -> Vec<String> {
    bots.windows(2)
        .filter(|pair| pair[1].pass_rate < pair[0].pass_rate)
        .map(|pair| {
            let (weaker, stronger) = (&pair[0], &pair[1]);
            let why = if stronger.pass_rate_high >= weaker.pass_rate_low {
                "within sampling noise: the 95% intervals overlap; more games would separate them"
            } else {
                "beyond sampling noise: the stronger bot's strategy does worse on this level"
            };
            format!(
                "{} passes {:.1}%, less than {} at {:.1}%: {why}",
                stronger.bot,
                stronger.pass_rate * 100.0,
                weaker.bot,
                weaker.pass_rate * 100.0
            )
        })
        .collect()
}

/// Star thresholds above every game's score, over every bot: those more than the probe's margin
/// above the best (`beyond_margin`), or those within it.
fn unreached_stars(bots: &[BotReport], thresholds: &[u32], beyond_margin: bool) -> Vec<String> {
    let best = bots
        .iter()
        .flat_map(|bot| bot.games_played.iter().map(|game| game.score))
        .max()
        .unwrap_or(0);
    let games: u32 = bots.iter().map(|bot| bot.games).sum();
    let reach_max = u64::from(best) * u64::from(100 + STAR_REACH_MARGIN_PERCENT) / 100;
    let verdict = if beyond_margin {
        format!("more than {STAR_REACH_MARGIN_PERCENT}% above it: out of reach")
    } else {
        format!("within {STAR_REACH_MARGIN_PERCENT}% of it: rare rather than out of reach, which more games would measure")
    };
    thresholds
        .iter()
        .enumerate()
        .filter(|(_, &threshold)| threshold > best)
        .filter(|(_, &threshold)| (u64::from(threshold) > reach_max) == beyond_margin)
        .map(|(index, threshold)| {
            format!(
                "{} star{} ({threshold} points): no bot reached it in {games} games (best score {best}), {verdict}",
                index + 1,
                if index == 0 { "" } else { "s" }
            )
        })
        .collect()
}

/// Why a level fails the level-pack gate.
#[derive(Clone, Debug, PartialEq)]
pub enum GateFailure {
    /// The strongest bot never passed.
    Impossible {
        level_id: String,
        bot: String,
        games: u32,
    },
    /// Some bot's expected payout per play exceeds the level's budget.
    OverBudget {
        level_id: String,
        bot: String,
        payout_mean_fen: f64,
        budget_fen: i64,
    },
    /// The strongest bot's expected payout per play at the fastest legal pace exceeds the
    /// level's budget (where that pace is not the tuning pace, which `OverBudget` covers).
    OverBudgetAtFastestPace {
        level_id: String,
        bot: String,
        pace: String,
        games: u32,
        score_p50: u32,
        payout_mean_fen: f64,
        payout_standard_error_fen: f64,
        person_payout_mean_fen: f64,
        budget_fen: i64,
    },
}

impl std::fmt::Display for GateFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GateFailure::Impossible { level_id, bot, games } => {
                write!(f, "{level_id}: the strongest bot ({bot}) passed none of {games} games")
            }
            GateFailure::OverBudget {
                level_id,
                bot,
                payout_mean_fen,
                budget_fen,
            } => write!(
                f,
                "{level_id}: the {bot} bot's expected payout is {payout_mean_fen:.2} fen per play, over the budget of {budget_fen} fen"
            ),
            GateFailure::OverBudgetAtFastestPace {
                level_id,
                bot,
                pace,
                games,
                score_p50,
                payout_mean_fen,
                payout_standard_error_fen,
                person_payout_mean_fen,
                budget_fen,
            } => write!(
                f,
                "{level_id}: at the fastest pace the verifier accepts ({pace}) the {bot} bot is paid {payout_mean_fen:.2} ± {payout_standard_error_fen:.2} fen per play (median score {score_p50}, {games} games; {person_payout_mean_fen:.2} at a person's pace), over the table's budget_per_play_fen of {budget_fen} [{FASTEST_PACE_BUDGET_RULE}]"
            ),
        }
    }
}

/// The rule a table breaks when play at the fastest legal pace costs more than its budget.
pub const FASTEST_PACE_BUDGET_RULE: &str = "over-budget-at-fastest-pace";

/// The level-pack gate: every level is passable by its strongest bot and no bot's expected
/// payout per play exceeds the level's budget, at the tuning pace or at the fastest pace the
/// verifier accepts.
pub fn gate(report: &TuneReport) -> Vec<GateFailure> {
    let mut failures = Vec::new();
    for level in &report.levels {
        if let Some(strongest) = level.bots.last() {
            if strongest.passed == 0 {
                failures.push(GateFailure::Impossible {
                    level_id: level.level_id.clone(),
                    bot: strongest.bot.clone(),
                    games: strongest.games,
                });
            }
        }
        if let Some(budget_fen) = level.payout_budget_per_play_fen {
            for bot in &level.bots {
                if bot.payout_mean_fen > budget_fen as f64 {
                    failures.push(GateFailure::OverBudget {
                        level_id: level.level_id.clone(),
                        bot: bot.bot.clone(),
                        payout_mean_fen: bot.payout_mean_fen,
                        budget_fen,
                    });
                }
            }
            let fastest = &level.fastest_pace;
            if !level.fastest_pace_is_tuning_pace && fastest.payout_mean_fen > budget_fen as f64 {
                let person = level.bots.last().map_or(0.0, |bot| bot.payout_mean_fen);
                failures.push(GateFailure::OverBudgetAtFastestPace {
                    level_id: level.level_id.clone(),
                    bot: fastest.bot.clone(),
                    pace: level.fastest_pace_words.clone(),
                    games: fastest.games,
                    score_p50: fastest.score_p50,
                    payout_mean_fen: fastest.payout_mean_fen,
                    payout_standard_error_fen: fastest.payout_standard_error_fen,
                    person_payout_mean_fen: person,
                    budget_fen,
                });
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bot that passed `passed` of 100 games, each scoring `best` at most.
    fn bot(name: &str, passed: u32, best: u32) -> BotReport {
        let games: Vec<GameResult> = (0..100)
            .map(|game| GameResult {
                passed: game < passed,
                score: best * game / 99,
                ..GameResult::default()
            })
            .collect();
        bot_report(name, &games)
    }

    #[test]
    fn difficulty_spreads_over_seven_classes() {
        let class = |random, strongest| {
            difficulty(&[bot("random", random, 10), bot("lookahead", strongest, 10)])
        };
        assert_eq!(class(95, 100), Difficulty::Trivial);
        assert_eq!(class(60, 100), Difficulty::Easy);
        assert_eq!(class(10, 95), Difficulty::Moderate);
        assert_eq!(class(10, 80), Difficulty::Tricky);
        assert_eq!(class(10, 60), Difficulty::Hard);
        assert_eq!(class(0, 10), Difficulty::VeryHard);
        assert_eq!(class(0, 0), Difficulty::Impossible);
    }

    #[test]
    fn a_ladder_that_is_not_monotonic_says_why() {
        let close = ladder_notes(&[bot("greedy", 70, 10), bot("lookahead", 65, 10)]);
        assert_eq!(
            close,
            ["lookahead passes 65.0%, less than greedy at 70.0%: within sampling noise: the 95% intervals overlap; more games would separate them"]
        );
        let far = ladder_notes(&[bot("greedy", 90, 10), bot("lookahead", 40, 10)]);
        assert!(far[0].ends_with(
            "beyond sampling noise: the stronger bot's strategy does worse on this level"
        ));
        assert!(ladder_notes(&[bot("random", 10, 10), bot("greedy", 90, 10)]).is_empty());
    }

    #[test]
    fn star_thresholds_above_every_score_are_named_out_of_reach_or_rare() {
        let bots = [bot("random", 0, 900), bot("heuristic", 50, 1200)];
        assert_eq!(
            unreached_stars(&bots, &[300, 1500, 1900], true),
            ["3 stars (1900 points): no bot reached it in 200 games (best score 1200), more than 50% above it: out of reach"]
        );
        assert_eq!(
            unreached_stars(&bots, &[300, 1500, 1900], false),
            ["2 stars (1500 points): no bot reached it in 200 games (best score 1200), within 50% of it: rare rather than out of reach, which more games would measure"]
        );
    }
}
