//! The physics step: one visible list of stages.

use alloc::vec::Vec;

use glam::Vec2;

use super::body::Body;
use super::broadphase::{self, SweepEntry};
use super::narrowphase::{self, Contact, WallContact};
use super::shape::Segment;
use super::solver::{Softness, SolverBody, CONTACT_DAMPING_RATIO, CONTACT_HERTZ, WALL_HERTZ};
use super::{sleep, solver};
use super::{
    BODIES_MAX, RELAX_ITERATIONS, SOLVE_ITERATIONS, SUBSTEPS, SUBSTEP_DT_S, TICK_DT_S, WALLS_MAX,
};
use crate::kernel::hash::StateHasher;

/// The stages of [`Physics::step`], in order. A probe passed to [`Physics::step_probed`] is
/// called after each, e.g. to time stages or hash intermediate states while debugging.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Copy every body from the ECS into a dense array sorted by serial.
    Gather,
    /// Sweep-and-prune: candidate pairs, sorted.
    Broadphase,
    /// Fast bodies wake the sleeping bodies they are about to touch.
    Wake,
    /// Exact distances; contacts for pairs and body-wall pairs within reach.
    Narrowphase,
    /// `SUBSTEPS` times: gravity, warm start, solve, move, relax.
    Substeps,
    /// One bounce pass for fast impacts.
    Restitution,
    /// Final gaps, the `touched` flags, slow-tick counters and sleep.
    Sleep,
    /// Copy the bodies back into the ECS.
    WriteBack,
}

/// World-wide tunables, from level data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhysicsConfig {
    /// World units per second squared.
    pub gravity: Vec2,
    /// 0 (no bounce) to 1 (elastic).
    pub restitution: f32,
    /// Coulomb friction coefficient.
    pub friction: f32,
}

/// A body as the solver sees it during a step.
#[derive(Clone, Copy, Debug)]
pub struct DenseBody {
    pub entity: hecs::Entity,
    pub body: Body,
    /// Position at the start of the tick; sub-steps measure drift from it.
    pub(crate) start: Vec2,
    /// The solver's inverse mass: zero while asleep (static to awake bodies).
    pub(crate) inv_mass: f32,
    /// Farthest this body can travel this tick, in world units: widens its broadphase box and
    /// its contact reach so contacts exist before bodies meet.
    pub(crate) reach: f32,
}

/// Surface gap at or below which two shapes count as touching, in world units: two slops, so
/// resting contacts count even when the solver leaves them a hair apart.
pub const TOUCH_DISTANCE: f32 = 2.0 * super::LINEAR_SLOP;

/// The physics world's static geometry, configuration, the contact impulses carried from one
/// tick to the next, and reusable scratch arrays. The carried impulses are simulation state and
/// are hashed by [`Physics::hash_into`]; everything else is either configuration, scratch, or a
/// cache derived from the bodies. The arrays keep their capacity, so a steady-state step
/// allocates nothing.
pub struct Physics {
    config: PhysicsConfig,
    walls: Vec<Segment>,
    /// Wall boxes, (min, max), for the body-wall test.
    wall_bounds: Vec<(Vec2, Vec2)>,
    bodies: Vec<DenseBody>,
    /// What the solver's inner loops touch, parallel to `bodies` (scratch).
    solver_bodies: Vec<SolverBody>,
    entries: Vec<SweepEntry>,
    /// Candidate pairs, packed `low << 16 | high`, sorted; a cache (see `pairs_still_cover`).
    pairs: Vec<u32>,
    /// Whether `pairs` may be reused, and each body as it was when they were found.
    pairs_valid: bool,
    pair_scratch: broadphase::PairScratch,
    pair_anchors: Vec<PairAnchor>,
    contacts: Vec<Contact>,
    /// The contacts in solve order (scratch), see `color_contacts`.
    colored: Vec<Contact>,
    /// For each entry of `colored`, its index in `contacts` (scratch).
    solve_order: Vec<u16>,
    /// Per contact, its colour; per body, the colours its contacts took (scratch).
    contact_colors: Vec<u8>,
    color_masks: Vec<u32>,
    wall_contacts: Vec<WallContact>,
    /// Last tick's body-body impulses, keyed and sorted by the two serials: the warm start.
    warm_pairs: Vec<WarmImpulse>,
    /// Last tick's body-wall impulses, keyed and sorted by (serial, wall index).
    warm_walls: Vec<WarmImpulse>,
    /// Islands to wake this tick (scratch), sorted and deduplicated.
    islands: Vec<u32>,
    /// Union-find parents and per-island slowest count (scratch for sleeping).
    parent: Vec<u16>,
    island_slow: Vec<u16>,
    /// Awake bodies after the last step (a cache). While it is zero, nothing has spawned or
    /// been woken, and the world holds as many bodies as then, a step has nothing to do.
    awake_count: u32,
    /// `world.len()` after the last step.
    world_len: u32,
    /// Set by [`Physics::note_spawn`] and by waking: the next step must look at the world.
    world_changed: bool,
}

