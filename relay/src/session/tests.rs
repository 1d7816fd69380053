//! The session loop driven through channels: no socket, virtual time.

use std::pin::Pin;
use std::task::{Context, Poll};

use formdesk_protocol::wire::CLOSE_HEARTBEAT;
use serde_json::Value;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use super::*;
use crate::auth::{create_token, Role};
use crate::config::Config;

struct Duplex {
    rx: UnboundedReceiver<Result<Message, WsError>>,
    tx: UnboundedSender<Message>,
}

impl Stream for Duplex {
    type Item = Result<Message, WsError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl Sink<Message> for Duplex {
    type Error = WsError;
    fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), WsError>> {
        Poll::Ready(Ok(()))
    }
    fn start_send(self: Pin<&mut Self>, item: Message) -> Result<(), WsError> {
        self.tx.send(item).map_err(|_| WsError::ConnectionClosed)
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), WsError>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), WsError>> {
        Poll::Ready(Ok(()))
    }
}

struct Peer {
    to_session: UnboundedSender<Result<Message, WsError>>,
    from_session: UnboundedReceiver<Message>,
}

impl Peer {
    fn send(&self, text: &str) {
        self.to_session
            .send(Ok(Message::Text(text.into())))
            .unwrap();
    }
    async fn next(&mut self) -> Message {
        self.from_session.recv().await.expect("session output")
    }
    async fn json(&mut self) -> Value {
        loop {
            match self.next().await {
                Message::Text(t) => return serde_json::from_str(&t).unwrap(),
                Message::Ping(_) => continue,
                other => panic!("expected text, got {other:?}"),
            }
        }
    }
}

fn setup(tune: impl FnOnce(&mut Config)) -> (tempfile::TempDir, Arc<Node>, Principal) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    tune(&mut config);
    let node = Arc::new(Node::open(config).unwrap());
    let (token, _) = create_token(&node.store, Role::Desk, Some("d1"), "t").unwrap();
    let who = auth::authenticate(&node.store, &token).unwrap();
    (dir, node, who)
}

fn pipe() -> (Duplex, Peer) {
    let (a_tx, a_rx) = unbounded_channel();
    let (b_tx, b_rx) = unbounded_channel();
    (
        Duplex { rx: a_rx, tx: b_tx },
        Peer {
            to_session: a_tx,
            from_session: b_rx,
        },
    )
}

fn close_code(m: Message) -> u16 {
    match m {
        Message::Close(Some(f)) => f.code.into(),
        other => panic!("expected close, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_silent_client_is_pinged_then_closed_with_4003() {
    let (_dir, node, who) = setup(|c| {
        c.heartbeat_interval = Duration::from_secs(10);
        c.heartbeat_timeout = Duration::from_secs(25);
    });
    let (io, mut peer) = pipe();
    let started = Instant::now();
    let task = tokio::spawn(run(io, node.clone(), Some(who), CancellationToken::new()));
    assert_eq!(peer.json().await["type"], "hello");
    let mut pings = 0;
    let code = loop {
        match peer.next().await {
            Message::Ping(_) => pings += 1,
            m => break close_code(m),
        }
    };
    assert_eq!(code, CLOSE_HEARTBEAT);
    assert_eq!(pings, 2, "pinged at 10 s and 20 s, closed at 30 s");
    assert!(started.elapsed() >= Duration::from_secs(25));
    task.await.unwrap();
    assert_eq!(node.hub.connection_count(), 0, "unregistered on exit");
}

#[tokio::test(start_paused = true)]
async fn an_answering_client_stays_connected() {
    let (_dir, node, who) = setup(|c| {
        c.heartbeat_interval = Duration::from_secs(10);
        c.heartbeat_timeout = Duration::from_secs(25);
    });
    let (io, mut peer) = pipe();
    let cancel = CancellationToken::new();
    let task = tokio::spawn(run(io, node, Some(who), cancel.clone()));
    assert_eq!(peer.json().await["type"], "hello");
    for _ in 0..6 {
        assert!(matches!(peer.next().await, Message::Ping(_)));
        peer.to_session
            .send(Ok(Message::Pong(Default::default())))
            .unwrap();
    }
    cancel.cancel();
    assert_eq!(close_code(peer.next().await), CLOSE_SHUTDOWN);
    task.await.unwrap();
}

#[tokio::test]
async fn ops_are_answered_and_errors_keep_the_session_open() {
    let (_dir, node, who) = setup(|_| {});
    let (io, mut peer) = pipe();
    let cancel = CancellationToken::new();
    let task = tokio::spawn(run(io, node.clone(), Some(who), cancel.clone()));
    assert_eq!(peer.json().await["type"], "hello");
    peer.send("nope");
    assert_eq!(peer.json().await["code"], "malformed_json");
    peer.send(r#"{"op":"subscribe","group":"g","id":"1"}"#);
    let v = peer.json().await;
    assert_eq!(
        (v["type"].as_str(), v["id"].as_str()),
        (Some("subscribed"), Some("1"))
    );
    assert!(node.hub.is_subscribed(&node_conn(&node), "d:d1:g"));
    peer.send(r#"{"op":"publish","group":"g","data":[1]}"#);
    assert_eq!(peer.json().await["data"][0], 1);
    peer.send(r#"{"op":"ping"}"#);
    assert_eq!(peer.json().await["type"], "pong");
    peer.to_session.send(Ok(Message::Close(None))).unwrap();
    task.await.unwrap();
    assert_eq!(node.hub.connection_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn without_a_token_the_first_message_must_authenticate_in_time() {
    let (_dir, node, _) = setup(|c| c.auth_timeout = Duration::from_secs(3));
    let (io, mut peer) = pipe();
    let task = tokio::spawn(run(io, node.clone(), None, CancellationToken::new()));
    assert_eq!(peer.json().await["code"], "unauthorized");
    assert_eq!(close_code(peer.next().await), CLOSE_AUTH);
    task.await.unwrap();
    assert_eq!(node.hub.connection_count(), 0);
}

fn node_conn(node: &Node) -> String {
    // The only connection of the hub in these tests.
    node.hub.connection_ids().pop().unwrap().to_string()
}
