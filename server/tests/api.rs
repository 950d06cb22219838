//! The HTTP API as a specification: each test states one behaviour against a real server, on
//! SQLite and on PostgreSQL.

mod common;

use common::*;
use playproof_bots::Pacing;
use playproof_server::http::DEV_PLAYER_HEADER;
use playproof_server::ratelimit::RateLimit;
use serde_json::{json, Value};

async fn get_as(server: &Server, player: &str, path: &str) -> (u16, Value) {
    let response = server
        .client
        .get(format!("{}{path}", server.base))
        .header(DEV_PLAYER_HEADER, player)
        .send()
        .await
        .unwrap();
    answer(response).await
}

on_both_stores!(a_verified_proof_pays_once_and_shows_everywhere);
async fn a_verified_proof_pays_once_and_shows_everywhere(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    // Log in through the dev provider and use the bearer token it returns.
    let response = server
        .client
        .post(format!("{}/v1/login", server.base))
        .json(&json!({ "provider": "dev", "credential": "alice" }))
        .send()
        .await
        .unwrap();
    let (status, login) = answer(response).await;
    assert_eq!(status, 200, "{login}");
    assert_eq!(login["player_id"], "dev-alice");
    let token = login["token"].as_str().unwrap().to_string();

    let session = session(&server.client, &server.base, "alice", 1).await;
    let response = server
        .client
        .post(format!("{}/v1/proofs", server.base))
        .bearer_auth(&token)
        .header("content-type", "application/octet-stream")
        .body(session.proof.clone())
        .send()
        .await
        .unwrap();
    let (status, receipt) = answer(response).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["verdict"], "accepted");
    assert_eq!(receipt["session_id"], session.session_id.as_str());
    assert_eq!(receipt["score"], session.score);
    assert_eq!(receipt["payout_fen"], PAYOUT_FEN);
    assert_eq!(receipt["boost_fen"], 0);
    assert_eq!(receipt["capped"], false);
    assert_eq!(receipt["balance_fen"], PAYOUT_FEN);

    // The same proof again: refused with the first verdict attached, nothing more paid.
    let (status, again) = submit(&server.client, &server.base, &session).await;
    assert_eq!(status, 409, "{again}");
    assert_eq!(error_code(&again), "session_already_consumed");
    assert_eq!(again["error"]["details"]["payout_fen"], PAYOUT_FEN);

    let balance = balance(&server.client, &server.base, "alice").await;
    assert_eq!(balance["player_id"], "dev-alice");
    assert_eq!(balance["balance_fen"], PAYOUT_FEN);
    assert_eq!(balance["earned_today_fen"], PAYOUT_FEN);
    assert_eq!(balance["pending_withdrawal_fen"], 0);

    let (status, history) = get_as(&server, "alice", "/v1/transfers").await;
    assert_eq!(status, 200, "{history}");
    let transfers = history["transfers"].as_array().unwrap();
    assert_eq!(transfers.len(), 1);
    assert_eq!(transfers[0]["id"], format!("payout:{}", session.session_id));
    assert_eq!(transfers[0]["from"], "house");
    assert_eq!(transfers[0]["to"], "player:dev-alice");
    assert_eq!(transfers[0]["amount_fen"], PAYOUT_FEN);
    assert_eq!(history["next_before"], Value::Null);

    let (status, board) = get_as(
        &server,
        "bob",
        &format!("/v1/levels/{LEVEL_ID}/leaderboard"),
    )
    .await;
    assert_eq!(status, 200, "{board}");
    let names = playproof_server::pseudonym::Pseudonyms::new(&TOKEN_SECRET);
    assert_eq!(
        board["entries"],
        json!([{ "rank": 1, "name": names.name("dev-alice"), "score": session.score }])
    );
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

