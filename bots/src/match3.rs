//! Match-3 bots. PLACEHOLDER: random legal swap only, until the full rules land.

use game_core::{Action, Game, Pcg32};

use crate::Bot;

/// Picks uniformly among the legal swaps.
pub struct RandomBot;

impl Bot for RandomBot {
    fn name(&self) -> &'static str {
        "random"
    }

    fn choose(&mut self, game: &Game, rng: &mut Pcg32) -> Option<Action> {
        let swaps = game.match3()?.legal_swaps();
        if swaps.is_empty() {
            return None;
        }
        let (cell, direction) = swaps[rng.below(swaps.len() as u32) as usize];
        Some(Action::Swap { cell, direction })
    }
}
