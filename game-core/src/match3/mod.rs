//! Match-3: swap two neighbouring pieces to make lines of three or more.
//!
//! A move runs through the stages of [`Stage`], one visible list in [`Match3::step`]:
//! swap -> detect -> create specials -> clear and trigger -> gravity -> refill -> (falling pieces
//! land) -> repeat until nothing matches -> end-of-move effects (chocolate spreads, objectives,
//! bonus) -> shuffle only when no legal swap exists. Input is accepted only on a stable board.
//!
//! Determinism: integer maths only; every random draw comes from `kernel.rng`; cells are visited
//! in canonical row-major order; ECS queries never decide an outcome (see `motion.rs`).

pub mod blockers;
pub mod board;
pub mod clear;
pub mod detect;
pub mod gravity;
pub mod level;
pub mod model;
pub mod motion;
pub mod objectives;
pub mod refill;
pub mod shuffle;
pub mod specials;

use alloc::vec::Vec;

use hecs::Entity;

use crate::game::{GameMode, Phase};
use crate::kernel::hash::{StateHasher, WriteWords};
use crate::kernel::input::{Action, Cell, Direction, Refusal};
use crate::kernel::Kernel;

pub use board::{Axis, Board, Color, Ground, Piece, Tile};
pub use clear::WaveOutcome;
pub use level::{Match3Level, Motion, Rules, Scoring};
pub use model::{evaluate_swap, Evaluation};
pub use motion::{Fall, Slot, CELL_UNITS};
pub use objectives::{Goal, GoalProgress, Objective};
pub use specials::Combo;

use board::CELLS_MAX;
use clear::{resolve_wave, Sink};
use detect::{check_swap, Blocked, SwapInfo};
use model::ROUNDS_MAX;

/// Something that happened on the board, for rendering and sound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Swapped {
        from: Cell,
        to: Cell,
    },
    /// Two specials (or a colour bomb and a piece) were swapped together.
    Combo {
        cell: Cell,
        combo: Combo,
    },
    PieceCleared {
        cell: Cell,
        piece: Piece,
    },
    SpecialCreated {
        cell: Cell,
        piece: Piece,
    },
    SpecialTriggered {
        cell: Cell,
        piece: Piece,
    },
    IceCracked {
        cell: Cell,
        layers_left: u8,
    },
    JellyCleared {
        cell: Cell,
        layers_left: u8,
    },
    ChocolateDestroyed {
        cell: Cell,
    },
    ChocolateSpread {
        cell: Cell,
    },
    /// A new piece entered the board, falling towards `cell`.
    Spawned {
        cell: Cell,
        piece: Piece,
    },
    /// A wave of the current move finished; `round` counts from 1.
    Wave {
        round: u16,
        points: u32,
    },
    /// No legal swap was left, so the pieces were rearranged.
    Shuffled,
    /// Moves left at the end were converted to points.
    MovesBonus {
        moves: u16,
        points: u32,
    },
}

/// Where the board is in resolving a move. The order of the variants is the order of a move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Nothing moves; input is accepted.
    Stable,
    /// The two swapped pieces trade places.
    Swapping {
        from: Cell,
        to: Cell,
        ticks_left: u16,
    },
    /// Detect lines, create specials, clear and trigger: runs within one tick.
    Resolving,
    /// Cleared pieces vanish; then gravity and refill.
    Clearing { ticks_left: u16 },
    /// Pieces fall to their slots.
    Falling,
    /// End-of-move effects, objectives, bonus and shuffle: runs within one tick.
    EndOfMove,
}

impl Stage {
    fn hash_into<H: WriteWords>(self, hasher: &mut H) {
        match self {
            Stage::Stable => hasher.write_u8(0),
            Stage::Swapping {
                from,
                to,
                ticks_left,
            } => {
                hasher.write_u8(1);
                hasher.write_u8(from.row);
                hasher.write_u8(from.col);
                hasher.write_u8(to.row);
                hasher.write_u8(to.col);
                hasher.write_u16(ticks_left);
            }
            Stage::Resolving => hasher.write_u8(2),
            Stage::Clearing { ticks_left } => {
                hasher.write_u8(3);
                hasher.write_u16(ticks_left);
            }
            Stage::Falling => hasher.write_u8(4),
            Stage::EndOfMove => hasher.write_u8(5),
        }
    }
}

