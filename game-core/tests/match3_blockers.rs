//! The rulebook, blockers: ice, jelly, stone, holes and chocolate. Boards are exact; cells the
//! refill would fill show as `_`.

mod match3_support;

use game_core::match3::{Event, Ground};
use game_core::Direction::Up;
use game_core::{Event as GameEvent, Game};
use match3_support::{check, level, settle, swap};

fn fields(layout: [&str; 5], jelly: Option<[&str; 5]>, pieces: [&str; 5]) -> String {
    let jelly = jelly.map_or(String::new(), |rows| format!(r#""jelly": {rows:?},"#));
    format!(
        r#""layout": {layout:?}, {jelly} "pieces": {pieces:?}, "colors": 6, "moves": 10,
           "objectives": [{{"score": 1000}}], "stars": [1000, 2000, 3000]"#
    )
}

const OPEN: [&str; 5] = [".....", ".....", ".....", ".....", "....."];

#[test]
fn a_match_cracks_one_ice_layer_and_the_iced_piece_stays_and_holds_up_its_column() {
    let level = fields(
        [".....", ".....", "2....", ".....", "....."],
        None,
        [
            "P O G P O",
            "O P B O Y",
            "R R Y G G",
            "Y B R B Y",
            "G Y B Y B",
        ],
    );
    let result = check(&level, 1, &[swap(3, 2, Up)]);
    assert_eq!(
        result.board,
        [
            "P _ _ P O",
            "O O G O Y",
            "R P B G G",
            "Y B Y B Y",
            "G Y B Y B",
        ]
    );
    assert_eq!(result.ice, [".....", ".....", "1....", ".....", "....."]);
    // Two pieces at 20 and one ice layer at 40.
    assert_eq!(result.points, 2 * 20 + 40);
}

#[test]
fn clearing_a_piece_on_jelly_removes_one_layer() {
    let level = fields(
        OPEN,
        Some([".....", ".....", "..21.", ".....", "....."]),
        [
            "P O G P O",
            "O P B O Y",
            "R R- Y G G",
            "Y B R B Y",
            "G Y B Y B",
        ],
    );
    let result = check(&level, 1, &[swap(3, 2, Up)]);
    assert_eq!(result.jelly, [".....", ".....", "..1..", ".....", "....."]);
    assert_eq!(
        result.board,
        [
            "_ _ _ _ _",
            "P O G P O",
            "O P B O Y",
            "Y B Y B Y",
            "G Y B Y B",
        ]
    );
    // Five pieces at 20 and two jelly layers at 100.
    assert_eq!(result.points, 5 * 20 + 2 * 100);
}

#[test]
fn stone_stops_falling_pieces_and_survives_a_stripe() {
    let level = fields(
        [".....", "..#..", "....#", ".....", "....."],
        None,
        [
            "P O G P O",
            "O P . O Y",
            "R R- Y G .",
            "Y B R B Y",
            "G Y B Y B",
        ],
    );
    let result = check(&level, 1, &[swap(3, 2, Up)]);
    // The row stripe clears row 2 but not its stone; nothing falls past the stone at (1,2).
    assert_eq!(
        result.board,
        [
            "_ _ G _ O",
            "P O # P Y",
            "O P _ O #",
            "Y B Y B Y",
            "G Y B Y B",
        ]
    );
    assert_eq!(result.points, 4 * 20);
}

#[test]
fn pieces_fall_past_holes() {
    let level = fields(
        [".....", ".....", "..x..", ".....", "....."],
        None,
        [
            "P O G P O",
            "O P B O Y",
            "B G . Y G",
            "R R Y O G",
            "G Y R O B",
        ],
    );
    let result = check(&level, 1, &[swap(4, 2, Up)]);
    assert_eq!(
        result.board,
        [
            "_ _ _ P O",
            "P O G O Y",
            "O P x Y G",
            "B G B O G",
            "G Y Y O B",
        ]
    );
    assert_eq!(result.points, 3 * 20);
}

#[test]
fn a_match_next_to_chocolate_destroys_it() {
    let level = fields(
        [".....", "C....", ".....", ".....", "....."],
        None,
        [
            "P O G P O",
            ". P B O Y",
            "R R Y G G",
            "Y B R B Y",
            "G Y B Y B",
        ],
    );
    let result = check(&level, 1, &[swap(3, 2, Up)]);
    assert_eq!(
        result.board,
        [
            "_ _ _ P O",
            "_ O G O Y",
            "P P B G G",
            "Y B Y B Y",
            "G Y B Y B",
        ]
    );
    // Three pieces at 20 and one chocolate at 40.
    assert_eq!(result.points, 3 * 20 + 40);
}

fn chocolate_cells(game: &Game) -> Vec<(u8, u8)> {
    let match3 = game.match3().unwrap();
    let mut cells = Vec::new();
    for row in 0..match3.rows() {
        for col in 0..match3.cols() {
            let tile = match3.tile(game_core::Cell::new(row, col)).unwrap();
            if tile.ground == Ground::Chocolate {
                cells.push((row, col));
            }
        }
    }
    cells
}

#[test]
fn chocolate_spreads_to_a_neighbour_after_a_move_that_destroyed_none_and_only_then() {
    // Chocolate in the top-left corner, the first move far away in the bottom-right.
    let level = level(
        r#""layout": ["C....", ".....", ".....", ".....", "....."],
           "pieces": [". O G P O", "O P B O Y", "B G Y P G", "Y B R P O", "G Y B R R"],
           "colors": 6, "moves": 10, "objectives": [{"score": 1000}], "stars": [1000]"#,
    );
    let mut spread_moves = 0;
    for seed in 0..20 {
        let mut game = Game::new(&level, seed);
        let before = chocolate_cells(&game);
        game.apply(game_core::Action::Swap {
            cell: game_core::Cell::new(3, 2),
            direction: game_core::Direction::Down,
        })
        .unwrap();
        let mut destroyed = 0;
        let mut spread = Vec::new();
        for _ in 0..2_000 {
            for event in game.step() {
                match event {
                    GameEvent::Match3(Event::ChocolateDestroyed { .. }) => destroyed += 1,
                    GameEvent::Match3(Event::ChocolateSpread { cell }) => {
                        spread.push((cell.row, cell.col))
                    }
                    _ => {}
                }
            }
            if game.is_quiescent() {
                break;
            }
        }
        settle(&mut game);
        let after = chocolate_cells(&game);
        if destroyed == 0 {
            spread_moves += 1;
            assert_eq!(spread.len(), 1, "seed {seed}");
            let (row, col) = spread[0];
            assert!(
                before
                    .iter()
                    .any(|&(r, c)| r.abs_diff(row) + c.abs_diff(col) == 1),
                "seed {seed}: spread to a neighbour"
            );
            assert_eq!(after.len(), before.len() + 1, "seed {seed}");
        } else {
            assert!(spread.is_empty(), "seed {seed}");
            assert_eq!(after.len() + destroyed, before.len(), "seed {seed}");
        }
    }
    assert!(spread_moves > 0, "no seed exercised the spread");
}
