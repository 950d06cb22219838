//! The risk parts of the ledger, run by the writer inside its transactions: tickets (one open
//! per player; a new one forfeits the old as an abandoned game), the risk verdict written beside
//! each game's verdict, holds and their one review, and the review gate in front of flagged
//! players' withdrawals. Decisions come from [`crate::risk`] and [`super::policy`]; this file
//! reads and writes what they decide.

use sqlx::{AnyConnection, Row};

use super::operator_log::{self, OperatorAction};
use super::policy::{self, held_account, player_account, transfer_id, HOUSE};
use super::writer::{
    read_i64, transfer, withdraw, Batch, LedgerRejection, VerdictWrite, WithdrawWrite,
    WithdrawalRecord,
};
use super::Dialect;
use crate::risk::signals::{PlayedGame, TimeFacts, PLAYER_HISTORY_MS, VELOCITY_POPULATION_GAMES};
use crate::risk::{Assessment, Decision, PlayerFacts};

/// What the writer needs to decide a game's risk: the game's own signals (computed from the
/// replay before the transaction) and the policy that weighs them with the player's.
#[derive(Clone, Debug)]
pub struct RiskCheck {
    pub play_signals: Vec<crate::risk::Signal>,
    pub policy: std::sync::Arc<crate::risk::RiskPolicy>,
}

/// A ticket to record as the player's one open ticket.
#[derive(Clone, Debug)]
pub struct TicketWrite {
    pub session_id: String,
    pub player_id: String,
    pub level_id: String,
    pub earning_day: i64,
    pub now_ms: i64,
    /// The requesting client's address, linked to the player (`account_links`).
    pub address: Option<String>,
}

/// The session forfeited by opening a ticket, if the player had one open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketOpened {
    pub abandoned_session_id: Option<String>,
}

/// The verdict message of a forfeited session.
pub const ABANDONED_MESSAGE: &str =
    "a new ticket was asked for before this game's proof arrived; the game counts as lost";

pub(super) async fn open_ticket(
    connection: &mut AnyConnection,
    state: &Batch,
    write: &TicketWrite,
) -> Result<TicketOpened, sqlx::Error> {
    let open = sqlx::query(&format!(
        "SELECT session_id, level_id FROM tickets WHERE player_id = $1 AND status = 'open'{}",
        state.dialect.for_update()
    ))
    .bind(&write.player_id)
    .fetch_optional(&mut *connection)
    .await?;
    if let Some(address) = &write.address {
        link(
            connection,
            &write.player_id,
            LinkKind::Address,
            address,
            write.now_ms,
        )
        .await?;
    }
    let mut abandoned_session_id = None;
    if let Some(row) = open {
        let session_id: String = row.try_get(0)?;
        let level_id: String = row.try_get(1)?;
        close_ticket(connection, &session_id, "abandoned", write.now_ms).await?;
        // Consumed as a lost game: its proof, if it comes, is answered with this verdict.
        sqlx::query(
            "INSERT INTO sessions (session_id, player_id, level_id, verdict, message, score, stars, \
                                   payout_fen, boost_fen, earning_day, consumed_at_ms) \
             VALUES ($1, $2, $3, 'abandoned', $4, 0, 0, 0, 0, $5, $6) ON CONFLICT (session_id) DO NOTHING",
        )
        .bind(&session_id)
        .bind(&write.player_id)
        .bind(&level_id)
        .bind(ABANDONED_MESSAGE)
        .bind(write.earning_day)
        .bind(write.now_ms)
        .execute(&mut *connection)
        .await?;
        count_game(connection, &write.player_id, "games_abandoned").await?;
        abandoned_session_id = Some(session_id);
    }
    sqlx::query(
        "INSERT INTO tickets (session_id, player_id, level_id, issued_at_ms, status) \
         VALUES ($1, $2, $3, $4, 'open')",
    )
    .bind(&write.session_id)
    .bind(&write.player_id)
    .bind(&write.level_id)
    .bind(write.now_ms)
    .execute(&mut *connection)
    .await?;
    Ok(TicketOpened {
        abandoned_session_id,
    })
}

