//! One wave of clearing: matched shapes are cleared, the specials they hit are triggered in turn
//! (a first-in first-out queue, each effect visiting its cells in canonical order), blockers take
//! their hits, and the new specials are placed last so nothing in the same wave can destroy them.
//!
//! Each cell is hit at most once per wave: two stripes crossing a two-layer ice cell remove one
//! layer, not both. That keeps the outcome independent of the order effects overlap in.

use super::board::{bit, Axis, Board, CellSet, Color, Ground, Piece, CELLS_MAX, COLORS_MAX};
use super::detect::{find_groups, SwapInfo};
use super::level::Scoring;
use super::Event;
use crate::kernel::input::Direction;

/// Receives the events of a wave. The game forwards them to the kernel; the bots' model drops them.
pub trait Sink {
    fn emit(&mut self, event: Event);
}

/// A sink that drops every event.
pub struct NoEvents;

impl Sink for NoEvents {
    #[inline]
    fn emit(&mut self, _event: Event) {}
}

/// What one wave (or a whole move, summed) did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WaveOutcome {
    pub pieces_cleared: u16,
    /// Pieces cleared per colour.
    pub collected: [u16; COLORS_MAX as usize],
    pub specials_created: u16,
    pub specials_triggered: u16,
    pub ice_layers: u16,
    pub jelly_layers: u16,
    pub chocolate_destroyed: u16,
    pub points: u32,
}

impl WaveOutcome {
    /// True when the wave changed the board.
    pub fn changed(&self) -> bool {
        self.pieces_cleared > 0
            || self.specials_created > 0
            || self.specials_triggered > 0
            || self.ice_layers > 0
            || self.chocolate_destroyed > 0
    }

    pub fn add(&mut self, other: &WaveOutcome) {
        self.pieces_cleared += other.pieces_cleared;
        for (total, more) in self.collected.iter_mut().zip(other.collected) {
            *total += more;
        }
        self.specials_created += other.specials_created;
        self.specials_triggered += other.specials_triggered;
        self.ice_layers += other.ice_layers;
        self.jelly_layers += other.jelly_layers;
        self.chocolate_destroyed += other.chocolate_destroyed;
        self.points += other.points;
    }
}

/// A triggered effect waiting in the wave's queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Effect {
    /// Clear the row or column through a cell.
    Line(u8, Axis),
    /// Hit every cell within `radius` (Chebyshev distance) of a cell, except the cell itself.
    Blast(u8, u8),
    /// Hit every piece of one colour.
    ClearColor(Color),
    /// A colour bomb hit by another effect: clears the board's most common colour.
    ClearCommonColor,
    /// Hit every cell of the board.
    ClearAll,
}

/// The state of one wave in progress.
pub(super) struct Wave<'a, S: Sink> {
    pub board: &'a mut Board,
    pub sink: &'a mut S,
    pub outcome: WaveOutcome,
    /// Cells already hit this wave.
    hit: CellSet,
    queue: [Effect; QUEUE_MAX],
    head: usize,
    len: usize,
}

/// Most effects queued in one wave: one per cell (each cell triggers at most once per wave) plus
/// the swap combo's own effects.
const QUEUE_MAX: usize = CELLS_MAX + 8;

impl<'a, S: Sink> Wave<'a, S> {
    pub fn new(board: &'a mut Board, sink: &'a mut S) -> Self {
        Wave {
            board,
            sink,
            outcome: WaveOutcome::default(),
            hit: 0,
            queue: [Effect::ClearAll; QUEUE_MAX],
            head: 0,
            len: 0,
        }
    }

    pub fn push(&mut self, effect: Effect) {
        assert!(self.len < QUEUE_MAX, "wave effect queue overflow");
        self.queue[self.len] = effect;
        self.len += 1;
    }

    /// Runs queued effects until none is left.
    pub fn drain(&mut self) {
        while self.head < self.len {
            let effect = self.queue[self.head];
            self.head += 1;
            self.run(effect);
        }
    }

