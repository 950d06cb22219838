//! Island sleeping: bodies joined by contacts sleep and wake together.
//!
//! Each tick the awake bodies are split into islands, the connected components of this tick's
//! contacts (walls join nothing: they are static). An island falls asleep when every body in it
//! has been slow (`Body::is_slow`) for `SLEEP_TICKS` ticks; its bodies then record the
//! island's lowest serial in `Body::island`. A sleeping island is woken as a whole as soon as an
//! awake body comes within contact reach of any of its bodies, or a body it touches is removed.
//! So an awake body never pushes against a sleeping one, and a pile is either simulated as a
//! whole or not at all.
//!
//! Tried first and replaced: per-body sleeping, where a sleeping body is static to its awake
//! neighbours. In a pile 25 circles deep (200 circles in the 8-unit cup) the sleepers froze
//! the solver's half-converged state: their awake neighbours kept pushing against immovable
//! bodies, a faster one woke a sleeper every few ticks, and the pile slept in patches that
//! collapsed (one cascade woke all 200 bodies at tick 400). It took 1,030 ticks to sleep, with
//! 0.055 units of overlap frozen in.

use alloc::vec::Vec;

use super::narrowphase::Contact;
use super::pipeline::DenseBody;
use super::SLEEP_TICKS;

/// Counts slow ticks, then puts to sleep every island whose bodies have all been slow for
/// `SLEEP_TICKS`. `parent` and `island_slow` are scratch arrays (kept to avoid allocating).
/// Returns how many bodies are still awake.
pub(crate) fn update_sleep(
    bodies: &mut [DenseBody],
    contacts: &[Contact],
    parent: &mut Vec<u16>,
    island_slow: &mut Vec<u16>,
) -> u32 {
    parent.clear();
    island_slow.clear();
    for (index, dense) in bodies.iter_mut().enumerate() {
        parent.push(index as u16);
        island_slow.push(u16::MAX);
        let body = &mut dense.body;
        if body.asleep {
            continue;
        }
        if body.is_slow() {
            body.slow_ticks = body.slow_ticks.saturating_add(1);
        } else {
            body.slow_ticks = 0;
        }
    }
    // Contacts only ever join awake bodies (sleepers in reach were woken before the solve).
    for contact in contacts {
        debug_assert!(!bodies[usize::from(contact.a)].body.asleep);
        debug_assert!(!bodies[usize::from(contact.b)].body.asleep);
        union(parent, contact.a, contact.b);
    }
    // The root of each island is its lowest index, i.e. its lowest serial.
    for (index, dense) in bodies.iter().enumerate() {
        if dense.body.asleep {
            continue;
        }
        let root = usize::from(find(parent, index as u16));
        if dense.body.slow_ticks < island_slow[root] {
            island_slow[root] = dense.body.slow_ticks;
        }
    }
    let mut awake = 0;
    for index in 0..bodies.len() {
        if bodies[index].body.asleep {
            continue;
        }
        let root = usize::from(find(parent, index as u16));
        if island_slow[root] >= SLEEP_TICKS {
            let island = bodies[root].body.serial;
            let body = &mut bodies[index].body;
            body.asleep = true;
            body.velocity = glam::Vec2::ZERO;
            body.angular_velocity = 0.0;
            body.island = island;
        } else {
            awake += 1;
        }
    }
    awake
}

/// The root of `index`'s set, halving the path on the way.
fn find(parent: &mut [u16], mut index: u16) -> u16 {
    while parent[usize::from(index)] != index {
        let grand = parent[usize::from(parent[usize::from(index)])];
        parent[usize::from(index)] = grand;
        index = grand;
    }
    index
}

/// Joins two sets; the lower root stays the root, so a root is always its set's lowest index.
fn union(parent: &mut [u16], a: u16, b: u16) {
    let (a, b) = (find(parent, a), find(parent, b));
    if a < b {
        parent[usize::from(b)] = a;
    } else if b < a {
        parent[usize::from(a)] = b;
    }
}

/// Wakes every sleeping body whose island is listed in `islands` (sorted, deduplicated).
/// Returns how many woke. `reach` is what a body that starts from rest can travel this tick.
pub(crate) fn wake_islands(bodies: &mut [DenseBody], islands: &[u32], reach: f32) -> u32 {
    let mut woken = 0;
    for dense in bodies.iter_mut() {
        if dense.body.asleep && islands.binary_search(&dense.body.island).is_ok() {
            dense.body.wake();
            dense.reach = reach;
            woken += 1;
        }
    }
    woken
}