/// Forwards wave events to the kernel.
struct KernelSink<'a>(&'a mut Vec<crate::Event>);

impl Sink for KernelSink<'_> {
    fn emit(&mut self, event: Event) {
        self.0.push(crate::Event::Match3(event));
    }
}

/// A match-3 game in progress.
pub struct Match3 {
    rules: Rules,
    board: Board,
    /// The ECS entity of the piece in each tile (index as in [`Board`]).
    entities: [Option<Entity>; CELLS_MAX],
    stage: Stage,
    /// The swap that started the move, until its first wave has run.
    swap: Option<SwapInfo>,
    /// Waves resolved in the current move.
    round: u16,
    moves_left: u16,
    score: u32,
    collected: [u16; board::COLORS_MAX as usize],
    /// Whether any chocolate was destroyed in the current move (if not, it spreads).
    chocolate_destroyed: bool,
    /// Jelly layers at the start, for the clear-jelly progress.
    jelly_start: u32,
    /// `Some(passed)` once the game is over.
    outcome: Option<bool>,
    /// The pieces in motion. Derived from the `Fall` components (those with a height above
    /// zero), so it is not hashed separately.
    falls: motion::Falls,
    /// The board's hash words as of the last hash, while the board has not changed since: a
    /// cache, not state. Every checkpoint on a still board would otherwise re-read all 81
    /// tiles. Cleared by every `&mut self` entry point that can touch the board (`apply`,
    /// `step_moving`); [`Match3::hash_into_fresh`] is the uncached path tests compare with.
    board_words: core::cell::OnceCell<board::BoardWords>,
    /// Entities of cleared pieces, kept for the next pieces that enter: a spawn and a despawn
    /// cost several times a component write. Reached only from here (nothing queries the world
    /// for match-3 pieces), so they are not state; at most one per cell.
    spare: Spare,
}

/// Entities of cleared pieces waiting to be given to new ones (see `Match3::spare`).
struct Spare {
    entities: [Option<Entity>; CELLS_MAX],
    len: usize,
}

impl Spare {
    fn new() -> Spare {
        Spare {
            entities: [None; CELLS_MAX],
            len: 0,
        }
    }

    /// Keeps the entity of a piece that left the board.
    fn keep(&mut self, entity: Entity) {
        self.entities[self.len] = Some(entity);
        self.len += 1;
    }

    /// An entity for a piece entering tile `index` with motion `fall`: a kept one when there
    /// is one, else a new one.
    fn give(&mut self, world: &mut hecs::World, index: usize, fall: Fall) -> Entity {
        while self.len > 0 {
            self.len -= 1;
            let Some(entity) = self.entities[self.len].take() else {
                continue;
            };
            if let Ok((slot, motion)) = world.query_one_mut::<(&mut Slot, &mut Fall)>(entity) {
                *slot = Slot(Board::cell(index));
                *motion = fall;
                return entity;
            }
        }
        world.spawn((Slot(Board::cell(index)), fall))
    }
}

impl Match3 {
    /// Starts a game of a validated level: fixed pieces as given, the rest from the seeded fill,
    /// shuffled if that left a line or no legal swap.
    pub fn new(spec: &Match3Level, kernel: &mut Kernel) -> Self {
        let rules = spec.rules();
        let (mut board, random) = spec.start();
        refill::fill_initial(&mut board, random, rules.colors, &mut kernel.rng);
        let mut outcome = None;
        if (detect::has_line(&board) || !detect::has_legal_swap(&board))
            && !shuffle::shuffle(&mut board, &mut kernel.rng)
        {
            outcome = Some(false);
        }
        // One batch: the archetype is found and grown once, not once per piece.
        let mut entities = [None; CELLS_MAX];
        let pieces = board
            .indices()
            .filter(|&index| board.piece(index).is_some());
        let spawned = (kernel.world).spawn_batch(
            pieces
                .clone()
                .map(|index| (Slot(Board::cell(index)), Fall::default())),
        );
        for (index, entity) in pieces.zip(spawned) {
            entities[index] = Some(entity);
        }
        Match3 {
            jelly_start: board.jelly_layers(),
            rules,
            board,
            entities,
            stage: Stage::Stable,
            swap: None,
            round: 0,
            moves_left: spec.moves,
            score: 0,
            collected: [0; board::COLORS_MAX as usize],
            chocolate_destroyed: false,
            outcome,
            falls: motion::Falls::default(),
            board_words: core::cell::OnceCell::new(),
            spare: Spare::new(),
        }
    }

