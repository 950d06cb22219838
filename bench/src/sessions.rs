//! Sessions the replay benchmarks time: merge-drop games that hold a chosen number of bodies,
//! match-3 games spread over a chosen length, and how a replay of them is measured.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use game_core::{replay, Game, Input, Level, TICK_HZ};
use playproof_bots::stack::{hold_bodies, pieces_in_play};
use playproof_bots::{play, standard_bot, Pacing};

use crate::alloc_meter::{measure, peak_reset, peak_since};
use crate::levels::shipped_levels;

/// The shipped level whose tiers, physics and danger line the body-count scenes use.
const MERGE_BASE_LEVEL: &str = "md-01-classic";
/// Container area each piece is given below the danger line, in square world units: the
/// dropped tiers' mean disc (about 1 u²) at a loose pile's packing, plus room for the
/// bigger pieces merges make. Measured (`bench scaling`): at 2.5 the 60-body scene plays its
/// full 30 minutes, and the 100- and 200-body scenes their 3, without reaching the danger line.
const AREA_PER_BODY: f32 = 2.5;
/// The classic cup's width, in milli-units: the narrowest scene.
const CLASSIC_WIDTH_MILLI: i32 = 8_000;

/// A recorded session to replay.
pub struct Session {
    pub level: Level,
    pub seed: u64,
    pub inputs: Vec<Input>,
    pub ticks: u32,
}

/// `md-01-classic`'s tiers, physics, drop height and danger line in a cup wide enough to
/// hold `bodies` pieces below the danger line, with a time limit of `minutes`.
pub fn merge_scene_level(bodies: u32, minutes: u32) -> Result<Level> {
    let base = shipped_levels()?
        .into_iter()
        .find(|file| file.level.id == MERGE_BASE_LEVEL)
        .with_context(|| format!("{MERGE_BASE_LEVEL} is not under assets/levels"))?;
    let mut json: serde_json::Value = serde_json::from_slice(&base.bytes)?;
    let spec = &mut json["game"]["merge_drop"];
    let danger_milli = spec["danger_y_milli"].as_i64().context("danger_y_milli")? as f32;
    let top_milli = spec["container"][0][1].as_i64().context("container")?;
    let width_needed_milli = bodies as f32 * AREA_PER_BODY / (danger_milli / 1000.0) * 1000.0;
    // Whole even units, so the cup stays centred on integer milli-units.
    let half_milli =
        ((width_needed_milli / 2000.0).ceil() as i32 * 1000).max(CLASSIC_WIDTH_MILLI / 2);
    spec["container"] = serde_json::json!([
        [-half_milli, top_milli],
        [-half_milli, 0],
        [half_milli, 0],
        [half_milli, top_milli]
    ]);
    spec["time_limit_ticks"] = (minutes * 60 * TICK_HZ).into();
    json["id"] = format!("bench-{bodies}-bodies-{minutes}-min").into();
    Level::from_json(json.to_string().as_bytes()).context("the body-count scene level")
}

/// A merge-drop session on [`merge_scene_level`] that holds `bodies` pieces for `minutes`.
pub fn merge_session(bodies: u32, minutes: u32, seed: u64) -> Result<Session> {
    let level = merge_scene_level(bodies, minutes)?;
    let recording = hold_bodies(&level, seed, bodies, minutes * 60 * TICK_HZ, seed)
        .with_context(|| format!("stacking {bodies} bodies"))?;
    Ok(Session {
        seed,
        ticks: recording.outcome.ticks,
        inputs: recording.inputs,
        level,
    })
}

/// Match-3 sessions of every shipped level, played by the greedy bot with its moves spread
/// over `minutes` (think times 0.5x to 1.5x the mean), `per_level` seeds each.
pub fn match3_sessions(minutes: u32, per_level: u64) -> Result<Vec<Session>> {
    let ticks_max = minutes * 60 * TICK_HZ;
    let mut sessions = Vec::new();
    for file in shipped_levels()? {
        let game_core::LevelGame::Match3(spec) = &file.level.game else {
            continue;
        };
        let mean = ticks_max / u32::from(spec.moves.max(1));
        let pacing = Pacing {
            think_ticks_min: mean / 2,
            think_ticks_max: mean * 3 / 2,
        };
        for seed in 1..=per_level {
            let mut bot = standard_bot(&file.level);
            let recording = play(&file.level, seed, bot.as_mut(), pacing, seed, ticks_max)
                .with_context(|| format!("recording {}", file.level.id))?;
            sessions.push(Session {
                level: file.level.clone(),
                seed,
                ticks: recording.outcome.ticks,
                inputs: recording.inputs,
            });
        }
    }
    Ok(sessions)
}

