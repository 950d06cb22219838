//! The simulation's only source of randomness: PCG32 (XSH-RR 64/32, O'Neill 2014).
//!
//! The algorithm is named and value-stable, so a seed means the same sequence on every target
//! and in every release. Bounded sampling and shuffling are implemented here rather than taken
//! from a crate whose output may change between versions. Golden vectors pin all three.

/// LCG multiplier of the reference PCG32 implementation.
const MULTIPLIER: u64 = 6_364_136_223_846_793_005;

/// Stream selector used for simulation RNGs. Any odd-making value works; this one is fixed
/// forever because changing it changes every replay (a new rules version).
pub const SIMULATION_STREAM: u64 = 0x005e_ed0f_91a7_9e00;

/// PCG32 generator state. Both words are part of the canonical state hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pcg32 {
    state: u64,
    increment: u64,
}

impl Pcg32 {
    /// Seeds the generator exactly as the reference `pcg32_srandom_r(seed, stream)` does.
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Pcg32 {
            state: 0,
            increment: (stream << 1) | 1,
        };
        rng.next_u32();
        rng.state = rng.state.wrapping_add(seed);
        rng.next_u32();
        rng
    }

    /// The generator every game session uses for `seed`.
    pub fn for_session(seed: u64) -> Self {
        Self::new(seed, SIMULATION_STREAM)
    }

    pub fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(MULTIPLIER).wrapping_add(self.increment);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        let rotation = (old >> 59) as u32;
        xorshifted.rotate_right(rotation)
    }

    /// Uniform integer in `0..bound`, without modulo bias.
    ///
    /// Rejects the `2^32 mod bound` lowest outputs so every residue is equally likely. At most
    /// half the outputs are ever rejected, so the expected number of draws is below two.
    pub fn below(&mut self, bound: u32) -> u32 {
        assert!(bound > 0, "Pcg32::below needs a positive bound");
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let value = self.next_u32();
            if value >= threshold {
                return value % bound;
            }
        }
    }

    /// Uniform integer in `low..=high`.
    pub fn between(&mut self, low: u32, high: u32) -> u32 {
        assert!(low <= high, "Pcg32::between needs low <= high");
        match (high - low).checked_add(1) {
            Some(span) => low + self.below(span),
            None => self.next_u32(),
        }
    }

    /// Fisher-Yates shuffle, last index first; each swap partner from [`Pcg32::below`].
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        assert!(items.len() <= u32::MAX as usize);
        for index in (1..items.len()).rev() {
            let partner = self.below(index as u32 + 1) as usize;
            items.swap(index, partner);
        }
    }

    /// The two words of state, for hashing.
    pub fn words(&self) -> [u64; 2] {
        [self.state, self.increment]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference implementation's demo (`pcg32-demo`, seed 42, stream 54) prints these.
    #[test]
    fn matches_reference_pcg32_output() {
        let mut rng = Pcg32::new(42, 54);
        let first: [u32; 6] = core::array::from_fn(|_| rng.next_u32());
        assert_eq!(
            first,
            [0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e]
        );
    }

    /// Pins bounded sampling: a change here is a new rules version.
    #[test]
    fn bounded_sampling_is_value_stable() {
        let mut rng = Pcg32::for_session(7);
        let draws: [u32; 12] = core::array::from_fn(|_| rng.below(6));
        assert_eq!(draws, GOLDEN_BELOW_6);
    }

    /// Pins the shuffle: a change here is a new rules version.
    #[test]
    fn shuffle_is_value_stable() {
        let mut rng = Pcg32::for_session(2024);
        let mut items: [u8; 10] = core::array::from_fn(|i| i as u8);
        rng.shuffle(&mut items);
        assert_eq!(items, GOLDEN_SHUFFLE_10);
    }

    #[test]
    fn below_covers_every_value_and_nothing_else() {
        let mut rng = Pcg32::for_session(1);
        let mut seen = [0u32; 7];
        for _ in 0..7_000 {
            seen[rng.below(7) as usize] += 1;
        }
        assert!(
            seen.iter().all(|&count| (800..1200).contains(&count)),
            "{seen:?}"
        );
    }

    #[test]
    fn between_handles_the_full_range() {
        let mut rng = Pcg32::for_session(3);
        let mut twin = rng.clone();
        assert_eq!(rng.between(0, u32::MAX), twin.next_u32());
        assert_eq!(rng.between(5, 5), 5);
    }

    /// Cross-checked against an independent C implementation of the same algorithm.
    const GOLDEN_BELOW_6: [u32; 12] = [3, 0, 1, 4, 5, 4, 3, 4, 5, 5, 4, 5];
    const GOLDEN_SHUFFLE_10: [u8; 10] = [2, 1, 0, 9, 6, 4, 7, 5, 8, 3];
}
