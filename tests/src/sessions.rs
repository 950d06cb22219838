//! Randomised sessions for the cross-target test: random shipped levels, random seeds, random
//! legal input sequences at random human-like paces.

use anyhow::Result;
use game_core::kernel::input::encode_input_log;
use game_core::Pcg32;
use playproof_bots::{play, random_bot, Pacing};
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

/// Generates `count` sessions from `seed`; the same arguments give the same sessions.
pub fn generate(levels: &[ShippedLevel], count: u32, seed: u64) -> Result<Vec<CrossSession>> {
    assert!(!levels.is_empty(), "no shipped levels");
    let mut rng = Pcg32::new(seed, 0xc0ff);
    (0..count)
        .map(|_| {
            let shipped = &levels[rng.below(levels.len() as u32) as usize];
            let game_seed = u64::from(rng.next_u32()) << 32 | u64::from(rng.next_u32());
            let think_ticks_min = rng.below(120);
            let pacing = Pacing {
                think_ticks_min,
                think_ticks_max: think_ticks_min + rng.below(480),
            };
            let mut bot = random_bot(&shipped.level);
            let bot_seed = u64::from(rng.next_u32());
            let recording = play(
                &shipped.level,
                game_seed,
                bot.as_mut(),
                pacing,
                bot_seed,
                game_core::SESSION_TICKS_MAX,
            )?;
            let mut log = Vec::new();
            encode_input_log(&recording.inputs, &mut log);
            Ok(CrossSession {
                level_file: shipped.path.clone(),
                level_json: String::from_utf8(shipped.bytes.clone())?,
                seed: game_seed.to_string(),
                inputs_hex: hex(&log),
                expect: Expected::of(&recording.outcome),
            })
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
