//! Merge-drop (Suika family): drop pieces into a container; equal tiers that touch merge into
//! the next tier; the game ends when the time runs out or a landed piece stays above the
//! danger line for the grace period.
//!
//! One tick is [`Stage`]'s list, in order. Everything the future depends on is hashed by
//! [`MergeDrop::hash_into`](crate::game::GameMode::hash_into): each piece's body and tier in
//! creation-serial order, the preview, cooldown, danger timer, clock, score and end state, and
//! the contact impulses the physics carries into the next tick.

mod level;

pub use level::*;

use alloc::vec::Vec;

use glam::Vec2;

use crate::game::{GameMode, Phase};
use crate::kernel::hash::StateHasher;
use crate::kernel::input::{Action, Refusal};
use crate::kernel::Kernel;
use crate::physics::{Body, Physics, PhysicsConfig, Segment, BODIES_MAX, TOUCH_DISTANCE};

/// A piece's place in the merge chain: the ECS component beside its [`Body`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    pub tier: u8,
}

/// Pieces that fall this far below the container's lowest point have left the world and are
/// removed, in world units. Walls are one-sided and the speed is capped, so this only happens
/// to a piece thrown over a wall.
pub const LOST_BELOW: f32 = 5.0;

/// The stages of one merge-drop tick, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Count the drop cooldown down.
    Cooldown,
    /// Advance the physics one tick (gravity, contacts, sleep).
    Physics,
    /// Merge touching equal-tier pairs, lowest serial pair first, each piece at most once.
    Merge,
    /// Remove pieces that left the world.
    Cull,
    /// Run the danger timer.
    Danger,
    /// Run the session clock and decide whether the game ended.
    Clock,
}

/// Why a game ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// The time limit was reached.
    TimeUp,
    /// A landed piece stayed above the danger line for the grace period.
    Overflow,
    /// The container holds `BODIES_MAX` pieces.
    Crowded,
}

impl EndReason {
    fn code(self) -> u8 {
        match self {
            EndReason::TimeUp => 1,
            EndReason::Overflow => 2,
            EndReason::Crowded => 3,
        }
    }
}

/// What happened in merge-drop this tick. Positions are in milli-units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Dropped {
        serial: u32,
        tier: u8,
        x_milli: i32,
    },
    Merged {
        first: u32,
        second: u32,
        into: u32,
        tier: u8,
        x_milli: i32,
        y_milli: i32,
    },
    /// Two top-tier pieces met and vanished.
    TopPairVanished {
        first: u32,
        second: u32,
        bonus: u32,
    },
    Lost {
        serial: u32,
    },
    DangerStarted,
    DangerCleared,
    Ended {
        reason: EndReason,
    },
}

/// Level data converted once for the tick loop.
struct Rules {
    radii: Vec<f32>,
    scores: Vec<u32>,
    drop_ranges_milli: Vec<(i32, i32)>,
    droppable_tiers: u8,
    drop_y: f32,
    danger_y: f32,
    lost_y: f32,
    danger_grace_ticks: u32,
    drop_cooldown_ticks: u32,
    time_limit_ticks: u32,
    top_pair_bonus: u32,
    stars: [u32; 3],
}

/// A merge-drop game in progress.
pub struct MergeDrop {
    rules: Rules,
    physics: Physics,
    /// Serial of the next piece created (drop or merge).
    serial_next: u32,
    /// Tier the next drop releases, and the one after it (the preview).
    current: u8,
    preview: u8,
    cooldown_ticks_left: u32,
    /// Consecutive ticks with a landed piece above the danger line.
    danger_ticks: u32,
    ticks_elapsed: u32,
    score: u32,
    ended: Option<EndReason>,
    /// Scratch, kept for its capacity: dense indices merged this tick, lost entities.
    merged: Vec<bool>,
    pairs: Vec<(u16, u16, u8)>,
    lost: Vec<(u32, hecs::Entity)>,
    /// The hash's pieces in serial order, kept for its capacity so that a checkpoint allocates
    /// nothing once the pile has been hashed at its largest (a `Cell`, since hashing borrows
    /// the game immutably; not state).
    hash_pieces: core::cell::Cell<Vec<(Body, u8)>>,
}

fn world_of(milli: i32) -> f32 {
    milli as f32 / 1000.0
}

fn milli_of(world: f32) -> i32 {
    libm::roundf(world * 1000.0) as i32
}