on_both_stores!(rejected_proofs_consume_the_session_and_pay_nothing);
async fn rejected_proofs_consume_the_session_and_pay_nothing(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    let client = &server.client;
    let base = &server.base;

    // A claimed score the replay does not reproduce: recorded, consumed, not paid, not ranked.
    let ticket = ticket(client, base, "carol").await;
    let honest = play_ticket("carol", &ticket, 2);
    let inflated = play_ticket_claiming("carol", &ticket, 2, |score| score + 1);
    let (status, body) = submit_bytes(client, base, "carol", inflated.proof).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_code(&body), "score_mismatch");
    let (status, body) = submit(client, base, &honest).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_code(&body), "session_already_consumed");
    assert_eq!(body["error"]["details"]["verdict"], "score_mismatch");

    // A forged ticket (a byte of its session id changed) or a proof not signed by the session
    // key: not tied to any session, nothing recorded.
    let other = session(client, base, "carol", 3).await;
    let mut forged = other.proof.clone();
    forged[20] ^= 0xff;
    let (status, body) = submit_bytes(client, base, "carol", forged).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "bad_ticket_signature"),
        "{body}"
    );
    let mut unsigned = other.proof.clone();
    let last = unsigned.len() - 1;
    unsigned[last] ^= 0x01;
    let (status, body) = submit_bytes(client, base, "carol", unsigned).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "bad_session_signature"),
        "{body}"
    );

    // Someone else's proof.
    let (status, body) = submit_bytes(client, base, "mallory", other.proof.clone()).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(error_code(&body), "player_mismatch");

    let balance = balance(client, base, "carol").await;
    assert_eq!(balance["balance_fen"], 0);
    let (status, board) = get_as(
        &server,
        "carol",
        &format!("/v1/levels/{LEVEL_ID}/leaderboard"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(board["entries"], json!([]));
    // Only the score-mismatch session was recorded; the forged and misdirected ones were not.
    assert_eq!(server.service.store().counts().await.unwrap(), (0, 1, 0));
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn implausibly_fast_games_are_rejected_and_consume_the_session() {
    use playproof_server::clock::ManualClock;
    // (policy, expected reason). The service's clock stands still, so the proof arrives with no
    // wall time passed since its ticket: past the default slack for any game longer than 2 s,
    // which a game of `TIMED_MOVES_MIN` moves is. With the clock check relaxed, a minimum input
    // interval longer than any game trips the input check.
    let cases = [
        (playproof_proof::PlausibilityPolicy::default(), "faster_than_real_time"),
        (
            playproof_proof::PlausibilityPolicy::from_json(
                br#"{ "default": { "clock_slack_ms": 86400000, "input_interval_ticks_min": 1000000 } }"#,
            )
            .unwrap(),
            "inputs_too_fast",
        ),
    ];
    for (plausibility, expected) in cases {
        let database = Database::new(&Backend::Sqlite);
        let options = Options {
            plausibility,
            clock: std::sync::Arc::new(ManualClock::new(1_780_000_000_000)),
            ..Options::default()
        };
        let server = Server::start(&database, options).await;
        let ticket = ticket(&server.client, &server.base, "quick").await;
        let session = play_ticket_paced("quick", &ticket, Pacing::INSTANT, 4);
        let (status, body) = submit(&server.client, &server.base, &session).await;
        assert_eq!((status, error_code(&body)), (422, expected), "{body}");
        let (status, body) = submit(&server.client, &server.base, &session).await;
        assert_eq!(
            (status, error_code(&body)),
            (409, "session_already_consumed")
        );
        assert_eq!(
            balance(&server.client, &server.base, "quick").await["balance_fen"],
            0
        );
        assert_ledger_ok(&server.check_ledger().await);
        server.stop().await;
    }
}

on_both_stores!(withdrawals_are_idempotent_and_settle_once);
async fn withdrawals_are_idempotent_and_settle_once(backend: Backend) {
    let database = Database::new(&backend);
    let options = Options {
        withdrawal_min_fen: 2 * PAYOUT_FEN,
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    for bot_seed in 0..4 {
        let session = session(&server.client, &server.base, "dave", bot_seed).await;
        assert_eq!(submit(&server.client, &server.base, &session).await.0, 200);
    }
    let earned = 4 * PAYOUT_FEN;

    let (status, body) = withdraw(&server, "dave", 2 * PAYOUT_FEN - 1, "k0").await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "below_withdrawal_minimum")
    );
    let (status, body) = withdraw(&server, "dave", earned + 1, "k0").await;
    assert_eq!((status, error_code(&body)), (409, "insufficient_balance"));
    let (status, body) = withdraw(&server, "dave", 2 * PAYOUT_FEN, "").await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "invalid_idempotency_key")
    );

    let (status, first) = withdraw(&server, "dave", 2 * PAYOUT_FEN, "k1").await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["status"], "pending");
    let (status, repeat) = withdraw(&server, "dave", 2 * PAYOUT_FEN, "k1").await;
    assert_eq!(status, 200, "{repeat}");
    assert_eq!(repeat["withdrawal_id"], first["withdrawal_id"]);
    let (status, body) = withdraw(&server, "dave", 2 * PAYOUT_FEN + 1, "k1").await;
    assert_eq!((status, error_code(&body)), (409, "idempotency_key_reused"));
    let balance_now = balance(&server.client, &server.base, "dave").await;
    assert_eq!(balance_now["balance_fen"], earned - 2 * PAYOUT_FEN);
    assert_eq!(balance_now["pending_withdrawal_fen"], 2 * PAYOUT_FEN);

    let paid_id = first["withdrawal_id"].as_str().unwrap();
    let (status, paid) =
        operator(&server, &format!("/v1/operator/withdrawals/{paid_id}/paid")).await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["status"], "paid");
    let (status, again) =
        operator(&server, &format!("/v1/operator/withdrawals/{paid_id}/paid")).await;
    assert_eq!((status, again["status"].as_str()), (200, Some("paid")));
    let (status, body) = operator(
        &server,
        &format!("/v1/operator/withdrawals/{paid_id}/failed"),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "withdrawal_already_settled")
    );

    // A failed payout returns the money to the player.
    let (status, second) = withdraw(&server, "dave", 2 * PAYOUT_FEN, "k2").await;
    assert_eq!(status, 201, "{second}");
    let failed_id = second["withdrawal_id"].as_str().unwrap();
    let (status, failed) = operator(
        &server,
        &format!("/v1/operator/withdrawals/{failed_id}/failed"),
    )
    .await;
    assert_eq!((status, failed["status"].as_str()), (200, Some("failed")));
    let balance_end = balance(&server.client, &server.base, "dave").await;
    assert_eq!(balance_end["balance_fen"], earned - 2 * PAYOUT_FEN);
    assert_eq!(balance_end["pending_withdrawal_fen"], 0);
    assert_eq!(
        server
            .service
            .store()
            .account_balance("settled")
            .await
            .unwrap(),
        2 * PAYOUT_FEN
    );

    let (status, body) = operator(&server, "/v1/operator/withdrawals/w_nope/paid").await;
    assert_eq!((status, error_code(&body)), (404, "withdrawal_not_found"));
    let response = server
        .client
        .post(format!(
            "{}/v1/operator/withdrawals/{failed_id}/paid",
            server.base
        ))
        .bearer_auth("not-the-operator")
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!((status, error_code(&body)), (401, "unauthenticated"));
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

