//! `cargo xtask bench risk`: the risk policy measured on a labelled corpus.
//!
//! ```text
//! players (human-like and scripted) -> games played natively on shipped match-3 and
//!   merge-drop levels -> the server's replay timings, play quality and wall time -> the
//!   server's signals, play quality kept only where the server's gate would measure it
//!   -> tune the thresholds on the even players -> confusion table on the odd players
//! ```
//!
//! Human-like players draw each move's think time from an ex-Gaussian, the shape fitted to
//! choice reaction times throughout the reaction-time literature (a normal component, the
//! motor and perceptual floor, plus an exponential tail of deliberation): mean of the normal
//! 450 ms, deviation 80 ms, exponential mean 700 ms, and one move in ten a longer think of 2 to
//! 6 s. They pick the greedy move 70% of the time and a random legal one otherwise, abandon a
//! ticket now and then, take 0.5 to 3 s to fetch a ticket and send a proof, and sometimes leave
//! the app for 5 to 60 s (the game pauses, the wall clock does not). Households are
//! human-like players of 2 to 5 behind one home address, so the account-cluster signal's cost
//! to honest families shows: a household of 5 is over the 4 the signal lets pass. Merge-drop
//! players think the same and aim at a piece of their piece's tier, landing with a finger's
//! spread.
//!
//! Scripted players: each project bot at several paces (instant, fixed delays, the driver's
//! uniform human pace), noisy bots (a random move one time in five, jittered delay),
//! slow-motion bots (human-like game timing, six times the wall time), seed shoppers (human-like
//! play, four tickets abandoned per game kept), a farm of 50 accounts behind 3 addresses
//! playing the greedy bot at a uniform 0.7 to 2.5 s, a ring of 12 accounts tied by one payee
//! name, a noisy lookahead bot at a human pace, an all-night lookahead bot, and the merge-drop
//! heuristic bot (perfect drops) at a human pace and instant. The seed is printed; runs are
//! reproducible.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use game_core::{replay_inspected, Action, Game, Level, LevelGame, Pcg32, Phase, TICK_HZ};
use playproof_bots::match3::{GreedyBot, LookaheadBot, RandomBot};
use playproof_bots::Bot;
use playproof_payout::{Finish, PayoutBook};
use playproof_server::risk::policy::Thresholds;
use playproof_server::risk::signals::{
    of_play, of_player, of_quality, play_quality_is_cheap, play_quality_kinds, PlayQuality,
};
use playproof_server::risk::{Decision, PlayFacts, PlayerFacts, RiskPolicy, Signal, SignalKind};
use playproof_server::run::RISK_POLICY_DEFAULT;

/// The corpus seed (printed with the table).
const SEED: u64 = 0x5249_534b;
/// Games each player plays.
const GAMES_PER_PLAYER: usize = 6;
/// Human-like players; scripted players per scripted class; farm accounts.
const HUMANS: usize = 400;
const SCRIPTED_PER_CLASS: usize = 16;
const FARM_ACCOUNTS: usize = 50;
/// Addresses the farm's accounts share (one in three of the accounts per address).
const FARM_ADDRESSES: usize = 3;
/// Households (human-like players behind one address), their sizes cycling through these.
const HOUSEHOLDS: usize = 40;
const HOUSEHOLD_SIZES: [usize; 4] = [2, 3, 4, 5];
/// Longest game played, in ticks (a shipped match-3 level ends long before).
const GAME_TICKS_MAX: u32 = 20 * 60 * TICK_HZ;
/// Target: at most this share of human-like games held or refused.
const HUMAN_HELD_MAX: f64 = 0.005;
/// Target: at least this share of the farm's earnings held or refused.
const FARM_STOPPED_MIN: f64 = 0.95;

const MS_PER_TICK: f64 = 1000.0 / TICK_HZ as f64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Human,
    /// Human-like, one of a few players behind one address.
    Household,
    /// Human-like merge-drop players: they aim at a piece of the same tier with a finger.
    MergeHuman,
    /// The merge-drop heuristic bot at a human pace: every aimed drop exact.
    MergePerfect,
    /// The merge-drop heuristic bot, dropping as soon as the cooldown allows.
    MergeInstant,
    InstantRandom,
    InstantGreedy,
    InstantLookahead,
    Fixed500msGreedy,
    Fixed1500msLookahead,
    UniformGreedy,
    Noisy,
    NoisyLookahead,
    SlowMotion,
    SeedShopper,
    Farm,
    /// Accounts on separate addresses tied by one platform union id or payee name.
    PayeeRing,
    /// Accounts on separate addresses driven in step: linked by their play times once three of
    /// their games have started and ended together.
    InStep,
    /// A human-paced lookahead bot that has played since the evening and through the night.
    AllNight,
}