    /// Every legal swap now, each pair once (towards `Right` or `Down`) in canonical order;
    /// empty while the board moves or after the game.
    pub fn legal_swaps(&self) -> Vec<(Cell, Direction)> {
        let mut swaps = Vec::new();
        if self.stage == Stage::Stable && self.outcome.is_none() {
            detect::legal_swaps(&self.board, |from, direction| {
                swaps.push((Board::cell(from), direction));
            });
        }
        swaps
    }

    /// The board: pieces, blockers and grid size. Cheap to clone for planning.
    pub fn board(&self) -> &Board {
        &self.board
    }

    /// A copy of the board for the pure model ([`evaluate_swap`]).
    pub fn board_snapshot(&self) -> Board {
        self.board.clone()
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    pub fn rows(&self) -> u8 {
        self.board.rows()
    }

    pub fn cols(&self) -> u8 {
        self.board.cols()
    }

    /// The tile at `cell` (ground, ice and jelly layers, piece), if inside the grid.
    pub fn tile(&self, cell: Cell) -> Option<Tile> {
        self.board.tile_at(cell).copied()
    }

    /// The motion of the piece at `cell`: zero at rest.
    pub fn fall(&self, kernel: &Kernel, cell: Cell) -> Option<Fall> {
        let entity = self.entities[self.board.index(cell)?]?;
        let fall = *kernel.world.get::<&Fall>(entity).ok()?;
        Some(self.falls.current(fall, &self.rules.motion))
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    pub fn moves_left(&self) -> u16 {
        self.moves_left
    }

    /// Pieces cleared so far, per colour.
    pub fn collected(&self) -> &[u16] {
        &self.collected
    }

    /// Progress of every objective, in level order.
    pub fn goals(&self) -> impl Iterator<Item = GoalProgress> + '_ {
        self.rules.goals.iter().map(|&goal| {
            objectives::progress(
                goal,
                self.score,
                &self.collected,
                &self.board,
                self.jelly_start,
            )
        })
    }

    fn goals_met(&self) -> bool {
        self.goals().all(|progress| progress.met())
    }

    /// True when every piece has an entity of its own whose [`Slot`] is the piece's cell, and
    /// no empty cell has one: what reusing the entities of cleared pieces must keep. For tests.
    pub fn piece_entities_hold(&self, kernel: &Kernel) -> bool {
        let mut seen = Vec::new();
        self.board.indices().all(
            |index| match (self.board.piece(index), self.entities[index]) {
                (None, None) => true,
                (Some(_), Some(entity)) => {
                    let own = !seen.contains(&entity);
                    seen.push(entity);
                    let slot = kernel.world.get::<&Slot>(entity).map(|slot| slot.0);
                    own && slot.ok() == Some(Board::cell(index))
                }
                _ => false,
            },
        )
    }

    /// Moves the entity bookkeeping after a swap.
    fn swap_entities(&mut self, kernel: &mut Kernel, from: usize, to: usize) {
        self.entities.swap(from, to);
        for index in [from, to] {
            if let Some(entity) = self.entities[index] {
                if let Ok(slot) = kernel.world.query_one_mut::<&mut Slot>(entity) {
                    slot.0 = Board::cell(index);
                }
            }
        }
    }

    /// Keeps the entities of cleared pieces aside and gives entities to new specials.
    fn sync_entities(&mut self, kernel: &mut Kernel) {
        for index in self.board.indices() {
            match (self.board.piece(index), self.entities[index]) {
                (None, Some(entity)) => {
                    self.spare.keep(entity);
                    self.entities[index] = None;
                }
                (Some(_), None) => {
                    let entity = (self.spare).give(&mut kernel.world, index, Fall::default());
                    self.entities[index] = Some(entity);
                }
                _ => {}
            }
        }
    }

    fn add_points(&mut self, kernel: &mut Kernel, points: u32) {
        if points > 0 {
            self.score = self.score.saturating_add(points);
            kernel.emit(crate::Event::ScoreChanged { score: self.score });
        }
    }

    // ---- The stages of a tick, in order. Each does nothing unless the board is in its stage.

    /// Swapping: the pieces trade places over `swap_ticks`, then the first wave resolves.
    fn slide_swap(&mut self) {
        if let Stage::Swapping {
            from,
            to,
            ticks_left,
        } = self.stage
        {
            self.stage = match ticks_left.saturating_sub(1) {
                0 => Stage::Resolving,
                ticks_left => Stage::Swapping {
                    from,
                    to,
                    ticks_left,
                },
            };
        }
    }

    /// Falling: every falling piece moves one tick; when all have landed, the next wave.
    fn advance_falls(&mut self, kernel: &mut Kernel) {
        if self.stage == Stage::Falling
            && self.falls.advance(&mut kernel.world, &self.rules.motion) == 0
        {
            self.stage = Stage::Resolving;
        }
    }

    /// Resolving: detect -> create specials -> clear and trigger, as one wave.
    fn resolve(&mut self, kernel: &mut Kernel) {
        if self.stage != Stage::Resolving {
            return;
        }
        if self.round >= ROUNDS_MAX {
            self.stage = Stage::EndOfMove;
            return;
        }
        let round = self.round + 1;
        let wave = resolve_wave(
            &mut self.board,
            self.swap.take(),
            &self.rules.scoring,
            round,
            &mut KernelSink(&mut kernel.events),
        );
        if !wave.changed() {
            self.stage = Stage::EndOfMove;
            return;
        }
        self.round = round;
        for (total, more) in self.collected.iter_mut().zip(wave.collected) {
            *total = total.saturating_add(more);
        }
        self.chocolate_destroyed |= wave.chocolate_destroyed > 0;
        self.sync_entities(kernel);
        self.add_points(kernel, wave.points);
        kernel.emit(crate::Event::Match3(Event::Wave {
            round,
            points: wave.points,
        }));
        self.stage = Stage::Clearing {
            ticks_left: self.rules.motion.clear_ticks,
        };
    }

    /// Clearing: wait `clear_ticks`, then gravity and the seeded refill start pieces falling.
    fn gravity_and_refill(&mut self, kernel: &mut Kernel) {
        let Stage::Clearing { ticks_left } = self.stage else {
            return;
        };
        if ticks_left > 0 {
            self.stage = Stage::Clearing {
                ticks_left: ticks_left - 1,
            };
            return;
        }
        let entities = &mut self.entities;
        let world = &mut kernel.world;
        let falls = &mut self.falls;
        let motion = &self.rules.motion;
        gravity::fall(&mut self.board, |from, to| {
            entities[to] = entities[from].take();
            if let Some(entity) = entities[to] {
                if let Ok((slot, fall)) = world.query_one_mut::<(&mut Slot, &mut Fall)>(entity) {
                    slot.0 = Board::cell(to);
                    let rows = ((to - from) / board::STRIDE) as i32;
                    fall.offset_units += rows * CELL_UNITS;
                    falls.start(entity, *fall, motion);
                }
            }
        });
        let colors = self.rules.colors;
        let spare = &mut self.spare;
        let rng = &mut kernel.rng;
        let events = &mut kernel.events;
        gravity::refill(
            &mut self.board,
            || refill::draw_plain(rng, colors),
            |index, piece, rows| {
                let fall = Fall {
                    offset_units: i32::from(rows) * CELL_UNITS,
                    velocity_units: 0,
                };
                let entity = spare.give(world, index, fall);
                entities[index] = Some(entity);
                falls.start(entity, fall, motion);
                events.push(crate::Event::Match3(Event::Spawned {
                    cell: Board::cell(index),
                    piece,
                }));
            },
        );
        self.stage = if !self.falls.is_empty() {
            Stage::Falling
        } else {
            Stage::Resolving
        };
    }

    /// EndOfMove: objectives (and the bonus), the move limit, chocolate, then the shuffle.
    fn end_of_move(&mut self, kernel: &mut Kernel) {
        if self.stage != Stage::EndOfMove {
            return;
        }
        self.stage = Stage::Stable;
        if self.goals_met() {
            let points = u32::from(self.moves_left) * self.rules.scoring.bonus_per_move;
            kernel.emit(crate::Event::Match3(Event::MovesBonus {
                moves: self.moves_left,
                points,
            }));
            self.add_points(kernel, points);
            self.outcome = Some(true);
            return;
        }
        if self.moves_left == 0 {
            self.outcome = Some(false);
            return;
        }
        if self.rules.chocolate && !self.chocolate_destroyed {
            if let Some((index, _)) = blockers::spread_chocolate(&mut self.board, &mut kernel.rng) {
                kernel.emit(crate::Event::Match3(Event::ChocolateSpread {
                    cell: Board::cell(index),
                }));
                self.sync_entities(kernel);
            }
        }
        if !detect::has_legal_swap(&self.board) {
            if shuffle::shuffle(&mut self.board, &mut kernel.rng) {
                // Entities carry only motion, so rearranged pieces keep their cells' entities.
                kernel.emit(crate::Event::Match3(Event::Shuffled));
            } else {
                self.outcome = Some(false);
            }
        }
    }
}

impl Match3 {
    /// The stages of a move, in order; each does nothing unless the board is in its stage.
    /// Kept out of line so the idle tick stays a compare and a return.
    #[inline(never)]
    fn step_moving(&mut self, kernel: &mut Kernel) {
        self.board_words.take();
        self.slide_swap(); // swapped pieces trade places
        self.advance_falls(kernel); // falling pieces move; all landed -> resolve
        self.resolve(kernel); // detect -> create specials -> clear and trigger
        self.gravity_and_refill(kernel); // after the clear pause: gravity, seeded refill
        self.end_of_move(kernel); // still board: objectives, bonus, chocolate, shuffle
    }
}

impl Match3 {
    /// The mode's hash, every word computed afresh (no cached board words): what
    /// [`GameMode::hash_into`] must always equal, for tests.
    pub fn hash_into_fresh(&self, kernel: &Kernel, hasher: &mut StateHasher) {
        self.board.hash_into(hasher);
        self.hash_rest_into(kernel, hasher);
    }

