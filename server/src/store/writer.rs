//! The writer task: group commit of ledger writes.
//!
//! One task owns one connection. It takes every request waiting (up to [`WRITE_BATCH_MAX`]),
//! runs them in one transaction and answers each only after `COMMIT` returned, so an answered
//! request is durable and an unanswered one may or may not be: a retry is always safe because
//! every write is idempotent by id (a consumed session id, a transfer id, a withdrawal's
//! idempotency key). A batch that fails is rolled back and retried; if it keeps failing, its
//! requests are run one per transaction so one bad request cannot fail its neighbours.
//!
//! A caller waits a bounded time ([`super::WRITE_WAIT_MS_DEFAULT`]) and then stops listening.
//! The writer drops a job whose caller left before its transaction begins, and rolls back a
//! transaction whose every caller left (checked after `BEGIN` and before `COMMIT`), so a blocked
//! database does not turn into writes committed long after their callers were told 503.
//!
//! Lock order on PostgreSQL, where other processes write at the same time: requests in a batch are
//! sorted by player, and the one hot row every payout touches (`house`) is updated once at the
//! end of the batch. Deadlocks that remain are retried like any transient error.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::any::{AnyConnectOptions, AnyRow};
use sqlx::{AnyConnection, Row};
use tokio::sync::{mpsc, oneshot};

use super::operator_log::{self, OperatorAction};
use super::payouts::{self, Actor, AdvanceWrite, WITHDRAWAL_COLUMNS};
use super::policy::{
    self, campaign_account, pending_account, player_account, transfer_id, HOUSE, PENDING, SPONSOR,
};
use super::risk::{
    self as risk_store, HoldRecord, HoldReviewWrite, LinkWrite, PlatformRankWrite, RiskCheck,
    TicketOpened, TicketWrite, WithdrawalReviewWrite,
};
use super::{
    connect, Dialect, LedgerRules, StoreConfig, StoreError, WRITE_BATCH_MAX, WRITE_RETRIES_MAX,
};
use crate::check::{Rejection, Scored, SessionFacts};
use crate::metrics::Metrics;
use crate::payout::Owed;
use crate::rails::{self, Evidence, LimitRejection, PayoutState, RailKind, RailLimits, Source};
use crate::risk::Decision;

/// Pause before retrying a failed batch, in milliseconds, doubled per attempt.
const RETRY_BACKOFF_MS: u64 = 2;

/// A verdict to record, with what it is owed before caps.
#[derive(Clone, Debug)]
pub struct VerdictWrite {
    pub session: SessionFacts,
    pub verdict: Result<Scored, Rejection>,
    pub owed: Owed,
    pub earning_day: i64,
    pub now_ms: i64,
    /// The game's risk signals and the policy to weigh them; `None` pays without a check.
    pub risk: Option<RiskCheck>,
    /// The submitting client's address, linked to the player under a risk check.
    pub address: Option<String>,
    /// The exact proof bytes of an accepted game, kept with its verdict for the operator's
    /// replay viewer (`super::console`).
    pub proof: Option<Vec<u8>>,
}

/// A recorded verdict. `first` is false when the session had already been consumed; the record
/// is then the one stored the first time, and nothing was paid now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictRecord {
    pub first: bool,
    pub session_id: String,
    pub player_id: String,
    pub level_id: String,
    /// `accepted` or the rejection's reason code.
    pub verdict: String,
    pub message: String,
    pub score: i64,
    pub stars: i64,
    pub payout_fen: i64,
    pub boost_fen: i64,
    /// Whether the daily cap or the campaign budget cut the payout.
    pub capped: bool,
    pub balance_fen: i64,
    /// The risk decision, where the game had a risk check. On `hold`, `payout_fen` and
    /// `boost_fen` went to `held:<player>`; on `refuse` nothing was paid.
    pub decision: Option<Decision>,
}

#[derive(Clone, Debug)]
pub struct WithdrawWrite {
    pub player_id: String,
    pub idempotency_key: String,
    pub amount_fen: i64,
    pub now_ms: i64,
    /// The rail that will pay it and that rail's limits.
    pub rail: RailKind,
    pub limits: RailLimits,
    /// Start of the player's current earning day, for the daily withdrawal maximum.
    pub day_start_ms: i64,
}

#[derive(Clone, Debug)]
pub struct SettleWrite {
    pub withdrawal_id: String,
    pub paid: bool,
    pub now_ms: i64,
    /// The operator who paid (or failed to pay) it by hand.
    pub operator: String,
}

