//! One played session as the browser sees it: a ticket, a level, the live [`Game`], the input
//! log it records, and the fixed-tick clock that turns frame times into ticks.
//!
//! Everything here is plain Rust (no JavaScript types), so it is tested natively; `web.rs` only
//! forwards to it.

use alloc::vec::Vec;

use game_core::{Action, Game, Input, Level, LevelGame, Phase, Refusal, TICK_HZ};
use playproof_proof::{decode_ticket, level_hash, Plausibility, ProofBody, SessionKey};

use crate::input::{Gesture, Touch};
use crate::layout::Layout;

/// Seconds per simulation tick.
pub const TICK_S: f64 = 1.0 / TICK_HZ as f64;

/// Most ticks one frame may simulate. A frame that arrives later than this (a stalled tab, a slow
/// device) loses the remainder: the game slows down rather than jumping, and game time can then
/// never run ahead of wall-clock time, which the verifier checks.
pub const TICKS_PER_FRAME_MAX: u32 = 8;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("the ticket is malformed: {0}")]
    BadTicket(playproof_proof::DecodeError),
    #[error("the level file does not hash to the ticket's level hash")]
    LevelHashMismatch,
    #[error("the level file is invalid: {0}")]
    BadLevel(game_core::LevelError),
    #[error("the ticket names level {ticket:?} but the level file is {file:?}")]
    LevelIdMismatch {
        ticket: alloc::string::String,
        file: alloc::string::String,
    },
    #[error("the ticket is for rules version {ticket}; this build plays version {build}")]
    RulesVersion { ticket: u16, build: u16 },
    #[error("the ticket was issued for another session key")]
    WrongSessionKey,
    #[error("the game is still running; finish when it is over or the board is at rest")]
    NotReady,
    #[error(
        "the replay of this session disagrees with the live game (score {live} vs {replayed})"
    )]
    ReplayDisagrees { live: u32, replayed: u32 },
    #[error("the recorded inputs do not replay: {0}")]
    Replay(game_core::ReplayError),
    #[error("the proof cannot be encoded: {0}")]
    Encode(playproof_proof::EncodeError),
    #[error("a practice session has no ticket, so it has no proof and pays nothing")]
    Practice,
}

/// What is wrong with a level file, one line each, exactly as the core's loader sees it:
/// a syntax error with its line and column, or every semantic problem with its field path,
/// what was found and what is allowed. Empty when the file is a valid level.
pub fn level_problems(bytes: &[u8]) -> Vec<alloc::string::String> {
    use alloc::string::ToString;
    match Level::from_json(bytes) {
        Ok(_) => Vec::new(),
        Err(game_core::LevelError::Invalid { problems }) => {
            problems.iter().map(ToString::to_string).collect()
        }
        Err(error) => alloc::vec![error.to_string()],
    }
}

/// What a frame reports to the host, as bit flags.
pub const STATUS_PLAYING: u32 = 1;
/// The game reached its end (or the player asked to stop and the board is at rest): call finish.
pub const STATUS_READY_TO_FINISH: u32 = 2;
/// An input was refused this frame (the code is in the HUD).
pub const STATUS_REFUSED: u32 = 4;

/// The status flags as `name:bit` pairs, so hosts never hard-code them.
pub fn status_flags() -> alloc::string::String {
    alloc::format!(
        "playing:{STATUS_PLAYING},ready:{STATUS_READY_TO_FINISH},refused:{STATUS_REFUSED}"
    )
}

pub struct Session {
    pub level: Level,
    ticket: Vec<u8>,
    seed: u64,
    pub game: Game,
    inputs: Vec<Input>,
    accumulator_s: f64,
    /// The player asked to stop: no more inputs; ready once the board is at rest.
    stopping: bool,
    pub gesture: Gesture,
    /// Bodies' positions before the last simulated tick, by serial, for interpolation.
    pub previous_positions: Vec<(u32, [f32; 2])>,
    /// Events of the ticks simulated this frame, for animations.
    pub frame_events: Vec<game_core::Event>,
    pub last_refusal: Option<Refusal>,
    /// Fewest ticks between two inputs the verifier accepts.
    input_interval_ticks_min: u32,
    /// Local practice (designer mode): no ticket, no proof, no payout.
    practice: bool,
}

impl Session {
    /// Starts the session a ticket grants, after checking that `level_bytes` are the ticket's
    /// level and that the ticket names `key` (the proof must be signed by the same key).
    pub fn new(ticket: &[u8], level_bytes: &[u8], key: &SessionKey) -> Result<Self, SessionError> {
        let decoded = decode_ticket(ticket).map_err(SessionError::BadTicket)?;
        let body = &decoded.body;
        if level_hash(level_bytes) != body.level_hash {
            return Err(SessionError::LevelHashMismatch);
        }
        if body.rules_version != game_core::RULES_VERSION {
            return Err(SessionError::RulesVersion {
                ticket: body.rules_version,
                build: game_core::RULES_VERSION,
            });
        }
        if body.session_public_key != key.public_key() {
            return Err(SessionError::WrongSessionKey);
        }
        let level = Level::from_json(level_bytes).map_err(SessionError::BadLevel)?;
        if level.id != body.level_id {
            return Err(SessionError::LevelIdMismatch {
                ticket: body.level_id.clone(),
                file: level.id.clone(),
            });
        }
        Ok(Session::unticketed(level, body.seed, ticket.to_vec()))
    }

