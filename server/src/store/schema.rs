//! The schema, as numbered migrations per dialect. A migration never changes once shipped; a
//! change of schema is a new number.

use super::Dialect;

/// Migrations in order: `(version, SQLite text, PostgreSQL text)`.
///
/// Accounts: `house` (issues payouts) and `sponsor` (funds campaigns) stand for money entering
/// the ledger and are the only accounts whose balance may be negative; `settled` holds money paid
/// out; `player:<id>`, `pending:<id>` and `campaign:<id>` are per player and per campaign. A
/// balance is credits minus debits, so the balances of all accounts always sum to zero.
///
/// Version 2 (risk): `held:<id>` accounts (kind `held`: a player's winnings held for review, not
/// spendable); `tickets` (at most one open per player, by a unique partial index); per-game risk
/// verdicts with their signals; per-player risk counters; withdrawals parked for review.
/// Version 3 (payout rails): each withdrawal names its rail, and `payout_transitions` holds
/// its walk through the payout state machine (`crate::rails`), one append-only row per state
/// with what the provider said. `withdrawals.status` stays the ledger's view (`pending` until a
/// terminal state, then `paid` or `failed`), so the operator path and `ledger check` of
/// version 1 keep their meaning.
///
/// Version 4 (cancellation): `payout_cancel_requests` holds the player's request to cancel a
/// withdrawal, one row per withdrawal, for the outbox to carry to the provider; the outcome is
/// still a transition, recorded only on the provider's answer.
/// Version 5 (account clusters): `account_links`, one row per player and fact that can tie
/// players together (`address` of a ticket or proof request, platform `union_id`, payee
/// `payee_name`); players sharing a row's kind and value are one cluster (`store/risk.rs`).
/// Version 6 (more links): links of kind `play_times` (two players whose games start and end
/// together, again and again: the value names the pair), and the ticket indexes the search for
/// such games reads.
/// Version 7 (operator console): `game_proofs` keeps the exact proof bytes of each accepted
/// game, written in the verdict's transaction, so an operator can watch any verified game from
/// its input log (`store/console.rs`). Hex text, the same in both dialects. Indexes for the
/// console's reads: a game's transfers, a player's games, withdrawals newest first.
/// Version 8 (named operators): `operator_actions`, one append-only row per operator decision
/// that took effect (a hold released or confiscated, a withdrawal review decided, a manual
/// withdrawal settled, a campaign funded), naming the operator, written in the decision's own
/// transaction (`store/operator_log.rs`).
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, SQLITE_V1, POSTGRES_V1),
    (2, SQLITE_V2, POSTGRES_V2),
    (3, SQLITE_V3, POSTGRES_V3),
    (4, CANCEL_REQUESTS_V4, CANCEL_REQUESTS_V4),
    (5, ACCOUNT_LINKS_V5, ACCOUNT_LINKS_V5),
    (6, SQLITE_V6, POSTGRES_V6),
    (7, GAME_PROOFS_V7, GAME_PROOFS_V7),
    (8, SQLITE_V8, POSTGRES_V8),
];

const SQLITE_V8: &str = r#"
CREATE TABLE operator_actions (
    seq INTEGER PRIMARY KEY,
    operator TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('release_hold', 'confiscate_hold',
        'approve_withdrawal', 'reject_withdrawal', 'settle_paid', 'settle_failed',
        'fund_campaign')),
    subject TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX operator_actions_by_subject ON operator_actions (subject, seq);
CREATE TRIGGER operator_actions_no_update BEFORE UPDATE ON operator_actions
    BEGIN SELECT RAISE(ABORT, 'operator actions are append-only'); END;
CREATE TRIGGER operator_actions_no_delete BEFORE DELETE ON operator_actions
    BEGIN SELECT RAISE(ABORT, 'operator actions are append-only'); END;
"#;

const POSTGRES_V8: &str = r#"
CREATE TABLE operator_actions (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operator TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('release_hold', 'confiscate_hold',
        'approve_withdrawal', 'reject_withdrawal', 'settle_paid', 'settle_failed',
        'fund_campaign')),
    subject TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX operator_actions_by_subject ON operator_actions (subject, seq);
CREATE FUNCTION operator_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'operator actions are append-only'; END $$;
CREATE TRIGGER operator_actions_append_only BEFORE UPDATE OR DELETE ON operator_actions
    FOR EACH ROW EXECUTE FUNCTION operator_actions_append_only();
"#;

