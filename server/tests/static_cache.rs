//! The playable page's files over real HTTP: the precompressed sibling the client accepts, with
//! `Content-Encoding`; the file itself otherwise; Cache-Control by content-hashed name.

mod common;

use common::*;
use playproof_server::static_cache::{CACHE_IMMUTABLE, CACHE_REVALIDATE};

const HASHED: &str = "game_wasm_bg.0123456789abcdef.wasm";

/// What came back: status, Content-Encoding, Cache-Control and the body as sent.
async fn fetch(
    server: &Server,
    path: &str,
    accept: Option<&str>,
) -> (u16, String, String, Vec<u8>) {
    let mut request = server.client.get(format!("{}{path}", server.base));
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map_or(String::new(), |value| value.to_str().unwrap().to_string())
    };
    let (encoding, cache) = (header("content-encoding"), header("cache-control"));
    let status = response.status().as_u16();
    (
        status,
        encoding,
        cache,
        response.bytes().await.unwrap().to_vec(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_sent_precompressed_and_cached_by_name() {
    let database = Database::new(&Backend::Sqlite);
    let site = TempDir::new("site");
    let pkg = site.0.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(site.0.join("index.html"), "<h1>PlayProof</h1>").unwrap();
    // Distinct stand-in bytes per file, so the test sees which one was sent.
    std::fs::write(pkg.join(HASHED), b"raw wasm").unwrap();
    std::fs::write(pkg.join(format!("{HASHED}.br")), b"brotli bytes").unwrap();
    std::fs::write(pkg.join(format!("{HASHED}.gz")), b"gzip bytes").unwrap();
    let server = Server::start(
        &database,
        Options {
            static_dir: Some(site.0.clone()),
            ..Options::default()
        },
    )
    .await;
    let wasm = format!("/pkg/{HASHED}");
    let immutable = CACHE_IMMUTABLE.to_string();
    assert_eq!(
        fetch(&server, &wasm, Some("gzip, deflate, br")).await,
        (
            200,
            "br".into(),
            immutable.clone(),
            b"brotli bytes".to_vec()
        )
    );
    assert_eq!(
        fetch(&server, &wasm, Some("gzip")).await,
        (
            200,
            "gzip".into(),
            immutable.clone(),
            b"gzip bytes".to_vec()
        )
    );
    assert_eq!(
        fetch(&server, &wasm, Some("identity")).await,
        (200, String::new(), immutable, b"raw wasm".to_vec())
    );
    let (status, _, cache, body) = fetch(&server, "/", None).await;
    assert_eq!(
        (status, cache, body),
        (200, CACHE_REVALIDATE.into(), b"<h1>PlayProof</h1>".to_vec())
    );
    // A missing file is a plain 404, with nothing that would let a cache keep it.
    let (status, _, cache, _) = fetch(&server, "/pkg/missing.0123456789abcdef.wasm", None).await;
    assert_eq!((status, cache.as_str()), (404, ""));
    server.stop().await;
}