impl Class {
    const SCRIPTED: [Class; 16] = [
        Class::InstantRandom,
        Class::InstantGreedy,
        Class::InstantLookahead,
        Class::Fixed500msGreedy,
        Class::Fixed1500msLookahead,
        Class::UniformGreedy,
        Class::Noisy,
        Class::NoisyLookahead,
        Class::SlowMotion,
        Class::SeedShopper,
        Class::Farm,
        Class::PayeeRing,
        Class::InStep,
        Class::AllNight,
        Class::MergePerfect,
        Class::MergeInstant,
    ];

    fn name(self) -> &'static str {
        match self {
            Class::Human => "human-like",
            Class::Household => "human-like, household 2-5",
            Class::MergeHuman => "human-like, merge-drop",
            Class::MergePerfect => "merge bot, perfect drops",
            Class::MergeInstant => "merge bot, instant",
            Class::InstantRandom => "random bot, instant",
            Class::InstantGreedy => "greedy bot, instant",
            Class::InstantLookahead => "lookahead bot, instant",
            Class::Fixed500msGreedy => "greedy bot, fixed 0.5 s",
            Class::Fixed1500msLookahead => "lookahead bot, fixed 1.5 s",
            Class::UniformGreedy => "greedy bot, uniform 0.5-6 s",
            Class::Noisy => "noisy greedy bot",
            Class::NoisyLookahead => "noisy lookahead, human pace",
            Class::SlowMotion => "slow-motion (6x wall)",
            Class::SeedShopper => "seed shopper",
            Class::Farm => "farm (50 accounts)",
            Class::PayeeRing => "ring: 12, one payee/union id",
            Class::InStep => "in step: 10 accounts",
            Class::AllNight => "all-night lookahead bot",
        }
    }

    /// Whether the class stands for honest people (the targets' human-like games).
    fn is_human(self) -> bool {
        matches!(self, Class::Human | Class::Household | Class::MergeHuman)
    }

    fn plays_merge_drop(self) -> bool {
        matches!(
            self,
            Class::MergeHuman | Class::MergePerfect | Class::MergeInstant
        )
    }
}

/// One measured game.
struct Game1 {
    class: Class,
    player: usize,
    /// Every signal but play quality (the game's timing and the player's record).
    signals: Vec<Signal>,
    /// Play quality as measured, and as reported when it is not measured.
    quality: Vec<Signal>,
    unmeasured: Vec<Signal>,
    /// `signals` and `quality` together.
    all: Vec<Signal>,
    /// The play-quality signals of the game's mode.
    quality_kinds: &'static [SignalKind],
    owed_fen: i64,
    /// What it takes to replay it: level index, seed, inputs.
    replay: (usize, u64, Vec<game_core::Input>),
}

fn uniform(rng: &mut Pcg32) -> f64 {
    (f64::from(rng.next_u32()) + 0.5) / 4_294_967_296.0
}

