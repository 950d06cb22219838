//! The documented reason codes are the code's: `docs/API.md` and `docs/FORMATS.md` are read
//! and compared, table by table, with `server/src/reasons.rs` and the verifier's one reason
//! table. That every verification reason is produced by a real proof is shown by
//! `proof/tests/reasons.rs`; the service codes' paths are listed here with the test that takes
//! each.

use std::collections::BTreeSet;

use playproof_proof::Reason;
use playproof_server::reasons::{verification_status, SERVICE};

fn doc(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The rows of the Markdown table whose header row starts with `| {first_header} |`: each row's
/// cells, trimmed, with backticks removed.
fn table(text: &str, first_header: &str) -> Vec<Vec<String>> {
    let mut lines = text.lines().skip_while(|line| {
        !line
            .trim_start()
            .starts_with(&format!("| {first_header} |"))
    });
    assert!(lines.next().is_some(), "no table headed {first_header:?}");
    lines
        .skip(1) // the | --- | row
        .take_while(|line| line.trim_start().starts_with('|'))
        .map(|line| {
            line.trim()
                .trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().replace('`', ""))
                .collect()
        })
        .collect()
}

#[test]
fn formats_md_lists_the_verifiers_reasons_in_order_with_their_stages() {
    let documented: Vec<(String, String, String)> = table(&doc("FORMATS.md"), "stage")
        .into_iter()
        .map(|cells| (cells[0].clone(), cells[1].clone(), cells[2].clone()))
        .collect();
    let code: Vec<(String, String, String)> = Reason::ALL
        .into_iter()
        .map(|reason| {
            (
                reason.stage().code().to_string(),
                reason.step().to_string(),
                reason.code().to_string(),
            )
        })
        .collect();
    assert_eq!(documented, code);
}

#[test]
fn api_md_gives_each_proof_code_the_status_of_its_stage() {
    let documented: Vec<(String, u16, String)> = table(&doc("API.md"), "proof code")
        .into_iter()
        .map(|cells| {
            (
                cells[0].clone(),
                cells[1].parse().unwrap(),
                cells[2].clone(),
            )
        })
        .collect();
    let code: Vec<(String, u16, String)> = Reason::ALL
        .into_iter()
        .map(|reason| {
            (
                reason.code().to_string(),
                verification_status(reason),
                reason.stage().code().to_string(),
            )
        })
        .collect();
    assert_eq!(documented, code);
}

#[test]
fn api_md_lists_exactly_the_service_codes_with_their_statuses() {
    let mut documented = BTreeSet::new();
    for cells in table(&doc("API.md"), "code") {
        // One row may name several codes: "`not_found`, `method_not_allowed` | 404, 405".
        let codes: Vec<&str> = cells[0].split(',').map(str::trim).collect();
        let statuses: Vec<u16> = cells[1]
            .split(',')
            .map(|status| status.trim().parse().unwrap())
            .collect();
        assert_eq!(codes.len(), statuses.len(), "{cells:?}");
        for (code, status) in codes.into_iter().zip(statuses) {
            assert!(
                documented.insert((code.to_string(), status)),
                "{code} twice"
            );
        }
    }
    let code: BTreeSet<(String, u16)> = SERVICE
        .iter()
        .map(|(code, status, _)| (code.to_string(), *status))
        .collect();
    assert_eq!(documented, code);
}