/// The same text on both dialects.
const GAME_PROOFS_V7: &str = r#"
CREATE TABLE game_proofs (
    session_id TEXT PRIMARY KEY REFERENCES sessions (session_id),
    proof_hex TEXT NOT NULL
);
CREATE INDEX transfers_by_session ON transfers (session_id);
CREATE INDEX sessions_by_player ON sessions (player_id, consumed_at_ms);
CREATE INDEX withdrawals_by_time ON withdrawals (requested_at_ms, id);
"#;

/// The same text in both dialects.
const CANCEL_REQUESTS_V4: &str = r#"
CREATE TABLE payout_cancel_requests (
    withdrawal_id TEXT PRIMARY KEY REFERENCES withdrawals (id),
    requested_at_ms BIGINT NOT NULL
);
"#;

/// The same text on both dialects.
const ACCOUNT_LINKS_V5: &str = r#"
CREATE TABLE account_links (
    kind TEXT NOT NULL CHECK (kind IN ('address', 'union_id', 'payee_name')),
    value TEXT NOT NULL,
    player_id TEXT NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    PRIMARY KEY (kind, value, player_id)
);
CREATE INDEX account_links_by_player ON account_links (player_id);
"#;

const SQLITE_V6: &str = r#"
CREATE TABLE account_links_v6 (
    kind TEXT NOT NULL CHECK (kind IN ('address', 'union_id', 'payee_name', 'play_times')),
    value TEXT NOT NULL,
    player_id TEXT NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    PRIMARY KEY (kind, value, player_id)
);
INSERT INTO account_links_v6 (kind, value, player_id, first_seen_ms)
    SELECT kind, value, player_id, first_seen_ms FROM account_links;
DROP TABLE account_links;
ALTER TABLE account_links_v6 RENAME TO account_links;
CREATE INDEX account_links_by_player ON account_links (player_id);
CREATE INDEX tickets_by_issue ON tickets (issued_at_ms);
CREATE INDEX tickets_by_player ON tickets (player_id, issued_at_ms);
"#;

const POSTGRES_V6: &str = r#"
ALTER TABLE account_links DROP CONSTRAINT account_links_kind_check;
ALTER TABLE account_links ADD CONSTRAINT account_links_kind_check
    CHECK (kind IN ('address', 'union_id', 'payee_name', 'play_times'));
CREATE INDEX tickets_by_issue ON tickets (issued_at_ms);
CREATE INDEX tickets_by_player ON tickets (player_id, issued_at_ms);
"#;

const SQLITE_V1: &str = r#"
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('house', 'sponsor', 'settled', 'player', 'pending', 'campaign')),
    balance_fen BIGINT NOT NULL,
    CHECK (kind IN ('house', 'sponsor') OR balance_fen >= 0)
);
CREATE TABLE transfers (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    debit_account TEXT NOT NULL REFERENCES accounts (id),
    credit_account TEXT NOT NULL REFERENCES accounts (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    kind TEXT NOT NULL,
    session_id TEXT,
    created_at_ms BIGINT NOT NULL,
    CHECK (debit_account <> credit_account)
);
CREATE INDEX transfers_by_debit ON transfers (debit_account, seq);
CREATE INDEX transfers_by_credit ON transfers (credit_account, seq);
CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers
    BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers
    BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY,
    player_id TEXT NOT NULL,
    level_id TEXT NOT NULL,
    verdict TEXT NOT NULL,
    message TEXT NOT NULL,
    score BIGINT NOT NULL,
    stars BIGINT NOT NULL,
    payout_fen BIGINT NOT NULL,
    boost_fen BIGINT NOT NULL,
    earning_day BIGINT NOT NULL,
    consumed_at_ms BIGINT NOT NULL
);
CREATE INDEX sessions_by_level ON sessions (level_id, verdict, score);
CREATE TABLE daily_earnings (
    player_id TEXT NOT NULL,
    earning_day BIGINT NOT NULL,
    earned_fen BIGINT NOT NULL CHECK (earned_fen >= 0),
    PRIMARY KEY (player_id, earning_day)
);
CREATE TABLE withdrawals (
    id TEXT PRIMARY KEY,
    player_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
    requested_at_ms BIGINT NOT NULL,
    settled_at_ms BIGINT,
    UNIQUE (player_id, idempotency_key)
);
INSERT INTO accounts (id, kind, balance_fen) VALUES
    ('house', 'house', 0), ('sponsor', 'sponsor', 0), ('settled', 'settled', 0);
"#;