fn normal(rng: &mut Pcg32) -> f64 {
    // Box-Muller.
    let (u, v) = (uniform(rng), uniform(rng));
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// A human-like think time, in ticks: ex-Gaussian, and one in ten a long think.
fn human_think_ticks(rng: &mut Pcg32) -> u32 {
    let mut ms = 450.0 + 80.0 * normal(rng) - 700.0 * uniform(rng).ln();
    if uniform(rng) < 0.1 {
        ms += 2000.0 + 4000.0 * uniform(rng);
    }
    (ms.max(120.0) / MS_PER_TICK).round() as u32
}

/// How a class thinks and chooses.
fn think_ticks(class: Class, rng: &mut Pcg32) -> u32 {
    match class {
        Class::Human
        | Class::Household
        | Class::SlowMotion
        | Class::SeedShopper
        | Class::NoisyLookahead
        | Class::AllNight
        | Class::MergeHuman
        | Class::MergePerfect => human_think_ticks(rng),
        Class::InstantRandom
        | Class::InstantGreedy
        | Class::InstantLookahead
        | Class::MergeInstant => 0,
        Class::Fixed500msGreedy => 30,
        Class::Fixed1500msLookahead => 90,
        Class::UniformGreedy => rng.between(30, 360),
        Class::Noisy => 45 + rng.between(0, 10),
        Class::Farm | Class::PayeeRing | Class::InStep => rng.between(40, 150),
    }
}

/// How far a person's finger lands from where they aim a drop: a standard deviation of 0.35
/// world units, about 12 px on a phone (a fingertip is 8-10 mm wide; touch-target studies put
/// the spread of taps at 2-3 mm, and a drag released in motion lands wider).
const AIM_SIGMA_MILLI: f64 = 350.0;

fn choose_drop(class: Class, game: &Game, rng: &mut Pcg32) -> Option<Action> {
    use playproof_bots::merge::{HeuristicBot, RandomBot as RandomDrop};
    if class == Class::MergeHuman && uniform(rng) < 0.3 {
        return RandomDrop.choose(game, rng);
    }
    let aimed = HeuristicBot.choose(game, rng)?;
    let (Action::Drop { x_milli }, Class::MergeHuman) = (aimed, class) else {
        return Some(aimed);
    };
    let (low, high) = game.merge_drop()?.drop_range_milli();
    let landed = (f64::from(x_milli) + AIM_SIGMA_MILLI * normal(rng)).round() as i32;
    Some(Action::Drop {
        x_milli: landed.clamp(low, high),
    })
}

fn choose(class: Class, game: &Game, rng: &mut Pcg32) -> Option<Action> {
    if class.plays_merge_drop() {
        return choose_drop(class, game, rng);
    }
    let random_share = match class {
        Class::Human | Class::Household | Class::SeedShopper | Class::SlowMotion => 0.3,
        Class::Noisy | Class::NoisyLookahead => 0.2,
        Class::InstantRandom => 1.0,
        _ => 0.0,
    };
    if uniform(rng) < random_share {
        return RandomBot.choose(game, rng);
    }
    match class {
        Class::InstantLookahead
        | Class::Fixed1500msLookahead
        | Class::NoisyLookahead
        | Class::AllNight => LookaheadBot::default().choose(game, rng),
        _ => GreedyBot.choose(game, rng),
    }
}

/// Plays one game as `class`; returns its inputs.
fn play(level: &Level, seed: u64, class: Class, rng: &mut Pcg32) -> Vec<game_core::Input> {
    let mut game = Game::new(level, seed);
    let mut inputs = Vec::new();
    let mut due = None;
    // Merge-drop games are cut after a few dozen drops: enough to judge, and the physics of
    // a whole game would make the corpus slow to build.
    let inputs_max = if class.plays_merge_drop() {
        MERGE_DROPS_MAX
    } else {
        usize::MAX
    };
    while game.phase() == Phase::Playing
        && game.tick() < GAME_TICKS_MAX
        && inputs.len() < inputs_max
    {
        if game.accepts_input() {
            let now = game.tick();
            let at = *due.get_or_insert_with(|| now + think_ticks(class, rng));
            if now >= at {
                due = None;
                let Some(action) = choose(class, &game, rng) else {
                    break;
                };
                if game.apply(action).is_err() {
                    break;
                }
                inputs.push(game_core::Input { tick: now, action });
            }
        }
        game.step();
    }
    inputs
}

/// Wall time from ticket to proof for a game of `game_ms`, in ms.
fn wall_ms(class: Class, game_ms: f64, rng: &mut Pcg32) -> f64 {
    let overhead = 500.0 + 2500.0 * uniform(rng);
    match class {
        Class::SlowMotion => 6.0 * game_ms + overhead,
        Class::Human | Class::Household | Class::SeedShopper if uniform(rng) < 0.2 => {
            game_ms + overhead + 5_000.0 + 55_000.0 * uniform(rng)
        }
        _ => game_ms + overhead,
    }
}

/// Drops a merge-drop game of the corpus is cut after.
const MERGE_DROPS_MAX: usize = 30;
/// Human-like merge-drop players.
const MERGE_HUMANS: usize = 60;

/// Accounts driven in step.
const IN_STEP_ACCOUNTS: i64 = 10;

/// Accounts in the payee ring.
const RING_ACCOUNTS: i64 = 12;

/// What the server's time facts say of a player who has played three-minute games back to
/// back since 20:00 China Standard Time, judged at 06:00: ten hours on, five of them at night.
fn all_night_time() -> playproof_server::risk::signals::TimeFacts {
    use playproof_server::risk::signals::{time_facts, PlayedGame};
    const MINUTE_MS: i64 = 60_000;
    // 2026-12-02 20:00 in China Standard Time, as UTC milliseconds.
    let evening_ms: i64 = 1_796_212_800_000;
    let history: Vec<PlayedGame> = (0..200)
        .map(|game| PlayedGame {
            issued_at_ms: evening_ms + game * 3 * MINUTE_MS,
            ended_at_ms: evening_ms + game * 3 * MINUTE_MS + 170_000,
            paid_fen: 0,
        })
        .collect();
    time_facts(&history, &[], evening_ms + 600 * MINUTE_MS)
}

/// Tickets abandoned before each kept game.
fn abandoned_before(class: Class, rng: &mut Pcg32) -> i64 {
    match class {
        Class::SeedShopper => 4,
        Class::Human | Class::Household => i64::from(uniform(rng) < 0.05),
        _ => 0,
    }
}

struct Corpus {
    games: Vec<Game1>,
}

fn build(levels: &[(Level, String)], payouts: &PayoutBook) -> Result<Corpus> {
    // Each player with the size of its account cluster (players sharing its address).
    let mut players: Vec<(Class, i64)> = vec![(Class::Human, 1); HUMANS];
    players.extend(std::iter::repeat_n((Class::MergeHuman, 1), MERGE_HUMANS));
    for household in 0..HOUSEHOLDS {
        let size = HOUSEHOLD_SIZES[household % HOUSEHOLD_SIZES.len()];
        players.extend(std::iter::repeat_n((Class::Household, size as i64), size));
    }
    for class in Class::SCRIPTED {
        if class == Class::Farm {
            players.extend((0..FARM_ACCOUNTS).map(|account| {
                let address = account % FARM_ADDRESSES;
                let sharing = (0..FARM_ACCOUNTS)
                    .filter(|other| other % FARM_ADDRESSES == address)
                    .count();
                (class, sharing as i64)
            }));
        } else if class == Class::InStep {
            players.extend(std::iter::repeat_n(
                (class, IN_STEP_ACCOUNTS),
                IN_STEP_ACCOUNTS as usize,
            ));
        } else if class == Class::PayeeRing {
            // Each ring member is linked to the other eleven by the name they withdraw to.
            players.extend(std::iter::repeat_n(
                (class, RING_ACCOUNTS),
                RING_ACCOUNTS as usize,
            ));
        } else {
            players.extend(std::iter::repeat_n((class, 1), SCRIPTED_PER_CLASS));
        }
    }
    let mut games = Vec::new();
    for (player, &(class, linked_players)) in players.iter().enumerate() {
        let mut rng = Pcg32::new(SEED ^ player as u64, 0x7269_736b);
        let mut facts = PlayerFacts {
            linked_players,
            ..PlayerFacts::default()
        };
        if class == Class::AllNight {
            facts.time = all_night_time();
        }
        for game_index in 0..GAMES_PER_PLAYER {
            let of_mode: Vec<usize> = (0..levels.len())
                .filter(|&index| {
                    matches!(levels[index].0.game, LevelGame::MergeDrop(_))
                        == class.plays_merge_drop()
                })
                .collect();
            let level_index = of_mode[(player + game_index) % of_mode.len()];
            let (level, level_id) = &levels[level_index];
            let seed = u64::from(rng.next_u32()) << 32 | u64::from(rng.next_u32());
            facts.games_abandoned += abandoned_before(class, &mut rng);
            // In-step accounts are linked from their third game together on.
            if class == Class::InStep {
                facts.linked_players = if game_index >= 2 { linked_players } else { 1 };
            }
            let inputs = play(level, seed, class, &mut rng);
            // The server's own measurement: a replay timing inputs and comparing each move with
            // the bots' choices (the server makes the comparison only where it can change the
            // decision; `decide` below does the same).
            let mut quality = PlayQuality::default();
            let (outcome, reaction_ticks) =
                replay_inspected(level, seed, &inputs, |game, input| {
                    quality.inspect(game, input)
                })
                .with_context(|| format!("replaying a {} game", class.name()))?;
            let game_ms = f64::from(outcome.ticks) * MS_PER_TICK;
            let issued_at_ms = 1_000_000u64;
            let play_facts = PlayFacts {
                reaction_ticks,
                final_tick: outcome.ticks,
                issued_at_ms,
                received_at_ms: issued_at_ms + wall_ms(class, game_ms, &mut rng) as u64,
                quality: None,
            };
            let mut signals = of_play(&play_facts);
            signals.retain(|signal| !SignalKind::PLAY_QUALITY.contains(&signal.kind));
            signals.extend(of_player(&facts));
            let owed = payouts.owed(
                level_id,
                Finish {
                    score: outcome.score,
                    stars: outcome.stars,
                    passed: outcome.passed,
                },
            );
            games.push(Game1 {
                class,
                player,
                all: [signals.as_slice(), of_quality(Some(&quality)).as_slice()].concat(),
                signals,
                quality: of_quality(Some(&quality)),
                unmeasured: of_quality(None),
                quality_kinds: play_quality_kinds(&inputs),
                owed_fen: owed.base_fen + owed.boost.map_or(0, |boost| boost.1),
                replay: (level_index, seed, inputs),
            });
            facts.games_played += 1;
        }
    }
    Ok(Corpus { games })
}

/// Whether the server would measure `game`'s play quality under `policy`: always where it is
/// cheap and weighed, elsewhere where it can move the money.
fn measures_quality(policy: &RiskPolicy, game: &Game1) -> bool {
    if play_quality_is_cheap(game.quality_kinds) {
        return game.quality_kinds.iter().any(|kind| policy.weighs(*kind));
    }
    let known = [game.signals.as_slice(), game.unmeasured.as_slice()].concat();
    policy.play_quality_decides(&known, game.quality_kinds)
}

/// `game`'s signals as the server has them under `policy`.
fn signals_under(policy: &RiskPolicy, game: &Game1) -> Vec<Signal> {
    let quality = if measures_quality(policy, game) {
        &game.quality
    } else {
        &game.unmeasured
    };
    [game.signals.as_slice(), quality.as_slice()].concat()
}

/// The decision the server makes on `game` under `policy`.
fn decide(policy: &RiskPolicy, game: &Game1) -> Decision {
    policy.decide(policy.score(&signals_under(policy, game)))
}

/// `game`'s score with play quality measured. The server measures it only where it can move
/// the money, so whether a game is held or refused is the same with this score as with the
/// server's: tuning uses it (it does not depend on the thresholds being tuned).
fn full_score(policy: &RiskPolicy, game: &Game1) -> f64 {
    policy.score(&game.all)
}

/// The `q` quantile (0 to 1) of `values`.
fn quantile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let index = ((values.len() as f64 - 1.0) * q).round() as usize;
    values.get(index).copied().unwrap_or(0.0)
}

