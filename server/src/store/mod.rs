//! Storage: the ledger, consumed sessions, daily earnings and withdrawals, on SQLite (default) or
//! PostgreSQL (by URL), through one set of runtime-checked queries on sqlx's `any` driver.
//!
//! Every write goes through one writer task per process ([`writer`]), which commits batches of
//! requests in one transaction each (group commit) and answers each request only after its batch
//! committed. Reads use a pool. Exactly-once does not rest on the single writer: every money
//! movement has an id derived from what caused it under a unique constraint, and a session is
//! consumed by inserting its id under a primary key in the same transaction, so several
//! processes on one PostgreSQL stay exactly-once.

mod audit;
mod console;
mod operator_log;
mod payouts;
mod policy;
mod progress;
mod retention;
mod risk;
mod schema;
mod writer;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Connection, Row};
use tokio::sync::{mpsc, oneshot};

pub use audit::LedgerReport;
pub use console::{
    AssessedGame, CampaignBudget, Cursor, GameRecord, GameRow, LinkRow, PlayerRecord,
    PlayerRiskRow, ReviewRow, RiskRow, WithdrawalHistory, WithdrawalsRecord,
};
pub use operator_log::{OperatorAction, OperatorActionRow};
pub use payouts::{AdvanceWrite, TransitionView};
pub use retention::ProofPrune;
pub use risk::{
    HoldRecord, HoldReviewWrite, LinkKind, LinkWrite, PlatformRankWrite, RiskCheck, TicketOpened,
    TicketWrite, WithdrawalReviewWrite, ABANDONED_MESSAGE, WITHDRAWAL_IN_REVIEW,
};
pub use writer::{
    FundWrite, LedgerRejection, SettleWrite, VerdictRecord, VerdictWrite, WithdrawWrite,
    WithdrawalRecord, WriteError,
};

use crate::metrics::Metrics;
use std::sync::Arc;

/// Most requests committed in one transaction. Measured on SQLite with `synchronous=FULL`: one
/// fsync costs 2-10 ms, so 1,000 proofs/s needs about 10 or more per commit; past a few hundred
/// the batch only adds latency for the first request in it.
pub const WRITE_BATCH_MAX: usize = 256;
/// Default bound on how long a caller waits for its write to commit, in milliseconds, queueing
/// included. A healthy commit takes milliseconds (one fsync, 2-10 ms on SQLite); a write that has
/// not committed in 5 s is blocked (a lock held elsewhere, a stalled disk), and the caller is
/// better told so (503 `storage_timeout`) than left hanging through the writer's retries.
pub const WRITE_WAIT_MS_DEFAULT: u64 = 5_000;
/// Requests waiting for the writer before callers wait for room (back-pressure).
pub const WRITE_QUEUE_MAX: usize = 4096;
/// How often a batch is retried after a transient failure (deadlock, serialization, busy).
pub const WRITE_RETRIES_MAX: u32 = 8;
/// Read connections in the pool.
pub const READ_CONNECTIONS_MAX: u32 = 8;
/// How long SQLite waits for a lock held by another connection or process, in milliseconds.
pub const SQLITE_BUSY_TIMEOUT_MS: u64 = 10_000;
/// How long to wait for a database connection, in seconds.
pub const CONNECT_TIMEOUT_S: u64 = 10;
/// The games a public leaderboard ranks, on level `$1`: accepted, and paid as they came (the
/// risk check paid or flagged them, or held them and an operator released them). A game held
/// for review, confiscated or refused ranks nowhere: a bot's score must not sit above the
/// players' while its money waits, nor after it was taken back.
const RANKED_GAMES: &str =
    "FROM sessions s LEFT JOIN risk_verdicts r ON r.session_id = s.session_id \
     WHERE s.level_id = $1 AND s.verdict = 'accepted' \
       AND (r.decision IS NULL OR r.decision IN ('pay', 'flag') OR r.review = 'released')";

