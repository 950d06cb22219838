//! Match detection: lines of 3+ pieces of one colour, grouped into shapes (a line, or an L, T
//! or + where lines cross), and the special piece each shape creates.
//!
//! Everything is fixed-size (no allocation): detection runs on every cascade and inside the
//! bots' move evaluation, thousands of times per second.

use super::board::{
    bit, Axis, Board, CellSet, Color, Piece, CELLS_MAX, COLORS_MAX, LINE_MIN, STRIDE,
};
use crate::kernel::input::Direction;

/// Most lines one board can hold: three per row and per column of nine.
const RUNS_MAX: usize = 2 * 9 * 3;
/// Most separate shapes one board can hold: each has at least three of the 81 cells.
const GROUPS_MAX: usize = CELLS_MAX / 3;

/// One line of 3+ pieces of the same colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    start: u8,
    len: u8,
    axis: Axis,
}

impl Run {
    fn index(self, offset: u8) -> usize {
        let step = match self.axis {
            Axis::Row => 1,
            Axis::Col => STRIDE,
        };
        usize::from(self.start) + usize::from(offset) * step
    }
}

/// A connected shape of matched cells and the special it creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group {
    pub cells: CellSet,
    pub color: Color,
    /// Where the new special goes (tile index) and what it is, if the shape makes one.
    pub special: Option<(u8, Piece)>,
}

/// The groups found on a board, in order of their first cell.
pub struct Groups {
    len: usize,
    groups: [Group; GROUPS_MAX],
}

impl Groups {
    pub fn as_slice(&self) -> &[Group] {
        &self.groups[..self.len]
    }
}

/// The swap that started a move: it decides where specials appear and the stripes' axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwapInfo {
    pub from: usize,
    pub to: usize,
    pub axis: Axis,
}

/// Length of the line of `color` through `index` along `axis`, counting `index` itself.
#[inline]
fn line_len(board: &Board, index: usize, color: Color, axis: Axis) -> u8 {
    let (position, len, step) = match axis {
        Axis::Row => (index % STRIDE, usize::from(board.cols()), 1),
        Axis::Col => (index / STRIDE, usize::from(board.rows()), STRIDE),
    };
    let mut count = 1u8;
    let (mut at, mut left) = (index, position);
    while left > 0 && board.match_color(at - step) == Some(color) {
        at -= step;
        left -= 1;
        count += 1;
    }
    let (mut at, mut right) = (index, position + 1);
    while right < len && board.match_color(at + step) == Some(color) {
        at += step;
        right += 1;
        count += 1;
    }
    count
}

/// True when the piece at `index` is part of a line of 3 or more.
pub fn in_line(board: &Board, index: usize) -> bool {
    let Some(color) = board.match_color(index) else {
        return false;
    };
    line_len(board, index, color, Axis::Row) >= LINE_MIN
        || line_len(board, index, color, Axis::Col) >= LINE_MIN
}

/// The cells in lines across and in lines down, found with one bit mask per colour:
/// `m & m >> 1 & m >> 2` marks where three of a colour start in a row (`>> 9` steps down a
/// column), masked to starts whose line stays inside the grid. A few dozen word operations per
/// colour, so a board at rest is confirmed still without a cell-by-cell scan.
fn line_masks(board: &Board) -> (CellSet, CellSet) {
    let mut masks = [0 as CellSet; COLORS_MAX as usize];
    // Straight over the rows' tiles: columns past the grid's width are holes without pieces.
    for (index, tile) in board.row_tiles().iter().enumerate() {
        if let Some(color) = tile.piece.and_then(Piece::match_color) {
            masks[usize::from(color.0)] |= bit(index);
        }
    }
    let rows = usize::from(board.rows());
    let cols = usize::from(board.cols());
    let row_starts: CellSet = (1 << (cols - 2)) - 1;
    let col_starts: CellSet = (1 << cols) - 1;
    let mut across_starts = 0 as CellSet;
    let mut down_starts = 0 as CellSet;
    for row in 0..rows {
        across_starts |= row_starts << (row * STRIDE);
        if row + 2 < rows {
            down_starts |= col_starts << (row * STRIDE);
        }
    }
    let mut across = 0;
    let mut down = 0;
    for mask in masks {
        let h = mask & (mask >> 1) & (mask >> 2) & across_starts;
        let v = mask & (mask >> STRIDE) & (mask >> (2 * STRIDE)) & down_starts;
        across |= h | (h << 1) | (h << 2);
        down |= v | (v << STRIDE) | (v << (2 * STRIDE));
    }
    (across, down)
}

/// Every cell that is part of a line of 3 or more.
pub fn line_cells(board: &Board) -> CellSet {
    let (across, down) = line_masks(board);
    across | down
}

