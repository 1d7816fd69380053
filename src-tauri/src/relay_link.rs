//! The desk's connection to its relay: one websocket, kept open by a task that reconnects
//! with backoff (0.25 s doubling to 10 s), re-authenticates and re-subscribes every group
//! the windows hold, so submissions that arrived meanwhile are delivered after a reconnect
//! (the relay keeps them until acknowledged). Status changes and relay events go to a
//! [`LinkEvents`] sink; the REST calls (forms, submissions, receipts) live in `rest`.
//! No Tauri here: the app wires the sink to window events.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use formdesk_protocol::wire::{ClientOp, RequestCreated, ServerEvent, CLOSE_AUTH};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::Connector;
use tokio_util::sync::CancellationToken;

use crate::error::{AppError, ErrorKind, Result};
use crate::transport::{self, Security};

/// Where the relay is and how the desk proves who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `http://127.0.0.1:PORT` or `https://relay.lan:8443` (no trailing slash).
    pub base: String,
    /// The desk token.
    pub token: String,
    /// SHA-256 fingerprint of the relay's certificate, required for `https://` (see
    /// `transport`); `None` for plain loopback.
    pub fingerprint: Option<String>,
}

impl Endpoint {
    fn ws_url(&self) -> String {
        let rest = self.base.trim_end_matches('/');
        let ws = rest
            .replacen("https://", "wss://", 1)
            .replacen("http://", "ws://", 1);
        format!("{ws}/ws")
    }
}

/// The connection state the UI shows at all times.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LinkStatus {
    Connecting {
        attempt: u32,
    },
    Online {
        conn: String,
        relay: String,
    },
    Offline {
        kind: ErrorKind,
        message: String,
        retry_in_ms: u64,
    },
    Stopped,
}

/// Receives what the link learns. Called from the link's task: keep it quick.
pub trait LinkEvents: Send + Sync + 'static {
    fn status(&self, status: &LinkStatus);
    /// Every relay event except answers to this link's own `create_request`.
    fn event(&self, event: ServerEvent);
}

/// A handle on the running link (cheap to clone).
#[derive(Clone)]
pub struct RelayLink {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: Endpoint,
    events: Arc<dyn LinkEvents>,
    /// Outgoing ops; bounded: when full (relay gone for long) new ops fail fast.
    ops: mpsc::Sender<ClientOp>,
    status: watch::Sender<LinkStatus>,
    /// Groups to hold (group -> once). Re-sent after every reconnect.
    subs: Mutex<HashMap<String, bool>>,
    /// `create_request` ops waiting for their answer, by op id.
    pending: Mutex<HashMap<String, oneshot::Sender<Result<RequestCreated>>>>,
    next_id: AtomicU64,
    cancel: CancellationToken,
}

const OPS_CAPACITY: usize = 256;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const PING_EVERY: Duration = Duration::from_secs(15);
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// Relay events are small JSON (a sealed answer is a few hundred bytes); tungstenite's
/// 64 MiB default would let a broken relay make the desk buffer that much.
const MAX_MESSAGE: usize = 1 << 20;

