//! End-of-move blocker effects: chocolate spreads into one neighbouring cell after any move in
//! which no chocolate was destroyed.

use super::board::{Board, Ground, Piece, CELLS_MAX};
use crate::kernel::input::Direction;
use crate::kernel::rng::Pcg32;

/// Spreads chocolate to one plain piece next to it (no ice, no jelly beneath, so the other
/// objectives stay reachable), drawn uniformly from the candidates in canonical cell order.
/// Returns the cell taken and the piece it swallowed.
pub fn spread_chocolate(board: &mut Board, rng: &mut Pcg32) -> Option<(usize, Piece)> {
    let mut candidates = [0u8; CELLS_MAX];
    let mut count = 0;
    for index in board.indices() {
        let tile = board.tile(index);
        let takeable =
            tile.is_free() && tile.jelly == 0 && matches!(tile.piece, Some(Piece::Plain(_)));
        let next_to_chocolate = Direction::ALL.iter().any(|&direction| {
            board
                .step(index, direction)
                .is_some_and(|next| board.tile(next).ground == Ground::Chocolate)
        });
        if takeable && next_to_chocolate {
            candidates[count] = index as u8;
            count += 1;
        }
    }
    if count == 0 {
        return None;
    }
    let index = usize::from(candidates[rng.below(count as u32) as usize]);
    let tile = board.tile_mut(index);
    let piece = tile.piece.take()?;
    tile.ground = Ground::Chocolate;
    Some((index, piece))
}
