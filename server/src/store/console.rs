//! The operator console's reads (`crate::operator`), and the one write it needs: the proof of
//! each accepted game, kept in the verdict's transaction so every verified game stays
//! watchable.
//!
//! Queries select and order rows; what a row means (held, awaiting review, funded, spent) is
//! decided here in Rust from constants the ledger's own code uses, never in the SQL text.
//! Lists that grow are pages under a keyset [`Cursor`], so a page stays stable while operators
//! review what is on it. Rows the console shows as they are serialize as they are
//! (`crate::operator::views` adds a shape only where the wire differs).

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::operator_log::{self, OperatorAction, OperatorActionRow};
use super::policy::{held_account, pending_account, player_account, PENDING};
use super::risk::REVIEW_WAITING;
use super::writer::{withdrawal_from_row, VerdictWrite, WithdrawalRecord};
use super::{payouts, Store, StoreError, TransferView, TransitionView, PAGE_ROWS_MAX};
use crate::risk::{Decision, Signal};

/// Most account links listed for one player (each with the players sharing it): an address
/// seen from a hundred places is already a finding, and the page stays readable.
pub const LINK_ROWS_MAX: i64 = 200;
/// Most campaigns listed: the payout book names every campaign, a handful in practice.
pub const CAMPAIGN_ROWS_MAX: i64 = 100;
/// The transfer kind that moves sponsor money into a campaign (written by the writer's fund).
const CAMPAIGN_FUND_KIND: &str = "campaign_fund";

/// A place in a list ordered by time then id: the last row of the previous page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub at_ms: i64,
    pub id: String,
}

/// A consumed session as the ledger recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GameRow {
    pub session_id: String,
    pub player_id: String,
    pub level_id: String,
    /// `accepted`, `abandoned` or a rejection's reason code.
    pub verdict: String,
    pub message: String,
    pub score: i64,
    pub stars: i64,
    pub payout_fen: i64,
    pub boost_fen: i64,
    pub consumed_at_ms: i64,
}

/// The risk decision recorded beside a game's verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RiskRow {
    /// The weighted score in thousandths; the console reads it as `score`, from 0 to 1.
    #[serde(rename = "score", serialize_with = "thousandths_as_fraction")]
    pub score_milli: i64,
    /// `pay`, `flag`, `hold` or `refuse`.
    pub decision: String,
    /// Every signal with its measured value and plain explanation.
    pub signals: Vec<Signal>,
    pub held_fen: i64,
    pub refused_fen: i64,
    /// `released` or `confiscated` once an operator reviewed the hold.
    pub review: Option<String>,
    pub reviewed_at_ms: Option<i64>,
    pub decided_at_ms: i64,
    /// The operator who reviewed the hold.
    pub reviewed_by: Option<String>,
}

fn thousandths_as_fraction<S: serde::Serializer>(
    milli: &i64,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(*milli as f64 / 1000.0)
}

/// A game with its risk decision, if it had a risk check.
#[derive(Clone, Debug, PartialEq)]
pub struct AssessedGame {
    pub game: GameRow,
    pub risk: Option<RiskRow>,
}

/// One game in full: the verdict, the risk decision, the proof it was judged from and every
/// money movement it caused (payout, boost, release or confiscation).
#[derive(Clone, Debug, PartialEq)]
pub struct GameRecord {
    pub assessed: AssessedGame,
    /// The exact bytes received; `None` for games that were not accepted, or accepted before
    /// proofs were kept (schema version 7).
    pub proof: Option<Vec<u8>>,
    pub transfers: Vec<TransferView>,
}

/// A fact tying the player to others, and the others who share it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinkRow {
    /// `address`, `union_id` or `payee_name`.
    pub kind: String,
    pub value: String,
    pub first_seen_ms: i64,
    /// The other players seen with the same value.
    pub shared_with: Vec<String>,
}

/// A withdrawal request parked for review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReviewRow {
    pub review_id: String,
    pub player_id: String,
    pub amount_fen: i64,
    /// `waiting`, `approved` or `rejected`.
    pub status: String,
    pub requested_at_ms: i64,
    pub decided_at_ms: Option<i64>,
    /// The withdrawal an approval made.
    pub withdrawal_id: Option<String>,
    /// The operator who approved or rejected it.
    pub decided_by: Option<String>,
}

