//! Objectives, stars and the end of the game.

use alloc::string::String;

use serde::{Deserialize, Serialize};

use super::board::{Board, Color, COLORS_MAX};

/// One objective as written in a level file:
/// `{"score": 5000}`, `{"collect": {"color": "R", "count": 20}}` or `"clear_jelly"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Objective {
    /// Reach this score.
    Score(u32),
    /// Clear this many pieces of one colour (by its letter, e.g. "R").
    Collect { color: String, count: u16 },
    /// Clear every layer of jelly.
    ClearJelly,
}

/// A validated objective, as the rules use it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    Score(u32),
    Collect(Color, u16),
    ClearJelly,
}

/// How far one goal has come, for the HUD and the bots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoalProgress {
    pub goal: Goal,
    /// Progress so far, capped at `target`.
    pub current: u32,
    pub target: u32,
}

impl GoalProgress {
    pub fn met(&self) -> bool {
        self.current >= self.target
    }
}

/// Progress of `goal` given the score, the pieces collected per colour and the board.
pub fn progress(
    goal: Goal,
    score: u32,
    collected: &[u16; COLORS_MAX as usize],
    board: &Board,
    jelly_start: u32,
) -> GoalProgress {
    let (current, target) = match goal {
        Goal::Score(target) => (score, target),
        Goal::Collect(color, count) => {
            (u32::from(collected[usize::from(color.0)]), u32::from(count))
        }
        Goal::ClearJelly => (
            jelly_start - board.jelly_layers().min(jelly_start),
            jelly_start,
        ),
    };
    GoalProgress {
        goal,
        current: current.min(target),
        target,
    }
}

/// Stars for `score`: one per threshold reached.
pub fn stars(thresholds: &[u32], score: u32) -> u8 {
    thresholds
        .iter()
        .filter(|&&threshold| score >= threshold)
        .count() as u8
}
