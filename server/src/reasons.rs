//! Every reason code the service answers with. Codes are stable: a code never changes meaning;
//! new problems get new codes. `docs/API.md` lists them with their HTTP statuses.

/// Codes a verifier gives for a proof or ticket it refuses (HTTP 400 when nothing could be tied to
/// a session, 422 when an authentic session was rejected and consumed).
pub const VERIFICATION: &[&str] = &[
    // Format and bounds (400).
    "too_large",
    "bad_magic",
    "unsupported_format_version",
    "truncated",
    "overlong_integer",
    "out_of_bounds",
    "invalid_utf8",
    "expiry_not_after_issue",
    "trailing_bytes",
    "too_many_inputs",
    "invalid_input_log",
    // The ticket and the session signature (400: nothing ties the bytes to an issued session).
    "unknown_key_id",
    "retired_key_id",
    "bad_ticket_signature",
    "invalid_session_key",
    "bad_session_signature",
    // Verdicts on authentic sessions (422: recorded, session consumed, nothing paid).
    "ticket_expired",
    "unknown_level",
    "level_id_mismatch",
    "unknown_rules_version",
    "input_out_of_order",
    "input_after_game_over",
    "input_refused",
    "session_too_long",
    "score_mismatch",
    "final_tick_mismatch",
    "final_hash_mismatch",
    "checkpoint_mismatch",
    "faster_than_real_time",
    "inputs_too_fast",
    "session_over_level_limit",
    "rejected",
];

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
];