/// A withdrawal with its walk through the payout state machine.
#[derive(Clone, Debug, PartialEq)]
pub struct WithdrawalHistory {
    pub withdrawal: WithdrawalRecord,
    pub transitions: Vec<TransitionView>,
}

/// The player's risk counters (`player_risk`), zero for a player never assessed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PlayerRiskRow {
    pub games_played: i64,
    pub games_abandoned: i64,
    pub platform_risk_rank: i64,
    pub flagged_at_ms: Option<i64>,
}

/// Everything an operator weighs about one player.
#[derive(Clone, Debug, PartialEq)]
pub struct PlayerRecord {
    pub player_id: String,
    pub risk: PlayerRiskRow,
    pub balance_fen: i64,
    pub held_fen: i64,
    pub pending_fen: i64,
    /// Newest first, one page; with the risk decisions they make the risk over time.
    pub games: Vec<AssessedGame>,
    pub links: Vec<LinkRow>,
    /// Newest first, one page.
    pub withdrawals: Vec<WithdrawalRecord>,
    /// Newest first, one page.
    pub reviews: Vec<ReviewRow>,
}

/// The withdrawals screen: what waits for an operator, what waits for a provider, and a page of
/// every withdrawal, newest first, each with its state history.
#[derive(Clone, Debug, PartialEq)]
pub struct WithdrawalsRecord {
    pub awaiting_review: Vec<ReviewRow>,
    pub open: Vec<WithdrawalHistory>,
    pub recent: Vec<WithdrawalHistory>,
}

/// A sponsor campaign's money: `left = funded + returned - spent`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CampaignBudget {
    pub campaign_id: String,
    pub funded_fen: i64,
    /// Boosts paid to players (held ones included).
    pub spent_fen: i64,
    /// Boosts of confiscated holds, back in the budget.
    pub returned_fen: i64,
    pub left_fen: i64,
}

/// Keeps an accepted game's proof, once: called by the writer after a first verdict.
pub(super) async fn keep_proof(
    connection: &mut AnyConnection,
    write: &VerdictWrite,
) -> Result<(), sqlx::Error> {
    let (Ok(_), Some(proof)) = (&write.verdict, &write.proof) else {
        return Ok(());
    };
    sqlx::query("INSERT INTO game_proofs (session_id, proof_hex) VALUES ($1, $2)")
        .bind(&write.session.session_id)
        .bind(crate::hex::encode(proof))
        .execute(&mut *connection)
        .await?;
    Ok(())
}

const GAME_COLUMNS: &str = "s.session_id, s.player_id, s.level_id, s.verdict, s.message, s.score, \
     s.stars, s.payout_fen, s.boost_fen, s.consumed_at_ms";
/// A risk decision's columns, and who reviewed its hold.
fn risk_columns() -> String {
    format!(
        "r.score_milli, r.decision, r.signals, r.held_fen, r.refused_fen, r.review, \
         r.reviewed_at_ms, r.decided_at_ms, {}",
        operator_log::decided_by_sql(&OperatorAction::HOLD_REVIEWS, "r.session_id")
    )
}
/// Columns 0-9 the game, 10-18 its risk decision (NULL without one).
const ASSESSED_COLUMNS: usize = 19;
const ASSESSED_FROM: &str = "sessions s LEFT JOIN risk_verdicts r ON r.session_id = s.session_id";

fn game_from_row(row: &AnyRow) -> Result<AssessedGame, StoreError> {
    let game = GameRow {
        session_id: row.try_get(0)?,
        player_id: row.try_get(1)?,
        level_id: row.try_get(2)?,
        verdict: row.try_get(3)?,
        message: row.try_get(4)?,
        score: row.try_get(5)?,
        stars: row.try_get(6)?,
        payout_fen: row.try_get(7)?,
        boost_fen: row.try_get(8)?,
        consumed_at_ms: row.try_get(9)?,
    };
    let decision: Option<String> = row.try_get(11)?;
    let risk = match decision {
        None => None,
        Some(decision) => {
            let signals: String = row.try_get(12)?;
            let signals = serde_json::from_str(&signals).map_err(|error| {
                StoreError::Corrupt(format!(
                    "risk verdict of {}: signals: {error}",
                    game.session_id
                ))
            })?;
            Some(RiskRow {
                score_milli: row.try_get(10)?,
                decision,
                signals,
                held_fen: row.try_get(13)?,
                refused_fen: row.try_get(14)?,
                review: row.try_get(15)?,
                reviewed_at_ms: row.try_get(16)?,
                decided_at_ms: row.try_get(17)?,
                reviewed_by: row.try_get(18)?,
            })
        }
    };
    Ok(AssessedGame { game, risk })
}

