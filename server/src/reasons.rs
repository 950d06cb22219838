//! Every reason code the service answers with, and its HTTP status. Codes are stable: a code
//! never changes meaning; new problems get new codes. `docs/API.md` lists them with their
//! statuses (a test reads it and compares).
//!
//! Verification codes are not typed here: they are `playproof-proof`'s one reason table
//! ([`Reason`]), and their status follows from the stage that gives them.

use playproof_proof::{Reason, Stage};

/// The HTTP status of a proof refused for `reason`: 400 when the bytes tie to no session
/// (nothing recorded), 409 when the session was decided before, 422 when an authentic session
/// was judged and rejected (recorded, session consumed, nothing paid).
pub fn verification_status(reason: Reason) -> u16 {
    match reason.stage() {
        Stage::Authenticate => 400,
        Stage::Consume => 409,
        Stage::Judge => 422,
    }
}

/// The verification reason with `code`, for verdicts read back from storage.
pub fn verification_reason(code: &str) -> Option<Reason> {
    Reason::ALL.into_iter().find(|reason| reason.code() == code)
}

/// The status of a service code from [`SERVICE`].
pub fn service_status(code: &str) -> Option<u16> {
    SERVICE
        .iter()
        .find(|(known, _, _)| *known == code)
        .map(|(_, status, _)| *status)
}

/// Codes of the service itself.
pub const SERVICE: &[(&str, u16, &str)] = &[
    ("malformed_json", 400, "the body is not JSON"),
    (
        "invalid_field",
        422,
        "a field is missing, unknown, of the wrong type or out of range",
    ),
    (
        "unsupported_media_type",
        415,
        "wrong Content-Type for this endpoint",
    ),
    (
        "body_too_large",
        413,
        "the body is over the endpoint's size limit",
    ),
    ("bad_body", 400, "the body could not be read"),
    ("unauthenticated", 401, "no valid bearer token"),
    (
        "invalid_player_name",
        401,
        "dev login: the player name is not allowed",
    ),
    (
        "invalid_code",
        401,
        "WeChat login: the code is invalid or used",
    ),
    (
        "provider_rate_limited",
        429,
        "the login provider is rate limiting us",
    ),
    (
        "provider_unavailable",
        502,
        "the login provider failed or answered nonsense",
    ),
    ("unknown_provider", 404, "no such login provider"),
    (
        "rate_limited",
        429,
        "per-player or per-address rate limit; see Retry-After",
    ),
    ("unknown_level", 404, "no such level"),
    (
        "leaderboard_rank_not_found",
        404,
        "the level's board has no entry at that rank",
    ),
    (
        "run_not_kept",
        404,
        "the entry's game was accepted before games were kept: it cannot be watched",
    ),
    (
        "daily_play_limit",
        403,
        "the player's play today reached the operator's daily limit: no tickets until tomorrow",
    ),
    (
        "quiet_hours",
        403,
        "the operator's quiet hours: no tickets until the window ends",
    ),
    (
        "invalid_session_key",
        422,
        "ticket: the session public key is not lowercase hex of a large-order Ed25519 point",
    ),
    (
        "player_mismatch",
        403,
        "the proof's ticket belongs to another player",
    ),
    (
        "session_already_consumed",
        409,
        "the session was already decided; details hold the verdict",
    ),
    (
        "insufficient_balance",
        409,
        "withdrawal larger than the balance",
    ),
    (
        "below_withdrawal_minimum",
        422,
        "withdrawal below the threshold",
    ),
    ("invalid_amount", 422, "amount not positive"),
    (
        "invalid_idempotency_key",
        422,
        "missing or malformed Idempotency-Key",
    ),
    (
        "idempotency_key_reused",
        409,
        "the key was used for a different request",
    ),
    ("withdrawal_not_found", 404, "no such withdrawal"),
    (
        "withdrawal_already_settled",
        409,
        "the withdrawal was already paid or failed",
    ),
    // Payout rails (`crate::rails`): per-rail limits and who may settle.
    (
        "real_name_required",
        422,
        "the amount needs the payee's verified real name, which is not collected",
    ),
    (
        "above_transfer_maximum",
        422,
        "withdrawal above the rail's largest single transfer",
    ),
    (
        "above_daily_withdrawal_maximum",
        422,
        "withdrawal would pass the player's daily withdrawal maximum",
    ),
    (
        "withdrawal_on_provider_rail",
        409,
        "the withdrawal is paid by a provider and settles only on its verified result",
    ),
    (
        "withdrawal_not_cancellable",
        409,
        "the withdrawal was paid, already returned, or is on a rail that cannot cancel",
    ),
    ("unknown_campaign", 404, "no such campaign"),
    (
        "operator_disabled",
        403,
        "operator endpoints are not configured",
    ),
    ("not_found", 404, "no such endpoint"),
    (
        "method_not_allowed",
        405,
        "the endpoint does not take this method",
    ),
    (
        "storage_unavailable",
        503,
        "the database failed; nothing was acknowledged",
    ),
    ("internal", 500, "a bug; nothing was acknowledged"),
    (
        "storage_timeout",
        503,
        "no commit within the write bound; outcome unknown, a retry is safe",
    ),
    (
        "request_timeout",
        503,
        "the request was not finished in time; outcome unknown, a retry is safe",
    ),
    ("body_timeout", 408, "the body did not arrive in time"),
    (
        "overloaded",
        503,
        "at the connection limit: only health checks are served",
    ),
    // Risk: holds, withdrawal reviews and the platform's word (docs/RISK.md).
    (
        "high_risk_user",
        403,
        "WeChat login: the platform refuses the account as high-risk (errcode 40226)",
    ),
    ("hold_not_found", 404, "no held game with this session id"),
    (
        "hold_already_reviewed",
        409,
        "the held game was already released or confiscated the other way",
    ),
    (
        "withdrawal_review_not_found",
        404,
        "no withdrawal waiting for review with this id",
    ),
    (
        "withdrawal_review_decided",
        409,
        "the withdrawal review was already decided the other way",
    ),
    // The operator console's read views (docs/CONSOLE.md).
    (
        "game_not_found",
        404,
        "no decided game with this session id",
    ),
    ("player_not_found", 404, "the ledger has no such player"),
];
