//! Properties: random legal play on every kind of board never panics, keeps the board's
//! invariants at every still point, and replays to the same hashes.

mod match3_support;

use game_core::match3::{detect, Ground};
use game_core::{replay, Action, Cell, Game, Input, Level, Phase};
use proptest::prelude::*;

const LEVELS: [&str; 4] = [
    include_str!("../../assets/levels/match3/m3-10-gauntlet.json"),
    include_str!("../../assets/levels/match3/m3-03-three-colours.json"),
    include_str!("../../assets/levels/match3/m3-09-fireworks.json"),
    include_str!("../../assets/levels/match3/m3-08-chocolate.json"),
];

/// Longest a move may take to settle, in ticks: generous, so a hang shows as a failure.
const MOVE_TICKS_MAX: u32 = 5_000;

fn assert_still_board_invariants(game: &Game) {
    let match3 = game.match3().unwrap();
    let board = match3.board();
    assert!(!detect::has_line(board), "a still board has no line");
    for index in board.indices() {
        let tile = board.tile(index);
        assert!(tile.ice <= 3 && tile.jelly <= 3);
        match tile.ground {
            Ground::Open => assert!(tile.piece.is_some(), "a still board is full"),
            _ => assert!(tile.piece.is_none() && tile.ice == 0),
        }
        if let Some(fall) = match3.fall(game.kernel(), game_core::match3::Board::cell(index)) {
            assert_eq!(fall.offset_units, 0);
            assert_eq!(fall.velocity_units, 0);
        }
    }
    if game.phase() == Phase::Playing {
        assert!(
            !match3.legal_swaps().is_empty(),
            "a playable board has a move"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_legal_play_keeps_the_invariants_and_replays_exactly(
        level_number in 0usize..LEVELS.len(),
        seed in any::<u64>(),
        choices in proptest::collection::vec((any::<u32>(), 0u32..40), 1..40),
    ) {
        let level = Level::from_json(LEVELS[level_number].as_bytes()).unwrap();
        let mut game = Game::new(&level, seed);
        let mut inputs = Vec::new();
        assert_still_board_invariants(&game);
        for (choice, wait_ticks) in choices {
            if game.phase() != Phase::Playing {
                break;
            }
            for _ in 0..wait_ticks {
                game.step();
            }
            let swaps = game.match3().unwrap().legal_swaps();
            let (cell, direction) = swaps[choice as usize % swaps.len()];
            let score = game.score();
            let moves_left = game.match3().unwrap().moves_left();
            let action = Action::Swap { cell, direction };
            inputs.push(Input { tick: game.tick(), action });
            game.apply(action).unwrap();
            prop_assert_eq!(game.match3().unwrap().moves_left(), moves_left - 1);
            // Out-of-grid swaps are refused mid-move too, and change nothing.
            let hash = game.state_hash();
            let refused = game.apply(Action::Swap { cell: Cell::new(9, 9), direction });
            prop_assert!(refused.is_err());
            prop_assert_eq!(game.state_hash(), hash);
            let mut ticks = 0;
            while !game.is_quiescent() {
                game.step();
                ticks += 1;
                prop_assert!(ticks < MOVE_TICKS_MAX, "move never settled");
            }
            prop_assert!(game.score() >= score);
            assert_still_board_invariants(&game);
        }
        let outcome = replay(&level, seed, &inputs).unwrap();
        prop_assert_eq!(outcome.final_hash, game.state_hash());
        prop_assert_eq!(outcome.score, game.score());
    }
}

proptest! {
    /// The bit-mask line finder and the cell-by-cell one agree on every board shape.
    #[test]
    fn line_masks_agree_with_the_cell_scan(
        rows in 3u8..=9,
        cols in 3u8..=9,
        cells in proptest::collection::vec(0u8..5, 81),
    ) {
        use game_core::match3::{board::bit, Board, Color, Piece, Tile};
        let mut board = Board::new(rows, cols);
        for index in board.indices() {
            // 0-2: a colour; 3: a colour bomb (never in a line); 4: a hole.
            *board.tile_mut(index) = match cells[index] {
                4 => Tile::HOLE,
                code => Tile {
                    ground: Ground::Open,
                    ice: 0,
                    jelly: 0,
                    piece: Some(if code == 3 { Piece::ColorBomb } else { Piece::Plain(Color(code)) }),
                },
            };
        }
        let scanned = board
            .indices()
            .filter(|&index| detect::in_line(&board, index))
            .fold(0, |set, index| set | bit(index));
        prop_assert_eq!(detect::line_cells(&board), scanned);
        let grouped = detect::find_groups(&board, None)
            .as_slice()
            .iter()
            .fold(0, |set, group| set | group.cells);
        prop_assert_eq!(grouped, scanned);
    }
}