/// A withdrawal review's columns, and who decided it.
fn review_columns() -> String {
    format!(
        "review_id, player_id, amount_fen, status, requested_at_ms, decided_at_ms, \
         withdrawal_id, {}",
        operator_log::decided_by_sql(&OperatorAction::WITHDRAWAL_REVIEWS, "review_id")
    )
}

fn review_from_row(row: &AnyRow) -> Result<ReviewRow, StoreError> {
    Ok(ReviewRow {
        review_id: row.try_get(0)?,
        player_id: row.try_get(1)?,
        amount_fen: row.try_get(2)?,
        status: row.try_get(3)?,
        requested_at_ms: row.try_get(4)?,
        decided_at_ms: row.try_get(5)?,
        withdrawal_id: row.try_get(6)?,
        decided_by: row.try_get(7)?,
    })
}

/// The first row after `cursor` in ascending order, or the first of all.
fn after(cursor: Option<&Cursor>) -> (i64, String) {
    cursor.map_or((i64::MIN, String::new()), |cursor| {
        (cursor.at_ms, cursor.id.clone())
    })
}

/// The first row before `cursor` in descending order, or the newest of all (no row is stamped
/// `i64::MAX`, so the id is never compared then).
fn before(cursor: Option<&Cursor>) -> (i64, String) {
    cursor.map_or((i64::MAX, String::new()), |cursor| {
        (cursor.at_ms, cursor.id.clone())
    })
}

