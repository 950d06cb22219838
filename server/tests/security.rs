//! The service as an attacker and an operator meet it: each test names a threat of
//! `docs/SECURITY.md` and shows the control that stops it, over real HTTP, on SQLite and
//! PostgreSQL.

mod common;

use std::sync::Arc;

use common::*;
use playproof_proof::{decode_ticket, KeyId};
use playproof_server::check::TICKET_TTL_MS;
use playproof_server::clock::ManualClock;
use playproof_server::http::DEV_PLAYER_HEADER;
use playproof_server::pseudonym::Pseudonyms;
use playproof_server::secrets::KeyFile;
use serde_json::{json, Value};

async fn post_ticket(server: &Server, player: &str, session_public_key: &str) -> (u16, Value) {
    let response = server
        .client
        .post(format!("{}/v1/tickets", server.base))
        .header(DEV_PLAYER_HEADER, player)
        .json(&json!({ "level_id": LEVEL_ID, "session_public_key": session_public_key }))
        .send()
        .await
        .unwrap();
    answer(response).await
}

async fn get(server: &Server, player: Option<&str>, path: &str) -> (u16, Value) {
    let mut request = server.client.get(format!("{}{path}", server.base));
    if let Some(player) = player {
        request = request.header(DEV_PLAYER_HEADER, player);
    }
    answer(request.send().await.unwrap()).await
}

/// Threat: a client keeps a ticket past its expiry and submits late, hoping for a "format
/// error" that leaves the session open to try again. Control: an expired ticket is an authentic
/// session's verdict: 422, recorded, the session consumed (docs/API.md).
async fn an_expired_ticket_is_a_recorded_verdict(backend: Backend) {
    let database = Database::new(&backend);
    let clock = Arc::new(ManualClock::new(1_800_000_000_000));
    let options = Options {
        clock: clock.clone(),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let session = session(&server.client, &server.base, "erin", 1).await;
    clock.advance_ms(TICKET_TTL_MS + 1);

    let (status, body) = submit(&server.client, &server.base, &session).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "ticket_expired"),
        "{body}"
    );
    assert_eq!(body["error"]["details"]["verdict"], "ticket_expired");
    assert_eq!(body["error"]["details"]["payout_fen"], 0);
    assert_eq!(server.service.store().counts().await.unwrap(), (0, 1, 0));

    // The session is decided: a retry gets the first verdict, not a second judgement.
    let (status, body) = submit(&server.client, &server.base, &session).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "session_already_consumed")
    );
    assert_eq!(body["error"]["details"]["verdict"], "ticket_expired");
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

on_both_stores!(an_expired_ticket_is_a_recorded_verdict);

/// Threat: bytes smuggled as another media type (a form post from a web page). Control: a
/// proof is only read as `application/octet-stream`; anything else, or no type, is 415.
async fn a_proof_without_its_content_type_is_refused(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    let session = session(&server.client, &server.base, "fay", 2).await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut request = server
            .client
            .post(format!("{}/v1/proofs", server.base))
            .header(DEV_PLAYER_HEADER, "fay")
            .body(session.proof.clone());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let (status, body) = answer(request.send().await.unwrap()).await;
        assert_eq!(
            (status, error_code(&body)),
            (415, "unsupported_media_type"),
            "{content_type:?}"
        );
    }
    assert_eq!(server.service.store().counts().await.unwrap(), (0, 0, 0));
    // The same proof, correctly typed, is then judged: nothing above consumed it.
    let (status, body) = submit(&server.client, &server.base, &session).await;
    assert_eq!(status, 200, "{body}");
    server.stop().await;
}

on_both_stores!(a_proof_without_its_content_type_is_refused);

/// Threat: a ticket bound to a session key that verifies forged signatures (the identity or
/// another small-order point), or to a key spelled two ways. Control: refused at ticket time
/// with `invalid_session_key`; nothing is issued or written.
async fn tickets_refuse_session_keys_that_cannot_bind_a_proof(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    let valid = ticket(&server.client, &server.base, "gus").await;
    let valid_hex = playproof_server::hex::encode(&valid.key.public_key());
    let mut identity = vec![0u8; 32];
    identity[0] = 1;
    // A point of order 8 (a canonical encoding of a torsion point).
    let order_8 = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a";
    let mut not_a_point = vec![0u8; 32];
    not_a_point[0] = 2;
    let cases = [
        ("the identity", playproof_server::hex::encode(&identity)),
        ("a small-order point", order_8.to_string()),
        (
            "not a curve point",
            playproof_server::hex::encode(&not_a_point),
        ),
        ("uppercase hex", valid_hex.to_uppercase()),
        ("63 digits", valid_hex[..63].to_string()),
        ("31 bytes", valid_hex[..62].to_string()),
        ("not hex", "zz".repeat(32)),
        ("empty", String::new()),
    ];
    let before = server.service.store().counts().await.unwrap();
    for (what, key) in cases {
        let (status, body) = post_ticket(&server, "gus", &key).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "invalid_session_key"),
            "{what}: {body}"
        );
        assert!(body.get("ticket_hex").is_none());
    }
    assert_eq!(server.service.store().counts().await.unwrap(), before);
    server.stop().await;
}

