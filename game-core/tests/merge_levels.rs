//! Merge-drop level files load, and validation names every problem with its field path.

use game_core::{Level, LevelError, LevelGame, Problem};

const LEVELS: [(&str, &str); 5] = [
    (
        "md-01-classic",
        include_str!("../../assets/levels/merge/md-01-classic.json"),
    ),
    (
        "md-02-funnel",
        include_str!("../../assets/levels/merge/md-02-funnel.json"),
    ),
    (
        "md-03-moon",
        include_str!("../../assets/levels/merge/md-03-moon.json"),
    ),
    (
        "md-04-tilted",
        include_str!("../../assets/levels/merge/md-04-tilted.json"),
    ),
    (
        "md-05-vase",
        include_str!("../../assets/levels/merge/md-05-vase.json"),
    ),
];

fn classic() -> serde_json::Value {
    serde_json::from_str(LEVELS[0].1).unwrap()
}

/// Validation problems of the classic level after `edit`, as `(path, allowed)` pairs.
fn problems_after(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<Problem> {
    let mut value = classic();
    edit(&mut value["game"]["merge_drop"]);
    match Level::from_json(value.to_string().as_bytes()) {
        Ok(_) => Vec::new(),
        Err(LevelError::Invalid { problems }) => problems,
        Err(other) => panic!("expected validation problems, got {other}"),
    }
}

fn paths(problems: &[Problem]) -> Vec<&str> {
    problems
        .iter()
        .map(|problem| problem.path.as_str())
        .collect()
}

#[test]
fn every_shipped_level_is_valid_and_merge_drop() {
    for (id, json) in LEVELS {
        let level =
            Level::from_json(json.as_bytes()).unwrap_or_else(|error| panic!("{id}: {error}"));
        assert_eq!(level.id, id);
        assert!(matches!(level.game, LevelGame::MergeDrop(_)), "{id}");
    }
}

#[test]
fn unknown_fields_are_refused() {
    let mut value = classic();
    value["game"]["merge_drop"]["wind"] = 3.into();
    let error = Level::from_json(value.to_string().as_bytes()).unwrap_err();
    assert!(matches!(error, LevelError::Syntax { .. }), "{error}");
    assert!(
        error.to_string().contains("unknown field `wind`"),
        "{error}"
    );
}

#[test]
fn tier_problems_are_all_reported_with_paths() {
    let problems = problems_after(|game| {
        game["tiers"][3]["radius_milli"] = 500.into(); // below tier 2's 520
        game["tiers"][4]["score"] = 0.into();
        game["tiers"][5]["color"] = "red".into();
        game["droppable_tiers"] = 0.into();
    });
    assert_eq!(
        paths(&problems),
        [
            "game.merge_drop.tiers[3].radius_milli",
            "game.merge_drop.tiers[4].score",
            "game.merge_drop.tiers[5].color",
            "game.merge_drop.droppable_tiers",
        ]
    );
    assert_eq!(problems[0].found, "500");
    assert_eq!(problems[0].allowed, "more than tier 2's 520");
    assert_eq!(
        problems[3].allowed,
        "1 to 5 (at most 5, fewer than the tiers)"
    );
}

#[test]
fn container_problems_are_reported() {
    let clockwise = problems_after(|game| {
        game["container"] =
            serde_json::json!([[4000, 12000], [4000, 0], [-4000, 0], [-4000, 12000]]);
    });
    assert!(
        paths(&clockwise).contains(&"game.merge_drop.container[0].x"),
        "{clockwise:?}"
    );
    assert!(
        paths(&clockwise).contains(&"game.merge_drop.container"),
        "{clockwise:?}"
    );

    let crossing = problems_after(|game| {
        game["container"] =
            serde_json::json!([[-4000, 12000], [3000, 0], [-3000, 0], [4000, 12000]]);
    });
    assert!(
        crossing.iter().any(|p| p.found == "wall 2 crossing wall 0"),
        "{crossing:?}"
    );

    let too_small = problems_after(|game| {
        game["container"] = serde_json::json!([[-1000, 12000], [-1000, 0], [1000, 0]]);
    });
    assert_eq!(paths(&too_small)[0], "game.merge_drop.container");
}

#[test]
fn rule_ranges_are_checked() {
    let problems = problems_after(|game| {
        game["danger_y_milli"] = 10_500.into(); // above a dropped tier-4 piece's bottom
        game["drop_cooldown_ticks"] = 2.into();
        game["stars"] = serde_json::json!([800, 300, 1500]);
        game["gravity_milli"] = serde_json::json!([0, 5000]);
    });
    assert_eq!(
        paths(&problems),
        [
            "game.merge_drop.gravity_milli[1]",
            "game.merge_drop.danger_y_milli",
            "game.merge_drop.drop_cooldown_ticks",
            "game.merge_drop.stars",
        ]
    );
    assert_eq!(
        problems[1].allowed,
        "above the floor 0 and below a dropped piece's bottom 10200"
    );
    assert_eq!(problems[2].allowed, "12 to 300");
}

#[test]
fn a_tier_too_wide_for_the_container_is_refused() {
    let problems = problems_after(|game| {
        game["container"] = serde_json::json!([[-700, 12000], [-700, 0], [700, 0], [700, 12000]]);
    });
    assert_eq!(paths(&problems), ["game.merge_drop.tiers[4].radius_milli"]);
}
