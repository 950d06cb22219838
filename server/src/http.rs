//! The HTTP front end: JSON over HTTP/1.1 (axum), documented in `docs/openapi.yaml`.
//!
//! Every refusal is `{"error": {"code", "message", "details"?}}` with a code from
//! [`crate::reasons`]. Bodies are read with a per-endpoint size limit and parsed here, so a bad
//! body always gets a reason code, never a framework's plain-text error.
//!
//! A request passes, outermost first: security headers -> request log (id, route, status, code,
//! latency) -> whole-request timeout -> the connection's admission (health only past the cap)
//! -> body-read deadline -> the route; API routes add the per-address rate limit and the budget
//! of failed authentications. Paths no route claims go to the static files, if any, which serve
//! only page files (no dotfiles, no other extensions).

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tokio::net::TcpListener;
use tower_http::cors::CorsLayer;

use crate::auth::{CREDENTIAL_BYTES_MAX, PROVIDER_RETRY_AFTER_MS};
use crate::logging::{self, Refusal};
use crate::metrics::Metrics;
use crate::ratelimit::{AuthFailures, Credential, RateLimit, AUTH_FAILURE_RATE_DEFAULT};
use crate::service::{ApiError, Service, JSON_BODY_BYTES_MAX, PROOF_BODY_BYTES_MAX};
use crate::transport::{self, Admission, DeadlineBody, TransportLimits};

/// Header carrying the player name in development mode (when enabled in the config).
pub const DEV_PLAYER_HEADER: &str = "x-playproof-dev-player";
/// Header carrying a client-chosen key that makes a request idempotent.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// Content-Security-Policy of every response. The page loads its own scripts, styles and wasm
/// (`'wasm-unsafe-eval'` lets `WebAssembly.instantiate` run) and talks only to this origin; the
/// favicon is a `data:` URL. Nothing may frame it.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'none'; frame-ancestors 'none'";
/// File name extensions the static files may have: what the page build produces.
pub const STATIC_EXTENSIONS: &[&str] = &[
    "html", "js", "mjs", "css", "wasm", "json", "svg", "png", "ico", "txt",
];
/// How long a readiness check waits for the writer to commit an empty transaction, in ms.
pub const READY_WAIT_MS_DEFAULT: u64 = 2_000;
/// Retry-After of a 429 that names no wait of its own, in seconds.
const RETRY_AFTER_S_DEFAULT: u64 = 1;

#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Serve files from this directory for paths no endpoint claims (the playable web page).
    pub static_dir: Option<PathBuf>,
    /// Allow any origin, method and header (local development with the page on another port).
    pub cors_any_origin: bool,
    /// Timeouts and connection limits; the router applies the body and request timeouts.
    pub transport: TransportLimits,
    /// Failed authentication attempts allowed per address.
    pub auth_failure_rate: RateLimit,
    /// How long `/health/ready` waits for the writer.
    pub ready_wait: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            static_dir: None,
            cors_any_origin: false,
            transport: TransportLimits::default(),
            auth_failure_rate: AUTH_FAILURE_RATE_DEFAULT,
            ready_wait: Duration::from_millis(READY_WAIT_MS_DEFAULT),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut error = serde_json::json!({ "code": self.code, "message": &self.message });
        if let Some(details) = self.details {
            error["details"] = details;
        }
        let mut response = (status, Json(serde_json::json!({ "error": error }))).into_response();
        // Every 429 says when to come back; a refusal that names no wait gets a default one.
        let retry_after_ms = self.retry_after_ms.or(match (self.status, self.code) {
            (429, "provider_rate_limited") => Some(PROVIDER_RETRY_AFTER_MS),
            (429, _) => Some(RETRY_AFTER_S_DEFAULT * 1000),
            _ => None,
        });
        if let Some(retry_after_ms) = retry_after_ms {
            let seconds = retry_after_ms.div_ceil(1000).max(1);
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response.extensions_mut().insert(Refusal {
            code: self.code,
            message: self.message,
        });
        response
    }
}

type AppState = Arc<Service>;
type ApiResult<T> = Result<T, ApiError>;