impl MergeDrop {
    /// Starts a game of a validated level.
    pub fn new(spec: &MergeLevel, kernel: &mut Kernel) -> MergeDrop {
        let corners: Vec<Vec2> = spec
            .container
            .iter()
            .map(|&[x, y]| Vec2::new(world_of(x), world_of(y)))
            .collect();
        let walls: Vec<Segment> = corners
            .windows(2)
            .map(|pair| Segment::new(pair[0], pair[1]))
            .collect();
        let floor = spec
            .container
            .iter()
            .map(|point| point[1])
            .min()
            .expect("validated");
        let config = PhysicsConfig {
            gravity: Vec2::new(
                world_of(spec.gravity_milli[0]),
                world_of(spec.gravity_milli[1]),
            ),
            restitution: f32::from(spec.restitution_permille) / 1000.0,
            friction: f32::from(spec.friction_permille) / 1000.0,
        };
        let rules = Rules {
            radii: spec
                .tiers
                .iter()
                .map(|tier| world_of(tier.radius_milli))
                .collect(),
            scores: spec.tiers.iter().map(|tier| tier.score).collect(),
            drop_ranges_milli: spec
                .tiers
                .iter()
                .map(|tier| spec.drop_range_milli(tier.radius_milli).unwrap_or((0, -1)))
                .collect(),
            droppable_tiers: spec.droppable_tiers,
            drop_y: world_of(spec.drop_y_milli),
            danger_y: world_of(spec.danger_y_milli),
            lost_y: world_of(floor) - LOST_BELOW,
            danger_grace_ticks: spec.danger_grace_ticks,
            drop_cooldown_ticks: spec.drop_cooldown_ticks,
            time_limit_ticks: spec.time_limit_ticks,
            top_pair_bonus: spec.top_pair_bonus,
            stars: spec.stars,
        };
        let current = kernel.rng.below(u32::from(rules.droppable_tiers)) as u8;
        let preview = kernel.rng.below(u32::from(rules.droppable_tiers)) as u8;
        MergeDrop {
            rules,
            physics: Physics::new(config, &walls),
            serial_next: 0,
            current,
            preview,
            cooldown_ticks_left: 0,
            danger_ticks: 0,
            ticks_elapsed: 0,
            score: 0,
            ended: None,
            merged: Vec::new(),
            pairs: Vec::new(),
            lost: Vec::new(),
            hash_pieces: core::cell::Cell::new(Vec::new()),
        }
    }

    /// The tier the next drop releases.
    pub fn current_tier(&self) -> u8 {
        self.current
    }

    /// The tier after that (shown as the next piece).
    pub fn preview_tier(&self) -> u8 {
        self.preview
    }

    pub fn cooldown_ticks_left(&self) -> u32 {
        self.cooldown_ticks_left
    }

    pub fn danger_ticks(&self) -> u32 {
        self.danger_ticks
    }

    pub fn ticks_left(&self) -> u32 {
        self.rules.time_limit_ticks - self.ticks_elapsed
    }

    pub fn ended(&self) -> Option<EndReason> {
        self.ended
    }

    pub fn radius(&self, tier: u8) -> f32 {
        self.rules.radii[usize::from(tier)]
    }

    pub fn tier_count(&self) -> u8 {
        self.rules.radii.len() as u8
    }

    pub fn danger_y(&self) -> f32 {
        self.rules.danger_y
    }

    /// Inclusive x range, in milli-units, where the current piece may be dropped.
    pub fn drop_range_milli(&self) -> (i32, i32) {
        self.rules.drop_ranges_milli[usize::from(self.current)]
    }

    pub fn physics(&self) -> &Physics {
        &self.physics
    }

    /// Every piece as `(body, tier)`, sorted by serial.
    pub fn pieces(&self, kernel: &Kernel) -> Vec<(Body, u8)> {
        let mut pieces = Vec::new();
        Self::pieces_into(kernel, &mut pieces);
        pieces
    }

    /// [`MergeDrop::pieces`] into `pieces`, replacing what it held.
    fn pieces_into(kernel: &Kernel, pieces: &mut Vec<(Body, u8)>) {
        pieces.clear();
        let mut query = kernel.world.query::<(&Body, &Piece)>();
        pieces.extend(query.iter().map(|(body, piece)| (*body, piece.tier)));
        pieces.sort_unstable_by_key(|(body, _)| body.serial);
    }

    /// The mode's hash with the pieces gathered into a new list instead of the kept one: the
    /// straightforward path [`GameMode::hash_into`] must always equal, for tests.
    pub fn hash_into_fresh(&self, kernel: &Kernel, hasher: &mut StateHasher) {
        self.hash_with(&self.pieces(kernel), hasher);
    }

    /// Everything the future depends on, with `pieces` the serial-ordered pieces.
    fn hash_with(&self, pieces: &[(Body, u8)], hasher: &mut StateHasher) {
        hasher.write_u32(self.serial_next);
        hasher.write_u8(self.current);
        hasher.write_u8(self.preview);
        hasher.write_u32(self.cooldown_ticks_left);
        hasher.write_u32(self.danger_ticks);
        hasher.write_u32(self.ticks_elapsed);
        hasher.write_u32(self.score);
        hasher.write_u8(self.ended.map_or(0, EndReason::code));
        hasher.write_u32(pieces.len() as u32);
        for (body, tier) in pieces {
            body.hash_into(hasher);
            hasher.write_u8(*tier);
        }
        self.physics.hash_into(hasher);
    }