/// Largest page of history or leaderboard rows.
pub const PAGE_ROWS_MAX: i64 = 100;
/// Advisory lock id that serialises migrations across processes on PostgreSQL.
const MIGRATION_LOCK_ID: i64 = 0x5050_4c47;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Row lock for read-then-update inside a transaction. SQLite needs none: `BEGIN IMMEDIATE`
    /// already holds the database's one write lock.
    fn for_update(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE",
        }
    }

    fn begin(self) -> &'static str {
        match self {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL {url:?} is neither sqlite:… nor postgres://…")]
    UnknownUrl { url: String },
    #[error("PostgreSQL schema name {0:?} must be 1 to 63 lowercase letters, digits or '_'")]
    BadSchemaName(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration {version}: {source}")]
    Migration { version: i64, source: sqlx::Error },
    #[error("the database has schema version {found}; this build knows up to {known}")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("the ledger writer has stopped")]
    WriterGone,
    /// The write did not commit within the bound. It is abandoned: the writer drops it unless
    /// its transaction is already under way, so it may or may not be recorded; a retry is safe.
    #[error("no commit within {waited_ms} ms (the database is locked or stalled); the outcome is unknown and a retry is safe")]
    WriteTimedOut { waited_ms: u64 },
    /// Every caller of a batch stopped waiting; nothing was written. No caller sees this.
    #[error("every caller of the write stopped waiting; nothing was written")]
    Abandoned,
    #[error("the database did not answer a read within {waited_ms} ms")]
    ReadTimedOut { waited_ms: u64 },
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

/// Where the store lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreConfig {
    /// `sqlite:PATH` (created if missing) or `postgres://…`.
    pub url: String,
    /// PostgreSQL only: the schema to use (created if missing), so several deployments or test
    /// runs can share one database.
    pub postgres_schema: Option<String>,
}

impl StoreConfig {
    pub fn sqlite(path: &std::path::Path) -> Self {
        StoreConfig {
            url: format!("sqlite:{}", path.display()),
            postgres_schema: None,
        }
    }

    pub fn dialect(&self) -> Result<Dialect, StoreError> {
        if self.url.starts_with("sqlite:") {
            Ok(Dialect::Sqlite)
        } else if self.url.starts_with("postgres://") || self.url.starts_with("postgresql://") {
            Ok(Dialect::Postgres)
        } else {
            Err(StoreError::UnknownUrl {
                url: self.url.clone(),
            })
        }
    }
}

/// Ledger rules the writer enforces inside its transactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LedgerRules {
    /// Most a player can earn per earning day, in fen.
    pub daily_cap_fen: i64,
    /// Smallest withdrawal, in fen.
    pub withdrawal_min_fen: i64,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    writes: mpsc::Sender<writer::Job>,
    write_wait: Duration,
}

pub(crate) use policy::{pending_account, player_account};