const POSTGRES_V1: &str = r#"
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('house', 'sponsor', 'settled', 'player', 'pending', 'campaign')),
    balance_fen BIGINT NOT NULL,
    CHECK (kind IN ('house', 'sponsor') OR balance_fen >= 0)
);
CREATE TABLE transfers (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    debit_account TEXT NOT NULL REFERENCES accounts (id),
    credit_account TEXT NOT NULL REFERENCES accounts (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    kind TEXT NOT NULL,
    session_id TEXT,
    created_at_ms BIGINT NOT NULL,
    CHECK (debit_account <> credit_account)
);
CREATE INDEX transfers_by_debit ON transfers (debit_account, seq);
CREATE INDEX transfers_by_credit ON transfers (credit_account, seq);
CREATE FUNCTION transfers_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'transfers are append-only'; END $$;
CREATE TRIGGER transfers_append_only BEFORE UPDATE OR DELETE ON transfers
    FOR EACH ROW EXECUTE FUNCTION transfers_append_only();
CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY,
    player_id TEXT NOT NULL,
    level_id TEXT NOT NULL,
    verdict TEXT NOT NULL,
    message TEXT NOT NULL,
    score BIGINT NOT NULL,
    stars BIGINT NOT NULL,
    payout_fen BIGINT NOT NULL,
    boost_fen BIGINT NOT NULL,
    earning_day BIGINT NOT NULL,
    consumed_at_ms BIGINT NOT NULL
);
CREATE INDEX sessions_by_level ON sessions (level_id, verdict, score);
CREATE TABLE daily_earnings (
    player_id TEXT NOT NULL,
    earning_day BIGINT NOT NULL,
    earned_fen BIGINT NOT NULL CHECK (earned_fen >= 0),
    PRIMARY KEY (player_id, earning_day)
);
CREATE TABLE withdrawals (
    id TEXT PRIMARY KEY,
    player_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
    requested_at_ms BIGINT NOT NULL,
    settled_at_ms BIGINT,
    UNIQUE (player_id, idempotency_key)
);
INSERT INTO accounts (id, kind, balance_fen) VALUES
    ('house', 'house', 0), ('sponsor', 'sponsor', 0), ('settled', 'settled', 0);
"#;

const SQLITE_V2: &str = r#"
-- SQLite cannot change a CHECK in place: the table is rebuilt (the migration runner turns
-- foreign keys off around it and checks them before committing).
CREATE TABLE accounts_v2 (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('house', 'sponsor', 'settled', 'player', 'pending', 'campaign', 'held')),
    balance_fen BIGINT NOT NULL,
    CHECK (kind IN ('house', 'sponsor') OR balance_fen >= 0)
);
INSERT INTO accounts_v2 (id, kind, balance_fen) SELECT id, kind, balance_fen FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_v2 RENAME TO accounts;
CREATE TABLE tickets (
    session_id TEXT PRIMARY KEY,
    player_id TEXT NOT NULL,
    level_id TEXT NOT NULL,
    issued_at_ms BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'played', 'abandoned')),
    closed_at_ms BIGINT
);
CREATE UNIQUE INDEX tickets_one_open_per_player ON tickets (player_id) WHERE status = 'open';
CREATE TABLE player_risk (
    player_id TEXT PRIMARY KEY,
    games_played BIGINT NOT NULL DEFAULT 0 CHECK (games_played >= 0),
    games_abandoned BIGINT NOT NULL DEFAULT 0 CHECK (games_abandoned >= 0),
    platform_risk_rank BIGINT NOT NULL DEFAULT 0,
    flagged_at_ms BIGINT
);
CREATE TABLE risk_verdicts (
    session_id TEXT PRIMARY KEY REFERENCES sessions (session_id),
    player_id TEXT NOT NULL,
    score_milli BIGINT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('pay', 'flag', 'hold', 'refuse')),
    signals TEXT NOT NULL,
    held_fen BIGINT NOT NULL CHECK (held_fen >= 0),
    refused_fen BIGINT NOT NULL CHECK (refused_fen >= 0),
    review TEXT CHECK (review IN ('released', 'confiscated')),
    reviewed_at_ms BIGINT,
    decided_at_ms BIGINT NOT NULL,
    CHECK (decision = 'hold' OR (held_fen = 0 AND review IS NULL))
);
CREATE INDEX risk_verdicts_to_review ON risk_verdicts (decision, review, decided_at_ms);
CREATE INDEX risk_verdicts_by_player ON risk_verdicts (player_id, decided_at_ms);
CREATE TABLE withdrawal_reviews (
    review_id TEXT NOT NULL UNIQUE,
    player_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    status TEXT NOT NULL CHECK (status IN ('waiting', 'approved', 'rejected')),
    requested_at_ms BIGINT NOT NULL,
    decided_at_ms BIGINT,
    withdrawal_id TEXT,
    PRIMARY KEY (player_id, idempotency_key)
);
"#;