    /// [`GameMode::hash_into`], into one hasher or several side by side: the board's words
    /// as kept since it last changed, then the rest.
    pub fn hash_cached_into<H: WriteWords>(&self, kernel: &Kernel, hasher: &mut H) {
        let words = self.board_words.get_or_init(|| self.board.hash_words());
        words.hash_into(hasher);
        self.hash_rest_into(kernel, hasher);
    }

    /// Everything after the board, in hash order.
    fn hash_rest_into<H: WriteWords>(&self, kernel: &Kernel, hasher: &mut H) {
        self.stage.hash_into(hasher);
        match self.swap {
            Some(swap) => {
                hasher.write_u8(1);
                hasher.write_u8(swap.from as u8);
                hasher.write_u8(swap.to as u8);
                hasher.write_u8(swap.axis as u8);
            }
            None => hasher.write_u8(0),
        }
        hasher.write_u16(self.round);
        hasher.write_u16(self.moves_left);
        hasher.write_u32(self.score);
        for &count in &self.collected {
            hasher.write_u16(count);
        }
        hasher.write_bool(self.chocolate_destroyed);
        hasher.write_u32(self.jelly_start);
        hasher.write_u8(match self.outcome {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        });
        // At rest every piece is still. While pieces fall, each moving piece's motion in cell
        // order; every other piece is at rest in its slot.
        if self.falls.is_empty() {
            hasher.write_u32(0);
        } else {
            self.hash_moving_into(kernel, hasher);
        }
    }

