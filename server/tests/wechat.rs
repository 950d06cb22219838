//! WeChat login: `code2session` against a loopback stand-in that answers in WeChat's documented
//! JSON format (HTTP 200 with `text/plain`, errors as `errcode`/`errmsg`); and the platform's
//! word on risk: `code2session` errcode 40226 refused with its own reason, `getUserRiskRank`
//! (scene 1, marketing cheating, with a server `access_token`) at login and before withdrawals.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use common::*;
use playproof_server::auth::{AuthError, Authenticator, Login, WeChatAuthenticator};
use serde_json::json;

/// Codes the stand-in knows.
const GOOD_CODE: &str = "061Abc0w3GoodCode";
const USED_CODE: &str = "061Abc0w3UsedCode";
const BUSY_CODE: &str = "061Abc0w3BusyCode";
const OPENID: &str = "oGZUI0egBJY1zhBYw2KhdUfwVJJE";
const UNIONID: &str = "o6_bmasdasdsad6_2sgVt7hMZOPfL";
/// A code WeChat answers with errcode 40226 (high-risk user, login blocked).
const HIGH_RISK_CODE: &str = "061Abc0w3RiskCode";
const ACCESS_TOKEN: &str = "79_standInAccessToken";

/// What the stand-in ranks every player at, and how many ranks it was asked for.
#[derive(Default)]
struct RiskDesk {
    rank: AtomicI64,
    asked: AtomicI64,
}

/// The stand-in `GET /cgi-bin/token`.
async fn access_token(Query(query): Query<HashMap<String, String>>) -> String {
    let field = |name: &str| query.get(name).map(String::as_str).unwrap_or_default();
    let valid = field("grant_type") == "client_credential"
        && field("appid") == WECHAT_APP_ID
        && field("secret") == WECHAT_APP_SECRET;
    let answer = if valid {
        json!({ "access_token": ACCESS_TOKEN, "expires_in": 7200 })
    } else {
        json!({ "errcode": 40013, "errmsg": "invalid appid" })
    };
    answer.to_string()
}

/// The stand-in `POST /wxa/getuserriskrank?access_token=…`.
async fn user_risk_rank(
    State(desk): State<Arc<RiskDesk>>,
    Query(query): Query<HashMap<String, String>>,
    Json(body): Json<serde_json::Value>,
) -> String {
    let valid = query.get("access_token").map(String::as_str) == Some(ACCESS_TOKEN)
        && body["appid"] == WECHAT_APP_ID
        && body["openid"] == OPENID
        && body["scene"] == 1
        && body["client_ip"] == "127.0.0.1";
    if !valid {
        return json!({ "errcode": 40001, "errmsg": "invalid credential or request" }).to_string();
    }
    desk.asked.fetch_add(1, Ordering::SeqCst);
    json!({
        "errcode": 0,
        "errmsg": "getuserriskrank succ",
        "risk_rank": desk.rank.load(Ordering::SeqCst),
        "unoin_id": 123456
    })
    .to_string()
}

/// The stand-in `GET /sns/jscode2session`.
async fn code2session(
    Query(query): Query<HashMap<String, String>>,
) -> ([(&'static str, &'static str); 1], String) {
    let field = |name: &str| query.get(name).map(String::as_str).unwrap_or_default();
    let answer = if field("appid") != WECHAT_APP_ID || field("secret") != WECHAT_APP_SECRET {
        json!({ "errcode": 40013, "errmsg": "invalid appid" })
    } else if field("grant_type") != "authorization_code" {
        json!({ "errcode": 40002, "errmsg": "invalid grant_type" })
    } else {
        match field("js_code") {
            GOOD_CODE => json!({
                "openid": OPENID,
                "session_key": "tiihtNczf5v6AKRyjwEUhQ==",
                "unionid": UNIONID
            }),
            HIGH_RISK_CODE => json!({ "errcode": 40226, "errmsg": "code blocked" }),
            BUSY_CODE => json!({
                "errcode": 45011,
                "errmsg": "api minute-quota reach limit  mustslower  retry next minute"
            }),
            _ => json!({ "errcode": 40029, "errmsg": "invalid code, rid: 6592ba4f-1e7d" }),
        }
    };
    ([("content-type", "text/plain")], answer.to_string())
}

async fn stand_in() -> (String, tokio::task::JoinHandle<()>) {
    let (base, task, _) = stand_in_with_desk().await;
    (base, task)
}

async fn stand_in_with_desk() -> (String, tokio::task::JoinHandle<()>, Arc<RiskDesk>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let desk = Arc::new(RiskDesk::default());
    let router = Router::new()
        .route("/sns/jscode2session", get(code2session))
        .route("/cgi-bin/token", get(access_token))
        .route("/wxa/getuserriskrank", post(user_risk_rank))
        .with_state(desk.clone());
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    (base, task, desk)
}