/// Extra size of the broadphase boxes, in world units, so the pairs found can be reused until
/// some body has moved this far. Tried: 0.05, 0.1 and 0.2 (figures in the commit history).
const PAIR_MARGIN: f32 = 0.1;

/// A body's serial, position and reach when the cached pairs were found.
#[derive(Clone, Copy, Debug)]
struct PairAnchor {
    serial: u32,
    asleep: bool,
    position: Vec2,
    reach: f32,
}

/// A contact's accumulated impulses at the end of a tick, keyed by serials so they can be
/// found again next tick whatever the dense indices have become.
#[derive(Clone, Copy, Debug, PartialEq)]
struct WarmImpulse {
    /// Serial of the first body.
    first: u32,
    /// Serial of the second body, or the wall's index for a body-wall contact.
    second: u32,
    normal: f32,
    tangent: f32,
}

impl Physics {
    pub fn new(config: PhysicsConfig, walls: &[Segment]) -> Physics {
        assert!(walls.len() <= WALLS_MAX as usize, "over WALLS_MAX walls");
        assert!(config.gravity.is_finite() && config.restitution.is_finite());
        assert!(config.friction.is_finite() && config.friction >= 0.0);
        Physics {
            config,
            walls: walls.to_vec(),
            wall_bounds: walls.iter().map(Segment::bounds).collect(),
            bodies: Vec::new(),
            solver_bodies: Vec::new(),
            entries: Vec::new(),
            pairs: Vec::new(),
            pairs_valid: false,
            pair_scratch: broadphase::PairScratch::default(),
            pair_anchors: Vec::new(),
            contacts: Vec::new(),
            colored: Vec::new(),
            solve_order: Vec::new(),
            contact_colors: Vec::new(),
            color_masks: Vec::new(),
            wall_contacts: Vec::new(),
            warm_pairs: Vec::new(),
            warm_walls: Vec::new(),
            islands: Vec::new(),
            parent: Vec::new(),
            island_slow: Vec::new(),
            awake_count: 0,
            world_len: 0,
            world_changed: true,
        }
    }

    pub fn config(&self) -> &PhysicsConfig {
        &self.config
    }

    pub fn walls(&self) -> &[Segment] {
        &self.walls
    }

    /// Bodies as of the end of the last step, sorted by serial (empty if everything slept).
    pub fn bodies(&self) -> &[DenseBody] {
        &self.bodies
    }

    /// Body-body contacts of the last step, sorted by `(a, b)`; indices into [`Self::bodies`].
    pub fn contacts(&self) -> &[Contact] {
        &self.contacts
    }

    /// Body-wall contacts of the last step, sorted by `(body, wall)`.
    pub fn wall_contacts(&self) -> &[WallContact] {
        &self.wall_contacts
    }

    /// Must be called by code that adds a `Body` to the world (or wakes one by hand): a world
    /// that was entirely asleep is otherwise not looked at again. As a second guard, a change
    /// in `world.len()` is noticed too, and debug builds check that a skipped step skipped
    /// nothing.
    pub fn note_spawn(&mut self) {
        self.world_changed = true;
    }

    /// Hashes the impulses carried into the next tick (bodies are hashed by their owner).
    pub fn hash_into(&self, hasher: &mut StateHasher) {
        for warm in [&self.warm_pairs, &self.warm_walls] {
            hasher.write_u32(warm.len() as u32);
            for impulse in warm.iter() {
                hasher.write_u32(impulse.first);
                hasher.write_u32(impulse.second);
                hasher.write_f32(impulse.normal);
                hasher.write_f32(impulse.tangent);
            }
        }
    }

    /// Simulates one tick of every `Body` in `world`.
    pub fn step(&mut self, world: &mut hecs::World) {
        self.step_probed(world, |_, _| {});
    }

