//! Loading validation: every problem reported with its field path, what was found and what is
//! allowed.

mod match3_support;

use match3_support::problems;

const VALID_TAIL: &str =
    r#""colors": 4, "moves": 20, "objectives": [{"score": 1000}], "stars": [1000, 2000, 3000]"#;

#[test]
fn a_valid_level_has_no_problems() {
    let fields = format!(r#""layout": ["....", "....", "...."], {VALID_TAIL}"#);
    assert_eq!(problems(&fields), Vec::<String>::new());
}

#[test]
fn grid_sizes_out_of_range() {
    let fields = format!(r#""layout": ["..........", ".........."], {VALID_TAIL}"#);
    assert_eq!(
        problems(&fields),
        [
            "game.match3.layout: found 2 rows; allowed: 3 to 9 rows",
            "game.match3.layout[0]: found 10 characters; allowed: 3 to 9 characters, one per column",
        ]
    );
}

#[test]
fn rows_of_the_wrong_length_and_unknown_characters() {
    let fields = format!(r#""layout": ["....", "..", "..z."], {VALID_TAIL}"#);
    assert_eq!(
        problems(&fields),
        [
            "game.match3.layout[1]: found 2 characters; allowed: 4 characters, like layout[0]",
            "game.match3.layout[2][2]: found 'z'; allowed: . (open), x (hole), # (stone), C (chocolate), 1-3 (ice layers)",
        ]
    );
}

#[test]
fn colours_moves_and_pieces_out_of_range() {
    let fields = r#""layout": ["....", "....", "...."],
        "pieces": ["R G B P", ". . . .", ". . Q+ ."],
        "colors": 7, "moves": 0, "objectives": [{"score": 10}], "stars": [10]"#;
    assert_eq!(
        problems(fields),
        [
            "game.match3.colors: found 7; allowed: 3 to 6",
            "game.match3.moves: found 0; allowed: 1 to 99",
            "game.match3.pieces[2][2]: found \"Q+\"; allowed: . (random), * (colour bomb), or a colour letter of RGBYPO alone or followed by - (row stripe), | (column stripe) or + (wrapped)",
        ]
    );
}

#[test]
fn blockers_and_pieces_on_holes() {
    let fields = format!(
        r##""layout": ["x...", "#...", "C..."],
           "jelly": ["1...", "2...", "3..."],
           "pieces": ["R . . .", "G . . .", ". . . ."], {VALID_TAIL}"##
    );
    assert_eq!(
        problems(&fields),
        [
            "game.match3.jelly[0][0]: found jelly on a hole; allowed: jelly only on open or iced cells",
            "game.match3.jelly[1][0]: found jelly on stone; allowed: jelly only on open or iced cells",
            "game.match3.jelly[2][0]: found jelly on chocolate; allowed: jelly only on open or iced cells",
            "game.match3.pieces[0][0]: found a piece on a hole; allowed: pieces only on open or iced cells (use . elsewhere)",
            "game.match3.pieces[1][0]: found a piece on stone; allowed: pieces only on open or iced cells (use . elsewhere)",
        ]
    );
}

#[test]
fn unreachable_objectives() {
    let fields = r#""layout": ["....", "....", "...."], "colors": 4, "moves": 20,
        "objectives": [{"collect": {"color": "O", "count": 0}}, "clear_jelly",
                       {"collect": {"color": "O", "count": 5}}],
        "stars": [1000]"#;
    assert_eq!(
        problems(fields),
        [
            "game.match3.objectives[0].collect.color: found \"O\"; allowed: one of the level's colours: R G B Y",
            "game.match3.objectives[0].collect.count: found 0; allowed: 1 to 999",
            "game.match3.objectives[1]: found clear_jelly on a level without jelly; allowed: clear_jelly only when the jelly rows hold some jelly",
            "game.match3.objectives[2]: found a second objective of the same kind (or colour); allowed: each kind of objective (each collect colour) once",
            "game.match3.objectives[2].collect.color: found \"O\"; allowed: one of the level's colours: R G B Y",
        ]
    );
}

#[test]
fn star_thresholds_must_increase_and_stay_plausible() {
    let fields = r#""layout": ["....", "....", "...."], "colors": 4, "moves": 20,
        "objectives": [{"score": 1000}], "stars": [3000, 3000, 99999999]"#;
    assert_eq!(
        problems(fields),
        [
            "game.match3.stars[1]: found 3000, not above stars[0] = 3000; allowed: thresholds strictly increasing",
            "game.match3.stars[2]: found 99999999; allowed: 1 to 53000 (what 20 moves could plausibly score)",
        ]
    );
}

#[test]
fn a_layout_with_no_room_for_a_line() {
    let fields = format!(r#""layout": ["x.x", ".x.", "x.x"], {VALID_TAIL}"#);
    assert_eq!(
        problems(&fields),
        ["game.match3.layout: found no 3 open cells in a line; allowed: at least one row or column with 3 open cells in a line"]
    );
    let fields = format!(r####""layout": ["###", "xxx", "CCC"], {VALID_TAIL}"####);
    assert_eq!(
        problems(&fields),
        ["game.match3.layout: found no open cell; allowed: at least one row or column with 3 open cells in a line"]
    );
}

#[test]
fn fixed_pieces_must_not_start_with_a_line() {
    let fields = format!(
        r#""layout": ["....", "....", "...."], "pieces": [". . . .", "G G G .", ". . . ."], {VALID_TAIL}"#
    );
    assert_eq!(
        problems(&fields),
        ["game.match3.pieces[1]: found a ready-made line of 3 through row 1 column 0; allowed: no line before the first move: the game starts on a still board"]
    );
}

#[test]
fn tunables_out_of_range() {
    let fields = format!(
        r#""layout": ["....", "....", "...."], {VALID_TAIL},
           "scoring": {{"piece": 0}}, "motion": {{"swap_ticks": 0, "gravity_units": 50, "fall_speed_max_units": 20}}"#
    );
    assert_eq!(
        problems(&fields),
        [
            "game.match3.scoring.piece: found 0; allowed: 1 to 10000",
            "game.match3.motion.swap_ticks: found 0; allowed: 1 to 60",
            "game.match3.motion.fall_speed_max_units: found 20; allowed: gravity_units to 1024 (a piece moves at most one cell per tick)",
        ]
    );
}

#[test]
fn unknown_fields_are_syntax_errors() {
    let fields = format!(r#""layout": ["....", "....", "...."], "colours": 4, {VALID_TAIL}"#);
    let found = problems(&fields);
    assert_eq!(found.len(), 1);
    assert!(found[0].contains("unknown field `colours`"), "{found:?}");
}

proptest::proptest! {
    /// Whatever the rows hold, loading reports problems and never panics.
    #[test]
    fn loading_never_panics(
        layout in proptest::collection::vec("[.x#C1-4z]{0,11}", 0..12),
        jelly in proptest::option::of(proptest::collection::vec("[.0-4]{0,11}", 0..12)),
        pieces in proptest::option::of(proptest::collection::vec("([.*RGBYPOQ][-|+]?[ ]?){0,11}", 0..12)),
        colors in 0u8..9,
        moves in 0u16..120,
    ) {
        let json = |value: &dyn erased::Json| value.text();
        let fields = format!(
            r#""layout": {}, "jelly": {}, "pieces": {}, "colors": {colors},
               "moves": {moves}, "objectives": [{{"score": 500}}, "clear_jelly"], "stars": [500]"#,
            json(&layout),
            json(&jelly),
            json(&pieces),
        );
        let found = problems(&fields);
        // Reaching validation, not stopping at a syntax error, is the point.
        proptest::prop_assert!(found.iter().all(|problem| !problem.starts_with("line ")), "{found:?}");
    }
}

/// JSON text for the generated values.
mod erased {
    pub trait Json {
        fn text(&self) -> String;
    }

    impl Json for Vec<String> {
        fn text(&self) -> String {
            serde_json::to_string(self).unwrap()
        }
    }

    impl Json for Option<Vec<String>> {
        fn text(&self) -> String {
            serde_json::to_string(self).unwrap()
        }
    }
}
