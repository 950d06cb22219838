//! Every malformed level fixture under `tests/malformed/` is reported exactly as a designer
//! reads it: file, line, column, field path, what was found and what is allowed.

use std::path::Path;

use playproof_designer::check::check_bytes;

/// (fixture, the report's lines).
const EXPECTED: &[(&str, &[&str])] = &[
    ("clear-jelly-without-jelly.json", &[
        "clear-jelly-without-jelly.json:19:9: game.match3.objectives[0]: found clear_jelly on a level without jelly; allowed: clear_jelly only when the jelly rows hold some jelly",
    ]),
    ("collect-missing-colour.json", &[
        "collect-missing-colour.json:21:22: game.match3.objectives[0].collect.color: found \"O\"; allowed: one of the level's colours: R G B Y",
    ]),
    ("colors-negative.json", &[
        "colors-negative.json:16:18: game.match3.colors: found -1; allowed: 3 to 6",
    ]),
    ("colors-too-many.json", &[
        "colors-too-many.json:16:17: game.match3.colors: found 7; allowed: 3 to 6",
    ]),
    ("grid-too-tall.json", &[
        "grid-too-tall.json:7:17: game.match3.layout: found 10 rows; allowed: 3 to 9 rows",
    ]),
    ("id-with-spaces.json", &[
        "id-with-spaces.json:3:9: id: found \"Level One\"; allowed: 1 to 64 characters of a-z, 0-9 and -",
    ]),
    ("jelly-on-a-hole.json", &[
        "jelly-on-a-hole.json:29:9: game.match3.jelly[0][0]: found jelly on a hole; allowed: jelly only on open or iced cells",
    ]),
    ("layout-no-playable-cell.json", &[
        "layout-no-playable-cell.json:7:17: game.match3.layout: found no open cell; allowed: at least one row or column with 3 open cells in a line",
    ]),
    ("layout-ragged.json", &[
        "layout-ragged.json:11:9: game.match3.layout[3]: found 6 characters; allowed: 7 characters, like layout[0]",
    ]),
    ("layout-unknown-character.json", &[
        "layout-unknown-character.json:10:9: game.match3.layout[2][3]: found 'Z'; allowed: . (open), x (hole), # (stone), C (chocolate), 1-3 (ice layers)",
    ]),
    ("merge-colour-not-hex.json", &[
        "merge-colour-not-hex.json:41:20: game.merge_drop.tiers[0].color: found \"red\"; allowed: #rrggbb",
    ]),
    ("merge-container-too-few-points.json", &[
        "merge-container-too-few-points.json:7:20: game.merge_drop.container: found 2 points; allowed: 4 to 33 points",
    ]),
    ("merge-danger-line-above-container.json", &[
        "merge-danger-line-above-container.json:32:25: game.merge_drop.danger_y_milli: found 15000; allowed: above the floor 0 and below a dropped piece's bottom 10200",
    ]),
    ("merge-one-tier.json", &[
        "merge-one-tier.json:37:16: game.merge_drop.tiers: found 1 tiers; allowed: 3 to 16 tiers",
    ]),
    ("merge-radii-not-increasing.json", &[
        "merge-radii-not-increasing.json:54:27: game.merge_drop.tiers[3].radius_milli: found 500; allowed: more than tier 2's 520",
    ]),
    ("merge-too-many-droppable-tiers.json", &[
        "merge-too-many-droppable-tiers.json:36:26: game.merge_drop.droppable_tiers: found 11; allowed: 1 to 5 (at most 5, fewer than the tiers)",
    ]),
    ("merge-upward-gravity.json", &[
        "merge-upward-gravity.json:27:9: game.merge_drop.gravity_milli[1]: found 30000; allowed: -80000 to -2000 (down)",
    ]),
    ("missing-game.json", &[
        "missing-game.json:5:1: .: missing field `game`",
    ]),
    ("moves-wrong-type.json", &[
        "moves-wrong-type.json:17:24: game.match3.moves: found \"fifteen\" (text); allowed: a whole number, 1 to 99",
    ]),
    ("moves-zero.json", &[
        "moves-zero.json:17:16: game.match3.moves: found 0; allowed: 1 to 99",
    ]),
    ("name-empty.json", &[
        "name-empty.json:4:11: name: found \"  \"; allowed: 1 to 120 characters of visible text",
    ]),
    ("not-an-object.json", &[
        "not-an-object.json:1:1: .: a level file must hold one JSON object",
    ]),
    ("objectives-empty.json", &[
        "objectives-empty.json:18:21: game.match3.objectives: found 0 objectives; allowed: 1 to 4 objectives",
    ]),
    ("stars-not-increasing.json", &[
        "stars-not-increasing.json:25:9: game.match3.stars[1]: found 4000, not above stars[0] = 5000; allowed: thresholds strictly increasing",
    ]),
    ("syntax-trailing-comma.json", &[
        "syntax-trailing-comma.json:17:19: game.match3: two commas in a row: delete one",
    ]),
    ("syntax-truncated.json", &[
        "syntax-truncated.json:10:13: game.match3.layout[2]: EOF while parsing a string",
    ]),
    ("unknown-game-mode.json", &[
        "unknown-game-mode.json:6:12: game: unknown variant `tetris`, expected `match3` or `merge_drop`",
    ]),
    ("unknown-match3-field.json", &[
        "unknown-match3-field.json:28:15: game.match3.gravity: unknown field `gravity`, expected one of `layout`, `jelly`, `pieces`, `colors`, `moves`, `objectives`, `stars`, `scoring`, `motion`",
    ]),
    ("unknown-top-level-field.json", &[
        "unknown-top-level-field.json:30:14: difficulty: unknown field `difficulty`, expected one of `$schema`, `id`, `name`, `game`",
    ]),
    ("bom.json", &[
        "bom.json:1:1: .: the file starts with a byte-order mark (BOM), which JSON does not allow; save it as UTF-8 without BOM",
    ]),
    ("campaigns-not-a-level.json", &[
        "campaigns-not-a-level.json:1:1: .: this is a campaign list, not a level (it lives in assets/payouts/campaigns.json) [not-a-level]",
    ]),
    ("collect-count-wrong-type.json", &[
        "collect-count-wrong-type.json:22:27: game.match3.objectives[0].collect.count: found \"lots\" (text); allowed: a whole number, 1 to 999",
    ]),
    ("collect-out-of-reach.json", &[
        "collect-out-of-reach.json:18:22: game.match3.objectives[0].collect.count: found 999; allowed: 1 to 90 (what 1 move could plausibly collect on 9 open cells) [objective-out-of-reach]",
    ]),
    ("colors-beyond-a-byte.json", &[
        "colors-beyond-a-byte.json:16:19: game.match3.colors: found 300; allowed: 3 to 6",
    ]),
    ("column-counts-characters.json", &[
        "column-counts-characters.json:4:20: .: a missing comma: put , between the two values",
    ]),
    ("comment-block.json", &[
        "comment-block.json:5:3: .: a comment (// or /* */): JSON has no comments; delete it, or keep notes outside the level file",
    ]),
    ("comment-line.json", &[
        "comment-line.json:17:20: game.match3: a comment (// or /* */): JSON has no comments; delete it, or keep notes outside the level file",
    ]),
    ("did-you-mean-colors.json", &[
        "did-you-mean-colors.json:27:13: game.match3.color: unknown field `color`; did you mean `colors`?",
    ]),
    ("did-you-mean-name.json", &[
        "did-you-mean-name.json:29:8: nmae: unknown field `nmae`; did you mean `name`?",
    ]),
    ("merge-misplaced-drop-line-once.json", &[
        "merge-misplaced-drop-line-once.json:31:23: game.merge_drop.drop_y_milli: found 15000; allowed: above the floor 0 and at most the top 12000",
    ]),
    ("merge-negative-radius-once.json", &[
        "merge-negative-radius-once.json:54:27: game.merge_drop.tiers[3].radius_milli: found -650; allowed: 150 to 4000",
    ]),
    ("merge-tier-wider-than-container.json", &[
        "merge-tier-wider-than-container.json:89:27: game.merge_drop.tiers[10].radius_milli: found 3200 (a piece 6400 wide; the container is at most 6000 wide below the danger line); allowed: at most 3000 (half the container's widest span) [tier-wider-than-container]",
    ]),
    ("merge-time-limit-negative.json", &[
        "merge-time-limit-negative.json:35:28: game.merge_drop.time_limit_ticks: found -5; allowed: 1800 to 108000",
    ]),
    ("moves-fraction.json", &[
        "moves-fraction.json:17:18: game.match3.moves: found 1.5 (a fraction); allowed: a whole number, 1 to 99",
    ]),
    ("name-invisible.json", &[
        "name-invisible.json:4:11: name: found \"\\u{200b}\\u{200d}\\u{feff}\"; allowed: 1 to 120 characters of visible text [name-invisible]",
    ]),
    ("name-too-long-in-characters.json", &[
        "name-too-long-in-characters.json:4:11: name: found 121 characters; allowed: 1 to 120 characters of visible text",
    ]),
    ("no-possible-swap-all-iced.json", &[
        "no-possible-swap-all-iced.json:7:17: game.match3.layout: found no swap that can ever make a line (every game is lost before its first move); allowed: two neighbouring unlocked pieces whose swap can complete 3 open cells in a line [no-possible-swap]",
    ]),
    ("no-possible-swap-strip.json", &[
        "no-possible-swap-strip.json:7:17: game.match3.layout: found no swap that can ever make a line (every game is lost before its first move); allowed: two neighbouring unlocked pieces whose swap can complete 3 open cells in a line [no-possible-swap]",
    ]),
    ("not-utf8.json", &[
        "not-utf8.json:4:15: .: bytes that are not UTF-8 text; save the file as UTF-8",
    ]),
    ("payout-table-not-a-level.json", &[
        "payout-table-not-a-level.json:1:1: .: this is a payout table, not a level (payout tables live in assets/payouts/) [not-a-level]",
    ]),
    ("trailing-comma-in-object.json", &[
        "trailing-comma-in-object.json:28:5: game.match3: a comma after the last item: JSON allows none before } or ]; delete it",
    ]),
    ("warning-foreign-schema.json", &[
        "warning-foreign-schema.json:2:14: warning: $schema: found \"http://json-schema.org/draft-07/schema#\"; allowed: the project's schema, e.g. \"../../schema/level.schema.json\" (editors validate against the wrong rules otherwise) [foreign-schema]",
    ]),
    ("warning-name-control-character.json", &[
        "warning-name-control-character.json:4:11: warning: name: found U+0007, an invisible or control character, at character 6; allowed: visible text and spaces [name-control-character]",
    ]),
    ("warning-objective-above-stars.json", &[
        "warning-objective-above-stars.json:20:20: warning: game.match3.objectives[0].score: found 20000, above the top star threshold 11000: a game that passes always has 3 stars, so fewer stars never show; allowed: at most 11000 [objective-above-stars]",
    ]),
];

fn report(fixture: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/malformed")
        .join(fixture);
    let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{fixture}: {error}"));
    check_bytes(Path::new(fixture), &bytes)
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn each_malformed_fixture_gets_its_exact_report() {
    let mismatches: Vec<String> = EXPECTED
        .iter()
        .filter_map(|(fixture, expected)| {
            let actual = report(fixture);
            (actual != *expected)
                .then(|| format!("{fixture}:\n  expected {expected:#?}\n  actual {actual:#?}"))
        })
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_fixture_is_covered_and_there_are_at_least_54() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = EXPECTED
        .iter()
        .map(|(fixture, _)| fixture.to_string())
        .collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(listed.len() >= 54, "{} fixtures", listed.len());
}

#[test]
fn every_shipped_level_passes_and_names_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/levels");
    let mut checked = 0;
    for mode in std::fs::read_dir(&root).unwrap() {
        for file in std::fs::read_dir(mode.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let findings = check_bytes(&path, &bytes);
            assert!(findings.is_empty(), "{findings:?}");
            // Editors find the schema through this field (VS Code also maps it in .vscode/).
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(
                value["$schema"],
                "../../schema/level.schema.json",
                "{}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} shipped levels");
}
