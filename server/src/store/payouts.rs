//! The payout state machine in storage: each withdrawal's transitions, appended in the writer's
//! transactions, and the ledger moves that go with its terminal state.
//!
//! A transition is decided by [`rails::step`] against the withdrawal's current state (its last
//! appended row, or for a withdrawal stored before schema 3, its ledger status), under the
//! withdrawal's row lock. `(withdrawal_id, state)` is unique, so a state is entered at most once
//! whatever the number of writers; entering a terminal state moves the money in the same
//! transaction through [`policy::settle`], whose transfer ids make each move happen once.

use sqlx::{AnyConnection, Row};

use super::policy::{self, pending_account, player_account, transfer_id, Settlement, SETTLED};
use super::writer::{transfer, withdrawal_from_row, Batch, LedgerRejection, WithdrawalRecord};
use super::StoreError;
use crate::rails::{self, Evidence, PayoutState, RailKind, Step, TransitionRefused};

/// A provider's (or the operator's) report that a withdrawal reached `to`.
#[derive(Clone, Debug)]
pub struct AdvanceWrite {
    pub withdrawal_id: String,
    pub to: PayoutState,
    pub evidence: Evidence,
    pub now_ms: i64,
}

/// One stored transition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitionView {
    pub seq: i64,
    pub state: PayoutState,
    pub source: String,
    pub provider_state: Option<String>,
    pub payload_sha256: Option<String>,
    /// The fields read from the provider's payload, as a JSON object.
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub at_ms: i64,
}

/// Who asks for a transition: the operator may only settle manual withdrawals, a provider's
/// report only moves withdrawals on its own rail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Actor {
    Operator,
    Provider,
}

pub(super) const WITHDRAWAL_COLUMNS: &str =
    "id, player_id, amount_fen, status, requested_at_ms, rail";

/// The withdrawal's state: its last transition, or what its ledger status says.
pub(super) async fn current_state(
    connection: &mut AnyConnection,
    record: &WithdrawalRecord,
) -> Result<PayoutState, sqlx::Error> {
    let last: Option<String> = sqlx::query(
        "SELECT state FROM payout_transitions WHERE withdrawal_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(&record.id)
    .fetch_optional(&mut *connection)
    .await?
    .map(|row| row.try_get(0))
    .transpose()?;
    let state = match last {
        Some(name) => PayoutState::parse(&name),
        None => PayoutState::from_ledger_status(&record.status),
    };
    state.ok_or_else(|| {
        corrupt(format!(
            "withdrawal {} has an unknown state (status {:?})",
            record.id, record.status
        ))
    })
}

/// Appends the transition into `to` with its evidence.
pub(super) async fn append(
    connection: &mut AnyConnection,
    withdrawal_id: &str,
    to: PayoutState,
    evidence: &Evidence,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let fields = serde_json::Value::Object(evidence.fields.clone()).to_string();
    sqlx::query(
        "INSERT INTO payout_transitions \
             (withdrawal_id, state, source, provider_state, payload_sha256, fields, at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(withdrawal_id)
    .bind(to.as_str())
    .bind(evidence.source.as_str())
    .bind(evidence.provider_state.as_deref())
    .bind(evidence.payload_sha256.as_deref())
    .bind(fields)
    .bind(now_ms)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// Moves a withdrawal to `write.to` if the machine allows it; on a terminal state, settles the
/// ledger in the same transaction. A repeat answers the record with `created: false`.
pub(super) async fn advance(
    connection: &mut AnyConnection,
    batch: &mut Batch,
    write: &AdvanceWrite,
    actor: Actor,
) -> Result<Result<WithdrawalRecord, LedgerRejection>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {WITHDRAWAL_COLUMNS} FROM withdrawals WHERE id = $1{}",
        batch.dialect.for_update()
    ))
    .bind(&write.withdrawal_id)
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else {
        return Ok(Err(LedgerRejection::WithdrawalNotFound(
            write.withdrawal_id.clone(),
        )));
    };
    let mut record = withdrawal_from_row(&row, false).map_err(to_sqlx)?;
    let rail = RailKind::parse(&record.rail).ok_or_else(|| {
        corrupt(format!(
            "withdrawal {} has rail {:?}",
            record.id, record.rail
        ))
    })?;
    // The player's own cancellation of a manual withdrawal needs no provider's word.
    let player_cancels_manual = !rail.has_provider()
        && write.to == PayoutState::Cancelled
        && write.evidence.source == rails::Source::Cancel;
    if !player_cancels_manual && (actor == Actor::Operator) == rail.has_provider() {
        return Ok(Err(LedgerRejection::WrongRail {
            id: record.id,
            rail: record.rail,
        }));
    }
    let from = current_state(connection, &record).await?;
    record.state = from.as_str().to_string();
    match rails::step(from, write.to) {
        Ok(Step::Repeat) => return Ok(Ok(record)),
        Ok(Step::Advance) => {}
        Err(refused) => return Ok(Err(refusal(&record, refused, actor))),
    }
    append(
        connection,
        &record.id,
        write.to,
        &write.evidence,
        write.now_ms,
    )
    .await?;
    if let Some(paid) = write.to.settles_as_paid() {
        if let Err(rejection) =
            settle_ledger(connection, batch, &mut record, paid, write.now_ms).await?
        {
            return Ok(Err(rejection));
        }
    }
    record.state = write.to.as_str().to_string();
    record.created = true;
    Ok(Ok(record))
}