on_both_stores!(tickets_refuse_session_keys_that_cannot_bind_a_proof);

/// Threat: a proof whose length prefix claims a huge embedded ticket. Control: refused before
/// anything is read, with the code FORMATS.md gives (`too_large`), as a format error (400).
async fn an_embedded_ticket_over_its_bound_is_too_large(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    let mut proof = b"PPPF\x01".to_vec();
    // LEB128 of TICKET_BYTES_MAX + 1 (513), then enough bytes to hold it.
    proof.extend([0x81, 0x04]);
    proof.extend(vec![0u8; 600]);
    let (status, body) = submit_bytes(&server.client, &server.base, "hal", proof).await;
    assert_eq!((status, error_code(&body)), (400, "too_large"), "{body}");
    assert_eq!(server.service.store().counts().await.unwrap(), (0, 0, 0));
    server.stop().await;
}

on_both_stores!(an_embedded_ticket_over_its_bound_is_too_large);

/// Threat: scraping platform ids (`wx-<openid>`) from public views to track players across apps.
/// Control: public views carry a keyed pseudonym; no response to a stranger carries a player id.
async fn public_views_show_pseudonyms_never_player_ids(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    for (player, seed) in [("ivy", 3), ("jon", 4)] {
        let session = session(&server.client, &server.base, player, seed).await;
        let (status, body) = submit(&server.client, &server.base, &session).await;
        assert_eq!(status, 200, "{body}");
    }
    let names = Pseudonyms::new(&TOKEN_SECRET);
    let (status, board) = get(&server, None, &format!("/v1/levels/{LEVEL_ID}/leaderboard")).await;
    assert_eq!(status, 200, "{board}");
    let entries = board["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let mut shown: Vec<&str> = entries
        .iter()
        .map(|entry| entry["name"].as_str().unwrap())
        .collect();
    shown.sort_unstable();
    let mut expected = vec![names.name("dev-ivy"), names.name("dev-jon")];
    expected.sort_unstable();
    assert_eq!(shown, expected);
    // Whatever a stranger can read: the board, health, a refusal, an unknown path.
    for path in [
        format!("/v1/levels/{LEVEL_ID}/leaderboard?limit=100"),
        "/health".to_string(),
        "/v1/balance".to_string(),
        "/v1/levels/nope/leaderboard".to_string(),
        "/.playproof/ledger.sqlite".to_string(),
    ] {
        let (_, body) = get(&server, None, &path).await;
        let text = body.to_string();
        for secret in ["dev-ivy", "dev-jon", "ivy", "jon", "player:"] {
            assert!(!text.contains(secret), "{path} shows {secret:?}: {text}");
        }
    }
    server.stop().await;
}

on_both_stores!(public_views_show_pseudonyms_never_player_ids);

/// Threat: a database failure message that names tables, columns, hosts or credentials.
/// Control: a storage failure answers `storage_unavailable` with a generic message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_failures_tell_the_client_nothing_of_the_database() {
    let database = Database::new(&Backend::Sqlite);
    let server = Server::start(&database, Options::default()).await;
    // Break the store under the service: another connection drops a table it reads.
    let url = format!("sqlite:{}", database.dir.0.join("ledger.sqlite").display());
    {
        use sqlx::Connection;
        let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("DROP TABLE daily_earnings")
            .execute(&mut connection)
            .await
            .unwrap();
    }
    let (status, body) = get(&server, Some("kim"), "/v1/balance").await;
    assert_eq!(
        (status, error_code(&body)),
        (503, "storage_unavailable"),
        "{body}"
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "the database is unavailable; nothing was acknowledged"
    );
    assert!(!body.to_string().contains("daily_earnings"), "{body}");
    server.stop().await;
}