const POSTGRES_V2: &str = r#"
ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_kind_check CHECK (kind IN ('house', 'sponsor', 'settled', 'player', 'pending', 'campaign', 'held'));
CREATE TABLE tickets (
    session_id TEXT PRIMARY KEY,
    player_id TEXT NOT NULL,
    level_id TEXT NOT NULL,
    issued_at_ms BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'played', 'abandoned')),
    closed_at_ms BIGINT
);
CREATE UNIQUE INDEX tickets_one_open_per_player ON tickets (player_id) WHERE status = 'open';
CREATE TABLE player_risk (
    player_id TEXT PRIMARY KEY,
    games_played BIGINT NOT NULL DEFAULT 0 CHECK (games_played >= 0),
    games_abandoned BIGINT NOT NULL DEFAULT 0 CHECK (games_abandoned >= 0),
    platform_risk_rank BIGINT NOT NULL DEFAULT 0,
    flagged_at_ms BIGINT
);
CREATE TABLE risk_verdicts (
    session_id TEXT PRIMARY KEY REFERENCES sessions (session_id),
    player_id TEXT NOT NULL,
    score_milli BIGINT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('pay', 'flag', 'hold', 'refuse')),
    signals TEXT NOT NULL,
    held_fen BIGINT NOT NULL CHECK (held_fen >= 0),
    refused_fen BIGINT NOT NULL CHECK (refused_fen >= 0),
    review TEXT CHECK (review IN ('released', 'confiscated')),
    reviewed_at_ms BIGINT,
    decided_at_ms BIGINT NOT NULL,
    CHECK (decision = 'hold' OR (held_fen = 0 AND review IS NULL))
);
CREATE INDEX risk_verdicts_to_review ON risk_verdicts (decision, review, decided_at_ms);
CREATE INDEX risk_verdicts_by_player ON risk_verdicts (player_id, decided_at_ms);
CREATE TABLE withdrawal_reviews (
    review_id TEXT NOT NULL UNIQUE,
    player_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    status TEXT NOT NULL CHECK (status IN ('waiting', 'approved', 'rejected')),
    requested_at_ms BIGINT NOT NULL,
    decided_at_ms BIGINT,
    withdrawal_id TEXT,
    PRIMARY KEY (player_id, idempotency_key)
);
"#;

const SQLITE_V3: &str = r#"
ALTER TABLE withdrawals ADD COLUMN rail TEXT NOT NULL DEFAULT 'manual'
    CHECK (rail IN ('manual', 'wechat', 'alipay'));
CREATE INDEX withdrawals_open ON withdrawals (status, rail, requested_at_ms);
CREATE TABLE payout_transitions (
    seq INTEGER PRIMARY KEY,
    withdrawal_id TEXT NOT NULL REFERENCES withdrawals (id),
    state TEXT NOT NULL CHECK (state IN ('requested', 'submitted', 'awaiting_confirmation',
        'succeeded', 'failed', 'cancelled', 'expired')),
    source TEXT NOT NULL,
    provider_state TEXT,
    payload_sha256 TEXT,
    fields TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    UNIQUE (withdrawal_id, state)
);
CREATE TRIGGER payout_transitions_no_update BEFORE UPDATE ON payout_transitions
    BEGIN SELECT RAISE(ABORT, 'payout transitions are append-only'); END;
CREATE TRIGGER payout_transitions_no_delete BEFORE DELETE ON payout_transitions
    BEGIN SELECT RAISE(ABORT, 'payout transitions are append-only'); END;
"#;

const POSTGRES_V3: &str = r#"
ALTER TABLE withdrawals ADD COLUMN rail TEXT NOT NULL DEFAULT 'manual'
    CHECK (rail IN ('manual', 'wechat', 'alipay'));
CREATE INDEX withdrawals_open ON withdrawals (status, rail, requested_at_ms);
CREATE TABLE payout_transitions (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    withdrawal_id TEXT NOT NULL REFERENCES withdrawals (id),
    state TEXT NOT NULL CHECK (state IN ('requested', 'submitted', 'awaiting_confirmation',
        'succeeded', 'failed', 'cancelled', 'expired')),
    source TEXT NOT NULL,
    provider_state TEXT,
    payload_sha256 TEXT,
    fields TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    UNIQUE (withdrawal_id, state)
);
CREATE FUNCTION payout_transitions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'payout transitions are append-only'; END $$;
CREATE TRIGGER payout_transitions_append_only BEFORE UPDATE OR DELETE ON payout_transitions
    FOR EACH ROW EXECUTE FUNCTION payout_transitions_append_only();
"#;

pub fn migration_text(
    dialect: Dialect,
    sqlite: &'static str,
    postgres: &'static str,
) -> &'static str {
    match dialect {
        Dialect::Sqlite => sqlite,
        Dialect::Postgres => postgres,
    }
}