#[derive(Clone, Debug)]
pub struct FundWrite {
    pub campaign_id: String,
    pub key: String,
    pub amount_fen: i64,
    pub now_ms: i64,
    /// The operator adding the sponsor's money.
    pub operator: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WithdrawalRecord {
    pub id: String,
    pub player_id: String,
    pub amount_fen: i64,
    /// `pending`, `paid` or `failed`.
    pub status: String,
    pub requested_at_ms: i64,
    /// False when an earlier request with the same key (or the same settlement) already did it.
    pub created: bool,
    /// The rail that pays it (`rails::RailKind`).
    pub rail: String,
    /// Its payout state (`rails::PayoutState`).
    pub state: String,
}

/// A request the ledger refuses; nothing was written for it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LedgerRejection {
    #[error("the balance is {balance_fen} fen; {amount_fen} fen cannot be withdrawn")]
    InsufficientBalance { balance_fen: i64, amount_fen: i64 },
    #[error("{amount_fen} fen is below the smallest withdrawal of {min_fen} fen")]
    BelowWithdrawalMin { amount_fen: i64, min_fen: i64 },
    #[error("idempotency key {key:?} was used for a request of {amount_fen} fen")]
    IdempotencyKeyReused { key: String, amount_fen: i64 },
    #[error("no withdrawal {0:?}")]
    WithdrawalNotFound(String),
    #[error("withdrawal {id:?} is already {status}")]
    WithdrawalSettled { id: String, status: String },
    #[error("amount must be positive, got {0} fen")]
    NonPositiveAmount(i64),
    #[error(transparent)]
    Limit(#[from] LimitRejection),
    /// The operator tried to settle a provider's withdrawal, or a provider reported on a
    /// withdrawal of another rail.
    #[error("withdrawal {id:?} is paid through the {rail} rail")]
    WrongRail { id: String, rail: String },
    /// A provider's report the state machine refuses (late, reordered, contradicting).
    #[error("withdrawal {id:?}: {refused}")]
    TransitionRefused {
        id: String,
        refused: rails::TransitionRefused,
    },
    #[error("no held game {0:?}")]
    HoldNotFound(String),
    #[error("held game {session_id:?} was already {review}")]
    HoldReviewed { session_id: String, review: String },
    #[error("no withdrawal waiting for review {0:?}")]
    WithdrawalReviewNotFound(String),
    #[error("withdrawal review {id:?} was already {status}")]
    WithdrawalReviewDecided { id: String, status: String },
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Rejected(#[from] LedgerRejection),
    #[error(transparent)]
    Store(#[from] StoreError),
}

type Reply<T> = oneshot::Sender<Result<T, WriteError>>;

pub(crate) enum Job {
    Verdict(VerdictWrite, Reply<VerdictRecord>),
    Withdraw(WithdrawWrite, Reply<WithdrawalRecord>),
    Settle(SettleWrite, Reply<WithdrawalRecord>),
    /// A provider's report moves a withdrawal along the payout state machine.
    Advance(AdvanceWrite, Reply<WithdrawalRecord>),
    Fund(FundWrite, Reply<i64>),
    Ticket(TicketWrite, Reply<TicketOpened>),
    ReviewHold(HoldReviewWrite, Reply<HoldRecord>),
    ReviewWithdrawal(WithdrawalReviewWrite, Reply<WithdrawalRecord>),
    PlatformRank(PlatformRankWrite, Reply<()>),
    Link(LinkWrite, Reply<()>),
    /// Readiness: commits an empty transaction.
    Ping(Reply<()>),
}

impl Job {
    /// Sort key that gives batches a common lock order.
    fn lock_key(&self) -> &str {
        match self {
            Job::Verdict(write, _) => &write.session.player_id,
            Job::Withdraw(write, _) => &write.player_id,
            Job::Settle(write, _) => &write.withdrawal_id,
            Job::Advance(write, _) => &write.withdrawal_id,
            Job::Fund(write, _) => &write.campaign_id,
            Job::Ticket(write, _) => &write.player_id,
            Job::ReviewHold(write, _) => &write.session_id,
            Job::ReviewWithdrawal(write, _) => &write.review_id,
            Job::PlatformRank(write, _) => &write.player_id,
            Job::Link(write, _) => &write.player_id,
            Job::Ping(_) => "",
        }
    }

    /// The caller stopped waiting (its bound passed, or its client went away).
    fn abandoned(&self) -> bool {
        match self {
            Job::Verdict(_, reply) => reply.is_closed(),
            Job::Withdraw(_, reply)
            | Job::Settle(_, reply)
            | Job::Advance(_, reply)
            | Job::ReviewWithdrawal(_, reply) => reply.is_closed(),
            Job::Fund(_, reply) => reply.is_closed(),
            Job::Ticket(_, reply) => reply.is_closed(),
            Job::ReviewHold(_, reply) => reply.is_closed(),
            Job::PlatformRank(_, reply) | Job::Link(_, reply) => reply.is_closed(),
            Job::Ping(reply) => reply.is_closed(),
        }
    }
}

fn all_abandoned(batch: &[Job]) -> bool {
    batch.iter().all(Job::abandoned)
}

/// What one job produced inside a transaction, before it is known to be committed.
enum Done {
    Verdict(Result<VerdictRecord, LedgerRejection>),
    Withdrawal(Result<WithdrawalRecord, LedgerRejection>),
    Funded(Result<i64, LedgerRejection>),
    Ticket(TicketOpened),
    Hold(Result<HoldRecord, LedgerRejection>),
    Pinged,
}

impl Job {
    fn answer(self, done: Result<Done, StoreError>) {
        // A caller that stopped waiting (client gone) is not an error: its write stands.
        match (self, done) {
            (Job::Verdict(_, reply), Ok(Done::Verdict(result))) => {
                let _ = reply.send(result.map_err(WriteError::from));
            }
            (
                Job::Withdraw(_, reply)
                | Job::Settle(_, reply)
                | Job::Advance(_, reply)
                | Job::ReviewWithdrawal(_, reply),
                Ok(Done::Withdrawal(result)),
            ) => {
                let _ = reply.send(result.map_err(WriteError::from));
            }
            (Job::Ticket(_, reply), Ok(Done::Ticket(opened))) => {
                let _ = reply.send(Ok(opened));
            }
            (Job::ReviewHold(_, reply), Ok(Done::Hold(result))) => {
                let _ = reply.send(result.map_err(WriteError::from));
            }
            (Job::Fund(_, reply), Ok(Done::Funded(result))) => {
                let _ = reply.send(result.map_err(WriteError::from));
            }
            (
                Job::Ping(reply) | Job::PlatformRank(_, reply) | Job::Link(_, reply),
                Ok(Done::Pinged),
            ) => {
                let _ = reply.send(Ok(()));
            }
            (job, Err(error)) => job.fail(error),
            (job, Ok(_)) => job.fail(StoreError::Corrupt("writer answered the wrong kind".into())),
        }
    }

    fn fail(self, error: StoreError) {
        let error = WriteError::Store(error);
        match self {
            Job::Verdict(_, reply) => drop(reply.send(Err(error))),
            Job::Withdraw(_, reply)
            | Job::Settle(_, reply)
            | Job::Advance(_, reply)
            | Job::ReviewWithdrawal(_, reply) => drop(reply.send(Err(error))),
            Job::Fund(_, reply) => drop(reply.send(Err(error))),
            Job::Ticket(_, reply) => drop(reply.send(Err(error))),
            Job::ReviewHold(_, reply) => drop(reply.send(Err(error))),
            Job::Ping(reply) | Job::PlatformRank(_, reply) | Job::Link(_, reply) => {
                drop(reply.send(Err(error)))
            }
        }
    }
}

/// How to get a fresh connection when the writer's breaks.
pub(crate) struct Reconnect {
    pub options: AnyConnectOptions,
    pub dialect: Dialect,
    pub config: StoreConfig,
}

pub(crate) async fn run(
    mut connection: AnyConnection,
    reconnect: Reconnect,
    mut queue: mpsc::Receiver<Job>,
    rules: LedgerRules,
    metrics: Arc<Metrics>,
) {
    let dialect = reconnect.dialect;
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < WRITE_BATCH_MAX {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // Callers that gave up while queued are not written for.
        batch.retain(|job| !job.abandoned());
        if batch.is_empty() {
            continue;
        }
        batch.sort_by(|a, b| a.lock_key().cmp(b.lock_key()));
        let started = Instant::now();
        match run_batch(&mut connection, &reconnect, dialect, &rules, &batch).await {
            Ok(done) => {
                metrics.record_commit(batch.len(), started.elapsed());
                for (job, done) in batch.into_iter().zip(done) {
                    job.answer(Ok(done));
                }
            }
            Err(StoreError::Abandoned) => {}
            Err(error) if batch.len() == 1 => {
                if let Some(job) = batch.pop() {
                    job.fail(error);
                }
            }
            Err(_) => {
                // Isolate: each request alone, so only the one that cannot commit fails.
                for job in batch {
                    let single = std::slice::from_ref(&job);
                    let result =
                        run_batch(&mut connection, &reconnect, dialect, &rules, single).await;
                    match result {
                        Ok(mut done) => {
                            metrics.record_commit(1, started.elapsed());
                            job.answer(Ok(done.pop().expect("one job, one result")))
                        }
                        Err(error) => job.fail(error),
                    }
                }
            }
        }
    }
}

/// Runs `batch` in one transaction, retrying transient failures.
async fn run_batch(
    connection: &mut AnyConnection,
    reconnect: &Reconnect,
    dialect: Dialect,
    rules: &LedgerRules,
    batch: &[Job],
) -> Result<Vec<Done>, StoreError> {
    let mut attempt = 0;
    loop {
        let result = run_transaction(connection, dialect, rules, batch).await;
        let error = match result {
            Ok(Some(done)) => return Ok(done),
            Ok(None) => return Err(StoreError::Abandoned),
            Err(error) => error,
        };
        // Nothing of this attempt is kept; the connection may be mid-transaction or broken.
        if sqlx::query("ROLLBACK")
            .execute(&mut *connection)
            .await
            .is_err()
        {
            if let Ok(fresh) = connect(&reconnect.options, dialect, &reconnect.config).await {
                *connection = fresh;
            }
        }
        attempt += 1;
        if attempt > WRITE_RETRIES_MAX || !is_transient(&error) {
            return Err(StoreError::Database(error));
        }
        if all_abandoned(batch) {
            return Err(StoreError::Abandoned);
        }
        tokio::time::sleep(Duration::from_millis(RETRY_BACKOFF_MS << attempt.min(8))).await;
    }
}

/// Deadlocks, serialization failures, lock timeouts and lost connections are worth a retry;
/// constraint violations and the like are not.
fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(database) => {
            let code = database.code().unwrap_or_default();
            // PostgreSQL SQLSTATE: 40001 serialization, 40P01 deadlock, 55P03 lock not available.
            // SQLite result codes: 5 BUSY, 6 LOCKED and their extended forms (low byte 5 or 6).
            matches!(code.as_ref(), "40001" | "40P01" | "55P03")
                || code
                    .parse::<i64>()
                    .is_ok_and(|number| matches!(number & 0xff, 5 | 6))
        }
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::WorkerCrashed => true,
        _ => false,
    }
}

/// Per-transaction state: the house account's change, applied once before commit.
pub(super) struct Batch {
    pub(super) dialect: Dialect,
    house_delta_fen: i64,
}

/// One attempt at `batch`; `Ok(None)` when every caller left and the transaction was rolled
/// back (the caller of this function issues the `ROLLBACK` on `Err`).
async fn run_transaction(
    connection: &mut AnyConnection,
    dialect: Dialect,
    rules: &LedgerRules,
    batch: &[Job],
) -> Result<Option<Vec<Done>>, sqlx::Error> {
    sqlx::query(dialect.begin())
        .execute(&mut *connection)
        .await?;
    // `BEGIN IMMEDIATE` may have waited for the lock as long as the busy timeout.
    if all_abandoned(batch) {
        sqlx::query("ROLLBACK").execute(&mut *connection).await?;
        return Ok(None);
    }
    let cluster_capped = batch
        .iter()
        .any(|job| matches!(job, Job::Verdict(write, _) if risk_store::cluster_capped(write)));
    if cluster_capped {
        risk_store::lock_cluster_caps(connection, dialect).await?;
    }
    let mut state = Batch {
        dialect,
        house_delta_fen: 0,
    };
    let mut done = Vec::with_capacity(batch.len());
    for job in batch {
        done.push(match job {
            Job::Verdict(write, _) => {
                Done::Verdict(record_verdict(connection, &mut state, rules, write).await?)
            }
            Job::Withdraw(write, _) => Done::Withdrawal(
                // Flagged players' requests wait for review; the rest go the ordinary way.
                match risk_store::withdrawal_gate(connection, &state, rules, write).await? {
                    Some(parked) => parked,
                    None => withdraw(connection, &mut state, rules, write).await?,
                },
            ),
            Job::Ticket(write, _) => {
                Done::Ticket(risk_store::open_ticket(connection, &state, write).await?)
            }
            Job::ReviewHold(write, _) => {
                Done::Hold(risk_store::review_hold(connection, &mut state, write).await?)
            }
            Job::ReviewWithdrawal(write, _) => Done::Withdrawal(
                risk_store::review_withdrawal(connection, &mut state, rules, write).await?,
            ),
            Job::PlatformRank(write, _) => {
                risk_store::platform_rank(connection, write).await?;
                Done::Pinged
            }
            Job::Link(write, _) => {
                risk_store::link_account(connection, write).await?;
                Done::Pinged
            }
            Job::Settle(write, _) => Done::Withdrawal(settle(connection, &mut state, write).await?),
            Job::Advance(write, _) => Done::Withdrawal(
                payouts::advance(connection, &mut state, write, Actor::Provider).await?,
            ),
            Job::Fund(write, _) => Done::Funded(fund(connection, &mut state, write).await?),
            Job::Ping(_) => {
                ping(connection, dialect).await?;
                Done::Pinged
            }
        });
    }
    if state.house_delta_fen != 0 {
        sqlx::query("UPDATE accounts SET balance_fen = balance_fen + $1 WHERE id = $2")
            .bind(state.house_delta_fen)
            .bind(HOUSE)
            .execute(&mut *connection)
            .await?;
    }
    // A statement may have waited on a row or table lock while the callers gave up.
    if all_abandoned(batch) {
        sqlx::query("ROLLBACK").execute(&mut *connection).await?;
        return Ok(None);
    }
    sqlx::query("COMMIT").execute(&mut *connection).await?;
    Ok(Some(done))
}

/// Readiness: takes the lock every payout batch takes, the `house` account's row (on SQLite,
/// `BEGIN IMMEDIATE` already took the database's write lock), so a table or row lock held
/// elsewhere shows as a ping that does not finish.
async fn ping(connection: &mut AnyConnection, dialect: Dialect) -> Result<(), sqlx::Error> {
    let sql = format!(
        "SELECT balance_fen FROM accounts WHERE id = $1{}",
        dialect.for_update()
    );
    read_i64(connection, &sql, HOUSE).await.map(drop)
}

/// Appends one transfer and moves its amount; returns the credited account's new balance (0 for
/// `house`, whose change is applied at the end of the batch). The credited account is created if
/// new, in the same statement that credits it. The database's CHECK refuses a balance that would
/// go negative (outside `house` and `sponsor`), which fails the transaction: callers check first.
#[allow(clippy::too_many_arguments)]
pub(super) async fn transfer(
    connection: &mut AnyConnection,
    state: &mut Batch,
    id: &str,
    debit: &str,
    credit: (&str, &str),
    amount_fen: i64,
    kind: &str,
    session_id: Option<&str>,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    let (credit, credit_kind) = credit;
    debug_assert!(amount_fen > 0 && debit != credit);
    // Credit first: the transfer row's foreign keys need the account to exist.
    let credit_balance_fen = if credit == HOUSE {
        state.house_delta_fen += amount_fen;
        0
    } else {
        sqlx::query(
            "INSERT INTO accounts (id, kind, balance_fen) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET balance_fen = accounts.balance_fen + excluded.balance_fen \
             RETURNING balance_fen",
        )
        .bind(credit)
        .bind(credit_kind)
        .bind(amount_fen)
        .fetch_one(&mut *connection)
        .await?
        .try_get(0)?
    };
    sqlx::query(
        "INSERT INTO transfers (id, debit_account, credit_account, amount_fen, kind, session_id, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(debit)
    .bind(credit)
    .bind(amount_fen)
    .bind(kind)
    .bind(session_id)
    .bind(now_ms)
    .execute(&mut *connection)
    .await?;
    if debit == HOUSE {
        state.house_delta_fen -= amount_fen;
    } else {
        sqlx::query("UPDATE accounts SET balance_fen = balance_fen - $1 WHERE id = $2")
            .bind(amount_fen)
            .bind(debit)
            .execute(&mut *connection)
            .await?;
    }
    Ok(credit_balance_fen)
}

pub(super) async fn read_i64(
    connection: &mut AnyConnection,
    sql: &str,
    key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(sql)
        .bind(key)
        .fetch_optional(&mut *connection)
        .await?;
    row.map(|row| row.try_get(0)).transpose()
}

async fn record_verdict(
    connection: &mut AnyConnection,
    state: &mut Batch,
    rules: &LedgerRules,
    write: &VerdictWrite,
) -> Result<Result<VerdictRecord, LedgerRejection>, sqlx::Error> {
    let session = &write.session;
    let player = player_account(&session.player_id);
    let (verdict, message, scored) = match &write.verdict {
        Ok(scored) => ("accepted".to_string(), String::new(), Some(*scored)),
        Err(rejection) => (
            rejection.reason.code().to_string(),
            rejection.message.clone(),
            None,
        ),
    };
    let boost_owed = write.owed.boost.as_ref().filter(|_| scored.is_some());
    let owed_total_fen = if scored.is_some() {
        write.owed.base_fen + boost_owed.map_or(0, |boost| boost.1)
    } else {
        0
    };
    // What to pay: at most what is left under today's cap (base first, then the boost), and a
    // boost at most what the campaign has left. On PostgreSQL the upsert locks the player's day
    // row and the campaign read locks the campaign until commit, so concurrent writers queue.
    let (mut payout_fen, mut boost_fen) = (0, 0);
    risk_store::link_verdict(connection, write).await?;
    if owed_total_fen > 0 {
        let earned_fen: i64 = sqlx::query(
            "INSERT INTO daily_earnings (player_id, earning_day, earned_fen) VALUES ($1, $2, 0) \
             ON CONFLICT (player_id, earning_day) DO UPDATE SET earned_fen = daily_earnings.earned_fen \
             RETURNING earned_fen",
        )
        .bind(&session.player_id)
        .bind(write.earning_day)
        .fetch_one(&mut *connection)
        .await?
        .try_get(0)?;
        let room_fen = policy::cap_room_fen(rules, earned_fen);
        let room_fen = risk_store::cluster_room_fen(connection, write, room_fen).await?;
        payout_fen = policy::base_payout_fen(write.owed.base_fen, room_fen);
        if let Some((campaign_id, boost_owed_fen)) = boost_owed {
            let wanted_fen = policy::boost_wanted_fen(*boost_owed_fen, room_fen, payout_fen);
            if wanted_fen > 0 {
                let sql = format!(
                    "SELECT balance_fen FROM accounts WHERE id = $1{}",
                    state.dialect.for_update()
                );
                let budget_fen = read_i64(connection, &sql, &campaign_account(campaign_id))
                    .await?
                    .unwrap_or(0);
                boost_fen = policy::boost_payout_fen(wanted_fen, budget_fen);
            }
        }
    }
    // The risk check reads the player's record here and writes only once the session is
    // consumed below; a refused game pays nothing and counts nothing toward the cap.
    let assessment = risk_store::assess(connection, write).await?;
    let decision = assessment.as_ref().map(|assessment| assessment.decision);
    let mut refused_fen = 0;
    if decision == Some(Decision::Refuse) {
        refused_fen = payout_fen + boost_fen;
        (payout_fen, boost_fen) = (0, 0);
    }
    // Consuming the session: the primary key makes this the one place a session is decided. A
    // session already decided (here or by another process) is answered with its first verdict.
    let inserted = sqlx::query(
        "INSERT INTO sessions (session_id, player_id, level_id, verdict, message, score, stars, \
                               payout_fen, boost_fen, earning_day, consumed_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (session_id) DO NOTHING",
    )
    .bind(&session.session_id)
    .bind(&session.player_id)
    .bind(&session.level_id)
    .bind(&verdict)
    .bind(&message)
    .bind(i64::from(scored.map_or(0, |s| s.score)))
    .bind(i64::from(scored.map_or(0, |s| s.stars)))
    .bind(payout_fen)
    .bind(boost_fen)
    .bind(write.earning_day)
    .bind(write.now_ms)
    .execute(&mut *connection)
    .await?
    .rows_affected();
    if inserted == 0 {
        // The row exists and this statement can see it: the conflict was with a committed row,
        // or with one this transaction inserted earlier in the batch.
        return stored_verdict(connection, &session.session_id)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
            .map(Ok);
    }
    risk_store::record_verdict_risk(
        connection,
        write,
        assessment.as_ref(),
        payout_fen + boost_fen,
        refused_fen,
    )
    .await?;
    super::console::keep_proof(connection, write).await?;
    let (payee, payee_kind) = risk_store::payee(assessment.as_ref(), &session.player_id);
    let mut balance_fen = None;
    if payout_fen > 0 {
        let id = transfer_id::payout(&session.session_id);
        let credited = transfer(
            connection,
            state,
            &id,
            HOUSE,
            (&payee, payee_kind),
            payout_fen,
            "payout",
            Some(&session.session_id),
            write.now_ms,
        )
        .await?;
        balance_fen = Some(credited);
    }
    if boost_fen > 0 {
        let (campaign_id, _) = boost_owed.expect("a boost was computed from an owed boost");
        let id = transfer_id::boost(&session.session_id);
        let credited = transfer(
            connection,
            state,
            &id,
            &campaign_account(campaign_id),
            (&payee, payee_kind),
            boost_fen,
            "boost",
            Some(&session.session_id),
            write.now_ms,
        )
        .await?;
        balance_fen = Some(credited);
    }
    let paid_fen = payout_fen + boost_fen;
    if paid_fen > 0 {
        sqlx::query(
            "UPDATE daily_earnings SET earned_fen = earned_fen + $1 WHERE player_id = $2 AND earning_day = $3",
        )
        .bind(paid_fen)
        .bind(&session.player_id)
        .bind(write.earning_day)
        .execute(&mut *connection)
        .await?;
    }
    let balance_fen = match balance_fen.filter(|_| payee == player) {
        Some(balance_fen) => balance_fen,
        None => read_i64(
            connection,
            "SELECT balance_fen FROM accounts WHERE id = $1",
            &player,
        )
        .await?
        .unwrap_or(0),
    };
    Ok(Ok(VerdictRecord {
        first: true,
        session_id: session.session_id.clone(),
        player_id: session.player_id.clone(),
        level_id: session.level_id.clone(),
        verdict,
        message,
        score: i64::from(scored.map_or(0, |s| s.score)),
        stars: i64::from(scored.map_or(0, |s| s.stars)),
        payout_fen,
        boost_fen,
        capped: paid_fen + refused_fen < owed_total_fen,
        balance_fen,
        decision,
    }))
}

/// The verdict stored when a session was first consumed, if it was.
pub(crate) async fn stored_verdict(
    connection: &mut AnyConnection,
    session_id: &str,
) -> Result<Option<VerdictRecord>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.session_id, s.player_id, s.level_id, s.verdict, s.message, s.score, s.stars, \
                s.payout_fen, s.boost_fen, r.decision \
         FROM sessions s LEFT JOIN risk_verdicts r ON r.session_id = s.session_id \
         WHERE s.session_id = $1",
    )
    .bind(session_id)
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let player_id: String = row.try_get(1)?;
    let balance_fen = read_i64(
        connection,
        "SELECT balance_fen FROM accounts WHERE id = $1",
        &player_account(&player_id),
    )
    .await?
    .unwrap_or(0);
    Ok(Some(VerdictRecord {
        first: false,
        session_id: row.try_get(0)?,
        player_id,
        level_id: row.try_get(2)?,
        verdict: row.try_get(3)?,
        message: row.try_get(4)?,
        score: row.try_get(5)?,
        stars: row.try_get(6)?,
        payout_fen: row.try_get(7)?,
        boost_fen: row.try_get(8)?,
        capped: false,
        balance_fen,
        decision: row
            .try_get::<Option<String>, _>(9)?
            .and_then(|code| Decision::from_code(&code)),
    }))
}