/// Thresholds for `policy` from the tuning half: hold just above the 99.5th percentile of
/// human-like scores (so at most 0.5% of them would be held), flag above the 95th, refuse above
/// every one.
fn thresholds(policy: &RiskPolicy, games: &[&Game1]) -> Thresholds {
    let mut human: Vec<f64> = games
        .iter()
        .filter(|game| game.class.is_human())
        .map(|game| full_score(policy, game))
        .collect();
    let step = 0.01;
    let hold = (quantile(&mut human, 0.995) + step).min(1.0);
    let flag = (quantile(&mut human, 0.95) + step).min(hold);
    let refuse = (quantile(&mut human, 1.0) + 5.0 * step).clamp(hold, 1.0);
    Thresholds { flag, hold, refuse }
}

/// Fen owed to scripted players that `policy` holds or refuses, over `games`.
fn stopped_fen(policy: &RiskPolicy, games: &[&Game1]) -> i64 {
    games
        .iter()
        .filter(|game| !game.class.is_human())
        .filter(|game| policy.decide(full_score(policy, game)) >= Decision::Hold)
        .map(|game| game.owed_fen)
        .sum()
}

/// Weights on a grid (0.2, 0.5, 0.8 per signal) and the thresholds they imply, chosen on the tuning
/// half for the most scripted earnings stopped while holding at most 0.5% of human-like games.
fn tune(shipped: &RiskPolicy, games: &[&Game1]) -> RiskPolicy {
    const GRID: [f64; 3] = [0.2, 0.5, 0.8];
    // The signals the corpus exercises (no platform ranks, no merge-drop games).
    let kinds = TUNED_KINDS;
    // Start from the shipped weights with thresholds from this half.
    let mut best = shipped.clone();
    best.thresholds = thresholds(shipped, games);
    let mut best_fen = stopped_fen(&best, games);
    for index in 0..GRID.len().pow(kinds.len() as u32) {
        let mut candidate = shipped.clone();
        let mut rest = index;
        for kind in &kinds {
            candidate.weights.insert(*kind, GRID[rest % GRID.len()]);
            rest /= GRID.len();
        }
        candidate.thresholds = thresholds(&candidate, games);
        let fen = stopped_fen(&candidate, games);
        if fen > best_fen {
            (best, best_fen) = (candidate, fen);
        }
    }
    best
}