impl RelayLink {
    /// Starts the link task on the current tokio runtime.
    pub fn start(endpoint: Endpoint, events: Arc<dyn LinkEvents>) -> RelayLink {
        let (ops, ops_rx) = mpsc::channel(OPS_CAPACITY);
        let (status, _) = watch::channel(LinkStatus::Connecting { attempt: 0 });
        let inner = Arc::new(Inner {
            endpoint,
            events,
            ops,
            status,
            subs: Mutex::default(),
            pending: Mutex::default(),
            next_id: AtomicU64::new(1),
            cancel: CancellationToken::new(),
        });
        tokio::spawn(run(inner.clone(), ops_rx));
        RelayLink { inner }
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    pub fn status(&self) -> LinkStatus {
        self.inner.status.borrow().clone()
    }

    /// A receiver of status changes (for tests and waiting).
    pub fn watch_status(&self) -> watch::Receiver<LinkStatus> {
        self.inner.status.subscribe()
    }

    /// Holds `group` (desk-relative) until unsubscribed; re-joined after reconnects.
    pub fn subscribe(&self, group: &str, once: bool) {
        lock(&self.inner.subs).insert(group.to_string(), once);
        self.send(ClientOp::Subscribe {
            group: group.into(),
            once,
            id: None,
        });
    }

    pub fn unsubscribe(&self, group: &str) {
        if lock(&self.inner.subs).remove(group).is_some() {
            self.send(ClientOp::Unsubscribe {
                group: group.into(),
                id: None,
            });
        }
    }

    /// Whether the desk still holds `group` (false once a `once` group got its delivery).
    pub fn holds(&self, group: &str) -> bool {
        lock(&self.inner.subs).contains_key(group)
    }

    /// Tells the relay the window has submission `id`; the relay deletes its content.
    pub fn ack(&self, id: &str) {
        self.send(ClientOp::Ack {
            submission: id.into(),
        });
    }

    /// Asks the relay to create and sign a request QR.
    pub async fn create_request(
        &self,
        form: &str,
        keys: Vec<String>,
        eph_pub: String,
        desk_label: Option<String>,
    ) -> Result<RequestCreated> {
        if !matches!(self.status(), LinkStatus::Online { .. }) {
            return Err(offline_error(&self.status()));
        }
        let id = format!("r{}", self.inner.next_id.fetch_add(1, Ordering::Relaxed));
        let (tx, rx) = oneshot::channel();
        lock(&self.inner.pending).insert(id.clone(), tx);
        let op = ClientOp::CreateRequest {
            form: form.into(),
            keys,
            eph_pub,
            desk_label,
            id: Some(id.clone()),
        };
        if self.inner.ops.try_send(op).is_err() {
            lock(&self.inner.pending).remove(&id);
            return Err(AppError::relay_unreachable("the connection is congested"));
        }
        match tokio::time::timeout(ANSWER_TIMEOUT, rx).await {
            Ok(Ok(answer)) => answer,
            _ => {
                lock(&self.inner.pending).remove(&id);
                Err(AppError::relay_unreachable("no answer to the request"))
            }
        }
    }

    /// Stops the task and closes the websocket.
    pub fn stop(&self) {
        self.inner.cancel.cancel();
    }

    fn send(&self, op: ClientOp) {
        // Dropped when full or offline: subscriptions are replayed on reconnect, acks repeat
        // on redelivery.
        let _ = self.inner.ops.try_send(op);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

fn offline_error(status: &LinkStatus) -> AppError {
    match status {
        LinkStatus::Offline { kind, message, .. } => AppError::new(*kind, message.clone()),
        _ => AppError::relay_unreachable("not connected yet"),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Inner {
    fn set_status(&self, s: LinkStatus) {
        self.events.status(&s);
        self.status.send_replace(s);
    }

    fn dispatch(&self, ev: ServerEvent) {
        match ev {
            ServerEvent::RequestCreated(rc) => {
                let tx = rc.id.as_ref().and_then(|id| lock(&self.pending).remove(id));
                if let Some(tx) = tx {
                    let _ = tx.send(Ok(rc));
                }
            }
            ServerEvent::Error {
                ref reference,
                ref code,
                ref message,
            } if reference
                .as_ref()
                .is_some_and(|r| lock(&self.pending).contains_key(r)) =>
            {
                let tx = reference
                    .as_ref()
                    .and_then(|r| lock(&self.pending).remove(r));
                if let Some(tx) = tx {
                    let _ = tx.send(Err(AppError::new(
                        ErrorKind::Internal,
                        format!("The relay refused: {message} ({code})"),
                    )));
                }
            }
            ServerEvent::Unsubscribed { ref group, .. } => {
                lock(&self.subs).remove(group);
                self.events.event(ev);
            }
            other => self.events.event(other),
        }
    }
}

/// The reconnect loop.
async fn run(inner: Arc<Inner>, mut ops_rx: mpsc::Receiver<ClientOp>) {
    let mut backoff = Duration::from_millis(250);
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        inner.set_status(LinkStatus::Connecting { attempt });
        let (was_online, err) = match session(&inner, &mut ops_rx).await {
            Ok(()) => break,
            Err(e) => e,
        };
        if was_online {
            backoff = Duration::from_millis(250);
            attempt = 0;
        }
        inner.set_status(LinkStatus::Offline {
            kind: err.kind,
            message: err.message,
            retry_in_ms: backoff.as_millis() as u64,
        });
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = inner.cancel.cancelled() => break,
        }
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
    inner.set_status(LinkStatus::Stopped);
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One connection: Ok(()) when cancelled, Err((was_online, why)) when it ended.
async fn session(
    inner: &Inner,
    ops_rx: &mut mpsc::Receiver<ClientOp>,
) -> std::result::Result<(), (bool, AppError)> {
    let mut ws = tokio::select! {
        r = connect(inner) => r.map_err(|e| (false, e))?,
        _ = inner.cancel.cancelled() => return Ok(()),
    };
    let subs: Vec<(String, bool)> = lock(&inner.subs)
        .iter()
        .map(|(g, o)| (g.clone(), *o))
        .collect();
    for (group, once) in subs {
        send_op(
            &mut ws,
            &ClientOp::Subscribe {
                group,
                once,
                id: None,
            },
        )
        .await
        .map_err(|e| (true, e))?;
    }
    let mut ping = tokio::time::interval(PING_EVERY);
    loop {
        tokio::select! {
            msg = ws.next() => match msg {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<ServerEvent>(&text) {
                    Ok(ev) => inner.dispatch(ev),
                    Err(e) => tracing::warn!("unreadable relay event: {e}"),
                },
                Some(Ok(Message::Close(frame))) => return Err((true, close_error(frame.map(|f| (f.code, f.reason.to_string()))))),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err((true, AppError::relay_unreachable(e))),
                None => return Err((true, AppError::relay_unreachable("connection closed"))),
            },
            op = ops_rx.recv() => match op {
                Some(op) => send_op(&mut ws, &op).await.map_err(|e| (true, e))?,
                None => return Ok(()),
            },
            _ = ping.tick() => send_op(&mut ws, &ClientOp::Ping { id: None }).await.map_err(|e| (true, e))?,
            _ = inner.cancel.cancelled() => {
                let _ = ws.close(None).await;
                return Ok(());
            }
        }
    }
}

/// Opens the websocket (TLS pinned for `https://` relays), authenticates and waits for
/// `hello`.
async fn connect(inner: &Inner) -> Result<Ws> {
    let url = inner.endpoint.ws_url();
    let connector =
        match transport::security(&inner.endpoint.base, inner.endpoint.fingerprint.as_deref())? {
            Security::Plain => Connector::Plain,
            Security::Pinned(config) => Connector::Rustls(config),
        };
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let (mut ws, _) = tokio::time::timeout(
        CONNECT_TIMEOUT,
        tokio_tungstenite::connect_async_tls_with_config(
            url.as_str(),
            Some(config),
            true,
            Some(connector),
        ),
    )
    .await
    .map_err(|_| AppError::relay_unreachable("timed out"))?
    .map_err(|e| transport::connect_error(&e))?;
    send_op(
        &mut ws,
        &ClientOp::Auth {
            token: inner.endpoint.token.clone(),
        },
    )
    .await?;
    let hello = tokio::time::timeout(CONNECT_TIMEOUT, async {
        while let Some(msg) = ws.next().await {
            match msg {
                Ok(Message::Text(text)) => {
                    if let Ok(ServerEvent::Hello { conn, .. }) = serde_json::from_str(&text) {
                        return Ok(conn);
                    }
                }
                Ok(Message::Close(frame)) => {
                    return Err(close_error(frame.map(|f| (f.code, f.reason.to_string()))))
                }
                Ok(_) => {}
                Err(e) => return Err(AppError::relay_unreachable(e)),
            }
        }
        Err(AppError::relay_unreachable("closed before hello"))
    })
    .await
    .map_err(|_| AppError::relay_unreachable("no hello from the relay"))??;
    inner.set_status(LinkStatus::Online {
        conn: hello,
        relay: inner.endpoint.base.clone(),
    });
    Ok(ws)
}

async fn send_op(ws: &mut Ws, op: &ClientOp) -> Result<()> {
    let text = serde_json::to_string(op)?;
    ws.send(Message::text(text))
        .await
        .map_err(AppError::relay_unreachable)
}

fn close_error(frame: Option<(CloseCode, String)>) -> AppError {
    match frame {
        Some((code, _)) if u16::from(code) == CLOSE_AUTH => AppError::new(
            ErrorKind::TokenRejected,
            "The relay refused this desk's token. Check the token in Settings.",
        ),
        Some((_, reason)) => AppError::relay_unreachable(format!("closed by the relay: {reason}")),
        None => AppError::relay_unreachable("closed by the relay"),
    }
}
