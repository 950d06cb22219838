//! `playproof tune [PATH…] --games N --seed S`: bot playouts per level, with difficulty, pass
//! rates, scores and the expected payout per play; `--gate` fails on impossible or over-budget
//! levels.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use playproof_designer::files::level_paths;
use playproof_designer::tune::{gate, tune, TuneConfig, TuneLevel, GAMES_MAX};
use playproof_designer::tune_report::{json, markdown, svg, table};
use playproof_payout::PayoutBook;

use game_core::Level;
use playproof_designer::check::{parse_bytes, rule_findings};

#[derive(clap::Args)]
pub struct Args {
    /// Level files or directories; default: assets/levels.
    paths: Vec<PathBuf>,
    /// Games per level and bot.
    #[arg(long, default_value_t = 1000)]
    games: u32,
    /// Seed of every game; the same seed gives the same report.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads; default: every core.
    #[arg(long)]
    threads: Option<usize>,
    /// Payout tables.
    #[arg(long, default_value = "assets/payouts")]
    payouts: PathBuf,
    /// Also write the report as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Also write the report as Markdown here.
    #[arg(long)]
    markdown: Option<PathBuf>,
    /// Write one SVG per level (score histograms, pass rate by bot) into this directory.
    #[arg(long)]
    plots: Option<PathBuf>,
    /// Exit non-zero when a level is impossible for its strongest bot or a bot's expected payout
    /// per play exceeds the level's budget.
    #[arg(long)]
    gate: bool,
}

pub fn run(args: Args) -> Result<()> {
    if args.games == 0 || args.games > GAMES_MAX {
        bail!("--games must be 1 to {GAMES_MAX}, not {}", args.games);
    }
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from("assets/levels")]
    } else {
        args.paths.clone()
    };
    let mut levels = Vec::new();
    for path in level_paths(&roots).context("listing level files")? {
        let level = load_checked_level(&path)?;
        levels.push(TuneLevel {
            path: path.display().to_string(),
            level,
        });
    }
    if levels.is_empty() {
        bail!("no level files under {roots:?}");
    }
    let payouts = PayoutBook::load_dir(&args.payouts)
        .with_context(|| format!("loading payout tables from {}", args.payouts.display()))?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    eprintln!(
        "tune: {} level(s), {} games per bot, seed {}, {threads} thread(s)",
        levels.len(),
        args.games,
        args.seed
    );
    let interactive = std::io::stderr().is_terminal();
    let report = tune(
        &levels,
        &payouts,
        TuneConfig {
            games: args.games,
            seed: args.seed,
            threads,
        },
        |done, total| {
            if interactive {
                let filled = done * 40 / total.max(1);
                eprint!(
                    "\r[{}{}] {done}/{total} games",
                    "#".repeat(filled),
                    " ".repeat(40 - filled)
                );
                let _ = std::io::stderr().flush();
            }
        },
    );
    if interactive {
        eprintln!();
    }
    print!("{}", table(&report));
    let games: usize = report
        .levels
        .iter()
        .map(|level| level.bots.len())
        .sum::<usize>()
        * args.games as usize;
    println!(
        "\nplayed {games} games in {:.2} s on {} thread(s): {:.0} games/s",
        report.elapsed.as_secs_f64(),
        report.threads,
        games as f64 / report.elapsed.as_secs_f64().max(1e-9)
    );
    for (bot, rate) in &report.throughput {
        println!("  {bot}: {rate:.0} games/s");
    }
    if let Some(path) = &args.json {
        std::fs::write(path, json(&report))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.markdown {
        std::fs::write(path, markdown(&report))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(dir) = &args.plots {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for level in &report.levels {
            let path = dir.join(format!("{}.svg", level.level_id));
            std::fs::write(&path, svg(level))
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    if args.gate {
        let failures = gate(&report);
        for failure in &failures {
            println!("gate: {failure}");
        }
        if !failures.is_empty() {
            bail!("{} level-pack gate failure(s)", failures.len());
        }
        println!("gate: every level is passable and within its payout budget");
    }
    Ok(())
}

/// Reads a level file, or fails with every problem at its line and column, as `levels check`
/// reports them.
pub fn load_checked_level(path: &std::path::Path) -> Result<Level> {
    let bytes =
        std::fs::read(path).with_context(|| format!("reading level file {}", path.display()))?;
    let findings = match parse_bytes(path, &bytes) {
        Ok((level, text)) => {
            let findings = rule_findings(path, &text, &level);
            if findings.is_empty() {
                return Ok(level);
            }
            findings
        }
        Err(findings) => findings,
    };
    let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
    bail!(
        "level file {} is not valid:\n{}",
        path.display(),
        lines.join("\n")
    )
}
