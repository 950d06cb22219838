//! Special pieces: placing the ones shapes create, and what two specials (or a colour bomb and
//! anything) do when swapped together.
//!
//! Combos, by the pair swapped (`to` is the cell the moved piece went to):
//! - colour bomb + plain piece: clears every piece of that piece's colour;
//! - colour bomb + striped: every plain piece of the striped's colour becomes striped (rows and
//!   columns alternating by cell parity) and all of them fire;
//! - colour bomb + wrapped: every plain piece of the wrapped's colour becomes wrapped and fires;
//! - colour bomb + colour bomb: clears the whole board;
//! - striped + striped: clears the row and the column through `to`;
//! - striped + wrapped: clears the three rows and three columns centred on `to`;
//! - wrapped + wrapped: a 5x5 blast centred on `to`, twice (the second after the board lands).

use super::board::{bit, Axis, Board, CellSet, Piece};
use super::clear::{Effect, Sink, Wave, WaveOutcome};
use super::detect::SwapInfo;
use super::level::Scoring;
use super::Event;

/// The kind of combo a swap made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Combo {
    BombAndPlain,
    BombAndStriped,
    BombAndWrapped,
    BombAndBomb,
    StripedAndStriped,
    StripedAndWrapped,
    WrappedAndWrapped,
}

/// Which combo, if any, the two swapped pieces make. Order does not matter.
pub fn combo_of(a: Piece, b: Piece) -> Option<Combo> {
    use Piece::*;
    Some(match (a, b) {
        (ColorBomb, ColorBomb) => Combo::BombAndBomb,
        (ColorBomb, Striped(..)) | (Striped(..), ColorBomb) => Combo::BombAndStriped,
        (ColorBomb, Wrapped(_)) | (Wrapped(_), ColorBomb) => Combo::BombAndWrapped,
        (ColorBomb, Plain(_)) | (Plain(_), ColorBomb) => Combo::BombAndPlain,
        (Striped(..), Striped(..)) => Combo::StripedAndStriped,
        (Striped(..), Wrapped(_)) | (Wrapped(_), Striped(..)) => Combo::StripedAndWrapped,
        (Wrapped(_), Wrapped(_)) => Combo::WrappedAndWrapped,
        _ => return None,
    })
}

/// Runs the combo the swap made, if it made one, as the move's first wave.
pub fn swap_combo<S: Sink>(
    board: &mut Board,
    swap: SwapInfo,
    scoring: &Scoring,
    round: u16,
    sink: &mut S,
) -> Option<WaveOutcome> {
    let moved = board.piece(swap.to)?;
    let other = board.piece(swap.from)?;
    let combo = combo_of(moved, other)?;
    let to = swap.to;
    let cell = Board::cell(to);
    sink.emit(Event::Combo { cell, combo });
    let mut wave = Wave::new(board, sink);
    wave.outcome.specials_triggered += 2;
    // The non-bomb partner of a bomb combo.
    let partner = |a: Piece, b: Piece| if a == Piece::ColorBomb { b } else { a };
    match combo {
        Combo::BombAndBomb => {
            wave.remove_quietly(swap.from);
            wave.remove_quietly(to);
            wave.push(Effect::ClearAll);
        }
        Combo::BombAndPlain => {
            let color = partner(moved, other).match_color()?;
            let bomb = if moved == Piece::ColorBomb {
                to
            } else {
                swap.from
            };
            wave.remove_quietly(bomb);
            wave.push(Effect::ClearColor(color));
        }
        Combo::BombAndStriped | Combo::BombAndWrapped => {
            let special = partner(moved, other);
            let color = special.match_color()?;
            let bomb = if moved == Piece::ColorBomb {
                to
            } else {
                swap.from
            };
            wave.remove_quietly(bomb);
            let indices = wave.board.indices();
            for index in indices {
                if wave.board.piece(index) == Some(Piece::Plain(color)) {
                    let cell = Board::cell(index);
                    let new = match special {
                        Piece::Striped(..) if (cell.row + cell.col).is_multiple_of(2) => {
                            Piece::Striped(color, Axis::Row)
                        }
                        Piece::Striped(..) => Piece::Striped(color, Axis::Col),
                        _ => Piece::Wrapped(color),
                    };
                    wave.board.tile_mut(index).piece = Some(new);
                    wave.sink.emit(Event::SpecialCreated { cell, piece: new });
                }
            }
            wave.push(Effect::ClearColor(color));
        }
        Combo::StripedAndStriped => {
            wave.remove_quietly(swap.from);
            wave.remove_quietly(to);
            wave.push(Effect::Line(to as u8, Axis::Row));
            wave.push(Effect::Line(to as u8, Axis::Col));
        }
        Combo::StripedAndWrapped => {
            wave.remove_quietly(swap.from);
            wave.remove_quietly(to);
            let rows = wave.board.rows();
            let cols = wave.board.cols();
            for row in cell.row.saturating_sub(1)..=(cell.row + 1).min(rows - 1) {
                let index = wave.board.index(crate::Cell::new(row, cell.col))?;
                wave.push(Effect::Line(index as u8, Axis::Row));
            }
            for col in cell.col.saturating_sub(1)..=(cell.col + 1).min(cols - 1) {
                let index = wave.board.index(crate::Cell::new(cell.row, col))?;
                wave.push(Effect::Line(index as u8, Axis::Col));
            }
        }
        Combo::WrappedAndWrapped => {
            wave.remove_quietly(swap.from);
            let color = moved.match_color()?;
            // The piece at `to` stays to blast a second time once the board has landed.
            wave.transform_quietly(to, Piece::Detonating(color, 2));
            wave.push(Effect::Blast(to as u8, 2));
        }
    }
    wave.drain();
    Some(wave.finish(scoring, round))
}

/// Places a new special made by a shape. Its cell was cleared by the match; if something still
/// stands there (an iced piece keeps its place, a wrapped piece waits to blast again), the special
/// goes to the shape's first empty cell instead, and is lost only if there is none.
pub(super) fn place<S: Sink>(wave: &mut Wave<'_, S>, cells: CellSet, index: usize, piece: Piece) {
    let target = if wave.board.piece(index).is_none() {
        Some(index)
    } else {
        let mut rest = cells & !bit(index);
        let mut found = None;
        while rest != 0 && found.is_none() {
            let candidate = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            if wave.board.piece(candidate).is_none() && wave.board.tile(candidate).is_slot() {
                found = Some(candidate);
            }
        }
        found
    };
    if let Some(target) = target {
        wave.board.tile_mut(target).piece = Some(piece);
        wave.outcome.specials_created += 1;
        let cell = Board::cell(target);
        wave.sink.emit(Event::SpecialCreated { cell, piece });
    }
}
