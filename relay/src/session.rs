//! One websocket connection: authenticate, register in the hub, then loop on inbound
//! frames, the outbox, heartbeat, close requests from the hub and relay shutdown.
//!
//! Generic over any `Stream + Sink` of tungstenite messages, so unit tests drive it with
//! channels and no socket. Bad input gets an `error` event and the connection survives;
//! it closes with 4001 (auth failed, or its token revoked: `Hub::close_token`), 4003 (silent past the heartbeat timeout), 4008 (slow
//! consumer), 1009 (message too big) or 1001 (shutdown). A drop guard unregisters it.

use std::sync::Arc;
use std::time::Duration;

use formdesk_protocol::wire::{
    ClientOp, ServerEvent, CLOSE_AUTH, CLOSE_HEARTBEAT, CLOSE_SHUTDOWN, CLOSE_SLOW,
    PROTOCOL_VERSION,
};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::time::{timeout, Instant};
use tokio_tungstenite::tungstenite::error::CapacityError;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_util::sync::CancellationToken;

use crate::auth::{self, Principal};
use crate::error::Error;
use crate::hub::{ConnCtl, Hub};
use crate::node::Node;
use crate::ops;

/// Close code for a message over the size cap (standard "message too big").
const CLOSE_TOO_BIG: u16 = 1009;
/// How long a close frame or a write may take before the connection is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a session needs from its connection.
pub trait WsIo:
    Stream<Item = Result<Message, WsError>> + Sink<Message, Error = WsError> + Unpin + Send
{
}
impl<T> WsIo for T where
    T: Stream<Item = Result<Message, WsError>> + Sink<Message, Error = WsError> + Unpin + Send
{
}

/// The state of one authenticated connection that op handlers use.
pub struct Conn {
    pub node: Arc<Node>,
    pub who: Principal,
    pub id: Arc<str>,
    ctl: Arc<ConnCtl>,
    /// Groups with more pending submissions than one batch: group key → last id pushed.
    /// Empty (no allocation) unless a window has such a backlog.
    backlog: std::sync::Mutex<Vec<(String, String)>>,
}

impl Conn {
    /// How many pending submissions a subscribe pushes at once: half the outbox, so the
    /// backlog of a window never makes it a slow consumer by itself.
    pub fn pending_batch(&self) -> usize {
        (self.node.config.outbox_capacity / 2).max(1)
    }

    /// Sets (or clears) the backlog cursor of a group.
    pub fn set_backlog(&self, key: &str, cursor: Option<String>) {
        let mut list = self.backlog.lock().unwrap_or_else(|p| p.into_inner());
        list.retain(|(k, _)| k != key);
        if let Some(c) = cursor {
            list.push((key.to_string(), c));
        }
        if list.is_empty() {
            list.shrink_to_fit();
        }
    }

