//! The service under attack and under operators' eyes: secrets that must not leave, slow and idle
//! clients, connection floods, brute force, static files, a blocked database, and the logs that
//! tell an operator what happened. Every scenario runs a real service on loopback; the log lines
//! are the service's own `tracing` output, captured as JSON.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use common::*;
use playproof_server::http::{self, HttpOptions, DEV_PLAYER_HEADER};
use playproof_server::ratelimit::RateLimit;
use playproof_server::transport::TransportLimits;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

// ---------------------------------------------------------------------------------------------
// Captured logs: one global JSON subscriber per test binary; tests find their own lines by
// request id or by data only they use.

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured() -> &'static Capture {
    static LOGS: OnceLock<Capture> = OnceLock::new();
    LOGS.get_or_init(|| {
        let capture = Capture(Arc::new(Mutex::new(Vec::new())));
        let writer = capture.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one logger per test binary");
        capture
    })
}

/// Every log line so far, as text.
fn log_text() -> String {
    String::from_utf8_lossy(&captured().0.lock().unwrap()).into_owned()
}

/// Every log line so far, parsed.
fn log_lines() -> Vec<Value> {
    log_text()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect()
}

/// The request line of `request_id`.
fn request_line(request_id: &str) -> Value {
    log_lines()
        .into_iter()
        .find(|line| line["request_id"] == request_id)
        .unwrap_or_else(|| panic!("no request line for {request_id}:\n{}", log_text()))
}

