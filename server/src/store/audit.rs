//! `ledger check`: every invariant of the ledger, recomputed from the stored rows.

use sqlx::{AnyConnection, Row};

use super::StoreError;

/// Most problems listed per invariant; the count is always exact.
pub const PROBLEMS_SHOWN_MAX: usize = 20;

/// What the check found. `problems` is empty when every invariant holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LedgerReport {
    pub accounts: i64,
    pub transfers: i64,
    pub sessions: i64,
    pub paid_sessions: i64,
    /// Sum over every transfer, in fen.
    pub volume_fen: i64,
    /// One line per broken invariant instance, naming the rows involved.
    pub problems: Vec<String>,
}

impl LedgerReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One invariant: a query that returns the rows breaking it, and how to describe each row.
struct Invariant {
    name: &'static str,
    sql: &'static str,
}

const INVARIANTS: &[Invariant] = &[
    Invariant {
        name: "every transfer moves a positive amount between two different accounts",
        sql: "SELECT id, CAST(amount_fen AS TEXT) FROM transfers \
              WHERE amount_fen <= 0 OR debit_account = credit_account",
    },
    Invariant {
        name: "every transfer names existing accounts",
        sql: "SELECT t.id, t.debit_account || ' -> ' || t.credit_account FROM transfers t \
              WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = t.debit_account) \
                 OR NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = t.credit_account)",
    },
    Invariant {
        name: "each account's balance equals its credits minus its debits",
        sql: "SELECT a.id, 'stored ' || CAST(a.balance_fen AS TEXT) || ', transfers give ' || \
                     CAST(COALESCE(c.total, 0) - COALESCE(d.total, 0) AS TEXT) \
              FROM accounts a \
              LEFT JOIN (SELECT credit_account AS id, CAST(SUM(amount_fen) AS BIGINT) AS total \
                         FROM transfers GROUP BY credit_account) c ON c.id = a.id \
              LEFT JOIN (SELECT debit_account AS id, CAST(SUM(amount_fen) AS BIGINT) AS total \
                         FROM transfers GROUP BY debit_account) d ON d.id = a.id \
              WHERE a.balance_fen <> COALESCE(c.total, 0) - COALESCE(d.total, 0)",
    },
    Invariant {
        name: "no balance is negative (outside the issuing accounts house and sponsor)",
        sql: "SELECT id, CAST(balance_fen AS TEXT) FROM accounts \
              WHERE balance_fen < 0 AND kind NOT IN ('house', 'sponsor')",
    },
    Invariant {
        name: "all balances sum to zero (every transfer balances)",
        sql: "SELECT 'all accounts', CAST(CAST(SUM(balance_fen) AS BIGINT) AS TEXT) FROM accounts \
              HAVING SUM(balance_fen) <> 0",
    },
    Invariant {
        name: "no session is paid twice",
        sql: "SELECT session_id || ' (' || kind || ')', CAST(COUNT(*) AS TEXT) || ' transfers' \
              FROM transfers WHERE session_id IS NOT NULL \
              GROUP BY session_id, kind HAVING COUNT(*) > 1",
    },
    Invariant {
        name: "every payout belongs to an accepted session and matches what it recorded",
        sql: "SELECT t.id, CAST(t.amount_fen AS TEXT) || ' fen, session recorded ' || \
                     COALESCE(s.verdict, 'nothing') FROM transfers t \
              LEFT JOIN sessions s ON s.session_id = t.session_id \
              WHERE t.kind IN ('payout', 'boost') AND (s.session_id IS NULL OR s.verdict <> 'accepted' \
                 OR (t.kind = 'payout' AND t.amount_fen <> s.payout_fen) \
                 OR (t.kind = 'boost' AND t.amount_fen <> s.boost_fen) \
                 OR t.credit_account NOT IN ('player:' || s.player_id, 'held:' || s.player_id))",
    },
    Invariant {
        name: "a game's payout is held exactly when its risk decision is hold",
        sql: "SELECT t.id, t.credit_account || ', decision ' || COALESCE(r.decision, 'none') \
              FROM transfers t LEFT JOIN risk_verdicts r ON r.session_id = t.session_id \
              WHERE t.kind IN ('payout', 'boost') \
                AND (t.credit_account LIKE 'held:%') <> (COALESCE(r.decision, 'none') = 'hold')",
    },
    Invariant {
        name: "each held account holds exactly its unreviewed held games",
        sql: "SELECT a.id, 'holds ' || CAST(a.balance_fen AS TEXT) || ', unreviewed holds ' || \
                     CAST(COALESCE(h.total, 0) AS TEXT) FROM accounts a \
              LEFT JOIN (SELECT player_id, CAST(SUM(held_fen) AS BIGINT) AS total FROM risk_verdicts \
                         WHERE decision = 'hold' AND review IS NULL GROUP BY player_id) h \
                     ON a.id = 'held:' || h.player_id \
              WHERE a.kind = 'held' AND a.balance_fen <> COALESCE(h.total, 0)",
    },
    Invariant {
        name: "each reviewed hold moved out exactly what it held, one way",
        sql: "SELECT r.session_id, COALESCE(r.review, 'unreviewed') || ': held ' || \
                     CAST(r.held_fen AS TEXT) || ', moved ' || CAST(COALESCE(m.total, 0) AS TEXT) \
              FROM risk_verdicts r \
              LEFT JOIN (SELECT session_id, CAST(SUM(amount_fen) AS BIGINT) AS total, COUNT(*) AS moves, \
                                SUM(CASE WHEN kind = 'hold_released' THEN 1 ELSE 0 END) AS releases \
                         FROM transfers \
                         WHERE kind IN ('hold_released', 'hold_confiscated', 'hold_confiscated_boost') \
                         GROUP BY session_id) m ON m.session_id = r.session_id \
              WHERE (r.review IS NULL AND m.total IS NOT NULL) \
                 OR (r.review IS NOT NULL AND COALESCE(m.total, 0) <> r.held_fen) \
                 OR (r.review = 'released' AND m.releases <> m.moves) \
                 OR (r.review = 'confiscated' AND m.releases > 0)",
    },
    Invariant {
        name: "every session's recorded payout was transferred",
        sql: "SELECT s.session_id, CAST(s.payout_fen + s.boost_fen AS TEXT) || ' fen recorded, ' || \
                     CAST(COALESCE(p.total, 0) AS TEXT) || ' transferred' FROM sessions s \
              LEFT JOIN (SELECT session_id, CAST(SUM(amount_fen) AS BIGINT) AS total FROM transfers \
                         WHERE kind IN ('payout', 'boost') GROUP BY session_id) p \
                     ON p.session_id = s.session_id \
              WHERE s.payout_fen + s.boost_fen <> COALESCE(p.total, 0)",
    },
    Invariant {
        name: "daily earnings equal the day's session payouts",
        sql: "SELECT d.player_id || ' day ' || CAST(d.earning_day AS TEXT), \
                     CAST(d.earned_fen AS TEXT) || ' recorded, ' || CAST(COALESCE(s.total, 0) AS TEXT) || ' paid' \
              FROM daily_earnings d \
              LEFT JOIN (SELECT player_id, earning_day, CAST(SUM(payout_fen + boost_fen) AS BIGINT) AS total \
                         FROM sessions GROUP BY player_id, earning_day) s \
                     ON s.player_id = d.player_id AND s.earning_day = d.earning_day \
              WHERE d.earned_fen <> COALESCE(s.total, 0)",
    },
    Invariant {
        name: "each player's pending account holds exactly their pending withdrawals",
        sql: "SELECT a.id, 'holds ' || CAST(a.balance_fen AS TEXT) || ', pending withdrawals ' || \
                     CAST(COALESCE(w.total, 0) AS TEXT) FROM accounts a \
              LEFT JOIN (SELECT player_id, CAST(SUM(amount_fen) AS BIGINT) AS total FROM withdrawals \
                         WHERE status = 'pending' GROUP BY player_id) w ON a.id = 'pending:' || w.player_id \
              WHERE a.kind = 'pending' AND a.balance_fen <> COALESCE(w.total, 0)",
    },
    // Payout rails (schema 3).
    Invariant {
        name: "each withdrawal's payout state agrees with its ledger status",
        sql: "SELECT w.id, w.status || ' in the ledger, payout state ' || l.state FROM withdrawals w \
              JOIN payout_transitions l ON l.withdrawal_id = w.id \
              WHERE l.seq = (SELECT MAX(seq) FROM payout_transitions WHERE withdrawal_id = w.id) \
                AND NOT ((w.status = 'pending' AND l.state IN ('requested', 'submitted', 'awaiting_confirmation')) \
                      OR (w.status = 'paid' AND l.state = 'succeeded') \
                      OR (w.status = 'failed' AND l.state IN ('failed', 'cancelled', 'expired')))",
    },
    Invariant {
        name: "each settled withdrawal moved its amount out of pending exactly once, the way it ended",
        sql: "SELECT w.id, w.status || ': ' || CAST(COUNT(t.id) AS TEXT) || ' settlement transfers' \
              FROM withdrawals w \
              LEFT JOIN transfers t ON t.id IN ('withdraw-paid:' || w.id, 'withdraw-returned:' || w.id) \
              GROUP BY w.id, w.status, w.amount_fen \
              HAVING (w.status = 'pending' AND COUNT(t.id) <> 0) \
                  OR (w.status <> 'pending' AND COUNT(t.id) <> 1) \
                  OR (w.status = 'paid' AND MAX(t.id) <> 'withdraw-paid:' || w.id) \
                  OR (w.status = 'failed' AND MAX(t.id) <> 'withdraw-returned:' || w.id) \
                  OR MAX(t.amount_fen) <> w.amount_fen",
    },
];

