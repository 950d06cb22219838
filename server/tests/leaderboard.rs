//! The public leaderboard over HTTP on both stores: each player's best ranked game by
//! pseudonym, the asking player's own place, and games held by the risk check ranked only once
//! an operator released them.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::*;
use playproof_server::http::DEV_PLAYER_HEADER;
use playproof_server::pseudonym::Pseudonyms;
use playproof_server::risk::policy::Thresholds;
use playproof_server::risk::{RiskPolicy, SignalKind};
use serde_json::{json, Value};

/// The board of the test level, asked anonymously or as dev player `viewer`.
async fn board(server: &Server, viewer: Option<&str>) -> (u16, Value) {
    let mut request = server
        .client
        .get(format!("{}/v1/levels/{LEVEL_ID}/leaderboard", server.base));
    if let Some(viewer) = viewer {
        request = request.header(DEV_PLAYER_HEADER, viewer);
    }
    answer(request.send().await.unwrap()).await
}

/// Plays and submits one game; answers its verified score.
async fn play(server: &Server, player: &str, bot_seed: u64) -> i64 {
    let session = session(&server.client, &server.base, player, bot_seed).await;
    let (status, receipt) = submit(&server.client, &server.base, &session).await;
    assert_eq!(status, 200, "{receipt}");
    receipt["score"].as_i64().unwrap()
}

on_both_stores!(the_board_ranks_each_players_best_and_tells_a_signed_in_player_their_place);
async fn the_board_ranks_each_players_best_and_tells_a_signed_in_player_their_place(
    backend: Backend,
) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    let names = Pseudonyms::new(&TOKEN_SECRET);
    let mut best: BTreeMap<String, i64> = BTreeMap::new();
    for (player, bot_seed) in [("ann", 1), ("bo", 2), ("cy", 3), ("ann", 4), ("dee", 5)] {
        let score = play(&server, player, bot_seed).await;
        let entry = best.entry(format!("dev-{player}")).or_insert(score);
        *entry = (*entry).max(score);
    }
    // Highest first; equal scores in player id order, as the server breaks ties.
    let mut expected: Vec<(String, i64)> = best.into_iter().collect();
    expected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let expected_entries: Vec<Value> = expected
        .iter()
        .enumerate()
        .map(|(index, (player, score))| {
            json!({ "rank": index + 1, "name": names.name(player), "score": score })
        })
        .collect();

    let (status, anonymous) = board(&server, None).await;
    assert_eq!(status, 200, "{anonymous}");
    assert_eq!(anonymous["entries"], json!(expected_entries));
    assert!(
        anonymous.get("you").is_none(),
        "a stranger has no place: {anonymous}"
    );

    for (index, (player, _)) in expected.iter().enumerate() {
        let viewer = player.strip_prefix("dev-").unwrap();
        let (status, mine) = board(&server, Some(viewer)).await;
        assert_eq!(status, 200, "{mine}");
        assert_eq!(mine["you"], expected_entries[index], "{viewer}'s place");
        assert_eq!(mine["entries"], anonymous["entries"]);
    }
    // Signed in without a ranked game: the board, and no place.
    let (status, newcomer) = board(&server, Some("newcomer")).await;
    assert_eq!(status, 200, "{newcomer}");
    assert!(newcomer.get("you").is_none(), "{newcomer}");
    // Credentials that do not hold are refused, not ignored.
    let response = server
        .client
        .get(format!("{}/v1/levels/{LEVEL_ID}/leaderboard", server.base))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 401, "{body}");
    server.stop().await;
}

