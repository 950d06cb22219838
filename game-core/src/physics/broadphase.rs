//! Sweep-and-prune along x. Produces each candidate pair once, as dense indices `(low, high)`
//! sorted lexicographically, so the solver's order depends only on creation serials.

use alloc::vec::Vec;

use super::pipeline::DenseBody;
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

/// Fills `pairs` with every pair whose boxes (grown by how far each body can move this tick)
/// overlap and of which at least one body is awake: two sleeping bodies cannot start touching.
///
/// Sorting by `min_x` then index makes the sweep itself deterministic; the final sort of the
/// pairs makes the output independent of the sweep order anyway.
pub(crate) fn find_pairs(
    bodies: &[DenseBody],
    entries: &mut Vec<SweepEntry>,
    pairs: &mut Vec<(u16, u16)>,
) {
    entries.clear();
    pairs.clear();
    for (index, dense) in bodies.iter().enumerate() {
        let body = &dense.body;
        let extent = body.radius + SPECULATIVE_DISTANCE + dense.reach;
        entries.push(SweepEntry {
            min_x: body.position.x - extent,
            max_x: body.position.x + extent,
            min_y: body.position.y - extent,
            max_y: body.position.y + extent,
            index: index as u16,
            awake: !body.asleep,
        });
    }
    entries.sort_unstable_by(|p, q| p.min_x.total_cmp(&q.min_x).then(p.index.cmp(&q.index)));
    for (position, first) in entries.iter().enumerate() {
        for second in &entries[position + 1..] {
            if second.min_x > first.max_x {
                break;
            }
            let overlap_y = second.min_y <= first.max_y && first.min_y <= second.max_y;
            if overlap_y && (first.awake || second.awake) {
                let (low, high) = if first.index < second.index {
                    (first.index, second.index)
                } else {
                    (second.index, first.index)
                };
                pairs.push((low, high));
            }
        }
    }
    pairs.sort_unstable();
}
