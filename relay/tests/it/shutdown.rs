//! Graceful shutdown: sessions are told (1001), `run` returns after flushing, and what was
//! accepted is still there for the next start on the same data dir.

use std::time::Duration;

use formdesk_relay::{Config, Relay};

use crate::util::{TestRelay, WAIT};

#[tokio::test]
async fn shutdown_closes_sessions_with_1001_and_pending_survives_a_restart() {
    let mut relay = TestRelay::start(|_| {}).await;
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    w.subscribe("other", false).await;
    let (st, body) = relay.submit(&relay.tokens.device_a, None, "Ann").await;
    assert_eq!(st, 201);
    let id = body["id"].as_str().unwrap().to_string();
    let stop = async {
        relay.stop().await;
    };
    let (_, code) = tokio::join!(stop, w.closed());
    assert_eq!(code, 1001);
    // New connections are refused once stopped.
    assert!(tokio::net::TcpStream::connect(relay.addr).await.is_err());

    // Same data dir, same store handle (sled allows one opener per process).
    let mut config = crate::util::test_config(relay.dir.path());
    config.drain_timeout = Duration::from_secs(1);
    let restarted = Relay::with_store(config, relay.store.clone()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(restarted.serve(listener, async move {
        let _ = rx.await;
    }));
    relay.addr = addr;
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    w.subscribe("form.visit", false).await;
    assert_eq!(w.expect("submission").await["id"], id.as_str());
    let _ = tx.send(());
    tokio::time::timeout(WAIT, task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn run_returns_promptly_with_idle_http_keepalive_connections_open() {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(formdesk_relay::run(
        listener,
        Config::new(dir.path()),
        async move {
            let _ = rx.await;
        },
    ));
    let client = reqwest::Client::new();
    let res = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let started = std::time::Instant::now();
    let _ = tx.send(());
    tokio::time::timeout(WAIT, task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(3));
}