/// The operator sees the refusal they always saw (`withdrawal_already_settled`); a provider's
/// out-of-order report is a refused transition, logged by the caller.
fn refusal(record: &WithdrawalRecord, refused: TransitionRefused, actor: Actor) -> LedgerRejection {
    match actor {
        Actor::Operator => LedgerRejection::WithdrawalSettled {
            id: record.id.clone(),
            status: record.status.clone(),
        },
        Actor::Provider => LedgerRejection::TransitionRefused {
            id: record.id.clone(),
            refused,
        },
    }
}

/// Moves the amount out of pending: to `settled` when paid, back to the player otherwise.
async fn settle_ledger(
    connection: &mut AnyConnection,
    batch: &mut Batch,
    record: &mut WithdrawalRecord,
    paid: bool,
    now_ms: i64,
) -> Result<Result<(), LedgerRejection>, sqlx::Error> {
    let target = match policy::settle(&record.id, &record.status, paid) {
        Ok(Settlement::Repeat) => return Ok(Ok(())),
        Ok(Settlement::Move { to }) => to,
        Err(rejection) => return Ok(Err(rejection)),
    };
    let pending = pending_account(&record.player_id);
    let (credit, kind, credit_kind) = if paid {
        (SETTLED.to_string(), "withdrawal_paid", "settled")
    } else {
        (
            player_account(&record.player_id),
            "withdrawal_failed",
            "player",
        )
    };
    transfer(
        connection,
        batch,
        &transfer_id::settlement(&record.id, paid),
        &pending,
        (&credit, credit_kind),
        record.amount_fen,
        kind,
        None,
        now_ms,
    )
    .await?;
    sqlx::query("UPDATE withdrawals SET status = $1, settled_at_ms = $2 WHERE id = $3")
        .bind(target)
        .bind(now_ms)
        .bind(&record.id)
        .execute(&mut *connection)
        .await?;
    record.status = target.into();
    Ok(Ok(()))
}

/// What `player_id` withdrew since `since_ms` that has not come back (pending or paid), in fen.
pub(super) async fn withdrawn_since(
    connection: &mut AnyConnection,
    player_id: &str,
    since_ms: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM withdrawals \
         WHERE player_id = $1 AND requested_at_ms >= $2 AND status <> 'failed'",
    )
    .bind(player_id)
    .bind(since_ms)
    .fetch_one(&mut *connection)
    .await?
    .try_get(0)
}

