//! The deterministic shuffle, run only when no legal swap exists: a permutation of the pieces
//! that may move which leaves no ready-made line and at least one legal swap.
//!
//! First up to [`SHUFFLE_ATTEMPTS_MAX`] uniform permutations from the seeded RNG; then a
//! constructive fallback that places three pieces of one colour in a one-swap pattern and fills
//! the rest greedily without lines. Iced pieces stay where they are.

use super::board::{Board, Color, Piece, CELLS_MAX, COLORS_MAX};
use super::detect::{has_legal_swap, has_line, in_line};
use crate::kernel::input::Direction;
use crate::kernel::rng::Pcg32;

/// Random permutations tried before the constructive fallback. On ordinary boards the first
/// attempt succeeds almost always; the bound keeps pathological boards cheap.
pub const SHUFFLE_ATTEMPTS_MAX: u32 = 32;

struct Movable {
    slots: [u8; CELLS_MAX],
    pieces: [Piece; CELLS_MAX],
    len: usize,
}

fn movable(board: &Board) -> Movable {
    let mut movable = Movable {
        slots: [0; CELLS_MAX],
        pieces: [Piece::ColorBomb; CELLS_MAX],
        len: 0,
    };
    for index in board.indices() {
        let tile = board.tile(index);
        if let (true, Some(piece)) = (tile.is_free(), tile.piece) {
            movable.slots[movable.len] = index as u8;
            movable.pieces[movable.len] = piece;
            movable.len += 1;
        }
    }
    movable
}

fn good(board: &Board) -> bool {
    !has_line(board) && has_legal_swap(board)
}

/// Rearranges the movable pieces. Returns false, with the board unchanged, when no arrangement
/// was found (too few pieces or no room for a pattern): the game then ends.
pub fn shuffle(board: &mut Board, rng: &mut Pcg32) -> bool {
    let mut found = movable(board);
    let len = found.len;
    for _ in 0..SHUFFLE_ATTEMPTS_MAX {
        rng.shuffle(&mut found.pieces[..len]);
        for position in 0..len {
            board.tile_mut(usize::from(found.slots[position])).piece = Some(found.pieces[position]);
        }
        if good(board) {
            return true;
        }
    }
    let original = board.clone();
    if construct(board, &found) {
        return true;
    }
    *board = original;
    false
}

/// The constructive fallback: for each colour with three plain pieces (most common first) and
/// each place where `a a _` has a free cell `m` beside the gap, put the three there and fill
/// the rest greedily; keep the first board that passes.
fn construct(board: &mut Board, found: &Movable) -> bool {
    let len = found.len;
    let mut counts = [0u16; COLORS_MAX as usize];
    for piece in &found.pieces[..len] {
        if let Piece::Plain(color) = piece {
            counts[usize::from(color.0)] += 1;
        }
    }
    let mut order: [u8; COLORS_MAX as usize] = core::array::from_fn(|color| color as u8);
    order.sort_by_key(|&color| (core::cmp::Reverse(counts[usize::from(color)]), color));
    let is_slot = |index: usize| found.slots[..len].contains(&(index as u8));
    for color in order {
        if counts[usize::from(color)] < 3 {
            continue;
        }
        let color = Color(color);
        for &p in &found.slots[..len] {
            let p = usize::from(p);
            for (forward, sides) in [
                (
                    Direction::Right,
                    [Direction::Up, Direction::Down, Direction::Right],
                ),
                (
                    Direction::Down,
                    [Direction::Left, Direction::Right, Direction::Down],
                ),
            ] {
                let Some(q) = board.step(p, forward) else {
                    continue;
                };
                let Some(gap) = board.step(q, forward) else {
                    continue;
                };
                if !is_slot(q) || !is_slot(gap) {
                    continue;
                }
                for side in sides {
                    let Some(m) = board.step(gap, side) else {
                        continue;
                    };
                    if is_slot(m) && try_pattern(board, found, color, [p, q, m]) {
                        return true;
                    }
                }
            }
        }
    }
    false
}

fn try_pattern(board: &mut Board, found: &Movable, color: Color, pattern: [usize; 3]) -> bool {
    let len = found.len;
    for &slot in &found.slots[..len] {
        board.tile_mut(usize::from(slot)).piece = None;
    }
    let mut used = [false; CELLS_MAX];
    for index in pattern {
        let position = (0..len)
            .find(|&position| !used[position] && found.pieces[position] == Piece::Plain(color))
            .expect("the colour has three plain pieces");
        used[position] = true;
        board.tile_mut(index).piece = Some(Piece::Plain(color));
    }
    for &slot in &found.slots[..len] {
        let slot = usize::from(slot);
        if board.piece(slot).is_some() {
            continue;
        }
        let mut choice = None;
        for (position, _) in used.iter().enumerate().take(len).filter(|(_, &used)| !used) {
            board.tile_mut(slot).piece = Some(found.pieces[position]);
            let line = in_line(board, slot);
            if choice.is_none() || !line {
                choice = Some(position);
            }
            if !line {
                break;
            }
        }
        let position = choice.expect("as many pieces as slots");
        used[position] = true;
        board.tile_mut(slot).piece = Some(found.pieces[position]);
    }
    good(board)
}
