//! Merge-drop bots.

use game_core::{Action, Game, Pcg32};

use crate::Bot;

/// Drops the current piece at a uniformly random legal x.
pub struct RandomBot;

impl Bot for RandomBot {
    fn name(&self) -> &'static str {
        "random"
    }

    fn choose(&mut self, game: &Game, rng: &mut Pcg32) -> Option<Action> {
        let (low, high) = game.merge_drop()?.drop_range_milli();
        let span = u32::try_from(i64::from(high) - i64::from(low)).ok()?;
        let x_milli = low + rng.between(0, span) as i32;
        Some(Action::Drop { x_milli })
    }
}

/// Drops the current piece above the highest piece of the same tier, so it lands on it and
/// merges; failing that, above the highest piece one tier larger (building a chain); failing
/// that, at a random legal x.
pub struct HeuristicBot;

/// Random jitter added to the chosen x, in milli-units: keeps drops from stacking exactly on a
/// piece's crown, where they would balance instead of rolling off.
const JITTER_MILLI: u32 = 60;

impl Bot for HeuristicBot {
    fn name(&self) -> &'static str {
        "heuristic"
    }

    fn choose(&mut self, game: &Game, rng: &mut Pcg32) -> Option<Action> {
        let merge = game.merge_drop()?;
        let (low, high) = merge.drop_range_milli();
        let tier = merge.current_tier();
        let pieces = merge.pieces(game.kernel());
        let highest_of = |wanted: u8| {
            pieces
                .iter()
                .filter(|(_, piece_tier)| *piece_tier == wanted)
                .max_by(|(a, _), (b, _)| a.position.y.total_cmp(&b.position.y))
                .map(|(body, _)| body.position.x)
        };
        let target = highest_of(tier).or_else(|| highest_of(tier.saturating_add(1)));
        let x_milli = match target {
            Some(x) => {
                let jitter = rng.between(0, 2 * JITTER_MILLI) as i32 - JITTER_MILLI as i32;
                ((x * 1000.0) as i32 + jitter).clamp(low, high)
            }
            None => {
                let span = u32::try_from(i64::from(high) - i64::from(low)).ok()?;
                low + rng.between(0, span) as i32
            }
        };
        Some(Action::Drop { x_milli })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{play, Pacing};
    use game_core::Level;

    const CLASSIC: &str = include_str!("../../assets/levels/merge/md-01-classic.json");

    /// Both bots only make legal drops (the driver panics otherwise), and their recordings
    /// replay to a finished game with the score the bot saw.
    #[test]
    fn bots_play_legal_sessions_that_replay_to_the_end() {
        let level = Level::from_json(CLASSIC.as_bytes()).unwrap();
        let pacing = Pacing {
            think_ticks_min: 60,
            think_ticks_max: 180,
        };
        for bot in [&mut RandomBot as &mut dyn Bot, &mut HeuristicBot] {
            let recording = play(&level, 42, bot, pacing, 7, u32::MAX).unwrap();
            assert!(recording.outcome.finished, "{}", bot.name());
            assert!(!recording.inputs.is_empty());
            assert!(recording.outcome.score > 0, "{}", bot.name());
        }
    }

    /// Spaced play never puts two inputs closer than asked, even where the game would take
    /// them sooner (a 12-tick cooldown against a 20-tick spacing), and replays to its game.
    #[test]
    fn spaced_play_keeps_inputs_at_least_the_interval_apart() {
        let mut level = Level::from_json(CLASSIC.as_bytes()).unwrap();
        if let game_core::LevelGame::MergeDrop(merge) = &mut level.game {
            merge.drop_cooldown_ticks = 12;
        }
        let recording =
            crate::play_spaced(&level, 5, &mut HeuristicBot, Pacing::INSTANT, 20, 9, 3_600)
                .unwrap();
        let gaps: Vec<u32> = recording
            .inputs
            .windows(2)
            .map(|pair| pair[1].tick - pair[0].tick)
            .collect();
        assert!(gaps.len() > 100, "{} drops", gaps.len() + 1);
        assert_eq!(gaps.iter().min(), Some(&20));
    }
}
