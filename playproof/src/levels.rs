//! Level files on disk, by content hash, for the verifier and the replay timeline.

use std::path::Path;

use anyhow::{Context, Result};
use playproof_designer::files::level_files;
use playproof_proof::LevelCatalogue;

/// Every `*.json` level under `dir`, searched recursively (e.g. `assets/levels/`).
pub fn load_catalogue(dir: &Path) -> Result<LevelCatalogue> {
    let paths =
        level_files(dir).with_context(|| format!("reading level directory {}", dir.display()))?;
    let mut catalogue = LevelCatalogue::new();
    for path in paths {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        catalogue
            .insert(&bytes)
            .with_context(|| format!("{}: invalid level", path.display()))?;
    }
    Ok(catalogue)
}
