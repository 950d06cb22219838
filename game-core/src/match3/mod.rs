//! Match-3. PLACEHOLDER API: replaced by the full rules.

use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::game::{GameMode, Phase};
use crate::kernel::hash::StateHasher;
use crate::kernel::input::{Action, Cell, Direction, Refusal};
use crate::kernel::Kernel;
use crate::level::Problem;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Match3Level {
    pub rows: u8,
    pub cols: u8,
    pub colors: u8,
    pub moves: u16,
}

impl Match3Level {
    pub fn validate(&self, path: &str, problems: &mut Vec<Problem>) {
        if !(3..=9).contains(&self.rows) {
            problems.push(Problem::new(
                alloc::format!("{path}.rows"),
                self.rows,
                "3 to 9",
            ));
        }
        if !(3..=9).contains(&self.cols) {
            problems.push(Problem::new(
                alloc::format!("{path}.cols"),
                self.cols,
                "3 to 9",
            ));
        }
        if !(3..=6).contains(&self.colors) {
            problems.push(Problem::new(
                alloc::format!("{path}.colors"),
                self.colors,
                "3 to 6",
            ));
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Swapped { from: Cell, to: Cell },
}

pub struct Match3 {
    rows: u8,
    cols: u8,
    colors: Vec<u8>,
    moves_left: u16,
    score: u32,
}

impl Match3 {
    pub fn new(spec: &Match3Level, kernel: &mut Kernel) -> Self {
        let count = u32::from(spec.rows) * u32::from(spec.cols);
        let colors = (0..count)
            .map(|_| kernel.rng.below(u32::from(spec.colors)) as u8)
            .collect();
        Match3 {
            rows: spec.rows,
            cols: spec.cols,
            colors,
            moves_left: spec.moves,
            score: 0,
        }
    }

    pub fn legal_swaps(&self) -> Vec<(Cell, Direction)> {
        let mut swaps = Vec::new();
        for row in 0..self.rows {
            for col in 0..self.cols.saturating_sub(1) {
                swaps.push((Cell::new(row, col), Direction::Right));
            }
        }
        swaps
    }
}

impl GameMode for Match3 {
    fn apply(&mut self, kernel: &mut Kernel, action: Action) -> Result<(), Refusal> {
        let Action::Swap { cell, direction } = action else {
            return Err(Refusal::WrongMode);
        };
        let other = cell.neighbour(direction).ok_or(Refusal::OutsideGrid)?;
        if cell.row >= self.rows
            || cell.col >= self.cols
            || other.row >= self.rows
            || other.col >= self.cols
        {
            return Err(Refusal::OutsideGrid);
        }
        let a = usize::from(cell.row) * usize::from(self.cols) + usize::from(cell.col);
        let b = usize::from(other.row) * usize::from(self.cols) + usize::from(other.col);
        self.colors.swap(a, b);
        self.moves_left -= 1;
        self.score += 10 + kernel.rng.below(10);
        kernel.emit(crate::Event::Match3(Event::Swapped {
            from: cell,
            to: other,
        }));
        Ok(())
    }
    fn step(&mut self, _kernel: &mut Kernel) {}
    fn hash_into(&self, _kernel: &Kernel, hasher: &mut StateHasher) {
        self.colors.iter().for_each(|&c| hasher.write_u8(c));
        hasher.write_u16(self.moves_left);
        hasher.write_u32(self.score);
    }
    fn accepts_input(&self) -> bool {
        true
    }
    fn is_quiescent(&self) -> bool {
        true
    }
    fn phase(&self) -> Phase {
        if self.moves_left == 0 {
            Phase::Finished {
                passed: self.score > 50,
            }
        } else {
            Phase::Playing
        }
    }
    fn score(&self) -> u32 {
        self.score
    }
    fn stars(&self) -> u8 {
        0
    }
}
