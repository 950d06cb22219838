//! The rulebook, objectives: score, collect, clear jelly; the move limit; stars; the bonus for
//! unused moves; and the game ending only once the board is still.

mod match3_support;

use game_core::match3::{Event, Goal, GoalProgress};
use game_core::Direction::Up;
use game_core::{Action, Cell, Event as GameEvent, Game, Phase};
use match3_support::level;

/// The first move, (3,2) up, makes R R R in row 2 on this board.
const PIECES: &str =
    r#""pieces": ["P O G P O", "O P B O Y", "R R Y G G", "Y B R B Y", "G Y B Y B"]"#;
const OPEN: &str = r#""layout": [".....", ".....", ".....", ".....", "....."]"#;

/// Plays (3,2) up to the end of the move; returns the wave points and the bonus events seen.
fn first_move(game: &mut Game) -> (u32, Vec<(u16, u32)>, bool) {
    game.apply(Action::Swap {
        cell: Cell::new(3, 2),
        direction: Up,
    })
    .unwrap();
    let mut wave_points = 0;
    let mut bonuses = Vec::new();
    let mut finished_while_moving = false;
    while !game.is_quiescent() {
        let moving = !game.is_quiescent();
        for event in game.step() {
            match *event {
                GameEvent::Match3(Event::Wave { points, .. }) => wave_points += points,
                GameEvent::Match3(Event::MovesBonus { moves, points }) => {
                    bonuses.push((moves, points))
                }
                _ => {}
            }
        }
        if moving && !game.is_quiescent() && game.phase() != Phase::Playing {
            finished_while_moving = true;
        }
    }
    (wave_points, bonuses, finished_while_moving)
}

fn with(objectives: &str, extra: &str) -> game_core::Level {
    level(&format!(
        r#"{OPEN}, {PIECES}, "colors": 6, "moves": 5, "objectives": {objectives},
           "stars": [60, 2000, 4000], "scoring": {{"bonus_per_move": 500}} {extra}"#
    ))
}

#[test]
fn reaching_the_score_target_wins_and_each_unused_move_becomes_bonus_points() {
    let mut game = Game::new(&with(r#"[{"score": 60}]"#, ""), 4);
    let (wave_points, bonuses, finished_while_moving) = first_move(&mut game);
    assert!(
        !finished_while_moving,
        "the game ends only on a still board"
    );
    assert_eq!(game.phase(), Phase::Finished { passed: true });
    // Four of five moves left, at 500 each.
    assert_eq!(bonuses, [(4, 2000)]);
    assert_eq!(game.score(), wave_points + 2000);
    assert!(wave_points >= 60);
}

#[test]
fn collecting_enough_pieces_of_a_colour_wins() {
    let mut game = Game::new(&with(r#"[{"collect": {"color": "R", "count": 3}}]"#, ""), 4);
    let progress: Vec<GoalProgress> = game.match3().unwrap().goals().collect();
    assert_eq!(progress[0].current, 0);
    first_move(&mut game);
    let progress: Vec<GoalProgress> = game.match3().unwrap().goals().collect();
    assert_eq!(
        progress,
        [GoalProgress {
            goal: Goal::Collect(game_core::match3::Color(0), 3),
            current: 3,
            target: 3
        }]
    );
    assert_eq!(game.phase(), Phase::Finished { passed: true });
}

#[test]
fn collecting_too_few_keeps_the_game_going() {
    let mut game = Game::new(
        &with(r#"[{"collect": {"color": "R", "count": 40}}]"#, ""),
        4,
    );
    first_move(&mut game);
    assert_eq!(game.phase(), Phase::Playing);
    assert_eq!(game.match3().unwrap().moves_left(), 4);
}

#[test]
fn clearing_all_jelly_wins() {
    let jelly = r#", "jelly": [".....", ".....", "111..", ".....", "....."]"#;
    let mut game = Game::new(&with(r#"["clear_jelly"]"#, jelly), 4);
    let before: Vec<GoalProgress> = game.match3().unwrap().goals().collect();
    assert_eq!((before[0].current, before[0].target), (0, 3));
    first_move(&mut game);
    assert_eq!(game.match3().unwrap().board().jelly_layers(), 0);
    assert_eq!(game.phase(), Phase::Finished { passed: true });
}

#[test]
fn every_objective_must_be_met() {
    let objectives = r#"[{"score": 60}, {"collect": {"color": "R", "count": 40}}]"#;
    let mut game = Game::new(&with(objectives, ""), 4);
    first_move(&mut game);
    assert_eq!(game.phase(), Phase::Playing);
}

#[test]
fn running_out_of_moves_loses_without_a_bonus() {
    let level = level(&format!(
        r#"{OPEN}, {PIECES}, "colors": 6, "moves": 1, "objectives": [{{"score": 5000}}],
           "stars": [5000]"#
    ));
    let mut game = Game::new(&level, 4);
    let (wave_points, bonuses, _) = first_move(&mut game);
    assert_eq!(game.phase(), Phase::Finished { passed: false });
    assert!(bonuses.is_empty());
    assert_eq!(game.score(), wave_points);
}

#[test]
fn stars_count_the_thresholds_the_score_reached() {
    let mut game = Game::new(&with(r#"[{"score": 60}]"#, ""), 4);
    assert_eq!(game.stars(), 0);
    first_move(&mut game);
    // The score includes the 2,000-point bonus: thresholds 60 and 2,000 are reached.
    let expected = [60, 2000, 4000]
        .iter()
        .filter(|&&threshold| game.score() >= threshold)
        .count() as u8;
    assert!(game.score() >= 2000);
    assert_eq!(game.stars(), expected);
    assert!(expected >= 2);
}
