//! Shipped levels for benchmarks.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use game_core::Level;

/// Every level under `assets/levels/`, with its path, sorted by path.
pub fn shipped_levels() -> Result<Vec<(PathBuf, Level)>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/levels");
    let mut paths = Vec::new();
    for dir in std::fs::read_dir(&root).with_context(|| format!("listing {}", root.display()))? {
        let dir = dir?.path();
        if dir.is_dir() {
            for file in std::fs::read_dir(&dir)? {
                let path = file?.path();
                if path
                    .extension()
                    .is_some_and(|extension| extension == "json")
                {
                    paths.push(path);
                }
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let level =
                Level::from_json(&bytes).with_context(|| format!("loading {}", path.display()))?;
            Ok((path, level))
        })
        .collect()
}
