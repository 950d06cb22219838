//! Match-3 bots: a ladder from random to two-move lookahead.
//!
//! The game cannot be cloned (its ECS world cannot), so the planners work on copies of the
//! board with [`evaluate_swap`], which runs the game's own wave, combo and gravity code without
//! the RNG refill. Each evaluation costs a few microseconds and never touches the game's RNG.

use game_core::match3::{detect, evaluate_swap, Board, Evaluation, Goal, Match3};
use game_core::{Action, Cell, Direction, Game, Pcg32};

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

/// What the level still asks for, to weigh a swap's effects by.
#[derive(Clone, Copy, Debug, Default)]
struct Needs {
    /// Pieces still to collect, per colour.
    collect: [u32; 6],
    jelly: bool,
}

/// Value of a cleared piece of a colour the level still asks for, in points.
const COLLECT_WEIGHT_POINTS: i64 = 60;
/// Value of a jelly layer while the level asks to clear jelly, in points.
const JELLY_WEIGHT_POINTS: i64 = 150;
/// Value of a chocolate cell destroyed (it would otherwise spread), in points.
const CHOCOLATE_WEIGHT_POINTS: i64 = 80;
/// Value of a special piece left on the board for later, in points.
const SPECIAL_WEIGHT_POINTS: i64 = 50;

impl Needs {
    fn of(match3: &Match3) -> Needs {
        let mut needs = Needs::default();
        for progress in match3.goals() {
            match progress.goal {
                Goal::Collect(color, _) => {
                    needs.collect[usize::from(color.0)] = progress.target - progress.current;
                }
                Goal::ClearJelly => needs.jelly = !progress.met(),
                Goal::Score(_) => {}
            }
        }
        needs
    }

    /// A swap's worth: its points plus what it does for the objectives.
    fn value(&self, evaluation: &Evaluation) -> i64 {
        let outcome = &evaluation.outcome;
        let collected: i64 = outcome
            .collected
            .iter()
            .zip(self.collect)
            .map(|(&got, need)| i64::from(u32::from(got).min(need)))
            .sum();
        let jelly = if self.jelly {
            i64::from(outcome.jelly_layers)
        } else {
            0
        };
        i64::from(outcome.points)
            + collected * COLLECT_WEIGHT_POINTS
            + jelly * JELLY_WEIGHT_POINTS
            + i64::from(outcome.chocolate_destroyed) * CHOCOLATE_WEIGHT_POINTS
            + i64::from(outcome.specials_created) * SPECIAL_WEIGHT_POINTS
    }
}

/// Every legal swap on a model board, in canonical order.
fn swaps_on(board: &Board) -> Vec<(Cell, Direction)> {
    let mut swaps = Vec::new();
    detect::legal_swaps(board, |from, direction| {
        swaps.push((Board::cell(from), direction))
    });
    swaps
}

/// Picks the swap with the best immediate value; ties go to the first in canonical cell order.
pub struct GreedyBot;

impl Bot for GreedyBot {
    fn name(&self) -> &'static str {
        "greedy"
    }

    fn choose(&mut self, game: &Game, _rng: &mut Pcg32) -> Option<Action> {
        let match3 = game.match3()?;
        let needs = Needs::of(match3);
        let rules = match3.rules();
        let board = match3.board();
        let mut best: Option<(i64, Cell, Direction)> = None;
        for (cell, direction) in match3.legal_swaps() {
            let Some(evaluation) = evaluate_swap(board, rules, cell, direction) else {
                continue;
            };
            let value = needs.value(&evaluation);
            if best.is_none_or(|(best_value, ..)| value > best_value) {
                best = Some((value, cell, direction));
            }
        }
        best.map(|(_, cell, direction)| Action::Swap { cell, direction })
    }
}

/// Two-move lookahead: the best few first swaps by immediate value, each scored with the best
/// follow-up on the resulting (unrefilled) board. Ties go to the first in canonical order.
pub struct LookaheadBot {
    /// First swaps examined in depth.
    pub breadth: usize,
}

impl Default for LookaheadBot {
    fn default() -> Self {
        // Eight covers the good moves of nearly every board; wider adds time, not wins.
        LookaheadBot { breadth: 8 }
    }
}

/// Weight of the follow-up move relative to the first, in tenths: later is less certain.
const FOLLOW_UP_WEIGHT_TENTHS: i64 = 8;

