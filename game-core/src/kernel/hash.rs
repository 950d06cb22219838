//! Canonical state hashing (PPH-64).
//!
//! The state hash detects divergence between a client and the server's replay; honesty comes
//! from the replay itself, so the hash needs to be fast, stable and well mixed, not
//! cryptographic. It absorbs a sequence of 64-bit words; every `write_*` widens its value to one
//! word, so the byte layout of Rust types (padding, `usize` width, endianness) never matters.
//!
//! Per word: `h = (h ^ w) * M; h ^= h >> 29`. Both steps are bijections of `h` for a fixed
//! word, so changing any single word always changes the running state. `finish` folds in the
//! word count and applies the MurmurHash3 64-bit finaliser for avalanche.

const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;
const SEED: u64 = 0x5050_4831_3634_0001; // "PPH164" + format 1
const LENGTH_MULTIPLIER: u64 = 0xc2b2_ae3d_27d4_eb4f;

#[derive(Clone, Debug)]
pub struct StateHasher {
    state: u64,
    words: u64,
}

impl Default for StateHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl StateHasher {
    pub fn new() -> Self {
        StateHasher {
            state: SEED,
            words: 0,
        }
    }

    #[inline]
    pub fn write_u64(&mut self, word: u64) {
        self.state = mix(self.state, word);
        self.words += 1;
    }

    #[inline]
    pub fn write_u32(&mut self, value: u32) {
        WriteWords::write_u32(self, value);
    }

    #[inline]
    pub fn write_u16(&mut self, value: u16) {
        WriteWords::write_u16(self, value);
    }

    #[inline]
    pub fn write_u8(&mut self, value: u8) {
        WriteWords::write_u8(self, value);
    }

    #[inline]
    pub fn write_bool(&mut self, value: bool) {
        WriteWords::write_bool(self, value);
    }

    #[inline]
    pub fn write_i32(&mut self, value: i32) {
        WriteWords::write_i32(self, value);
    }

    #[inline]
    pub fn write_i64(&mut self, value: i64) {
        self.write_u64(value as u64);
    }

    /// Hashes a float by its bits after folding `-0.0` into `0.0`.
    ///
    /// Panics on NaN or infinity: a non-finite value in simulation state is a bug that would
    /// hash differently per target, so it must stop the game rather than poison a proof.
    #[inline]
    pub fn write_f32(&mut self, value: f32) {
        assert!(value.is_finite(), "non-finite float in hashed state");
        let canonical = if value == 0.0 { 0.0f32 } else { value };
        self.write_u32(canonical.to_bits());
    }

    pub fn finish(&self) -> u64 {
        fmix64(self.state ^ self.words.wrapping_mul(LENGTH_MULTIPLIER))
    }
}

/// Where state words go: one [`StateHasher`], or [`Lanes`] of them side by side. Every value
/// is widened to one word here, once for both.
pub trait WriteWords {
    fn write_u64(&mut self, word: u64);

    #[inline]
    fn write_u32(&mut self, value: u32) {
        self.write_u64(u64::from(value));
    }

    #[inline]
    fn write_u16(&mut self, value: u16) {
        self.write_u64(u64::from(value));
    }

    #[inline]
    fn write_u8(&mut self, value: u8) {
        self.write_u64(u64::from(value));
    }

    #[inline]
    fn write_bool(&mut self, value: bool) {
        self.write_u64(u64::from(value));
    }

    #[inline]
    fn write_i32(&mut self, value: i32) {
        self.write_u64(value as u32 as u64);
    }
}

impl WriteWords for StateHasher {
    #[inline]
    fn write_u64(&mut self, word: u64) {
        StateHasher::write_u64(self, word);
    }
}

/// `N` hashers fed the same words, except where [`Lanes::write_each`] gives each its own:
/// the hashes of states that differ in one word (a still game at several ticks), computed
/// side by side. One hash is a chain of dependent multiplies; `N` independent chains run in
/// about the time of one.
#[derive(Clone, Debug)]
pub struct Lanes<const N: usize> {
    states: [u64; N],
    words: u64,
}

