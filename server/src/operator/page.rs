//! The console page, compiled into the binary: `/operator` (HTML), its script and its style.
//! Nothing in them is secret; the data comes from the read views with the operator's token.
//! The replay viewer loads the player's wasm from the page build the service serves (`/pkg/`),
//! so it needs `serve --static` only to watch games, not to review them.

use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::service::Service;

const CONSOLE_HTML: &str = include_str!("assets/console.html");
const CONSOLE_JS: &str = include_str!("assets/console.js");
const CONSOLE_CSS: &str = include_str!("assets/console.css");

/// A console file: never cached, so a new build's page and script always arrive together.
fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
}

/// `/operator`, `/operator/console.js` and `/operator/console.css`.
pub fn page_routes() -> Router<Arc<Service>> {
    Router::new()
        .route(
            "/operator",
            get(|| async { asset("text/html; charset=utf-8", CONSOLE_HTML) }),
        )
        .route(
            "/operator/console.js",
            get(|| async { asset("text/javascript; charset=utf-8", CONSOLE_JS) }),
        )
        .route(
            "/operator/console.css",
            get(|| async { asset("text/css; charset=utf-8", CONSOLE_CSS) }),
        )
}