/// Signals whose weights the tuning grid searches (3^8 policies).
const TUNED_KINDS: [SignalKind; 8] = [
    SignalKind::ReactionFloor,
    SignalKind::TimingRegularity,
    SignalKind::QuantisedPacing,
    SignalKind::SlowMotion,
    SignalKind::Abandonment,
    SignalKind::GreedyAgreement,
    SignalKind::LinkedAccounts,
    SignalKind::LookaheadAgreement,
];

/// The signals added since the previous figures (lookahead agreement, merge-drop precision and
/// preview reaction, night play, session length, earnings velocity): turned off, they give the
/// "before" row. (The links by union id, payee name and play times feed `linked_accounts`,
/// which the "before" row keeps: the ring's row shows them.)
const NEW_KINDS: [SignalKind; 6] = [
    SignalKind::LookaheadAgreement,
    SignalKind::DropPrecision,
    SignalKind::PreviewReaction,
    SignalKind::NightPlay,
    SignalKind::SessionLength,
    SignalKind::EarningsVelocity,
];

#[derive(Default)]
struct Row {
    games: usize,
    decisions: BTreeMap<Decision, usize>,
    owed_fen: i64,
    paid_fen: i64,
}

fn report(title: &str, policy: &RiskPolicy, games: &[&Game1]) {
    let mut rows: BTreeMap<Class, Row> = BTreeMap::new();
    for game in games {
        let decision = decide(policy, game);
        let row = rows.entry(game.class).or_default();
        row.games += 1;
        *row.decisions.entry(decision).or_default() += 1;
        row.owed_fen += game.owed_fen;
        if matches!(decision, Decision::Pay | Decision::Flag) {
            row.paid_fen += game.owed_fen;
        }
    }
    let t = policy.thresholds;
    println!(
        "\n{title}: thresholds flag {:.2}, hold {:.2}, refuse {:.2}",
        t.flag, t.hold, t.refuse
    );
    println!(
        "{:<28} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9} {:>9} {:>8}",
        "players", "games", "pay", "flag", "hold", "refuse", "owed fen", "paid fen", "stopped"
    );
    let count = |row: &Row, decision| row.decisions.get(&decision).copied().unwrap_or(0);
    let (mut scripted_games, mut scripted_paid) = (0usize, 0i64);
    let (mut human_games, mut human_held) = (0usize, 0usize);
    for (class, row) in &rows {
        let stopped = 1.0 - row.paid_fen as f64 / row.owed_fen.max(1) as f64;
        println!(
            "{:<28} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9} {:>9} {:>7.1}%",
            class.name(),
            row.games,
            count(row, Decision::Pay),
            count(row, Decision::Flag),
            count(row, Decision::Hold),
            count(row, Decision::Refuse),
            row.owed_fen,
            row.paid_fen,
            stopped * 100.0
        );
        if class.is_human() {
            human_games += row.games;
            human_held += count(row, Decision::Hold) + count(row, Decision::Refuse);
        } else {
            scripted_games += row.games;
            scripted_paid += row.paid_fen;
        }
    }
    if human_games > 0 {
        let held = human_held;
        let share = held as f64 / human_games as f64;
        println!(
            "human-like games (households included) held or refused: {held} of {human_games} = \
             {:.2}% (target at most {:.1}%: {})",
            share * 100.0,
            HUMAN_HELD_MAX * 100.0,
            if share <= HUMAN_HELD_MAX {
                "met"
            } else {
                "MISSED"
            }
        );
    }
    if let Some(farm) = rows.get(&Class::Farm) {
        let stopped = 1.0 - farm.paid_fen as f64 / farm.owed_fen.max(1) as f64;
        println!(
            "farm earnings held or refused: {:.1}% of {} fen (target at least {:.0}%: {})",
            stopped * 100.0,
            farm.owed_fen,
            FARM_STOPPED_MIN * 100.0,
            if stopped >= FARM_STOPPED_MIN {
                "met"
            } else {
                "MISSED"
            }
        );
    }
    println!(
        "fen paid to scripted players per 1,000 games: {:.0} ({scripted_paid} fen over {scripted_games} games)",
        scripted_paid as f64 * 1000.0 / scripted_games.max(1) as f64
    );
}

