//! WeChat login: `code2session` against a loopback stand-in that answers in WeChat's documented
//! JSON format (HTTP 200 with `text/plain`, errors as `errcode`/`errmsg`).

mod common;

use std::collections::HashMap;

use axum::extract::Query;
use axum::routing::get;
use axum::Router;
use common::*;
use playproof_server::auth::{AuthError, Authenticator, WeChatAuthenticator};
use serde_json::json;

/// Codes the stand-in knows.
const GOOD_CODE: &str = "061Abc0w3GoodCode";
const USED_CODE: &str = "061Abc0w3UsedCode";
const BUSY_CODE: &str = "061Abc0w3BusyCode";
const OPENID: &str = "oGZUI0egBJY1zhBYw2KhdUfwVJJE";

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
            GOOD_CODE => json!({ "openid": OPENID, "session_key": "tiihtNczf5v6AKRyjwEUhQ==" }),
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = Router::new().route("/sns/jscode2session", get(code2session));
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    (base, task)
}

#[tokio::test]
async fn code2session_answers_map_to_players_and_reasons() {
    let (base, task) = stand_in().await;
    let wechat = WeChatAuthenticator::new(&base, WECHAT_APP_ID, WECHAT_APP_SECRET).unwrap();
    assert_eq!(wechat.login(GOOD_CODE).await, Ok(format!("wx-{OPENID}")));
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
