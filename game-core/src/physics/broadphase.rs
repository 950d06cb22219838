//! Sweep-and-prune along the longer side of the awake bodies' bounding box. Produces each candidate pair once, as dense indices `(low, high)`
//! sorted lexicographically, so the solver's order depends only on creation serials.

use alloc::vec::Vec;

use glam::Vec2;

use super::pipeline::DenseBody;
use super::shape::{greater, lesser};
use super::SPECULATIVE_DISTANCE;

/// One body's box on the sweep axis and across it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SweepEntry {
    min_x: f32,
    max_x: f32,
    min_y: f32,
    max_y: f32,
    index: u16,
    awake: bool,
}

/// Fills `pairs` with every pair whose boxes (grown by how far each body can move this tick,
/// plus `margin` on every side) overlap and of which at least one body is awake: two sleeping bodies cannot start touching.
///
/// Sleeping bodies enter the sweep only if their box meets the box around all awake bodies,
/// so a falling piece above a sleeping pile sweeps a handful of entries, not the whole pile.
///
/// Sorting by `min_x` then index makes the sweep itself deterministic; the final sort of the
/// pairs makes the output independent of the sweep order anyway.
pub(crate) fn find_pairs(
    bodies: &[DenseBody],
    entries: &mut Vec<SweepEntry>,
    pairs: &mut Vec<u32>,
    scratch: &mut PairScratch,
    margin: f32,
) {
    entries.clear();
    pairs.clear();
    let (mut low, mut high) = (Vec2::splat(f32::MAX), Vec2::splat(f32::MIN));
    for (index, dense) in bodies.iter().enumerate() {
        if dense.body.asleep {
            continue;
        }
        let entry = entry_of(dense, index, margin);
        low = Vec2::new(lesser(low.x, entry.min_x), lesser(low.y, entry.min_y));
        high = Vec2::new(greater(high.x, entry.max_x), greater(high.y, entry.max_y));
        entries.push(entry);
    }
    if entries.is_empty() {
        return;
    }
    for (index, dense) in bodies.iter().enumerate() {
        if !dense.body.asleep {
            continue;
        }
        let entry = entry_of(dense, index, margin);
        let outside = entry.max_x < low.x
            || entry.min_x > high.x
            || entry.max_y < low.y
            || entry.min_y > high.y;
        if !outside {
            entries.push(entry);
        }
    }
    // Sweep along the axis the awake bodies spread most on: in a deep, narrow cup every box
    // overlaps every other on x, and an x sweep tested about a fifth of all pairs (200 circles
    // in the 8-unit cup: 19 us of a 100 us tick). Swapping x and y for the sweep changes no
    // pair, only the work of finding them; the pairs are sorted afterwards either way.
    if high.y - low.y > high.x - low.x {
        for entry in entries.iter_mut() {
            core::mem::swap(&mut entry.min_x, &mut entry.min_y);
            core::mem::swap(&mut entry.max_x, &mut entry.max_y);
        }
    }
    // One integer key per entry (ordered float bits, then index) sorts faster than comparing
    // floats with `total_cmp` and breaking ties by index, and orders the same way.
    entries.sort_unstable_by_key(|entry| {
        (u64::from(ordered_bits(entry.min_x)) << 32) | u64::from(entry.index)
    });
    // Branch-free inner loop: every candidate is written to the next free slot, and the slot
    // only advances for a hit. Whether boxes overlap across the sweep axis is close to a coin
    // toss in a pile, so a branch there was mispredicted about half the time (the sweep was
    // most of the broadphase). `pairs` is used as a buffer grown by doubling, then truncated.
    let mut len = 0;
    let buffer = if pairs.capacity() > PAIRS_BUFFER_MIN {
        pairs.capacity()
    } else {
        PAIRS_BUFFER_MIN
    };
    pairs.resize(buffer, 0);
    for (position, first) in entries.iter().enumerate() {
        for second in &entries[position + 1..] {
            if second.min_x > first.max_x {
                break;
            }
            let overlap_y = (second.min_y <= first.max_y) & (first.min_y <= second.max_y);
            let hit = overlap_y & (first.awake | second.awake);
            let low = if second.index < first.index {
                second.index
            } else {
                first.index
            };
            let high = if second.index < first.index {
                first.index
            } else {
                second.index
            };
            pairs[len] = pack(low, high);
            len += usize::from(hit);
            if len == pairs.len() {
                let doubled = 2 * pairs.len();
                pairs.resize(doubled, 0);
            }
        }
    }
    pairs.truncate(len);
    sort_pairs(pairs, scratch, bodies.len());
}

/// Smallest size of the pair buffer, in pairs.
const PAIRS_BUFFER_MIN: usize = 256;

/// Reusable arrays for [`sort_pairs`].
#[derive(Default)]
pub(crate) struct PairScratch {
    pairs: Vec<u32>,
    counts: Vec<u32>,
}

/// Sorts packed pairs by `(low, high)` with two counting passes (least significant half
/// first), since both halves are dense indices below `count`: O(pairs + bodies) instead of
/// a comparison sort's O(pairs log pairs). Same order as `sort_unstable` (the keys are unique).
/// Measured: the comparison sort of about 900 pairs was a third of the broadphase.
fn sort_pairs(pairs: &mut Vec<u32>, scratch: &mut PairScratch, count: usize) {
    let PairScratch {
        pairs: sorted,
        counts,
    } = scratch;
    sorted.clear();
    sorted.resize(pairs.len(), 0);
    for shift in [0u32, 16] {
        counts.clear();
        counts.resize(count + 1, 0);
        for &pair in pairs.iter() {
            counts[((pair >> shift) & 0xffff) as usize + 1] += 1;
        }
        for index in 1..counts.len() {
            counts[index] += counts[index - 1];
        }
        for &pair in pairs.iter() {
            let slot = &mut counts[((pair >> shift) & 0xffff) as usize];
            sorted[*slot as usize] = pair;
            *slot += 1;
        }
        core::mem::swap(pairs, sorted);
    }
    debug_assert!(pairs.windows(2).all(|two| two[0] < two[1]));
}

/// A pair as one integer, `low << 16 | high`: sorting these sorts by `(low, high)`, and a `u32`
/// sort is cheaper than a tuple sort (about 1,000 pairs a tick in a 200-circle pile).
#[inline]
fn pack(low: u16, high: u16) -> u32 {
    (u32::from(low) << 16) | u32::from(high)
}

/// The two dense indices of a packed pair, `(low, high)`.
#[inline]
pub(crate) fn unpack(pair: u32) -> (u16, u16) {
    ((pair >> 16) as u16, pair as u16)
}

/// `f32` bits mapped so that unsigned order is `total_cmp` order.
#[inline]
fn ordered_bits(value: f32) -> u32 {
    let bits = value.to_bits();
    if bits & 0x8000_0000 != 0 {
        !bits
    } else {
        bits | 0x8000_0000
    }
}

fn entry_of(dense: &DenseBody, index: usize, margin: f32) -> SweepEntry {
    let body = &dense.body;
    let extent = body.radius + SPECULATIVE_DISTANCE + dense.reach + margin;
    SweepEntry {
        min_x: body.position.x - extent,
        max_x: body.position.x + extent,
        min_y: body.position.y - extent,
        max_y: body.position.y + extent,
        index: index as u16,
        awake: !body.asleep,
    }
}