    /// [`Self::step`], calling `probe` after each stage.
    pub fn step_probed(&mut self, world: &mut hecs::World, mut probe: impl FnMut(Stage, &Physics)) {
        let config = self.config;
        self.bodies.clear();
        self.contacts.clear();
        self.wall_contacts.clear();
        // Asleep: a world where everything sleeps and nothing was added costs three compares.
        if self.awake_count == 0 && !self.world_changed && world.len() == self.world_len {
            debug_assert!(
                world
                    .query_mut::<&Body>()
                    .into_iter()
                    .all(|body| body.asleep),
                "a body was spawned or woken without Physics::note_spawn"
            );
            return;
        }
        // Gather: dense, by serial. Nothing to do at all when every body sleeps.
        if !self.gather(world) {
            self.awake_count = 0;
            self.world_changed = false;
            self.world_len = world.len();
            self.pairs_valid = false;
            return;
        }
        probe(Stage::Gather, self);
        // Broadphase: candidate pairs from swept boxes, sorted by (low, high) index; then
        // Wake: sleeping islands within reach of an awake body wake whole, and the broadphase
        // runs again to pair their bodies with each other, until no more islands wake.
        let rest_reach = libm::sqrtf(config.gravity.dot(config.gravity)) * TICK_DT_S * TICK_DT_S;
        let mut cached = self.pairs_still_cover();
        let mut found = false;
        loop {
            if !cached {
                broadphase::find_pairs(
                    &self.bodies,
                    &mut self.entries,
                    &mut self.pairs,
                    &mut self.pair_scratch,
                    PAIR_MARGIN,
                );
                found = true;
            }
            cached = false;
            if !self.wake_reached(rest_reach) {
                break;
            }
        }
        if found {
            self.anchor_pairs();
        }
        probe(Stage::Broadphase, self);
        for dense in self.bodies.iter_mut().filter(|dense| !dense.body.asleep) {
            dense.inv_mass = dense.body.inv_mass;
        }
        probe(Stage::Wake, self);
        // Narrowphase: exact gaps; contacts in pair order, then body-wall in (body, wall) order,
        // each starting from the impulse it ended last tick with.
        self.narrowphase();
        self.load_warm_start();
        self.color_contacts();
        probe(Stage::Narrowphase, self);
        // Sub-steps: the solver's fixed schedule, on the compact solver bodies.
        self.load_solver_bodies();
        let inv_h = 1.0 / SUBSTEP_DT_S;
        let soft = (
            Softness::new(CONTACT_HERTZ, CONTACT_DAMPING_RATIO, SUBSTEP_DT_S),
            Softness::new(WALL_HERTZ, CONTACT_DAMPING_RATIO, SUBSTEP_DT_S),
        );
        let (solver_bodies, contacts, walls) = (
            &mut self.solver_bodies,
            &mut self.colored,
            &mut self.wall_contacts,
        );
        for _ in 0..SUBSTEPS {
            solver::integrate_velocities(solver_bodies, config.gravity, SUBSTEP_DT_S);
            solver::warm_start(solver_bodies, contacts, walls);
            for _ in 0..SOLVE_ITERATIONS {
                solver::solve::<true>(solver_bodies, contacts, walls, config.friction, soft, inv_h);
            }
            solver::integrate_positions(solver_bodies, SUBSTEP_DT_S);
            for _ in 0..RELAX_ITERATIONS {
                solver::solve::<false>(
                    solver_bodies,
                    contacts,
                    walls,
                    config.friction,
                    soft,
                    inv_h,
                );
            }
        }
        for (contact, &index) in self.colored.iter().zip(&self.solve_order) {
            self.contacts[usize::from(index)] = *contact;
        }
        self.store_warm_start();
        probe(Stage::Substeps, self);
        // Restitution: bounce what hit hard.
        let (solver_bodies, contacts, walls) = (
            &mut self.solver_bodies,
            &mut self.contacts,
            &mut self.wall_contacts,
        );
        solver::restitute(solver_bodies, contacts, walls, config.restitution);
        self.store_solver_bodies();
        probe(Stage::Restitution, self);
        // Sleep: final gaps, touched flags, slow counters, islands.
        self.finish_contacts();
        self.awake_count = sleep::update_sleep(
            &mut self.bodies,
            &self.contacts,
            &mut self.parent,
            &mut self.island_slow,
        );
        probe(Stage::Sleep, self);
        // Write back, asserting every float is finite at the step boundary.
        for dense in &self.bodies {
            dense.body.assert_finite();
            let body = world
                .query_one_mut::<&mut Body>(dense.entity)
                .expect("gathered entity vanished during the step");
            *body = dense.body;
        }
        self.world_changed = false;
        self.world_len = world.len();
        probe(Stage::WriteBack, self);
    }

