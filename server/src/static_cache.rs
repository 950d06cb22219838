//! How the playable page's files travel: compressed and cached.
//!
//! - **Compressed ahead of time.** The web build (`cargo xtask`, `xtask/src/web.rs`) writes a
//!   `.br` and a `.gz` sibling beside each file worth compressing; `ServeDir` sends the sibling
//!   the browser accepts (with `Content-Encoding`), else the file itself. Nothing is compressed
//!   per request.
//! - **Cached by name.** A file whose name carries its content hash ([`has_content_hash`]) can
//!   never change under that name, so browsers keep it a year without asking again. Every other
//!   file (`index.html`, the modules that name the hashed files, live level files) is
//!   revalidated on each load: a cheap `304` while it is unchanged, the new bytes as soon as a
//!   release replaces it.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

/// A content-hashed file: a year (the longest lifetime RFC 9111 caches honour in practice) and
/// no revalidation at all.
pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else: the browser may store it but must ask before each use.
pub const CACHE_REVALIDATE: &str = "no-cache";

/// Hex digits of the content hash the web build puts in a file name (`name.<hash>.ext`): 64 bits
/// of SHA-256, so two builds' different files never share a name.
pub const CONTENT_HASH_HEX_DIGITS: usize = 16;

/// The static files under `dir`, precompressed siblings preferred, each with its Cache-Control.
pub fn service(dir: &Path) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(middleware::from_fn(cache_control))
}

async fn cache_control(request: Request, next: Next) -> Response {
    let policy = cache_policy(request.uri().path());
    let mut response = next.run(request).await;
    if matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// The Cache-Control value for a request path.
pub fn cache_policy(path: &str) -> &'static str {
    if has_content_hash(path) {
        CACHE_IMMUTABLE
    } else {
        CACHE_REVALIDATE
    }
}

/// Whether the path's file name has a content hash between its stem and its extension:
/// `pkg/game_wasm_bg.0123456789abcdef.wasm` does, `index.html` and `app.js` do not.
pub fn has_content_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|part| {
            part.len() == CONTENT_HASH_HEX_DIGITS
                && part
                    .bytes()
                    .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_immutable_and_everything_else_revalidates() {
        let cases = [
            ("/pkg/game_wasm_bg.0123456789abcdef.wasm", CACHE_IMMUTABLE),
            (
                "/pkg/game_wasm_bg.0123456789abcdef.wasm.br",
                CACHE_IMMUTABLE,
            ),
            ("/", CACHE_REVALIDATE),
            ("/index.html", CACHE_REVALIDATE),
            ("/pkg/game_wasm.js", CACHE_REVALIDATE),
            ("/levels/match3/m3-01-first-steps.json", CACHE_REVALIDATE),
            // Upper-case or short hex is not what the build writes.
            ("/pkg/game_wasm_bg.0123456789ABCDEF.wasm", CACHE_REVALIDATE),
            ("/pkg/game_wasm_bg.0123456789abcde.wasm", CACHE_REVALIDATE),
            // A hash-like stem with no extension after it is a plain name.
            ("/0123456789abcdef.wasm", CACHE_REVALIDATE),
        ];
        for (path, expected) in cases {
            assert_eq!(cache_policy(path), expected, "{path}");
        }
    }
}