async fn close_ticket(
    connection: &mut AnyConnection,
    session_id: &str,
    status: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE tickets SET status = $1, closed_at_ms = $2 WHERE session_id = $3 AND status = 'open'",
    )
    .bind(status)
    .bind(now_ms)
    .bind(session_id)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// Adds one to a player's `column` (`games_played` or `games_abandoned`).
async fn count_game(
    connection: &mut AnyConnection,
    player_id: &str,
    column: &'static str,
) -> Result<(), sqlx::Error> {
    debug_assert!(matches!(column, "games_played" | "games_abandoned"));
    sqlx::query(&format!(
        "INSERT INTO player_risk (player_id, {column}) VALUES ($1, 1) \
         ON CONFLICT (player_id) DO UPDATE SET {column} = player_risk.{column} + 1"
    ))
    .bind(player_id)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// A fact that ties players together when they share it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// The client address of a ticket or proof request.
    Address,
    /// The platform's union id (one person's id across an operator's apps), given at login.
    UnionId,
    /// A digest of the payee's real name, given with a withdrawal (never the name itself).
    PayeeName,
    /// Two players whose games started and ended together again and again; the value names
    /// the pair, so both rows share it.
    PlayTimes,
}

impl LinkKind {
    /// As stored in `account_links.kind`.
    pub fn code(self) -> &'static str {
        match self {
            LinkKind::Address => "address",
            LinkKind::UnionId => "union_id",
            LinkKind::PayeeName => "payee_name",
            LinkKind::PlayTimes => "play_times",
        }
    }
}

/// A link learned outside a game: a union id at login, a payee name with a withdrawal.
#[derive(Clone, Debug)]
pub struct LinkWrite {
    pub player_id: String,
    pub kind: LinkKind,
    pub value: String,
    pub now_ms: i64,
}

pub(super) async fn link_account(
    connection: &mut AnyConnection,
    write: &LinkWrite,
) -> Result<(), sqlx::Error> {
    link(
        connection,
        &write.player_id,
        write.kind,
        &write.value,
        write.now_ms,
    )
    .await
}

/// Two games "start and end together" when both their ticket issue times and their proof
/// arrivals are within this many ms of each other. A ticket fetch and a proof upload take
/// well under a second on a phone network; scripts driving many accounts in step start and
/// finish within that.
pub const PLAY_TIMES_WINDOW_MS: i64 = 2_000;
/// Games of one pair that must coincide before the pair is linked. By chance: with a busy
/// service's 10 ticket issues a second, about 40 strangers start within the window of any game,
/// and with game lengths spread over minutes about one in 60 of them also ends within it:
/// roughly 0.7 coincidences per game, spread over thousands of players, so one given stranger
/// coincides about once in a few thousand games. Three coincidences with the same stranger
/// inside [`PLAY_TIMES_SPAN_MS`] is then a chance of the order of one in a million per pair.
pub const PLAY_TIMES_COINCIDENCES_MIN: i64 = 3;
/// How far back coinciding games are counted, in ms (a week).
pub const PLAY_TIMES_SPAN_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// Most other players examined per verdict: the search stays bounded on a crowded service.
pub const PLAY_TIMES_CANDIDATES_MAX: i64 = 32;