/// True when any line of 3 or more is on the board.
pub fn has_line(board: &Board) -> bool {
    line_cells(board) != 0
}

/// Why a swap cannot be made, before looking at matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocked {
    OutsideGrid,
    Hole,
    Immovable,
    NoMatch,
}

/// The tile indices a swap of `cell` in `direction` exchanges, if both pieces may move.
pub fn swap_cells(
    board: &Board,
    cell: crate::kernel::input::Cell,
    direction: Direction,
) -> Result<(usize, usize), Blocked> {
    let from = board.index(cell).ok_or(Blocked::OutsideGrid)?;
    let to = board.step(from, direction).ok_or(Blocked::OutsideGrid)?;
    for index in [from, to] {
        let tile = board.tile(index);
        if tile.ground == super::board::Ground::Hole {
            return Err(Blocked::Hole);
        }
        if !tile.is_free() || tile.piece.is_none() {
            return Err(Blocked::Immovable);
        }
    }
    Ok((from, to))
}

/// True when swapping the pieces at `from` and `to` is a legal move: both are specials that
/// combine, one is a colour bomb, or the swap makes a line. `board` is restored before return.
pub fn swap_scores(board: &mut Board, from: usize, to: usize) -> bool {
    let (Some(a), Some(b)) = (board.piece(from), board.piece(to)) else {
        return false;
    };
    if a == Piece::ColorBomb || b == Piece::ColorBomb {
        return true;
    }
    if a.is_swappable_special() && b.is_swappable_special() {
        return true;
    }
    board.swap_pieces(from, to);
    let scores = in_line(board, from) || in_line(board, to);
    board.swap_pieces(from, to);
    scores
}

/// Checks a swap completely: both cells movable and the swap legal.
pub fn check_swap(
    board: &mut Board,
    cell: crate::kernel::input::Cell,
    direction: Direction,
) -> Result<(usize, usize), Blocked> {
    let (from, to) = swap_cells(board, cell, direction)?;
    if swap_scores(board, from, to) {
        Ok((from, to))
    } else {
        Err(Blocked::NoMatch)
    }
}

/// Every legal swap, each pair once (towards `Right` or `Down`), in canonical cell order.
pub fn legal_swaps(board: &Board, mut visit: impl FnMut(usize, Direction)) {
    let mut scratch = board.clone();
    for from in board.indices() {
        for direction in [Direction::Right, Direction::Down] {
            let Some(to) = board.step(from, direction) else {
                continue;
            };
            let movable = |index: usize| {
                let tile = board.tile(index);
                tile.is_free() && tile.piece.is_some()
            };
            if movable(from) && movable(to) && swap_scores(&mut scratch, from, to) {
                visit(from, direction);
            }
        }
    }
}

/// True when at least one legal swap exists; stops at the first.
pub fn has_legal_swap(board: &Board) -> bool {
    let mut scratch = board.clone();
    let movable = |index: usize| {
        let tile = board.tile(index);
        tile.is_free() && tile.piece.is_some()
    };
    for from in board.indices() {
        if !movable(from) {
            continue;
        }
        for direction in [Direction::Right, Direction::Down] {
            if let Some(to) = board.step(from, direction) {
                if movable(to) && swap_scores(&mut scratch, from, to) {
                    return true;
                }
            }
        }
    }
    false
}

/// Union-find over run numbers.
fn root(parent: &mut [u8; RUNS_MAX], mut run: u8) -> u8 {
    while parent[usize::from(run)] != run {
        let up = parent[usize::from(run)];
        parent[usize::from(run)] = parent[usize::from(up)];
        run = up;
    }
    run
}

