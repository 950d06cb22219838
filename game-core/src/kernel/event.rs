//! Simulation events: what happened during one tick, for rendering, sound and tooling.
//! Events are output only; nothing in the simulation reads them back.

use crate::match3;
use crate::merge;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Something specific to match-3 happened.
    Match3(match3::Event),
    /// Something specific to merge-drop happened.
    MergeDrop(merge::Event),
    /// The score changed to `score` (after all of this tick's scoring).
    ScoreChanged { score: u32 },
    /// The game ended this tick.
    Finished { passed: bool },
}