    /// Whether last tick's pairs, found with boxes grown by `PAIR_MARGIN`, are a superset of the
    /// pairs a fresh broadphase would find now. They are if the bodies are the same ones, each
    /// asleep then if and only if it is now (sleepers are paired only with, and near, awake
    /// bodies), and no body's fresh box pokes out of the box it had then: moved less than the
    /// margin, less its growth in reach. Waking an island within the step finds pairs afresh. The narrowphase measures every pair exactly, so the
    /// contacts, and the simulation, are the same as with a fresh broadphase; only the work
    /// differs, and the cached pairs are not simulation state.
    ///
    /// Why: a settling pile barely moves, yet sorting and sweeping 200 boxes cost 13 us of a
    /// 71 us tick (200 circles in the 16-unit cup).
    fn pairs_still_cover(&self) -> bool {
        if !self.pairs_valid || self.bodies.len() != self.pair_anchors.len() {
            return false;
        }
        self.bodies
            .iter()
            .zip(&self.pair_anchors)
            .all(|(dense, anchor)| {
                let moved = dense.body.position - anchor.position;
                let moved_x = if moved.x < 0.0 { -moved.x } else { moved.x };
                let moved_y = if moved.y < 0.0 { -moved.y } else { moved.y };
                let moved = if moved_x > moved_y { moved_x } else { moved_y };
                dense.body.serial == anchor.serial
                    && dense.body.asleep == anchor.asleep
                    && moved + (dense.reach - anchor.reach) <= PAIR_MARGIN
            })
    }

    /// Records where each body was when the pairs were found.
    fn anchor_pairs(&mut self) {
        self.pair_anchors.clear();
        for dense in &self.bodies {
            self.pair_anchors.push(PairAnchor {
                serial: dense.body.serial,
                asleep: dense.body.asleep,
                position: dense.body.position,
                reach: dense.reach,
            });
        }
        self.pairs_valid = true;
    }

    /// Wakes every sleeping island with a body within contact reach of an awake body; true if
    /// any woke. `rest_reach` is how far a body starting from rest can fall this tick.
    fn wake_reached(&mut self, rest_reach: f32) -> bool {
        self.islands.clear();
        for &pair in &self.pairs {
            let (a, b) = broadphase::unpack(pair);
            let (first, second) = (&self.bodies[usize::from(a)], &self.bodies[usize::from(b)]);
            let sleeper = match (first.body.asleep, second.body.asleep) {
                (false, true) => second,
                (true, false) => first,
                _ => continue,
            };
            let offset = second.body.position - first.body.position;
            let gap = libm::sqrtf(offset.dot(offset)) - first.body.radius - second.body.radius;
            if gap <= super::SPECULATIVE_DISTANCE + first.reach + second.reach {
                self.islands.push(sleeper.body.island);
            }
        }
        if self.islands.is_empty() {
            return false;
        }
        self.islands.sort_unstable();
        self.islands.dedup();
        sleep::wake_islands(&mut self.bodies, &self.islands, rest_reach) > 0
    }

    /// Gives each new contact the impulses the same contact ended last tick with: both lists
    /// are sorted by the same key, so one merge pass finds them.
    ///
    /// Every carried contact is warm-started, impacts and deep overlaps included, as in Box2D
    /// v3. The rigid solver could not afford that (an impact's impulse re-applied after the
    /// bodies had stopped threw them apart: +132 energy in a tick on an 80-circle pile) and
    /// carried only slow, shallow contacts; under the soft solver that filter was the bug: a
    /// contact pushed past 0.02 units of overlap lost its impulse, sank deeper next tick, and a
    /// 200-circle pile ended 0.4 to 0.8 units deep in overlap, never asleep. The soft contact
    /// leaks part of a stale impulse each sub-step, so a carried impact impulse fades.
    fn load_warm_start(&mut self) {
        let mut cursor = 0;
        for contact in self.contacts.iter_mut() {
            let key = (
                self.bodies[usize::from(contact.a)].body.serial,
                self.bodies[usize::from(contact.b)].body.serial,
            );
            while cursor < self.warm_pairs.len() && warm_key(&self.warm_pairs[cursor]) < key {
                cursor += 1;
            }
            if let Some(warm) = self.warm_pairs.get(cursor) {
                if warm_key(warm) == key {
                    contact.normal_impulse = warm.normal;
                    contact.tangent_impulse = warm.tangent;
                }
            }
        }
        let mut cursor = 0;
        for contact in self.wall_contacts.iter_mut() {
            let key = (
                self.bodies[usize::from(contact.body)].body.serial,
                u32::from(contact.wall),
            );
            while cursor < self.warm_walls.len() && warm_key(&self.warm_walls[cursor]) < key {
                cursor += 1;
            }
            if let Some(warm) = self.warm_walls.get(cursor) {
                if warm_key(warm) == key {
                    contact.normal_impulse = warm.normal;
                    contact.tangent_impulse = warm.tangent;
                }
            }
        }
    }