/// Links the player of a game now being judged to every player whose games started and ended
/// with this player's at least [`PLAY_TIMES_COINCIDENCES_MIN`] times, this game included.
///
/// One statement: the game's ticket, the players in step with it (at most
/// [`PLAY_TIMES_CANDIDATES_MAX`]) and each one's earlier games in step with this player's. A
/// burst of games starting together (a campaign's start, a load test) fills the candidates,
/// and a statement per candidate cost the writer 33 round trips a verdict.
async fn link_play_times(
    connection: &mut AnyConnection,
    player_id: &str,
    session_id: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    // Earlier games of the two in step: this one is not closed yet, so it counts one more.
    let in_step: Vec<(String, i64)> = sqlx::query(
        "WITH this AS (SELECT issued_at_ms FROM tickets WHERE session_id = $2), \
         candidates AS ( \
             SELECT DISTINCT t.player_id FROM tickets t, this \
             WHERE t.status = 'played' AND t.player_id <> $1 \
               AND t.issued_at_ms BETWEEN this.issued_at_ms - $4 AND this.issued_at_ms + $4 \
               AND t.closed_at_ms BETWEEN $3 - $4 AND $3 + $4 \
             ORDER BY t.player_id LIMIT $5) \
         SELECT c.player_id, \
                (SELECT COUNT(*) FROM tickets mine JOIN tickets theirs \
                   ON theirs.player_id = c.player_id AND theirs.status = 'played' \
                  AND theirs.issued_at_ms BETWEEN mine.issued_at_ms - $4 AND mine.issued_at_ms + $4 \
                  AND theirs.closed_at_ms BETWEEN mine.closed_at_ms - $4 AND mine.closed_at_ms + $4 \
                 WHERE mine.player_id = $1 AND mine.status = 'played' \
                   AND mine.issued_at_ms >= (SELECT issued_at_ms FROM this) - $6) \
         FROM candidates c ORDER BY c.player_id",
    )
    .bind(player_id)
    .bind(session_id)
    .bind(now_ms)
    .bind(PLAY_TIMES_WINDOW_MS)
    .bind(PLAY_TIMES_CANDIDATES_MAX)
    .bind(PLAY_TIMES_SPAN_MS)
    .fetch_all(&mut *connection)
    .await?
    .iter()
    .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
    .collect::<Result<_, sqlx::Error>>()?;
    for (other, earlier) in in_step {
        if earlier + 1 >= PLAY_TIMES_COINCIDENCES_MIN {
            let pair = if player_id < other.as_str() {
                format!("{player_id} {other}")
            } else {
                format!("{other} {player_id}")
            };
            for member in [player_id, other.as_str()] {
                link(connection, member, LinkKind::PlayTimes, &pair, now_ms).await?;
            }
        }
    }
    Ok(())
}

/// Records that `player_id` was seen with `value`; idempotent.
pub(super) async fn link(
    connection: &mut AnyConnection,
    player_id: &str,
    kind: LinkKind,
    value: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO account_links (kind, value, player_id, first_seen_ms) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (kind, value, player_id) DO NOTHING",
    )
    .bind(kind.code())
    .bind(value)
    .bind(player_id)
    .bind(now_ms)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// The players sharing any link with `player_id` (one step: a chain of links through
/// innocent shared addresses, a café's wifi, does not grow a cluster without bound).
const CLUSTER: &str = "SELECT DISTINCT theirs.player_id FROM account_links mine \
     JOIN account_links theirs ON theirs.kind = mine.kind AND theirs.value = mine.value \
     WHERE mine.player_id = $1";

/// Players in `player_id`'s cluster, the player included (0 when nothing links them).
async fn linked_players(
    connection: &mut AnyConnection,
    player_id: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query(&format!("SELECT COUNT(*) FROM ({CLUSTER}) cluster"))
        .bind(player_id)
        .fetch_one(&mut *connection)
        .await?
        .try_get(0)
}

/// What `player_id`'s cluster (the player included) has earned on `earning_day`, in fen.
async fn cluster_earned_fen(
    connection: &mut AnyConnection,
    player_id: &str,
    earning_day: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT CAST(COALESCE(SUM(earned_fen), 0) AS BIGINT) FROM daily_earnings \
         WHERE earning_day = $2 AND (player_id = $1 OR player_id IN ({CLUSTER}))"
    ))
    .bind(player_id)
    .bind(earning_day)
    .fetch_one(&mut *connection)
    .await?
    .try_get(0)
}

/// Links the proof's player to its address, and to the players it plays in step with, before
/// the game is assessed or capped.
pub(super) async fn link_verdict(
    connection: &mut AnyConnection,
    write: &VerdictWrite,
) -> Result<(), sqlx::Error> {
    if write.risk.is_none() {
        return Ok(());
    }
    let player_id = &write.session.player_id;
    if let Some(address) = &write.address {
        link(
            connection,
            player_id,
            LinkKind::Address,
            address,
            write.now_ms,
        )
        .await?;
    }
    link_play_times(
        connection,
        player_id,
        &write.session.session_id,
        write.now_ms,
    )
    .await
}