on_both_stores!(a_campaign_boosts_payouts_until_its_budget_is_spent);
async fn a_campaign_boosts_payouts_until_its_budget_is_spent(backend: Backend) {
    let database = Database::new(&backend);
    let boost_fen = 10;
    // Enough for two full boosts and a partial third.
    let budget_fen = 2 * boost_fen + 4;
    let options = Options {
        campaign: Some((budget_fen, boost_fen)),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let mut boosts = Vec::new();
    for bot_seed in 0..4 {
        let session = session(&server.client, &server.base, "erin", bot_seed).await;
        let (status, receipt) = submit(&server.client, &server.base, &session).await;
        assert_eq!(status, 200, "{receipt}");
        assert_eq!(receipt["payout_fen"], PAYOUT_FEN);
        boosts.push((
            receipt["boost_fen"].as_i64().unwrap(),
            receipt["capped"].as_bool().unwrap(),
        ));
    }
    assert_eq!(boosts, [(10, false), (10, false), (4, true), (0, true)]);
    let balance = balance(&server.client, &server.base, "erin").await;
    assert_eq!(balance["balance_fen"], 4 * PAYOUT_FEN + budget_fen);
    assert_eq!(
        server
            .service
            .store()
            .account_balance("campaign:spring")
            .await
            .unwrap(),
        0
    );
    // Restarting with the same campaign file does not fund it twice.
    server.stop().await;
    let server = Server::start(
        &database,
        Options {
            campaign: Some((budget_fen, boost_fen)),
            ..Options::default()
        },
    )
    .await;
    assert_eq!(
        server
            .service
            .store()
            .account_balance("campaign:spring")
            .await
            .unwrap(),
        0
    );
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

on_both_stores!(bad_requests_get_a_reason_and_write_nothing);
async fn bad_requests_get_a_reason_and_write_nothing(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    let client = &server.client;
    let base = &server.base;
    let before = server.service.store().counts().await.unwrap();
    let oversized = vec![0u8; playproof_server::service::PROOF_BODY_BYTES_MAX + 1];
    let json_type = "application/json";
    let binary = "application/octet-stream";
    // (method path, content type, body, expected status, expected code)
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "/v1/proofs",
            binary,
            b"not a proof".to_vec(),
            400,
            "bad_magic",
        ),
        ("/v1/proofs", binary, Vec::new(), 400, "truncated"),
        ("/v1/proofs", binary, oversized, 413, "body_too_large"),
        (
            "/v1/proofs",
            json_type,
            b"{}".to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            "/v1/tickets",
            json_type,
            b"{\"level_id\":".to_vec(),
            400,
            "malformed_json",
        ),
        (
            "/v1/tickets",
            json_type,
            b"{\"level_id\":7}".to_vec(),
            422,
            "invalid_field",
        ),
        (
            "/v1/tickets",
            json_type,
            b"{\"level\":\"x\"}".to_vec(),
            422,
            "invalid_field",
        ),
        (
            "/v1/tickets",
            json_type,
            b"{\"level_id\":\"m3-01-first-steps\"}".to_vec(),
            422,
            "invalid_field",
        ),
        (
            "/v1/tickets",
            json_type,
            format!(
                "{{\"level_id\":\"nope\",\"session_public_key\":\"{}\"}}",
                "ab".repeat(32)
            )
            .into_bytes(),
            404,
            "unknown_level",
        ),
        (
            "/v1/tickets",
            json_type,
            b"{\"level_id\":\"m3-01-first-steps\",\"session_public_key\":\"abcd\"}".to_vec(),
            422,
            "invalid_session_key",
        ),
        (
            "/v1/tickets",
            "text/plain",
            b"{\"level_id\":\"m3-01-first-steps\"}".to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            "/v1/tickets",
            json_type,
            format!("{{\"level_id\":\"{}\"}}", "x".repeat(5000)).into_bytes(),
            413,
            "body_too_large",
        ),
        (
            "/v1/withdrawals",
            json_type,
            b"{\"amount_fen\":\"100\"}".to_vec(),
            422,
            "invalid_field",
        ),
        (
            "/v1/withdrawals",
            json_type,
            b"{\"amount_fen\":1.5}".to_vec(),
            422,
            "invalid_field",
        ),
        (
            "/v1/withdrawals",
            json_type,
            b"[]".to_vec(),
            422,
            "invalid_field",
        ),
        (
            "/v1/login",
            json_type,
            b"{\"provider\":\"dev\",\"credential\":\"Bad Name\"}".to_vec(),
            401,
            "invalid_player_name",
        ),
        (
            "/v1/login",
            json_type,
            b"{\"provider\":\"carrier-pigeon\",\"credential\":\"x\"}".to_vec(),
            404,
            "unknown_provider",
        ),
        ("/v1/nowhere", json_type, b"{}".to_vec(), 404, "not_found"),
    ];
    for (path, content_type, body, expected_status, expected_code) in cases {
        let response = client
            .post(format!("{base}{path}"))
            .header(DEV_PLAYER_HEADER, "frank")
            .header("idempotency-key", "key-1")
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, reply) = answer(response).await;
        assert_eq!(
            (status, error_code(&reply)),
            (expected_status, expected_code),
            "POST {path} ({content_type}): {reply}"
        );
        assert!(reply["error"]["message"]
            .as_str()
            .is_some_and(|message| !message.is_empty()));
    }
    let (status, reply) = get_as(&server, "frank", "/v1/transfers?limit=0").await;
    assert_eq!((status, error_code(&reply)), (422, "invalid_field"));
    let (status, reply) = get_as(&server, "frank", "/v1/transfers?limit=abc").await;
    assert_eq!((status, error_code(&reply)), (422, "invalid_field"));
    let response = client
        .get(format!("{base}/v1/balance"))
        .send()
        .await
        .unwrap();
    let (status, reply) = answer(response).await;
    assert_eq!((status, error_code(&reply)), (401, "unauthenticated"));
    let response = client
        .delete(format!("{base}/v1/balance"))
        .header(DEV_PLAYER_HEADER, "frank")
        .send()
        .await
        .unwrap();
    let (status, reply) = answer(response).await;
    assert_eq!((status, error_code(&reply)), (405, "method_not_allowed"));

    assert_eq!(server.service.store().counts().await.unwrap(), before);
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_answer_429_per_player_and_per_address() {
    let database = Database::new(&Backend::Sqlite);
    let options = Options {
        player_rate: RateLimit {
            per_s: 0.001,
            burst: 3,
        },
        address_rate: RateLimit {
            per_s: 0.001,
            burst: 8,
        },
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let (status, body) = get_as(&server, "gina", "/v1/balance").await;
        statuses.push((status, error_code(&body).to_string()));
    }
    assert_eq!(
        statuses[..3].iter().map(|s| s.0).collect::<Vec<_>>(),
        [200, 200, 200]
    );
    assert_eq!(statuses[3], (429, "rate_limited".to_string()));
    // Other players from the same address still pass until the address limit (8) is used up.
    let mut address_statuses = Vec::new();
    for player in ["h1", "h2", "h3", "h4", "h5"] {
        let response = server
            .client
            .get(format!("{}/v1/balance", server.base))
            .header(DEV_PLAYER_HEADER, player)
            .send()
            .await
            .unwrap();
        let retry_after = response.headers().get("retry-after").is_some();
        let (status, body) = answer(response).await;
        address_statuses.push((status, error_code(&body).to_string(), retry_after));
    }
    let ok = (200, "<no error code>".to_string(), false);
    let limited = (429, "rate_limited".to_string(), true);
    assert_eq!(
        address_statuses,
        [ok.clone(), ok.clone(), ok.clone(), ok, limited]
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_cors_health_and_metrics() {
    let database = Database::new(&Backend::Sqlite);
    let site = TempDir::new("site");
    std::fs::write(site.0.join("index.html"), "<h1>PlayProof</h1>").unwrap();
    let server = Server::start(
        &database,
        Options {
            static_dir: Some(site.0.clone()),
            ..Options::default()
        },
    )
    .await;
    let page = server
        .client
        .get(format!("{}/index.html", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.text().await.unwrap(), "<h1>PlayProof</h1>");
    let preflight = server
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/v1/proofs", server.base),
        )
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status().as_u16(), 200);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"]
            .to_str()
            .unwrap(),
        "http://localhost:5173"
    );
    let (status, health) = answer(
        server
            .client
            .get(format!("{}/health", server.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, health), (200, json!({ "status": "ok" })));

    let session = session(&server.client, &server.base, "ivy", 9).await;
    assert_eq!(submit(&server.client, &server.base, &session).await.0, 200);
    let metrics = playproof_server::http::metrics_router(server.service.metrics().clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let task = tokio::spawn(async move { axum::serve(listener, metrics).await });
    let text = server
        .client
        .get(format!("http://{address}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("playproof_proofs_total{result=\"accepted\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!("playproof_paid_fen_total {PAYOUT_FEN}\n")),
        "{text}"
    );
    assert!(text.contains("playproof_proof_seconds_count 1\n"), "{text}");
    task.abort();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_check_names_each_broken_invariant_and_transfers_are_append_only() {
    use sqlx::Connection;
    let database = Database::new(&Backend::Sqlite);
    let server = Server::start(&database, Options::default()).await;
    let session = session(&server.client, &server.base, "zed", 1).await;
    assert_eq!(submit(&server.client, &server.base, &session).await.0, 200);
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;

    let url = format!("{}?mode=rw", database.config.url);
    let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let rewrite = sqlx::query("UPDATE transfers SET amount_fen = 1")
        .execute(&mut connection)
        .await;
    assert!(rewrite.unwrap_err().to_string().contains("append-only"));
    let erase = sqlx::query("DELETE FROM transfers")
        .execute(&mut connection)
        .await;
    assert!(erase.unwrap_err().to_string().contains("append-only"));
    // Tamper: a balance changed without a transfer, and a second payout for the same session.
    sqlx::query("UPDATE accounts SET balance_fen = balance_fen + 5 WHERE id = 'player:dev-zed'")
        .execute(&mut connection)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO transfers (id, debit_account, credit_account, amount_fen, kind, session_id, created_at_ms) \
         VALUES ('again', 'house', 'player:dev-zed', 25, 'payout', $1, 0)",
    )
    .bind(&session.session_id)
    .execute(&mut connection)
    .await
    .unwrap();
    connection.close().await.unwrap();

    let server = Server::start(&database, Options::default()).await;
    let report = server.check_ledger().await;
    let broken: Vec<&str> = report
        .problems
        .iter()
        .map(|problem| problem.split(':').next().unwrap())
        .collect();
    assert_eq!(
        broken,
        [
            "each account's balance equals its credits minus its debits",
            "each account's balance equals its credits minus its debits",
            "all balances sum to zero (every transfer balances)",
            "no session is paid twice",
            "every session's recorded payout was transferred",
        ],
        "{:#?}",
        report.problems
    );
    server.stop().await;
}

on_both_stores!(the_daily_cap_resets_at_local_midnight);
async fn the_daily_cap_resets_at_local_midnight(backend: Backend) {
    use playproof_server::clock::{ManualClock, DAY_MS};
    // 2025-11-21 23:00 in UTC+8 (the default earning day): one hour before the day turns.
    let clock = std::sync::Arc::new(ManualClock::new(1_763_737_200_000));
    let database = Database::new(&backend);
    let options = Options {
        daily_cap_fen: PAYOUT_FEN,
        clock: clock.clone(),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let mut payouts = Vec::new();
    for (bot_seed, advance_ms) in [(1, 0), (2, 0), (3, DAY_MS / 24), (4, 0)] {
        clock.advance_ms(advance_ms);
        let session = session(&server.client, &server.base, "rosa", bot_seed).await;
        let (status, receipt) = submit(&server.client, &server.base, &session).await;
        assert_eq!(status, 200, "{receipt}");
        payouts.push(receipt["payout_fen"].as_i64().unwrap());
    }
    // Day one: the cap is reached by the first game. Day two (an hour later): again once.
    assert_eq!(payouts, [PAYOUT_FEN, 0, PAYOUT_FEN, 0]);
    let balance = balance(&server.client, &server.base, "rosa").await;
    assert_eq!(balance["balance_fen"], 2 * PAYOUT_FEN);
    assert_eq!(balance["earned_today_fen"], PAYOUT_FEN);
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}
