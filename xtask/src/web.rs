//! The browser build: game-wasm with its wasm-bindgen glue, the host shim, the page, themes and
//! levels, gathered into one folder (`target/web`) that `playproof serve --static` serves.
//!
//! The level folders are links to `assets/levels/<mode>` (on Unix), so the page always reads the
//! live files: designer mode reloads a level when its file changes. Only the picker's
//! `index.json` is written at build time.
//!
//! For the network: the wasm gets its content hash in its name (`pkg/game_wasm_bg.<hash>.wasm`,
//! named to the page by the generated `pkg/build.js`), so the server may let browsers cache it
//! for good; every file worth compressing gets `.br` and `.gz` siblings, which the server sends
//! to browsers that accept them (`server/src/static_cache.rs`). Level files stay uncompressed:
//! they are live, and a sibling would go stale.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::shell::{cargo, run};
use crate::{minigame, setup};

/// Where the built page lives.
pub const WEB_DIR: &str = "target/web";
const WASM: &str = "target/wasm32-unknown-unknown/release/game_wasm.wasm";
/// The module wasm-bindgen writes beside its glue, before it gets its content hash.
const BINDGEN_WASM: &str = "game_wasm_bg.wasm";
/// Hex digits of the content hash in a file name: the server's
/// `static_cache::CONTENT_HASH_HEX_DIGITS`, which decides that such a file never changes.
const CONTENT_HASH_HEX_DIGITS: usize = 16;
/// Extensions of the files that get precompressed siblings (text and wasm compress well;
/// level files are live and so left alone).
const COMPRESSED_EXTENSIONS: [&str; 6] = ["wasm", "js", "mjs", "css", "html", "json"];
/// Smaller files are sent as they are: a compressed copy would save less than a packet.
const COMPRESS_BYTES_MIN: u64 = 1024;

/// Builds the page into [`WEB_DIR`] and returns its path.
pub fn build() -> Result<PathBuf> {
    setup::rust_targets()?;
    setup::wasm_bindgen_cli()?;
    cargo(&[
        "build",
        "--target",
        "wasm32-unknown-unknown",
        "--release",
        "-p",
        "game-wasm",
        "--features",
        "web",
    ])?;
    let web = PathBuf::from(WEB_DIR);
    if web.exists() {
        fs::remove_dir_all(&web).with_context(|| format!("clearing {WEB_DIR}"))?;
    }
    run(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--out-dir",
            &format!("{WEB_DIR}/pkg"),
            WASM,
        ],
    )?;
    hash_wasm_name(&web.join("pkg"))?;
    copy_dir(Path::new("host-shim/web"), &web)?;
    copy_dir(Path::new("host-shim/src"), &web.join("shim"))?;
    copy_dir(Path::new("assets/themes"), &web.join("themes"))?;
    precompress(&web)?;
    levels(&web.join("levels"))?;
    Ok(web)
}

