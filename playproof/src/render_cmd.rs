//! `playproof levels render LEVEL --seed S --out board.png|svg`: the level's start as a picture,
//! in the game's theme colours.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use playproof_designer::render::{picture, png, svg, Theme};

use crate::output::outln;
use crate::tune_cmd::load_checked_level;

#[derive(clap::Args)]
pub struct Args {
    /// The level file.
    level: PathBuf,
    /// Game seed: the match-3 fill and the first merge-drop piece depend on it.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the picture; `.svg` or `.png`.
    #[arg(long)]
    out: PathBuf,
    /// Theme file (renderer colours).
    #[arg(long, default_value = "assets/themes/default.json")]
    theme: PathBuf,
}

pub fn run(args: Args) -> Result<()> {
    let extension = args
        .out
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase);
    let format = match extension.as_deref() {
        Some(format @ ("svg" | "png")) => format.to_string(),
        _ => bail!("--out {}: name a .svg or .png file", args.out.display()),
    };
    let level = load_checked_level(&args.level)?;
    let theme_text = std::fs::read(&args.theme)
        .with_context(|| format!("reading theme {}", args.theme.display()))?;
    let theme: Theme = serde_json::from_slice(&theme_text)
        .with_context(|| format!("theme {} is not valid", args.theme.display()))?;
    let drawn = picture(&level, args.seed, &theme);
    let bytes = match format.as_str() {
        "svg" => svg(&drawn).into_bytes(),
        _ => png(&drawn),
    };
    std::fs::write(&args.out, bytes).with_context(|| format!("writing {}", args.out.display()))?;
    outln!(
        "wrote {} ({}x{} px, {} shapes): {}",
        args.out.display(),
        drawn.width,
        drawn.height,
        drawn.shapes.len(),
        drawn.title
    )?;
    Ok(())
}