impl Store {
    /// Opens (creating if needed) and migrates the store, and starts its writer task.
    pub async fn open(
        config: &StoreConfig,
        rules: LedgerRules,
        metrics: Arc<Metrics>,
    ) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let dialect = config.dialect()?;
        if let Some(schema) = &config.postgres_schema {
            let valid = !schema.is_empty()
                && schema.len() <= 63
                && schema
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                return Err(StoreError::BadSchemaName(schema.clone()));
            }
        }
        let options = connect_options(config, dialect)?;
        let mut writer_connection = connect(&options, dialect, config).await?;
        migrate(&mut writer_connection, dialect).await?;
        let schema = config.postgres_schema.clone();
        let pool = AnyPoolOptions::new()
            .max_connections(READ_CONNECTIONS_MAX)
            .acquire_timeout(Duration::from_secs(CONNECT_TIMEOUT_S))
            .after_connect(move |connection, _| {
                let schema = schema.clone();
                prepare_connection(connection, dialect, schema)
            })
            .connect_with(options.clone())
            .await?;
        let (writes, queue) = mpsc::channel(WRITE_QUEUE_MAX);
        let reconnect = writer::Reconnect {
            options,
            dialect,
            config: config.clone(),
        };
        tokio::spawn(writer::run(
            writer_connection,
            reconnect,
            queue,
            rules,
            metrics,
        ));
        Ok(Store {
            pool,
            dialect,
            writes,
            write_wait: Duration::from_millis(WRITE_WAIT_MS_DEFAULT),
        })
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Sets how long a caller waits for its write to commit (default [`WRITE_WAIT_MS_DEFAULT`]).
    pub fn set_write_wait(&mut self, wait: Duration) {
        self.write_wait = wait;
    }

    /// Records a verdict and pays for it, once per session.
    pub async fn record_verdict(&self, write: VerdictWrite) -> Result<VerdictRecord, WriteError> {
        self.submit(|reply| writer::Job::Verdict(write, reply))
            .await
    }

    pub async fn request_withdrawal(
        &self,
        write: WithdrawWrite,
    ) -> Result<WithdrawalRecord, WriteError> {
        self.submit(|reply| writer::Job::Withdraw(write, reply))
            .await
    }

    pub async fn settle_withdrawal(
        &self,
        write: SettleWrite,
    ) -> Result<WithdrawalRecord, WriteError> {
        self.submit(|reply| writer::Job::Settle(write, reply)).await
    }

    /// Moves a withdrawal along the payout state machine on a provider's report.
    pub async fn advance_withdrawal(
        &self,
        write: AdvanceWrite,
    ) -> Result<WithdrawalRecord, WriteError> {
        self.submit(|reply| writer::Job::Advance(write, reply))
            .await
    }

    /// A withdrawal's payout transitions, in order.
    pub async fn withdrawal_transitions(
        &self,
        withdrawal_id: &str,
    ) -> Result<Vec<TransitionView>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        payouts::transitions(&mut connection, withdrawal_id).await
    }

    /// Withdrawals on `rail` requested in `[start_ms, end_ms)` with their payout states.
    pub async fn withdrawals_requested_between(
        &self,
        rail: crate::rails::RailKind,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<WithdrawalRecord>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        payouts::requested_between(&mut connection, rail, start_ms, end_ms).await
    }

    /// Records the player's request to cancel a withdrawal (for the outbox to carry out); `true`
    /// the first time. The money moves only when the provider answers `cancelled`.
    pub async fn request_cancel(
        &self,
        withdrawal_id: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut connection = self.pool.acquire().await?;
        Ok(payouts::request_cancel(&mut connection, withdrawal_id, now_ms).await?)
    }

    /// Whether the player asked to cancel the withdrawal.
    pub async fn cancel_requested(&self, withdrawal_id: &str) -> Result<bool, StoreError> {
        let mut connection = self.pool.acquire().await?;
        Ok(payouts::cancel_requested(&mut connection, withdrawal_id).await?)
    }

    /// Withdrawals on `rail` not yet in a terminal state, oldest first.
    pub async fn open_withdrawals(
        &self,
        rail: crate::rails::RailKind,
        limit: i64,
    ) -> Result<Vec<WithdrawalRecord>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        payouts::open_withdrawals(&mut connection, rail, limit.clamp(1, PAGE_ROWS_MAX)).await
    }

    /// Records a ticket as the player's one open ticket, forfeiting the one open before (an
    /// abandoned, lost game).
    pub async fn open_ticket(&self, write: TicketWrite) -> Result<TicketOpened, WriteError> {
        self.submit(|reply| writer::Job::Ticket(write, reply)).await
    }

    /// Releases a held game's winnings to the player or confiscates them, once.
    pub async fn review_hold(&self, write: HoldReviewWrite) -> Result<HoldRecord, WriteError> {
        self.submit(|reply| writer::Job::ReviewHold(write, reply))
            .await
    }

    /// Approves (runs the withdrawal) or rejects a withdrawal parked for review, once.
    pub async fn review_withdrawal(
        &self,
        write: WithdrawalReviewWrite,
    ) -> Result<WithdrawalRecord, WriteError> {
        self.submit(|reply| writer::Job::ReviewWithdrawal(write, reply))
            .await
    }

    /// Stores the platform's risk rank for a player, flagging them if `flag`.
    pub async fn platform_rank(&self, write: PlatformRankWrite) -> Result<(), WriteError> {
        self.submit(|reply| writer::Job::PlatformRank(write, reply))
            .await
    }

    /// Links a player to a fact it may share with others (`store/risk.rs`); idempotent.
    pub async fn link_account(&self, write: LinkWrite) -> Result<(), WriteError> {
        self.submit(|reply| writer::Job::Link(write, reply)).await
    }

    /// Moves money from the sponsor into a campaign's budget, once per `(campaign, key)`.
    /// Returns the campaign's balance.
    pub async fn fund_campaign(&self, write: FundWrite) -> Result<i64, WriteError> {
        self.submit(|reply| writer::Job::Fund(write, reply)).await
    }

    /// Hands a job to the writer and waits for its commit, at most `self.write_wait` in all.
    /// Giving up drops the reply channel, which tells the writer the job is abandoned.
    async fn submit<T>(
        &self,
        job: impl FnOnce(oneshot::Sender<Result<T, WriteError>>) -> writer::Job,
    ) -> Result<T, WriteError> {
        self.submit_within(self.write_wait, job).await
    }

    async fn submit_within<T>(
        &self,
        wait: Duration,
        job: impl FnOnce(oneshot::Sender<Result<T, WriteError>>) -> writer::Job,
    ) -> Result<T, WriteError> {
        let (reply, answer) = oneshot::channel();
        let committed = async {
            self.writes
                .send(job(reply))
                .await
                .map_err(|_| WriteError::Store(StoreError::WriterGone))?;
            answer
                .await
                .map_err(|_| WriteError::Store(StoreError::WriterGone))?
        };
        match tokio::time::timeout(wait, committed).await {
            Ok(result) => result,
            Err(_) => Err(WriteError::Store(StoreError::WriteTimedOut {
                waited_ms: wait.as_millis() as u64,
            })),
        }
    }

    /// Whether writes can commit now: the writer commits an empty transaction (on SQLite that
    /// takes the database's write lock) and the read pool answers, both within `wait`.
    pub async fn ready(&self, wait: Duration) -> Result<(), StoreError> {
        let started = std::time::Instant::now();
        self.submit_within(wait, writer::Job::Ping)
            .await
            .map_err(|error| match error {
                WriteError::Store(error) => error,
                WriteError::Rejected(rejection) => StoreError::Corrupt(rejection.to_string()),
            })?;
        let left = wait.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, self.ping()).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::ReadTimedOut {
                waited_ms: wait.as_millis() as u64,
            }),
        }
    }

    /// A player's spendable balance, pending withdrawals and earnings on `earning_day`, in fen.
    pub async fn balance(&self, player_id: &str, earning_day: i64) -> Result<Balance, StoreError> {
        let balance_fen = self.account_balance(&player_account(player_id)).await?;
        let pending_fen = self.account_balance(&pending_account(player_id)).await?;
        let earned_today_fen: Option<i64> = sqlx::query(
            "SELECT earned_fen FROM daily_earnings WHERE player_id = $1 AND earning_day = $2",
        )
        .bind(player_id)
        .bind(earning_day)
        .fetch_optional(&self.pool)
        .await?
        .map(|row| row.try_get(0))
        .transpose()?;
        Ok(Balance {
            balance_fen,
            pending_withdrawal_fen: pending_fen,
            earned_today_fen: earned_today_fen.unwrap_or(0),
        })
    }

    /// Balance of any account; 0 for one that does not exist yet.
    pub async fn account_balance(&self, account: &str) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT balance_fen FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => row.try_get(0)?,
            None => 0,
        })
    }

    /// Transfers touching a player's accounts, newest first, before sequence number `before_seq`.
    pub async fn history(
        &self,
        player_id: &str,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<TransferView>, StoreError> {
        let player = player_account(player_id);
        let pending = pending_account(player_id);
        let rows = sqlx::query(
            "SELECT seq, id, debit_account, credit_account, amount_fen, kind, created_at_ms \
             FROM transfers \
             WHERE (debit_account = $1 OR credit_account = $1 OR debit_account = $2 OR credit_account = $2) \
               AND seq < $3 \
             ORDER BY seq DESC LIMIT $4",
        )
        .bind(&player)
        .bind(&pending)
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, PAGE_ROWS_MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(TransferView {
                    seq: row.try_get(0)?,
                    id: row.try_get(1)?,
                    debit_account: row.try_get(2)?,
                    credit_account: row.try_get(3)?,
                    amount_fen: row.try_get(4)?,
                    kind: row.try_get(5)?,
                    created_at_ms: row.try_get(6)?,
                })
            })
            .collect()
    }

    /// Best ranked score per player on a level, highest first (ties by player id).
    pub async fn leaderboard(
        &self,
        level_id: &str,
        limit: i64,
    ) -> Result<Vec<LeaderboardRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT s.player_id, MAX(s.score) AS best {RANKED_GAMES} \
             GROUP BY s.player_id ORDER BY best DESC, s.player_id LIMIT $2"
        ))
        .bind(level_id)
        .bind(limit.clamp(1, PAGE_ROWS_MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(LeaderboardRow {
                    player_id: row.try_get(0)?,
                    score: row.try_get(1)?,
                })
            })
            .collect()
    }

    /// The player's place on a level's leaderboard, in the order of [`Store::leaderboard`]:
    /// `(rank, best score)`, or `None` before the player has a ranked game there.
    pub async fn leaderboard_rank(
        &self,
        level_id: &str,
        player_id: &str,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        let row = sqlx::query(&format!(
            "WITH best AS (SELECT s.player_id, MAX(s.score) AS best {RANKED_GAMES} \
                           GROUP BY s.player_id) \
             SELECT (SELECT COUNT(*) FROM best o \
                     WHERE o.best > me.best OR (o.best = me.best AND o.player_id < me.player_id)) \
                    + 1, me.best \
             FROM best me WHERE me.player_id = $2"
        ))
        .bind(level_id)
        .bind(player_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .transpose()
    }

    /// The kept proof of `player_id`'s ranked game scoring `score` on a level (the earliest of
    /// equals): what a leaderboard entry's ghost replay plays. `None` when no ranked game of
    /// that score is left or its proof was not kept (games accepted before proofs were).
    pub async fn ranked_proof(
        &self,
        level_id: &str,
        player_id: &str,
        score: i64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(session_id) = self.ranked_session(level_id, player_id, score).await? else {
            return Ok(None);
        };
        let row = sqlx::query("SELECT proof_hex FROM game_proofs WHERE session_id = $1")
            .bind(&session_id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(hex) = row.map(|row| row.try_get::<String, _>(0)).transpose()? else {
            return Ok(None);
        };
        crate::hex::decode(&hex).map(Some).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "the kept proof of {player_id}'s best game on {level_id} is not hex"
            ))
        })
    }

    /// The session of `player_id`'s ranked game scoring `score` on a level, the earliest of
    /// equals: the game a leaderboard entry stands for.
    async fn ranked_session(
        &self,
        level_id: &str,
        player_id: &str,
        score: i64,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT s.session_id {RANKED_GAMES} AND s.player_id = $2 AND s.score = $3 \
             ORDER BY s.consumed_at_ms, s.session_id LIMIT 1"
        ))
        .bind(level_id)
        .bind(player_id)
        .bind(score)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| row.try_get(0)).transpose()?)
    }

    /// The ids of a player's withdrawals not yet paid or returned (ledger status `pending`),
    /// newest first, at most `limit`: what a client finds again after a restart.
    pub async fn player_open_withdrawals(
        &self,
        player_id: &str,
        limit: i64,
    ) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT id FROM withdrawals WHERE player_id = $1 AND status = $2 \
             ORDER BY requested_at_ms DESC, id DESC LIMIT $3",
        )
        .bind(player_id)
        .bind(policy::PENDING)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?)
    }

    /// Milliseconds `player_id` spent in games issued since `since_ms`: each ticket from its
    /// issue to its close (a proof, or a forfeit), or to `now_ms` while open, at most
    /// `ticket_ms` (a ticket's lifetime). Tickets are recorded under the one-open-ticket rule
    /// (`risk::policy::TicketRules`); without it this is 0.
    pub async fn played_ms_since(
        &self,
        player_id: &str,
        since_ms: i64,
        now_ms: i64,
        ticket_ms: i64,
    ) -> Result<i64, StoreError> {
        let rows = sqlx::query(
            "SELECT issued_at_ms, closed_at_ms FROM tickets \
             WHERE player_id = $1 AND issued_at_ms >= $2",
        )
        .bind(player_id)
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?;
        let mut played_ms = 0;
        for row in &rows {
            let issued: i64 = row.try_get(0)?;
            let closed: Option<i64> = row.try_get(1)?;
            played_ms += (closed.unwrap_or(now_ms) - issued).clamp(0, ticket_ms);
        }
        Ok(played_ms)
    }

    /// A withdrawal with its current payout state.
    pub async fn withdrawal(&self, id: &str) -> Result<Option<WithdrawalRecord>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        let row = sqlx::query(&format!(
            "SELECT {} FROM withdrawals WHERE id = $1",
            payouts::WITHDRAWAL_COLUMNS
        ))
        .bind(id)
        .fetch_optional(&mut *connection)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut record = writer::withdrawal_from_row(&row, false)?;
        record.state = payouts::current_state(&mut connection, &record)
            .await?
            .as_str()
            .to_string();
        Ok(Some(record))
    }

    /// The verdict recorded for `session_id`, if its session was consumed. A read outside the
    /// writer: a `None` may be stale by the time a verdict is written, which the writer's
    /// primary key settles. It precedes a write on the proof path, so it waits no longer than a
    /// write may (`write_wait`): a locked table answers `storage_timeout`, never a hung request.
    pub async fn decided(&self, session_id: &str) -> Result<Option<VerdictRecord>, StoreError> {
        let read = async {
            let mut connection = self.pool.acquire().await?;
            Ok(writer::stored_verdict(&mut connection, session_id).await?)
        };
        match tokio::time::timeout(self.write_wait, read).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::ReadTimedOut {
                waited_ms: self.write_wait.as_millis() as u64,
            }),
        }
    }

    /// Whether a risk decision or the platform's rank flagged the player (their withdrawals
    /// then wait for review).
    pub async fn player_flagged(&self, player_id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 FROM player_risk WHERE player_id = $1 AND flagged_at_ms IS NOT NULL",
        )
        .bind(player_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// What the ledger knows of a player's risk, read outside any write: the service's guess,
    /// before judging a game, at whether play quality can change its decision (the verdict's
    /// transaction reads it again to decide).
    pub async fn player_facts(
        &self,
        player_id: &str,
        now_ms: i64,
        policy: &crate::risk::RiskPolicy,
    ) -> Result<crate::risk::PlayerFacts, StoreError> {
        let mut connection = self.pool.acquire().await?;
        Ok(risk::player_facts(&mut connection, player_id, now_ms, policy).await?)
    }

    /// A game's risk assessment as recorded beside its verdict, signals and explanations
    /// included; `None` for a game judged without a risk check.
    pub async fn risk_assessment(
        &self,
        session_id: &str,
    ) -> Result<Option<crate::risk::Assessment>, StoreError> {
        let row = sqlx::query(
            "SELECT score_milli, decision, signals FROM risk_verdicts WHERE session_id = $1",
        )
        .bind(session_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let (score_milli, decision, signals): (i64, String, String) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let corrupt =
            |what: String| StoreError::Corrupt(format!("risk verdict {session_id}: {what}"));
        Ok(Some(crate::risk::Assessment {
            score: score_milli as f64 / 1000.0,
            decision: crate::risk::Decision::from_code(&decision)
                .ok_or_else(|| corrupt(format!("decision {decision:?}")))?,
            signals: serde_json::from_str(&signals)
                .map_err(|error| corrupt(format!("signals: {error}")))?,
        }))
    }

    /// The players linked to `player_id`, one row per shared fact: `(link kind, other player)`,
    /// in order (`store/risk.rs` clusters them; the operator sees why).
    pub async fn linked_accounts(
        &self,
        player_id: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT mine.kind, theirs.player_id FROM account_links mine \
             JOIN account_links theirs ON theirs.kind = mine.kind AND theirs.value = mine.value \
             WHERE mine.player_id = $1 AND theirs.player_id <> $1 \
             ORDER BY mine.kind, theirs.player_id",
        )
        .bind(player_id)
        .fetch_all(&self.pool)
        .await?;
        let links = rows
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(links)
    }

    /// Counts of rows, for tests and the operator: `(transfers, sessions, withdrawals)`.
    pub async fn counts(&self) -> Result<(i64, i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM transfers), (SELECT COUNT(*) FROM sessions), \
                    (SELECT COUNT(*) FROM withdrawals)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?))
    }

    /// Checks every ledger invariant; see [`LedgerReport`].
    pub async fn check_ledger(
        &self,
        daily_cap_fen: Option<i64>,
    ) -> Result<LedgerReport, StoreError> {
        let mut connection = self.pool.acquire().await?;
        audit::check(&mut connection, daily_cap_fen).await
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Balance {
    pub balance_fen: i64,
    pub pending_withdrawal_fen: i64,
    pub earned_today_fen: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferView {
    pub seq: i64,
    pub id: String,
    pub debit_account: String,
    pub credit_account: String,
    pub amount_fen: i64,
    pub kind: String,
    pub created_at_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderboardRow {
    pub player_id: String,
    pub score: i64,
}

fn connect_options(
    config: &StoreConfig,
    dialect: Dialect,
) -> Result<AnyConnectOptions, StoreError> {
    let url = match dialect {
        // `mode=rwc` creates the file on first use.
        Dialect::Sqlite if !config.url.contains('?') => format!("{}?mode=rwc", config.url),
        _ => config.url.clone(),
    };
    let options = AnyConnectOptions::from_str(&url)?;
    Ok(options.disable_statement_logging())
}

async fn connect(
    options: &AnyConnectOptions,
    dialect: Dialect,
    config: &StoreConfig,
) -> Result<AnyConnection, StoreError> {
    let mut connection = tokio::time::timeout(
        Duration::from_secs(CONNECT_TIMEOUT_S),
        AnyConnection::connect_with(options),
    )
    .await
    .map_err(|_| StoreError::Database(sqlx::Error::PoolTimedOut))??;
    prepare_connection(&mut connection, dialect, config.postgres_schema.clone()).await?;
    Ok(connection)
}

/// Per-connection settings: SQLite's durability and locking, PostgreSQL's schema.
fn prepare_connection(
    connection: &mut AnyConnection,
    dialect: Dialect,
    schema: Option<String>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), sqlx::Error>> + Send + '_>> {
    Box::pin(async move {
        match dialect {
            Dialect::Sqlite => {
                // WAL lets readers run beside the writer; synchronous=FULL makes every commit durable
                // on power loss, not only on process crash.
                for pragma in [
                    "PRAGMA journal_mode = WAL".to_string(),
                    "PRAGMA synchronous = FULL".to_string(),
                    "PRAGMA foreign_keys = ON".to_string(),
                    format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"),
                ] {
                    sqlx::query(&pragma).execute(&mut *connection).await?;
                }
            }
            Dialect::Postgres => {
                if let Some(schema) = schema {
                    // The name was checked to be [a-z0-9_]+ in `Store::open`.
                    let create = format!("CREATE SCHEMA IF NOT EXISTS {schema}");
                    sqlx::query(&create).execute(&mut *connection).await?;
                    let search_path = format!("SET search_path TO {schema}");
                    sqlx::query(&search_path).execute(&mut *connection).await?;
                }
            }
        }
        Ok(())
    })
}

async fn migrate(connection: &mut AnyConnection, dialect: Dialect) -> Result<(), StoreError> {
    if dialect == Dialect::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK_ID)
            .execute(&mut *connection)
            .await?;
    }
    let result = migrate_locked(connection, dialect).await;
    if dialect == Dialect::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK_ID)
            .execute(&mut *connection)
            .await?;
    }
    result
}