    /// The count of moving pieces, then each one's cell and motion in cell order.
    fn hash_moving_into<H: WriteWords>(&self, kernel: &Kernel, hasher: &mut H) {
        let mut moving = [(0u8, 0i32, 0i32); CELLS_MAX];
        let mut count = 0;
        for &entity in self.falls.moving() {
            let (Ok(slot), Ok(fall)) = (
                kernel.world.get::<&Slot>(entity),
                kernel.world.get::<&Fall>(entity),
            ) else {
                continue;
            };
            // Pieces that landed during a replay's skip have stopped, as stepping would show.
            let fall = self.falls.current(*fall, &self.rules.motion);
            if fall.offset_units == 0 {
                continue;
            }
            let index = self.board.index(slot.0).expect("a slot inside the grid");
            moving[count] = (index as u8, fall.offset_units, fall.velocity_units);
            count += 1;
        }
        moving[..count].sort_unstable_by_key(|&(index, ..)| index);
        hasher.write_u32(count as u32);
        for &(index, offset_units, velocity_units) in &moving[..count] {
            hasher.write_u8(index);
            hasher.write_i32(offset_units);
            hasher.write_i32(velocity_units);
        }
    }
}

impl GameMode for Match3 {
    fn apply(&mut self, kernel: &mut Kernel, action: Action) -> Result<(), Refusal> {
        let Action::Swap { cell, direction } = action else {
            return Err(Refusal::WrongMode);
        };
        self.board_words.take();
        if self.outcome.is_some() {
            return Err(Refusal::GameOver);
        }
        if self.stage != Stage::Stable {
            return Err(Refusal::BoardNotStable);
        }
        let (from, to) =
            check_swap(&mut self.board, cell, direction).map_err(|blocked| match blocked {
                Blocked::OutsideGrid => Refusal::OutsideGrid,
                Blocked::Hole => Refusal::Hole,
                Blocked::Immovable => Refusal::Immovable,
                Blocked::NoMatch => Refusal::NoMatch,
            })?;
        self.board.swap_pieces(from, to);
        self.swap_entities(kernel, from, to);
        self.swap = Some(SwapInfo {
            from,
            to,
            axis: Axis::of(direction),
        });
        self.moves_left -= 1;
        self.round = 0;
        self.chocolate_destroyed = false;
        let (from, to) = (Board::cell(from), Board::cell(to));
        self.stage = Stage::Swapping {
            from,
            to,
            ticks_left: self.rules.motion.swap_ticks,
        };
        kernel.emit(crate::Event::Match3(Event::Swapped { from, to }));
        Ok(())
    }

