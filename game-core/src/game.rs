//! A game session: the kernel plus one game mode, advanced one fixed tick at a time.

use alloc::boxed::Box;

use crate::kernel::event::Event;
use crate::kernel::hash::{Lanes, StateHasher, WriteWords};
use crate::kernel::input::{Action, Refusal};
use crate::kernel::tick::SESSION_TICKS_MAX;
use crate::kernel::Kernel;
use crate::level::{Level, LevelGame};
use crate::match3::Match3;
use crate::merge::MergeDrop;

/// Whether the session is still being played.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Playing,
    /// The game is over; `passed` says whether the level's objectives were met.
    Finished {
        passed: bool,
    },
}

/// What every game mode provides to the kernel. The tick order inside `step` is the mode's own
/// visible list of stages.
pub trait GameMode {
    /// Applies a player action at the current tick, or refuses it without changing any state.
    fn apply(&mut self, kernel: &mut Kernel, action: Action) -> Result<(), Refusal>;
    /// Simulates one tick.
    fn step(&mut self, kernel: &mut Kernel);
    /// Hashes every piece of mode state the future depends on, in a canonical order.
    fn hash_into(&self, kernel: &Kernel, hasher: &mut StateHasher);
    /// True when an action could be accepted now (match-3: the board is stable).
    fn accepts_input(&self) -> bool;
    /// True when nothing will change until the next input (used to end replays early).
    fn is_quiescent(&self) -> bool;
    /// How many of the coming steps are quiet: each would emit no event and change only what
    /// [`GameMode::skip_quiet`] advances without stepping (match-3: a stable board, unbounded;
    /// the countdowns of a swap and a clear; pieces falling before the last one lands). Replays
    /// cross them at once ([`Game::skip_quiet`]); a mode that must step every tick says 0.
    fn quiet_ticks(&self) -> u32;
    /// Leaves exactly the state `ticks` steps would, for `ticks` no more than
    /// [`GameMode::quiet_ticks`], without stepping; the kernel's tick is the caller's.
    fn skip_quiet(&mut self, ticks: u32);
    fn phase(&self) -> Phase;
    fn score(&self) -> u32;
    /// Stars earned so far, 0 to 3.
    fn stars(&self) -> u8;
}

/// The game mode a session is playing.
pub enum Mode {
    // Both boxed: the states are a few KB and differ in size; a session holds exactly one.
    Match3(Box<Match3>),
    MergeDrop(Box<MergeDrop>),
}

impl Mode {
    fn rules(&self) -> &dyn GameMode {
        match self {
            Mode::Match3(game) => game.as_ref(),
            Mode::MergeDrop(game) => game.as_ref(),
        }
    }

    fn rules_mut(&mut self) -> &mut dyn GameMode {
        match self {
            Mode::Match3(game) => game.as_mut(),
            Mode::MergeDrop(game) => game.as_mut(),
        }
    }
}

/// Checkpoints of a still game hashed side by side ([`Game::still_state_hashes`]).
pub const STILL_LANES: usize = 4;

/// Mode tags in the state hash; never reused.
const MODE_TAG_MATCH3: u8 = 1;
const MODE_TAG_MERGE_DROP: u8 = 2;

/// One deterministic game session.
pub struct Game {
    kernel: Kernel,
    mode: Mode,
    /// The kernel's events belong to a finished step: the next apply or step starts a new list.
    /// Output only, never hashed.
    events_stale: bool,
}

impl Game {
    /// Starts a session of `level` with `seed`. The level has already been validated by
    /// [`Level::from_json`], so this cannot fail.
    pub fn new(level: &Level, seed: u64) -> Game {
        let mut kernel = Kernel::new(seed);
        let mode = match &level.game {
            LevelGame::Match3(spec) => Mode::Match3(Box::new(Match3::new(spec, &mut kernel))),
            LevelGame::MergeDrop(spec) => {
                Mode::MergeDrop(Box::new(MergeDrop::new(spec, &mut kernel)))
            }
        };
        Game {
            kernel,
            mode,
            events_stale: false,
        }
    }

    /// Ticks simulated so far. An action applied now takes effect in tick `tick()`.
    pub fn tick(&self) -> u32 {
        self.kernel.tick
    }

    pub fn phase(&self) -> Phase {
        self.mode.rules().phase()
    }

    pub fn score(&self) -> u32 {
        self.mode.rules().score()
    }

    pub fn stars(&self) -> u8 {
        self.mode.rules().stars()
    }

    pub fn accepts_input(&self) -> bool {
        self.phase() == Phase::Playing && self.mode.rules().accepts_input()
    }

    pub fn is_quiescent(&self) -> bool {
        self.mode.rules().is_quiescent()
    }

    /// How many of the next steps, up to the next action, would return no events and change
    /// only what [`Game::skip_quiet`] advances at once: `u32::MAX` on a still match-3 board,
    /// the rest of a swap's or a clear's countdown, the ticks before falling pieces land; 0
    /// while an action's events wait for the next step.
    pub fn quiet_ticks(&self) -> u32 {
        let no_events_pending = self.events_stale || self.kernel.events.is_empty();
        if no_events_pending {
            self.mode.rules().quiet_ticks()
        } else {
            0
        }
    }