/// The service's routes. Serve with [`serve`] or [`serve_with`] (or any server that provides
/// `ConnectInfo`).
pub fn router(service: Arc<Service>, options: &HttpOptions) -> Router {
    let json_limit = DefaultBodyLimit::max(JSON_BODY_BYTES_MAX);
    let auth = AuthGuard {
        failures: Arc::new(AuthFailures::new(options.auth_failure_rate)),
        metrics: service.metrics().clone(),
    };
    let api = Router::new()
        .route("/v1/login", post(login).layer(json_limit))
        .route("/v1/tickets", post(issue_ticket).layer(json_limit))
        .route(
            "/v1/proofs",
            post(submit_proof).layer(DefaultBodyLimit::max(PROOF_BODY_BYTES_MAX)),
        )
        .route("/v1/balance", get(balance))
        .route("/v1/transfers", get(history))
        .route("/v1/levels", get(level_map))
        .route("/v1/play-policy", get(play_policy))
        .route("/v1/levels/{level_id}/leaderboard", get(leaderboard))
        .route(
            "/v1/levels/{level_id}/leaderboard/{rank}/run",
            get(leaderboard_run),
        )
        .route(
            "/v1/withdrawals",
            post(request_withdrawal)
                .layer(json_limit)
                .get(open_withdrawals),
        )
        .route("/v1/withdrawals/{withdrawal_id}", get(withdrawal))
        .route(
            "/v1/withdrawals/{withdrawal_id}/cancel",
            post(cancel_withdrawal),
        )
        .route(
            "/v1/payouts/{rail}/notify",
            post(payout_notification)
                .layer(DefaultBodyLimit::max(crate::rails::wechat::BODY_BYTES_MAX)),
        )
        .route(
            "/v1/operator/withdrawals/{withdrawal_id}/paid",
            post(withdrawal_paid),
        )
        .route(
            "/v1/operator/withdrawals/{withdrawal_id}/failed",
            post(withdrawal_failed),
        )
        .route(
            "/v1/operator/holds/{session_id}/release",
            post(hold_release),
        )
        .route(
            "/v1/operator/holds/{session_id}/confiscate",
            post(hold_confiscate),
        )
        .route(
            "/v1/operator/withdrawal-reviews/{review_id}/approve",
            post(withdrawal_approve),
        )
        .route(
            "/v1/operator/withdrawal-reviews/{review_id}/reject",
            post(withdrawal_reject),
        )
        .route(
            "/v1/operator/campaigns/{campaign_id}/fund",
            post(fund_campaign).layer(json_limit),
        )
        .merge(crate::operator::api_routes())
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(middleware::from_fn_with_state(auth, limit_auth_failures))
        .route_layer(middleware::from_fn_with_state(
            service.clone(),
            limit_address,
        ));
    let ready_wait = options.ready_wait;
    let mut router = Router::new()
        .route("/health", get(live))
        .route("/health/live", get(live))
        .route(
            "/health/ready",
            get(move |State(service): State<AppState>| ready(service, ready_wait)),
        )
        .merge(api)
        .merge(crate::operator::page_routes())
        .route_layer(middleware::from_fn(logging::record_route));
    router = match &options.static_dir {
        Some(dir) => {
            let files = crate::static_cache::service(dir);
            router.fallback(move |request: Request| serve_static(files.clone(), request))
        }
        None => router.fallback(not_found),
    };
    let limits = options.transport;
    let mut router = router
        .layer(middleware::from_fn_with_state(
            limits.body_read,
            body_deadline,
        ))
        .layer(middleware::from_fn(admission))
        .layer(middleware::from_fn_with_state(
            limits.request,
            request_timeout,
        ))
        .layer(middleware::from_fn_with_state(
            service.clone(),
            count_status,
        ))
        .with_state(service)
        .layer(middleware::from_fn(logging::log_request))
        .layer(middleware::from_fn(security_headers));
    if options.cors_any_origin {
        router = router.layer(CorsLayer::very_permissive());
    }
    router
}

/// The Prometheus endpoint, served on its own port so it is never exposed with the API.
pub fn metrics_router(metrics: Arc<Metrics>) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let metrics = metrics.clone();
            async move {
                (
                    [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                    metrics.render(),
                )
            }
        }),
    )
}

/// Serves `router` on `listener` with the default [`TransportLimits`] until `shutdown`
/// completes, giving handlers the peer address.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let metrics = Arc::new(Metrics::default());
    serve_with(
        listener,
        router,
        TransportLimits::default(),
        metrics,
        shutdown,
    )
    .await
}