/// Advisory lock id that serialises cluster-capped verdicts across service processes on
/// PostgreSQL (ASCII "PPCL").
///
/// A cluster's earnings are a sum over many players' rows, so no row lock covers them: without
/// this lock two processes paying two members at the same instant each see room under the cap
/// and together pass it. It is taken first in the transaction, before any row lock, so it adds no
/// lock-order cycle. Within one process the writer already runs one transaction at a time; the
/// lock makes processes take turns too, for the transactions that carry a cluster-capped verdict.
const CLUSTER_CAP_LOCK_ID: i64 = 0x5050_434c;

/// Whether `write` is paid under a per-cluster daily cap.
pub(super) fn cluster_capped(write: &VerdictWrite) -> bool {
    write
        .risk
        .as_ref()
        .is_some_and(|check| check.policy.clusters.daily_cap_fen.is_some())
}

/// Holds the cluster cap's lock until the transaction ends (PostgreSQL; SQLite's `BEGIN
/// IMMEDIATE` already holds the database's one write lock).
pub(super) async fn lock_cluster_caps(
    connection: &mut AnyConnection,
    dialect: Dialect,
) -> Result<(), sqlx::Error> {
    if dialect == Dialect::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(CLUSTER_CAP_LOCK_ID)
            .execute(&mut *connection)
            .await?;
    }
    Ok(())
}

/// The room left under the player's cluster cap, given the player's own `room_fen`.
pub(super) async fn cluster_room_fen(
    connection: &mut AnyConnection,
    write: &VerdictWrite,
    room_fen: i64,
) -> Result<i64, sqlx::Error> {
    let cap_fen = write
        .risk
        .as_ref()
        .and_then(|check| check.policy.clusters.daily_cap_fen);
    if cap_fen.is_none() || room_fen == 0 {
        return Ok(room_fen);
    }
    let earned_fen =
        cluster_earned_fen(connection, &write.session.player_id, write.earning_day).await?;
    Ok(policy::cluster_cap_room_fen(room_fen, cap_fen, earned_fen))
}

pub(super) async fn player_facts(
    connection: &mut AnyConnection,
    player_id: &str,
    now_ms: i64,
    policy: &crate::risk::RiskPolicy,
) -> Result<PlayerFacts, sqlx::Error> {
    let linked_players = linked_players(connection, player_id).await?;
    // Two reads of the tickets, skipped when no time signal counts.
    let time = if crate::risk::SignalKind::TIME
        .iter()
        .any(|kind| policy.weighs(*kind))
    {
        time_facts(connection, player_id, now_ms).await?
    } else {
        TimeFacts::default()
    };
    let row = sqlx::query(
        "SELECT games_played, games_abandoned, platform_risk_rank FROM player_risk WHERE player_id = $1",
    )
    .bind(player_id)
    .fetch_optional(&mut *connection)
    .await?;
    Ok(match row {
        Some(row) => PlayerFacts {
            games_played: row.try_get(0)?,
            games_abandoned: row.try_get(1)?,
            platform_risk_rank: row.try_get(2)?,
            linked_players,
            time,
        },
        None => PlayerFacts {
            linked_players,
            time,
            ..PlayerFacts::default()
        },
    })
}

/// Most of a player's games read for its time facts: a day of back-to-back one-minute games.
const HISTORY_GAMES_MAX: i64 = 1_440;