/// Where each service code is produced, as `test file: test name`. Every code of
/// `reasons::SERVICE` must be here, and each named test must exist and assert the code.
const SERVICE_PATHS: &[(&str, &str, &str)] = &[
    ("malformed_json", "api.rs", "bad_requests_get_a_reason_and_write_nothing"),
    ("invalid_field", "api.rs", "bad_requests_get_a_reason_and_write_nothing"),
    ("unsupported_media_type", "security.rs", "a_proof_without_its_content_type_is_refused"),
    ("body_too_large", "api.rs", "bad_requests_get_a_reason_and_write_nothing"),
    ("bad_body", "", "a body the HTTP layer cannot read (a broken chunked stream): not reproducible through a conforming client"),
    ("unauthenticated", "api.rs", "bad_requests_get_a_reason_and_write_nothing"),
    ("invalid_player_name", "api.rs", "bad_requests_get_a_reason_and_write_nothing"),
    ("invalid_code", "", "WeChat login against the loopback stand-in: tests/wechat.rs"),
    ("provider_rate_limited", "", "WeChat login against the loopback stand-in: tests/wechat.rs"),
    ("provider_unavailable", "", "WeChat login against the loopback stand-in: tests/wechat.rs"),
    ("unknown_provider", "api.rs", "bad_requests_get_a_reason_and_write_nothing"),
    ("rate_limited", "api.rs", "rate_limits_answer_429_per_player_and_per_address"),
    ("unknown_level", "api.rs", "bad_requests_get_a_reason_and_write_nothing"),
    ("leaderboard_rank_not_found", "leaderboard.rs", "a_board_entry_s_run_replays_to_its_score_with_the_level_file"),
    ("run_not_kept", "", "a board entry accepted before schema version 7 kept proofs: no such game can be made through the API"),
    ("quiet_hours", "play_policy.rs", "quiet_hours_refuse_tickets_until_the_window_ends"),
    ("daily_play_limit", "play_policy.rs", "a_daily_play_limit_refuses_tickets_once_todays_games_reach_it"),
    ("invalid_session_key", "security.rs", "tickets_refuse_session_keys_that_cannot_bind_a_proof"),
    ("player_mismatch", "api.rs", "rejected_proofs_consume_the_session_and_pay_nothing"),
    ("session_already_consumed", "security.rs", "a_replayed_proof_is_answered_with_its_first_verdict"),
    ("insufficient_balance", "api.rs", "withdrawals_are_idempotent_and_settle_once"),
    ("below_withdrawal_minimum", "api.rs", "withdrawals_are_idempotent_and_settle_once"),
    ("invalid_amount", "security.rs", "operator_and_amount_refusals_move_nothing"),
    ("invalid_idempotency_key", "api.rs", "withdrawals_are_idempotent_and_settle_once"),
    ("idempotency_key_reused", "api.rs", "withdrawals_are_idempotent_and_settle_once"),
    ("withdrawal_not_found", "api.rs", "withdrawals_are_idempotent_and_settle_once"),
    ("withdrawal_already_settled", "api.rs", "withdrawals_are_idempotent_and_settle_once"),
    ("real_name_required", "payouts.rs", "withdrawal_limits_are_checked_when_the_player_asks"),
    ("above_transfer_maximum", "payouts.rs", "withdrawal_limits_are_checked_when_the_player_asks"),
    ("above_daily_withdrawal_maximum", "payouts.rs", "withdrawal_limits_are_checked_when_the_player_asks"),
    ("withdrawal_on_provider_rail", "payouts.rs", "a_provider_rails_withdrawal_settles_only_on_its_providers_report"),
    ("withdrawal_not_cancellable", "payouts.rs", "a_manual_withdrawal_is_cancelled_by_its_player_at_once_and_only_before_it_is_paid"),
    ("unknown_campaign", "security.rs", "operator_and_amount_refusals_move_nothing"),
    ("operator_disabled", "", "operator endpoints on a service started without an operator token"),
    ("not_found", "api.rs", "bad_requests_get_a_reason_and_write_nothing"),
    ("method_not_allowed", "api.rs", "bad_requests_get_a_reason_and_write_nothing"),
    ("storage_unavailable", "security.rs", "storage_failures_tell_the_client_nothing_of_the_database"),
    ("storage_timeout", "hardening.rs", "a_blocked_database_makes_readiness_and_writes_answer_503_quickly_and_writes_nothing"),
    ("request_timeout", "hardening.rs", "a_request_over_the_whole_request_timeout_is_answered_503_and_writes_nothing"),
    ("body_timeout", "hardening.rs", "a_body_that_trickles_in_is_answered_408_and_the_connection_closed"),
    ("overloaded", "hardening.rs", "past_the_connection_cap_only_health_is_served_and_then_connections_are_closed"),
    ("internal", "", "a bug (a panicked verifier thread); never produced on purpose"),
    ("high_risk_user", "wechat.rs", "a_high_risk_user_is_refused_at_login_with_its_own_reason"),
    ("hold_not_found", "risk.rs", "an_instant_bot_is_held_and_its_hold_is_reviewed_exactly_once"),
    ("hold_already_reviewed", "risk.rs", "an_instant_bot_is_held_and_its_hold_is_reviewed_exactly_once"),
    ("withdrawal_review_not_found", "risk.rs", "a_flagged_players_withdrawal_waits_for_review_then_takes_the_ordinary_path"),
    ("withdrawal_review_decided", "risk.rs", "a_flagged_players_withdrawal_waits_for_review_then_takes_the_ordinary_path"),
    ("game_not_found", "operator_console.rs", "a_game_in_full_replays_from_its_input_log_to_the_verified_score"),
    ("player_not_found", "operator_console.rs", "a_player_view_shows_games_with_risk_over_time_links_holds_and_withdrawals"),
];

#[test]
fn every_service_code_has_a_named_path_and_its_test_asserts_it() {
    let listed: BTreeSet<&str> = SERVICE_PATHS.iter().map(|(code, _, _)| *code).collect();
    let table: BTreeSet<&str> = SERVICE.iter().map(|(code, _, _)| *code).collect();
    assert_eq!(listed, table);
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for (code, file, test) in SERVICE_PATHS {
        if file.is_empty() {
            assert!(!test.is_empty(), "{code}: say why no test takes it");
            continue;
        }
        let source = std::fs::read_to_string(tests.join(file)).unwrap();
        let start = source
            .find(&format!("fn {test}("))
            .unwrap_or_else(|| panic!("{code}: no fn {test} in tests/{file}"));
        // The test's body runs to the next top-level item.
        let body = &source[start..];
        let end = body[1..]
            .find("\nfn ")
            .or_else(|| body[1..].find("\nasync fn "))
            .or_else(|| body[1..].find("\n#["))
            .unwrap_or(body.len() - 1);
        assert!(
            body[..=end].contains(&format!("\"{code}\"")),
            "{code}: tests/{file} {test} does not assert it"
        );
    }
}
