//! The rulebook, cascades: pieces fall into new lines, each later wave scores more, and a line
//! made by falling pieces creates its special along its own line.

mod match3_support;

use game_core::match3::Event;
use game_core::Direction::Up;
use game_core::{Action, Cell, Event as GameEvent, Game};
use match3_support::{check, level, swap};

const FIELDS: &str = r#""layout": [".....", ".....", ".....", ".....", "....."],
    "pieces": ["P O G P O", "O P B O Y", "P R R G B", "Y Y B R R", "G O Y O G"],
    "colors": 6, "moves": 10, "objectives": [{"score": 5000}], "stars": [5000]"#;

#[test]
fn falling_pieces_make_a_second_wave_that_scores_double_and_makes_a_row_stripe() {
    // Y moves up: Y Y Y clears; R R fall beside R R into four in row 3 (a cascade, so the
    // stripe follows the line: a row stripe on the line's second cell).
    let result = check(FIELDS, 1, &[swap(4, 2, Up)]);
    assert_eq!(
        result.board,
        [
            "_ _ _ _ _",
            "P _ G P O",
            "O O B O Y",
            "P P R- G B",
            "G O B O G",
        ]
    );
    // Wave 1: three at 20. Wave 2: four at 20 x 2, plus the stripe at 60.
    assert_eq!(result.points, 3 * 20 + 4 * 20 * 2 + 60);
}

#[test]
fn the_game_runs_the_same_waves_as_the_rulebook_model() {
    let level = level(FIELDS);
    let mut game = Game::new(&level, 1);
    game.apply(Action::Swap {
        cell: Cell::new(4, 2),
        direction: Up,
    })
    .unwrap();
    let mut waves = Vec::new();
    while !game.is_quiescent() {
        for event in game.step() {
            if let GameEvent::Match3(Event::Wave { round, points }) = *event {
                waves.push((round, points));
            }
        }
    }
    // Wave 2 comes from pieces already on the board (with this seed the refilled top row adds
    // nothing to it); later waves depend on refills.
    assert_eq!(waves[..2], [(1, 3 * 20), (2, 4 * 20 * 2 + 60)]);
}
