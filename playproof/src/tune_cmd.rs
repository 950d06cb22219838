//! `playproof tune [PATH…] --games N --seed S`: bot playouts per level, with difficulty, pass
//! rates, scores and the expected payout per play, at a person's pace and at the fastest pace the
//! verifier accepts; `--gate` fails on impossible or over-budget levels; `--compare OLD NEW` shows what a change to a level does; `--budget FEN` simulates a
//! sponsor campaign on the tuned games.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use playproof_designer::campaign::{simulate, summary, CampaignConfig, CAMPAIGN_DAYS_MAX};
use playproof_designer::files::level_paths;
use playproof_designer::tune::{gate, tune, TuneConfig, TuneLevel, TuneReport, GAMES_MAX};
use playproof_designer::tune_report::{compare, json, markdown, svg, table};
use playproof_payout::PayoutBook;

use crate::output::{out, outln};
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
    /// per play exceeds the level's budget, at the tuning pace or (the strongest bot) at the
    /// fastest pace the verifier accepts.
    #[arg(long)]
    gate: bool,
    /// Two versions of one level: tune both with the same seeds and show the difference in
    /// pass rate, stars and payout per play.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with = "paths")]
    compare: Option<Vec<PathBuf>>,
    /// Simulate a sponsor campaign with this budget (fen, spent on boosts) over the tuned games.
    #[arg(long)]
    budget: Option<i64>,
    /// Campaign: boost per paying play, in fen.
    #[arg(long, default_value_t = 10, requires = "budget")]
    boost: i64,
    /// Campaign: plays per day, spread evenly over the levels.
    #[arg(long, default_value_t = 10_000, requires = "budget")]
    plays_per_day: u32,
    /// Campaign: players sharing those plays.
    #[arg(long, default_value_t = 2_000, requires = "budget")]
    players: u32,
    /// Campaign: days simulated.
    #[arg(long, default_value_t = 30, requires = "budget")]
    days: u32,
}

pub fn run(args: Args) -> Result<()> {
    if args.games == 0 || args.games > GAMES_MAX {
        bail!("--games must be 1 to {GAMES_MAX}, not {}", args.games);
    }
    if let Some(files) = &args.compare {
        return run_compare(&args, files);
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
    let payouts = load_payouts(&args)?;
    let report = run_tune(&args, &levels, &payouts);
    out!("{}", table(&report))?;
    let games: usize = report
        .levels
        .iter()
        .map(|level| level.bots.len() + usize::from(!level.fastest_pace_is_tuning_pace))
        .sum::<usize>()
        * args.games as usize;
    outln!(
        "\nplayed {games} games in {:.2} s on {} thread(s): {:.0} games/s",
        report.elapsed.as_secs_f64(),
        report.threads,
        games as f64 / report.elapsed.as_secs_f64().max(1e-9)
    )?;
    for (bot, rate) in &report.throughput {
        outln!("  {bot}: {rate:.0} games/s")?;
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
    if let Some(budget_fen) = args.budget {
        if args.days == 0 || args.days > CAMPAIGN_DAYS_MAX {
            bail!("--days must be 1 to {CAMPAIGN_DAYS_MAX}, not {}", args.days);
        }
        let config = CampaignConfig {
            budget_fen,
            boost_fen: args.boost,
            plays_per_day: args.plays_per_day,
            players: args.players,
            days: args.days,
            // The one-move thinker (greedy, heuristic) stands for a typical player.
            bot_index: 1,
            seed: args.seed,
        };
        outln!()?;
        out!("{}", summary(&simulate(&report, config), &config))?;
    }
    if args.gate {
        let failures = gate(&report);
        for failure in &failures {
            outln!("gate: {failure}")?;
        }
        if !failures.is_empty() {
            bail!("{} level-pack gate failure(s)", failures.len());
        }
        outln!(
            "gate: every level is passable and within its payout budget at every pace ({} levels in {:.1} s)",
            report.levels.len(),
            report.elapsed.as_secs_f64()
        )?;
    }
    Ok(())
}

fn load_payouts(args: &Args) -> Result<PayoutBook> {
    PayoutBook::load_dir(&args.payouts)
        .with_context(|| format!("loading payout tables from {}", args.payouts.display()))
}

fn run_tune(args: &Args, levels: &[TuneLevel], payouts: &PayoutBook) -> TuneReport {
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
        levels,
        payouts,
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
    report
}

/// Tunes each version alone, so both are played with the same game seeds (a level's seeds
/// derive from its index in the run), and prints the difference.
fn run_compare(args: &Args, files: &[PathBuf]) -> Result<()> {
    let [old, new] = files else {
        bail!("--compare takes two level files: OLD NEW");
    };
    let payouts = load_payouts(args)?;
    let mut reports = Vec::new();
    for path in [old, new] {
        let level = load_checked_level(path)?;
        let levels = [TuneLevel {
            path: path.display().to_string(),
            level,
        }];
        reports.push(run_tune(args, &levels, &payouts));
    }
    out!("{}", compare(&reports[0].levels[0], &reports[1].levels[0]))?;
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