fn request_id(response: &reqwest::Response) -> String {
    response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// A service with chosen HTTP options and transport limits, on its own listener.

struct Served {
    base: String,
    address: String,
    server: Server,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Served {
    async fn start(database: &Database, options: Options, http: HttpOptions) -> Served {
        let server = Server::start(database, options).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let router = http::router(server.service.clone(), &http);
        let (stop, stopped) = oneshot::channel::<()>();
        let metrics = server.service.metrics().clone();
        let limits = http.transport;
        let task = tokio::spawn(async move {
            http::serve_with(listener, router, limits, metrics, async {
                let _ = stopped.await;
            })
            .await
            .expect("the server runs");
        });
        Served {
            base: format!("http://{address}"),
            address,
            server,
            stop: Some(stop),
            task,
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(HTTP_TIMEOUT, &mut self.task).await;
        self.server.stop().await;
    }
}

/// Short bounds so the transport tests finish in seconds.
fn short_limits() -> TransportLimits {
    TransportLimits {
        header_read: Duration::from_millis(1_000),
        body_read: Duration::from_millis(1_000),
        idle: Duration::from_millis(500),
        request: Duration::from_millis(20_000),
        connections_max: 256,
        health_connections_reserved: 8,
        connections_per_address_max: 256,
        shutdown_grace: Duration::from_millis(5_000),
    }
}

/// Longest a test waits for the server to close a connection it should close.
const CLOSE_WAIT: Duration = Duration::from_secs(15);

/// Whether the server closes `stream` (end of stream or reset) within `limit`; reads and
/// discards whatever it answers before that.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

/// Sends `request` on `stream` and reads one response head: `(status, head text)`.
async fn raw_exchange(stream: &mut TcpStream, request: &str) -> (u16, String) {
    let (status, head) = raw_exchange_or_closed(stream, request).await;
    assert_ne!(status, 0, "closed before an answer");
    (status, head)
}

fn get_request(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: test\r\n{DEV_PLAYER_HEADER}: honest\r\n\r\n")
}

// ---------------------------------------------------------------------------------------------
// 1. The WeChat app secret never leaves the server.

/// A stand-in for WeChat that answers after `delay` with `body`.
async fn wechat_stand_in(
    delay: Duration,
    body: &'static str,
) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = Router::new().route(
        "/sns/jscode2session",
        get(move || async move {
            tokio::time::sleep(delay).await;
            body
        }),
    );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (base, task)
}

/// A loopback address nothing listens on: connections are refused.
async fn refusing_address() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    base
}

async fn wechat_login(served: &Served, code: &str) -> (u16, Option<String>, String) {
    let response = served
        .server
        .client
        .post(format!("{}/v1/login", served.base))
        .json(&json!({ "provider": "wechat", "credential": code }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().unwrap().to_string());
    (status, retry_after, response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wechat_secret_is_in_no_answer_and_no_log_line_when_wechat_fails() {
    captured();
    let slow = wechat_stand_in(Duration::from_secs(30), "{}").await;
    let garbage = wechat_stand_in(Duration::ZERO, "<html>502 Bad Gateway</html>").await;
    // An upstream that echoes what it was sent, secret included.
    let echo = wechat_stand_in(
        Duration::ZERO,
        r#"{"errcode": 40125, "errmsg": "invalid appsecret test-app-secret, rid: 1"}"#,
    )
    .await;
    let refused = refusing_address().await;
    let cases = [
        ("slow", slow.0.clone()),
        ("garbage", garbage.0.clone()),
        ("echo", echo.0.clone()),
        ("refused", refused),
    ];
    for (name, base) in cases {
        let database = Database::new(&Backend::Sqlite);
        let options = Options {
            wechat_base: Some(base),
            ..Options::default()
        };
        let served = Served::start(&database, options, HttpOptions::default()).await;
        let (status, _, body) = wechat_login(&served, "061Abc0w3SomeCode").await;
        assert_eq!(status, 502, "{name}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            body,
            json!({ "error": {
                "code": "provider_unavailable",
                "message": "the login provider could not be reached or failed; try again later"
            } }),
            "{name}"
        );
        served.stop().await;
    }
    let logs = log_text();
    assert!(
        !logs.contains(WECHAT_APP_SECRET),
        "the secret was logged:\n{logs}"
    );
    let failures = log_lines()
        .into_iter()
        .filter(|line| line["message"] == "login provider failed")
        .count();
    assert!(failures >= 4, "each failure is logged:\n{logs}");
    assert!(logs.contains("invalid appsecret <redacted>"), "{logs}");
    for task in [slow.1, garbage.1, echo.1] {
        task.abort();
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Brute force and abuse.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wechat_rate_limiting_answers_429_with_retry_after() {
    captured();
    let busy = wechat_stand_in(
        Duration::ZERO,
        r#"{"errcode": 45011, "errmsg": "api minute-quota reach limit  mustslower  retry next minute"}"#,
    )
    .await;
    let database = Database::new(&Backend::Sqlite);
    let options = Options {
        wechat_base: Some(busy.0.clone()),
        ..Options::default()
    };
    let served = Served::start(&database, options, HttpOptions::default()).await;
    let (status, retry_after, body) = wechat_login(&served, "061Abc0w3BusyCode").await;
    assert_eq!(
        (status, retry_after.as_deref()),
        (429, Some("60")),
        "{body}"
    );
    served.stop().await;
    busy.1.abort();
}

/// Wrong operator-token guesses from one address in a burst.
const OPERATOR_GUESSES: usize = 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_token_guesses_are_refused_after_a_few_failures_and_logged() {
    captured();
    let database = Database::new(&Backend::Sqlite);
    let http = HttpOptions {
        auth_failure_rate: RateLimit {
            per_s: 0.01,
            burst: 10,
        },
        ..HttpOptions::default()
    };
    let served = Served::start(&database, Options::default(), http).await;
    // All at once: concurrent guesses cannot slip past before the first failure is counted.
    let guesses = (0..OPERATOR_GUESSES).map(|guess| {
        let (client, base) = (served.server.client.clone(), served.base.clone());
        async move {
            let response = client
                .post(format!("{base}/v1/operator/withdrawals/w_none/paid"))
                .bearer_auth(format!("guess-{guess}"))
                .send()
                .await
                .unwrap();
            let retry_after = response.headers().contains_key("retry-after");
            let (status, body) = answer(response).await;
            (status, error_code(&body).to_string(), retry_after)
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let count = |wanted: (u16, &str, bool)| {
        statuses
            .iter()
            .filter(|(status, code, retry_after)| (*status, code.as_str(), *retry_after) == wanted)
            .count()
    };
    assert_eq!(count((401, "unauthenticated", false)), 10, "{statuses:?}");
    assert_eq!(
        count((429, "rate_limited", true)),
        OPERATOR_GUESSES - 10,
        "{statuses:?}"
    );
    // Even the right token is not looked at while the address is blocked...
    let response = served
        .server
        .client
        .post(format!(
            "{}/v1/operator/withdrawals/w_none/paid",
            served.base
        ))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    // ...but players from the same address are not locked out by operator guesses.
    let (status, _) = answer(
        served
            .server
            .client
            .get(format!("{}/v1/balance", served.base))
            .header(DEV_PLAYER_HEADER, "bystander")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let failures: Vec<Value> = log_lines()
        .into_iter()
        .filter(|line| {
            line["message"] == "authentication failed"
                && line["route"] == "/v1/operator/withdrawals/{withdrawal_id}/paid"
        })
        .collect();
    assert_eq!(failures.len(), 10, "{}", log_text());
    assert!(failures.iter().all(|line| line["level"] == "WARN"));
    assert!(!log_text().contains("guess-"), "tokens are never logged");
    served.stop().await;
}

on_both_stores!(a_funding_key_reused_with_another_amount_is_refused_with_409);
async fn a_funding_key_reused_with_another_amount_is_refused_with_409(backend: Backend) {
    let database = Database::new(&backend);
    let options = Options {
        campaign: Some((1_000, 5)),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let fund = |amount_fen: i64| {
        let (client, base) = (server.client.clone(), server.base.clone());
        async move {
            let response = client
                .post(format!("{base}/v1/operator/campaigns/{CAMPAIGN_ID}/fund"))
                .bearer_auth(OPERATOR_TOKEN)
                .header("idempotency-key", "top-up-7")
                .json(&json!({ "amount_fen": amount_fen }))
                .send()
                .await
                .unwrap();
            answer(response).await
        }
    };
    assert_eq!(
        fund(500).await,
        (
            200,
            json!({ "campaign_id": CAMPAIGN_ID, "balance_fen": 1_500 })
        )
    );
    // The same request again is the same funding.
    assert_eq!(
        fund(500).await,
        (
            200,
            json!({ "campaign_id": CAMPAIGN_ID, "balance_fen": 1_500 })
        )
    );
    let (status, body) = fund(900).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "idempotency_key_reused"),
        "{body}"
    );
    let budget = server
        .service
        .store()
        .account_balance(&format!("campaign:{CAMPAIGN_ID}"))
        .await
        .unwrap();
    assert_eq!(budget, 1_500);
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// 7. Static files.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_serve_the_page_only_with_security_headers() {
    captured();
    let database = Database::new(&Backend::Sqlite);
    let site = TempDir::new("site");
    let write = |path: &str, text: &str| {
        let path = site.0.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("index.html", "<h1>PlayProof</h1>");
    write("app.js", "export {};");
    write("pkg/game_wasm_bg.wasm", "\0asm");
    write(".playproof/ledger.sqlite", "SQLite format 3");
    write(".env", "PLAYPROOF_OPERATOR_TOKEN=x");
    write("notes.sqlite", "SQLite format 3");
    write("build.sh", "#!/bin/sh");
    let options = Options {
        static_dir: Some(site.0.clone()),
        ..Options::default()
    };
    let served = Served::start(
        &database,
        options,
        HttpOptions {
            static_dir: Some(site.0.clone()),
            ..HttpOptions::default()
        },
    )
    .await;
    let get = |path: &'static str| {
        let (client, base) = (served.server.client.clone(), served.base.clone());
        async move { client.get(format!("{base}{path}")).send().await.unwrap() }
    };
    for path in ["/", "/index.html", "/app.js", "/pkg/game_wasm_bg.wasm"] {
        assert_eq!(get(path).await.status().as_u16(), 200, "{path}");
    }
    for path in [
        "/.playproof/ledger.sqlite",
        "/%2eplayproof/ledger.sqlite",
        "/.env",
        "/notes.sqlite",
        "/build.sh",
        "/pkg/../.env",
        "/pkg/%2e%2e/.env",
    ] {
        let response = get(path).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
        assert!(!response.text().await.unwrap().contains("SQLite"), "{path}");
    }
    let page = get("/index.html").await;
    let header = |name: &str| page.headers()[name].to_str().unwrap().to_string();
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("x-frame-options"), "DENY");
    let csp = header("content-security-policy");
    for directive in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    served.stop().await;
}

// ---------------------------------------------------------------------------------------------
// 8. Health tells the truth.

/// Holds the database's write lock from another connection until dropped (rolled back).
enum Blocker {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Blocker {
    async fn hold(database: &Database) -> Blocker {
        use sqlx::Connection;
        let config = &database.config;
        match &config.postgres_schema {
            None => {
                let mut connection = sqlx::SqliteConnection::connect(&config.url).await.unwrap();
                sqlx::query("BEGIN EXCLUSIVE")
                    .execute(&mut connection)
                    .await
                    .unwrap();
                Blocker::Sqlite(connection)
            }
            Some(schema) => {
                let mut connection = sqlx::PgConnection::connect(&config.url).await.unwrap();
                for statement in [
                    format!("SET search_path TO {schema}"),
                    "BEGIN".to_string(),
                    "LOCK TABLE sessions, accounts IN ACCESS EXCLUSIVE MODE".to_string(),
                ] {
                    sqlx::query(&statement)
                        .execute(&mut connection)
                        .await
                        .unwrap();
                }
                Blocker::Postgres(connection)
            }
        }
    }

    async fn release(self) {
        match self {
            Blocker::Sqlite(mut connection) => {
                sqlx::query("ROLLBACK")
                    .execute(&mut connection)
                    .await
                    .unwrap();
            }
            Blocker::Postgres(mut connection) => {
                sqlx::query("ROLLBACK")
                    .execute(&mut connection)
                    .await
                    .unwrap();
            }
        }
    }
}

async fn get_status(client: &reqwest::Client, url: &str) -> (u16, Value, Duration) {
    let started = Instant::now();
    let response = client.get(url).send().await.unwrap();
    let (status, body) = answer(response).await;
    (status, body, started.elapsed())
}

on_both_stores!(
    a_blocked_database_makes_readiness_and_writes_answer_503_quickly_and_writes_nothing
);
async fn a_blocked_database_makes_readiness_and_writes_answer_503_quickly_and_writes_nothing(
    backend: Backend,
) {
    captured();
    let database = Database::new(&backend);
    let served = Served::start(&database, Options::default(), HttpOptions::default()).await;
    let client = &served.server.client;
    let (status, body, _) = get_status(client, &format!("{}/health/ready", served.base)).await;
    assert_eq!((status, body), (200, json!({ "status": "ready" })));
    let session = session(client, &served.base, "blocked", 3).await;

    let blocker = Blocker::hold(&database).await;
    let (status, body, ready_wait) =
        get_status(client, &format!("{}/health/ready", served.base)).await;
    assert_eq!(
        (status, error_code(&body)),
        (503, "storage_timeout"),
        "{body}"
    );
    let started = Instant::now();
    let response = client
        .post(format!("{}/v1/proofs", served.base))
        .header(DEV_PLAYER_HEADER, "blocked")
        .header("content-type", "application/octet-stream")
        .body(session.proof.clone())
        .send()
        .await
        .unwrap();
    let proof_request = request_id(&response);
    let (status, body) = answer(response).await;
    let proof_wait = started.elapsed();
    assert_eq!(
        (status, error_code(&body)),
        (503, "storage_timeout"),
        "{body}"
    );
    let (status, body, _) = get_status(client, &format!("{}/health/ready", served.base)).await;
    assert_eq!(
        (status, error_code(&body)),
        (503, "storage_timeout"),
        "{body}"
    );
    // Liveness does not depend on the database.
    let (status, _, _) = get_status(client, &format!("{}/health/live", served.base)).await;
    assert_eq!(status, 200);
    eprintln!(
        "blocked database: proof answered 503 after {} ms, readiness after {} ms",
        proof_wait.as_millis(),
        ready_wait.as_millis()
    );
    // The 503 left an error line with its reason.
    let line = request_line(&proof_request);
    assert_eq!(
        (
            &line["level"],
            &line["status"],
            &line["code"],
            &line["route"]
        ),
        (
            &json!("ERROR"),
            &json!(503),
            &json!("storage_timeout"),
            &json!("/v1/proofs")
        )
    );
    blocker.release().await;

    // Once the lock is gone the service is ready again, and the abandoned write was not made:
    // the same proof is accepted now, and paid once.
    let mut ready = false;
    for _ in 0..50 {
        let (status, _, _) = get_status(client, &format!("{}/health/ready", served.base)).await;
        if status == 200 {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(ready, "ready again after the lock is released");
    let (status, body) = submit(client, &served.base, &session).await;
    assert_eq!(
        (status, &body["payout_fen"]),
        (200, &json!(PAYOUT_FEN)),
        "{body}"
    );
    assert_eq!(
        served.server.service.store().counts().await.unwrap(),
        (1, 1, 0)
    );
    assert_ledger_ok(&served.server.check_ledger().await);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_the_whole_request_timeout_is_answered_503_and_writes_nothing() {
    captured();
    let database = Database::new(&Backend::Sqlite);
    let http = HttpOptions {
        transport: TransportLimits {
            request: Duration::from_millis(1_000),
            ..short_limits()
        },
        ..HttpOptions::default()
    };
    let served = Served::start(&database, Options::default(), http).await;
    let client = &served.server.client;
    let session = session(client, &served.base, "late", 4).await;
    // The write would wait 5 s for the lock; the request timeout (1 s) answers first.
    let blocker = Blocker::hold(&database).await;
    let (status, body) = submit(client, &served.base, &session).await;
    assert_eq!(
        (status, error_code(&body)),
        (503, "request_timeout"),
        "{body}"
    );
    blocker.release().await;
    assert_eq!(
        served.server.service.store().counts().await.unwrap(),
        (0, 0, 0)
    );
    let (status, _) = submit(client, &served.base, &session).await;
    assert_eq!(status, 200);
    served.stop().await;
}

// ---------------------------------------------------------------------------------------------
// 9. Logs an operator can use.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_request_leaves_one_line_with_id_route_status_code_and_latency() {
    captured();
    let database = Database::new(&Backend::Sqlite);
    let options = Options {
        player_rate: RateLimit {
            per_s: 0.001,
            burst: 4,
        },
        ..Options::default()
    };
    let served = Served::start(&database, options, HttpOptions::default()).await;
    let client = &served.server.client;
    // A rejected proof: the claimed score is not the replayed one.
    let login = client
        .post(format!("{}/v1/login", served.base))
        .json(&json!({ "provider": "dev", "credential": "logged" }))
        .send()
        .await
        .unwrap();
    let token = login.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let ticket = ticket(client, &served.base, "logged").await;
    let cheat = play_ticket_claiming("logged", &ticket, 7, |score| score + 1);
    let response = client
        .post(format!("{}/v1/proofs", served.base))
        .bearer_auth(&token)
        .header("content-type", "application/octet-stream")
        .body(cheat.proof.clone())
        .send()
        .await
        .unwrap();
    let rejected = request_id(&response);
    assert_eq!(response.status().as_u16(), 422);
    // Rate limited: the player's burst of 4 is used up by now.
    let mut limited = None;
    for _ in 0..4 {
        let response = client
            .get(format!("{}/v1/balance", served.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        if response.status().as_u16() == 429 {
            limited = Some(request_id(&response));
            break;
        }
    }
    let limited = limited.expect("the player is rate limited");

    let line = request_line(&rejected);
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["method"], "POST");
    assert_eq!(line["route"], "/v1/proofs");
    assert_eq!(line["status"], 422);
    assert_eq!(line["code"], "score_mismatch");
    assert_eq!(line["peer"], "127.0.0.1");
    assert!(line["latency_ms"].as_f64().unwrap() > 0.0, "{line}");
    let line = request_line(&limited);
    assert_eq!(
        (
            &line["level"],
            &line["status"],
            &line["code"],
            &line["route"]
        ),
        (
            &json!("WARN"),
            &json!(429),
            &json!("rate_limited"),
            &json!("/v1/balance")
        )
    );
    // No token, proof bytes or body in any line.
    let logs = log_text();
    assert!(!logs.contains(&token), "a token was logged");
    let proof_hex: String = cheat.proof[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(!logs.contains(&proof_hex), "proof bytes were logged");
    // The login body's credential value, quoted or escaped; other tests running at the same
    // time log failed authentications with a `credential` kind field, which is no body.
    let bodies: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("credential") && line.contains("logged"))
        .collect();
    assert!(bodies.is_empty(), "a body was logged: {bodies:?}");
    served.stop().await;
}

// ---------------------------------------------------------------------------------------------
// 2. Slow and idle clients cannot take the service down.

/// Connections opened that never send a byte, and connections that send a header line every
/// [`SLOWLORIS_PAUSE`] without ever finishing the head.
const IDLE_CONNECTIONS: usize = 60;
const SLOWLORIS_CONNECTIONS: usize = 30;
const SLOWLORIS_PAUSE: Duration = Duration::from_millis(200);
/// Header lines a slowloris client sends at most (so it stops by itself: 100 x 200 ms = 20 s).
const SLOWLORIS_LINES_MAX: usize = 100;
/// Honest requests made while the slow clients hold their connections.
const HONEST_REQUESTS: usize = 20;

/// Trickles header lines until the server closes the connection; returns whether it did.
async fn slowloris(address: String) -> bool {
    let mut stream = TcpStream::connect(&address).await.unwrap();
    if stream
        .write_all(b"GET /v1/balance HTTP/1.1\r\nHost: test\r\n")
        .await
        .is_err()
    {
        return true;
    }
    for line in 0..SLOWLORIS_LINES_MAX {
        tokio::time::sleep(SLOWLORIS_PAUSE).await;
        let header = format!("x-slow-{line}: {line}\r\n");
        if stream.write_all(header.as_bytes()).await.is_err() {
            return true;
        }
        // A closed connection may still take writes; a read says whether it is gone.
        let mut probe = [0u8; 256];
        if let Ok(result) =
            tokio::time::timeout(Duration::from_millis(1), stream.read(&mut probe)).await
        {
            match result {
                Ok(0) | Err(_) => return true,
                // An answer (408) is followed by the close.
                Ok(_) => return closed_within(&mut stream, CLOSE_WAIT).await,
            }
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slowloris_and_idle_connections_are_closed_while_honest_requests_succeed() {
    captured();
    let database = Database::new(&Backend::Sqlite);
    let http = HttpOptions {
        transport: short_limits(),
        ..HttpOptions::default()
    };
    let served = Served::start(&database, Options::default(), http).await;
    let mut idle = Vec::new();
    for _ in 0..IDLE_CONNECTIONS {
        idle.push(TcpStream::connect(&served.address).await.unwrap());
    }
    let slow: Vec<_> = (0..SLOWLORIS_CONNECTIONS)
        .map(|_| tokio::spawn(slowloris(served.address.clone())))
        .collect();
    for _ in 0..HONEST_REQUESTS {
        let balance = balance(&served.server.client, &served.base, "honest").await;
        assert_eq!(balance["balance_fen"], 0);
        let (status, _, _) = get_status(
            &served.server.client,
            &format!("{}/health/live", served.base),
        )
        .await;
        assert_eq!(status, 200);
    }
    let started = Instant::now();
    for (index, stream) in idle.iter_mut().enumerate() {
        assert!(
            closed_within(stream, CLOSE_WAIT).await,
            "idle connection {index} still open"
        );
    }
    for (index, task) in slow.into_iter().enumerate() {
        assert!(
            task.await.unwrap(),
            "slowloris connection {index} still open"
        );
    }
    eprintln!(
        "idle and slowloris connections closed within {} ms of the honest requests",
        started.elapsed().as_millis()
    );
    let metrics = served.server.service.metrics().render();
    let counter = |name: &str| -> u64 {
        let line = metrics
            .lines()
            .find(|line| line.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} in\n{metrics}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert_eq!(
        counter("playproof_connections_header_timeout_total"),
        SLOWLORIS_CONNECTIONS as u64
    );
    assert!(counter("playproof_connections_idle_closed_total") >= IDLE_CONNECTIONS as u64);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_trickles_in_is_answered_408_and_the_connection_closed() {
    captured();
    let database = Database::new(&Backend::Sqlite);
    let http = HttpOptions {
        transport: short_limits(),
        ..HttpOptions::default()
    };
    let served = Served::start(&database, Options::default(), http).await;
    let mut stream = TcpStream::connect(&served.address).await.unwrap();
    let head = format!(
        "POST /v1/proofs HTTP/1.1\r\nHost: test\r\n{DEV_PLAYER_HEADER}: trickle\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let trickle = async {
        for _ in 0..SLOWLORIS_LINES_MAX {
            if stream.write_all(b"x").await.is_err() {
                break;
            }
            tokio::time::sleep(SLOWLORIS_PAUSE).await;
        }
    };
    // Writes race the answer; the answer is read once the server stops taking bytes.
    let _ = tokio::time::timeout(Duration::from_secs(3), trickle).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(CLOSE_WAIT, stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_cap_only_health_is_served_and_then_connections_are_closed() {
    captured();
    let database = Database::new(&Backend::Sqlite);
    let limits = TransportLimits {
        connections_max: 8,
        health_connections_reserved: 2,
        idle: Duration::from_secs(30),
        header_read: Duration::from_secs(30),
        ..short_limits()
    };
    let served = Served::start(
        &database,
        Options::default(),
        HttpOptions {
            transport: limits,
            ..HttpOptions::default()
        },
    )
    .await;
    // Fill the cap, one connection at a time, each proven served.
    let mut full = Vec::new();
    for _ in 0..limits.connections_max {
        let mut stream = TcpStream::connect(&served.address).await.unwrap();
        let (status, _) = raw_exchange(&mut stream, &get_request("/v1/balance")).await;
        assert_eq!(status, 200);
        full.push(stream);
    }
    let mut health = TcpStream::connect(&served.address).await.unwrap();
    let (status, _) = raw_exchange(&mut health, &get_request("/health/live")).await;
    assert_eq!(status, 200);
    let mut refused_api = TcpStream::connect(&served.address).await.unwrap();
    let (status, head) = raw_exchange(&mut refused_api, &get_request("/v1/balance")).await;
    assert_eq!(status, 503, "{head}");
    assert!(
        head.to_ascii_lowercase().contains("retry-after: 1"),
        "{head}"
    );
    // The body names the reason; read on until it has arrived (or the connection closes).
    let code = "overloaded";
    let quoted = format!("\"{code}\"");
    let mut answer = head.clone();
    let mut buffer = [0u8; 1024];
    while !answer.contains(&quoted) {
        match tokio::time::timeout(CLOSE_WAIT, refused_api.read(&mut buffer)).await {
            Ok(Ok(count)) if count > 0 => {
                answer.push_str(&String::from_utf8_lossy(&buffer[..count]))
            }
            _ => break,
        }
    }
    assert!(answer.contains(&quoted), "{answer}");
    assert!(
        closed_within(&mut refused_api, CLOSE_WAIT).await,
        "a refused API request is answered and its connection closed"
    );
    // Now 8 + 1 are open: one more fills the reserve, the next is closed on accept.
    let mut last_reserved = TcpStream::connect(&served.address).await.unwrap();
    let (status, _) = raw_exchange(&mut last_reserved, &get_request("/health/ready")).await;
    assert_eq!(status, 200);
    let mut over = TcpStream::connect(&served.address).await.unwrap();
    let _ = over.write_all(get_request("/health/live").as_bytes()).await;
    assert!(
        closed_within(&mut over, CLOSE_WAIT).await,
        "over the reserve: closed at once"
    );
    // Capacity returns when connections go.
    drop(full);
    let mut later = None;
    for _ in 0..50 {
        let mut stream = TcpStream::connect(&served.address).await.unwrap();
        let (status, _) = raw_exchange_or_closed(&mut stream, &get_request("/v1/balance")).await;
        if status == 200 {
            later = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(later, Some(200));
    served.stop().await;
}

/// Like [`raw_exchange`], but a connection closed without an answer gives status 0.
async fn raw_exchange_or_closed(stream: &mut TcpStream, request: &str) -> (u16, String) {
    if stream.write_all(request.as_bytes()).await.is_err() {
        return (0, String::new());
    }
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match tokio::time::timeout(CLOSE_WAIT, stream.read(&mut buffer)).await {
            Ok(Ok(count)) if count > 0 => head.extend_from_slice(&buffer[..count]),
            _ => return (0, String::new()),
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or(0);
    (status, text)
}

// ---------------------------------------------------------------------------------------------
// 2 (continued). SIGTERM: in-flight requests are answered, then the process exits, within the
// grace period even when a client holds a connection open.

/// Proofs submitted at once around the SIGTERM.
const SHUTDOWN_SESSIONS: usize = 40;
/// The grace period the process is started with, in milliseconds.
const SHUTDOWN_GRACE_MS: u64 = 3_000;
/// Longest wait for the process to start or to exit.
const PROCESS_WAIT: Duration = Duration::from_secs(60);

struct Process {
    child: std::process::Child,
    base: String,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write_assets() -> TempDir {
    let assets = TempDir::new("assets");
    std::fs::create_dir_all(assets.0.join("levels")).unwrap();
    std::fs::create_dir_all(assets.0.join("payouts")).unwrap();
    std::fs::write(assets.0.join("levels/test-level.json"), level_file()).unwrap();
    let table = json!({
        "level_id": LEVEL_ID, "basis": "score", "pays_on_loss": true,
        "tiers": [{ "at_least": 0, "payout_fen": PAYOUT_FEN }]
    });
    std::fs::write(assets.0.join("payouts/test-level.json"), table.to_string()).unwrap();
    let policy = serde_json::to_string(&lenient_plausibility()).unwrap();
    std::fs::write(assets.0.join("plausibility.json"), policy).unwrap();
    // Many tickets per player at once: the one-open-ticket rule and risk holds are not tested here.
    let risk = serde_json::to_string(&playproof_server::risk::RiskPolicy::pay_all()).unwrap();
    std::fs::write(assets.0.join("risk-policy.json"), risk).unwrap();
    assets
}

/// Starts the server binary; with `open_files`, under that open-file limit (`ulimit -n`).
fn spawn_server(
    database: &Database,
    assets: &TempDir,
    extra: &[&str],
    open_files: Option<u32>,
) -> Process {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let binary = env!("CARGO_BIN_EXE_playproof-server");
    let mut command = match open_files {
        None => Command::new(binary),
        Some(limit) => {
            let mut shell = Command::new("sh");
            shell
                .arg("-c")
                .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
                .arg(binary);
            shell
        }
    };
    command
        .args(["--db", &database.config.url])
        .args(["--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"])
        .arg("--levels")
        .arg(assets.0.join("levels"))
        .arg("--payouts")
        .arg(assets.0.join("payouts"))
        .arg("--plausibility")
        .arg(assets.0.join("plausibility.json"))
        .arg("--risk-policy")
        .arg(assets.0.join("risk-policy.json"))
        .args([
            "--dev",
            "--daily-cap-fen",
            "100000000",
            "--log-format",
            "json",
        ])
        .args([
            "--player-rate-per-s",
            "1000000",
            "--player-burst",
            "1000000",
        ])
        .args([
            "--address-rate-per-s",
            "1000000",
            "--address-burst",
            "1000000",
        ])
        .args(extra)
        .env("PLAYPROOF_TICKET_SECRET", "0f1e2d3c4b5a6978".repeat(4))
        .env("PLAYPROOF_TOKEN_SECRET", "8796a5b4c3d2e1f0".repeat(4))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the server binary starts");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(base) = line.strip_prefix("listening on ") {
                let _ = sender.send(base.to_string());
            }
        }
    });
    let collected = Arc::new(Mutex::new(String::new()));
    let sink = collected.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let mut sink = sink.lock().unwrap();
            sink.push_str(&line);
            sink.push('\n');
        }
    });
    let base = receiver
        .recv_timeout(PROCESS_WAIT)
        .expect("the server prints its address");
    Process {
        child,
        base,
        stderr: collected,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_answers_in_flight_proofs_and_exits_within_the_grace_period() {
    let database = Database::new(&Backend::Sqlite);
    let assets = write_assets();
    let grace = SHUTDOWN_GRACE_MS.to_string();
    // Header and idle timers far beyond the grace period: only the grace period can end the
    // slow client's connection.
    let mut process = spawn_server(
        &database,
        &assets,
        &[
            "--shutdown-grace-ms",
            &grace,
            "--header-read-timeout-ms",
            "600000",
            "--idle-timeout-ms",
            "600000",
        ],
        None,
    );
    let client = client();
    let mut tickets = Vec::new();
    for index in 0..SHUTDOWN_SESSIONS {
        let player = format!("term-{}", index % 4);
        tickets.push((
            player.clone(),
            ticket(&client, &process.base, &player).await,
        ));
    }
    let sessions: Vec<Session> = tokio::task::spawn_blocking(move || {
        tickets
            .iter()
            .enumerate()
            .map(|(index, (player, ticket))| play_ticket(player, ticket, index as u64))
            .collect()
    })
    .await
    .unwrap();
    let address = process.base.strip_prefix("http://").unwrap().to_string();
    let slow = tokio::spawn(slowloris(address));

    // The signal goes out as soon as the first proof is answered: the rest are in flight.
    let first_answer = Arc::new(tokio::sync::Notify::new());
    let submissions: Vec<_> = sessions
        .iter()
        .map(|session| {
            let (client, base, session) = (client.clone(), process.base.clone(), session.clone());
            let first_answer = first_answer.clone();
            tokio::spawn(async move {
                let response = client
                    .post(format!("{base}/v1/proofs"))
                    .header(DEV_PLAYER_HEADER, &session.player)
                    .header("content-type", "application/octet-stream")
                    .body(session.proof.clone())
                    .send()
                    .await;
                let answered = match response {
                    Ok(response) => Some(answer(response).await),
                    // Sent after the listener closed: refused, never processed.
                    Err(_) => None,
                };
                first_answer.notify_one();
                answered
            })
        })
        .collect();
    tokio::time::timeout(PROCESS_WAIT, first_answer.notified())
        .await
        .expect("a first answer");
    let signalled = Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &process.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut accepted = 0;
    let mut unsent = 0;
    for submission in submissions {
        match submission.await.unwrap() {
            Some((200, body)) => {
                assert_eq!(body["payout_fen"], PAYOUT_FEN);
                accepted += 1;
            }
            Some((status, body)) => panic!("an in-flight proof was answered {status}: {body}"),
            None => unsent += 1,
        }
    }
    let mut exit = None;
    while signalled.elapsed() < PROCESS_WAIT {
        if let Some(status) = process.child.try_wait().unwrap() {
            exit = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let exit = exit.expect("the process exits after SIGTERM");
    let exited_after = signalled.elapsed();
    assert!(exit.success(), "{exit:?}");
    eprintln!(
        "SIGTERM: {accepted} in-flight proofs answered, {unsent} not sent; exited after {} ms (grace {SHUTDOWN_GRACE_MS} ms, one slow client holding a connection)",
        exited_after.as_millis()
    );
    assert!(accepted > 0, "some proofs were in flight at the signal");
    let stderr = process.stderr.lock().unwrap().clone();
    assert!(stderr.contains("shutting down"), "{stderr}");
    assert!(stderr.contains("shutdown grace period over"), "{stderr}");
    // `--log-format json`: every line is a JSON object; each answered proof has its line.
    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let proof_lines = lines
        .iter()
        .filter(|line| line["route"] == "/v1/proofs" && line["status"] == 200)
        .count();
    assert_eq!(proof_lines as i64, accepted);
    let _ = slow.await;

    // Every committed payment was answered: nothing was written for an unanswered request.
    let metrics = Arc::new(playproof_server::metrics::Metrics::default());
    let rules = playproof_server::store::LedgerRules {
        daily_cap_fen: 100_000_000,
        withdrawal_min_fen: 100,
    };
    let store = playproof_server::store::Store::open(&database.config, rules, metrics)
        .await
        .unwrap();
    let (transfers, sessions_count, _) = store.counts().await.unwrap();
    assert_eq!((transfers, sessions_count), (accepted, accepted));
    assert_ledger_ok(&store.check_ledger(Some(rules.daily_cap_fen)).await.unwrap());
}

// ---------------------------------------------------------------------------------------------
// 2 (continued). The audit's case: with 512 open files, 600 idle connections made `/health`
// time out for everyone. Now the cap fits the limit, the excess is closed on accept, and idle
// connections go after the idle timeout, so health answers again within it.

const FLOOD_OPEN_FILES: u32 = 512;
const FLOOD_CONNECTIONS: usize = 600;
/// Health checks tried, one every [`FLOOD_HEALTH_PAUSE`], before giving up.
const FLOOD_HEALTH_ATTEMPTS: usize = 100;
const FLOOD_HEALTH_PAUSE: Duration = Duration::from_millis(100);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_512_open_files_600_idle_connections_do_not_silence_health() {
    let database = Database::new(&Backend::Sqlite);
    let assets = write_assets();
    let mut process = spawn_server(
        &database,
        &assets,
        &["--idle-timeout-ms", "1000"],
        Some(FLOOD_OPEN_FILES),
    );
    let address = process.base.strip_prefix("http://").unwrap().to_string();
    let mut idle = Vec::new();
    for _ in 0..FLOOD_CONNECTIONS {
        idle.push(TcpStream::connect(&address).await.unwrap());
    }
    let fresh = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let mut answered = None;
    for _ in 0..FLOOD_HEALTH_ATTEMPTS {
        let response = fresh
            .get(format!("{}/health/live", process.base))
            .send()
            .await;
        if response.is_ok_and(|response| response.status().as_u16() == 200) {
            answered = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(FLOOD_HEALTH_PAUSE).await;
    }
    let answered = answered.expect("health answers despite the idle flood");
    for (index, stream) in idle.iter_mut().enumerate() {
        assert!(
            closed_within(stream, CLOSE_WAIT).await,
            "idle connection {index} still open"
        );
    }
    assert!(
        process.child.try_wait().unwrap().is_none(),
        "the server still runs"
    );
    let stderr = process.stderr.lock().unwrap().clone();
    assert!(stderr.contains("lowering the cap"), "{stderr}");
    eprintln!(
        "{FLOOD_CONNECTIONS} idle connections at {FLOOD_OPEN_FILES} open files: health answered after {} ms",
        answered.as_millis()
    );
}