    /// Keeps this tick's impulses (before restitution, which answers one impact and should
    /// not be repeated) for next tick's warm start. Contacts come in key order already.
    fn store_warm_start(&mut self) {
        self.warm_pairs.clear();
        for contact in &self.contacts {
            if contact.normal_impulse > 0.0 {
                self.warm_pairs.push(WarmImpulse {
                    first: self.bodies[usize::from(contact.a)].body.serial,
                    second: self.bodies[usize::from(contact.b)].body.serial,
                    normal: contact.normal_impulse,
                    tangent: contact.tangent_impulse,
                });
            }
        }
        self.warm_walls.clear();
        for contact in &self.wall_contacts {
            if contact.normal_impulse > 0.0 {
                self.warm_walls.push(WarmImpulse {
                    first: self.bodies[usize::from(contact.body)].body.serial,
                    second: u32::from(contact.wall),
                    normal: contact.normal_impulse,
                    tangent: contact.tangent_impulse,
                });
            }
        }
    }

    /// Copies the contacts into `colored` in solve order: grouped by colour, where no two
    /// contacts of one colour share a body (greedy, in key order, so deterministic), and key
    /// order within a colour. `solve_order` maps each back to its place in `contacts`.
    ///
    /// Why: in key order, consecutive contacts share their first body, so each waits for the
    /// previous one's velocity write: a chain of dependent loads and stores the processor
    /// cannot overlap. Within a colour, consecutive contacts are independent. The solve is
    /// still sequential Gauss-Seidel, only in another fixed order (Box2D v3 colours its
    /// constraint graph for the same reason, and for SIMD). Measured on 200 circles in the
    /// 16-unit cup: the sub-steps went from 63 to 51 us per awake tick, the 8-unit cup from 61
    /// to 51; colouring costs about 2 us.
    fn color_contacts(&mut self) {
        self.color_masks.clear();
        self.color_masks.resize(self.bodies.len(), 0);
        let mut counts = [0u16; CONTACT_COLORS as usize];
        self.contact_colors.clear();
        for contact in &self.contacts {
            let (a, b) = (usize::from(contact.a), usize::from(contact.b));
            let used = self.color_masks[a] | self.color_masks[b];
            // The first colour neither body has; the last colour takes any overflow.
            let color = lesser_u32((!used).trailing_zeros(), CONTACT_COLORS - 1);
            self.color_masks[a] |= 1 << color;
            self.color_masks[b] |= 1 << color;
            self.contact_colors.push(color as u8);
            counts[color as usize] += 1;
        }
        let mut offsets = [0u16; CONTACT_COLORS as usize];
        let mut next = 0;
        for (offset, count) in offsets.iter_mut().zip(counts) {
            *offset = next;
            next += count;
        }
        self.colored.clear();
        self.colored.extend_from_slice(&self.contacts);
        self.solve_order.clear();
        self.solve_order.resize(self.contacts.len(), 0);
        for (index, (contact, &color)) in self.contacts.iter().zip(&self.contact_colors).enumerate()
        {
            let slot = &mut offsets[usize::from(color)];
            self.colored[usize::from(*slot)] = *contact;
            self.solve_order[usize::from(*slot)] = index as u16;
            *slot += 1;
        }
    }

    /// Fills the solver's compact body array from the dense bodies.
    fn load_solver_bodies(&mut self) {
        self.solver_bodies.clear();
        for dense in &self.bodies {
            let body = &dense.body;
            self.solver_bodies.push(SolverBody {
                velocity: body.velocity,
                angular_velocity: body.angular_velocity,
                inv_mass: dense.inv_mass,
                delta: Vec2::ZERO,
                radius: body.radius,
                inv_inertia: 2.0 * dense.inv_mass / (body.radius * body.radius),
                spin_gain: 2.0 * dense.inv_mass / body.radius,
            });
        }
    }

