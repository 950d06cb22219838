//! The rulebook, the game loop: refusals, simulated falling, the seeded fill and refill, and the
//! shuffle.

mod match3_support;

use game_core::match3::{board::COLOR_LETTERS, Fall, Piece, Stage, CELL_UNITS};
use game_core::Direction::{Down, Left, Right, Up};
use game_core::{Action, Cell, Direction, Game, Refusal};
use match3_support::{finished, level, play, render, settle};

/// 5x5 with a hole, stone, ice and chocolate, and a known legal swap: (3,2) up makes R R R.
const BLOCKERS: &str = r#""layout": ["x.#..", "....C", "1....", ".....", "....."],
    "pieces": [". O . P .", "O P B O .", "R R Y G G", "Y B R B Y", "G Y B Y B"],
    "colors": 6, "moves": 2, "objectives": [{"score": 9000}], "stars": [9000]"#;

fn swap_action(row: u8, col: u8, direction: Direction) -> Action {
    Action::Swap {
        cell: Cell::new(row, col),
        direction,
    }
}

/// Asserts `action` is refused with `refusal` and changes nothing.
fn assert_refused(game: &mut Game, action: Action, refusal: Refusal) {
    let before = game.state_hash();
    assert_eq!(game.apply(action), Err(refusal), "{action:?}");
    assert_eq!(
        game.state_hash(),
        before,
        "refusing {action:?} changed the state"
    );
}

#[test]
fn illegal_inputs_are_refused_without_changing_anything() {
    let level = level(BLOCKERS);
    let mut game = Game::new(&level, 7);
    assert_refused(&mut game, swap_action(5, 0, Up), Refusal::OutsideGrid);
    assert_refused(&mut game, swap_action(0, 4, Right), Refusal::OutsideGrid);
    assert_refused(&mut game, swap_action(0, 0, Up), Refusal::OutsideGrid);
    assert_refused(&mut game, swap_action(200, 200, Left), Refusal::OutsideGrid);
    assert_refused(&mut game, swap_action(0, 0, Right), Refusal::Hole);
    assert_refused(&mut game, swap_action(0, 1, Left), Refusal::Hole);
    assert_refused(&mut game, swap_action(0, 2, Down), Refusal::Immovable);
    assert_refused(&mut game, swap_action(1, 3, Right), Refusal::Immovable);
    assert_refused(&mut game, swap_action(2, 0, Down), Refusal::Immovable);
    assert_refused(&mut game, swap_action(4, 0, Right), Refusal::NoMatch);
    assert_refused(&mut game, Action::Drop { x_milli: 0 }, Refusal::WrongMode);

    game.apply(swap_action(3, 2, Up)).unwrap();
    assert!(!game.accepts_input());
    assert_refused(&mut game, swap_action(4, 0, Right), Refusal::BoardNotStable);
    game.step();
    assert_refused(&mut game, swap_action(4, 0, Right), Refusal::BoardNotStable);
    settle(&mut game);
    assert!(game.accepts_input());

    // Spend the last move on any legal swap: the game is lost and refuses everything.
    let (cell, direction) = game.match3().unwrap().legal_swaps()[0];
    play(&mut game, cell.row, cell.col, direction);
    assert_eq!(finished(&game), Some(false));
    assert_refused(&mut game, swap_action(3, 2, Up), Refusal::GameOver);
}

#[test]
fn a_falling_piece_accelerates_by_gravity_up_to_the_top_speed_and_lands_exactly() {
    let level = level(
        r#""layout": [".....", ".....", ".....", ".....", "....."],
           "pieces": ["P O G P O", "O P B O Y", "R R Y G G", "Y B R B Y", "G Y B Y B"],
           "colors": 6, "moves": 5, "objectives": [{"score": 20000}], "stars": [20000],
           "motion": {"swap_ticks": 4, "clear_ticks": 3, "gravity_units": 300,
                      "fall_speed_max_units": 500}"#,
    );
    let mut game = Game::new(&level, 3);
    game.apply(swap_action(3, 2, Up)).unwrap();
    // Swap ticks, then the wave and the clear pause; gravity starts on the last pause tick.
    let mut ticks = 0;
    while game.match3().unwrap().stage() != Stage::Falling {
        game.step();
        ticks += 1;
    }
    assert_eq!(ticks, 4 + 3);
    // (1,0) fell one row into (2,0): it starts one cell up, at rest, then gains 300 units per
    // tick up to 500: 1024 -> 724 -> 224 -> 0, landing on the third tick.
    let fall = |game: &Game| {
        game.match3()
            .unwrap()
            .fall(game.kernel(), Cell::new(2, 0))
            .unwrap()
    };
    assert_eq!(
        fall(&game),
        Fall {
            offset_units: CELL_UNITS,
            velocity_units: 0
        }
    );
    let mut path = Vec::new();
    for _ in 0..3 {
        assert!(!game.accepts_input());
        game.step();
        let now = fall(&game);
        path.push((now.offset_units, now.velocity_units));
    }
    assert_eq!(path, [(724, 300), (224, 500), (0, 0)]);
}