    /// Removes a piece without triggering it (a special spent in a swap combo).
    pub fn remove_quietly(&mut self, index: usize) {
        self.hit |= bit(index);
        if let Some(piece) = self.board.piece(index) {
            self.remove(index, piece);
        }
    }

    /// Turns a piece into another without clearing it (a wrapped piece spent in a combo that
    /// stays to blast again).
    pub fn transform_quietly(&mut self, index: usize, piece: Piece) {
        self.hit |= bit(index);
        self.board.tile_mut(index).piece = Some(piece);
    }

    fn remove(&mut self, index: usize, piece: Piece) {
        let tile = self.board.tile_mut(index);
        tile.piece = None;
        let jelly_left = if tile.jelly > 0 {
            tile.jelly -= 1;
            Some(tile.jelly)
        } else {
            None
        };
        self.outcome.pieces_cleared += 1;
        if let Some(color) = piece.color() {
            self.outcome.collected[usize::from(color.0)] += 1;
        }
        let cell = Board::cell(index);
        self.sink.emit(Event::PieceCleared { cell, piece });
        if let Some(layers_left) = jelly_left {
            self.outcome.jelly_layers += 1;
            self.sink.emit(Event::JellyCleared { cell, layers_left });
        }
    }

    /// Hits one cell. `by_match` hits also destroy chocolate next to the cell.
    pub fn hit(&mut self, index: usize, by_match: bool) {
        if self.hit & bit(index) != 0 {
            return;
        }
        self.hit |= bit(index);
        let cell = Board::cell(index);
        let tile = *self.board.tile(index);
        match tile.ground {
            Ground::Hole | Ground::Stone => return,
            Ground::Chocolate => {
                self.board.tile_mut(index).ground = Ground::Open;
                self.outcome.chocolate_destroyed += 1;
                self.sink.emit(Event::ChocolateDestroyed { cell });
                return;
            }
            Ground::Open => {}
        }
        if let Some(piece) = tile.piece {
            if tile.ice > 0 {
                let layers_left = tile.ice - 1;
                self.board.tile_mut(index).ice = layers_left;
                self.outcome.ice_layers += 1;
                self.sink.emit(Event::IceCracked { cell, layers_left });
            } else {
                self.trigger_or_remove(index, piece);
            }
        }
        if by_match {
            for direction in Direction::ALL {
                if let Some(next) = self.board.step(index, direction) {
                    if self.board.tile(next).ground == Ground::Chocolate {
                        self.hit(next, false);
                    }
                }
            }
        }
    }

    fn trigger_or_remove(&mut self, index: usize, piece: Piece) {
        let at = index as u8;
        let effect = match piece {
            Piece::Plain(_) => None,
            Piece::Striped(_, axis) => Some(Effect::Line(at, axis)),
            Piece::Wrapped(color) => {
                // The first blast leaves the piece in place to blast again once it has fallen.
                self.board.tile_mut(index).piece = Some(Piece::Detonating(color, 1));
                self.outcome.specials_triggered += 1;
                let cell = Board::cell(index);
                self.sink.emit(Event::SpecialTriggered { cell, piece });
                self.push(Effect::Blast(at, 1));
                return;
            }
            Piece::Detonating(_, radius) => Some(Effect::Blast(at, radius)),
            Piece::ColorBomb => Some(Effect::ClearCommonColor),
        };
        self.remove(index, piece);
        if let Some(effect) = effect {
            self.outcome.specials_triggered += 1;
            let cell = Board::cell(index);
            self.sink.emit(Event::SpecialTriggered { cell, piece });
            self.push(effect);
        }
    }

