//! Shipped levels for benchmarks.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use game_core::Level;

pub struct LevelFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub level: Level,
}

/// Every level under `assets/levels/`, sorted by path.
pub fn shipped_levels() -> Result<Vec<LevelFile>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/levels");
    let mut paths = Vec::new();
    collect_json(&root, &mut paths)?;
    paths.sort();
    paths
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

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|extension| extension == "json")
        {
            out.push(path);
        }
    }
    Ok(())
}
