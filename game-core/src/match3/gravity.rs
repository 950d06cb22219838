//! Gravity and refill, column by column.
//!
//! A column is cut into segments by solid cells (stone, chocolate, iced pieces); holes are
//! transparent, so pieces fall past them. Within a segment the pieces drop to its lowest free
//! cells keeping their order, and the empty cells left at its top are refilled: new pieces enter
//! from just above the segment, so cells under a stone are refilled too and a stable board is
//! always full.

use super::board::{Board, Ground, Piece, Tile, GRID_ROWS_MAX, STRIDE};

/// How a cell behaves for gravity.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fall {
    /// Pieces pass through.
    Transparent,
    /// Ends a segment.
    Solid,
    /// Holds a piece that may fall.
    Free,
}

fn fall_kind(tile: &Tile) -> Fall {
    match tile.ground {
        Ground::Hole => Fall::Transparent,
        Ground::Stone | Ground::Chocolate => Fall::Solid,
        Ground::Open if tile.ice > 0 => Fall::Solid,
        Ground::Open => Fall::Free,
    }
}

/// The free cells of each segment of column `col`, top to bottom, passed to `visit` as
/// (segment top row, cells top to bottom).
fn segments(board: &Board, col: usize, mut visit: impl FnMut(u8, &[usize])) {
    let mut cells = [0usize; GRID_ROWS_MAX as usize];
    let mut len = 0;
    let mut top = 0u8;
    for row in 0..usize::from(board.rows()) {
        let index = row * STRIDE + col;
        match fall_kind(board.tile(index)) {
            Fall::Transparent => {}
            Fall::Free => {
                cells[len] = index;
                len += 1;
            }
            Fall::Solid => {
                if len > 0 {
                    visit(top, &cells[..len]);
                }
                len = 0;
                top = row as u8 + 1;
            }
        }
    }
    if len > 0 {
        visit(top, &cells[..len]);
    }
}

/// Drops every piece to the lowest free cell of its segment. `moved(from, to)` is called for
/// each piece that falls, columns left to right, pieces bottom to top.
pub fn fall(board: &mut Board, mut moved: impl FnMut(usize, usize)) {
    for col in 0..usize::from(board.cols()) {
        let mut runs = [[0usize; GRID_ROWS_MAX as usize]; GRID_ROWS_MAX as usize];
        let mut lens = [0usize; GRID_ROWS_MAX as usize];
        let mut count = 0;
        segments(board, col, |_, cells| {
            runs[count][..cells.len()].copy_from_slice(cells);
            lens[count] = cells.len();
            count += 1;
        });
        for segment in 0..count {
            let cells = &runs[segment][..lens[segment]];
            // Bottom-up: `target` is the lowest free cell not yet filled.
            let mut target = cells.len();
            for source in (0..cells.len()).rev() {
                let Some(piece) = board.piece(cells[source]) else {
                    continue;
                };
                target -= 1;
                if target != source {
                    board.tile_mut(cells[source]).piece = None;
                    board.tile_mut(cells[target]).piece = Some(piece);
                    moved(cells[source], cells[target]);
                }
            }
        }
    }
}

/// Fills every empty free cell with `draw()`, columns left to right, each segment's cells bottom
/// to top. `spawned(index, rows)` gets each new piece and how many rows above its cell it enters.
pub fn refill(
    board: &mut Board,
    mut draw: impl FnMut() -> Piece,
    mut spawned: impl FnMut(usize, Piece, u8),
) {
    for col in 0..usize::from(board.cols()) {
        let mut fills = [(0usize, 0u8); GRID_ROWS_MAX as usize];
        let mut fill_count = 0;
        segments(board, col, |top, cells| {
            let empty = cells
                .iter()
                .filter(|&&index| board.piece(index).is_none())
                .count();
            // After `fall`, the empty cells are the segment's topmost ones. The j-th from the
            // bottom enters at row `top - 1 - j`, so the new pieces arrive stacked in order.
            for j in 0..empty {
                let index = cells[empty - 1 - j];
                let row = (index / STRIDE) as i32;
                let rows = row - (i32::from(top) - 1 - j as i32);
                fills[fill_count] = (index, rows as u8);
                fill_count += 1;
            }
        });
        for &(index, rows) in &fills[..fill_count] {
            let piece = draw();
            board.tile_mut(index).piece = Some(piece);
            spawned(index, piece, rows);
        }
    }
}