/// Serves `router` on `listener` within `limits` (see [`crate::transport`]) until `shutdown`
/// completes, then finishes in-flight requests within the grace period.
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    limits: TransportLimits,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    transport::serve(listener, router, limits, metrics, shutdown).await
}

fn peer_address(request: &Request) -> Option<String> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string())
}

/// Headers every response carries: no MIME sniffing, the page's CSP, no framing, no referrer.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The whole request, body and handler included, within `limit`. A handler cut off here may
/// still have its write committed later by the writer: the answer says the outcome is unknown,
/// and every write is safe to retry.
async fn request_timeout(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            503,
            "request_timeout",
            format!(
                "the request was not finished within {} ms; its outcome is unknown and it is safe to retry",
                limit.as_millis()
            ),
        )
        .into_response(),
    }
}

/// The body must arrive within `limit` of the head.
async fn body_deadline(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    next.run(request.map(|body| Body::new(DeadlineBody::new(body, limit))))
        .await
}

/// Connections past the cap get the health endpoints only (and are closed after the answer).
async fn admission(request: Request, next: Next) -> Response {
    let health_only = request.extensions().get::<Admission>() == Some(&Admission::HealthOnly);
    if health_only && !request.uri().path().starts_with("/health") {
        let mut response = ApiError::new(
            503,
            "overloaded",
            "the server is at its connection limit; try again shortly",
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    next.run(request).await
}

/// The budget of failed authentications, per address and credential kind.
#[derive(Clone)]
struct AuthGuard {
    failures: Arc<AuthFailures>,
    metrics: Arc<Metrics>,
}

/// Refuses an address whose failed authentications are used up (before its credential is
/// looked at), and counts and logs each new failure.
async fn limit_auth_failures(
    State(guard): State<AuthGuard>,
    request: Request,
    next: Next,
) -> Response {
    let Some(address) = peer_address(&request) else {
        return next.run(request).await;
    };
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_string())
        .unwrap_or_default();
    let credential = if route.starts_with("/v1/operator/") {
        Credential::Operator
    } else {
        Credential::Player
    };
    // Only requests that present a credential can guess one.
    let presents = request.headers().contains_key(header::AUTHORIZATION) || route == "/v1/login";
    if !presents {
        return next.run(request).await;
    }
    let now_ms = crate::clock::unix_ms_now();
    let admitted = match credential {
        Credential::Operator => guard.failures.reserve(credential, &address, now_ms),
        Credential::Player => guard.failures.check(credential, &address, now_ms),
    };
    if let Err(retry_after_ms) = admitted {
        guard.metrics.record_rate_limited();
        let mut error = ApiError::new(
            429,
            "rate_limited",
            "too many failed authentication attempts from this address",
        );
        error.retry_after_ms = Some(retry_after_ms);
        return error.into_response();
    }
    let response = next.run(request).await;
    let failed = response.status() == StatusCode::UNAUTHORIZED;
    match credential {
        Credential::Operator if !failed => guard.failures.refund(credential, &address),
        Credential::Player if failed => guard.failures.record(credential, &address, now_ms),
        _ => {}
    }
    if failed {
        guard.metrics.record_auth_failure();
        let code = response
            .extensions()
            .get::<Refusal>()
            .map_or("-", |refusal| refusal.code);
        tracing::warn!(peer = %address, route = %route, code, ?credential,
            "authentication failed");
    }
    response
}

async fn limit_address(State(service): State<AppState>, request: Request, next: Next) -> Response {
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string());
    if let Some(address) = address {
        if let Err(error) = service.limit_address(&address) {
            return error.into_response();
        }
    }
    next.run(request).await
}

async fn count_status(State(service): State<AppState>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    service.metrics().record_status(response.status().as_u16());
    response
}

async fn not_found() -> ApiError {
    ApiError::new(404, "not_found", "no such endpoint")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        405,
        "method_not_allowed",
        "this endpoint does not take this method",
    )
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn player(service: &Service, headers: &HeaderMap) -> ApiResult<String> {
    let dev = headers
        .get(DEV_PLAYER_HEADER)
        .and_then(|value| value.to_str().ok());
    service.authenticate(bearer(headers), dev)
}

