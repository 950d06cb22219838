//! `playproof levels check [PATH…]`, `levels schema` and `levels render`: the level designers'
//! checks, the JSON Schema, and a picture of a level's start.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use playproof_designer::pack::{check_pack, PackOptions};
use playproof_designer::probe::PROBE_GAMES_DEFAULT;
use playproof_designer::schema::{level_schema_json, SCHEMA_PATH};

use crate::output::{out, outln};
use crate::render_cmd;

/// Where the shipped levels and their payout tables live, relative to the repository root.
const LEVELS_DIR: &str = "assets/levels";
const PAYOUTS_DIR: &str = "assets/payouts";

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Check level files (or every `*.json` under folders; default: assets/levels), the payout
    /// tables beside them, and a few probe games per level.
    Check(CheckArgs),
    /// Print the levels' JSON Schema, or write it to assets/schema/ with --write.
    Schema {
        #[arg(long)]
        write: bool,
    },
    /// Draw a level's starting board (match-3) or its container and tiers (merge-drop).
    Render(render_cmd::Args),
}

#[derive(clap::Args)]
struct CheckArgs {
    paths: Vec<PathBuf>,
    /// Payout tables' folder. Default: assets/payouts for the default levels, or the `payouts`
    /// folder beside a single levels folder when there is one.
    #[arg(long, conflicts_with = "no_payouts")]
    payouts: Option<PathBuf>,
    /// Skip the payout table checks.
    #[arg(long)]
    no_payouts: bool,
    /// Probe games per level by its strongest bot (0: none).
    #[arg(long, default_value_t = PROBE_GAMES_DEFAULT)]
    probe: u32,
    /// Seed of the probe games.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Exit non-zero on warnings too (for CI).
    #[arg(long)]
    deny_warnings: bool,
}

pub fn run(args: Args) -> Result<()> {
    match args.command {
        Command::Check(args) => check(args),
        Command::Schema { write: false } => {
            out!("{}", level_schema_json())?;
            Ok(())
        }
        Command::Schema { write: true } => {
            std::fs::write(SCHEMA_PATH, level_schema_json())
                .with_context(|| format!("writing {SCHEMA_PATH}"))?;
            outln!("wrote {SCHEMA_PATH}")?;
            Ok(())
        }
        Command::Render(args) => render_cmd::run(args),
    }
}

/// The payout folder for `roots` when none was named.
fn default_payouts(roots: &[PathBuf], defaulted: bool) -> Option<PathBuf> {
    if defaulted {
        return Some(PathBuf::from(PAYOUTS_DIR));
    }
    match roots {
        [root] if root.is_dir() => {
            let beside = root.parent().unwrap_or(Path::new(".")).join("payouts");
            beside.is_dir().then_some(beside)
        }
        _ => None,
    }
}

fn check(args: CheckArgs) -> Result<()> {
    let defaulted = args.paths.is_empty();
    let roots = if defaulted {
        vec![PathBuf::from(LEVELS_DIR)]
    } else {
        args.paths
    };
    let payouts = match (args.no_payouts, args.payouts) {
        (true, _) => None,
        (false, Some(dir)) => Some(dir),
        (false, None) => default_payouts(&roots, defaulted),
    };
    match &payouts {
        Some(dir) => outln!("payout tables: {}", dir.display())?,
        None => outln!("payout tables: not checked (none beside the levels; --payouts DIR)")?,
    }
    let started = std::time::Instant::now();
    let report = check_pack(&PackOptions {
        roots,
        payouts,
        probe_games: args.probe,
        probe_seed: args.seed,
    });
    for finding in &report.findings {
        outln!("{finding}")?;
    }
    outln!(
        "checked {} level file(s) and {} payout table(s), {} probe game(s) per level (seed {}): {} error(s), {} warning(s) in {:.1} s",
        report.level_files,
        report.payout_files,
        args.probe,
        args.seed,
        report.errors(),
        report.warnings(),
        started.elapsed().as_secs_f64()
    )?;
    if report.errors() > 0 {
        bail!("{} error(s) in the level pack", report.errors());
    }
    if args.deny_warnings && report.warnings() > 0 {
        bail!("{} warning(s) and --deny-warnings", report.warnings());
    }
    Ok(())
}
