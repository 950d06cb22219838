//! The kernel both game modes run on: fixed ticks, the seeded RNG, the ECS world, events and the
//! canonical state hash.

pub mod event;
pub mod hash;
pub mod input;
pub mod rng;
pub mod tick;

use alloc::vec::Vec;

use event::Event;
use hash::StateHasher;
use rng::Pcg32;

/// State shared by both game modes. Everything a future tick depends on lives either here or in
/// the mode's own state, and all of it is hashed.
pub struct Kernel {
    /// Ticks simulated so far; the next step simulates tick `tick`.
    pub tick: u32,
    pub rng: Pcg32,
    pub world: hecs::World,
    /// Events of the tick being (or last) simulated; cleared at the start of each step.
    pub events: Vec<Event>,
}

impl Kernel {
    pub fn new(seed: u64) -> Self {
        Kernel {
            tick: 0,
            rng: Pcg32::for_session(seed),
            world: hecs::World::new(),
            events: Vec::new(),
        }
    }

    pub fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Hashes the kernel's own state: tick and RNG. The mode hashes the world's entities, in its
    /// own stable order, since only the mode knows which key orders them.
    pub fn hash_into(&self, hasher: &mut StateHasher) {
        hasher.write_u32(self.tick);
        self.hash_rng_into(hasher);
    }

    /// What [`Kernel::hash_into`] writes after the tick.
    pub fn hash_rng_into<H: hash::WriteWords>(&self, hasher: &mut H) {
        let [state, increment] = self.rng.words();
        hasher.write_u64(state);
        hasher.write_u64(increment);
    }
}
