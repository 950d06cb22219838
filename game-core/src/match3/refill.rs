//! New pieces from the seeded RNG: the initial fill, which never makes a ready-made line, and
//! the refill after each cascade, which is uniform (cascades from refills are part of the game).

use super::board::{bit, Board, CellSet, Color, Piece, COLORS_MAX};
use super::detect::in_line;
use crate::kernel::input::Direction;
use crate::kernel::rng::Pcg32;

/// A uniformly drawn plain piece of `colors` colours.
pub fn draw_plain(rng: &mut Pcg32, colors: u8) -> Piece {
    Piece::Plain(Color(rng.below(u32::from(colors)) as u8))
}

/// Fills the cells of `cells` (empty free cells) in canonical order, each with a colour drawn
/// uniformly among those that make no line with the pieces already there. When every colour
/// would make a line (possible with 3 colours), any colour is drawn and the caller's shuffle
/// repairs the board.
pub fn fill_initial(board: &mut Board, cells: CellSet, colors: u8, rng: &mut Pcg32) {
    let indices = board.indices();
    for index in indices {
        if cells & bit(index) == 0 {
            continue;
        }
        // Only the colour of an orthogonal neighbour can make a line through this cell; the
        // others are allowed without looking further.
        let mut near = 0u8;
        for direction in Direction::ALL {
            if let Some(color) = board
                .step(index, direction)
                .and_then(|next| board.match_color(next))
            {
                near |= 1 << color.0;
            }
        }
        let mut allowed = [Color(0); COLORS_MAX as usize];
        let mut count = 0;
        for color in 0..colors {
            let makes_line = near & (1 << color) != 0 && {
                board.tile_mut(index).piece = Some(Piece::Plain(Color(color)));
                in_line(board, index)
            };
            if !makes_line {
                allowed[count] = Color(color);
                count += 1;
            }
        }
        let piece = if count == 0 {
            draw_plain(rng, colors)
        } else {
            Piece::Plain(allowed[rng.below(count as u32) as usize])
        };
        board.tile_mut(index).piece = Some(piece);
    }
}
