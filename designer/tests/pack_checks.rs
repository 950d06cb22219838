//! Every level pack under `tests/packs/` (a `levels` folder and a `payouts` folder) is reported
//! exactly: the pack-wide checks (ids, payout tables, tiers, paths) and the play probe.

use std::path::{Path, PathBuf};

use playproof_designer::pack::{check_pack, PackOptions};

/// Probe games per level in the packs that test the probe: enough to see a level no bot
/// passes. The others skip it (a debug-build lookahead game takes a while).
const PROBE_GAMES: u32 = 2;
const PROBED_PACKS: &[&str] = &[
    "never-passed",
    "never-playable",
    "star-out-of-reach",
    "star-out-of-reach-merge",
    "stars-within-margin",
    "over-budget-at-fastest-pace",
    "within-budget-at-fastest-pace",
];

/// (pack, levels folder inside it, the report's lines).
const EXPECTED: &[(&str, &str, &[&str])] = &[
    ("duplicate-id", "levels", &[
        "duplicate-id/levels/b.json:3:9: id: found \"one\", already the id of duplicate-id/levels/a.json; allowed: an id no other level has [duplicate-id]",
    ]),
    ("duplicate-payout-table", "levels", &[
        "duplicate-payout-table/payouts/one.json:2:15: level_id: found \"one\", which duplicate-payout-table/payouts/one-again.json already pays; allowed: one payout table per level [duplicate-payout-table]",
    ]),
    ("empty-folder", "levels", &[
        "empty-folder/levels: .: an empty folder: no level files (*.json) in it or below it [no-levels]",
    ]),
    ("four-star-tier", "levels", &[
        "four-star-tier/payouts/one.json:18:19: tiers[3].at_least: found 4, which no game reaches (the level has 3 star thresholds); allowed: 0 to 3 [unreachable-tier]",
    ]),
    ("level-without-payout", "levels", &[
        "level-without-payout/levels/two.json:3:9: id: found \"two\", which no payout table names; allowed: a level with a payout table (a file in the payouts folder with \"level_id\": \"two\") [level-without-payout]",
    ]),
    ("never-passed", "levels", &[
        "never-passed/levels/one.json:5:11: warning: game: the lookahead bot passed none of 2 probe games (best score 160); run `playproof tune` to measure the pass rate [probe-never-passed]",
    ]),
    ("payout-table-in-levels", "levels", &[
        "payout-table-in-levels/levels/one-payout.json:1:1: .: this is a payout table, not a level (payout tables live in assets/payouts/) [not-a-level]",
    ]),
    ("payout-unknown-field", "levels", &[
        "payout-unknown-field/payouts/one.json:3:10: bassis: unknown field `bassis`; did you mean `basis`?",
    ]),
    ("payout-without-level", "levels", &[
        "payout-without-level/payouts/onee.json:2:15: level_id: found \"onne\", which is no level's id; allowed: the id of a level in the pack (did you mean \"one\"?) [payout-without-level]",
    ]),
    ("payout-wrong-type", "levels", &[
        "payout-wrong-type/payouts/one.json:11:25: tiers[1].payout_fen: found \"ten\" (text); allowed: a whole number, 0 to 100000",
    ]),
    ("score-tier-above-maximum", "levels", &[
        "score-tier-above-maximum/payouts/one.json:10:19: tiers[1].at_least: found 900000, which no game reaches (no game on the level can score more than 150750); allowed: 0 to 150750 [unreachable-tier]",
    ]),
    ("tier-pays-less", "levels", &[
        "tier-pays-less/payouts/one.json:11:21: tiers[1].payout_fen: found 6 for a better result than tiers[0] pays (10); allowed: at least 10 (a better result never pays less) [tier-pays-less]",
    ]),
    ("two-thresholds-three-star-tier", "levels", &[
        "two-thresholds-three-star-tier/payouts/one.json:14:19: tiers[2].at_least: found 3, which no game reaches (the level has 2 star thresholds); allowed: 0 to 2 [unreachable-tier]",
    ]),
    ("unknown-campaign", "levels", &[
        "unknown-campaign/payouts/one.json:20:20: sponsor.campaign_id: found \"spring\"; allowed: a campaign listed in campaigns.json [unknown-campaign]",
    ]),
    ("never-playable", "levels", &[
        "never-playable/levels/one.json:5:11: game: found 2 of 2 probe games over before a single move; allowed: a level the player can act on [never-playable]",
    ]),
    ("star-out-of-reach", "levels", &[
        "star-out-of-reach/levels/one.json:24:9: warning: game.match3.stars[2]: found 6000, more than 50% above the best score of the lookahead bot in 2 probe games (660); allowed: at most 990, or run `playproof tune` to see whether any bot reaches it [star-out-of-reach]",
    ]),
    ("star-out-of-reach-merge", "levels", &[
        "star-out-of-reach-merge/levels/one.json:72:25: warning: game.merge_drop.stars[2]: found 3000, more than 50% above the best score of the heuristic bot in 2 probe games (35, acting every 0.5 to 6 s like a person); allowed: at most 52, or run `playproof tune` to see whether any bot reaches it [star-out-of-reach]",
    ]),
    // The top threshold is 1.44 times the best probe score: hard, not out of reach.
    ("stars-within-margin", "levels", &[]),
    // A person-paced game earns at most 2 fen; dropping every cooldown reaches the 10 fen tier.
    ("over-budget-at-fastest-pace", "levels", &[
        "over-budget-at-fastest-pace/payouts/one.json:8:26: budget_per_play_fen: found 3, but level \"one\" pays the heuristic bot 10.00 ± 0.00 fen per play at the fastest pace the verifier accepts (acting the moment the game takes input, inputs at least 6 ticks (0.1 s) apart; median score 536 in 2 probe games); allowed: a budget of at least 10.00, or tiers that pay such play at most 3 per play on average [over-budget-at-fastest-pace]",
    ]),
    // The same level: its top tier pays no more than the budget, so no pace can overspend.
    ("within-budget-at-fastest-pace", "levels", &[]),
    ("duplicate-id", "levls", &[
        "duplicate-id/levls: .: no such file or folder; did you mean duplicate-id/levels? [missing-path]",
    ]),
];