impl Store {
    /// Held games not yet reviewed, oldest first, after `cursor`.
    pub async fn review_queue(
        &self,
        cursor: Option<&Cursor>,
        limit: i64,
    ) -> Result<Vec<AssessedGame>, StoreError> {
        let (at_ms, id) = after(cursor);
        let rows = sqlx::query(&format!(
            "SELECT {GAME_COLUMNS}, {risk} FROM {ASSESSED_FROM} \
             WHERE r.decision = $1 AND r.review IS NULL \
               AND (r.decided_at_ms > $2 OR (r.decided_at_ms = $2 AND r.session_id > $3)) \
             ORDER BY r.decided_at_ms, r.session_id LIMIT $4",
            risk = risk_columns()
        ))
        .bind(Decision::Hold.code())
        .bind(at_ms)
        .bind(id)
        .bind(limit.clamp(1, PAGE_ROWS_MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(game_from_row).collect()
    }

    /// One game in full, if its session was consumed.
    pub async fn game_record(&self, session_id: &str) -> Result<Option<GameRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {GAME_COLUMNS}, {risk}, p.proof_hex FROM {ASSESSED_FROM} \
             LEFT JOIN game_proofs p ON p.session_id = s.session_id WHERE s.session_id = $1",
            risk = risk_columns()
        ))
        .bind(session_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let assessed = game_from_row(&row)?;
        let proof = row
            .try_get::<Option<String>, _>(ASSESSED_COLUMNS)?
            .map(|hex| {
                crate::hex::decode(&hex).ok_or_else(|| {
                    StoreError::Corrupt(format!("the kept proof of {session_id} is not hex"))
                })
            })
            .transpose()?;
        let transfers = sqlx::query(
            "SELECT seq, id, debit_account, credit_account, amount_fen, kind, created_at_ms \
             FROM transfers WHERE session_id = $1 ORDER BY seq",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(transfer_from_row)
        .collect::<Result<_, _>>()?;
        Ok(Some(GameRecord {
            assessed,
            proof,
            transfers,
        }))
    }

    /// A player's record; `games` is the page before `cursor`, newest first. `None` when the
    /// ledger has never seen the player.
    pub async fn player_record(
        &self,
        player_id: &str,
        cursor: Option<&Cursor>,
        limit: i64,
    ) -> Result<Option<PlayerRecord>, StoreError> {
        let limit = limit.clamp(1, PAGE_ROWS_MAX);
        let (at_ms, id) = before(cursor);
        let games = sqlx::query(&format!(
            "SELECT {GAME_COLUMNS}, {risk} FROM {ASSESSED_FROM} \
             WHERE s.player_id = $1 \
               AND (s.consumed_at_ms < $2 OR (s.consumed_at_ms = $2 AND s.session_id < $3)) \
             ORDER BY s.consumed_at_ms DESC, s.session_id DESC LIMIT $4",
            risk = risk_columns()
        ))
        .bind(player_id)
        .bind(at_ms)
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(game_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        let risk = sqlx::query(
            "SELECT games_played, games_abandoned, platform_risk_rank, flagged_at_ms \
             FROM player_risk WHERE player_id = $1",
        )
        .bind(player_id)
        .fetch_optional(&self.pool)
        .await?
        .map(|row| {
            Ok::<_, sqlx::Error>(PlayerRiskRow {
                games_played: row.try_get(0)?,
                games_abandoned: row.try_get(1)?,
                platform_risk_rank: row.try_get(2)?,
                flagged_at_ms: row.try_get(3)?,
            })
        })
        .transpose()?;
        let links = self.links(player_id).await?;
        let withdrawals = sqlx::query(&format!(
            "SELECT {} FROM withdrawals WHERE player_id = $1 \
             ORDER BY requested_at_ms DESC, id DESC LIMIT $2",
            payouts::WITHDRAWAL_COLUMNS
        ))
        .bind(player_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let withdrawals = self.with_states(&withdrawals).await?;
        let reviews = sqlx::query(&format!(
            "SELECT {review} FROM withdrawal_reviews WHERE player_id = $1 \
             ORDER BY requested_at_ms DESC, review_id DESC LIMIT $2",
            review = review_columns()
        ))
        .bind(player_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(review_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        let balance_fen = self.account_balance(&player_account(player_id)).await?;
        let held_fen = self.account_balance(&held_account(player_id)).await?;
        let pending_fen = self.account_balance(&pending_account(player_id)).await?;
        let known = risk.is_some()
            || !games.is_empty()
            || !links.is_empty()
            || !withdrawals.is_empty()
            || !reviews.is_empty()
            || cursor.is_some();
        Ok(known.then(|| PlayerRecord {
            player_id: player_id.to_string(),
            risk: risk.unwrap_or_default(),
            balance_fen,
            held_fen,
            pending_fen,
            games,
            links,
            withdrawals,
            reviews,
        }))
    }

    /// The player's links, each with the other players sharing it.
    async fn links(&self, player_id: &str) -> Result<Vec<LinkRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT mine.kind, mine.value, mine.first_seen_ms, theirs.player_id \
             FROM account_links mine LEFT JOIN account_links theirs \
               ON theirs.kind = mine.kind AND theirs.value = mine.value \
              AND theirs.player_id <> mine.player_id \
             WHERE mine.player_id = $1 \
             ORDER BY mine.kind, mine.value, theirs.player_id LIMIT $2",
        )
        .bind(player_id)
        .bind(LINK_ROWS_MAX)
        .fetch_all(&self.pool)
        .await?;
        let mut links: Vec<LinkRow> = Vec::new();
        for row in &rows {
            let kind: String = row.try_get(0)?;
            let value: String = row.try_get(1)?;
            let other: Option<String> = row.try_get(3)?;
            let same = links
                .last()
                .is_some_and(|link| link.kind == kind && link.value == value);
            if !same {
                links.push(LinkRow {
                    kind,
                    value,
                    first_seen_ms: row.try_get(2)?,
                    shared_with: Vec::new(),
                });
            }
            let link = links.last_mut().expect("pushed above");
            link.shared_with.extend(other);
        }
        Ok(links)
    }

    /// Withdrawal rows with their current payout state.
    async fn with_states(&self, rows: &[AnyRow]) -> Result<Vec<WithdrawalRecord>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            let mut record = withdrawal_from_row(row, false)?;
            record.state = payouts::current_state(&mut connection, &record)
                .await?
                .as_str()
                .to_string();
            records.push(record);
        }
        Ok(records)
    }

    async fn with_histories(&self, rows: &[AnyRow]) -> Result<Vec<WithdrawalHistory>, StoreError> {
        let records = self.with_states(rows).await?;
        let mut connection = self.pool.acquire().await?;
        let mut histories = Vec::with_capacity(records.len());
        for withdrawal in records {
            let transitions = payouts::transitions(&mut connection, &withdrawal.id).await?;
            histories.push(WithdrawalHistory {
                withdrawal,
                transitions,
            });
        }
        Ok(histories)
    }

    /// Reviews waiting and open withdrawals (oldest first, one page each), and the page of all
    /// withdrawals before `cursor`, newest first.
    pub async fn withdrawals_record(
        &self,
        cursor: Option<&Cursor>,
        limit: i64,
    ) -> Result<WithdrawalsRecord, StoreError> {
        let limit = limit.clamp(1, PAGE_ROWS_MAX);
        let awaiting_review = sqlx::query(&format!(
            "SELECT {review} FROM withdrawal_reviews WHERE status = $1 \
             ORDER BY requested_at_ms, review_id LIMIT $2",
            review = review_columns()
        ))
        .bind(REVIEW_WAITING)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(review_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        let open = sqlx::query(&format!(
            "SELECT {} FROM withdrawals WHERE status = $1 ORDER BY requested_at_ms, id LIMIT $2",
            payouts::WITHDRAWAL_COLUMNS
        ))
        .bind(PENDING)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let (at_ms, id) = before(cursor);
        let recent = sqlx::query(&format!(
            "SELECT {} FROM withdrawals \
             WHERE requested_at_ms < $1 OR (requested_at_ms = $1 AND id < $2) \
             ORDER BY requested_at_ms DESC, id DESC LIMIT $3",
            payouts::WITHDRAWAL_COLUMNS
        ))
        .bind(at_ms)
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(WithdrawalsRecord {
            awaiting_review,
            open: self.with_histories(&open).await?,
            recent: self.with_histories(&recent).await?,
        })
    }

    /// Every campaign's budget: funded, spent, returned and left.
    /// The operators' decisions, newest first: a page before `before_seq` (the oldest `seq`
    /// of the previous page), or the newest page.
    pub async fn operator_actions(
        &self,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<OperatorActionRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, operator, action, subject, at_ms FROM operator_actions \
             WHERE seq < $1 ORDER BY seq DESC LIMIT $2",
        )
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, PAGE_ROWS_MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(OperatorActionRow {
                    seq: row.try_get(0)?,
                    operator: row.try_get(1)?,
                    action: row.try_get(2)?,
                    subject: row.try_get(3)?,
                    at_ms: row.try_get(4)?,
                })
            })
            .collect()
    }

    pub async fn campaign_budgets(&self) -> Result<Vec<CampaignBudget>, StoreError> {
        let accounts = sqlx::query(
            "SELECT id, balance_fen FROM accounts WHERE kind = $1 ORDER BY id LIMIT $2",
        )
        .bind(CAMPAIGN_KIND)
        .bind(CAMPAIGN_ROWS_MAX)
        .fetch_all(&self.pool)
        .await?;
        let mut budgets = Vec::with_capacity(accounts.len());
        for account in &accounts {
            let id: String = account.try_get(0)?;
            let mut budget = CampaignBudget {
                campaign_id: id
                    .split_once(':')
                    .map_or(id.as_str(), |(_, name)| name)
                    .into(),
                left_fen: account.try_get(1)?,
                ..CampaignBudget::default()
            };
            // Money in by kind, then money out (two sides of the same account's transfers).
            let sums = sqlx::query(
                "SELECT kind, CAST(1 AS BIGINT), CAST(SUM(amount_fen) AS BIGINT) FROM transfers \
                 WHERE credit_account = $1 GROUP BY kind \
                 UNION ALL \
                 SELECT kind, CAST(0 AS BIGINT), CAST(SUM(amount_fen) AS BIGINT) FROM transfers \
                 WHERE debit_account = $1 GROUP BY kind",
            )
            .bind(&id)
            .fetch_all(&self.pool)
            .await?;
            for sum in &sums {
                let kind: String = sum.try_get(0)?;
                let credited: i64 = sum.try_get(1)?;
                let amount_fen: i64 = sum.try_get(2)?;
                match (credited == 1, kind == CAMPAIGN_FUND_KIND) {
                    (true, true) => budget.funded_fen += amount_fen,
                    (true, false) => budget.returned_fen += amount_fen,
                    (false, _) => budget.spent_fen += amount_fen,
                }
            }
            budgets.push(budget);
        }
        Ok(budgets)
    }
}

/// The account kind of campaign budgets (`accounts.kind`).
const CAMPAIGN_KIND: &str = "campaign";

fn transfer_from_row(row: &AnyRow) -> Result<TransferView, StoreError> {
    Ok(TransferView {
        seq: row.try_get(0)?,
        id: row.try_get(1)?,
        debit_account: row.try_get(2)?,
        credit_account: row.try_get(3)?,
        amount_fen: row.try_get(4)?,
        kind: row.try_get(5)?,
        created_at_ms: row.try_get(6)?,
    })
}