fn body_error(rejection: BytesRejection) -> ApiError {
    if transport::is_body_timeout(&rejection) {
        ApiError::new(408, "body_timeout", rejection.body_text())
    } else if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(413, "body_too_large", rejection.body_text())
    } else {
        ApiError::new(400, "bad_body", rejection.body_text())
    }
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::CONTENT_TYPE)?.to_str().ok()
}

fn parse_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<T> {
    let body = body.map_err(body_error)?;
    let is_json = content_type(headers).is_some_and(|value| {
        value
            .split(';')
            .next()
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
    });
    if !is_json {
        return Err(ApiError::new(
            415,
            "unsupported_media_type",
            "this endpoint takes Content-Type: application/json",
        ));
    }
    serde_json::from_slice(&body).map_err(|error| match error.classify() {
        serde_json::error::Category::Data => ApiError::new(422, "invalid_field", error.to_string()),
        _ => ApiError::new(400, "malformed_json", error.to_string()),
    })
}

pub(crate) fn query<T>(query: Result<Query<T>, QueryRejection>) -> ApiResult<T> {
    query
        .map(|Query(value)| value)
        .map_err(|rejection| ApiError::new(422, "invalid_field", rejection.body_text()))
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<&str> {
    headers
        .get(IDEMPOTENCY_KEY_HEADER)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| {
            ApiError::new(
                422,
                "invalid_idempotency_key",
                "this endpoint needs an Idempotency-Key header",
            )
        })
}

/// Liveness: the process serves HTTP. Touches nothing else, so it stays fast under any load.
async fn live() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Readiness: the writer commits an (empty) transaction within `wait` and the database answers
/// a read; otherwise 503 with the reason.
async fn ready(service: AppState, wait: Duration) -> ApiResult<Json<serde_json::Value>> {
    service.store().ready(wait).await?;
    Ok(Json(serde_json::json!({ "status": "ready" })))
}

/// A static file, if the path names one the page build produces: no segment may start with a
/// dot (no dotfiles, no `..`, no `.playproof/` database), and the name must have one of
/// [`STATIC_EXTENSIONS`] (or name a directory, for its `index.html`).
async fn serve_static(files: Router, request: Request) -> Response {
    if !static_path_allowed(request.uri().path()) {
        return not_found().await.into_response();
    }
    match tower::ServiceExt::oneshot(files, request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}

fn static_path_allowed(path: &str) -> bool {
    let Some(path) = percent_decode(path) else {
        return false;
    };
    if path.contains(['\\', '\0']) {
        return false;
    }
    if path.split('/').any(|segment| segment.starts_with('.')) {
        return false;
    }
    let name = path.rsplit('/').next().unwrap_or_default();
    name.is_empty()
        || name.rsplit_once('.').is_some_and(|(_, extension)| {
            STATIC_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
        })
}

/// `%XX`-decodes a path; `None` when an escape is malformed or the result is not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(bytes.get(index + 1..index + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    provider: String,
    credential: String,
}

/// The client's address, where the server records connections (every server of this crate
/// does); the platform's risk check takes it.
type ClientAddress = Option<axum::Extension<ConnectInfo<SocketAddr>>>;

fn client_ip(address: &ClientAddress) -> Option<String> {
    address
        .as_ref()
        .map(|axum::Extension(ConnectInfo(address))| address.ip().to_string())
}

