//! The operator's responsible-play policy as a specification, on SQLite and PostgreSQL: quiet
//! hours refuse tickets with a stable code that names when play resumes, and the policy is
//! public for the game (its break reminder's span).

mod common;

use std::sync::Arc;

use common::*;
use playproof_server::clock::ManualClock;
use playproof_server::play_policy::PlayPolicy;
use serde_json::{json, Value};

/// 2027-01-01 00:00 UTC is 08:00 in China Standard Time (the default earning day, UTC+8).
const NEW_YEAR_UTC_MS: u64 = 1_798_761_600_000;
const HOUR_MS: u64 = 3_600_000;

async fn ticket_status(server: &Server) -> (u16, Value) {
    let response = server
        .client
        .post(format!("{}/v1/tickets", server.base))
        .header(playproof_server::http::DEV_PLAYER_HEADER, "alice")
        .json(&json!({ "level_id": LEVEL_ID, "session_public_key": "00".repeat(32) }))
        .send()
        .await
        .unwrap();
    answer(response).await
}

on_both_stores!(quiet_hours_refuse_tickets_until_the_window_ends);
async fn quiet_hours_refuse_tickets_until_the_window_ends(backend: Backend) {
    let database = Database::new(&backend);
    // 22:00 local is 14:00 UTC.
    let clock = Arc::new(ManualClock::new(NEW_YEAR_UTC_MS + 14 * HOUR_MS));
    let policy = PlayPolicy::from_json(
        "policy.json",
        br#"{ "reminder_minutes": 45, "quiet_hours": [{ "from": "22:00", "to": "08:00" }] }"#,
    )
    .unwrap();
    let options = Options {
        clock: clock.clone(),
        play_policy: policy,
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let (status, refusal) = ticket_status(&server).await;
    assert_eq!(status, 403, "{refusal}");
    assert_eq!(error_code(&refusal), "quiet_hours");
    assert_eq!(
        refusal["error"]["message"],
        "play rests from 22:00 to 08:00; tickets are issued again after 08:00"
    );
    // 08:00 local: the window is over; the ticket request goes on to its own checks.
    clock.advance_ms(10 * HOUR_MS);
    let (status, after) = ticket_status(&server).await;
    assert_ne!(error_code(&after), "quiet_hours", "{status} {after}");

    let response = server
        .client
        .get(format!("{}/v1/play-policy", server.base))
        .send()
        .await
        .unwrap();
    let (status, policy) = answer(response).await;
    assert_eq!(status, 200);
    assert_eq!(
        policy,
        json!({ "reminder_minutes": 45, "quiet_hours": [["22:00", "08:00"]] })
    );
}