#[tokio::test]
async fn code2session_answers_map_to_players_and_reasons() {
    let (base, task) = stand_in().await;
    let wechat = WeChatAuthenticator::new(&base, WECHAT_APP_ID, WECHAT_APP_SECRET).unwrap();
    assert_eq!(
        wechat.login(GOOD_CODE).await,
        Ok(Login {
            player_id: format!("wx-{OPENID}"),
            union_id: Some(format!("wechat:{UNIONID}")),
        })
    );
    let used = wechat.login(USED_CODE).await.unwrap_err();
    assert_eq!(used.code(), "invalid_code");
    // WeChat's own words stay in the server's log; the client gets a fixed message.
    assert_eq!(
        used.to_string(),
        "WeChat refused the login code: it is invalid or already used"
    );
    assert_eq!(
        wechat.login(BUSY_CODE).await,
        Err(AuthError::ProviderRateLimited(
            "api minute-quota reach limit  mustslower  retry next minute".into()
        ))
    );
    assert_eq!(
        wechat.login(HIGH_RISK_CODE).await,
        Err(AuthError::HighRiskUser)
    );
    assert_eq!(
        wechat.risk_rank(&format!("wx-{OPENID}"), "127.0.0.1").await,
        Ok(Some(0))
    );
    assert_eq!(wechat.risk_rank("dev-alice", "127.0.0.1").await, Ok(None));
    // A code with characters no code has never leaves the server.
    assert_eq!(
        wechat.login("a b&c").await.unwrap_err().code(),
        "invalid_code"
    );
    let wrong_app = WeChatAuthenticator::new(&base, "wx-other", WECHAT_APP_SECRET).unwrap();
    let error = wrong_app.login(GOOD_CODE).await.unwrap_err();
    assert_eq!(error.code(), "provider_unavailable");
    assert!(
        matches!(&error, AuthError::Upstream(detail) if detail.contains("40013")),
        "{error:?}"
    );
    task.abort();
    let _ = task.await;
    let gone = wechat.login(GOOD_CODE).await.unwrap_err();
    assert_eq!(gone.code(), "provider_unavailable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wechat_login_over_http_gives_a_token_for_the_openid() {
    let (wechat_base, task) = stand_in().await;
    let database = Database::new(&Backend::Sqlite);
    let options = Options {
        wechat_base: Some(wechat_base),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let login = |code: &'static str| {
        let (client, base) = (server.client.clone(), server.base.clone());
        async move {
            let response = client
                .post(format!("{base}/v1/login"))
                .json(&json!({ "provider": "wechat", "credential": code }))
                .send()
                .await
                .unwrap();
            answer(response).await
        }
    };
    let (status, body) = login(GOOD_CODE).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["player_id"], format!("wx-{OPENID}"));
    let response = server
        .client
        .get(format!("{}/v1/balance", server.base))
        .bearer_auth(body["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let (status, balance) = answer(response).await;
    assert_eq!(
        (status, balance["player_id"].as_str()),
        (200, Some(&*format!("wx-{OPENID}")))
    );

    let (status, body) = login(USED_CODE).await;
    assert_eq!((status, error_code(&body)), (401, "invalid_code"));
    let (status, body) = login(BUSY_CODE).await;
    assert_eq!((status, error_code(&body)), (429, "provider_rate_limited"));
    server.stop().await;
    task.abort();
}

async fn wechat_login(server: &Server, code: &str) -> (u16, serde_json::Value) {
    let response = server
        .client
        .post(format!("{}/v1/login", server.base))
        .json(&json!({ "provider": "wechat", "credential": code }))
        .send()
        .await
        .unwrap();
    answer(response).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_high_risk_user_is_refused_at_login_with_its_own_reason() {
    let (wechat_base, task) = stand_in().await;
    let database = Database::new(&Backend::Sqlite);
    let options = Options {
        wechat_base: Some(wechat_base),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let (status, body) = wechat_login(&server, HIGH_RISK_CODE).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "high_risk_user"),
        "{body}"
    );
    server.stop().await;
    task.abort();
}

on_both_stores!(the_platforms_risk_rank_is_asked_at_login_and_before_each_withdrawal);
async fn the_platforms_risk_rank_is_asked_at_login_and_before_each_withdrawal(backend: Backend) {
    let (wechat_base, task, desk) = stand_in_with_desk().await;
    let database = Database::new(&backend);
    let mut risk = playproof_server::risk::RiskPolicy::pay_all();
    risk.weights
        .insert(playproof_server::risk::SignalKind::PlatformRisk, 0.8);
    risk.thresholds.flag = 0.5;
    let options = Options {
        wechat_base: Some(wechat_base),
        withdrawal_min_fen: 1,
        risk: Arc::new(risk),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let (status, login) = wechat_login(&server, GOOD_CODE).await;
    assert_eq!(status, 200, "{login}");
    assert_eq!(desk.asked.load(Ordering::SeqCst), 1, "asked at login");
    let token = login["token"].as_str().unwrap().to_string();
    let withdraw = |key: &'static str| {
        let (client, base, token) = (server.client.clone(), server.base.clone(), token.clone());
        async move {
            let response = client
                .post(format!("{base}/v1/withdrawals"))
                .bearer_auth(token)
                .header("idempotency-key", key)
                .json(&json!({ "amount_fen": 1 }))
                .send()
                .await
                .unwrap();
            answer(response).await
        }
    };
    // Rank 0: not flagged; the (empty) balance decides.
    let (status, body) = withdraw("k1").await;
    assert_eq!((status, error_code(&body)), (409, "insufficient_balance"));
    assert_eq!(
        desk.asked.load(Ordering::SeqCst),
        2,
        "asked before the withdrawal"
    );
    // Rank 4 (0.8 weighed, over the 0.5 flag threshold): the player is flagged from now on.
    desk.rank.store(4, Ordering::SeqCst);
    let (status, _) = withdraw("k2").await;
    assert_eq!(status, 409);
    assert_eq!(desk.asked.load(Ordering::SeqCst), 3);
    let player_id = login["player_id"].as_str().unwrap();
    let flagged = server
        .service
        .store()
        .player_flagged(player_id)
        .await
        .unwrap();
    assert!(flagged, "a rank-4 player is flagged");
    server.stop().await;
    task.abort();
}
