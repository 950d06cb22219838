//! Watching a verified game: the level, the seed and the input log are enough, because the
//! game is a pure function of them (DESIGN.md §3). A [`Watch`] steps the same core the player
//! ran, tick by tick at wall-clock pace (times a speed), feeding each input at the tick it is
//! stamped with, and the scene and renderer draw its session exactly as they drew the player's.
//! At the end, its score is the score the server verified.
//!
//! Each tick does what `game_core::replay` does, in its order:
//!
//! ```text
//! inputs stamped now -> apply (a refusal stops the watch: the log is not this level's game)
//! game over and still, or log done and still -> finished
//! otherwise -> one step (bodies' last positions and the tick's events kept for the scene)
//! ```
//!
//! Nothing here knows about a console or a page: the operator's replay viewer drives it
//! through `Client::start_watch`/`frame_watch`, and a leaderboard's ghost replay can hold one
//! beside the player's own session.

use alloc::vec::Vec;

use game_core::{Input, Level, Phase, Refusal, SESSION_TICKS_MAX};
use playproof_proof::{level_hash, LevelHash};

use crate::session::{Session, TICK_S};

/// Slowest and fastest playback, as multiples of real time: a tenth to look at one cascade, 8x
/// to cross a long game (at 8x a frame of 1/60 s runs 8 ticks, the live game's own cap).
pub const SPEED_MIN: f32 = 0.1;
pub const SPEED_MAX: f32 = 8.0;
/// Most ticks one frame runs: a frame that comes late (a hidden tab) catches up at most this
/// far, so one call never runs a whole game. 8x speed over 1/15 s, a slow frame, is 32.
pub const WATCH_TICKS_PER_FRAME_MAX: u32 = 32;

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("the level file is invalid: {0}")]
    BadLevel(game_core::LevelError),
    #[error("the level file does not hash to the game's level hash")]
    LevelHashMismatch,
    #[error("the level hash is {0} bytes; a SHA-256 is 32")]
    LevelHashLength(usize),
    #[error("the input log does not decode: {0:?}")]
    BadInputLog(game_core::kernel::input::InputLogError),
}

/// Where the watch is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchState {
    /// Stepping (or paused in the middle).
    Running,
    /// The game ended as the log says: the score is the verified one.
    Finished,
    /// An input was refused at its tick, or the game ran past the session limit: the log does
    /// not belong to this level and seed. The verifier would have rejected it too.
    Broken {
        input_index: u32,
        refusal: Option<Refusal>,
    },
}

/// A verified game played back from its input log.
pub struct Watch {
    level: Level,
    seed: u64,
    inputs: Vec<Input>,
    session: Session,
    next_input: usize,
    accumulator_s: f64,
    speed: f32,
    paused: bool,
    state: WatchState,
}

impl Watch {
    /// A watch of the game played on `level_bytes` (which must hash to `expected_level_hash`)
    /// with `seed` and the canonical input log `input_log`, at the start, running at 1x.
    pub fn new(
        level_bytes: &[u8],
        expected_level_hash: &[u8],
        seed: u64,
        input_log: &[u8],
    ) -> Result<Watch, WatchError> {
        let expected: LevelHash = expected_level_hash
            .try_into()
            .map_err(|_| WatchError::LevelHashLength(expected_level_hash.len()))?;
        if level_hash(level_bytes) != expected {
            return Err(WatchError::LevelHashMismatch);
        }
        let level = Level::from_json(level_bytes).map_err(WatchError::BadLevel)?;
        let inputs = game_core::kernel::input::decode_input_log(input_log)
            .map_err(WatchError::BadInputLog)?;
        let session = Session::unticketed(level.clone(), seed, Vec::new());
        Ok(Watch {
            level,
            seed,
            inputs,
            session,
            next_input: 0,
            accumulator_s: 0.0,
            speed: 1.0,
            paused: false,
            state: WatchState::Running,
        })
    }

    /// Back to the first tick, keeping the speed and the pause.
    pub fn restart(&mut self) {
        self.session = Session::unticketed(self.level.clone(), self.seed, Vec::new());
        self.next_input = 0;
        self.accumulator_s = 0.0;
        self.state = WatchState::Running;
    }

    /// Playback speed as a multiple of real time, clamped to [`SPEED_MIN`]..=[`SPEED_MAX`].
    pub fn set_speed(&mut self, speed: f32) {
        self.speed = if speed.is_finite() {
            speed.clamp(SPEED_MIN, SPEED_MAX)
        } else {
            1.0
        };
    }

