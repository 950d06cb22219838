//! Touch quantisation: pointer events in device pixels become the core's integer actions (a cell
//! and a direction for a match-3 swap, a drop position in milli-units for merge-drop). This is
//! where floats stop: nothing but an [`Action`] reaches the simulation.
//!
//! One pointer drives the game at a time (the first one down); other fingers are ignored until
//! it lifts, and a cancelled pointer ends its gesture without acting.

use game_core::{Action, Cell, Direction, Game};

use crate::layout::Layout;

/// Pointer event kinds as the host writes them into the input buffer (`web.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TouchKind {
    Down,
    Move,
    Up,
    Cancel,
}

impl TouchKind {
    pub fn from_code(code: u32) -> Option<TouchKind> {
        [
            TouchKind::Down,
            TouchKind::Move,
            TouchKind::Up,
            TouchKind::Cancel,
        ]
        .get(code as usize)
        .copied()
    }
}

/// One pointer event, in device pixels from the canvas's top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Touch {
    pub kind: TouchKind,
    pub pointer_id: u32,
    pub x_px: f32,
    pub y_px: f32,
}

/// A swipe becomes a swap once the finger has moved this many cells along one axis. A third of
/// a cell is past accidental jitter yet reachable with a short flick.
const SWIPE_CELLS_MIN: f32 = 0.33;

#[derive(Clone, Copy, Debug, Default)]
struct Press {
    pointer_id: u32,
    x_px: f32,
    y_px: f32,
    cell: Option<Cell>,
    /// The swipe already produced its swap.
    acted: bool,
}

/// The gesture state of the one pointer that drives the game.
#[derive(Clone, Debug, Default)]
pub struct Gesture {
    press: Option<Press>,
    /// Match-3: a piece selected by a tap, swapped by tapping a neighbour.
    pub selected: Option<Cell>,
    /// Merge-drop: where the piece hangs, in device pixels (follows the finger).
    pub aim_x_px: Option<f32>,
}

impl Gesture {
    /// Feeds one event; returns the action it completes, if any.
    pub fn feed(&mut self, touch: Touch, layout: &Layout, game: &Game) -> Option<Action> {
        let owns = |press: &Press| press.pointer_id == touch.pointer_id;
        match touch.kind {
            TouchKind::Down => {
                if self.press.is_some() {
                    return None;
                }
                self.press = Some(Press {
                    pointer_id: touch.pointer_id,
                    x_px: touch.x_px,
                    y_px: touch.y_px,
                    cell: layout.cell_at(touch.x_px, touch.y_px),
                    acted: false,
                });
                if game.merge_drop().is_some() {
                    self.aim_x_px = Some(touch.x_px);
                }
                None
            }
            TouchKind::Move => {
                let press = self.press.as_mut().filter(|press| owns(press))?;
                if game.merge_drop().is_some() {
                    self.aim_x_px = Some(touch.x_px);
                    return None;
                }
                if press.acted {
                    return None;
                }
                let cell = press.cell?;
                let direction = swipe_direction(
                    touch.x_px - press.x_px,
                    touch.y_px - press.y_px,
                    layout.cell_px * SWIPE_CELLS_MIN,
                )?;
                press.acted = true;
                self.selected = None;
                Some(Action::Swap { cell, direction })
            }
            TouchKind::Up => {
                let press = self.press.filter(|press| owns(press))?;
                self.press = None;
                if game.merge_drop().is_some() {
                    self.aim_x_px = Some(touch.x_px);
                    let x_milli = layout.drop_x_milli(touch.x_px, game)?;
                    return Some(Action::Drop { x_milli });
                }
                if press.acted {
                    return None;
                }
                self.tap(press.cell)
            }
            TouchKind::Cancel => {
                if self.press.is_some_and(|press| owns(&press)) {
                    self.press = None;
                }
                None
            }
        }
    }

    /// A tap selects a piece; a tap on a neighbour of the selection swaps the two.
    fn tap(&mut self, cell: Option<Cell>) -> Option<Action> {
        let Some(cell) = cell else {
            self.selected = None;
            return None;
        };
        let Some(selected) = self.selected.take() else {
            self.selected = Some(cell);
            return None;
        };
        let direction = Direction::ALL
            .into_iter()
            .find(|&direction| selected.neighbour(direction) == Some(cell));
        match direction {
            Some(direction) => Some(Action::Swap {
                cell: selected,
                direction,
            }),
            None => {
                self.selected = (selected != cell).then_some(cell);
                None
            }
        }
    }
}

/// The dominant axis of a drag once it is at least `distance_min_px` long.
fn swipe_direction(dx_px: f32, dy_px: f32, distance_min_px: f32) -> Option<Direction> {
    let (ax, ay) = (dx_px.abs(), dy_px.abs());
    if ax.max(ay) < distance_min_px {
        return None;
    }
    Some(if ax >= ay {
        if dx_px > 0.0 {
            Direction::Right
        } else {
            Direction::Left
        }
    } else if dy_px > 0.0 {
        Direction::Down
    } else {
        Direction::Up
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swipes_pick_the_dominant_axis() {
        assert_eq!(swipe_direction(5.0, 1.0, 10.0), None);
        assert_eq!(swipe_direction(12.0, 3.0, 10.0), Some(Direction::Right));
        assert_eq!(swipe_direction(-12.0, 3.0, 10.0), Some(Direction::Left));
        assert_eq!(swipe_direction(2.0, -11.0, 10.0), Some(Direction::Up));
        assert_eq!(swipe_direction(2.0, 11.0, 10.0), Some(Direction::Down));
    }
}
