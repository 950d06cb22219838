//! Randomised sessions for the cross-target test: random shipped levels, random seeds, random
//! legal input sequences at random human-like paces.

use anyhow::Result;
use game_core::Pcg32;
use playproof_bots::{play_random, Pacing};
use serde::{Deserialize, Serialize};

use crate::golden::Expected;
use crate::levels::ShippedLevel;

/// One session as the Node runner reads it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CrossSession {
    pub level_file: String,
    pub level_json: String,
    /// Decimal, since JavaScript numbers cannot hold every u64.
    pub seed: String,
    pub inputs_hex: String,
    pub expect: Expected,
}

/// Attempts per wanted session before giving up on reaching `ticks_min`.
const ATTEMPTS_PER_SESSION_MAX: u32 = 8;

/// Generates `count` sessions of at least `ticks_min` ticks each from `seed` (sessions that end
/// sooner are drawn again); the same arguments give the same sessions.
pub fn generate(
    levels: &[ShippedLevel],
    count: u32,
    ticks_min: u32,
    seed: u64,
) -> Result<Vec<CrossSession>> {
    anyhow::ensure!(
        count == 0 || !levels.is_empty(),
        "no shipped levels to play"
    );
    let mut rng = Pcg32::new(seed, 0xc0ff);
    let mut sessions = Vec::new();
    for _ in 0..count * ATTEMPTS_PER_SESSION_MAX {
        if sessions.len() == count as usize {
            break;
        }
        let session = generate_one(levels, &mut rng)?;
        if session.expect.ticks >= ticks_min {
            sessions.push(session);
        }
    }
    anyhow::ensure!(
        sessions.len() == count as usize,
        "only {} of {count} sessions reached {ticks_min} ticks",
        sessions.len()
    );
    Ok(sessions)
}

fn generate_one(levels: &[ShippedLevel], rng: &mut Pcg32) -> Result<CrossSession> {
    let shipped = &levels[rng.below(levels.len() as u32) as usize];
    let game_seed = u64::from(rng.next_u32()) << 32 | u64::from(rng.next_u32());
    let think_ticks_min = rng.below(120);
    let pacing = Pacing {
        think_ticks_min,
        think_ticks_max: think_ticks_min + rng.below(480),
    };
    let bot_seed = u64::from(rng.next_u32());
    let recording = play_random(&shipped.level, game_seed, pacing, bot_seed)?;
    let log = recording.input_log();
    Ok(CrossSession {
        level_file: shipped.path.clone(),
        level_json: String::from_utf8(shipped.bytes.clone())?,
        seed: game_seed.to_string(),
        inputs_hex: hex(&log),
        expect: Expected::of(&recording.outcome),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
