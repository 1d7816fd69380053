//! One websocket connection: authenticate, register in the hub, then loop on inbound
//! frames, the outbox, heartbeat, close requests from the hub and relay shutdown.
//!
//! Generic over any `Stream + Sink` of tungstenite messages, so unit tests drive it with
//! channels and no socket. Bad input gets an `error` event and the connection survives;
//! it closes with 4001 (auth), 4003 (silent past the heartbeat timeout), 4008 (slow
//! consumer), 1009 (message too big) or 1001 (shutdown). A drop guard unregisters it.

use std::sync::Arc;
use std::time::Duration;

use formdesk_protocol::wire::{ClientOp, ServerEvent, CLOSE_AUTH, CLOSE_HEARTBEAT, CLOSE_SHUTDOWN, CLOSE_SLOW, PROTOCOL_VERSION};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::time::{timeout, Instant};
use tokio_tungstenite::tungstenite::error::CapacityError;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_util::sync::CancellationToken;

use crate::auth::{self, Principal};
use crate::error::Error;
use crate::hub::{ConnCtl, Hub, Outgoing};
use crate::node::Node;
use crate::ops;

/// Close code for a message over the size cap (standard "message too big").
const CLOSE_TOO_BIG: u16 = 1009;
/// How long a close frame or a write may take before the connection is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a session needs from its connection.
pub trait WsIo: Stream<Item = Result<Message, WsError>> + Sink<Message, Error = WsError> + Unpin + Send {}
impl<T> WsIo for T where T: Stream<Item = Result<Message, WsError>> + Sink<Message, Error = WsError> + Unpin + Send {}

/// The state of one authenticated connection that op handlers use.
pub struct Conn {
    pub node: Arc<Node>,
    pub who: Principal,
    pub id: Arc<str>,
    tx: mpsc::Sender<Outgoing>,
    ctl: Arc<ConnCtl>,
}

impl Conn {
    /// Queues an event for this connection (a full outbox makes it a slow consumer).
    pub fn reply(&self, ev: &ServerEvent) {
        let Ok(text) = serde_json::to_string(ev) else { return };
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(text.into()) {
            tracing::warn!(conn = %self.id, "slow consumer: outbox full on reply, disconnecting (4008)");
            self.node.metrics.dropped_slow.inc();
            self.ctl.close(CLOSE_SLOW);
        }
    }

    /// Queues an `error` event; the connection stays open.
    pub fn error(&self, err: &Error, reference: Option<String>) {
        self.node.metrics.reject(err.code());
        tracing::debug!(conn = %self.id, code = err.code(), "op refused");
        let message = if err.status().is_server_error() { "internal error".to_string() } else { err.to_string() };
        self.reply(&ServerEvent::Error { code: err.code().into(), message, reference });
    }
}

struct Unregister(Arc<Hub>, Arc<str>);
impl Drop for Unregister {
    fn drop(&mut self) {
        self.0.unregister(&self.1);
    }
}

