//! Level files on disk, by content hash, for the verifier and the replay timeline.

use std::path::Path;

use anyhow::{Context, Result};
use playproof_proof::LevelCatalogue;

/// Every `*.json` level under `dir`.
pub fn load_catalogue(dir: &Path) -> Result<LevelCatalogue> {
    let mut catalogue = LevelCatalogue::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("reading level directory {}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "json") {
            paths.push(path);
        }
    }
    paths.sort();
    for path in paths {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        catalogue
            .insert(&bytes)
            .with_context(|| format!("{}: invalid level", path.display()))?;
    }
    Ok(catalogue)
}
