//! Shipped levels for benchmarks.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use game_core::{Level, LevelGame, TICK_HZ};
use playproof_bots::Pacing;
use playproof_designer::files::level_files;

pub struct LevelFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub level: Level,
}

/// Every level under `assets/levels/`, sorted by path.
pub fn shipped_levels() -> Result<Vec<LevelFile>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/levels");
    level_files(&root)
        .with_context(|| format!("listing {}", root.display()))?
        .into_iter()
        .map(|path| {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let level =
                Level::from_json(&bytes).with_context(|| format!("loading {}", path.display()))?;
            Ok(LevelFile { path, bytes, level })
        })
        .collect()
}

/// Three minutes of game time: the session length the budgets speak of.
pub const SESSION_TICKS: u32 = 3 * 60 * TICK_HZ;

/// A think time that spreads a match-3 level's moves over three minutes (0.5x to 1.5x the
/// mean), so sessions are as long as the budget assumes; merge-drop drops at human pace and
/// its levels' clocks run to their time limit.
pub fn three_minute_pace(level: &Level) -> Pacing {
    match &level.game {
        LevelGame::Match3(spec) => {
            let mean = SESSION_TICKS / u32::from(spec.moves.max(1));
            Pacing {
                think_ticks_min: mean / 2,
                think_ticks_max: mean * 3 / 2,
            }
        }
        LevelGame::MergeDrop(_) => Pacing::HUMAN,
    }
}