/// Runs one websocket until it closes. `who` is `None` when the upgrade carried no token:
/// then the first message must be `{"op":"auth","token":..}`.
pub async fn run<S: WsIo>(mut ws: S, node: Arc<Node>, who: Option<Principal>, shutdown: CancellationToken) {
    let who = match who {
        Some(p) => p,
        None => match first_message_auth(&mut ws, &node).await {
            Some(p) => p,
            None => return,
        },
    };
    let (tx, mut rx) = mpsc::channel(node.config.outbox_capacity.max(2));
    let ctl = Arc::new(ConnCtl::default());
    let id: Arc<str> = crate::ids::new_conn_id().into();
    node.hub.register(id.clone(), who.desk.clone(), tx.clone(), ctl.clone());
    let _guard = Unregister(node.hub.clone(), id.clone());
    let conn = Conn { node: node.clone(), who, id, tx, ctl: ctl.clone() };
    conn.reply(&ServerEvent::Hello {
        v: PROTOCOL_VERSION,
        conn: conn.id.to_string(),
        desk: conn.who.desk.clone(),
        role: conn.who.role.as_str().into(),
    });
    let hb = node.config.heartbeat_interval;
    let mut heartbeat = tokio::time::interval_at(Instant::now() + hb, hb);
    let mut last_seen = Instant::now();
    let (code, reason) = loop {
        tokio::select! {
            biased;
            _ = shutdown.cancelled() => break (CLOSE_SHUTDOWN, "relay shutting down"),
            code = ctl.closed() => break (code, reason_of(code)),
            Some(msg) = rx.recv() => {
                if !matches!(timeout(WRITE_TIMEOUT, ws.send(Message::Text(msg))).await, Ok(Ok(()))) {
                    return;
                }
            }
            frame = ws.next() => {
                last_seen = Instant::now();
                match frame {
                    Some(Ok(Message::Text(text))) => ops::handle(&conn, &text),
                    Some(Ok(Message::Binary(_))) => conn.error(&Error::BadRequest("binary frames are not supported; send JSON text".into()), None),
                    Some(Ok(Message::Close(_))) | None => {
                        let _ = timeout(WRITE_TIMEOUT, ws.close()).await;
                        return;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(WsError::Capacity(CapacityError::MessageTooLong { max_size, .. }))) => {
                        conn.error(&Error::TooLarge(max_size), None);
                        flush_outbox(&mut ws, &mut rx).await;
                        break (CLOSE_TOO_BIG, "message too big");
                    }
                    Some(Err(_)) => return,
                }
            }
            _ = heartbeat.tick() => {
                if last_seen.elapsed() > node.config.heartbeat_timeout {
                    node.metrics.heartbeat_timeouts.inc();
                    tracing::info!(conn = %conn.id, "heartbeat timeout, closing (4003)");
                    break (CLOSE_HEARTBEAT, "heartbeat timeout");
                }
                if timeout(WRITE_TIMEOUT, ws.send(Message::Ping(Default::default()))).await.is_err() {
                    return;
                }
            }
        }
    };
    close(&mut ws, code, reason).await;
}

/// Waits for `{"op":"auth"}` as the first message; on failure tells why and closes (4001).
async fn first_message_auth<S: WsIo>(ws: &mut S, node: &Node) -> Option<Principal> {
    let first = timeout(node.config.auth_timeout, ws.next()).await;
    let result = match first {
        Ok(Some(Ok(Message::Text(t)))) => match serde_json::from_str::<ClientOp>(&t) {
            Ok(ClientOp::Auth { token }) => auth::authenticate(&node.store, &token),
            _ => Err(Error::BadRequest("authenticate first: {\"op\":\"auth\",\"token\":...}".into())),
        },
        Ok(None) | Ok(Some(Err(_))) => return None,
        Ok(Some(Ok(_))) => Err(Error::BadRequest("authenticate first".into())),
        Err(_) => Err(Error::Unauthorized),
    };
    match result {
        Ok(p) => Some(p),
        Err(e) => {
            node.metrics.reject(e.code());
            let ev = ServerEvent::Error { code: e.code().into(), message: e.to_string(), reference: None };
            if let Ok(text) = serde_json::to_string(&ev) {
                let _ = timeout(WRITE_TIMEOUT, ws.send(Message::Text(text.into()))).await;
            }
            close(ws, CLOSE_AUTH, "authentication failed").await;
            None
        }
    }
}

async fn flush_outbox<S: WsIo>(ws: &mut S, rx: &mut mpsc::Receiver<Outgoing>) {
    while let Ok(msg) = rx.try_recv() {
        if !matches!(timeout(WRITE_TIMEOUT, ws.send(Message::Text(msg))).await, Ok(Ok(()))) {
            return;
        }
    }
}

async fn close<S: WsIo>(ws: &mut S, code: u16, reason: &'static str) {
    let frame = CloseFrame { code: code.into(), reason: reason.into() };
    let _ = timeout(WRITE_TIMEOUT, ws.send(Message::Close(Some(frame)))).await;
}

fn reason_of(code: u16) -> &'static str {
    match code {
        CLOSE_SLOW => "slow consumer: pending submissions are redelivered on reconnect",
        CLOSE_AUTH => "token revoked",
        CLOSE_HEARTBEAT => "heartbeat timeout",
        CLOSE_SHUTDOWN => "relay shutting down",
        _ => "closed by relay",
    }
}