pub(crate) async fn check(
    connection: &mut AnyConnection,
    daily_cap_fen: Option<i64>,
) -> Result<LedgerReport, StoreError> {
    let mut report = LedgerReport::default();
    let totals = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM accounts), (SELECT COUNT(*) FROM transfers), \
                (SELECT COUNT(*) FROM sessions), \
                (SELECT COUNT(*) FROM sessions WHERE payout_fen + boost_fen > 0), \
                (SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM transfers)",
    )
    .fetch_one(&mut *connection)
    .await?;
    report.accounts = totals.try_get(0)?;
    report.transfers = totals.try_get(1)?;
    report.sessions = totals.try_get(2)?;
    report.paid_sessions = totals.try_get(3)?;
    report.volume_fen = totals.try_get(4)?;
    for invariant in INVARIANTS {
        let rows = sqlx::query(invariant.sql)
            .fetch_all(&mut *connection)
            .await?;
        collect(&mut report, invariant.name, &rows)?;
    }
    if let Some(cap) = daily_cap_fen {
        let rows = sqlx::query(
            "SELECT player_id || ' day ' || CAST(earning_day AS TEXT), CAST(earned_fen AS TEXT) \
             FROM daily_earnings WHERE earned_fen > $1",
        )
        .bind(cap)
        .fetch_all(&mut *connection)
        .await?;
        collect(
            &mut report,
            "no player earns more than the daily cap in a day",
            &rows,
        )?;
    }
    Ok(report)
}

fn collect(
    report: &mut LedgerReport,
    name: &str,
    rows: &[sqlx::any::AnyRow],
) -> Result<(), StoreError> {
    for row in rows.iter().take(PROBLEMS_SHOWN_MAX) {
        let what: String = row.try_get(0)?;
        let detail: String = row.try_get(1)?;
        report.problems.push(format!("{name}: {what}: {detail}"));
    }
    if rows.len() > PROBLEMS_SHOWN_MAX {
        report.problems.push(format!(
            "{name}: {} more rows not shown",
            rows.len() - PROBLEMS_SHOWN_MAX
        ));
    }
    Ok(())
}
