//! The operator's responsible-play policy as a specification, on SQLite and PostgreSQL: quiet
//! hours refuse tickets with a stable code that names when play resumes, a daily play limit
//! refuses them once the day's games reach it, and the policy is public for the game (its
//! break reminder's span).

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
        json!({ "reminder_minutes": 45, "quiet_hours": [["22:00", "08:00"]], "daily_play_minutes": null })
    );
}

/// A risk policy that pays everything but keeps the ticket records a daily limit counts from.
fn ticket_records() -> Arc<playproof_server::risk::RiskPolicy> {
    let mut policy = playproof_server::risk::RiskPolicy::pay_all();
    policy.tickets.one_open_per_player = true;
    Arc::new(policy)
}

/// A game of `minutes` of wall time: a ticket now, its proof `minutes` later.
async fn play_for(server: &Server, clock: &ManualClock, minutes: u64, bot_seed: u64) {
    let ticket = ticket(&server.client, &server.base, "alice").await;
    clock.advance_ms(minutes * 60_000);
    let session = play_ticket("alice", &ticket, bot_seed);
    let (status, body) = submit(&server.client, &server.base, &session).await;
    assert_eq!(status, 200, "{body}");
}

on_both_stores!(a_daily_play_limit_refuses_tickets_once_todays_games_reach_it);
async fn a_daily_play_limit_refuses_tickets_once_todays_games_reach_it(backend: Backend) {
    let database = Database::new(&backend);
    // 08:00 local on New Year's day.
    let clock = Arc::new(ManualClock::new(NEW_YEAR_UTC_MS));
    let policy = PlayPolicy::from_json("policy.json", br#"{ "daily_play_minutes": 10 }"#).unwrap();
    let options = Options {
        clock: clock.clone(),
        play_policy: policy,
        risk: ticket_records(),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    play_for(&server, &clock, 6, 1).await;
    let today = balance(&server.client, &server.base, "alice").await;
    assert_eq!(
        (&today["played_today_s"], &today["daily_play_minutes"]),
        (&json!(360), &json!(10))
    );
    // Under the limit: another game; it takes the day's play to 11 minutes.
    play_for(&server, &clock, 5, 2).await;
    let (status, refusal) = ticket_status(&server).await;
    assert_eq!(
        (status, error_code(&refusal)),
        (403, "daily_play_limit"),
        "{refusal}"
    );
    assert_eq!(
        refusal["error"]["message"],
        "today's play has reached the limit of 10 minutes; tickets are issued again tomorrow"
    );
    let today = balance(&server.client, &server.base, "alice").await;
    assert_eq!(today["played_today_s"], json!(660));
    // Another player's day is their own.
    let other = ticket(&server.client, &server.base, "bob").await;
    assert_eq!(other.body["level_id"], LEVEL_ID);
    // The next local day (midnight is 16:00 UTC): tickets again, and a fresh count.
    clock.advance_ms(16 * HOUR_MS);
    let tomorrow = balance(&server.client, &server.base, "alice").await;
    assert_eq!(tomorrow["played_today_s"], json!(0));
    let (status, body) = ticket_status(&server).await;
    assert_ne!(error_code(&body), "daily_play_limit", "{status} {body}");
    server.stop().await;
}