fn packs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/packs")
}

fn report(pack: &str, levels: &str) -> Vec<String> {
    let root = packs_dir().join(pack);
    let payouts = root.join("payouts");
    let report = check_pack(&PackOptions {
        roots: vec![root.join(levels)],
        payouts: payouts.is_dir().then_some(payouts),
        probe_games: if PROBED_PACKS.contains(&pack) {
            PROBE_GAMES
        } else {
            0
        },
        probe_seed: 1,
    });
    let prefix = format!("{}/", packs_dir().display());
    report
        .findings
        .iter()
        .map(|finding| finding.to_string().replace(&prefix, ""))
        .collect()
}

#[test]
fn each_pack_gets_its_exact_report() {
    let mismatches: Vec<String> = EXPECTED
        .iter()
        .filter_map(|(pack, levels, expected)| {
            let actual = report(pack, levels);
            (actual != *expected)
                .then(|| format!("{pack}:\n  expected {expected:#?}\n  actual {actual:#?}"))
        })
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_pack_is_covered() {
    let mut on_disk: Vec<String> = std::fs::read_dir(packs_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|(pack, ..)| pack.to_string()).collect();
    listed.sort();
    listed.dedup();
    assert_eq!(on_disk, listed);
}

#[test]
fn the_shipped_pack_has_no_errors_and_no_warnings() {
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets");
    let report = check_pack(&PackOptions {
        roots: vec![assets.join("levels")],
        payouts: Some(assets.join("payouts")),
        probe_games: 0,
        probe_seed: 1,
    });
    assert_eq!((report.level_files, report.payout_files), (16, 16));
    let lines: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    assert!(lines.is_empty(), "{lines:#?}");
}
