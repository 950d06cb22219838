//! The physics step: one visible list of stages.

use alloc::vec::Vec;

use glam::Vec2;

use super::body::Body;
use super::broadphase::{self, SweepEntry};
use super::narrowphase::{self, Contact, WallContact};
use super::shape::Segment;
use super::{sleep, solver};
use super::{
    BODIES_MAX, RELAX_ITERATIONS, SOLVE_ITERATIONS, SUBSTEPS, SUBSTEP_DT_S, TICK_DT_S, WALLS_MAX,
};

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

/// The physics world's static geometry, configuration and reusable scratch arrays. It keeps no
/// simulation state between steps (bodies live in the ECS, contact impulses live one tick), so
/// it needs no hashing; the arrays keep their capacity, so a steady-state step allocates
/// nothing.
pub struct Physics {
    config: PhysicsConfig,
    walls: Vec<Segment>,
    /// Wall boxes, (min, max), for the body-wall test.
    wall_bounds: Vec<(Vec2, Vec2)>,
    bodies: Vec<DenseBody>,
    entries: Vec<SweepEntry>,
    pairs: Vec<(u16, u16)>,
    contacts: Vec<Contact>,
    wall_contacts: Vec<WallContact>,
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
            entries: Vec::new(),
            pairs: Vec::new(),
            contacts: Vec::new(),
            wall_contacts: Vec::new(),
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

    /// Simulates one tick of every `Body` in `world`.
    pub fn step(&mut self, world: &mut hecs::World) {
        self.step_probed(world, |_, _| {});
    }

    /// [`Self::step`], calling `probe` after each stage.
    pub fn step_probed(&mut self, world: &mut hecs::World, mut probe: impl FnMut(Stage, &Physics)) {
        let config = self.config;
        // Gather: dense, by serial. Nothing to do at all when every body sleeps.
        if !self.gather(world) {
            return;
        }
        probe(Stage::Gather, self);
        // Broadphase: candidate pairs from swept boxes, sorted by (low, high) index.
        broadphase::find_pairs(&self.bodies, &mut self.entries, &mut self.pairs);
        probe(Stage::Broadphase, self);
        // Wake: sleepers about to be hit join this tick's solve.
        sleep::wake_touched(&mut self.bodies, &self.pairs);
        for dense in self.bodies.iter_mut().filter(|dense| !dense.body.asleep) {
            dense.inv_mass = dense.body.inv_mass;
        }
        probe(Stage::Wake, self);
        // Narrowphase: exact gaps; contacts in pair order, then body-wall in (body, wall) order.
        self.narrowphase();
        probe(Stage::Narrowphase, self);
        // Sub-steps: the solver's fixed schedule.
        let inv_dt = 1.0 / SUBSTEP_DT_S;
        for _ in 0..SUBSTEPS {
            solver::integrate_velocities(&mut self.bodies, config.gravity, SUBSTEP_DT_S);
            solver::warm_start(&mut self.bodies, &self.contacts, &self.wall_contacts);
            for _ in 0..SOLVE_ITERATIONS {
                let (contacts, walls) = (&mut self.contacts, &mut self.wall_contacts);
                solver::solve(
                    &mut self.bodies,
                    contacts,
                    walls,
                    config.friction,
                    true,
                    inv_dt,
                );
            }
            solver::integrate_positions(&mut self.bodies, SUBSTEP_DT_S);
            for _ in 0..RELAX_ITERATIONS {
                let (contacts, walls) = (&mut self.contacts, &mut self.wall_contacts);
                solver::solve(
                    &mut self.bodies,
                    contacts,
                    walls,
                    config.friction,
                    false,
                    inv_dt,
                );
            }
        }
        probe(Stage::Substeps, self);
        // Restitution: bounce what hit hard.
        let (contacts, walls) = (&mut self.contacts, &mut self.wall_contacts);
        solver::restitute(&mut self.bodies, contacts, walls, config.restitution);
        probe(Stage::Restitution, self);
        // Sleep: final gaps, touched flags, slow counters.
        self.finish_contacts();
        sleep::update_sleep(&mut self.bodies);
        probe(Stage::Sleep, self);
        // Write back, asserting every float is finite at the step boundary.
        for dense in &self.bodies {
            dense.body.assert_finite();
            let body = world
                .query_one_mut::<&mut Body>(dense.entity)
                .expect("gathered entity vanished during the step");
            *body = dense.body;
        }
        probe(Stage::WriteBack, self);
    }

    /// Fills the dense array sorted by serial; false (and empty arrays) when all bodies sleep.
    fn gather(&mut self, world: &mut hecs::World) -> bool {
        self.bodies.clear();
        self.contacts.clear();
        self.wall_contacts.clear();
        self.pairs.clear();
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
        for &(a, b) in &self.pairs {
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
        solver::measure_end(&self.bodies, &mut self.contacts, &mut self.wall_contacts);
        for contact in &self.contacts {
            if contact.separation_end <= TOUCH_DISTANCE {
                self.bodies[usize::from(contact.a)].body.touched = true;
                self.bodies[usize::from(contact.b)].body.touched = true;
            }
        }
        for contact in &self.wall_contacts {
            if contact.separation_end <= TOUCH_DISTANCE {
                self.bodies[usize::from(contact.body)].body.touched = true;
            }
        }
    }

    /// Wakes every sleeping body whose surface is within `TOUCH_DISTANCE` of the circle at
    /// `centre` with `radius`: called when a body there is removed, so what rested on it falls.
    pub fn wake_around(world: &mut hecs::World, centre: Vec2, radius: f32) {
        for body in world.query_mut::<&mut Body>() {
            if !body.asleep {
                continue;
            }
            let reach = radius + body.radius + TOUCH_DISTANCE;
            let offset = body.position - centre;
            if offset.dot(offset) <= reach * reach {
                body.wake();
            }
        }
    }
}
