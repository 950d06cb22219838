//! The fastest pace the verifier accepts, which is what a payout table must afford.
//!
//! A person plays slower than the rules allow, but money goes to whoever plays as fast as the
//! verifier accepts: an action the moment the game takes input (a match-3 board is stable, a
//! merge-drop cooldown is over), no two inputs closer than the plausibility limit
//! (`Plausibility::input_interval_ticks_min`, under the default limits). Merge-drop scores with
//! every drop, so that pace scores far more than a person's.

use game_core::TICK_HZ;
use playproof_bots::Pacing;
use playproof_proof::Plausibility;

/// Fewest ticks between two inputs that the verifier's default plausibility limits accept.
pub fn legal_input_interval_ticks() -> u32 {
    Plausibility::default().input_interval_ticks_min
}

/// No think time: with inputs spaced by [`legal_input_interval_ticks`], the fastest legal play.
pub fn fastest_legal_pacing() -> Pacing {
    Pacing::INSTANT
}

/// The fastest legal pace in a designer's words.
pub fn fastest_pace_words() -> String {
    let ticks = legal_input_interval_ticks();
    format!(
        "acting the moment the game takes input, inputs at least {ticks} ticks ({} s) apart",
        f64::from(ticks) / f64::from(TICK_HZ)
    )
}
