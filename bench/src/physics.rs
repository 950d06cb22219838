//! `physics`: our merge-drop physics against rapier2d (`enhanced-determinism`) on the same
//! scenes, plus a release-mode replay of a 3-minute merge-drop session played by the
//! heuristic bot.
//!
//! Scenes: `N` circles (radius 0.3 to 0.6) released on a grid, 6 per 8 units of width, above an
//! open box: 60 circles in the classic 8-unit cup (about 10 deep), 200 in a 16-unit cup (about
//! 10 deep) and 200 in the 8-unit cup (about 25 deep, the hardest pile to put to sleep);
//! gravity 30 units/s^2, 60 Hz ticks, restitution 0.2, friction 0.4. Rapier runs its default
//! 4 solver sub-steps at dt = 1/60 (ours: 4 sub-steps of one soft solve and one relax pass).
//! Both engines let the circles spin (rapier has no rolling resistance, ours uses
//! `ROLLING_RESISTANCE`).
//!
//! Sleep policy and speed cap differ between the engines (ours: asleep after 15 ticks under
//! 0.06 u/s, capped at 24 u/s; rapier: 0.5 s under 0.05 u/s, 400 u/s), and on a falling pile
//! they decide much of the cost. So rapier runs twice: with its defaults, and with our rules
//! where it allows them (its sleep threshold measures the farthest point's speed, so spin
//! counts too). Every tick is timed with its awake-body count, and three rows per scene show:
//! the mean over ticks on which at least 90% of the bodies were awake (the solver against the
//! solver), the first 300 ticks (`falling`), and 300 ticks after 900 of settling (`resting`),
//! where both piles sleep and the difference is per-tick overhead, printed as microseconds,
//! not as a speed-up. Memory is the peak heap growth while building and running a scene.

use std::time::{Duration, Instant};

use game_core::physics::{PhysicsConfig, Scene, SLEEP_SPEED, SLEEP_SPIN, SLEEP_TICKS, SPEED_MAX};
use game_core::{replay, Pcg32};
use glam::Vec2;
use playproof_bots::merge::HeuristicBot;
use playproof_bots::{play, Pacing};
use rapier2d::prelude::*;

use crate::alloc_meter::{peak_reset, peak_since};
use crate::levels::shipped_levels;

const GRAVITY_Y: f32 = -30.0;
const RESTITUTION: f32 = 0.2;
const FRICTION: f32 = 0.4;
const CUP_WIDTH: f32 = 8.0;
const FALLING_TICKS: u32 = 300;
const SETTLE_TICKS: u32 = 600;
const RESTING_TICKS: u32 = 300;
/// Each scene is run this many times; the fastest run is reported (least disturbed by the
/// other processes sharing the machine).
const RUNS: u32 = 5;

/// One benchmark scene: how many circles, dropped into a cup how many times the classic
/// 8-unit width.
#[derive(Clone, Copy)]
struct SceneSpec {
    count: u32,
    widths: u32,
}

impl SceneSpec {
    /// Circles per grid row: 6 per 8 units of cup width.
    fn columns(self) -> u32 {
        6 * self.widths
    }

    fn cup_width(self) -> f32 {
        CUP_WIDTH * self.widths as f32
    }

    /// Cup walls reach above the highest circle.
    fn cup_height(self) -> f32 {
        2.0 + 1.3 * (self.count / self.columns()) as f32
    }
}

const SCENES: [SceneSpec; 3] = [
    SceneSpec {
        count: 60,
        widths: 1,
    },
    SceneSpec {
        count: 200,
        widths: 2,
    },
    SceneSpec {
        count: 200,
        widths: 1,
    },
];

/// The circles of a scene: (centre, radius), the same for both engines.
fn circles(spec: SceneSpec) -> Vec<(Vec2, f32)> {
    let mut rng = Pcg32::new(0x5eed, 1);
    let (count, columns) = (spec.count, spec.columns());
    let left = -spec.cup_width() / 2.0 + 1.0;
    (0..count)
        .map(|index| {
            let (row, col) = (index / columns, index % columns);
            let radius = 0.3 + 0.05 * rng.below(7) as f32;
            let jitter = rng.below(100) as f32 / 1000.0;
            let centre = Vec2::new(left + 1.2 * col as f32 + jitter, 1.0 + 1.3 * row as f32);
            (centre, radius)
        })
        .collect()
}

