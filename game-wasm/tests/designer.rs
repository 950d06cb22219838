//! The page's `checkLevel` (`session::level_problems`) names the rule behind a problem exactly as
//! `playproof levels check` does: both print the core's own problems.

use std::path::Path;

use game_wasm::session::level_problems;

fn problems(fixture: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../designer/tests/malformed")
        .join(fixture);
    level_problems(&std::fs::read(path).unwrap())
}

/// (fixture, the line `levels check` prints after its `file:line:column: ` prefix).
const NAMED: &[(&str, &str)] = &[
    ("no-possible-swap-strip.json", "game.match3.layout: found no swap that can ever make a line (every game is lost before its first move); allowed: two neighbouring unlocked pieces whose swap can complete 3 open cells in a line [no-possible-swap]"),
    ("collect-out-of-reach.json", "game.match3.objectives[0].collect.count: found 999; allowed: 1 to 90 (what 1 move could plausibly collect on 9 open cells) [objective-out-of-reach]"),
    ("merge-tier-wider-than-container.json", "game.merge_drop.tiers[10].radius_milli: found 3200 (a piece 6400 wide; the container is at most 6000 wide below the danger line); allowed: at most 3000 (half the container's widest span) [tier-wider-than-container]"),
    ("name-invisible.json", "name: found \"\\u{200b}\\u{200d}\\u{feff}\"; allowed: 1 to 120 characters of visible text [name-invisible]"),
];

#[test]
fn each_named_rule_reaches_the_page_in_the_clis_words() {
    for (fixture, line) in NAMED {
        assert_eq!(problems(fixture), [*line], "{fixture}");
    }
}

#[test]
fn a_fields_own_range_names_no_rule() {
    assert_eq!(
        problems("colors-too-many.json"),
        ["game.match3.colors: found 7; allowed: 3 to 6"]
    );
}