on_both_stores!(a_held_game_ranks_only_after_an_operator_releases_it);
async fn a_held_game_ranks_only_after_an_operator_releases_it(backend: Backend) {
    let database = Database::new(&backend);
    // Every game is held for review, whatever its signals (one weighed signal switches the
    // check on; a hold threshold of zero does the rest).
    let mut policy = RiskPolicy::pay_all();
    policy.weights.insert(SignalKind::ReactionFloor, 0.5);
    policy.thresholds = Thresholds {
        flag: 0.0,
        hold: 0.0,
        refuse: 2.0,
    };
    let options = Options {
        risk: Arc::new(policy),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let names = Pseudonyms::new(&TOKEN_SECRET);
    let mut held = Vec::new();
    for (player, bot_seed) in [("kept", 1), ("taken", 2)] {
        let session = session(&server.client, &server.base, player, bot_seed).await;
        let (status, receipt) = submit(&server.client, &server.base, &session).await;
        assert_eq!(status, 200, "{receipt}");
        assert_eq!(receipt["payment"], "held", "{receipt}");
        held.push((session.session_id.clone(), session.score));
    }
    let (status, body) = board(&server, Some("kept")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["entries"], json!([]), "held games rank nowhere");
    assert!(body.get("you").is_none(), "{body}");

    let (status, body) = operator(
        &server,
        &format!("/v1/operator/holds/{}/release", held[0].0),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = operator(
        &server,
        &format!("/v1/operator/holds/{}/confiscate", held[1].0),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let released = json!({ "rank": 1, "name": names.name("dev-kept"), "score": held[0].1 });
    let (status, body) = board(&server, Some("kept")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["entries"],
        json!([released]),
        "released ranks, confiscated does not"
    );
    assert_eq!(body["you"], released);
    let (_, body) = board(&server, Some("taken")).await;
    assert!(body.get("you").is_none(), "{body}");
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

/// A board entry's run, asked anonymously.
async fn run(server: &Server, rank: &str) -> (u16, Value) {
    let response = server
        .client
        .get(format!(
            "{}/v1/levels/{LEVEL_ID}/leaderboard/{rank}/run",
            server.base
        ))
        .send()
        .await
        .unwrap();
    answer(response).await
}

on_both_stores!(a_board_entry_s_run_replays_to_its_score_with_the_level_file);
async fn a_board_entry_s_run_replays_to_its_score_with_the_level_file(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    for (player, bot_seed) in [("ann", 1), ("bo", 2), ("ann", 3)] {
        play(&server, player, bot_seed).await;
    }
    let (_, board) = board(&server, None).await;
    let level = test_level();
    for (index, entry) in board["entries"].as_array().unwrap().iter().enumerate() {
        let (status, ghost) = run(&server, &(index + 1).to_string()).await;
        assert_eq!(status, 200, "{ghost}");
        assert_eq!(
            (&ghost["rank"], &ghost["name"], &ghost["score"]),
            (&json!(index + 1), &entry["name"], &entry["score"])
        );
        // What a client does with it: the level file it holds, the seed and the log.
        let level_hash: String = playproof_proof::level_hash(&level_file())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        assert_eq!(ghost["level_hash"], level_hash);
        let seed: u64 = ghost["seed"].as_str().unwrap().parse().unwrap();
        let log = hex_decode(ghost["input_log_hex"].as_str().unwrap());
        let inputs = game_core::kernel::input::decode_input_log(&log).unwrap();
        let outcome = game_core::replay(&level, seed, &inputs).unwrap();
        assert_eq!(i64::from(outcome.score), entry["score"].as_i64().unwrap());
        assert_eq!(json!(outcome.ticks), ghost["ticks"]);
        let text = ghost.to_string();
        for secret in ["dev-ann", "dev-bo", "session"] {
            assert!(!text.contains(secret), "the run shows {secret:?}: {text}");
        }
    }

    let beyond = (board["entries"].as_array().unwrap().len() + 1).to_string();
    for (rank, status, code) in [
        (beyond.as_str(), 404, "leaderboard_rank_not_found"),
        ("0", 422, "invalid_field"),
        ("101", 422, "invalid_field"),
        ("first", 422, "invalid_field"),
    ] {
        let (got, body) = run(&server, rank).await;
        assert_eq!(
            (got, error_code(&body)),
            (status, code),
            "rank {rank}: {body}"
        );
    }
    let response = server
        .client
        .get(format!("{}/v1/levels/nope/leaderboard/1/run", server.base))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!((status, error_code(&body)), (404, "unknown_level"));
    server.stop().await;
}