/// How rapier is configured for a run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RapierRules {
    /// Rapier's defaults: asleep after 0.5 s under 0.05 u/s, speed capped at 400 u/s.
    Default,
    /// Our rules where rapier allows them: asleep after `SLEEP_TICKS` ticks under
    /// `SLEEP_SPEED` (rapier measures the farthest point's speed, so spin counts too), speed
    /// capped at `SPEED_MAX` after each sub-step.
    Ours,
}

/// Per-tick wall time and awake-body count over a whole run, plus peak heap growth.
struct Run {
    /// `(time, awake bodies)` of every tick, in order.
    ticks: Vec<(Duration, u32)>,
    bodies: u32,
    memory_bytes: usize,
}

/// What a scene's table rows show, per engine: each the fastest of `RUNS` runs.
struct Measurement {
    /// Mean step over ticks with at least 90% of the bodies awake, and how many such ticks.
    awake: (Duration, u32),
    falling: Duration,
    resting: Duration,
    memory_bytes: usize,
    /// Bodies still awake when the resting phase ends.
    awake_at_end: u32,
}

/// Ticks from the start to the end of the resting phase.
const RUN_TICKS: u32 = FALLING_TICKS + SETTLE_TICKS + RESTING_TICKS;

impl Run {
    fn mean(ticks: &[(Duration, u32)]) -> Duration {
        let total: Duration = ticks.iter().map(|(time, _)| *time).sum();
        total / (ticks.len() as u32).max(1)
    }

    fn measurement(&self) -> Measurement {
        // At least 90% awake: `awake * 10 >= bodies * 9`, in integers.
        let awake: Vec<(Duration, u32)> = self
            .ticks
            .iter()
            .copied()
            .filter(|&(_, awake)| awake * 10 >= self.bodies * 9)
            .collect();
        let resting_from = (FALLING_TICKS + SETTLE_TICKS) as usize;
        Measurement {
            awake: (Self::mean(&awake), awake.len() as u32),
            falling: Self::mean(&self.ticks[..FALLING_TICKS as usize]),
            resting: Self::mean(&self.ticks[resting_from..]),
            memory_bytes: self.memory_bytes,
            awake_at_end: self.ticks.last().map_or(0, |&(_, awake)| awake),
        }
    }
}

fn best(runs: impl Iterator<Item = Run>) -> Measurement {
    runs.map(|run| run.measurement())
        .reduce(|a, b| Measurement {
            awake: (a.awake.0.min(b.awake.0), a.awake.1.max(b.awake.1)),
            falling: a.falling.min(b.falling),
            resting: a.resting.min(b.resting),
            memory_bytes: a.memory_bytes.max(b.memory_bytes),
            awake_at_end: a.awake_at_end.max(b.awake_at_end),
        })
        .expect("at least one run")
}

fn run_ours(spec: SceneSpec) -> Run {
    let baseline = peak_reset();
    let config = PhysicsConfig {
        gravity: Vec2::new(0.0, GRAVITY_Y),
        restitution: RESTITUTION,
        friction: FRICTION,
    };
    let mut scene = Scene::new(config, &Scene::cup(spec.cup_width(), spec.cup_height()));
    for (centre, radius) in circles(spec) {
        scene.spawn(centre, radius);
    }
    let mut ticks = Vec::with_capacity(RUN_TICKS as usize);
    for _ in 0..RUN_TICKS {
        let start = Instant::now();
        scene.step();
        let time = start.elapsed();
        ticks.push((time, scene.awake_count()));
    }
    std::hint::black_box(scene.state_hash());
    Run {
        ticks,
        bodies: spec.count,
        memory_bytes: peak_since(baseline),
    }
}

