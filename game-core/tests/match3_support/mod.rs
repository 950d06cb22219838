//! Shared helpers for the match-3 rulebook tests: levels from short JSON bodies, boards rendered
//! in the level file's own piece notation, and one `check` function that plays swaps.
#![allow(dead_code)]

use game_core::match3::{evaluate_swap, Axis, Board, Ground, Piece};
use game_core::{Cell, Direction, Game, Level, Phase};

/// A level from the fields of its `game.match3` object.
pub fn level(match3_fields: &str) -> Level {
    let json =
        format!(r#"{{"id": "test", "name": "Test", "game": {{"match3": {{ {match3_fields} }}}}}}"#);
    Level::from_json(json.as_bytes()).unwrap_or_else(|error| panic!("{error}"))
}

/// The problems of a level that should not validate, as `path: found; allowed` lines.
pub fn problems(match3_fields: &str) -> Vec<String> {
    let json =
        format!(r#"{{"id": "test", "name": "Test", "game": {{"match3": {{ {match3_fields} }}}}}}"#);
    match Level::from_json(json.as_bytes()) {
        Ok(_) => Vec::new(),
        Err(game_core::LevelError::Invalid { problems }) => {
            problems.iter().map(|problem| problem.to_string()).collect()
        }
        Err(other) => vec![other.to_string()],
    }
}

/// One piece in level notation; `_` for an empty open cell.
pub fn token(piece: Option<Piece>) -> String {
    match piece {
        None => "_".into(),
        Some(Piece::ColorBomb) => "*".into(),
        Some(Piece::Plain(color)) => color.letter().to_string(),
        Some(Piece::Striped(color, Axis::Row)) => format!("{}-", color.letter()),
        Some(Piece::Striped(color, Axis::Col)) => format!("{}|", color.letter()),
        Some(Piece::Wrapped(color)) => format!("{}+", color.letter()),
        Some(Piece::Detonating(color, _)) => format!("{}!", color.letter()),
    }
}

/// The board as rows of space-separated tokens: pieces as in level files, `_` empty, `x` hole,
/// `#` stone, `C` chocolate.
pub fn render(board: &Board) -> Vec<String> {
    (0..board.rows())
        .map(|row| {
            (0..board.cols())
                .map(|col| {
                    let tile = board.tile_at(Cell::new(row, col)).unwrap();
                    match tile.ground {
                        Ground::Hole => "x".into(),
                        Ground::Stone => "#".into(),
                        Ground::Chocolate => "C".into(),
                        Ground::Open => token(tile.piece),
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Shorthand for a swap input.
pub fn swap(row: u8, col: u8, direction: Direction) -> (Cell, Direction) {
    (Cell::new(row, col), direction)
}

/// What `check` returns: the board after the swaps, before any refill, and the points scored.
#[derive(Debug, PartialEq, Eq)]
pub struct Checked {
    pub board: Vec<String>,
    /// Ice layers per cell, one digit each (`.` for none).
    pub ice: Vec<String>,
    /// Jelly layers per cell, one digit each (`.` for none).
    pub jelly: Vec<String>,
    pub points: u32,
}

/// One digit per cell of a layer count; `.` for zero.
pub fn layers(board: &Board, layer: impl Fn(&game_core::match3::Tile) -> u8) -> Vec<String> {
    (0..board.rows())
        .map(|row| {
            (0..board.cols())
                .map(
                    |col| match layer(board.tile_at(Cell::new(row, col)).unwrap()) {
                        0 => '.',
                        count => char::from(b'0' + count),
                    },
                )
                .collect()
        })
        .collect()
}

/// Plays `swaps` on the level's starting board (random cells from `seed`) with the game's own
/// wave, combo and gravity code, leaving refilled cells empty (`_`) so results are exact.
pub fn check(match3_fields: &str, seed: u64, swaps: &[(Cell, Direction)]) -> Checked {
    let level = level(match3_fields);
    let game = Game::new(&level, seed);
    let match3 = game.match3().unwrap();
    let rules = match3.rules().clone();
    let mut board = match3.board_snapshot();
    let mut points = 0;
    for &(cell, direction) in swaps {
        let evaluation = evaluate_swap(&board, &rules, cell, direction)
            .unwrap_or_else(|| panic!("swap {cell:?} {direction:?} is not legal"));
        points += evaluation.outcome.points;
        board = evaluation.board;
    }
    Checked {
        board: render(&board),
        ice: layers(&board, |tile| tile.ice),
        jelly: layers(&board, |tile| tile.jelly),
        points,
    }
}

/// Steps until the board is still (bounded), returning the ticks taken.
pub fn settle(game: &mut Game) -> u32 {
    let start = game.tick();
    for _ in 0..10_000 {
        if game.is_quiescent() {
            return game.tick() - start;
        }
        game.step();
    }
    panic!("board never settled");
}

/// Applies a swap and runs the move to the end.
pub fn play(game: &mut Game, row: u8, col: u8, direction: Direction) {
    game.apply(game_core::Action::Swap {
        cell: Cell::new(row, col),
        direction,
    })
    .unwrap_or_else(|refusal| panic!("swap refused: {refusal}"));
    settle(game);
}

pub fn finished(game: &Game) -> Option<bool> {
    match game.phase() {
        Phase::Playing => None,
        Phase::Finished { passed } => Some(passed),
    }
}
