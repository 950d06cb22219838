//! Tampering with valid proofs: every truncation and every single-bit flip must be rejected.
//!
//! Coverage by default (debug build, a couple of minutes at most on one core):
//! - at least 100 valid proofs, from bots on every level under test;
//! - every truncation (every proper prefix) of every proof;
//! - every bit of the smallest proof, and `SAMPLED_FLIPS_PER_PROOF` bits of every other proof,
//!   drawn from a fixed-seed generator.
//!
//! Each flip costs one or two Ed25519 verifications, about 10 ms each without optimisation, so
//! flipping every bit of every proof (~480,000 flips) is left to
//! `PLAYPROOF_TAMPER_ALL_BITS=1 cargo test --release -p playproof-proof --test tamper`.

mod common;

use common::*;
use playproof_proof::Verdict;

const PROOFS_MIN: usize = 100;
const SAMPLED_FLIPS_PER_PROOF: usize = 16;

fn all_bits() -> bool {
    std::env::var_os("PLAYPROOF_TAMPER_ALL_BITS").is_some_and(|value| value == "1")
}

/// SplitMix64: a fixed, documented generator so the sampled bits are the same on every run.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z % bound as u64) as usize
    }
}

fn flipped(proof: &[u8], bit: usize) -> Vec<u8> {
    let mut copy = proof.to_vec();
    copy[bit / 8] ^= 1 << (bit % 8);
    copy
}

#[test]
fn every_truncation_and_single_bit_flip_of_valid_proofs_is_rejected() {
    let world = World::new();
    let sessions = world.sessions(PROOFS_MIN);
    assert!(sessions.len() >= PROOFS_MIN);
    let smallest = (0..sessions.len()).min_by_key(|&i| sessions[i].proof.len());
    let mut rng = SplitMix(0x007a_3be5);
    let (mut truncations, mut flips, mut bytes_total) = (0usize, 0usize, 0usize);
    let mut fully_flipped = 0usize;
    for (index, session) in sessions.iter().enumerate() {
        let now = session.submitted_at_ms;
        let proof = &session.proof;
        bytes_total += proof.len();
        assert!(
            world.verify(proof, now).is_accepted(),
            "proof {index} is valid"
        );

        for length in 0..proof.len() {
            let verdict = world.verify(&proof[..length], now);
            assert_eq!(
                code(&verdict),
                "truncated",
                "proof {index} cut to {length} bytes"
            );
            truncations += 1;
        }

        let bit_count = proof.len() * 8;
        let bits: Vec<usize> = if all_bits() || smallest == Some(index) {
            fully_flipped += 1;
            (0..bit_count).collect()
        } else {
            (0..SAMPLED_FLIPS_PER_PROOF)
                .map(|_| rng.below(bit_count))
                .collect()
        };
        for bit in bits {
            let verdict = world.verify(&flipped(proof, bit), now);
            assert!(
                matches!(verdict, Verdict::Rejected(_)),
                "proof {index} with bit {bit} flipped was accepted"
            );
            flips += 1;
        }
    }
    println!(
        "{} proofs ({bytes_total} bytes): {truncations} truncations, {flips} single-bit flips \
         ({fully_flipped} proofs flipped at every bit)",
        sessions.len()
    );
}

#[test]
fn a_byte_appended_to_a_valid_proof_is_rejected_as_trailing() {
    let world = World::new();
    let session = world.session(0, 1);
    let longer = [session.proof.as_slice(), &[0]].concat();
    assert_eq!(
        code(&world.verify(&longer, session.submitted_at_ms)),
        "trailing_bytes"
    );
}