    pub fn speed(&self) -> f32 {
        self.speed
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    pub fn state(&self) -> WatchState {
        self.state
    }

    /// The game as it stands, for the scene and the HUD.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Inputs applied so far, and in the whole log.
    pub fn progress(&self) -> (u32, u32) {
        (self.next_input as u32, self.inputs.len() as u32)
    }

    /// `dt_s` seconds of wall-clock time: runs the ticks they are worth at the current speed
    /// (none while paused or over). Returns the interpolation factor between the last two
    /// ticks, for the scene.
    pub fn advance(&mut self, dt_s: f64) -> f32 {
        self.session.frame_events.clear();
        let dt_s = if dt_s.is_finite() { dt_s.max(0.0) } else { 0.0 };
        if self.paused || self.state != WatchState::Running {
            return 1.0;
        }
        self.accumulator_s += dt_s * f64::from(self.speed);
        let mut ticks = 0;
        while self.accumulator_s >= TICK_S && ticks < WATCH_TICKS_PER_FRAME_MAX {
            if !self.tick() {
                break;
            }
            self.accumulator_s -= TICK_S;
            ticks += 1;
        }
        if ticks == WATCH_TICKS_PER_FRAME_MAX || self.state != WatchState::Running {
            self.accumulator_s = self.accumulator_s.min(TICK_S);
        }
        (self.accumulator_s / TICK_S).clamp(0.0, 1.0) as f32
    }

    /// Plays the whole remaining game at once (tests, and a viewer's "skip to the end").
    pub fn run_to_end(&mut self) -> WatchState {
        while self.state == WatchState::Running && self.tick() {}
        self.state
    }

    /// One tick in `replay`'s order; false when the watch stopped instead of stepping.
    fn tick(&mut self) -> bool {
        let now = self.session.game.tick();
        while let Some(input) = self.inputs.get(self.next_input).copied() {
            if input.tick > now {
                break;
            }
            let refused = if input.tick < now {
                Err(None)
            } else {
                self.session.apply_logged(input).map_err(Some)
            };
            if let Err(refusal) = refused {
                self.state = WatchState::Broken {
                    input_index: self.next_input as u32,
                    refusal,
                };
                return false;
            }
            self.next_input += 1;
        }
        let game = &self.session.game;
        let over = matches!(game.phase(), Phase::Finished { .. });
        let log_done = self.next_input == self.inputs.len();
        if (over || log_done) && game.is_quiescent() {
            self.state = if log_done {
                WatchState::Finished
            } else {
                WatchState::Broken {
                    input_index: self.next_input as u32,
                    refusal: Some(Refusal::GameOver),
                }
            };
            return false;
        }
        if now >= SESSION_TICKS_MAX {
            self.state = WatchState::Broken {
                input_index: self.next_input as u32,
                refusal: None,
            };
            return false;
        }
        self.session.step_tick();
        true
    }
}

/// [`Watch`]'s state as JSON for hosts: `{ "state", "tick", "inputs_applied",
/// "inputs_total", "score", "stars", "speed", "paused" }`, and for a broken log
/// `"broken_input"` and `"refusal"` (a refusal code, or null past the session limit).
pub fn status_json(watch: &Watch) -> alloc::string::String {
    use core::fmt::Write;
    let game = &watch.session.game;
    let (applied, total) = watch.progress();
    let state = match watch.state {
        WatchState::Running => "running",
        WatchState::Finished => "finished",
        WatchState::Broken { .. } => "broken",
    };
    let mut json = alloc::format!(
        r#"{{"state":"{state}","tick":{},"inputs_applied":{applied},"inputs_total":{total},"score":{},"stars":{},"speed":{},"paused":{}"#,
        game.tick(),
        game.score(),
        game.stars(),
        watch.speed,
        watch.paused
    );
    if let WatchState::Broken {
        input_index,
        refusal,
    } = watch.state
    {
        let refusal = refusal.map_or(alloc::string::String::from("null"), |refusal| {
            alloc::format!(r#""{}""#, refusal.code())
        });
        let _ = write!(json, r#","broken_input":{input_index},"refusal":{refusal}"#);
    }
    json.push('}');
    json
}

// Native only: the games are recorded by the bots, a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use game_core::Pcg32;
    use std::vec::Vec;

    const LEVELS: [&str; 2] = [
        "../assets/levels/match3/m3-01-first-steps.json",
        "../assets/levels/merge/md-01-classic.json",
    ];

    /// A game recorded by a bot on `path`, and its replay outcome.
    fn recorded(path: &str, seed: u64) -> (Vec<u8>, Vec<u8>, game_core::ReplayOutcome) {
        let bytes = std::fs::read(path).unwrap();
        let level = Level::from_json(&bytes).unwrap();
        let recording =
            playproof_bots::play_random(&level, seed, playproof_bots::Pacing::HUMAN, seed).unwrap();
        let log = recording.input_log();
        (bytes, log, recording.outcome)
    }

    #[test]
    fn watching_at_any_pace_ends_on_the_replays_score_tick_and_hash() {
        for path in LEVELS {
            let (bytes, log, outcome) = recorded(path, 7);
            let hash = level_hash(&bytes);
            let mut frames = Pcg32::new(11, 3);
            for speed in [0.5, 1.0, 3.0, SPEED_MAX] {
                let mut watch = Watch::new(&bytes, &hash, 7, &log).unwrap();
                watch.set_speed(speed);
                let mut calls = 0;
                while watch.state() == WatchState::Running {
                    // Uneven frames, 4 to 40 ms, as a browser gives them.
                    let dt_s = f64::from(4 + frames.below(37)) / 1000.0;
                    watch.advance(dt_s);
                    calls += 1;
                    assert!(calls < 1_000_000, "{path} never finishes");
                }
                let game = &watch.session().game;
                assert_eq!(watch.state(), WatchState::Finished, "{path} at {speed}x");
                assert_eq!(
                    (game.score(), game.tick(), game.state_hash()),
                    (outcome.score, outcome.ticks, outcome.final_hash),
                    "{path} at {speed}x"
                );
                assert_eq!(
                    watch.progress(),
                    (watch.inputs.len() as u32, watch.inputs.len() as u32)
                );
            }
        }
    }

    #[test]
    fn pause_stops_time_and_restart_plays_the_same_game_again() {
        let (bytes, log, outcome) = recorded(LEVELS[0], 3);
        let mut watch = Watch::new(&bytes, &level_hash(&bytes), 3, &log).unwrap();
        watch.advance(0.5);
        let tick = watch.session().game.tick();
        assert!(tick > 0);
        watch.set_paused(true);
        watch.advance(10.0);
        assert_eq!(watch.session().game.tick(), tick, "paused");
        watch.set_paused(false);
        assert_eq!(watch.run_to_end(), WatchState::Finished);
        let status: serde_json::Value = serde_json::from_str(&status_json(&watch)).unwrap();
        assert_eq!(
            (&status["state"], &status["score"], &status["paused"]),
            (
                &serde_json::json!("finished"),
                &serde_json::json!(outcome.score),
                &serde_json::json!(false)
            )
        );
        watch.restart();
        assert_eq!((watch.session().game.tick(), watch.progress().0), (0, 0));
        assert_eq!(watch.run_to_end(), WatchState::Finished);
        assert_eq!(watch.session().game.score(), outcome.score);
    }

    #[test]
    fn a_frame_runs_at_most_its_share_of_ticks() {
        let (bytes, log, _) = recorded(LEVELS[0], 5);
        let mut watch = Watch::new(&bytes, &level_hash(&bytes), 5, &log).unwrap();
        watch.set_speed(SPEED_MAX);
        watch.advance(60.0);
        assert_eq!(watch.session().game.tick(), WATCH_TICKS_PER_FRAME_MAX);
        watch.set_speed(100.0);
        assert_eq!(watch.speed(), SPEED_MAX);
        watch.set_speed(f32::NAN);
        assert_eq!(watch.speed(), 1.0);
    }

    #[test]
    fn another_level_or_a_broken_log_is_refused_or_stops_with_the_input_named() {
        let (bytes, log, _) = recorded(LEVELS[0], 9);
        let other = std::fs::read(LEVELS[1]).unwrap();
        assert!(matches!(
            Watch::new(&other, &level_hash(&bytes), 9, &log),
            Err(WatchError::LevelHashMismatch)
        ));
        assert!(matches!(
            Watch::new(&bytes, &[0; 31], 9, &log),
            Err(WatchError::LevelHashLength(31))
        ));
        assert!(matches!(
            Watch::new(&bytes, &level_hash(&bytes), 9, &[0xff]),
            Err(WatchError::BadInputLog(_))
        ));
        // The first swap again one tick later: the board is still moving then.
        let mut inputs = game_core::kernel::input::decode_input_log(&log).unwrap();
        let again = Input {
            tick: inputs[0].tick + 1,
            action: inputs[0].action,
        };
        assert!(again.tick < inputs[1].tick);
        inputs.insert(1, again);
        let mut doubled = Vec::new();
        game_core::kernel::input::encode_input_log(&inputs, &mut doubled);
        let mut watch = Watch::new(&bytes, &level_hash(&bytes), 9, &doubled).unwrap();
        assert_eq!(
            watch.run_to_end(),
            WatchState::Broken {
                input_index: 1,
                refusal: Some(Refusal::BoardNotStable)
            }
        );
    }
}
