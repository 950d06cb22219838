//! A merge-drop player that keeps a chosen number of pieces in play: the scene the replay
//! budget speaks of (a 3-minute game with ~60 bodies), which merging bots never reach.
//!
//! Whenever fewer than `bodies_target` pieces are in the container and a drop is accepted, it
//! drops the current piece where the pile's surface is lowest, avoiding spots where it would
//! land on a piece of its own tier (that would merge and lose a body). It never waits on a
//! think time: the pile is refilled as fast as the cooldown allows, so the count holds.

use game_core::{Action, Game, Input, Level, Pcg32, Phase, ReplayError, SESSION_TICKS_MAX};

use crate::Recording;

/// Drop positions tried across the legal range for each drop.
const CANDIDATES: i32 = 48;

/// Plays `level` with `seed`, holding `bodies_target` pieces, until the game ends or
/// `ticks_max` ticks have run; the outcome is the replay of the recorded log, as in
/// [`crate::play`]. `bot_seed` breaks ties between equally low spots.
pub fn hold_bodies(
    level: &Level,
    seed: u64,
    bodies_target: u32,
    ticks_max: u32,
    bot_seed: u64,
) -> Result<Recording, ReplayError> {
    let ticks_max = ticks_max.min(SESSION_TICKS_MAX);
    let mut game = Game::new(level, seed);
    let mut rng = Pcg32::new(bot_seed, 0x57ac);
    let mut inputs = Vec::new();
    while game.phase() == Phase::Playing && game.tick() < ticks_max {
        if game.accepts_input() && pieces_in_play(&game) < bodies_target {
            if let Some(action) = lowest_spot(&game, &mut rng) {
                game.apply(action).unwrap_or_else(|refusal| {
                    panic!("the stacker chose an illegal drop: {refusal}")
                });
                inputs.push(Input {
                    tick: game.tick(),
                    action,
                });
            }
        }
        game.step();
    }
    let outcome = game_core::replay(level, seed, &inputs)?;
    Ok(Recording { inputs, outcome })
}

/// Pieces in the container now.
pub fn pieces_in_play(game: &Game) -> u32 {
    game.kernel()
        .world
        .query::<&game_core::merge::Piece>()
        .iter()
        .count() as u32
}

/// The drop at the lowest point of the pile's surface where the piece would not land on its
/// own tier (any lowest point if every spot would).
fn lowest_spot(game: &Game, rng: &mut Pcg32) -> Option<Action> {
    let merge = game.merge_drop()?;
    let (low, high) = merge.drop_range_milli();
    if high < low {
        return None;
    }
    let tier = merge.current_tier();
    let radius = merge.radius(tier);
    let pieces = merge.pieces(game.kernel());
    let offset = rng.below(1000) as i32;
    let mut best: Option<(bool, f32, i32)> = None;
    for candidate in 0..CANDIDATES {
        // Spread over the range, shifted by a random fraction of a step so spots vary.
        let step = i64::from(high - low) * 1000 / i64::from(CANDIDATES);
        let x_milli =
            low + ((i64::from(candidate) * step + i64::from(offset) * step / 1000) / 1000) as i32;
        let x = x_milli as f32 / 1000.0;
        // Where a circle of `radius` falling at x first meets a piece: the highest contact.
        let mut top = f32::MIN;
        let mut lands_on = None;
        for (body, piece_tier) in &pieces {
            let reach = body.radius + radius;
            let dx = body.position.x - x;
            if dx.abs() < reach {
                let height = body.position.y + (reach * reach - dx * dx).sqrt();
                if height > top {
                    top = height;
                    lands_on = Some(*piece_tier);
                }
            }
        }
        let merges = lands_on == Some(tier);
        let better = match best {
            None => true,
            Some((best_merges, best_top, _)) => (merges, top) < (best_merges, best_top),
        };
        if better {
            best = Some((merges, top, x_milli));
        }
    }
    best.map(|(_, _, x_milli)| Action::Drop {
        x_milli: x_milli.clamp(low, high),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLASSIC: &str = include_str!("../../assets/levels/merge/md-01-classic.json");

    /// The stacker fills the classic cup to its target within 30 seconds, and its recording
    /// replays (the outcome is the replay's) to a session that holds that many pieces.
    #[test]
    fn the_stacker_holds_its_target() {
        let level = Level::from_json(CLASSIC.as_bytes()).unwrap();
        let (target, ticks) = (20, 30 * 60);
        let recording = hold_bodies(&level, 3, target, ticks, 5).unwrap();
        assert!(recording.inputs.len() >= target as usize);
        let mut game = Game::new(&level, 3);
        let mut next = 0;
        while game.tick() < ticks {
            while next < recording.inputs.len() && recording.inputs[next].tick == game.tick() {
                game.apply(recording.inputs[next].action).unwrap();
                next += 1;
            }
            game.step();
        }
        let pieces = pieces_in_play(&game);
        assert!(pieces >= target - 2, "{pieces} pieces after 30 s");
    }
}