    /// True when every piece sleeps and no drop, merge or danger timer is pending: only the
    /// clock still runs. Bots and tools use it; it is not the replay's quiescence.
    pub fn is_settled(&self, kernel: &Kernel) -> bool {
        self.cooldown_ticks_left == 0
            && self.danger_ticks == 0
            && kernel.world.query::<&Body>().iter().all(|body| body.asleep)
    }

    /// Creates a piece; `touched` is true for merge products, which are born in contact.
    fn spawn(
        &mut self,
        kernel: &mut Kernel,
        tier: u8,
        position: Vec2,
        velocity: Vec2,
        touched: bool,
    ) -> u32 {
        let serial = self.serial_next;
        self.serial_next += 1;
        let mut body = Body::circle(serial, position, self.radius(tier));
        body.velocity = velocity;
        body.touched = touched;
        kernel.world.spawn((body, Piece { tier }));
        self.physics.note_spawn();
        serial
    }

    fn add_score(&mut self, points: u32) {
        self.score = self.score.saturating_add(points);
    }

    /// Merges touching equal-tier pairs found by this tick's contacts. Contacts come sorted by
    /// `(a, b)` dense index, i.e. by creation serial, so the lowest pair wins; a piece merges at
    /// most once per tick. Equal radii are compared first since tiers have distinct radii.
    fn merge(&mut self, kernel: &mut Kernel) {
        let bodies = self.physics.bodies();
        self.merged.clear();
        self.merged.resize(bodies.len(), false);
        let mut pairs = core::mem::take(&mut self.pairs);
        pairs.clear();
        for contact in self.physics.contacts() {
            let (a, b) = (usize::from(contact.a), usize::from(contact.b));
            let (first, second) = (&bodies[a], &bodies[b]);
            // Touching at any sub-step counts: a fast piece can hit its twin and roll off it
            // within one tick (rolling circles glance off where sliding ones stuck).
            if contact.separation_min > TOUCH_DISTANCE
                || first.body.radius.to_bits() != second.body.radius.to_bits()
                || self.merged[a]
                || self.merged[b]
            {
                continue;
            }
            let tier_of = |entity| kernel.world.get::<&Piece>(entity).map(|piece| piece.tier);
            let (Ok(tier), Ok(other)) = (tier_of(first.entity), tier_of(second.entity)) else {
                continue;
            };
            if tier == other {
                self.merged[a] = true;
                self.merged[b] = true;
                pairs.push((contact.a, contact.b, tier));
            }
        }
        for &(a, b, tier) in &pairs {
            let (first, second) = (
                self.physics.bodies()[usize::from(a)],
                self.physics.bodies()[usize::from(b)],
            );
            kernel
                .world
                .despawn(first.entity)
                .expect("merged piece exists");
            kernel
                .world
                .despawn(second.entity)
                .expect("merged piece exists");
            let centre = (first.body.position + second.body.position) * 0.5;
            (self.physics).wake_around(&mut kernel.world, first.body.position, first.body.radius);
            (self.physics).wake_around(&mut kernel.world, second.body.position, second.body.radius);
            let (serials, next_tier) = ((first.body.serial, second.body.serial), tier + 1);
            if usize::from(next_tier) < self.rules.radii.len() {
                // Equal masses: the average velocity conserves momentum.
                let velocity = (first.body.velocity + second.body.velocity) * 0.5;
                let into = self.spawn(kernel, next_tier, centre, velocity, true);
                self.add_score(self.rules.scores[usize::from(next_tier)]);
                kernel.emit(crate::Event::MergeDrop(Event::Merged {
                    first: serials.0,
                    second: serials.1,
                    into,
                    tier: next_tier,
                    x_milli: milli_of(centre.x),
                    y_milli: milli_of(centre.y),
                }));
            } else {
                let bonus = self.rules.top_pair_bonus;
                self.add_score(bonus);
                kernel.emit(crate::Event::MergeDrop(Event::TopPairVanished {
                    first: serials.0,
                    second: serials.1,
                    bonus,
                }));
            }
        }
        self.pairs = pairs;
    }

    /// Removes pieces that fell out of the world, in serial order.
    fn cull(&mut self, kernel: &mut Kernel) {
        self.lost.clear();
        for (entity, body) in kernel.world.query_mut::<(hecs::Entity, &Body)>() {
            if body.position.y < self.rules.lost_y {
                self.lost.push((body.serial, entity));
            }
        }
        self.lost.sort_unstable_by_key(|(serial, _)| *serial);
        for &(serial, entity) in &self.lost {
            kernel.world.despawn(entity).expect("lost piece exists");
            kernel.emit(crate::Event::MergeDrop(Event::Lost { serial }));
        }
    }