fn run_rapier(spec: SceneSpec, rules: RapierRules) -> Run {
    let baseline = peak_reset();
    let mut world = PhysicsWorld::new();
    world.gravity = Vector::new(0.0, GRAVITY_Y);
    world.integration_parameters.dt = 1.0 / 60.0;
    world.integration_parameters.num_solver_iterations = 4;
    if rules == RapierRules::Ours {
        world.integration_parameters.normalized_max_linear_velocity = SPEED_MAX;
    }
    let height = spec.cup_height();
    let half = spec.cup_width() / 2.0;
    let corners = [
        Vector::new(-half, height),
        Vector::new(-half, 0.0),
        Vector::new(half, 0.0),
        Vector::new(half, height),
    ];
    let ground = world.insert_body(RigidBodyBuilder::fixed());
    for pair in corners.windows(2) {
        let wall = ColliderBuilder::segment(pair[0], pair[1])
            .friction(FRICTION)
            .restitution(RESTITUTION);
        world
            .colliders
            .insert_with_parent(wall, ground, &mut world.bodies);
    }
    for (centre, radius) in circles(spec) {
        let body = RigidBodyBuilder::dynamic().translation(Vector::new(centre.x, centre.y));
        let ball = ColliderBuilder::ball(radius)
            .friction(FRICTION)
            .restitution(RESTITUTION);
        let (handle, _) = world.insert(body, ball);
        if rules == RapierRules::Ours {
            let activation = world.bodies[handle].activation_mut();
            activation.normalized_linear_threshold = SLEEP_SPEED;
            activation.angular_threshold = SLEEP_SPIN;
            activation.time_until_sleep = f32::from(SLEEP_TICKS) / 60.0;
        }
    }
    let mut ticks = Vec::with_capacity(RUN_TICKS as usize);
    for _ in 0..RUN_TICKS {
        let start = Instant::now();
        world.step();
        let time = start.elapsed();
        let awake = world
            .bodies
            .iter()
            .filter(|(_, body)| body.is_dynamic() && !body.is_sleeping())
            .count();
        ticks.push((time, awake as u32));
    }
    Run {
        ticks,
        bodies: spec.count,
        memory_bytes: peak_since(baseline),
    }
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// Game seeds for the bot sessions of every level.
const BOT_SESSION_SEEDS: [u64; 3] = [42, 1, 2];

/// How long the heuristic bot lasts on each shipped level, and what it scores: a session that
/// ends well before the time limit means pieces pile up faster than the bot can merge them.
fn bot_sessions() -> anyhow::Result<()> {
    println!();
    println!("heuristic bot sessions (bot seed 7, a drop every 1 to 3 s), per level and game seed");
    println!(
        "{:>14} | {:>5} | {:>10} | {:>10} | {:>5} | {:>6} | {:>5}",
        "level", "seed", "played (s)", "limit (s)", "drops", "score", "stars"
    );
    println!("{}", "-".repeat(72));
    for file in shipped_levels()? {
        let level = file.level;
        let name = level.id.clone();
        let limit_s = match &level.game {
            game_core::LevelGame::MergeDrop(merge) => f64::from(merge.time_limit_ticks) / 60.0,
            game_core::LevelGame::Match3(_) => continue,
        };
        for seed in BOT_SESSION_SEEDS {
            let pacing = Pacing {
                think_ticks_min: 60,
                think_ticks_max: 180,
            };
            let recording = play(&level, seed, &mut HeuristicBot, pacing, 7, u32::MAX)?;
            let outcome = &recording.outcome;
            println!(
                "{:>14} | {:>5} | {:>10.1} | {:>10.1} | {:>5} | {:>6} | {:>5}",
                name,
                seed,
                f64::from(outcome.ticks) / 60.0,
                limit_s,
                recording.inputs.len(),
                outcome.score,
                outcome.stars
            );
        }
    }
    Ok(())
}

/// Records a 3-minute classic session played by the heuristic bot, then times its replay.
fn replay_session() -> anyhow::Result<()> {
    let level = shipped_levels()?
        .into_iter()
        .map(|file| file.level)
        .find(|level| level.id == "md-01-classic")
        .ok_or_else(|| anyhow::anyhow!("md-01-classic is not under assets/levels"))?;
    // A steady human: a drop every 1 to 3 seconds.
    let pacing = Pacing {
        think_ticks_min: 60,
        think_ticks_max: 180,
    };
    let recording = play(&level, 42, &mut HeuristicBot, pacing, 7, u32::MAX)?;
    let outcome = &recording.outcome;
    let mut fastest = Duration::MAX;
    let mut memory_bytes = 0;
    for _ in 0..RUNS {
        let baseline = peak_reset();
        let start = Instant::now();
        let again = replay(&level, 42, &recording.inputs)?;
        fastest = fastest.min(start.elapsed());
        memory_bytes = memory_bytes.max(peak_since(baseline));
        assert_eq!(&again, outcome, "replay diverged from the recording");
    }
    println!();
    println!("replay of a merge-drop session (md-01-classic, heuristic bot, seed 42, bot seed 7)");
    println!(
        "  {} ticks ({:.1} s of play), {} drops, score {}, {} stars, finished: {}",
        outcome.ticks,
        f64::from(outcome.ticks) / 60.0,
        recording.inputs.len(),
        outcome.score,
        outcome.stars,
        outcome.finished
    );
    println!(
        "  replay time {:.1} ms (budget 180 ms), {:.2} us per tick, peak heap {:.0} KiB (budget 1024 KiB)",
        fastest.as_secs_f64() * 1e3,
        micros(fastest) / f64::from(outcome.ticks),
        memory_bytes as f64 / 1024.0
    );
    Ok(())
}

pub fn run() -> anyhow::Result<()> {
    println!("physics step against rapier2d (enhanced-determinism), time per 60 Hz tick, fastest of {RUNS} runs");
    println!(
        "rapier(ours) = rapier with our sleep rule ({SLEEP_SPEED} u/s for {SLEEP_TICKS} ticks) and speed cap ({SPEED_MAX} u/s); rapier(default) = 0.05 u/s for 0.5 s, 400 u/s"
    );
    println!(
        "{:>6} | {:>4} | {:<16} | {:>9} | {:>12} | {:>7} | {:>14} | {:>7} | {:>10} | {:>8} | {:>10}",
        "bodies",
        "cup",
        "ticks",
        "ours us",
        "rapier(ours)",
        "ratio",
        "rapier(default)",
        "ratio",
        "awake o/r/d",
        "ours KiB",
        "rapier KiB"
    );
    println!("{}", "-".repeat(132));
    for spec in SCENES {
        let ours = best((0..RUNS).map(|_| run_ours(spec)));
        let like = best((0..RUNS).map(|_| run_rapier(spec, RapierRules::Ours)));
        let default = best((0..RUNS).map(|_| run_rapier(spec, RapierRules::Default)));
        let rows = [
            (
                ">=90% awake",
                ours.awake.0,
                like.awake.0,
                default.awake.0,
                format!("{}/{}/{}", ours.awake.1, like.awake.1, default.awake.1),
            ),
            (
                "falling 0-300",
                ours.falling,
                like.falling,
                default.falling,
                String::new(),
            ),
            (
                "resting 900-1200",
                ours.resting,
                like.resting,
                default.resting,
                format!(
                    "{}/{}/{}",
                    ours.awake_at_end, like.awake_at_end, default.awake_at_end
                ),
            ),
        ];
        for (phase, mine, like_for_like, theirs, awake) in rows {
            // Resting: both engines mostly sleep; the difference is per-tick overhead, so it is
            // shown as microseconds more (+) or less (-) than ours, never as a speed-up.
            let compare = |peer: Duration| {
                if phase.starts_with("resting") {
                    format!("{:+.2}us", micros(peer) - micros(mine))
                } else {
                    format!("{:.2}x", micros(peer) / micros(mine).max(1e-3))
                }
            };
            println!(
                "{:>6} | {:>4} | {:<16} | {:>9.2} | {:>12.2} | {:>7} | {:>15.2} | {:>7} | {:>10} | {:>8.0} | {:>10.0}",
                spec.count,
                spec.cup_width(),
                phase,
                micros(mine),
                micros(like_for_like),
                compare(like_for_like),
                micros(theirs),
                compare(theirs),
                awake,
                ours.memory_bytes as f64 / 1024.0,
                like.memory_bytes.max(default.memory_bytes) as f64 / 1024.0,
            );
        }
    }
    println!(
        "ratio = rapier time / our time (above 1: ours is faster); both simulate spinning circles"
    );
    println!(">=90% awake: mean over the ticks on which at least 90% of that engine's bodies were awake; awake o/r/d = how many such ticks, ours / rapier(ours) / rapier(default)");
    println!("resting: per-tick overhead of a (mostly) sleeping pile, shown as rapier minus ours; awake o/r/d = bodies still awake after it");
    replay_session()?;
    bot_sessions()
}
