//! The phone web apps served by the relay (from `Config::web_dir`), path-traversal refusal,
//! the relay's own origin being allowed, and CORS on `/api/submissions`.

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::util::{TestRelay, WAIT};

const INDEX: &str = "<!doctype html><title>Wallet</title>";
const SW: &str = "self.addEventListener('install', () => {});";

/// A web dir with `wallet/` (index.html, sw.js, manifest) and a secret file beside it.
fn web_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("wallet")).unwrap();
    std::fs::write(dir.path().join("wallet/index.html"), INDEX).unwrap();
    std::fs::write(dir.path().join("wallet/sw.js"), SW).unwrap();
    std::fs::write(dir.path().join("wallet/manifest.webmanifest"), "{}").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "TOP-SECRET").unwrap();
    dir
}

async fn start(web: &tempfile::TempDir) -> TestRelay {
    let path = web.path().to_path_buf();
    TestRelay::start(move |c| c.web_dir = Some(path)).await
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Sends `GET <raw path>` byte for byte (HTTP clients normalise `..` away) and returns the
/// whole answer as text.
async fn raw_get(relay: &TestRelay, path: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        relay.addr
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(WAIT, s.read_to_end(&mut out))
        .await
        .expect("answer in time")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn wallet_index_and_service_worker_are_served_with_types_and_no_cache() {
    let web = web_dir();
    let relay = start(&web).await;
    let client = no_redirects();
    let res = client.get(relay.url("/wallet/")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert_eq!(h["cache-control"], "no-cache");
    assert_eq!(res.text().await.unwrap(), INDEX);

    let res = client.get(relay.url("/wallet/sw.js")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "text/javascript");
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert_eq!(res.text().await.unwrap(), SW);

    let res = client
        .get(relay.url("/wallet/manifest.webmanifest"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/manifest+json");

    let res = client.head(relay.url("/wallet/")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-length"], INDEX.len().to_string());
    assert!(res.bytes().await.unwrap().is_empty());

    let res = client.get(relay.url("/wallet")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 301);
    assert_eq!(res.headers()["location"], "/wallet/");

    let (st, body) = relay.get("/wallet/missing.js", None).await;
    assert_eq!(st, 404);
    assert!(body.contains("not_found"), "{body}");
    // No companion/ in this web dir: the apps are reported as not built.
    let (st, body) = relay.get("/companion/", None).await;
    assert_eq!(st, 404);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["code"], "web_apps_not_built");
    // Other routes are untouched.
    assert_eq!(relay.get("/healthz", None).await.0, 200);
    assert_eq!(relay.get("/nothing-here", None).await.0, 404);
}

#[tokio::test]
async fn path_traversal_is_refused() {
    let web = web_dir();
    let relay = start(&web).await;
    for path in [
        "/wallet/../secret.txt",
        "/wallet/%2e%2e/secret.txt",
        "/wallet/..%2fsecret.txt",
        "/wallet/.%2e/secret.txt",
        "/wallet/..\\secret.txt",
    ] {
        let answer = raw_get(&relay, path).await;
        assert!(
            answer.starts_with("HTTP/1.1 400") || answer.starts_with("HTTP/1.1 404"),
            "{path}: {answer}"
        );
        assert!(!answer.contains("TOP-SECRET"), "{path}: {answer}");
    }
    // A symlink out of the app folder is not followed either.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            web.path().join("secret.txt"),
            web.path().join("wallet/link.txt"),
        )
        .unwrap();
        let answer = raw_get(&relay, "/wallet/link.txt").await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
        assert!(!answer.contains("TOP-SECRET"));
    }
}

#[tokio::test]
async fn the_relays_own_origin_may_submit_and_others_are_refused() {
    let relay = TestRelay::start(|_| {}).await;
    let body = json!({"form": "visit", "values": {"given_name": "Ann"}});
    let post = |origin: String| {
        reqwest::Client::new()
            .post(relay.url("/api/submissions"))
            .bearer_auth(&relay.tokens.device_a)
            .header("origin", origin)
            .json(&body)
            .send()
    };
    let res = post(format!("http://{}", relay.addr)).await.unwrap();
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");

    let res = post("http://evil.example".into()).await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    // Errors carry the CORS headers too, so the page can read the message.
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["code"], "origin_not_allowed");

    // The same rule holds for websockets.
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{}/ws?token={}", relay.addr, relay.tokens.desk_a)
        .into_client_request()
        .unwrap();
    let own = format!("http://{}", relay.addr);
    req.headers_mut().insert("origin", own.parse().unwrap());
    let (ws, res) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(res.status().as_u16(), 101);
    drop(ws);
}

#[tokio::test]
async fn submissions_preflight_answers_cors_headers() {
    let relay = TestRelay::start(|_| {}).await;
    let res = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, relay.url("/api/submissions"))
        .header("origin", "https://static.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    let h = res.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    assert_eq!(
        h["access-control-allow-headers"],
        "authorization, content-type"
    );
    assert_eq!(h["access-control-allow-methods"], "POST");
}