    /// Advances `ticks` quiet ticks at once, leaving exactly the state (and the empty event
    /// list) that `ticks` calls of [`Game::step`] would, in time independent of `ticks`. Only
    /// for `ticks` up to [`Game::quiet_ticks`]: the replay crosses a still match-3 board, and
    /// the countdowns and falls of a move, this way instead of tick by tick.
    ///
    /// Panics when an action's events are pending, when the mode's state shows the ticks are
    /// not quiet, or when the skip would pass [`SESSION_TICKS_MAX`].
    pub fn skip_quiet(&mut self, ticks: u32) {
        assert!(
            self.events_stale || self.kernel.events.is_empty(),
            "skip_quiet with an action's events pending"
        );
        assert!(
            ticks <= SESSION_TICKS_MAX - self.kernel.tick,
            "session over SESSION_TICKS_MAX"
        );
        self.kernel.events.clear();
        self.events_stale = true;
        self.mode.rules_mut().skip_quiet(ticks);
        self.kernel.tick += ticks;
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The match-3 state, when this is a match-3 session.
    pub fn match3(&self) -> Option<&Match3> {
        match &self.mode {
            Mode::Match3(game) => Some(game),
            Mode::MergeDrop(_) => None,
        }
    }

    /// The merge-drop state, when this is a merge-drop session.
    pub fn merge_drop(&self) -> Option<&MergeDrop> {
        match &self.mode {
            Mode::MergeDrop(game) => Some(game),
            Mode::Match3(_) => None,
        }
    }

    /// The kernel (tick, RNG, ECS world), read-only: renderers and bots read pieces from it.
    pub fn kernel(&self) -> &Kernel {
        &self.kernel
    }

    /// Events of the last simulated tick (and of actions applied since).
    pub fn events(&self) -> &[Event] {
        &self.kernel.events
    }

    /// Applies `action` before the next step; refusing it changes nothing.
    pub fn apply(&mut self, action: Action) -> Result<(), Refusal> {
        if let Phase::Finished { .. } = self.phase() {
            return Err(Refusal::GameOver);
        }
        let wrong_mode = matches!(
            (&self.mode, action),
            (Mode::Match3(_), Action::Drop { .. }) | (Mode::MergeDrop(_), Action::Swap { .. })
        );
        if wrong_mode {
            return Err(Refusal::WrongMode);
        }
        if self.events_stale {
            self.kernel.events.clear();
            self.events_stale = false;
        }
        self.mode.rules_mut().apply(&mut self.kernel, action)
    }

    /// Simulates one tick and returns its events, preceded by those of actions applied at this
    /// tick.
    ///
    /// Panics past [`SESSION_TICKS_MAX`]: callers bound their loops by it.
    pub fn step(&mut self) -> &[Event] {
        assert!(
            self.kernel.tick < SESSION_TICKS_MAX,
            "session over SESSION_TICKS_MAX"
        );
        let was_playing = self.phase() == Phase::Playing;
        if self.events_stale {
            self.kernel.events.clear();
        }
        self.events_stale = true;
        self.mode.rules_mut().step(&mut self.kernel);
        self.kernel.tick += 1;
        if let (true, Phase::Finished { passed }) = (was_playing, self.phase()) {
            self.kernel.emit(Event::Finished { passed });
        }
        &self.kernel.events
    }

    /// [`Game::state_hash`] with every word computed afresh, bypassing what a mode keeps
    /// between hashes (a still match-3 board's words, merge-drop's list of pieces): the
    /// straightforward definition the kept path is tested against.
    pub fn state_hash_fresh(&self) -> u64 {
        let mut hasher = StateHasher::new();
        hasher.write_u8(self.mode_tag());
        self.kernel.hash_into(&mut hasher);
        match &self.mode {
            Mode::Match3(game) => game.hash_into_fresh(&self.kernel, &mut hasher),
            Mode::MergeDrop(game) => game.hash_into_fresh(&self.kernel, &mut hasher),
        }
        hasher.finish()
    }

    fn mode_tag(&self) -> u8 {
        match self.mode {
            Mode::Match3(_) => MODE_TAG_MATCH3,
            Mode::MergeDrop(_) => MODE_TAG_MERGE_DROP,
        }
    }

    /// The [`Game::state_hash`] this game will have at each of `ticks` (none before the
    /// current tick), reached by [`Game::skip_quiet`] with no action between: `Some` only on a
    /// still match-3 board, where nothing but the tick changes until the next action. The
    /// hashes run side by side ([`Lanes`]), for the replay's checkpoints on a still board.
    pub fn still_state_hashes(&self, ticks: [u32; STILL_LANES]) -> Option<[u64; STILL_LANES]> {
        let Mode::Match3(game) = &self.mode else {
            return None;
        };
        if self.mode.rules().quiet_ticks() != u32::MAX
            || ticks.iter().any(|&tick| tick < self.kernel.tick)
        {
            return None;
        }
        let mut lanes = Lanes::<STILL_LANES>::new();
        lanes.write_u8(self.mode_tag());
        // Kernel::hash_into, with each lane's tick.
        lanes.write_each(ticks.map(u64::from));
        self.kernel.hash_rng_into(&mut lanes);
        game.hash_cached_into(&self.kernel, &mut lanes);
        Some(lanes.finish())
    }

    /// The canonical hash of everything the future depends on.
    pub fn state_hash(&self) -> u64 {
        let mut hasher = StateHasher::new();
        hasher.write_u8(self.mode_tag());
        self.kernel.hash_into(&mut hasher);
        self.mode.rules().hash_into(&self.kernel, &mut hasher);
        hasher.finish()
    }
}
