//! The operator console's read views over HTTP on both stores: the review queue with every
//! signal, one game in full (its input log replays to the verified score), a player with
//! linked accounts and risk over time, withdrawals with their state history, campaign budgets;
//! pages; and refusals that say nothing to anyone without the operator token.

mod common;

use std::sync::Arc;

use common::*;
use playproof_bots::Pacing;
use playproof_server::http::DEV_PLAYER_HEADER;
use playproof_server::operator::roster::{self, Roster};
use playproof_server::risk::{RiskPolicy, SignalKind};
use playproof_server::store::ProofPrune;
use serde_json::{json, Value};

/// Holds games whose inputs come faster than a human reacts (the reaction floor alone).
fn holding_policy() -> Arc<RiskPolicy> {
    Arc::new(weighing(&[(SignalKind::ReactionFloor, 0.8)]))
}

/// `player` plays a game at `pacing` ([`play_paced`]); the receipt, which must be a 200.
async fn played(server: &Server, player: &str, pacing: Pacing, bot_seed: u64) -> Value {
    let (status, receipt) = play_paced(server, player, pacing, bot_seed).await;
    assert_eq!(status, 200, "{receipt}");
    receipt
}

/// An operator's GET of `path`, with the operator token.
async fn read(server: &Server, path: &str) -> (u16, Value) {
    read_with(server, Some(OPERATOR_TOKEN), path).await
}

