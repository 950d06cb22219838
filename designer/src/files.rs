//! Finding level files on disk: every tool that takes "levels" accepts files and directories.

use std::io;
use std::path::{Path, PathBuf};

/// `*.json` files under `dir`, searched recursively, sorted by path.
pub fn level_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    collect(dir, &mut paths)?;
    paths.sort();
    Ok(paths)
}

/// The files named by `roots`: files as given (whatever their name; a missing one is reported
/// by whoever reads it), directories searched for `*.json`. Sorted by path.
pub fn level_paths(roots: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for root in roots {
        if root.is_dir() {
            collect(root, &mut paths)?;
        } else {
            paths.push(root.clone());
        }
    }
    paths.sort();
    Ok(paths)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|extension| extension == "json")
        {
            out.push(path);
        }
    }
    Ok(())
}