/// What play quality adds to the verifier's replay: every corpus game replayed as the server
/// does without it (timings only) and with it (the greedy and lookahead bots consulted before
/// each move), and the share of games `policy` measures it on.
fn replay_cost(levels: &[(Level, String)], corpus: &Corpus, policy: &RiskPolicy) {
    for merge_drop in [false, true] {
        let games: Vec<&Game1> = corpus
            .games
            .iter()
            .filter(|game| game.class.plays_merge_drop() == merge_drop)
            .collect();
        let time = |inspect: bool| {
            let started = std::time::Instant::now();
            for game in &games {
                let (index, seed, inputs) = &game.replay;
                let level = &levels[*index].0;
                let mut quality = PlayQuality::default();
                let result = replay_inspected(level, *seed, inputs, |game, input| {
                    if inspect {
                        quality.inspect(game, input)
                    }
                });
                assert!(result.is_ok(), "a corpus game replays");
            }
            started.elapsed().as_secs_f64() * 1e6 / games.len().max(1) as f64
        };
        let (plain, inspected) = (time(false), time(true));
        let measured = games
            .iter()
            .filter(|game| measures_quality(policy, game))
            .count();
        let share = measured as f64 / games.len().max(1) as f64;
        // A cheaply measured game is replayed once, with quality; a costly one twice: once to
        // time it, once with the bots.
        let judged = if merge_drop {
            plain + share * (inspected - plain)
        } else {
            plain + share * inspected
        };
        let ratio = |us: f64| us / plain.max(f64::MIN_POSITIVE);
        println!(
            "{} replay per game, one core: {plain:.0} us timings only, {inspected:.0} us with \
             play quality ({:.1}x); the shipped policy measures it on {measured} of {} games \
             ({:.1}%): judging costs {judged:.0} us a game on average ({:.2}x)",
            if merge_drop { "merge-drop" } else { "match-3" },
            ratio(inspected),
            games.len(),
            share * 100.0,
            ratio(judged),
        );
    }
}