async fn migrate_locked(
    connection: &mut AnyConnection,
    dialect: Dialect,
) -> Result<(), StoreError> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at_ms BIGINT NOT NULL)",
    )
    .execute(&mut *connection)
    .await?;
    let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(&mut *connection)
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    let current = applied.iter().copied().max().unwrap_or(0);
    let known = schema::MIGRATIONS.last().map_or(0, |migration| migration.0);
    if current > known {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known,
        });
    }
    for &(version, sqlite, postgres) in schema::MIGRATIONS {
        // Each version not yet applied runs, even below the highest applied: numbers are
        // reserved by independent changes, which may land in any order.
        if applied.contains(&version) {
            continue;
        }
        let text = schema::migration_text(dialect, sqlite, postgres);
        let migration = |source| StoreError::Migration { version, source };
        // SQLite's way to change a table: rebuild it with foreign keys off (the pragma is a
        // no-op inside a transaction), and check them before the commit.
        if dialect == Dialect::Sqlite {
            sqlx::query("PRAGMA foreign_keys = OFF")
                .execute(&mut *connection)
                .await
                .map_err(migration)?;
        }
        sqlx::query(dialect.begin())
            .execute(&mut *connection)
            .await
            .map_err(migration)?;
        let applied = async {
            run_script(&mut *connection, text).await?;
            if dialect == Dialect::Sqlite {
                let broken = sqlx::query("PRAGMA foreign_key_check")
                    .fetch_all(&mut *connection)
                    .await?;
                if let Some(row) = broken.first() {
                    let table: String = row.try_get(0)?;
                    return Err(sqlx::Error::Protocol(format!(
                        "{} rows break a foreign key, the first in table {table}",
                        broken.len()
                    )));
                }
            }
            sqlx::query("INSERT INTO schema_migrations (version, applied_at_ms) VALUES ($1, $2)")
                .bind(version)
                .bind(crate::clock::unix_ms_now() as i64)
                .execute(&mut *connection)
                .await?;
            sqlx::query("COMMIT").execute(&mut *connection).await
        }
        .await;
        if let Err(source) = applied {
            let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
            return Err(migration(source));
        }
        if dialect == Dialect::Sqlite {
            sqlx::query("PRAGMA foreign_keys = ON")
                .execute(&mut *connection)
                .await
                .map_err(migration)?;
        }
    }
    Ok(())
}

/// Runs a script of several statements. (`raw_sql(..).execute` trips a higher-ranked lifetime
/// limitation of the compiler inside spawned tasks; `execute_many` does not.)
async fn run_script(connection: &mut AnyConnection, script: &str) -> Result<(), sqlx::Error> {
    use futures_util::StreamExt;
    let mut results = sqlx::raw_sql(script).execute_many(&mut *connection);
    while let Some(result) = results.next().await {
        result?;
    }
    Ok(())
}
