//! `playproof ledger check`: verifies every ledger invariant and exits non-zero, listing each
//! violation, if any fails. `playproof ledger reconcile` compares a rail's withdrawals of one
//! day with what the provider reports. `playproof ledger prune-proofs` removes kept proofs past
//! their retention period (`playproof_server::store`'s `retention.rs` says which stay).

use std::sync::Arc;

use crate::output::outln;
use anyhow::{bail, Context, Result};
use playproof_server::clock::{Clock, SystemClock, DAY_MS};
use playproof_server::metrics::Metrics;
use playproof_server::service::LEADERBOARD_RUN_RANK_MAX;
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
    /// Remove the kept proofs (input logs) of games decided more than `--older-than-days` ago,
    /// except held games still waiting for review and games a leaderboard shows. The games'
    /// ledger rows stay; only their replays go.
    PruneProofs(PruneArgs),
}

#[derive(clap::Args)]
struct PruneArgs {
    /// Database: `sqlite:PATH` or `postgres://…`.
    #[arg(long, default_value = "sqlite:.playproof/ledger.sqlite")]
    db: String,
    /// PostgreSQL schema.
    #[arg(long)]
    pg_schema: Option<String>,
    /// Keep proofs of games decided within this many days (at least 30: disputes and reviews
    /// need their replays).
    #[arg(long)]
    older_than_days: u32,
    /// Count what would be removed, and remove nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Shortest retention `prune-proofs` accepts, in days: a player's dispute or an operator's
/// review of a month-old game still has its replay.
const PROOF_RETENTION_DAYS_MIN: u32 = 30;

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
        LedgerCommand::PruneProofs(args) => return prune_proofs(args),
    };
    let report = with_store(&args.db, args.pg_schema.as_deref(), |store| async move {
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

fn prune_proofs(args: PruneArgs) -> Result<()> {
    if args.older_than_days < PROOF_RETENTION_DAYS_MIN {
        bail!(
            "--older-than-days {}: at least {PROOF_RETENTION_DAYS_MIN}",
            args.older_than_days
        );
    }
    let now_ms = SystemClock.now_ms();
    let cutoff_ms = now_ms.saturating_sub(u64::from(args.older_than_days) * DAY_MS) as i64;
    let board_ranks = i64::from(LEADERBOARD_RUN_RANK_MAX);
    let prune = with_store(&args.db, args.pg_schema.as_deref(), |store| async move {
        store
            .prune_proofs(cutoff_ms, board_ranks, args.dry_run)
            .await
            .context("pruning kept proofs")
    })?;
    outln!(
        "{} kept proofs of games decided more than {} days ago: {} kept for a review, {} kept for \
         a leaderboard, {} {}",
        prune.older,
        args.older_than_days,
        prune.awaiting_review,
        prune.on_boards,
        prune.removed,
        if args.dry_run {
            "would be removed (dry run)"
        } else {
            "removed"
        }
    )?;
    Ok(())
}

/// Runs `work` on the ledger at `db`, which must already exist (a check, a reconciliation or a
/// prune must not create an empty ledger and call it healthy).
pub(crate) fn with_store<T, F, Fut>(db: &str, pg_schema: Option<&str>, work: F) -> Result<T>
where
    F: FnOnce(Store) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    if let Some(path) = db.strip_prefix("sqlite:") {
        if !std::path::Path::new(path).exists() {
            bail!("no ledger at {path}");
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let config = StoreConfig {
            url: db.to_string(),
            postgres_schema: pg_schema.map(str::to_string),
        };
        // The rules only matter for the service's writes, which no ledger command makes.
        let rules = LedgerRules {
            daily_cap_fen: 0,
            withdrawal_min_fen: 1,
        };
        let store = Store::open(&config, rules, Arc::new(Metrics::default()))
            .await
            .with_context(|| format!("opening {db}"))?;
        work(store).await
    })
}