    /// The groups with a backlog and their cursors.
    pub fn backlogs(&self) -> Vec<(String, String)> {
        self.backlog
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Queues an event for this connection (a full outbox makes it a slow consumer).
    pub fn reply(&self, ev: &ServerEvent) {
        let Ok(text) = serde_json::to_string(ev) else {
            return;
        };
        if self.ctl.close_code().is_none() && self.ctl.push(text.into()).is_err() {
            tracing::warn!(conn = %self.id, "slow consumer: outbox full on reply, disconnecting (4008)");
            self.node.metrics.dropped_slow.inc();
            self.ctl.close(CLOSE_SLOW);
        }
    }

    /// Queues an `error` event; the connection stays open.
    pub fn error(&self, err: &Error, reference: Option<String>) {
        self.node.metrics.reject(err.code());
        tracing::debug!(conn = %self.id, code = err.code(), "op refused");
        let message = if err.status().is_server_error() {
            "internal error".to_string()
        } else {
            err.to_string()
        };
        self.reply(&ServerEvent::Error {
            code: err.code().into(),
            message,
            reference,
        });
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
pub async fn run<S: WsIo>(
    mut ws: S,
    node: Arc<Node>,
    who: Option<Principal>,
    shutdown: CancellationToken,
) {
    let who = match who {
        Some(p) => p,
        None => match first_message_auth(&mut ws, &node).await {
            Some(p) => p,
            None => return,
        },
    };
    let ctl = Arc::new(ConnCtl::new(node.config.outbox_capacity.max(2)));
    let id: Arc<str> = crate::ids::new_conn_id().into();
    node.hub.register(id.clone(), who.desk.clone(), ctl.clone());
    node.hub.set_token(&id, &who.token_id);
    let _guard = Unregister(node.hub.clone(), id.clone());
    let conn = Conn {
        node: node.clone(),
        who,
        id,
        ctl: ctl.clone(),
        backlog: Default::default(),
    };
    conn.reply(&ServerEvent::Hello {
        v: PROTOCOL_VERSION,
        conn: conn.id.to_string(),
        desk: conn.who.desk.clone(),
        role: conn.who.role.as_str().into(),
    });
    let hb = node.config.heartbeat_interval;
    let mut heartbeat = tokio::time::interval_at(Instant::now() + hb, hb);
    let mut last_seen = Instant::now();
    // Every session shares the relay's one shutdown token: waiting on it registers this
    // session in the token's waiter list (under the token's lock), so it is done once per
    // session, not once per loop turn.
    let cancelled = shutdown.cancelled();
    tokio::pin!(cancelled);
    let (code, reason) = 'session: loop {
        // Write what is queued (a close request wins over queued messages).
        match write_queued(&mut ws, &ctl).await {
            Ok(None) => {}
            Ok(Some(code)) => break 'session (code, reason_of(code)),
            Err(WriteFailed) => return,
        }
        tokio::select! {
            biased;
            _ = &mut cancelled => break (CLOSE_SHUTDOWN, "relay shutting down"),
            _ = ctl.wait() => {}
            frame = ws.next() => {
                last_seen = Instant::now();
                match on_frame(&mut ws, &conn, frame).await {
                    Next::Continue => {}
                    Next::Close(code, reason) => break (code, reason),
                    Next::Gone => return,
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

/// What the session loop does after an inbound frame.
enum Next {
    Continue,
    /// Send a close frame with this code and reason.
    Close(u16, &'static str),
    /// The connection is gone (closed by the client, or broken).
    Gone,
}

/// Applies one inbound frame (`None`: the stream ended).
async fn on_frame<S: WsIo>(
    ws: &mut S,
    conn: &Conn,
    frame: Option<Result<Message, WsError>>,
) -> Next {
    match frame {
        Some(Ok(Message::Text(text))) => ops::handle(conn, &text),
        Some(Ok(Message::Binary(_))) => conn.error(
            &Error::BadRequest("binary frames are not supported; send JSON text".into()),
            None,
        ),
        Some(Ok(Message::Close(_))) | None => {
            let _ = timeout(WRITE_TIMEOUT, ws.close()).await;
            return Next::Gone;
        }
        Some(Ok(_)) => {}
        Some(Err(WsError::Capacity(CapacityError::MessageTooLong { max_size, .. }))) => {
            conn.error(&Error::TooLarge(max_size), None);
            let _ = write_queued(ws, &conn.ctl).await;
            return Next::Close(CLOSE_TOO_BIG, "message too big");
        }
        Some(Err(_)) => return Next::Gone,
    }
    Next::Continue
}

/// Waits for `{"op":"auth"}` as the first message; on failure tells why and closes (4001).
async fn first_message_auth<S: WsIo>(ws: &mut S, node: &Node) -> Option<Principal> {
    let first = timeout(node.config.auth_timeout, ws.next()).await;
    let result = match first {
        Ok(Some(Ok(Message::Text(t)))) => match serde_json::from_str::<ClientOp>(&t) {
            Ok(ClientOp::Auth { token }) => auth::authenticate(&node.store, &token),
            _ => Err(Error::BadRequest(
                "authenticate first: {\"op\":\"auth\",\"token\":...}".into(),
            )),
        },
        Ok(None) | Ok(Some(Err(_))) => return None,
        Ok(Some(Ok(_))) => Err(Error::BadRequest("authenticate first".into())),
        Err(_) => Err(Error::Unauthorized),
    };
    match result {
        Ok(p) => Some(p),
        Err(e) => {
            node.metrics.reject(e.code());
            let ev = ServerEvent::Error {
                code: e.code().into(),
                message: e.to_string(),
                reference: None,
            };
            if let Ok(text) = serde_json::to_string(&ev) {
                let _ = timeout(WRITE_TIMEOUT, ws.send(Message::Text(text.into()))).await;
            }
            close(ws, CLOSE_AUTH, "authentication failed").await;
            None
        }
    }
}

/// A write or flush failed or timed out: the connection is gone.
struct WriteFailed;

/// Writes every queued message, then flushes once: a burst (a backlog, a busy group) goes
/// out in one system call instead of one per message (tungstenite buffers up to
/// `ws::WRITE_BUFFER` before it writes on its own). `Some(code)`: the hub asked to close;
/// what was already queued before the request is still flushed by the close frame's send.
async fn write_queued<S: WsIo>(ws: &mut S, ctl: &ConnCtl) -> Result<Option<u16>, WriteFailed> {
    let mut fed = false;
    let closing = loop {
        if let Some(code) = ctl.close_code() {
            break Some(code);
        }
        let Some(msg) = ctl.pop() else { break None };
        if !matches!(
            timeout(WRITE_TIMEOUT, ws.feed(Message::Text(msg))).await,
            Ok(Ok(()))
        ) {
            return Err(WriteFailed);
        }
        fed = true;
    };
    if fed && closing.is_none() && !matches!(timeout(WRITE_TIMEOUT, ws.flush()).await, Ok(Ok(()))) {
        return Err(WriteFailed);
    }
    Ok(closing)
}

async fn close<S: WsIo>(ws: &mut S, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code: code.into(),
        reason: reason.into(),
    };
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

#[cfg(test)]
mod tests;
