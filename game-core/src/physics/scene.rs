//! A self-contained physics world (ECS, physics and serial counter) for tests, benchmarks and
//! tools that want the physics without game rules.

use glam::Vec2;

use super::{Body, Physics, PhysicsConfig, Segment, BODIES_MAX};
use crate::kernel::hash::StateHasher;

pub struct Scene {
    pub world: hecs::World,
    pub physics: Physics,
    serial_next: u32,
}

impl Scene {
    pub fn new(config: PhysicsConfig, walls: &[Segment]) -> Scene {
        Scene {
            world: hecs::World::new(),
            physics: Physics::new(config, walls),
            serial_next: 0,
        }
    }

    /// An open-topped box `width` wide and `height` tall, floor centred on the origin, walls
    /// listed counter-clockwise so their normals face in.
    pub fn cup(width: f32, height: f32) -> [Segment; 3] {
        let (left, right) = (-width / 2.0, width / 2.0);
        [
            Segment::new(Vec2::new(left, height), Vec2::new(left, 0.0)),
            Segment::new(Vec2::new(left, 0.0), Vec2::new(right, 0.0)),
            Segment::new(Vec2::new(right, 0.0), Vec2::new(right, height)),
        ]
    }

    /// Adds an awake circle at rest; returns its serial.
    pub fn spawn(&mut self, position: Vec2, radius: f32) -> u32 {
        assert!(self.world.len() < BODIES_MAX, "over BODIES_MAX bodies");
        let serial = self.serial_next;
        self.serial_next += 1;
        self.world.spawn((Body::circle(serial, position, radius),));
        self.physics.note_spawn();
        serial
    }

    pub fn step(&mut self) {
        self.physics.step(&mut self.world);
    }

    /// Bodies not asleep.
    pub fn awake_count(&self) -> u32 {
        self.world
            .query::<&Body>()
            .iter()
            .filter(|body| !body.asleep)
            .count() as u32
    }

    /// Every body, sorted by serial.
    pub fn bodies(&self) -> alloc::vec::Vec<Body> {
        let mut bodies: alloc::vec::Vec<Body> =
            self.world.query::<&Body>().iter().copied().collect();
        bodies.sort_unstable_by_key(|body| body.serial);
        bodies
    }

    pub fn state_hash(&self) -> u64 {
        let mut hasher = StateHasher::new();
        for body in self.bodies() {
            body.hash_into(&mut hasher);
        }
        self.physics.hash_into(&mut hasher);
        hasher.finish()
    }
}