#[test]
fn the_seeded_fill_makes_no_line_and_leaves_a_legal_swap() {
    let level = level(
        r#""layout": [".........", ".........", ".........", ".........", ".........",
                      ".........", ".........", ".........", "........."],
           "colors": 3, "moves": 20, "objectives": [{"score": 5000}], "stars": [5000]"#,
    );
    let mut boards = Vec::new();
    for seed in 0..100 {
        let game = Game::new(&level, seed);
        let match3 = game.match3().unwrap();
        let board = match3.board();
        assert!(!game_core::match3::detect::has_line(board), "seed {seed}");
        assert!(!match3.legal_swaps().is_empty(), "seed {seed}");
        boards.push(render(board));
        // The same seed always gives the same board.
        assert_eq!(Game::new(&level, seed).state_hash(), game.state_hash());
    }
    boards.sort();
    boards.dedup();
    assert_eq!(boards.len(), 100, "every seed gives its own board");
}

#[test]
fn refill_after_a_move_comes_from_the_seed() {
    let level = level(
        r#""layout": [".....", ".....", ".....", ".....", "....."],
           "pieces": ["P O G P O", "O P B O Y", "R R Y G G", "Y B R B Y", "G Y B Y B"],
           "colors": 6, "moves": 5, "objectives": [{"score": 20000}], "stars": [20000]"#,
    );
    let after = |seed| {
        let mut game = Game::new(&level, seed);
        play(&mut game, 3, 2, Up);
        let board = game.match3().unwrap().board().clone();
        // Every open cell is filled again once the board is still.
        assert!(render(&board).iter().all(|row| !row.contains('_')));
        (render(&board), game.state_hash())
    };
    assert_eq!(after(11), after(11));
    let distinct: std::collections::BTreeSet<_> = (0..20).map(|seed| after(seed).0).collect();
    assert!(distinct.len() > 10, "refills depend on the seed");
}

fn piece_counts(game: &Game) -> Vec<(char, usize)> {
    let board = game.match3().unwrap().board();
    COLOR_LETTERS
        .iter()
        .map(|&letter| {
            let count = board
                .indices()
                .filter(|&index| {
                    board
                        .piece(index)
                        .and_then(Piece::color)
                        .map(|c| c.letter())
                        == Some(letter)
                })
                .count();
            (letter, count)
        })
        .collect()
}

#[test]
fn a_board_without_a_legal_swap_is_shuffled_into_one_with_a_swap_and_no_line() {
    // Colour (2r + c) mod 6: no two pieces of a colour can ever be lined up by one swap.
    let rows: Vec<String> = (0..6)
        .map(|row| {
            (0..6)
                .map(|col| COLOR_LETTERS[(2 * row + col) % 6].to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let level = level(&format!(
        r#""layout": ["......", "......", "......", "......", "......", "......"],
           "pieces": {rows:?}, "colors": 6, "moves": 5, "objectives": [{{"score": 1000}}],
           "stars": [1000]"#
    ));
    for seed in 0..30 {
        let game = Game::new(&level, seed);
        let match3 = game.match3().unwrap();
        assert_ne!(
            render(match3.board()),
            rows,
            "seed {seed}: the board was shuffled"
        );
        assert!(!game_core::match3::detect::has_line(match3.board()));
        assert!(!match3.legal_swaps().is_empty());
        assert!(piece_counts(&game).iter().all(|&(_, count)| count == 6));
    }
}
