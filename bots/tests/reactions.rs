//! `game_core::replay_reactions` measures, per input, how long the game had been taking input:
//! for a bot that waits a fixed think time after the game becomes playable, exactly that time.

use game_core::{replay, replay_reactions, Level};
use playproof_bots::{play, standard_bot, Pacing};

fn level(path: &str) -> Level {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    Level::from_json(&std::fs::read(&path).unwrap()).unwrap()
}

fn check(path: &str, think_ticks: u32) {
    let level = level(path);
    let pacing = Pacing {
        think_ticks_min: think_ticks,
        think_ticks_max: think_ticks,
    };
    let recording = play(
        &level,
        7,
        standard_bot(&level).as_mut(),
        pacing,
        3,
        20 * 60 * 60,
    )
    .expect("the bot plays legally");
    assert!(
        recording.inputs.len() > 3,
        "{path}: a game with a few moves"
    );
    let (outcome, reactions) = replay_reactions(&level, 7, &recording.inputs).unwrap();
    assert_eq!(
        outcome,
        replay(&level, 7, &recording.inputs).unwrap(),
        "{path}: the same replay"
    );
    assert_eq!(
        reactions,
        vec![think_ticks; recording.inputs.len()],
        "{path}"
    );
}

#[test]
fn a_fixed_think_time_is_each_inputs_reaction_in_both_modes() {
    check("../assets/levels/match3/m3-10-gauntlet.json", 0);
    check("../assets/levels/match3/m3-10-gauntlet.json", 45);
    check("../assets/levels/merge/md-01-classic.json", 30);
}