/// Threat: rotating the ticket key (routine, or after a suspected leak) either breaks every game
/// in flight or leaves the old key valid forever. Control: `serve` runs on a key ring: after
/// `rotate`, new tickets carry the new key and proofs on old tickets are still paid; after
/// `retire`, the old key's tickets are refused (400, nothing recorded).
async fn rotating_keys_rejects_no_game_in_flight(backend: Backend) {
    let database = Database::new(&backend);
    let keys_dir = TempDir::new("ring");
    let path = keys_dir.0.join("keys.json");
    let mut file = KeyFile::generate().unwrap();
    file.save(&path).unwrap();
    let start = |file: KeyFile| {
        let ring = file.ring(&path).unwrap();
        Server::start(
            &database,
            Options {
                ticket_keys: Some(ring),
                ..Options::default()
            },
        )
    };

    // Two games in flight under key 1.
    let server = start(KeyFile::load(&path).unwrap()).await;
    let first = session(&server.client, &server.base, "lee", 5).await;
    let second = session(&server.client, &server.base, "lee", 6).await;
    server.stop().await;

    // Rotate and restart: the old ticket's proof is paid, new tickets carry key 2.
    assert_eq!(file.rotate().unwrap(), 2);
    file.save(&path).unwrap();
    let server = start(KeyFile::load(&path).unwrap()).await;
    let (status, body) = submit(&server.client, &server.base, &first).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["payout_fen"], PAYOUT_FEN);
    let fresh = ticket(&server.client, &server.base, "lee").await;
    let ticket_bytes = hex_decode(fresh.body["ticket_hex"].as_str().unwrap());
    assert_eq!(decode_ticket(&ticket_bytes).unwrap().key_id, KeyId(2));
    let third = play_ticket("lee", &fresh, 7);
    server.stop().await;

    // Retire key 1 and restart: its ticket is refused and records nothing; key 2's is paid.
    file.retire(&path, 1).unwrap();
    file.save(&path).unwrap();
    let server = start(KeyFile::load(&path).unwrap()).await;
    let (status, body) = submit(&server.client, &server.base, &second).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "retired_key_id"),
        "{body}"
    );
    let (status, body) = submit(&server.client, &server.base, &third).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(server.service.store().counts().await.unwrap().1, 2);
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

on_both_stores!(rotating_keys_rejects_no_game_in_flight);

/// Threat: replaying one valid proof many times to burn the server's CPU or be paid again.
/// Control: the session is checked between authentication and judgement; a decided session is
/// answered with its first verdict and nothing more is paid.
async fn a_replayed_proof_is_answered_with_its_first_verdict(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    let session = session(&server.client, &server.base, "max", 8).await;
    let (status, first) = submit(&server.client, &server.base, &session).await;
    assert_eq!(status, 200, "{first}");
    for _ in 0..3 {
        let (status, body) = submit(&server.client, &server.base, &session).await;
        assert_eq!(
            (status, error_code(&body)),
            (409, "session_already_consumed")
        );
        assert_eq!(body["error"]["details"]["payout_fen"], first["payout_fen"]);
    }
    assert_eq!(
        balance(&server.client, &server.base, "max").await["balance_fen"],
        PAYOUT_FEN
    );
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

on_both_stores!(a_replayed_proof_is_answered_with_its_first_verdict);

/// Threat: an operator endpoint reached with a guessed token, or with amounts and campaigns
/// that do not exist. Control: 401 without the exact token; nothing moves for a zero amount or
/// an unknown campaign.
async fn operator_and_amount_refusals_move_nothing(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    let fund = |token: &str, campaign: &str| {
        server
            .client
            .post(format!(
                "{}/v1/operator/campaigns/{campaign}/fund",
                server.base
            ))
            .bearer_auth(token)
            .header("idempotency-key", "k1")
            .json(&json!({ "amount_fen": 500 }))
            .send()
    };
    let (status, body) = answer(fund("guess", CAMPAIGN_ID).await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (401, "unauthenticated"));
    let (status, body) = answer(fund(OPERATOR_TOKEN, "nope").await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (404, "unknown_campaign"));
    let response = server
        .client
        .post(format!("{}/v1/withdrawals", server.base))
        .header(DEV_PLAYER_HEADER, "ned")
        .header("idempotency-key", "w1")
        .json(&json!({ "amount_fen": 0 }))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!((status, error_code(&body)), (422, "invalid_amount"));
    assert_eq!(server.service.store().counts().await.unwrap(), (0, 0, 0));
    server.stop().await;
}

on_both_stores!(operator_and_amount_refusals_move_nothing);
