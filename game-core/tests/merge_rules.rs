//! Specification of merge-drop's rules, played through the public `Game` API.

use game_core::merge::{EndReason, Event as MergeEvent};
use game_core::{replay, Action, Cell, Direction, Event, Game, Input, Level, Phase, Refusal};

const CLASSIC: &str = include_str!("../../assets/levels/merge/md-01-classic.json");

fn classic() -> Level {
    Level::from_json(CLASSIC.as_bytes()).unwrap()
}

/// The classic level with `edit` applied to its `merge_drop` object.
fn classic_with(edit: impl FnOnce(&mut serde_json::Value)) -> Level {
    let mut value: serde_json::Value = serde_json::from_str(CLASSIC).unwrap();
    edit(&mut value["game"]["merge_drop"]);
    Level::from_json(value.to_string().as_bytes()).unwrap()
}

fn run(game: &mut Game, ticks: u32) -> Vec<Event> {
    let mut events = Vec::new();
    for _ in 0..ticks {
        events.extend_from_slice(game.step());
    }
    events
}

#[test]
fn a_drop_spawns_the_current_piece_and_advances_the_preview() {
    let mut game = Game::new(&classic(), 1);
    let merge = game.merge_drop().unwrap();
    let (current, preview) = (merge.current_tier(), merge.preview_tier());
    assert!(current < 5 && preview < 5);
    assert!(game.accepts_input());
    game.apply(Action::Drop { x_milli: 0 }).unwrap();
    assert_eq!(
        game.events(),
        [Event::MergeDrop(MergeEvent::Dropped {
            serial: 0,
            tier: current,
            x_milli: 0
        })]
    );
    let merge = game.merge_drop().unwrap();
    assert_eq!(merge.current_tier(), preview);
    assert_eq!(merge.cooldown_ticks_left(), 30);
    assert_eq!(merge.pieces(game.kernel()).len(), 1);
}

#[test]
fn illegal_drops_are_refused_and_change_nothing() {
    let mut game = Game::new(&classic(), 2);
    let (low, high) = game.merge_drop().unwrap().drop_range_milli();
    let untouched = game.state_hash();
    assert_eq!(
        game.apply(Action::Drop { x_milli: high + 1 }),
        Err(Refusal::OutsideContainer)
    );
    assert_eq!(
        game.apply(Action::Drop { x_milli: low - 1 }),
        Err(Refusal::OutsideContainer)
    );
    let swap = Action::Swap {
        cell: Cell::new(0, 0),
        direction: Direction::Right,
    };
    assert_eq!(game.apply(swap), Err(Refusal::WrongMode));
    assert_eq!(game.state_hash(), untouched);

    game.apply(Action::Drop { x_milli: low }).unwrap();
    let after_drop = game.state_hash();
    assert!(!game.accepts_input());
    assert_eq!(
        game.apply(Action::Drop { x_milli: 0 }),
        Err(Refusal::DropCooldown)
    );
    assert_eq!(game.state_hash(), after_drop);
    run(&mut game, 30);
    assert!(game.accepts_input());
    game.apply(Action::Drop { x_milli: high }).unwrap();
}

#[test]
fn two_equal_pieces_merge_into_the_next_tier_at_their_midpoint() {
    // Only tier 0 is droppable, so both drops are tier 0.
    let level = classic_with(|game| game["droppable_tiers"] = 1.into());
    let mut game = Game::new(&level, 3);
    game.apply(Action::Drop { x_milli: -200 }).unwrap();
    run(&mut game, 30);
    game.apply(Action::Drop { x_milli: 200 }).unwrap();
    // Step until the merge.
    let mut merged = None;
    for _ in 0..120 {
        let events = game.step().to_vec();
        merged = events.iter().find_map(|event| match event {
            Event::MergeDrop(MergeEvent::Merged {
                first,
                second,
                into,
                tier,
                x_milli,
                y_milli,
            }) => Some(((*first, *second, *into, *tier), (*x_milli, *y_milli))),
            _ => None,
        });
        if merged.is_some() {
            assert!(events.contains(&Event::ScoreChanged { score: 3 }));
            break;
        }
    }
    let (ids, (x_milli, y_milli)) = merged.expect("the pieces merged");
    assert_eq!(
        ids,
        (0, 1, 2, 1),
        "serials 0 and 1 became serial 2 of tier 1"
    );
    assert_eq!(game.score(), 3, "tier 1 scores 3");
    let pieces = game.merge_drop().unwrap().pieces(game.kernel());
    assert_eq!(pieces.len(), 1);
    let (body, tier) = pieces[0];
    assert_eq!((body.serial, tier), (2, 1));
    // Born at the midpoint of the two centres as they were at the end of the physics stage.
    assert_eq!(
        (
            (body.position.x * 1000.0).round() as i32,
            (body.position.y * 1000.0).round() as i32
        ),
        (x_milli, y_milli)
    );
}

#[test]
fn the_time_limit_ends_the_game_and_freezes_it() {
    let level = classic_with(|game| game["time_limit_ticks"] = 1800.into());
    let mut game = Game::new(&level, 4);
    let events = run(&mut game, 1800);
    assert!(events.contains(&Event::MergeDrop(MergeEvent::Ended {
        reason: EndReason::TimeUp
    })));
    assert_eq!(game.phase(), Phase::Finished { passed: false });
    assert!(game.is_quiescent());
    assert!(!game.accepts_input());
    assert_eq!(
        game.apply(Action::Drop { x_milli: 0 }),
        Err(Refusal::GameOver)
    );
    let score = game.score();
    assert!(run(&mut game, 10)
        .iter()
        .all(|event| !matches!(event, Event::MergeDrop(_))));
    assert_eq!(game.score(), score);
}

#[test]
fn a_pile_above_the_danger_line_ends_the_game_after_the_grace_period() {
    // A low danger line: the first landed piece is above it.
    let level = classic_with(|game| {
        game["danger_y_milli"] = 100.into();
        game["danger_grace_ticks"] = 60.into();
    });
    let mut game = Game::new(&level, 5);
    game.apply(Action::Drop { x_milli: 0 }).unwrap();
    let mut started = None;
    let mut ended = None;
    for tick in 0..600u32 {
        for event in game.step() {
            match event {
                Event::MergeDrop(MergeEvent::DangerStarted) => started = Some(tick),
                Event::MergeDrop(MergeEvent::Ended { reason }) => ended = Some((tick, *reason)),
                _ => {}
            }
        }
        if ended.is_some() {
            break;
        }
    }
    let started = started.expect("danger started");
    assert_eq!(ended, Some((started + 59, EndReason::Overflow)));
}

#[test]
fn replays_are_deterministic_and_reach_the_time_limit() {
    let level = classic_with(|game| game["time_limit_ticks"] = 3600.into());
    let inputs: Vec<Input> = (0..60)
        .map(|index| Input {
            tick: index * 40,
            action: Action::Drop {
                x_milli: (index as i32 * 1_337) % 6_000 - 3_000,
            },
        })
        .collect();
    let first = replay(&level, 9, &inputs).unwrap();
    let second = replay(&level, 9, &inputs).unwrap();
    assert_eq!(first, second);
    assert!(first.finished);
    assert_eq!(first.ticks, 3600);
    assert_eq!(first.checkpoints.len(), 60);
    assert!(first.score > 0);
    let other_seed = replay(&level, 10, &inputs).unwrap();
    assert_ne!(first.final_hash, other_seed.final_hash);
}
