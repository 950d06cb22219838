//! The level files shipped under `assets/levels/`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use game_core::Level;
use playproof_designer::files::level_files;

/// The repository root (this crate lives in `tests/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A level file: its path relative to the repository root, its bytes and its parsed form.
#[derive(Clone)]
pub struct ShippedLevel {
    pub path: String,
    pub bytes: Vec<u8>,
    pub level: Level,
}

/// Every `*.json` under `assets/levels/`, sorted by path so callers see a stable order.
pub fn shipped_levels() -> Result<Vec<ShippedLevel>> {
    let root = repo_root();
    level_files(&root.join("assets/levels"))
        .context("listing assets/levels")?
        .into_iter()
        .map(|path| {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let level =
                Level::from_json(&bytes).with_context(|| format!("loading {}", path.display()))?;
            let relative = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            Ok(ShippedLevel {
                path: relative,
                bytes,
                level,
            })
        })
        .collect()
}