/// Finds every matched shape. `swap` is the move's swap on its first wave, `None` in cascades.
pub fn find_groups(board: &Board, swap: Option<SwapInfo>) -> Groups {
    let mut groups = Groups {
        len: 0,
        groups: [Group {
            cells: 0,
            color: Color(0),
            special: None,
        }; GROUPS_MAX],
    };
    // Most calls are on a board that has just come to rest with nothing to clear.
    let (across, down) = line_masks(board);
    if across | down == 0 {
        return groups;
    }
    let mut runs = [Run {
        start: 0,
        len: 0,
        axis: Axis::Row,
    }; RUNS_MAX];
    let mut run_count = 0usize;
    // Run number + 1 covering each cell, per axis (0: none).
    let mut row_run = [0u8; CELLS_MAX];
    let mut col_run = [0u8; CELLS_MAX];
    // Walk only the cells in lines: the lowest cell left always starts a run (its left or top
    // end), which extends while the next cell along is in a line of the same colour.
    for (axis, mut rest) in [(Axis::Row, across), (Axis::Col, down)] {
        let step = match axis {
            Axis::Row => 1,
            Axis::Col => STRIDE,
        };
        while rest != 0 {
            let start = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let color = board.match_color(start);
            let mut end = start;
            loop {
                let next = end + step;
                let same_row = axis == Axis::Col || !next.is_multiple_of(STRIDE);
                if next >= CELLS_MAX
                    || !same_row
                    || rest & bit(next) == 0
                    || board.match_color(next) != color
                {
                    break;
                }
                rest &= !bit(next);
                end = next;
            }
            let run = Run {
                start: start as u8,
                len: ((end - start) / step + 1) as u8,
                axis,
            };
            debug_assert!(run.len >= LINE_MIN);
            runs[run_count] = run;
            run_count += 1;
            let marks = match axis {
                Axis::Row => &mut row_run,
                Axis::Col => &mut col_run,
            };
            for offset in 0..run.len {
                marks[run.index(offset)] = run_count as u8;
            }
        }
    }

    debug_assert!(run_count > 0, "line_cells found a line");
    let mut parent: [u8; RUNS_MAX] = core::array::from_fn(|run| run as u8);
    for index in board.indices() {
        if row_run[index] != 0 && col_run[index] != 0 {
            let a = root(&mut parent, row_run[index] - 1);
            let b = root(&mut parent, col_run[index] - 1);
            parent[usize::from(a.max(b))] = a.min(b);
        }
    }

    // Per root run: its group slot + 1.
    let mut slot_of = [0u8; RUNS_MAX];
    // Per group: its first longest run, and whether it has lines on both axes.
    let mut longest = [Run {
        start: 0,
        len: 0,
        axis: Axis::Row,
    }; RUNS_MAX];
    let mut has_row = [false; RUNS_MAX];
    let mut has_col = [false; RUNS_MAX];
    for (number, run) in runs.iter().enumerate().take(run_count) {
        let top = usize::from(root(&mut parent, number as u8));
        if slot_of[top] == 0 {
            groups.groups[groups.len].color = board
                .match_color(usize::from(run.start))
                .expect("a run starts on a piece");
            groups.len += 1;
            slot_of[top] = groups.len as u8;
        }
        let slot = usize::from(slot_of[top]) - 1;
        for offset in 0..run.len {
            groups.groups[slot].cells |= bit(run.index(offset));
        }
        if run.len > longest[slot].len {
            longest[slot] = *run;
        }
        match run.axis {
            Axis::Row => has_row[slot] = true,
            Axis::Col => has_col[slot] = true,
        }
    }
    for slot in 0..groups.len {
        let crossing = if has_row[slot] && has_col[slot] {
            let mut cells = groups.groups[slot].cells;
            let mut found = None;
            while cells != 0 && found.is_none() {
                let index = cells.trailing_zeros() as usize;
                cells &= cells - 1;
                if row_run[index] != 0 && col_run[index] != 0 {
                    found = Some(index);
                }
            }
            found
        } else {
            None
        };
        let group = &mut groups.groups[slot];
        group.special = special_for(group, longest[slot], crossing, swap);
    }
    // Groups in order of their first cell, so clearing order never depends on scan order.
    groups.groups[..groups.len].sort_unstable_by_key(|group| group.cells.trailing_zeros());
    groups
}

/// The special a shape creates and where: a line of 5+ makes a colour bomb, crossing lines a
/// wrapped piece, a line of 4 a striped piece (clearing along the swap's axis, or along its own
/// line in a cascade). It goes on the swapped cell when the swap made the shape, else on the
/// crossing cell, else on the second cell of the longest line (the third of a line of 5+),
/// counted from its top or left end.
fn special_for(
    group: &Group,
    longest: Run,
    crossing: Option<usize>,
    swap: Option<SwapInfo>,
) -> Option<(u8, Piece)> {
    special_at(group, longest, crossing, swap).map(|(index, piece)| (index as u8, piece))
}

fn special_at(
    group: &Group,
    longest: Run,
    crossing: Option<usize>,
    swap: Option<SwapInfo>,
) -> Option<(usize, Piece)> {
    let color = group.color;
    let swap_cell = swap.and_then(|swap| {
        [swap.to, swap.from]
            .into_iter()
            .find(|&index| group.cells & bit(index) != 0)
            .map(|index| (index, swap.axis))
    });
    let piece = if longest.len >= 5 {
        Piece::ColorBomb
    } else if crossing.is_some() {
        Piece::Wrapped(color)
    } else if longest.len == 4 {
        Piece::Striped(color, swap_cell.map_or(longest.axis, |(_, axis)| axis))
    } else {
        return None;
    };
    if let Some((index, _)) = swap_cell {
        return Some((index, piece));
    }
    if let (Some(index), true) = (crossing, longest.len < 5) {
        return Some((index, piece));
    }
    let offset = if longest.len >= 5 { 2 } else { 1 };
    Some((longest.index(offset), piece))
}
