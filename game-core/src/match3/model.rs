//! The bots' pure model: what a swap does to a board copy, without the RNG refill.
//!
//! The game itself is not cloneable (the ECS world is not), so planners work on [`Board`]
//! copies (about 500 bytes) with the very same wave, combo and gravity code the game runs;
//! only refills are left out, as they depend on the RNG. Evaluating a swap costs a few
//! microseconds and never allocates.

use super::board::Axis;
use super::board::Board;
use super::clear::{resolve_wave, NoEvents, WaveOutcome};
use super::detect::{check_swap, SwapInfo};
use super::gravity::fall;
use super::level::Rules;
use crate::kernel::input::{Cell, Direction};

/// Most waves resolved for one move. Every wave clears a piece or an ice layer, so a move ends
/// well before this; the bound only keeps a bug from hanging the game.
pub const ROUNDS_MAX: u16 = 200;

/// What a swap does before any refill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    /// The board after the cascade, with unrefilled cells empty.
    pub board: Board,
    /// Everything the waves did, summed.
    pub outcome: WaveOutcome,
    /// Waves that changed the board.
    pub rounds: u16,
}

/// Plays the swap of `cell` towards `direction` on a copy of `board`, resolving waves and
/// gravity (without refill) until nothing changes. `None` when the swap is not legal.
pub fn evaluate_swap(
    board: &Board,
    rules: &Rules,
    cell: Cell,
    direction: Direction,
) -> Option<Evaluation> {
    let mut board = board.clone();
    let (from, to) = check_swap(&mut board, cell, direction).ok()?;
    board.swap_pieces(from, to);
    let mut swap = Some(SwapInfo {
        from,
        to,
        axis: Axis::of(direction),
    });
    let mut total = WaveOutcome::default();
    let mut rounds = 0;
    while rounds < ROUNDS_MAX {
        let wave = resolve_wave(
            &mut board,
            swap.take(),
            &rules.scoring,
            rounds + 1,
            &mut NoEvents,
        );
        if !wave.changed() {
            break;
        }
        rounds += 1;
        total.add(&wave);
        fall(&mut board, |_, _| {});
    }
    Some(Evaluation {
        board,
        outcome: total,
        rounds,
    })
}