    /// Advances the danger timer: a piece that has landed and reaches above the line counts.
    fn danger(&mut self, kernel: &mut Kernel) {
        let line = self.rules.danger_y;
        let over = kernel
            .world
            .query_mut::<&Body>()
            .into_iter()
            .any(|body| body.touched && body.position.y + body.radius > line);
        match (over, self.danger_ticks) {
            (true, 0) => kernel.emit(crate::Event::MergeDrop(Event::DangerStarted)),
            (false, 1..) => kernel.emit(crate::Event::MergeDrop(Event::DangerCleared)),
            _ => {}
        }
        self.danger_ticks = if over { self.danger_ticks + 1 } else { 0 };
    }

    fn end(&mut self, kernel: &mut Kernel, reason: EndReason) {
        if self.ended.is_none() {
            self.ended = Some(reason);
            kernel.emit(crate::Event::MergeDrop(Event::Ended { reason }));
        }
    }
}

impl GameMode for MergeDrop {
    fn apply(&mut self, kernel: &mut Kernel, action: Action) -> Result<(), Refusal> {
        let Action::Drop { x_milli } = action else {
            return Err(Refusal::WrongMode);
        };
        if self.ended.is_some() {
            return Err(Refusal::GameOver);
        }
        if self.cooldown_ticks_left > 0 {
            return Err(Refusal::DropCooldown);
        }
        let (low, high) = self.drop_range_milli();
        if !(low..=high).contains(&x_milli) {
            return Err(Refusal::OutsideContainer);
        }
        let tier = self.current;
        let position = Vec2::new(world_of(x_milli), self.rules.drop_y);
        let serial = self.spawn(kernel, tier, position, Vec2::ZERO, false);
        self.current = self.preview;
        self.preview = kernel.rng.below(u32::from(self.rules.droppable_tiers)) as u8;
        self.cooldown_ticks_left = self.rules.drop_cooldown_ticks;
        kernel.emit(crate::Event::MergeDrop(Event::Dropped {
            serial,
            tier,
            x_milli,
        }));
        Ok(())
    }

    fn step(&mut self, kernel: &mut Kernel) {
        if self.ended.is_some() {
            // The final state is frozen: the result cannot change after the end.
            return;
        }
        let score_before = self.score;
        // Cooldown: one tick closer to the next drop.
        self.cooldown_ticks_left = self.cooldown_ticks_left.saturating_sub(1);
        // Physics: gravity, contacts, sleep.
        self.physics.step(&mut kernel.world);
        // Merge: equal touching tiers become the next tier.
        self.merge(kernel);
        // Cull: pieces thrown out of the world.
        self.cull(kernel);
        // Danger: a landed piece above the line runs the grace timer.
        self.danger(kernel);
        // Clock: time limit, overflow and crowding end the game.
        self.ticks_elapsed += 1;
        if self.danger_ticks >= self.rules.danger_grace_ticks {
            self.end(kernel, EndReason::Overflow);
        } else if self.ticks_elapsed >= self.rules.time_limit_ticks {
            self.end(kernel, EndReason::TimeUp);
        } else if kernel.world.len() >= BODIES_MAX - 1 {
            self.end(kernel, EndReason::Crowded);
        }
        if self.score != score_before {
            kernel.emit(crate::Event::ScoreChanged { score: self.score });
        }
    }

    fn hash_into(&self, kernel: &Kernel, hasher: &mut StateHasher) {
        let mut pieces = self.hash_pieces.take();
        Self::pieces_into(kernel, &mut pieces);
        self.hash_with(&pieces, hasher);
        self.hash_pieces.set(pieces);
    }

    fn accepts_input(&self) -> bool {
        self.ended.is_none() && self.cooldown_ticks_left == 0
    }

    /// Only a finished game is quiescent: while playing, the session clock always runs towards
    /// the time limit, so a replay of an idle player still reaches the game's deterministic end.
    fn is_quiescent(&self) -> bool {
        self.ended.is_some()
    }

    /// None: the session clock (and the drop cooldown, the danger timer) move every tick even
    /// when every piece sleeps.
    fn quiet_ticks(&self) -> u32 {
        0
    }

    fn skip_quiet(&mut self, ticks: u32) {
        assert_eq!(ticks, 0, "merge-drop has no quiet ticks");
    }

    fn phase(&self) -> Phase {
        match self.ended {
            None => Phase::Playing,
            Some(_) => Phase::Finished {
                passed: self.score >= self.rules.stars[0],
            },
        }
    }

    fn score(&self) -> u32 {
        self.score
    }

    fn stars(&self) -> u8 {
        self.rules
            .stars
            .iter()
            .filter(|&&threshold| self.score >= threshold)
            .count() as u8
    }
}