/// What replaying a set of sessions cost.
pub struct ReplayCost {
    /// Mean wall time of one replay (fastest of the timed passes).
    pub per_replay: Duration,
    /// Slowest single session in the fastest pass.
    pub slowest: Duration,
    pub ticks_mean: f64,
    /// Peak live heap of one replay, the largest over the sessions.
    pub peak_heap_bytes: usize,
    /// Bytes allocated by one replay, mean over the sessions.
    pub allocated_bytes: usize,
}

/// Replays every session `passes` times (after a warm-up pass that also measures memory) and
/// keeps the fastest pass: the one least disturbed by other work on the machine.
pub fn replay_cost(sessions: &[Session], passes: u32) -> Result<ReplayCost> {
    let mut peak_heap_bytes = 0;
    let mut allocated_total = 0;
    for session in sessions {
        let baseline = peak_reset();
        let (outcome, allocated, _) =
            measure(|| replay(&session.level, session.seed, &session.inputs));
        outcome.context("a recorded session replays")?;
        peak_heap_bytes = peak_heap_bytes.max(peak_since(baseline));
        allocated_total += allocated;
    }
    let mut best: Option<(Duration, Duration)> = None;
    for _ in 0..passes.max(1) {
        let mut total = Duration::ZERO;
        let mut slowest = Duration::ZERO;
        for session in sessions {
            let start = Instant::now();
            std::hint::black_box(replay(&session.level, session.seed, &session.inputs)?);
            let time = start.elapsed();
            total += time;
            slowest = slowest.max(time);
        }
        if best.is_none_or(|(fastest, _)| total < fastest) {
            best = Some((total, slowest));
        }
    }
    let (total, slowest) = best.expect("at least one pass");
    let count = sessions.len().max(1);
    Ok(ReplayCost {
        per_replay: total / count as u32,
        slowest,
        ticks_mean: sessions.iter().map(|s| f64::from(s.ticks)).sum::<f64>() / count as f64,
        peak_heap_bytes,
        allocated_bytes: allocated_total / count,
    })
}

/// How a merge-drop session's bodies behaved, tick by tick (from an untimed run).
pub struct BodyProfile {
    pub bodies_mean: f64,
    pub bodies_max: u32,
    pub awake_mean: f64,
    /// Share of ticks on which at least 90% of the bodies were awake.
    pub mostly_awake_share: f64,
}

/// Steps `session` tick by tick, counting pieces and awake bodies.
pub fn body_profile(session: &Session) -> BodyProfile {
    let mut game = Game::new(&session.level, session.seed);
    let (mut bodies_sum, mut awake_sum, mut mostly_awake, mut bodies_max) = (0u64, 0u64, 0u32, 0);
    let mut next = 0;
    while game.tick() < session.ticks {
        while session
            .inputs
            .get(next)
            .is_some_and(|input| input.tick == game.tick())
        {
            game.apply(session.inputs[next].action)
                .expect("a recorded input is legal");
            next += 1;
        }
        game.step();
        let bodies = pieces_in_play(&game);
        let awake = game
            .kernel()
            .world
            .query::<&game_core::physics::Body>()
            .iter()
            .filter(|body| !body.asleep)
            .count() as u32;
        bodies_sum += u64::from(bodies);
        awake_sum += u64::from(awake);
        bodies_max = bodies_max.max(bodies);
        if bodies > 0 && awake * 10 >= bodies * 9 {
            mostly_awake += 1;
        }
    }
    let ticks = f64::from(session.ticks.max(1));
    BodyProfile {
        bodies_mean: bodies_sum as f64 / ticks,
        bodies_max,
        awake_mean: awake_sum as f64 / ticks,
        mostly_awake_share: f64::from(mostly_awake) / ticks,
    }
}

/// `m:ss` of game time.
pub fn game_time(ticks: f64) -> String {
    let seconds = (ticks / f64::from(TICK_HZ)).round() as u64;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}
