//! Operator logs: one structured line per request, and error lines, through `tracing`.
//!
//! A request line has the request id (also sent back as `X-Request-Id`), method, route (the
//! endpoint's pattern, never the raw path with its ids), status, reason code, latency and peer
//! address. Bodies, tokens, proofs and query strings are never logged. A 5xx is logged at
//! `error` with its message, a 429 and a failed authentication at `warn`, the rest at `info`.
//!
//! Output: text or JSON lines on standard error (`--log-format`, `PLAYPROOF_LOG_FORMAT`), filtered
//! by `PLAYPROOF_LOG` (`tracing` targets syntax, e.g. `info` or `playproof_server=debug`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// Environment variable choosing the log format (`text` or `json`) when the flag is absent.
pub const LOG_FORMAT_ENV: &str = "PLAYPROOF_LOG_FORMAT";
/// Environment variable with the log filter; default [`LOG_FILTER_DEFAULT`].
pub const LOG_FILTER_ENV: &str = "PLAYPROOF_LOG";
/// Default filter: the service's own lines at `info`, libraries' at `warn`.
pub const LOG_FILTER_DEFAULT: &str = "warn,playproof_server=info";
/// Response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// `tracing` target of request lines.
pub const REQUEST_TARGET: &str = "playproof_server::request";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("{LOG_FILTER_ENV}: {0}")]
    Filter(String),
    #[error("{LOG_FORMAT_ENV} must be `text` or `json`, not {0:?}")]
    Format(String),
    #[error("a global logger is already installed")]
    AlreadyInstalled,
}

/// The format from the flag, else from [`LOG_FORMAT_ENV`], else text.
pub fn format_from(flag: Option<LogFormat>) -> Result<LogFormat, LoggingError> {
    if let Some(format) = flag {
        return Ok(format);
    }
    match std::env::var(LOG_FORMAT_ENV) {
        Err(_) => Ok(LogFormat::Text),
        Ok(value) => match value.trim().to_ascii_lowercase().as_str() {
            "" | "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(LoggingError::Format(value)),
        },
    }
}

/// Installs the process's logger on standard error.
pub fn init(format: LogFormat) -> Result<(), LoggingError> {
    use tracing_subscriber::layer::SubscriberExt;
    let filter_text =
        std::env::var(LOG_FILTER_ENV).unwrap_or_else(|_| LOG_FILTER_DEFAULT.to_string());
    let filter: tracing_subscriber::filter::Targets = filter_text
        .parse()
        .map_err(|error| LoggingError::Filter(format!("{error}")))?;
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let installed = match format {
        LogFormat::Text => tracing::subscriber::set_global_default(
            tracing_subscriber::registry().with(fmt).with(filter),
        ),
        LogFormat::Json => tracing::subscriber::set_global_default(
            tracing_subscriber::registry()
                .with(fmt.json().flatten_event(true))
                .with(filter),
        ),
    };
    installed.map_err(|_| LoggingError::AlreadyInstalled)
}

/// A refusal's reason code and message, attached to the response by `ApiError` for the log.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

/// The endpoint pattern that answered, attached to the response by the router.
#[derive(Clone, Debug)]
pub struct Route(pub MatchedPath);

/// Request ids: a per-process random prefix and a counter, so ids are unique across instances
/// and cost no system call per request.
struct RequestIds {
    prefix: String,
    next: AtomicU64,
}

fn request_ids() -> &'static RequestIds {
    static IDS: std::sync::OnceLock<RequestIds> = std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        let mut bytes = [0u8; 6];
        // Without OS randomness ids are still unique within the process.
        let _ = getrandom::fill(&mut bytes);
        RequestIds {
            prefix: crate::hex::encode(&bytes),
            next: AtomicU64::new(1),
        }
    })
}

fn next_request_id() -> String {
    let ids = request_ids();
    let number = ids.next.fetch_add(1, Ordering::Relaxed);
    format!("{}-{number:x}", ids.prefix)
}

/// Records the endpoint pattern on the response; a `route_layer` so the route is matched.
pub async fn record_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(Route(route));
    }
    response
}

/// The request log: one line per request, and the `X-Request-Id` header.
pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = next_request_id();
    let method = request.method().clone();
    let peer = request
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_default();
    let mut response = next.run(request).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let status = response.status().as_u16();
    let route = response
        .extensions()
        .get::<Route>()
        .map_or("-", |route| route.0.as_str());
    let refusal = response.extensions().get::<Refusal>();
    let code = refusal.map_or("-", |refusal| refusal.code);
    let method = method.as_str();
    match status {
        // Load shedding past the connection cap is expected under a flood, not a failure.
        503 if code == "overloaded" => tracing::warn!(target: REQUEST_TARGET, request_id, method,
            route, status, code, latency_ms, peer, "request refused: overloaded"),
        500..=599 => {
            let message = refusal.map_or("", |refusal| refusal.message.as_str());
            tracing::error!(target: REQUEST_TARGET, request_id, method, route, status, code,
                latency_ms, peer, message, "request failed");
        }
        429 => tracing::warn!(target: REQUEST_TARGET, request_id, method, route, status, code,
            latency_ms, peer, "request refused: rate limited"),
        _ => tracing::info!(target: REQUEST_TARGET, request_id, method, route, status, code,
            latency_ms, peer, "request"),
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// Replaces the value of every `secret=` query parameter in `text` with `<redacted>`: upstream
/// error texts may carry the URL they called.
pub fn redact_secrets(text: &str) -> String {
    const KEY: &str = "secret=";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(index) = rest.find(KEY) {
        let (head, tail) = rest.split_at(index + KEY.len());
        out.push_str(head);
        out.push_str("<redacted>");
        let end = tail.find(['&', ' ', ')', '"', '\'']).unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_urls_are_redacted() {
        let text = "error sending request for url (http://127.0.0.1:9/sns/jscode2session?appid=wx1&secret=s3cr3t&js_code=abc)";
        let redacted = redact_secrets(text);
        assert_eq!(
            redacted,
            "error sending request for url (http://127.0.0.1:9/sns/jscode2session?appid=wx1&secret=<redacted>&js_code=abc)"
        );
        assert_eq!(redact_secrets("secret=tail"), "secret=<redacted>");
        assert_eq!(redact_secrets("nothing here"), "nothing here");
    }

    #[test]
    fn request_ids_are_unique_within_the_process() {
        let first = next_request_id();
        let second = next_request_id();
        assert_ne!(first, second);
        assert_eq!(first.split('-').next(), second.split('-').next());
    }
}