impl Bot for LookaheadBot {
    fn name(&self) -> &'static str {
        "lookahead"
    }

    fn choose(&mut self, game: &Game, _rng: &mut Pcg32) -> Option<Action> {
        let match3 = game.match3()?;
        let needs = Needs::of(match3);
        let rules = match3.rules();
        let board = match3.board();
        let mut firsts: Vec<(i64, usize, Cell, Direction, Evaluation)> = match3
            .legal_swaps()
            .into_iter()
            .enumerate()
            .filter_map(|(order, (cell, direction))| {
                let evaluation = evaluate_swap(board, rules, cell, direction)?;
                Some((needs.value(&evaluation), order, cell, direction, evaluation))
            })
            .collect();
        // Best first, canonical order among equals.
        firsts.sort_by_key(|&(value, order, ..)| (core::cmp::Reverse(value), order));
        firsts.truncate(self.breadth.max(1));
        let mut best: Option<(i64, Cell, Direction)> = None;
        for (value, _, cell, direction, evaluation) in &firsts {
            let follow_up = swaps_on(&evaluation.board)
                .into_iter()
                .filter_map(|(next_cell, next_direction)| {
                    evaluate_swap(&evaluation.board, rules, next_cell, next_direction)
                })
                .map(|next| needs.value(&next))
                .max()
                .unwrap_or(0);
            let total = value * 10 + follow_up * FOLLOW_UP_WEIGHT_TENTHS;
            if best.is_none_or(|(best_total, ..)| total > best_total) {
                best = Some((total, *cell, *direction));
            }
        }
        best.map(|(_, cell, direction)| Action::Swap { cell, direction })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{play, Pacing};
    use game_core::{Level, SESSION_TICKS_MAX};

    fn levels() -> Vec<(String, Level)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/levels/match3");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("level directory")
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        paths.sort();
        paths
            .into_iter()
            .map(|path| {
                let bytes = std::fs::read(&path).unwrap();
                let level = Level::from_json(&bytes)
                    .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
                (path.display().to_string(), level)
            })
            .collect()
    }

    #[test]
    fn every_shipped_level_is_valid_and_there_are_at_least_ten() {
        assert!(levels().len() >= 10);
    }

    #[test]
    fn the_greedy_bot_wins_every_shipped_level_sometimes() {
        for (path, level) in levels() {
            let wins = (0..12)
                .filter(|&seed| {
                    let recording = play(
                        &level,
                        seed,
                        &mut GreedyBot,
                        Pacing::INSTANT,
                        seed,
                        SESSION_TICKS_MAX,
                    )
                    .unwrap();
                    recording.outcome.passed
                })
                .count();
            assert!(wins > 0, "{path}: greedy never won in 12 games");
        }
    }

    #[test]
    fn every_bot_plays_legal_moves_to_the_end_and_replays_identically() {
        let (_, level) = levels().remove(0);
        let mut bots: Vec<Box<dyn Bot>> = vec![
            Box::new(RandomBot),
            Box::new(GreedyBot),
            Box::new(LookaheadBot::default()),
        ];
        for bot in &mut bots {
            let recording =
                play(&level, 5, bot.as_mut(), Pacing::HUMAN, 9, SESSION_TICKS_MAX).unwrap();
            assert!(recording.outcome.finished, "{}", bot.name());
            let again = game_core::replay(&level, 5, &recording.inputs).unwrap();
            assert_eq!(again, recording.outcome);
        }
    }

    #[test]
    fn greedy_takes_the_bigger_match() {
        let level = Level::from_json(
            br#"{"id": "t", "name": "T", "game": {"match3": {
                "layout": [".....", ".....", ".....", ".....", "....."],
                "pieces": ["P O G P O", "O P B O Y", "R R Y R G", "Y B R B Y", "G Y B Y B"],
                "colors": 6, "moves": 5, "objectives": [{"score": 2000}], "stars": [2000]}}}"#,
        )
        .unwrap();
        let game = Game::new(&level, 1);
        // Swapping (2,2) and (3,2) makes four reds in a row: the only four on the board.
        // Legal swaps are listed once per pair, towards Right or Down.
        assert_eq!(
            GreedyBot.choose(&game, &mut Pcg32::new(0, 0)),
            Some(Action::Swap {
                cell: Cell::new(2, 2),
                direction: Direction::Down
            })
        );
    }
}