    /// A session without a ticket (benchmarks and tests); its proof is not accepted anywhere.
    pub fn unticketed(level: Level, seed: u64, ticket: Vec<u8>) -> Self {
        let game = Game::new(&level, seed);
        Session {
            level,
            ticket,
            seed,
            game,
            inputs: Vec::new(),
            accumulator_s: 0.0,
            stopping: false,
            gesture: Gesture::default(),
            previous_positions: Vec::new(),
            frame_events: Vec::new(),
            last_refusal: None,
            input_interval_ticks_min: Plausibility::default().input_interval_ticks_min,
            practice: false,
        }
    }

    /// Local practice on any valid level file (designer mode) with the given seed. It plays
    /// exactly like a ticketed session, but `finish` refuses: there is no ticket, so no server
    /// would verify or pay it.
    pub fn practice(level_bytes: &[u8], seed: u64) -> Result<Self, SessionError> {
        let level = Level::from_json(level_bytes).map_err(SessionError::BadLevel)?;
        let mut session = Session::unticketed(level, seed, Vec::new());
        session.practice = true;
        Ok(session)
    }

    pub fn is_practice(&self) -> bool {
        self.practice
    }

    pub fn is_match3(&self) -> bool {
        matches!(self.level.game, LevelGame::Match3(_))
    }

    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// Applies one quantised action now, recording it if the core accepts it.
    pub fn act(&mut self, action: Action) -> Result<(), Refusal> {
        if self.stopping {
            return Err(Refusal::GameOver);
        }
        let tick = self.game.tick();
        if let Some(last) = self.inputs.last() {
            // A human cannot act this fast; the verifier would refuse the whole session.
            if tick < last.tick + self.input_interval_ticks_min {
                return Err(match self.game.mode() {
                    game_core::game::Mode::Match3(_) => Refusal::BoardNotStable,
                    game_core::game::Mode::MergeDrop(_) => Refusal::DropCooldown,
                });
            }
        }
        self.game.apply(action)?;
        self.inputs.push(Input { tick, action });
        Ok(())
    }

    /// The player stops playing: no more inputs; the session is ready once the board rests.
    pub fn stop(&mut self) {
        self.stopping = true;
    }

    fn ready(&self) -> bool {
        let over = matches!(self.game.phase(), Phase::Finished { .. });
        (over || self.stopping) && self.game.is_quiescent()
    }

    /// One frame: the touches (already in device pixels) become actions, then `dt_s` seconds of
    /// simulation run in whole ticks. Returns the status flags and the interpolation factor
    /// between the previous and the current tick.
    pub fn frame(&mut self, dt_s: f64, touches: &[Touch], layout: &Layout) -> (u32, f32) {
        self.frame_events.clear();
        let mut status = 0;
        for touch in touches {
            if let Some(action) = self.gesture.feed(*touch, layout, &self.game) {
                match self.act(action) {
                    Ok(()) => self.last_refusal = None,
                    Err(refusal) => {
                        self.last_refusal = Some(refusal);
                        status |= STATUS_REFUSED;
                    }
                }
            }
        }
        // Clamp a negative or non-finite dt from a confused host to nothing.
        let dt_s = if dt_s.is_finite() { dt_s.max(0.0) } else { 0.0 };
        self.accumulator_s += dt_s;
        let mut ticks = 0;
        while self.accumulator_s >= TICK_S && ticks < TICKS_PER_FRAME_MAX {
            if self.ready() {
                break;
            }
            self.accumulator_s -= TICK_S;
            ticks += 1;
            self.step_tick();
        }
        if ticks == TICKS_PER_FRAME_MAX || self.ready() {
            self.accumulator_s = self.accumulator_s.min(TICK_S);
        }
        if self.ready() {
            status |= STATUS_READY_TO_FINISH;
        } else {
            status |= STATUS_PLAYING;
        }
        let alpha = (self.accumulator_s / TICK_S).clamp(0.0, 1.0) as f32;
        (status, alpha)
    }

    /// One simulation tick, remembering where bodies were (for interpolation) and what
    /// happened (for animations). The watch mode (`crate::watch`) steps through this too.
    pub(crate) fn step_tick(&mut self) {
        self.remember_positions();
        let events = self.game.step();
        self.frame_events.extend_from_slice(events);
    }

    /// Applies an input from a verified log at its own tick and records it, without the live
    /// game's pacing check (the log's pacing was judged when it was verified).
    pub(crate) fn apply_logged(&mut self, input: Input) -> Result<(), Refusal> {
        self.game.apply(input.action)?;
        self.inputs.push(input);
        Ok(())
    }

    fn remember_positions(&mut self) {
        self.previous_positions.clear();
        if self.game.merge_drop().is_none() {
            return;
        }
        let world = &self.game.kernel().world;
        for body in world.query::<&game_core::physics::Body>().iter() {
            self.previous_positions
                .push((body.serial, [body.position.x, body.position.y]));
        }
        self.previous_positions
            .sort_unstable_by_key(|(serial, _)| *serial);
    }

    /// The signed proof of this session. The input log is replayed from scratch (exactly what
    /// the server will do) so the claims are the replay's; the live game must agree with it.
    pub fn finish(&self, key: &SessionKey) -> Result<Vec<u8>, SessionError> {
        if self.practice {
            return Err(SessionError::Practice);
        }
        if !self.ready() {
            return Err(SessionError::NotReady);
        }
        let outcome = game_core::replay(&self.level, self.seed, &self.inputs)
            .map_err(SessionError::Replay)?;
        if outcome.score != self.game.score() {
            return Err(SessionError::ReplayDisagrees {
                live: self.game.score(),
                replayed: outcome.score,
            });
        }
        let body = ProofBody::from_replay(self.ticket.clone(), self.inputs.clone(), &outcome, true);
        key.sign_proof(&body).map_err(SessionError::Encode)
    }
}
