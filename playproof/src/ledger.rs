//! `playproof ledger check`: verifies every ledger invariant and exits non-zero, listing each
//! violation, if any fails. `playproof ledger reconcile` compares a rail's withdrawals of one
//! day with what the provider reports.

use std::sync::Arc;

use crate::output::outln;
use anyhow::{bail, Context, Result};
use playproof_server::metrics::Metrics;
use playproof_server::store::{LedgerRules, Store, StoreConfig};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: LedgerCommand,
}

#[derive(clap::Subcommand)]
enum LedgerCommand {
    /// Every transfer balances, no balance is negative, balances equal the sum of transfers,
    /// no session is paid twice, daily earnings and pending withdrawals add up.
    Check(CheckArgs),
    /// A payout rail's withdrawals requested on one local day against the provider: its
    /// answers to queries (`--query`) and its statement file (`--statement`); lists every
    /// difference and exits 1 if there is any.
    Reconcile(Box<crate::reconcile::ReconcileArgs>),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Database: `sqlite:PATH` or `postgres://…`.
    #[arg(long, default_value = "sqlite:.playproof/ledger.sqlite")]
    db: String,
    /// PostgreSQL schema.
    #[arg(long)]
    pg_schema: Option<String>,
    /// Also check that no player earned more than this in one earning day.
    #[arg(long)]
    daily_cap_fen: Option<i64>,
}

pub fn run(args: Args) -> Result<()> {
    let args = match args.command {
        LedgerCommand::Check(args) => args,
        LedgerCommand::Reconcile(args) => return crate::reconcile::run(*args),
    };
    if let Some(path) = args.db.strip_prefix("sqlite:") {
        // Checking must not create an empty ledger and call it healthy.
        if !std::path::Path::new(path).exists() {
            bail!("no ledger at {path}");
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = runtime.block_on(async {
        let config = StoreConfig {
            url: args.db.clone(),
            postgres_schema: args.pg_schema.clone(),
        };
        // The rules only matter for writes, which a check makes none of.
        let rules = LedgerRules {
            daily_cap_fen: 0,
            withdrawal_min_fen: 1,
        };
        let store = Store::open(&config, rules, Arc::new(Metrics::default()))
            .await
            .with_context(|| format!("opening {}", args.db))?;
        store
            .check_ledger(args.daily_cap_fen)
            .await
            .context("checking the ledger")
    })?;
    outln!(
        "{} accounts, {} transfers ({} fen moved), {} sessions ({} paid)",
        report.accounts,
        report.transfers,
        report.volume_fen,
        report.sessions,
        report.paid_sessions
    )?;
    if report.is_ok() {
        outln!("ledger check: every invariant holds")?;
        return Ok(());
    }
    for problem in &report.problems {
        eprintln!("violation: {problem}");
    }
    bail!("ledger check failed: {} violations", report.problems.len())
}
