//! Shipped levels for benchmarks.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use game_core::Level;
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