/// When and how fast the player has played: its games of the last day (the open one, being
/// judged, ends now) and the population's latest games.
async fn time_facts(
    connection: &mut AnyConnection,
    player_id: &str,
    now_ms: i64,
) -> Result<TimeFacts, sqlx::Error> {
    let played = |rows: Vec<sqlx::any::AnyRow>| -> Result<Vec<PlayedGame>, sqlx::Error> {
        rows.iter()
            .map(|row| {
                Ok(PlayedGame {
                    issued_at_ms: row.try_get(0)?,
                    ended_at_ms: row.try_get::<Option<i64>, _>(1)?.unwrap_or(now_ms),
                    paid_fen: row.try_get(2)?,
                })
            })
            .collect()
    };
    let mut history = played(
        sqlx::query(
            "SELECT t.issued_at_ms, t.closed_at_ms, \
                    CAST(COALESCE(s.payout_fen + s.boost_fen, 0) AS BIGINT) \
             FROM tickets t LEFT JOIN sessions s ON s.session_id = t.session_id \
             WHERE t.player_id = $1 AND t.issued_at_ms >= $2 AND t.status <> 'abandoned' \
             ORDER BY t.issued_at_ms DESC LIMIT $3",
        )
        .bind(player_id)
        .bind(now_ms - PLAYER_HISTORY_MS)
        .bind(HISTORY_GAMES_MAX)
        .fetch_all(&mut *connection)
        .await?,
    )?;
    history.reverse();
    let population = played(
        sqlx::query(
            "SELECT t.issued_at_ms, t.closed_at_ms, CAST(s.payout_fen + s.boost_fen AS BIGINT) \
             FROM tickets t JOIN sessions s ON s.session_id = t.session_id \
             WHERE t.status = 'played' ORDER BY t.issued_at_ms DESC LIMIT $1",
        )
        .bind(VELOCITY_POPULATION_GAMES)
        .fetch_all(&mut *connection)
        .await?,
    )?;
    Ok(crate::risk::signals::time_facts(
        &history,
        &population,
        now_ms,
    ))
}

/// The assessment of an accepted game with a risk check: the game's signals and the player's.
/// Reads only; [`record_verdict_risk`] writes once the session is known to be consumed now.
pub(super) async fn assess(
    connection: &mut AnyConnection,
    write: &VerdictWrite,
) -> Result<Option<Assessment>, sqlx::Error> {
    let Some(check) = write.risk.as_ref().filter(|_| write.verdict.is_ok()) else {
        return Ok(None);
    };
    let facts = player_facts(
        connection,
        &write.session.player_id,
        write.now_ms,
        &check.policy,
    )
    .await?;
    let mut signals = check.play_signals.clone();
    signals.extend(crate::risk::signals::of_player(&facts));
    Ok(Some(check.policy.assess(signals)))
}

/// Where a game's payout goes: the player's balance, or `held:<player>` on a hold.
pub(super) fn payee(assessment: Option<&Assessment>, player_id: &str) -> (String, &'static str) {
    match assessment.map(|assessment| assessment.decision) {
        Some(Decision::Hold) => (held_account(player_id), "held"),
        _ => (player_account(player_id), "player"),
    }
}