pub fn run() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let levels: Vec<(Level, String)> = crate::levels::shipped_levels()?
        .into_iter()
        .map(|file| {
            let id = file.level.id.clone();
            (file.level, id)
        })
        .collect();
    let payouts = PayoutBook::load_dir(&root.join("assets/payouts"))?;
    let shipped = RiskPolicy::from_json("assets/risk/policy.json", RISK_POLICY_DEFAULT.as_bytes())?;
    let started = std::time::Instant::now();
    let corpus = build(&levels, &payouts)?;
    println!(
        "risk corpus: seed {SEED:#x}, {} games on {} match-3 and merge-drop levels ({} players), built in {:.1} s",
        corpus.games.len(),
        levels.len(),
        corpus
            .games
            .iter()
            .map(|game| game.player)
            .max()
            .map_or(0, |max| max + 1),
        started.elapsed().as_secs_f64()
    );
    replay_cost(&levels, &corpus, &shipped);
    let (tuning, testing): (Vec<&Game1>, Vec<&Game1>) =
        corpus.games.iter().partition(|game| game.player % 2 == 0);
    let tuned = tune(&shipped, &tuning);
    let mut before = shipped.clone();
    for kind in NEW_KINDS {
        before.weights.insert(kind, 0.0);
    }
    report(
        "shipped policy without the new play-quality signals, held-out half",
        &before,
        &testing,
    );
    report("shipped policy, held-out half", &shipped, &testing);
    report(
        "weights and thresholds tuned on the other half, held-out half",
        &tuned,
        &testing,
    );
    println!(
        "\ntuned policy (for --risk-policy):\n{}",
        serde_json::to_string_pretty(&tuned)?
    );
    Ok(())
}