pub(crate) fn withdrawal_from_row(
    row: &AnyRow,
    created: bool,
) -> Result<WithdrawalRecord, StoreError> {
    Ok(WithdrawalRecord {
        id: row.try_get(0)?,
        player_id: row.try_get(1)?,
        amount_fen: row.try_get(2)?,
        status: row.try_get(3)?,
        requested_at_ms: row.try_get(4)?,
        created,
        rail: row.try_get(5)?,
        // The ledger's view until the payout transitions are read.
        state: PayoutState::from_ledger_status(&row.try_get::<String, _>(3)?)
            .map_or("", PayoutState::as_str)
            .to_string(),
    })
}

pub(super) async fn withdraw(
    connection: &mut AnyConnection,
    state: &mut Batch,
    rules: &LedgerRules,
    write: &WithdrawWrite,
) -> Result<Result<WithdrawalRecord, LedgerRejection>, sqlx::Error> {
    if write.amount_fen <= 0 {
        return Ok(Err(LedgerRejection::NonPositiveAmount(write.amount_fen)));
    }
    let player = player_account(&write.player_id);
    // Lock the player's balance first: every withdrawal of a player queues here, so the key
    // lookup and the balance check below see every earlier request of that player.
    let balance_fen = read_i64(
        connection,
        &format!(
            "SELECT balance_fen FROM accounts WHERE id = $1{}",
            state.dialect.for_update()
        ),
        &player,
    )
    .await?
    .unwrap_or(0);
    let existing = sqlx::query(&format!(
        "SELECT {WITHDRAWAL_COLUMNS} FROM withdrawals WHERE player_id = $1 AND idempotency_key = $2"
    ))
    .bind(&write.player_id)
    .bind(&write.idempotency_key)
    .fetch_optional(&mut *connection)
    .await?;
    if let Some(row) = existing {
        let mut record = withdrawal_from_row(&row, false).map_err(store_to_sqlx)?;
        if record.amount_fen != write.amount_fen {
            return Ok(Err(LedgerRejection::IdempotencyKeyReused {
                key: write.idempotency_key.clone(),
                amount_fen: record.amount_fen,
            }));
        }
        record.state = payouts::current_state(connection, &record)
            .await?
            .as_str()
            .to_string();
        return Ok(Ok(record));
    }
    // The rail's limits before the balance: an amount no rail could pay is refused as such
    // whatever the player holds. Under the player's balance lock, every withdrawal of this
    // player today is counted.
    let withdrawn_today_fen =
        payouts::withdrawn_since(connection, &write.player_id, write.day_start_ms).await?;
    if let Err(rejection) = write.limits.admit(write.amount_fen, withdrawn_today_fen) {
        return Ok(Err(rejection.into()));
    }
    if let Err(rejection) = policy::admit_withdrawal(rules, write.amount_fen, balance_fen) {
        return Ok(Err(rejection));
    }
    // The id is the bill number at the provider: WeChat Pay's `out_bill_no` takes at most 32
    // letters and digits, so `w` and 30 hex digits (120 random bits).
    let id = format!("w{}", &random_hex()[..30]);
    sqlx::query(
        "INSERT INTO withdrawals (id, player_id, idempotency_key, amount_fen, status, requested_at_ms, rail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&write.player_id)
    .bind(&write.idempotency_key)
    .bind(write.amount_fen)
    .bind(PENDING)
    .bind(write.now_ms)
    .bind(write.rail.as_str())
    .execute(&mut *connection)
    .await?;
    payouts::append(
        connection,
        &id,
        PayoutState::Requested,
        &Evidence::bare(Source::Request),
        write.now_ms,
    )
    .await?;
    let pending = pending_account(&write.player_id);
    transfer(
        connection,
        state,
        &transfer_id::withdrawal(&id),
        &player,
        (&pending, "pending"),
        write.amount_fen,
        "withdrawal",
        None,
        write.now_ms,
    )
    .await?;
    Ok(Ok(WithdrawalRecord {
        id,
        player_id: write.player_id.clone(),
        amount_fen: write.amount_fen,
        status: PENDING.into(),
        requested_at_ms: write.now_ms,
        created: true,
        rail: write.rail.as_str().into(),
        state: PayoutState::Requested.as_str().into(),
    }))
}

/// The operator's settlement of a manual withdrawal: the manual rail's transition.
async fn settle(
    connection: &mut AnyConnection,
    state: &mut Batch,
    write: &SettleWrite,
) -> Result<Result<WithdrawalRecord, LedgerRejection>, sqlx::Error> {
    let (to, evidence) = rails::manual::operator_settlement(write.paid, &write.operator);
    let advance = AdvanceWrite {
        withdrawal_id: write.withdrawal_id.clone(),
        to,
        evidence,
        now_ms: write.now_ms,
    };
    let settled = payouts::advance(connection, state, &advance, Actor::Operator).await?;
    if matches!(&settled, Ok(record) if record.created) {
        let action = if write.paid {
            OperatorAction::SettlePaid
        } else {
            OperatorAction::SettleFailed
        };
        let subject = &write.withdrawal_id;
        operator_log::record(connection, &write.operator, action, subject, write.now_ms).await?;
    }
    Ok(settled)
}

async fn fund(
    connection: &mut AnyConnection,
    state: &mut Batch,
    write: &FundWrite,
) -> Result<Result<i64, LedgerRejection>, sqlx::Error> {
    if write.amount_fen <= 0 {
        return Ok(Err(LedgerRejection::NonPositiveAmount(write.amount_fen)));
    }
    let campaign = campaign_account(&write.campaign_id);
    let id = transfer_id::fund(&write.campaign_id, &write.key);
    // A key names one funding: the same key with another amount is a different request.
    let done = read_i64(
        connection,
        "SELECT amount_fen FROM transfers WHERE id = $1",
        &id,
    )
    .await?;
    if let Some(amount_fen) = done.filter(|amount_fen| *amount_fen != write.amount_fen) {
        return Ok(Err(LedgerRejection::IdempotencyKeyReused {
            key: write.key.clone(),
            amount_fen,
        }));
    }
    if done.is_none() {
        let balance_fen = transfer(
            connection,
            state,
            &id,
            SPONSOR,
            (&campaign, "campaign"),
            write.amount_fen,
            "campaign_fund",
            None,
            write.now_ms,
        )
        .await?;
        let action = OperatorAction::FundCampaign;
        let subject = &write.campaign_id;
        operator_log::record(connection, &write.operator, action, subject, write.now_ms).await?;
        return Ok(Ok(balance_fen));
    }
    let balance_fen = read_i64(
        connection,
        "SELECT balance_fen FROM accounts WHERE id = $1",
        &campaign,
    )
    .await?
    .unwrap_or(0);
    Ok(Ok(balance_fen))
}

fn store_to_sqlx(error: StoreError) -> sqlx::Error {
    match error {
        StoreError::Database(error) => error,
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

/// 128 random bits as hex, for withdrawal ids.
pub(super) fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    // The OS random source failing is not recoverable here; a clock-derived fallback keeps ids
    // unique enough for a primary key, which still refuses a collision.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        bytes = nanos.to_le_bytes();
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
