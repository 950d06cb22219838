//! Tuning is reproducible from its seed and the level-pack gate names what fails.

use std::path::Path;

use game_core::Level;
use playproof_designer::tune::{gate, tune, GateFailure, TuneConfig, TuneLevel};
use playproof_designer::tune_report::json;
use playproof_payout::{Basis, PayoutBook, PayoutTable, Tier};

fn shipped(relative: &str) -> TuneLevel {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/levels")
        .join(relative);
    TuneLevel {
        path: relative.to_string(),
        level: Level::from_json(&std::fs::read(path).unwrap()).unwrap(),
    }
}

fn config(games: u32, seed: u64, threads: usize) -> TuneConfig {
    TuneConfig {
        games,
        seed,
        threads,
    }
}

#[test]
fn the_same_seed_gives_the_same_report_on_any_thread_count() {
    // A small merge-drop level: its games at the fastest legal pace are short in a debug build.
    let (merge, payouts) = pack("within-budget-at-fastest-pace");
    let levels = [shipped("match3/m3-01-first-steps.json"), merge];
    let one = tune(&levels, &payouts, config(6, 42, 1), |_, _| {});
    let three = tune(&levels, &payouts, config(6, 42, 3), |_, _| {});
    assert_eq!(json(&one), json(&three));
    let other_seed = tune(&levels, &payouts, config(6, 43, 2), |_, _| {});
    assert_ne!(json(&one), json(&other_seed));
}

#[test]
fn a_report_covers_every_bot_of_the_ladder_with_consistent_counts() {
    let levels = [shipped("match3/m3-01-first-steps.json")];
    let report = tune(&levels, &PayoutBook::default(), config(20, 1, 2), |_, _| {});
    let bots: Vec<&str> = report.levels[0]
        .bots
        .iter()
        .map(|bot| bot.bot.as_str())
        .collect();
    assert_eq!(bots, ["random", "greedy", "lookahead"]);
    for bot in &report.levels[0].bots {
        assert_eq!(bot.games, 20);
        assert_eq!(bot.stars.iter().sum::<u32>(), 20);
        assert!(bot.pass_rate_low <= bot.pass_rate && bot.pass_rate <= bot.pass_rate_high);
        assert!(bot.score_p10 <= bot.score_p50 && bot.score_p50 <= bot.score_p90);
    }
}

#[test]
fn the_gate_fails_a_level_whose_expected_payout_exceeds_its_budget() {
    let levels = [shipped("match3/m3-01-first-steps.json")];
    let stingy = PayoutBook::new(
        vec![PayoutTable {
            level_id: "m3-01-first-steps".into(),
            basis: Basis::Stars,
            tiers: vec![Tier {
                at_least: 1,
                payout_fen: 100,
            }],
            sponsor: None,
            budget_per_play_fen: Some(1),
            pays_on_loss: true,
        }],
        vec![],
    )
    .unwrap();
    let report = tune(&levels, &stingy, config(10, 5, 2), |_, _| {});
    let failures = gate(&report);
    assert!(
        failures.iter().any(|failure| matches!(
            failure,
            GateFailure::OverBudget { level_id, bot, budget_fen: 1, .. }
                if level_id == "m3-01-first-steps" && bot == "greedy"
        )),
        "{failures:?}"
    );
}

#[test]
fn the_gate_fails_a_level_no_bot_can_pass() {
    // A score target no three moves can reach on a small board.
    let text = r#"{"id": "m3-unwinnable", "name": "Unwinnable", "game": {"match3": {
        "layout": [".....", ".....", ".....", ".....", "....."],
        "colors": 6, "moves": 1, "objectives": [{"score": 2000}], "stars": [2000]}}}"#;
    let levels = [TuneLevel {
        path: "inline".into(),
        level: Level::from_json(text.as_bytes()).unwrap(),
    }];
    let report = tune(&levels, &PayoutBook::default(), config(10, 9, 2), |_, _| {});
    assert_eq!(
        gate(&report),
        vec![GateFailure::Impossible {
            level_id: "m3-unwinnable".into(),
            bot: "lookahead".into(),
            games: 10,
        }]
    );
    assert_eq!(
        report.levels[0].difficulty,
        playproof_designer::tune::Difficulty::Impossible
    );
}

fn pack(name: &str) -> (TuneLevel, PayoutBook) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/packs")
        .join(name);
    let level = root.join("levels/one.json");
    let tune_level = TuneLevel {
        path: level.display().to_string(),
        level: Level::from_json(&std::fs::read(level).unwrap()).unwrap(),
    };
    (
        tune_level,
        PayoutBook::load_dir(&root.join("payouts")).unwrap(),
    )
}

#[test]
fn the_gate_fails_a_merge_drop_table_that_overspends_only_at_the_fastest_legal_pace() {
    // Dropping at a person's pace never reaches the 10 fen tier; dropping every cooldown does.
    let (level, payouts) = pack("over-budget-at-fastest-pace");
    let report = tune(&[level], &payouts, config(4, 3, 2), |_, _| {});
    let level = &report.levels[0];
    assert!(!level.fastest_pace_is_tuning_pace);
    assert_eq!(level.fastest_pace.bot, "heuristic");
    assert_eq!(level.fastest_pace.games, 4);
    let messages: Vec<String> = gate(&report).iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        ["one: at the fastest pace the verifier accepts (acting the moment the game takes input, inputs at least 6 ticks (0.1 s) apart) the heuristic bot is paid 10.00 ± 0.00 fen per play (median score 519, 4 games; 2.00 at a person's pace), over the table's budget_per_play_fen of 3 [over-budget-at-fastest-pace]"]
    );
}

#[test]
fn match3_tuning_already_plays_at_the_fastest_legal_pace() {
    let levels = [shipped("match3/m3-01-first-steps.json")];
    let report = tune(&levels, &PayoutBook::default(), config(6, 2, 2), |_, _| {});
    let level = &report.levels[0];
    assert!(level.fastest_pace_is_tuning_pace);
    let strongest = level.bots.last().unwrap();
    assert_eq!(level.fastest_pace.bot, strongest.bot);
    assert_eq!(level.fastest_pace.games_played, strongest.games_played);
}
