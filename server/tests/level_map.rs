//! `GET /v1/levels`, the level map's prices, as a specification on SQLite and PostgreSQL: what
//! each level pays at most, the sponsor's boost only while its campaign has budget, and the
//! asking player's own best verified stars.

mod common;

use common::*;
use playproof_server::http::DEV_PLAYER_HEADER;
use serde_json::{json, Value};

async fn level_map(server: &Server, player: &str) -> (u16, Value) {
    let response = server
        .client
        .get(format!("{}/v1/levels", server.base))
        .header(DEV_PLAYER_HEADER, player)
        .send()
        .await
        .unwrap();
    answer(response).await
}

on_both_stores!(the_map_says_what_a_level_pays_and_the_players_own_best_stars);
async fn the_map_says_what_a_level_pays_and_the_players_own_best_stars(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    let (status, map) = level_map(&server, "alice").await;
    assert_eq!(status, 200, "{map}");
    assert_eq!(
        map,
        json!({ "levels": [{ "level_id": LEVEL_ID, "up_to_fen": PAYOUT_FEN, "boost_fen": 0,
            "sponsor": null, "sponsor_name": null, "best_stars": 0 }] })
    );
    let session = session(&server.client, &server.base, "alice", 1).await;
    let (status, receipt) = submit(&server.client, &server.base, &session).await;
    assert_eq!(status, 200, "{receipt}");
    let (_, map) = level_map(&server, "alice").await;
    assert_eq!(map["levels"][0]["best_stars"], receipt["stars"]);
    let (_, theirs) = level_map(&server, "bob").await;
    assert_eq!(
        theirs["levels"][0]["best_stars"], 0,
        "another player's stars are not mine"
    );
}

on_both_stores!(a_sponsors_boost_shows_while_its_campaign_has_budget);
async fn a_sponsors_boost_shows_while_its_campaign_has_budget(backend: Backend) {
    let database = Database::new(&backend);
    // Budget for exactly one boost.
    let options = Options {
        campaign: Some((7, 7)),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let (_, map) = level_map(&server, "alice").await;
    assert_eq!(map["levels"][0]["boost_fen"], 7, "{map}");
    assert_eq!(map["levels"][0]["sponsor"], CAMPAIGN_ID);
    assert_eq!(map["levels"][0]["sponsor_name"], SPONSOR_NAME);
    let session = session(&server.client, &server.base, "alice", 1).await;
    let (status, receipt) = submit(&server.client, &server.base, &session).await;
    assert_eq!(
        (status, receipt["boost_fen"].clone()),
        (200, json!(7)),
        "{receipt}"
    );
    let (_, map) = level_map(&server, "alice").await;
    assert_eq!(
        map["levels"][0]["boost_fen"], 0,
        "the budget is spent: {map}"
    );
    assert_eq!(map["levels"][0]["sponsor"], Value::Null);
    assert_eq!(map["levels"][0]["sponsor_name"], Value::Null);
}

on_both_stores!(the_map_needs_a_player);
async fn the_map_needs_a_player(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    let response = server
        .client
        .get(format!("{}/v1/levels", server.base))
        .send()
        .await
        .unwrap();
    let (status, answer) = answer(response).await;
    assert_eq!(status, 401, "{answer}");
}
