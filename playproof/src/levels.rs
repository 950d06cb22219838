//! Level files on disk, by content hash, for the verifier and the replay timeline.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use playproof_proof::LevelCatalogue;

/// Every `*.json` level under `dir`, searched recursively (e.g. `assets/levels/`).
pub fn load_catalogue(dir: &Path) -> Result<LevelCatalogue> {
    let mut paths = Vec::new();
    collect_json(dir, &mut paths)?;
    paths.sort();
    let mut catalogue = LevelCatalogue::new();
    for path in paths {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        catalogue
            .insert(&bytes)
            .with_context(|| format!("{}: invalid level", path.display()))?;
    }
    Ok(catalogue)
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("reading level directory {}", dir.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// The level files named by `roots`: files as given, directories searched for `*.json`.
pub fn level_paths(roots: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for root in roots {
        if root.is_dir() {
            collect_json(root, &mut paths)?;
        } else {
            paths.push(root.clone());
        }
    }
    paths.sort();
    Ok(paths)
}