    fn run(&mut self, effect: Effect) {
        let rows = usize::from(self.board.rows());
        let cols = usize::from(self.board.cols());
        match effect {
            Effect::Line(at, axis) => {
                let cell = Board::cell(usize::from(at));
                match axis {
                    Axis::Row => {
                        let first = usize::from(at) - usize::from(cell.col);
                        for col in 0..cols {
                            self.hit(first + col, false);
                        }
                    }
                    Axis::Col => {
                        let col = usize::from(cell.col);
                        for row in 0..rows {
                            self.hit(row * super::board::STRIDE + col, false);
                        }
                    }
                }
            }
            Effect::Blast(at, radius) => {
                let centre = Board::cell(usize::from(at));
                let radius = i32::from(radius);
                for row in i32::from(centre.row) - radius..=i32::from(centre.row) + radius {
                    for col in i32::from(centre.col) - radius..=i32::from(centre.col) + radius {
                        if (0..rows as i32).contains(&row)
                            && (0..cols as i32).contains(&col)
                            && (row, col) != (i32::from(centre.row), i32::from(centre.col))
                        {
                            self.hit(row as usize * super::board::STRIDE + col as usize, false);
                        }
                    }
                }
            }
            Effect::ClearColor(color) => self.clear_color(color),
            Effect::ClearCommonColor => {
                if let Some(color) = most_common_color(self.board) {
                    self.clear_color(color);
                }
            }
            Effect::ClearAll => {
                let indices = self.board.indices();
                for index in indices {
                    self.hit(index, false);
                }
            }
        }
    }

    fn clear_color(&mut self, color: Color) {
        let indices = self.board.indices();
        for index in indices {
            if self.board.match_color(index) == Some(color) {
                self.hit(index, false);
            }
        }
    }

    /// Scores the wave: pieces count more in later cascades (`round` starts at 1).
    pub fn finish(mut self, scoring: &Scoring, round: u16) -> WaveOutcome {
        let outcome = &mut self.outcome;
        outcome.points = u32::from(outcome.pieces_cleared) * scoring.piece * u32::from(round)
            + u32::from(outcome.specials_created) * scoring.special_created
            + u32::from(outcome.ice_layers) * scoring.ice_layer
            + u32::from(outcome.jelly_layers) * scoring.jelly_layer
            + u32::from(outcome.chocolate_destroyed) * scoring.chocolate;
        self.outcome
    }
}

/// The most common matchable colour on the board; ties go to the lowest colour.
pub fn most_common_color(board: &Board) -> Option<Color> {
    let mut counts = [0u16; COLORS_MAX as usize];
    for index in board.indices() {
        if let Some(color) = board.match_color(index) {
            counts[usize::from(color.0)] += 1;
        }
    }
    let (best, &count) = counts
        .iter()
        .enumerate()
        .max_by_key(|&(color, &count)| (count, core::cmp::Reverse(color)))?;
    (count > 0).then_some(Color(best as u8))
}

/// Resolves one wave on `board`: a swap combo on a move's first wave when the swap made one,
/// otherwise matched shapes and detonating pieces; then every triggered effect. `round` counts
/// waves within the move from 1. Returns what happened; nothing changed means the board is still.
pub fn resolve_wave<S: Sink>(
    board: &mut Board,
    swap: Option<SwapInfo>,
    scoring: &Scoring,
    round: u16,
    sink: &mut S,
) -> WaveOutcome {
    if let Some(swap) = swap {
        if let Some(outcome) = super::specials::swap_combo(board, swap, scoring, round, sink) {
            return outcome;
        }
    }
    let groups = find_groups(board, swap);
    let mut wave = Wave::new(board, sink);
    for group in groups.as_slice() {
        let mut cells = group.cells;
        while cells != 0 {
            let index = cells.trailing_zeros() as usize;
            cells &= cells - 1;
            wave.hit(index, true);
        }
    }
    // Wrapped pieces that blasted in an earlier wave blast again now that they have landed.
    let indices = wave.board.indices();
    for index in indices {
        if let Some(Piece::Detonating(..)) = wave.board.piece(index) {
            wave.hit(index, false);
        }
    }
    wave.drain();
    for group in groups.as_slice() {
        if let Some((index, piece)) = group.special {
            super::specials::place(&mut wave, group.cells, usize::from(index), piece);
        }
    }
    wave.finish(scoring, round)
}
