//! The HTTP front end: JSON over HTTP/1.1 (axum), documented in `docs/openapi.yaml`.
//!
//! Every refusal is `{"error": {"code", "message", "details"?}}` with a code from
//! [`crate::reasons`]. Bodies are read with a per-endpoint size limit and parsed here, so a bad
//! body always gets a reason code, never a framework's plain-text error.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tokio::net::TcpListener;
use tower_http::cors::CorsLayer;

use crate::auth::CREDENTIAL_BYTES_MAX;
use crate::metrics::Metrics;
use crate::service::{ApiError, Service, JSON_BODY_BYTES_MAX, PROOF_BODY_BYTES_MAX};

/// Header carrying the player name in development mode (when enabled in the config).
pub const DEV_PLAYER_HEADER: &str = "x-playproof-dev-player";
/// Header carrying a client-chosen key that makes a request idempotent.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

#[derive(Clone, Debug, Default)]
pub struct HttpOptions {
    /// Serve files from this directory for paths no endpoint claims (the playable web page).
    pub static_dir: Option<PathBuf>,
    /// Allow any origin, method and header (local development with the page on another port).
    pub cors_any_origin: bool,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut error = serde_json::json!({ "code": self.code, "message": self.message });
        if let Some(details) = self.details {
            error["details"] = details;
        }
        let mut response = (status, Json(serde_json::json!({ "error": error }))).into_response();
        if let Some(retry_after_ms) = self.retry_after_ms {
            let seconds = retry_after_ms.div_ceil(1000).max(1);
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

type AppState = Arc<Service>;
type ApiResult<T> = Result<T, ApiError>;

/// The service's routes. Serve with [`serve`] (or any server that provides `ConnectInfo`).
pub fn router(service: Arc<Service>, options: &HttpOptions) -> Router {
    let json_limit = DefaultBodyLimit::max(JSON_BODY_BYTES_MAX);
    let api = Router::new()
        .route("/v1/login", post(login).layer(json_limit))
        .route("/v1/tickets", post(issue_ticket).layer(json_limit))
        .route(
            "/v1/proofs",
            post(submit_proof).layer(DefaultBodyLimit::max(PROOF_BODY_BYTES_MAX)),
        )
        .route("/v1/balance", get(balance))
        .route("/v1/transfers", get(history))
        .route("/v1/levels/{level_id}/leaderboard", get(leaderboard))
        .route(
            "/v1/withdrawals",
            post(request_withdrawal).layer(json_limit),
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
            "/v1/operator/campaigns/{campaign_id}/fund",
            post(fund_campaign).layer(json_limit),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(middleware::from_fn_with_state(
            service.clone(),
            limit_address,
        ));
    let mut router = Router::new().route("/health", get(health)).merge(api);
    router = match &options.static_dir {
        Some(dir) => router.fallback_service(crate::static_cache::service(dir)),
        None => router.fallback(not_found),
    };
    let mut router = router
        .layer(middleware::from_fn_with_state(
            service.clone(),
            count_status,
        ))
        .with_state(service);
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

/// Serves `router` on `listener` until `shutdown` completes, giving handlers the peer address.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
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

fn bearer(headers: &HeaderMap) -> Option<&str> {
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
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
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

fn query<T>(query: Result<Query<T>, QueryRejection>) -> ApiResult<T> {
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

async fn health(State(service): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    service.health().await?;
    Ok(Json(serde_json::json!({ "status": "ok" })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    provider: String,
    credential: String,
}

async fn login(
    State(service): State<AppState>,
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
    Ok(Json(service.login(&body.provider, &body.credential).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TicketBody {
    level_id: String,
    session_public_key: String,
}

async fn issue_ticket(
    State(service): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    let body: TicketBody = parse_json(&headers, body)?;
    let ticket = service
        .issue_ticket(&player, &body.level_id, &body.session_public_key)
        .await?;
    Ok(Json(ticket))
}

async fn submit_proof(
    State(service): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    let binary = content_type(&headers).is_none_or(|value| {
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
    Ok(Json(service.submit_proof(&player, body.to_vec()).await?))
}

async fn balance(
    State(service): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    Ok(Json(service.balance(&player).await?))
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

async fn leaderboard(
    State(service): State<AppState>,
    Path(level_id): Path<String>,
    page: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<impl IntoResponse> {
    let page = query(page)?;
    Ok(Json(service.leaderboard(&level_id, page.limit).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AmountBody {
    amount_fen: i64,
}

async fn request_withdrawal(
    State(service): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<impl IntoResponse> {
    let player = player(&service, &headers)?;
    let body: AmountBody = parse_json(&headers, body)?;
    let key = idempotency_key(&headers)?;
    let (withdrawal, created) = service
        .request_withdrawal(&player, body.amount_fen, key)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(withdrawal)))
}

async fn settle(
    service: &Service,
    headers: &HeaderMap,
    withdrawal_id: &str,
    paid: bool,
) -> ApiResult<Response> {
    service.authenticate_operator(bearer(headers))?;
    Ok(Json(service.settle_withdrawal(withdrawal_id, paid).await?).into_response())
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
    service.authenticate_operator(bearer(&headers))?;
    let body: AmountBody = parse_json(&headers, body)?;
    let key = idempotency_key(&headers)?;
    let balance_fen = service
        .fund_campaign(&campaign_id, body.amount_fen, key)
        .await?;
    Ok(Json(
        serde_json::json!({ "campaign_id": campaign_id, "balance_fen": balance_fen }),
    ))
}