impl<const N: usize> Default for Lanes<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Lanes<N> {
    pub fn new() -> Self {
        Lanes {
            states: [SEED; N],
            words: 0,
        }
    }

    /// One word per lane.
    #[inline]
    pub fn write_each(&mut self, words: [u64; N]) {
        for (state, word) in self.states.iter_mut().zip(words) {
            *state = mix(*state, word);
        }
        self.words += 1;
    }

    /// Each lane's [`StateHasher::finish`].
    pub fn finish(&self) -> [u64; N] {
        self.states
            .map(|state| fmix64(state ^ self.words.wrapping_mul(LENGTH_MULTIPLIER)))
    }
}

impl<const N: usize> WriteWords for Lanes<N> {
    #[inline]
    fn write_u64(&mut self, word: u64) {
        for state in &mut self.states {
            *state = mix(*state, word);
        }
        self.words += 1;
    }
}

/// One word into a running state: both steps are bijections of the state for a fixed word.
#[inline]
fn mix(state: u64, word: u64) -> u64 {
    let mixed = (state ^ word).wrapping_mul(MULTIPLIER);
    mixed ^ (mixed >> 29)
}

/// MurmurHash3's 64-bit finaliser.
fn fmix64(mut value: u64) -> u64 {
    value ^= value >> 33;
    value = value.wrapping_mul(0xff51_afd7_ed55_8ccd);
    value ^= value >> 33;
    value = value.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    value ^ (value >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_of(words: &[u64]) -> u64 {
        let mut hasher = StateHasher::new();
        words.iter().for_each(|&word| hasher.write_u64(word));
        hasher.finish()
    }

    /// Pins the algorithm: a change here changes every state hash, i.e. a new rules version.
    #[test]
    fn golden_vectors() {
        assert_eq!(hash_of(&[]), GOLDEN_EMPTY);
        assert_eq!(hash_of(&[0]), GOLDEN_ZERO);
        assert_eq!(hash_of(&[1, 2, 3]), GOLDEN_ONE_TWO_THREE);
    }

    #[test]
    fn length_and_order_matter() {
        assert_ne!(hash_of(&[0]), hash_of(&[0, 0]));
        assert_ne!(hash_of(&[1, 2]), hash_of(&[2, 1]));
    }

    #[test]
    fn negative_zero_hashes_as_zero() {
        let mut positive = StateHasher::new();
        positive.write_f32(0.0);
        let mut negative = StateHasher::new();
        negative.write_f32(-0.0);
        assert_eq!(positive.finish(), negative.finish());
    }

    #[test]
    #[should_panic(expected = "non-finite float")]
    fn nan_is_refused() {
        StateHasher::new().write_f32(f32::NAN);
    }

    #[test]
    fn lanes_hash_as_one_hasher_each() {
        let words = [7u64, 0, u64::MAX, 1 << 40, 3, 99];
        let mut lanes = Lanes::<3>::new();
        for (position, &word) in words.iter().enumerate() {
            if position == 1 {
                lanes.write_each([10, 20, 30]);
            } else {
                WriteWords::write_u64(&mut lanes, word);
            }
        }
        for (lane, own) in [10u64, 20, 30].into_iter().enumerate() {
            let mut one = words;
            one[1] = own;
            assert_eq!(lanes.finish()[lane], hash_of(&one), "lane {lane}");
        }
    }

    /// Cross-checked against an independent C implementation of the same algorithm.
    const GOLDEN_EMPTY: u64 = 9_620_644_924_068_268_973;
    const GOLDEN_ZERO: u64 = 267_863_454_090_769_539;
    const GOLDEN_ONE_TWO_THREE: u64 = 7_092_018_039_368_465_379;
}