/// A withdrawal's transitions in order.
pub(super) async fn transitions(
    connection: &mut AnyConnection,
    withdrawal_id: &str,
) -> Result<Vec<TransitionView>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, state, source, provider_state, payload_sha256, fields, at_ms \
         FROM payout_transitions WHERE withdrawal_id = $1 ORDER BY seq",
    )
    .bind(withdrawal_id)
    .fetch_all(&mut *connection)
    .await?;
    rows.iter()
        .map(|row| {
            let state: String = row.try_get(1)?;
            let fields: String = row.try_get(5)?;
            Ok(TransitionView {
                seq: row.try_get(0)?,
                state: PayoutState::parse(&state)
                    .ok_or_else(|| StoreError::Corrupt(format!("payout state {state:?}")))?,
                source: row.try_get(2)?,
                provider_state: row.try_get(3)?,
                payload_sha256: row.try_get(4)?,
                fields: match serde_json::from_str(&fields) {
                    Ok(serde_json::Value::Object(map)) => map,
                    _ => return Err(StoreError::Corrupt(format!("transition fields {fields:?}"))),
                },
                at_ms: row.try_get(6)?,
            })
        })
        .collect()
}

/// Withdrawals on `rail` requested in `[start_ms, end_ms)`, with their payout state, oldest
/// first: the ledger's side of a day's reconciliation.
pub(super) async fn requested_between(
    connection: &mut AnyConnection,
    rail: RailKind,
    start_ms: i64,
    end_ms: i64,
) -> Result<Vec<WithdrawalRecord>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {WITHDRAWAL_COLUMNS} FROM withdrawals \
         WHERE rail = $1 AND requested_at_ms >= $2 AND requested_at_ms < $3 \
         ORDER BY requested_at_ms, id"
    ))
    .bind(rail.as_str())
    .bind(start_ms)
    .bind(end_ms)
    .fetch_all(&mut *connection)
    .await?;
    let mut records = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut record = withdrawal_from_row(row, false)?;
        record.state = current_state(connection, &record)
            .await?
            .as_str()
            .to_string();
        records.push(record);
    }
    Ok(records)
}

/// Withdrawals on `rail` still pending in the ledger (not yet in a terminal state), oldest
/// first, at most `limit`.
pub(super) async fn open_withdrawals(
    connection: &mut AnyConnection,
    rail: RailKind,
    limit: i64,
) -> Result<Vec<WithdrawalRecord>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {WITHDRAWAL_COLUMNS} FROM withdrawals WHERE status = 'pending' AND rail = $1 \
         ORDER BY requested_at_ms, id LIMIT $2"
    ))
    .bind(rail.as_str())
    .bind(limit)
    .fetch_all(&mut *connection)
    .await?;
    let mut records = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut record = withdrawal_from_row(row, false)?;
        record.state = current_state(connection, &record)
            .await?
            .as_str()
            .to_string();
        records.push(record);
    }
    Ok(records)
}

fn corrupt(message: String) -> sqlx::Error {
    sqlx::Error::Protocol(message)
}

fn to_sqlx(error: StoreError) -> sqlx::Error {
    match error {
        StoreError::Database(error) => error,
        other => corrupt(other.to_string()),
    }
}

/// Records the player's request to cancel `withdrawal_id`, once; `true` when this call made it.
pub(super) async fn request_cancel(
    connection: &mut AnyConnection,
    withdrawal_id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO payout_cancel_requests (withdrawal_id, requested_at_ms) VALUES ($1, $2) \
         ON CONFLICT (withdrawal_id) DO NOTHING",
    )
    .bind(withdrawal_id)
    .bind(now_ms)
    .execute(&mut *connection)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Whether the player asked to cancel `withdrawal_id`.
pub(super) async fn cancel_requested(
    connection: &mut AnyConnection,
    withdrawal_id: &str,
) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT 1 FROM payout_cancel_requests WHERE withdrawal_id = $1")
            .bind(withdrawal_id)
            .fetch_optional(&mut *connection)
            .await?
            .is_some(),
    )
}