    /// Copies velocities and displaced positions back into the awake dense bodies.
    fn store_solver_bodies(&mut self) {
        for (dense, solved) in self.bodies.iter_mut().zip(&self.solver_bodies) {
            if dense.body.asleep {
                continue;
            }
            dense.body.velocity = solved.velocity;
            dense.body.angular_velocity = solved.angular_velocity;
            dense.body.position = dense.start + solved.delta;
        }
    }

    /// Fills the dense array sorted by serial; false (and empty arrays) when all bodies sleep.
    fn gather(&mut self, world: &mut hecs::World) -> bool {
        let mut awake = false;
        let gravity_reach = libm::sqrtf(self.config.gravity.dot(self.config.gravity)) * TICK_DT_S;
        for (entity, body) in world.query_mut::<(hecs::Entity, &Body)>() {
            body.assert_finite();
            awake |= !body.asleep;
            let speed = libm::sqrtf(body.velocity.dot(body.velocity));
            self.bodies.push(DenseBody {
                entity,
                body: *body,
                start: body.position,
                inv_mass: 0.0,
                reach: if body.asleep {
                    0.0
                } else {
                    (speed + gravity_reach) * TICK_DT_S
                },
            });
        }
        assert!(
            self.bodies.len() <= BODIES_MAX as usize,
            "over BODIES_MAX bodies"
        );
        if !awake {
            self.bodies.clear();
            return false;
        }
        // Serials are unique, so an unstable sort is still a total, deterministic order.
        self.bodies.sort_unstable_by_key(|dense| dense.body.serial);
        true
    }

    fn narrowphase(&mut self) {
        for &pair in &self.pairs {
            let (a, b) = broadphase::unpack(pair);
            if let Some(contact) = narrowphase::circle_contact(&self.bodies, a, b) {
                self.contacts.push(contact);
            }
        }
        for (index, dense) in self.bodies.iter().enumerate() {
            if dense.body.asleep {
                continue;
            }
            let extent = dense.body.radius + super::SPECULATIVE_DISTANCE + dense.reach;
            let position = dense.body.position;
            for (wall, (min, max)) in self.wall_bounds.iter().enumerate() {
                let outside = position.x + extent < min.x
                    || position.x - extent > max.x
                    || position.y + extent < min.y
                    || position.y - extent > max.y;
                if outside {
                    continue;
                }
                let found =
                    narrowphase::wall_contact(&self.bodies, index as u16, &self.walls, wall as u16);
                if let Some(contact) = found {
                    self.wall_contacts.push(contact);
                }
            }
        }
    }

    fn finish_contacts(&mut self) {
        solver::measure_end(
            &self.solver_bodies,
            &mut self.contacts,
            &mut self.wall_contacts,
        );
        for contact in &self.contacts {
            if contact.separation_min <= TOUCH_DISTANCE {
                self.bodies[usize::from(contact.a)].body.touched = true;
                self.bodies[usize::from(contact.b)].body.touched = true;
            }
        }
        for contact in &self.wall_contacts {
            if contact.separation_min <= TOUCH_DISTANCE {
                self.bodies[usize::from(contact.body)].body.touched = true;
            }
        }
    }

    /// Wakes every sleeping island with a body whose surface is within `TOUCH_DISTANCE` of the
    /// circle at `centre` with `radius`: called when a body there is removed, so what rested on
    /// it falls.
    pub fn wake_around(&mut self, world: &mut hecs::World, centre: Vec2, radius: f32) {
        self.islands.clear();
        for body in world.query_mut::<&Body>() {
            if !body.asleep {
                continue;
            }
            let reach = radius + body.radius + TOUCH_DISTANCE;
            let offset = body.position - centre;
            if offset.dot(offset) <= reach * reach {
                self.islands.push(body.island);
            }
        }
        if self.islands.is_empty() {
            return;
        }
        self.islands.sort_unstable();
        self.islands.dedup();
        for body in world.query_mut::<&mut Body>() {
            if body.asleep && self.islands.binary_search(&body.island).is_ok() {
                body.wake();
            }
        }
        self.world_changed = true;
    }
}

/// Colours for the solve order; a body rarely touches more than six others.
const CONTACT_COLORS: u32 = 32;

fn lesser_u32(a: u32, b: u32) -> u32 {
    if b < a {
        b
    } else {
        a
    }
}

fn warm_key(warm: &WarmImpulse) -> (u32, u32) {
    (warm.first, warm.second)
}