/// Renames the wasm to `game_wasm_bg.<hash>.wasm` and writes `pkg/build.js`, the module that
/// tells the page (and the benchmark) that name, and its size (the page's loading bar counts
/// the bytes against it: a compressed answer's Content-Length is not the size it unpacks to).
fn hash_wasm_name(pkg: &Path) -> Result<()> {
    let from = pkg.join(BINDGEN_WASM);
    let bytes = fs::read(&from).with_context(|| format!("reading {}", from.display()))?;
    let hash: String = Sha256::digest(&bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let name = format!("game_wasm_bg.{}.wasm", &hash[..CONTENT_HASH_HEX_DIGITS]);
    fs::rename(&from, pkg.join(&name))?;
    fs::write(
        pkg.join("build.js"),
        format!(
            "// Written by `cargo xtask` (xtask/src/web.rs): this build's content-hashed file names.\n\
             export const WASM_FILE = '{name}';\n\
             export const WASM_BYTES = {};\n",
            bytes.len()
        ),
    )?;
    Ok(())
}

/// Writes `.br` and `.gz` siblings of every compressible file under `dir` (links not followed).
fn precompress(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let meta = fs::symlink_metadata(&path)?;
        if meta.is_dir() {
            precompress(&path)?;
            continue;
        }
        let extension = path.extension().and_then(|ext| ext.to_str()).unwrap_or("");
        if !meta.is_file()
            || meta.len() < COMPRESS_BYTES_MIN
            || !COMPRESSED_EXTENSIONS.contains(&extension)
        {
            continue;
        }
        let bytes = fs::read(&path)?;
        let sibling = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        fs::write(sibling(".br"), minigame::brotli(&bytes)?)?;
        fs::write(sibling(".gz"), gzip(&bytes)?)?;
    }
    Ok(())
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// A shipped level file, as the level pickers list it.
pub struct LevelEntry {
    pub id: String,
    pub name: String,
    /// The key of the level's `game` object: `match3` or `merge_drop`.
    pub mode: String,
    /// `assets/levels/<folder>/<file>.json`.
    pub path: PathBuf,
    /// The mode's folder under `assets/levels`.
    pub folder: String,
}

/// Every shipped level file, sorted by id.
pub fn level_entries() -> Result<Vec<LevelEntry>> {
    let mut entries = Vec::new();
    for mode_dir in fs::read_dir("assets/levels")? {
        let mode_dir = mode_dir?.path();
        if !mode_dir.is_dir() {
            continue;
        }
        let folder = mode_dir.file_name().unwrap().to_string_lossy().to_string();
        for file in fs::read_dir(&mode_dir)? {
            let file = file?.path();
            if file.extension().and_then(|ext| ext.to_str()) != Some("json") {
                continue;
            }
            let level: serde_json::Value = serde_json::from_slice(&fs::read(&file)?)
                .with_context(|| format!("reading {}", file.display()))?;
            let (Some(id), Some(name), Some(game)) = (
                level["id"].as_str(),
                level["name"].as_str(),
                level["game"].as_object(),
            ) else {
                bail!("{} has no id, name or game", file.display());
            };
            entries.push(LevelEntry {
                id: id.to_string(),
                name: name.to_string(),
                mode: game.keys().next().cloned().unwrap_or_default(),
                path: file,
                folder: folder.clone(),
            });
        }
    }
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(entries)
}

/// Links each mode's level folder (copies it byte for byte where links are unavailable: the
/// ticket names each file by the SHA-256 of its bytes) and writes `index.json`: id, name, mode
/// and path of each, sorted by id.
fn levels(out: &Path) -> Result<()> {
    fs::create_dir_all(out)?;
    let entries = level_entries()?;
    let mut folders: Vec<&str> = entries.iter().map(|entry| entry.folder.as_str()).collect();
    folders.sort_unstable();
    folders.dedup();
    for folder in folders {
        let linked = link_dir(&Path::new("assets/levels").join(folder), &out.join(folder))?;
        if !linked {
            for entry in entries.iter().filter(|entry| entry.folder == folder) {
                let file_name = entry.path.file_name().expect("a level file has a name");
                fs::write(out.join(folder).join(file_name), fs::read(&entry.path)?)?;
            }
        }
    }
    let index: Vec<serde_json::Value> = entries
        .iter()
        .map(|entry| {
            let file_name = entry.path.file_name().expect("a level file has a name");
            serde_json::json!({
                "id": entry.id,
                "name": entry.name,
                "mode": entry.mode,
                "path": format!("levels/{}/{}", entry.folder, file_name.to_string_lossy()),
            })
        })
        .collect();
    fs::write(
        out.join("index.json"),
        serde_json::to_string_pretty(&index)?,
    )?;
    Ok(())
}

/// Makes `link` a symbolic link to `target` (absolute). Returns false where the platform has
/// none; the folder is then created for copies.
fn link_dir(target: &Path, link: &Path) -> Result<bool> {
    #[cfg(unix)]
    {
        let target =
            fs::canonicalize(target).with_context(|| format!("resolving {}", target.display()))?;
        std::os::unix::fs::symlink(&target, link)
            .with_context(|| format!("linking {} to {}", link.display(), target.display()))?;
        Ok(true)
    }
    #[cfg(not(unix))]
    {
        let _ = target;
        fs::create_dir_all(link)?;
        Ok(false)
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let path = entry?.path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            fs::copy(&path, &target)
                .with_context(|| format!("copying {} to {}", path.display(), target.display()))?;
        }
    }
    Ok(())
}