/// Writes what the risk check of a first verdict decided: the ticket closed as played, the
/// player's game counted, the assessment beside the verdict, and the player flagged.
pub(super) async fn record_verdict_risk(
    connection: &mut AnyConnection,
    write: &VerdictWrite,
    assessment: Option<&Assessment>,
    paid_fen: i64,
    refused_fen: i64,
) -> Result<(), sqlx::Error> {
    let session = &write.session;
    let Some(assessment) = assessment else {
        // A rejected game still closes its ticket (when tickets are recorded at all); a game
        // under a policy that is off records nothing more.
        close_ticket(connection, &session.session_id, "played", write.now_ms).await?;
        return Ok(());
    };
    close_ticket(connection, &session.session_id, "played", write.now_ms).await?;
    count_game(connection, &session.player_id, "games_played").await?;
    let held_fen = if assessment.decision == Decision::Hold {
        paid_fen
    } else {
        0
    };
    let signals = serde_json::to_string(&assessment.signals)
        .map_err(|error| sqlx::Error::Protocol(error.to_string()))?;
    sqlx::query(
        "INSERT INTO risk_verdicts (session_id, player_id, score_milli, decision, signals, held_fen, \
                                    refused_fen, decided_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&session.session_id)
    .bind(&session.player_id)
    .bind(assessment.score_milli())
    .bind(assessment.decision.code())
    .bind(signals)
    .bind(held_fen)
    .bind(refused_fen)
    .bind(write.now_ms)
    .execute(&mut *connection)
    .await?;
    if assessment.decision.flags_player() {
        sqlx::query(
            "UPDATE player_risk SET flagged_at_ms = COALESCE(flagged_at_ms, $1) WHERE player_id = $2",
        )
        .bind(write.now_ms)
        .bind(&session.player_id)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

/// The platform's latest risk rank for a player, and whether it flags them.
#[derive(Clone, Debug)]
pub struct PlatformRankWrite {
    pub player_id: String,
    pub rank: i64,
    pub flag: bool,
    pub now_ms: i64,
}

pub(super) async fn platform_rank(
    connection: &mut AnyConnection,
    write: &PlatformRankWrite,
) -> Result<(), sqlx::Error> {
    let flagged_at_ms = write.flag.then_some(write.now_ms);
    sqlx::query(
        "INSERT INTO player_risk (player_id, platform_risk_rank, flagged_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (player_id) DO UPDATE SET platform_risk_rank = excluded.platform_risk_rank, \
             flagged_at_ms = COALESCE(player_risk.flagged_at_ms, excluded.flagged_at_ms)",
    )
    .bind(&write.player_id)
    .bind(write.rank)
    .bind(flagged_at_ms)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// An operator's review of a held game: release to the player, or confiscate.
#[derive(Clone, Debug)]
pub struct HoldReviewWrite {
    pub session_id: String,
    pub release: bool,
    pub now_ms: i64,
    /// The operator deciding ([`crate::operator::roster`]).
    pub operator: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoldRecord {
    pub session_id: String,
    pub player_id: String,
    pub held_fen: i64,
    /// `released` or `confiscated`.
    pub review: String,
    /// False when the same review was made before (nothing moved now).
    pub moved: bool,
}

pub(super) async fn review_hold(
    connection: &mut AnyConnection,
    state: &mut Batch,
    write: &HoldReviewWrite,
) -> Result<Result<HoldRecord, LedgerRejection>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT r.player_id, r.held_fen, r.review, s.payout_fen, s.boost_fen \
         FROM risk_verdicts r JOIN sessions s ON s.session_id = r.session_id \
         WHERE r.session_id = $1 AND r.decision = 'hold'{}",
        state.dialect.for_update()
    ))
    .bind(&write.session_id)
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else {
        return Ok(Err(LedgerRejection::HoldNotFound(write.session_id.clone())));
    };
    let player_id: String = row.try_get(0)?;
    let held_fen: i64 = row.try_get(1)?;
    let review: Option<String> = row.try_get(2)?;
    let (payout_fen, boost_fen): (i64, i64) = (row.try_get(3)?, row.try_get(4)?);
    let mut record = HoldRecord {
        session_id: write.session_id.clone(),
        player_id: player_id.clone(),
        held_fen,
        review: String::new(),
        moved: false,
    };
    let target = match policy::review_hold(&write.session_id, review.as_deref(), write.release) {
        Ok(policy::HoldReview::Repeat { review }) => {
            record.review = review.into();
            return Ok(Ok(record));
        }
        Ok(policy::HoldReview::Move { to }) => to,
        Err(rejection) => return Ok(Err(rejection)),
    };
    let held = held_account(&player_id);
    let sid = &write.session_id;
    if write.release {
        if held_fen > 0 {
            let player = player_account(&player_id);
            transfer(
                connection,
                state,
                &transfer_id::release(sid),
                &held,
                (&player, "player"),
                held_fen,
                "hold_released",
                Some(sid),
                write.now_ms,
            )
            .await?;
        }
    } else {
        // Back where it came from: the base to the house, the boost to its campaign.
        if payout_fen > 0 {
            transfer(
                connection,
                state,
                &transfer_id::confiscate(sid),
                &held,
                (HOUSE, "house"),
                payout_fen,
                "hold_confiscated",
                Some(sid),
                write.now_ms,
            )
            .await?;
        }
        if boost_fen > 0 {
            let campaign = read_string(
                connection,
                "SELECT debit_account FROM transfers WHERE id = $1",
                &transfer_id::boost(sid),
            )
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
            transfer(
                connection,
                state,
                &transfer_id::confiscate_boost(sid),
                &held,
                (&campaign, "campaign"),
                boost_fen,
                "hold_confiscated_boost",
                Some(sid),
                write.now_ms,
            )
            .await?;
        }
    }
    sqlx::query("UPDATE risk_verdicts SET review = $1, reviewed_at_ms = $2 WHERE session_id = $3")
        .bind(target)
        .bind(write.now_ms)
        .bind(sid)
        .execute(&mut *connection)
        .await?;
    let action = if write.release {
        OperatorAction::ReleaseHold
    } else {
        OperatorAction::ConfiscateHold
    };
    operator_log::record(connection, &write.operator, action, sid, write.now_ms).await?;
    record.review = target.into();
    record.moved = true;
    Ok(Ok(record))
}

async fn read_string(
    connection: &mut AnyConnection,
    sql: &str,
    key: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query(sql)
        .bind(key)
        .fetch_optional(&mut *connection)
        .await?;
    row.map(|row| row.try_get(0)).transpose()
}

/// Withdrawal review states as stored, and the status a parked request answers with.
pub(crate) const REVIEW_WAITING: &str = "waiting";
pub(crate) const REVIEW_APPROVED: &str = "approved";
pub(crate) const REVIEW_REJECTED: &str = "rejected";
/// The status of a withdrawal request that waits for review.
pub const WITHDRAWAL_IN_REVIEW: &str = "review";

/// The review gate in front of the withdrawal path: a flagged player's new request is parked
/// (nothing moves) until an operator approves it, which then runs the ordinary withdrawal.
/// `None` lets the request through to [`super::writer`]'s withdrawal, unchanged.
pub(super) async fn withdrawal_gate(
    connection: &mut AnyConnection,
    state: &Batch,
    rules: &super::LedgerRules,
    write: &WithdrawWrite,
) -> Result<Option<Result<WithdrawalRecord, LedgerRejection>>, sqlx::Error> {
    let parked = sqlx::query(&format!(
        "SELECT review_id, amount_fen, status, requested_at_ms, withdrawal_id \
         FROM withdrawal_reviews WHERE player_id = $1 AND idempotency_key = $2{}",
        state.dialect.for_update()
    ))
    .bind(&write.player_id)
    .bind(&write.idempotency_key)
    .fetch_optional(&mut *connection)
    .await?;
    if let Some(row) = parked {
        let amount_fen: i64 = row.try_get(1)?;
        if amount_fen != write.amount_fen {
            return Ok(Some(Err(LedgerRejection::IdempotencyKeyReused {
                key: write.idempotency_key.clone(),
                amount_fen,
            })));
        }
        let status: String = row.try_get(2)?;
        if status == REVIEW_APPROVED {
            // The ordinary path finds the withdrawal by its key and answers it.
            return Ok(None);
        }
        return Ok(Some(Ok(WithdrawalRecord {
            id: row.try_get(0)?,
            player_id: write.player_id.clone(),
            amount_fen,
            status: if status == REVIEW_WAITING {
                WITHDRAWAL_IN_REVIEW.into()
            } else {
                status
            },
            requested_at_ms: row.try_get(3)?,
            created: false,
            rail: write.rail.as_str().into(),
            state: WITHDRAWAL_IN_REVIEW.into(),
        })));
    }
    let flagged =
        sqlx::query("SELECT 1 FROM player_risk WHERE player_id = $1 AND flagged_at_ms IS NOT NULL")
            .bind(&write.player_id)
            .fetch_optional(&mut *connection)
            .await?
            .is_some();
    if !flagged {
        return Ok(None);
    }
    let done_before =
        sqlx::query("SELECT 1 FROM withdrawals WHERE player_id = $1 AND idempotency_key = $2")
            .bind(&write.player_id)
            .bind(&write.idempotency_key)
            .fetch_optional(&mut *connection)
            .await?
            .is_some();
    if done_before {
        return Ok(None);
    }
    let balance_fen = read_i64(
        connection,
        "SELECT balance_fen FROM accounts WHERE id = $1",
        &player_account(&write.player_id),
    )
    .await?
    .unwrap_or(0);
    if let Err(rejection) = policy::admit_withdrawal(rules, write.amount_fen, balance_fen) {
        return Ok(Some(Err(rejection)));
    }
    let review_id = format!("wr_{}", super::writer::random_hex());
    sqlx::query(
        "INSERT INTO withdrawal_reviews (review_id, player_id, idempotency_key, amount_fen, status, \
                                         requested_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&review_id)
    .bind(&write.player_id)
    .bind(&write.idempotency_key)
    .bind(write.amount_fen)
    .bind(REVIEW_WAITING)
    .bind(write.now_ms)
    .execute(&mut *connection)
    .await?;
    Ok(Some(Ok(WithdrawalRecord {
        id: review_id,
        player_id: write.player_id.clone(),
        amount_fen: write.amount_fen,
        status: WITHDRAWAL_IN_REVIEW.into(),
        requested_at_ms: write.now_ms,
        created: true,
        rail: write.rail.as_str().into(),
        state: WITHDRAWAL_IN_REVIEW.into(),
    })))
}

/// An operator's decision on a parked withdrawal.
#[derive(Clone, Debug)]
pub struct WithdrawalReviewWrite {
    pub review_id: String,
    pub approve: bool,
    pub now_ms: i64,
    /// The operator deciding ([`crate::operator::roster`]).
    pub operator: String,
    /// What an approved withdrawal is paid through, as for a request made now.
    pub rail: crate::rails::RailKind,
    pub limits: crate::rails::RailLimits,
    pub day_start_ms: i64,
}

pub(super) async fn review_withdrawal(
    connection: &mut AnyConnection,
    state: &mut Batch,
    rules: &super::LedgerRules,
    write: &WithdrawalReviewWrite,
) -> Result<Result<WithdrawalRecord, LedgerRejection>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT player_id, idempotency_key, amount_fen, status, requested_at_ms \
         FROM withdrawal_reviews WHERE review_id = $1{}",
        state.dialect.for_update()
    ))
    .bind(&write.review_id)
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else {
        return Ok(Err(LedgerRejection::WithdrawalReviewNotFound(
            write.review_id.clone(),
        )));
    };
    let player_id: String = row.try_get(0)?;
    let idempotency_key: String = row.try_get(1)?;
    let amount_fen: i64 = row.try_get(2)?;
    let status: String = row.try_get(3)?;
    let target = if write.approve {
        REVIEW_APPROVED
    } else {
        REVIEW_REJECTED
    };
    if status != REVIEW_WAITING && status != target {
        return Ok(Err(LedgerRejection::WithdrawalReviewDecided {
            id: write.review_id.clone(),
            status,
        }));
    }
    let request = WithdrawWrite {
        player_id: player_id.clone(),
        idempotency_key,
        amount_fen,
        now_ms: write.now_ms,
        rail: write.rail,
        limits: write.limits,
        day_start_ms: write.day_start_ms,
    };
    if write.approve {
        // The ordinary withdrawal, unchanged: the same key makes a repeat answer the same one.
        let mut record = match withdraw(connection, state, rules, &request).await? {
            Ok(record) => record,
            Err(rejection) => return Ok(Err(rejection)),
        };
        record.created = status == REVIEW_WAITING;
        if record.created {
            mark_review(connection, write, target, Some(&record.id)).await?;
        }
        return Ok(Ok(record));
    }
    if status == REVIEW_WAITING {
        mark_review(connection, write, target, None).await?;
    }
    Ok(Ok(WithdrawalRecord {
        id: write.review_id.clone(),
        player_id,
        amount_fen,
        status: REVIEW_REJECTED.into(),
        requested_at_ms: row.try_get(4)?,
        created: status == REVIEW_WAITING,
        rail: write.rail.as_str().into(),
        state: REVIEW_REJECTED.into(),
    }))
}

/// Records an operator's decision on a parked withdrawal, and who made it.
async fn mark_review(
    connection: &mut AnyConnection,
    write: &WithdrawalReviewWrite,
    status: &str,
    withdrawal_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE withdrawal_reviews SET status = $1, decided_at_ms = $2, withdrawal_id = $3 \
         WHERE review_id = $4",
    )
    .bind(status)
    .bind(write.now_ms)
    .bind(withdrawal_id)
    .bind(&write.review_id)
    .execute(&mut *connection)
    .await?;
    let action = if write.approve {
        OperatorAction::ApproveWithdrawal
    } else {
        OperatorAction::RejectWithdrawal
    };
    operator_log::record(
        connection,
        &write.operator,
        action,
        &write.review_id,
        write.now_ms,
    )
    .await
}