/// A GET of `path` with `token` as the bearer, or with none.
async fn read_with(server: &Server, token: Option<&str>, path: &str) -> (u16, Value) {
    let mut request = server.client.get(format!("{}{path}", server.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    answer(request.send().await.unwrap()).await
}

async fn read_ok(server: &Server, path: &str) -> Value {
    read_as(server, OPERATOR_TOKEN, path).await
}

/// The operator holding `token` reads `path`, which must answer 200.
async fn read_as(server: &Server, token: &str, path: &str) -> Value {
    let (status, body) = read_with(server, Some(token), path).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// A server whose policy holds instant bots, with a campaign sponsoring the level.
async fn console_server(database: &Database) -> Server {
    let options = Options {
        risk: holding_policy(),
        withdrawal_min_fen: PAYOUT_FEN,
        campaign: Some((1_000, 10)),
        ..Options::default()
    };
    Server::start(database, options).await
}

on_both_stores!(the_review_queue_lists_each_held_game_with_every_signal_explained);
async fn the_review_queue_lists_each_held_game_with_every_signal_explained(backend: Backend) {
    let database = Database::new(&backend);
    let server = console_server(&database).await;
    let first = played(&server, "bot", Pacing::INSTANT, 1).await;
    let second = played(&server, "bot", Pacing::INSTANT, 2).await;
    let paid = played(&server, "person", Pacing::HUMAN, 3).await;
    assert_eq!(
        (&first["payment"], &second["payment"], &paid["payment"]),
        (&json!("held"), &json!("held"), &json!("paid"))
    );

    let queue = read_ok(&server, "/v1/operator/review-queue").await;
    let games = queue["games"].as_array().unwrap();
    let ids: Vec<&str> = games
        .iter()
        .map(|game| game["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            first["session_id"].as_str().unwrap(),
            second["session_id"].as_str().unwrap()
        ],
        "held games only, oldest first"
    );
    let game = &games[0];
    assert_eq!(
        (
            &game["player_id"],
            &game["level_id"],
            &game["score"],
            &game["risk"]["decision"],
            &game["risk"]["held_fen"],
            &game["risk"]["review"]
        ),
        (
            &json!("dev-bot"),
            &json!(LEVEL_ID),
            &first["score"],
            &json!("hold"),
            &first["held_fen"],
            &Value::Null
        )
    );
    assert!(game["risk"]["decided_at_ms"].as_i64().unwrap() > 0);
    assert!(game["risk"]["score"].as_f64().unwrap() >= 0.6);
    let signals = game["risk"]["signals"].as_array().unwrap();
    let reaction = signals
        .iter()
        .find(|signal| signal["kind"] == "reaction_floor")
        .expect("the reaction floor signal is listed");
    assert!(reaction["strength"].as_f64().unwrap() > 0.0, "{reaction}");
    assert!(reaction["measured"].is_number(), "{reaction}");
    for signal in signals {
        assert!(
            !signal["explanation"].as_str().unwrap().is_empty(),
            "every signal explains itself: {signal}"
        );
    }
    assert_eq!(queue["next"], Value::Null);

    // Pages of one: the cursor walks the queue without repeating or skipping.
    let page = read_ok(&server, "/v1/operator/review-queue?limit=1").await;
    assert_eq!(page["games"][0]["session_id"], first["session_id"]);
    let next = page["next"].as_str().unwrap();
    let page = read_ok(
        &server,
        &format!("/v1/operator/review-queue?limit=1&after={next}"),
    )
    .await;
    assert_eq!(page["games"][0]["session_id"], second["session_id"]);
    let next = page["next"].as_str().unwrap();
    let page = read_ok(
        &server,
        &format!("/v1/operator/review-queue?limit=1&after={next}"),
    )
    .await;
    assert_eq!(
        (page["games"].as_array().unwrap().len(), &page["next"]),
        (0, &Value::Null)
    );

    // A reviewed hold leaves the queue.
    let session_id = first["session_id"].as_str().unwrap();
    let (status, body) =
        operator(&server, &format!("/v1/operator/holds/{session_id}/release")).await;
    assert_eq!(status, 200, "{body}");
    let queue = read_ok(&server, "/v1/operator/review-queue").await;
    assert_eq!(queue["games"].as_array().unwrap().len(), 1);
    assert_eq!(queue["games"][0]["session_id"], second["session_id"]);

    for bad in [
        "after=nonsense",
        "limit=0",
        "limit=101",
        "after=1.a&before=1.a",
    ] {
        let (status, body) = read(&server, &format!("/v1/operator/review-queue?{bad}")).await;
        assert_eq!((status, error_code(&body)), (422, "invalid_field"), "{bad}");
    }
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

on_both_stores!(a_game_in_full_replays_from_its_input_log_to_the_verified_score);
async fn a_game_in_full_replays_from_its_input_log_to_the_verified_score(backend: Backend) {
    let database = Database::new(&backend);
    let server = console_server(&database).await;
    let receipt = played(&server, "bot", Pacing::INSTANT, 4).await;
    let session_id = receipt["session_id"].as_str().unwrap();
    let game = read_ok(&server, &format!("/v1/operator/games/{session_id}")).await;
    assert_eq!(
        (
            &game["verdict"],
            &game["player_id"],
            &game["score"],
            &game["stars"]
        ),
        (
            &json!("accepted"),
            &json!("dev-bot"),
            &receipt["score"],
            &receipt["stars"]
        )
    );
    let replay = &game["replay"];
    assert_eq!(
        replay["level_hash"],
        playproof_server::hex::encode(&playproof_proof::level_hash(&level_file()))
    );
    assert_eq!(replay["rules_version"], game_core::RULES_VERSION);
    let seed: u64 = replay["seed"].as_str().unwrap().parse().unwrap();
    let log = hex_decode(replay["input_log_hex"].as_str().unwrap());
    let inputs = game_core::kernel::input::decode_input_log(&log).expect("a canonical log");
    assert_eq!(inputs.len(), replay["inputs"].as_array().unwrap().len());
    assert_eq!(
        replay["inputs"][0]["tick"].as_u64().unwrap(),
        u64::from(inputs[0].tick)
    );
    assert!(replay["inputs"][0]["action"]
        .as_str()
        .unwrap()
        .starts_with("swap r"));
    let outcome = game_core::replay(&test_level(), seed, &inputs).expect("the log replays");
    assert_eq!(json!(outcome.score), game["score"]);
    assert_eq!(json!(outcome.ticks), replay["ticks"]);
    assert_eq!(
        json!(format!("{:016x}", outcome.final_hash)),
        replay["final_hash"]
    );

    // The ledger movements it caused: the payout and the boost, both held.
    let kinds = |game: &Value| -> Vec<(String, String, i64)> {
        game["transfers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|transfer| {
                (
                    transfer["kind"].as_str().unwrap().to_string(),
                    transfer["to"].as_str().unwrap().to_string(),
                    transfer["amount_fen"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        kinds(&game),
        [
            ("payout".into(), "held:dev-bot".into(), PAYOUT_FEN),
            ("boost".into(), "held:dev-bot".into(), 10)
        ]
    );
    let (status, _) = operator(
        &server,
        &format!("/v1/operator/holds/{session_id}/confiscate"),
    )
    .await;
    assert_eq!(status, 200);
    let game = read_ok(&server, &format!("/v1/operator/games/{session_id}")).await;
    assert_eq!(game["risk"]["review"], "confiscated");
    assert_eq!(
        kinds(&game)[2..],
        [
            ("hold_confiscated".into(), "house".into(), PAYOUT_FEN),
            (
                "hold_confiscated_boost".into(),
                format!("campaign:{CAMPAIGN_ID}"),
                10
            )
        ]
    );

    let (status, body) = read(
        &server,
        "/v1/operator/games/0123456789abcdef0123456789abcdef",
    )
    .await;
    assert_eq!((status, error_code(&body)), (404, "game_not_found"));
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

on_both_stores!(a_player_view_shows_games_with_risk_over_time_links_holds_and_withdrawals);
async fn a_player_view_shows_games_with_risk_over_time_links_holds_and_withdrawals(
    backend: Backend,
) {
    let database = Database::new(&backend);
    let server = console_server(&database).await;
    // Both play from 127.0.0.1: one address links them.
    let person = played(&server, "person", Pacing::HUMAN, 5).await;
    let held = played(&server, "bot", Pacing::INSTANT, 6).await;
    assert_eq!(person["payment"], "paid");
    let (status, parked) = withdraw(&server, "person", PAYOUT_FEN, "p1").await;
    assert_eq!(status, 201, "{parked}");

    let bot = read_ok(&server, "/v1/operator/players/dev-bot").await;
    assert_eq!(bot["player_id"], "dev-bot");
    assert_eq!(
        (&bot["held_fen"], &bot["balance_fen"]),
        (&held["held_fen"], &json!(0))
    );
    assert_eq!(bot["risk"]["games_played"], 1);
    assert!(bot["risk"]["flagged_at_ms"].as_i64().is_some());
    let games = bot["games"].as_array().unwrap();
    assert_eq!(games.len(), 1);
    assert_eq!(
        (&games[0]["session_id"], &games[0]["risk"]["decision"]),
        (&held["session_id"], &json!("hold"))
    );
    assert_eq!(
        bot["links"],
        json!([{
            "kind": "address",
            "value": "127.0.0.1",
            "first_seen_ms": bot["links"][0]["first_seen_ms"],
            "shared_with": ["dev-person"],
        }])
    );

    let person_view = read_ok(&server, "/v1/operator/players/dev-person").await;
    assert_eq!(person_view["games"][0]["risk"]["decision"], "pay");
    assert_eq!(person_view["links"][0]["shared_with"], json!(["dev-bot"]));
    let withdrawals = person_view["withdrawals"].as_array().unwrap();
    assert_eq!(
        (withdrawals.len(), &withdrawals[0]["withdrawal_id"]),
        (1, &parked["withdrawal_id"])
    );
    assert_eq!(person_view["pending_withdrawal_fen"], PAYOUT_FEN);

    let (status, body) = read(&server, "/v1/operator/players/dev-nobody").await;
    assert_eq!((status, error_code(&body)), (404, "player_not_found"));
    server.stop().await;
}

on_both_stores!(withdrawals_list_reviews_open_and_recent_with_their_state_history);
async fn withdrawals_list_reviews_open_and_recent_with_their_state_history(backend: Backend) {
    let database = Database::new(&backend);
    let server = console_server(&database).await;
    played(&server, "person", Pacing::HUMAN, 7).await;
    played(&server, "person", Pacing::HUMAN, 8).await;
    let (status, first) = withdraw(&server, "person", PAYOUT_FEN, "p1").await;
    assert_eq!(status, 201, "{first}");
    let (status, second) = withdraw(&server, "person", PAYOUT_FEN, "p2").await;
    assert_eq!(status, 201, "{second}");
    let first_id = first["withdrawal_id"].as_str().unwrap();
    let (status, _) = operator(
        &server,
        &format!("/v1/operator/withdrawals/{first_id}/paid"),
    )
    .await;
    assert_eq!(status, 200);
    // The held bot is flagged: its withdrawal of paid money waits for review.
    let bot = played(&server, "bot", Pacing::INSTANT, 9).await;
    let session_id = bot["session_id"].as_str().unwrap();
    operator(&server, &format!("/v1/operator/holds/{session_id}/release")).await;
    let (status, parked) = withdraw(&server, "bot", PAYOUT_FEN, "b1").await;
    assert_eq!((status, &parked["status"]), (202, &json!("review")));

    let view = read_ok(&server, "/v1/operator/withdrawals").await;
    assert_eq!(
        (
            &view["awaiting_review"][0]["review_id"],
            &view["awaiting_review"][0]["player_id"],
            &view["awaiting_review"][0]["status"]
        ),
        (
            &parked["withdrawal_id"],
            &json!("dev-bot"),
            &json!("waiting")
        )
    );
    let open: Vec<&Value> = view["open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| &item["withdrawal_id"])
        .collect();
    assert_eq!(open, [&second["withdrawal_id"]]);
    let recent = view["recent"].as_array().unwrap();
    assert_eq!(recent.len(), 2);
    let paid = recent
        .iter()
        .find(|item| item["withdrawal_id"] == first["withdrawal_id"])
        .unwrap();
    let states: Vec<&str> = paid["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| step["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        (&paid["status"], states.last().copied()),
        (&json!("paid"), Some("succeeded")),
        "{paid}"
    );

    // Newest first, one a page.
    let page = read_ok(&server, "/v1/operator/withdrawals?limit=1").await;
    let next = page["next"].as_str().unwrap();
    let older = read_ok(
        &server,
        &format!("/v1/operator/withdrawals?limit=1&before={next}"),
    )
    .await;
    let both = [
        &page["recent"][0]["withdrawal_id"],
        &older["recent"][0]["withdrawal_id"],
    ];
    assert_eq!(both, [&second["withdrawal_id"], &first["withdrawal_id"]]);
    server.stop().await;
}

on_both_stores!(campaign_budgets_show_funded_spent_returned_and_left);
async fn campaign_budgets_show_funded_spent_returned_and_left(backend: Backend) {
    let database = Database::new(&backend);
    let server = console_server(&database).await;
    let response = server
        .client
        .post(format!(
            "{}/v1/operator/campaigns/{CAMPAIGN_ID}/fund",
            server.base
        ))
        .bearer_auth(OPERATOR_TOKEN)
        .header("idempotency-key", "top-up-1")
        .json(&json!({ "amount_fen": 500 }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer(response).await.0, 200);
    played(&server, "person", Pacing::HUMAN, 10).await;
    let held = played(&server, "bot", Pacing::INSTANT, 11).await;
    let session_id = held["session_id"].as_str().unwrap();
    operator(
        &server,
        &format!("/v1/operator/holds/{session_id}/confiscate"),
    )
    .await;

    let view = read_ok(&server, "/v1/operator/campaigns").await;
    assert_eq!(
        view["campaigns"],
        json!([{
            "campaign_id": CAMPAIGN_ID,
            "funded_fen": 1_500,
            "spent_fen": 20,
            "returned_fen": 10,
            "left_fen": 1_490,
        }])
    );
    server.stop().await;
}

const LI_TOKEN: &str = "li-wei-token-5c1f0e9a7b3d2c4e6f8a0b1c3d5e7f9a";
const ZHANG_TOKEN: &str = "zhang-min-token-8e2d4f6a0c1b3e5d7f9a2c4e6b8d0f1a";

on_both_stores!(every_decision_is_recorded_with_the_operator_who_made_it);
async fn every_decision_is_recorded_with_the_operator_who_made_it(backend: Backend) {
    let database = Database::new(&backend);
    let roster = format!(
        r#"{{"operators":[{{"name":"li.wei","token_sha256":"{}"}},{{"name":"zhang","token_sha256":"{}"}}]}}"#,
        roster::token_sha256_hex(LI_TOKEN),
        roster::token_sha256_hex(ZHANG_TOKEN)
    );
    let options = Options {
        risk: holding_policy(),
        withdrawal_min_fen: PAYOUT_FEN,
        campaign: Some((1_000, 10)),
        operators: Roster::parse(std::path::Path::new("operators.json"), roster.as_bytes())
            .unwrap(),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;

    // zhang settles a person's withdrawal by hand.
    played(&server, "person", Pacing::HUMAN, 12).await;
    let (status, paid) = withdraw(&server, "person", PAYOUT_FEN, "p1").await;
    assert_eq!(status, 201, "{paid}");
    let paid_id = paid["withdrawal_id"].as_str().unwrap();
    let settle = format!("/v1/operator/withdrawals/{paid_id}/paid");
    assert_eq!(operator_as(&server, ZHANG_TOKEN, &settle).await.0, 200);
    // li releases the bot's hold; zhang, a moment later, would have confiscated it: refused,
    // and nothing of it recorded.
    let held = played(&server, "bot", Pacing::INSTANT, 13).await;
    let session_id = held["session_id"].as_str().unwrap();
    let release = format!("/v1/operator/holds/{session_id}/release");
    assert_eq!(operator_as(&server, LI_TOKEN, &release).await.0, 200);
    let confiscate = format!("/v1/operator/holds/{session_id}/confiscate");
    let (status, body) = operator_as(&server, ZHANG_TOKEN, &confiscate).await;
    assert_eq!((status, error_code(&body)), (409, "hold_already_reviewed"));
    // Repeating one's own decision moves nothing and records nothing either.
    assert_eq!(operator_as(&server, LI_TOKEN, &release).await.0, 200);
    // The flagged bot's withdrawal waits for review; zhang approves it.
    let (status, parked) = withdraw(&server, "bot", PAYOUT_FEN, "b1").await;
    assert_eq!((status, &parked["status"]), (202, &json!("review")));
    let review_id = parked["withdrawal_id"].as_str().unwrap();
    let approve = format!("/v1/operator/withdrawal-reviews/{review_id}/approve");
    assert_eq!(operator_as(&server, ZHANG_TOKEN, &approve).await.0, 200);
    // A token not on the roster decides nothing.
    let (status, body) = operator_as(&server, OPERATOR_TOKEN, &confiscate).await;
    assert_eq!((status, error_code(&body)), (401, "unauthenticated"));

    let game = read_as(
        &server,
        LI_TOKEN,
        &format!("/v1/operator/games/{session_id}"),
    )
    .await;
    assert_eq!(
        (&game["risk"]["review"], &game["risk"]["reviewed_by"]),
        (&json!("released"), &json!("li.wei"))
    );
    let bot = read_as(&server, LI_TOKEN, "/v1/operator/players/dev-bot").await;
    assert_eq!(
        (
            &bot["reviews"][0]["status"],
            &bot["reviews"][0]["decided_by"]
        ),
        (&json!("approved"), &json!("zhang"))
    );
    let withdrawals = read_as(&server, ZHANG_TOKEN, "/v1/operator/withdrawals").await;
    let settled = withdrawals["recent"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["withdrawal_id"] == paid["withdrawal_id"])
        .unwrap();
    let last = settled["history"].as_array().unwrap().last().unwrap();
    assert_eq!(
        (&last["state"], &last["source"]),
        (&json!("succeeded"), &json!("operator"))
    );

    let trail = read_as(&server, ZHANG_TOKEN, "/v1/operator/actions").await;
    let actions: Vec<(&str, &str, &str)> = trail["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|action| {
            (
                action["operator"].as_str().unwrap(),
                action["action"].as_str().unwrap(),
                action["subject"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("zhang", "approve_withdrawal", review_id),
            ("li.wei", "release_hold", session_id),
            ("zhang", "settle_paid", paid_id),
            ("(payout book)", "fund_campaign", CAMPAIGN_ID),
        ]
    );
    assert_eq!(trail["next"], Value::Null);
    let (status, body) = read_with(&server, None, "/v1/operator/actions").await;
    assert_eq!((status, error_code(&body)), (401, "unauthenticated"));
    server.stop().await;
}

on_both_stores!(every_read_view_refuses_anyone_without_the_operator_token_and_says_nothing);
async fn every_read_view_refuses_anyone_without_the_operator_token_and_says_nothing(
    backend: Backend,
) {
    let database = Database::new(&backend);
    let server = console_server(&database).await;
    let held = played(&server, "bot", Pacing::INSTANT, 12).await;
    let session_id = held["session_id"].as_str().unwrap();
    let login = server
        .client
        .post(format!("{}/v1/login", server.base))
        .json(&json!({ "provider": "dev", "credential": "bot" }))
        .send()
        .await
        .unwrap();
    let (_, login) = answer(login).await;
    let player_token = login["token"].as_str().expect("a player token").to_string();
    let paths = [
        "/v1/operator/review-queue".to_string(),
        format!("/v1/operator/games/{session_id}"),
        "/v1/operator/players/dev-bot".to_string(),
        "/v1/operator/withdrawals".to_string(),
        "/v1/operator/campaigns".to_string(),
    ];
    for path in &paths {
        let url = format!("{}{path}", server.base);
        let attempts = [
            ("no token", server.client.get(&url)),
            (
                "wrong token",
                server
                    .client
                    .get(&url)
                    .bearer_auth("operator-secret-for-test"),
            ),
            (
                "player token",
                server.client.get(&url).bearer_auth(&player_token),
            ),
            (
                "dev player",
                server.client.get(&url).header(DEV_PLAYER_HEADER, "bot"),
            ),
        ];
        for (who, request) in attempts {
            let response = request.send().await.unwrap();
            let (status, body) = answer(response).await;
            assert_eq!(
                (status, error_code(&body)),
                (401, "unauthenticated"),
                "{who} on {path}: {body}"
            );
            // The same fixed words for everyone: nothing of the game, the player or the token.
            assert_eq!(
                body,
                json!({ "error": { "code": "unauthenticated", "message": "operator token required" } }),
                "{who} on {path}"
            );
        }
    }
    server.stop().await;
}

on_both_stores!(the_console_page_is_served_from_the_binary_without_a_static_directory);
async fn the_console_page_is_served_from_the_binary_without_a_static_directory(backend: Backend) {
    let database = Database::new(&backend);
    let server = console_server(&database).await;
    for (path, content_type, marker) in [
        ("/operator", "text/html", "console.js"),
        ("/operator/console.js", "text/javascript", "/v1/operator/"),
        ("/operator/console.css", "text/css", "body"),
    ] {
        let response = server
            .client
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers().clone();
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with(content_type));
        assert_eq!(headers["cache-control"], "no-store");
        assert!(headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'"));
        assert!(headers.get("set-cookie").is_none());
        let text = response.text().await.unwrap();
        assert!(text.contains(marker), "{path}");
        assert!(!text.contains(OPERATOR_TOKEN), "{path}");
    }
    server.stop().await;
}
on_both_stores!(pruning_removes_old_proofs_but_keeps_those_a_review_or_a_leaderboard_needs);
async fn pruning_removes_old_proofs_but_keeps_those_a_review_or_a_leaderboard_needs(
    backend: Backend,
) {
    use playproof_server::clock::{Clock, ManualClock, DAY_MS};
    let database = Database::new(&backend);
    let clock = Arc::new(ManualClock::new(1_780_000_000_000));
    let options = Options {
        risk: holding_policy(),
        clock: clock.clone(),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let first = played(&server, "first", Pacing::HUMAN, 21).await;
    let second = played(&server, "second", Pacing::HUMAN, 22).await;
    let held = played(&server, "bot", Pacing::INSTANT, 23).await;
    assert_eq!(held["payment"], "held", "{held}");
    // With a board of one entry, the better of the two paid games is the one it shows.
    let (shown, unshown) = if first["score"].as_i64() >= second["score"].as_i64() {
        (&first, &second)
    } else {
        (&second, &first)
    };
    clock.advance_ms(100 * DAY_MS);
    // A recent game, held so that it ranks nowhere: each ticket's seed is random, and a paid
    // recent game could outscore both old ones and take the board's one entry.
    let recent = played(&server, "late", Pacing::INSTANT, 24).await;
    assert_eq!(recent["payment"], "held", "{recent}");
    let cutoff_ms = (clock.now_ms() - 30 * DAY_MS) as i64;
    let store = server.service.store();
    let replay_of = |receipt: &Value| {
        format!(
            "/v1/operator/games/{}",
            receipt["session_id"].as_str().unwrap()
        )
    };
    let expected = ProofPrune {
        older: 3,
        awaiting_review: 1,
        on_boards: 1,
        removed: 1,
    };

    assert_eq!(
        store.prune_proofs(cutoff_ms, 1, true).await.unwrap(),
        expected
    );
    assert!(
        read_ok(&server, &replay_of(unshown)).await["replay"].is_object(),
        "a dry run removes nothing"
    );

    assert_eq!(
        store.prune_proofs(cutoff_ms, 1, false).await.unwrap(),
        expected
    );
    let pruned = read_ok(&server, &replay_of(unshown)).await;
    assert_eq!(pruned["replay"], Value::Null, "{pruned}");
    assert_eq!(pruned["verdict"], "accepted", "the game's record stays");
    for kept in [shown, &held, &recent] {
        let game = read_ok(&server, &replay_of(kept)).await;
        assert!(game["replay"].is_object(), "{game}");
    }
    let run = server
        .client
        .get(format!(
            "{}/v1/levels/{LEVEL_ID}/leaderboard/1/run",
            server.base
        ))
        .send()
        .await
        .unwrap();
    let (status, run) = answer(run).await;
    assert_eq!((status, &run["score"]), (200, &shown["score"]), "{run}");
    // Done once: a second prune finds nothing more to remove.
    let again = store.prune_proofs(cutoff_ms, 1, false).await.unwrap();
    assert_eq!((again.older, again.removed), (2, 0));
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}