    /// One tick. A stable board costs one comparison: nothing moves until the next input.
    #[inline]
    fn step(&mut self, kernel: &mut Kernel) {
        if self.stage != Stage::Stable {
            self.step_moving(kernel);
        }
    }

    fn hash_into(&self, kernel: &Kernel, hasher: &mut StateHasher) {
        self.hash_cached_into(kernel, hasher);
    }

    fn accepts_input(&self) -> bool {
        self.stage == Stage::Stable && self.outcome.is_none()
    }

    fn is_quiescent(&self) -> bool {
        self.stage == Stage::Stable
    }

    /// A stable board: `step` returns at once, so only the tick count moves until a swap. A
    /// swap's countdown and a clear's pause are counters; falling pieces follow a closed form
    /// ([`Fall::advanced`]) until the last one lands, and that tick resolves the next wave.
    fn quiet_ticks(&self) -> u32 {
        match self.stage {
            Stage::Stable => u32::MAX,
            // The tick that ends the countdown resolves the first wave.
            Stage::Swapping { ticks_left, .. } => u32::from(ticks_left.saturating_sub(1)),
            Stage::Clearing { ticks_left } => u32::from(ticks_left),
            Stage::Falling => self.falls.ticks_before_landing(),
            Stage::Resolving | Stage::EndOfMove => 0,
        }
    }

    /// The board does not change, so its cached hash words stay valid.
    fn skip_quiet(&mut self, ticks: u32) {
        if ticks == 0 {
            return;
        }
        match &mut self.stage {
            Stage::Stable => {}
            Stage::Swapping { ticks_left, .. } => {
                assert!(u32::from(*ticks_left) > ticks, "skip_quiet past the swap");
                *ticks_left -= ticks as u16;
            }
            Stage::Clearing { ticks_left } => {
                assert!(u32::from(*ticks_left) >= ticks, "skip_quiet past the clear");
                *ticks_left -= ticks as u16;
            }
            Stage::Falling => self.falls.advance_by(ticks),
            Stage::Resolving | Stage::EndOfMove => panic!("skip_quiet on a resolving board"),
        }
    }

    fn phase(&self) -> Phase {
        match self.outcome {
            None => Phase::Playing,
            Some(passed) => Phase::Finished { passed },
        }
    }

    fn score(&self) -> u32 {
        self.score
    }

    fn stars(&self) -> u8 {
        objectives::stars(&self.rules.stars, self.score)
    }
}