async fn login(
    State(service): State<AppState>,
    address: ClientAddress,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<impl IntoResponse> {
    let body: LoginBody = parse_json(&headers, body)?;
    if body.credential.len() > CREDENTIAL_BYTES_MAX {
        return Err(ApiError::new(
            422,
            "invalid_field",
            format!("credential is over {CREDENTIAL_BYTES_MAX} bytes"),
        ));
    }
    let ip = client_ip(&address);
    let login = service.login_from(&body.provider, &body.credential, ip.as_deref());
    Ok(Json(login.await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TicketBody {
    level_id: String,
    session_public_key: String,
}

async fn issue_ticket(
    State(service): State<AppState>,
    address: ClientAddress,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    let body: TicketBody = parse_json(&headers, body)?;
    let ticket = service
        .issue_ticket(
            &player,
            &body.level_id,
            &body.session_public_key,
            client_ip(&address).as_deref(),
        )
        .await?;
    Ok(Json(ticket))
}

async fn submit_proof(
    State(service): State<AppState>,
    address: ClientAddress,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    // The spec (docs/API.md) requires the type: a proof without one is refused, not guessed.
    let binary = content_type(&headers).is_some_and(|value| {
        value
            .split(';')
            .next()
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/octet-stream"))
    });
    if !binary {
        return Err(ApiError::new(
            415,
            "unsupported_media_type",
            "a proof is sent as Content-Type: application/octet-stream",
        ));
    }
    let body = body.map_err(body_error)?;
    let address = client_ip(&address);
    Ok(Json(
        service
            .submit_proof(&player, body.to_vec(), address.as_deref())
            .await?,
    ))
}

async fn balance(
    State(service): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    Ok(Json(service.balance(&player).await?))
}

async fn play_policy(State(service): State<AppState>) -> impl IntoResponse {
    Json(service.play_policy())
}

async fn level_map(
    State(service): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    Ok(Json(service.level_map(&player).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    before: Option<i64>,
    limit: Option<i64>,
}

async fn history(
    State(service): State<AppState>,
    headers: HeaderMap,
    page: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    let page = query(page)?;
    Ok(Json(
        service.history(&player, page.before, page.limit).await?,
    ))
}

/// Public; a player who sends credentials also gets their own rank (`you`). Credentials that
/// do not hold are refused as anywhere else, not ignored.
async fn leaderboard(
    State(service): State<AppState>,
    Path(level_id): Path<String>,
    headers: HeaderMap,
    page: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<impl IntoResponse> {
    let page = query(page)?;
    let viewer =
        if headers.contains_key(header::AUTHORIZATION) || headers.contains_key(DEV_PLAYER_HEADER) {
            Some(player(&service, &headers)?)
        } else {
            None
        };
    Ok(Json(
        service
            .leaderboard(&level_id, page.limit, viewer.as_deref())
            .await?,
    ))
}

/// Public: the game behind a board entry, for a ghost replay.
async fn leaderboard_run(
    State(service): State<AppState>,
    Path((level_id, rank)): Path<(String, String)>,
) -> ApiResult<impl IntoResponse> {
    let rank: u32 = rank.parse().map_err(|_| {
        ApiError::coded(
            "invalid_field",
            format!("rank {rank:?} is not a whole number"),
        )
    })?;
    Ok(Json(service.leaderboard_run(&level_id, rank).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AmountBody {
    amount_fen: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WithdrawalBody {
    amount_fen: i64,
    /// The payee's real name, where the client collects one; links accounts (`docs/RISK.md`).
    #[serde(default)]
    payee_name: Option<String>,
}

async fn request_withdrawal(
    State(service): State<AppState>,
    address: ClientAddress,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    let body: WithdrawalBody = parse_json(&headers, body)?;
    let key = idempotency_key(&headers)?;
    if let Some(payee_name) = &body.payee_name {
        service.link_payee_name(&player, payee_name).await?;
    }
    let (withdrawal, created) = service
        .request_withdrawal_from(
            &player,
            body.amount_fen,
            key,
            client_ip(&address).as_deref(),
        )
        .await?;
    let status = if withdrawal.status == crate::store::WITHDRAWAL_IN_REVIEW {
        StatusCode::ACCEPTED
    } else if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(withdrawal)))
}

/// A payout provider's notification; answered in the provider's format, never as `ApiError`.
async fn payout_notification(
    State(service): State<AppState>,
    Path(rail): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(rail) = crate::rails::RailKind::parse(&rail) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let answer = service.payout_notification(rail, &headers, &body).await;
    (
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [(axum::http::header::CONTENT_TYPE, answer.content_type)],
        answer.body,
    )
        .into_response()
}

/// The player's open withdrawals (what a client finds again after a restart).
async fn open_withdrawals(
    State(service): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    Ok(Json(service.open_withdrawals(&player).await?))
}

/// The player's own withdrawal and its payout state (what a client polls).
async fn withdrawal(
    State(service): State<AppState>,
    headers: HeaderMap,
    Path(withdrawal_id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    Ok(Json(service.withdrawal(&player, &withdrawal_id).await?))
}

async fn hold_release(
    State(service): State<AppState>,
    headers: HeaderMap,
    Path(session_id): Path<String>,
) -> ApiResult<Response> {
    let operator = service.authenticate_operator(bearer(&headers))?;
    let record = service.review_hold(&session_id, true, &operator).await?;
    Ok(Json(hold_json(record)).into_response())
}

async fn hold_confiscate(
    State(service): State<AppState>,
    headers: HeaderMap,
    Path(session_id): Path<String>,
) -> ApiResult<Response> {
    let operator = service.authenticate_operator(bearer(&headers))?;
    let record = service.review_hold(&session_id, false, &operator).await?;
    Ok(Json(hold_json(record)).into_response())
}

fn hold_json(record: crate::store::HoldRecord) -> serde_json::Value {
    serde_json::json!({
        "session_id": record.session_id,
        "player_id": record.player_id,
        "held_fen": record.held_fen,
        "review": record.review,
    })
}

async fn withdrawal_approve(
    State(service): State<AppState>,
    headers: HeaderMap,
    Path(review_id): Path<String>,
) -> ApiResult<Response> {
    let operator = service.authenticate_operator(bearer(&headers))?;
    let record = service
        .review_withdrawal(&review_id, true, &operator)
        .await?;
    Ok(Json(record).into_response())
}

async fn withdrawal_reject(
    State(service): State<AppState>,
    headers: HeaderMap,
    Path(review_id): Path<String>,
) -> ApiResult<Response> {
    let operator = service.authenticate_operator(bearer(&headers))?;
    let record = service
        .review_withdrawal(&review_id, false, &operator)
        .await?;
    Ok(Json(record).into_response())
}

/// The player cancels a withdrawal: 200 when cancelled, 202 while the provider is asked.
async fn cancel_withdrawal(
    State(service): State<AppState>,
    headers: HeaderMap,
    Path(withdrawal_id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    let (withdrawal, settled) = service.cancel_withdrawal(&player, &withdrawal_id).await?;
    let status = if settled {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(withdrawal)))
}

async fn settle(
    service: &Service,
    headers: &HeaderMap,
    withdrawal_id: &str,
    paid: bool,
) -> ApiResult<Response> {
    let operator = service.authenticate_operator(bearer(headers))?;
    let record = service
        .settle_withdrawal(withdrawal_id, paid, &operator)
        .await?;
    Ok(Json(record).into_response())
}

async fn withdrawal_paid(
    State(service): State<AppState>,
    headers: HeaderMap,
    Path(withdrawal_id): Path<String>,
) -> ApiResult<Response> {
    settle(&service, &headers, &withdrawal_id, true).await
}

async fn withdrawal_failed(
    State(service): State<AppState>,
    headers: HeaderMap,
    Path(withdrawal_id): Path<String>,
) -> ApiResult<Response> {
    settle(&service, &headers, &withdrawal_id, false).await
}

async fn fund_campaign(
    State(service): State<AppState>,
    headers: HeaderMap,
    Path(campaign_id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<impl IntoResponse> {
    let operator = service.authenticate_operator(bearer(&headers))?;
    let body: AmountBody = parse_json(&headers, body)?;
    let key = idempotency_key(&headers)?;
    let balance_fen = service
        .fund_campaign(&campaign_id, body.amount_fen, key, &operator)
        .await?;
    Ok(Json(
        serde_json::json!({ "campaign_id": campaign_id, "balance_fen": balance_fen }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_paths_are_page_files_only() {
        for allowed in [
            "/",
            "/index.html",
            "/pkg/game_wasm_bg.wasm",
            "/levels/match3/m3-01.json",
            "/shim/adapters/browser.js",
            "/style.css",
        ] {
            assert!(static_path_allowed(allowed), "{allowed}");
        }
        for refused in [
            "/.playproof/ledger.sqlite",
            "/%2eplayproof/ledger.sqlite",
            "/.env",
            "/.git/config",
            "/levels/../../Cargo.toml",
            "/ledger.sqlite",
            "/ledger.sqlite-wal",
            "/Cargo.toml",
            "/a%5c..%5cb.js",
            "/bad%zz.js",
            "/run.sh",
        ] {
            assert!(!static_path_allowed(refused), "{refused}");
        }
    }
}
