//! The websocket upgrade (`GET /ws`), served before the warp routes so the relay controls
//! tungstenite's buffers: small read/write buffers keep an idle connection within a few KB.
//! Checks the `Origin`, takes the token from `Authorization: Bearer` or `?token=` (else
//! the first message must authenticate), answers `101` and runs the session on a task.

use std::sync::Arc;

use http::{header, HeaderMap, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role as WsRole, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth::{self, Principal};
use crate::error::Error;
use crate::node::Node;
use crate::session;

/// Whether a request is a websocket upgrade for the relay's endpoint.
pub fn is_upgrade<B>(req: &Request<B>) -> bool {
    req.uri().path() == "/ws"
        && req.method() == http::Method::GET
        && header_has(req.headers(), header::UPGRADE, "websocket")
        && header_has(req.headers(), header::CONNECTION, "upgrade")
}

/// What every session task keeps alive besides the node: the connection's cap permit.
pub struct Spawn {
    pub shutdown: CancellationToken,
    pub tracker: TaskTracker,
    pub permit: Arc<tokio::sync::OwnedSemaphorePermit>,
}

/// Answers the upgrade and starts the session once hyper hands over the connection.
pub fn upgrade<B>(node: Arc<Node>, spawn: Spawn, mut req: Request<B>) -> Response<String> {
    let who = match check(&node, &req) {
        Ok(who) => who,
        Err(e) => {
            node.metrics.reject(e.code());
            return e.into_response();
        }
    };
    let key = req
        .headers()
        .get(header::SEC_WEBSOCKET_KEY)
        .map(|k| derive_accept_key(k.as_bytes()));
    let version_ok = req
        .headers()
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_some_and(|v| v == "13");
    let Some(accept) = key.filter(|_| version_ok) else {
        return Error::BadRequest("bad websocket handshake (key / version 13)".into())
            .into_response();
    };
    let on_upgrade = hyper::upgrade::on(&mut req);
    let config = ws_config(node.config.max_message_bytes);
    let Spawn {
        shutdown,
        tracker,
        permit,
    } = spawn;
    tracker.spawn(async move {
        let _permit = permit;
        match on_upgrade.await {
            Ok(upgraded) => {
                let ws = WebSocketStream::from_raw_socket(
                    TokioIo::new(upgraded),
                    WsRole::Server,
                    Some(config),
                )
                .await;
                session::run(ws, node, who, shutdown).await;
            }
            Err(e) => tracing::debug!(error = %e, "websocket upgrade failed"),
        }
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::UPGRADE, "websocket")
        .header(header::CONNECTION, "Upgrade")
        .header(header::SEC_WEBSOCKET_ACCEPT, accept)
        .body(String::new())
        .unwrap_or_default()
}

/// Bytes of frames tungstenite collects before writing on its own. The session flushes
/// after each burst it writes, so this only bounds one burst's buffer; the buffer's memory
/// stays as large as the largest burst (an idle window's is its `hello`).
pub const WRITE_BUFFER: usize = 8 * 1024;

/// Small buffers (they are per connection) and the message cap.
fn ws_config(max_message: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(1024)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(max_message * 4 + WRITE_BUFFER)
        .max_message_size(Some(max_message))
        .max_frame_size(Some(max_message))
}

/// Origin first, then the token if one came with the upgrade (`None`: auth by message).
fn check<B>(node: &Node, req: &Request<B>) -> Result<Option<Principal>, Error> {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    if !node.config.origin_allowed(origin, host) {
        return Err(Error::OriginNotAllowed);
    }
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let token = bearer.or_else(|| query_token(req.uri().query()?));
    match token {
        None => Ok(None),
        Some(t) => {
            let who = auth::authenticate(&node.store, &t)?;
            node.check_rate(&who)?;
            Ok(Some(who))
        }
    }
}

fn query_token(query: &str) -> Option<String> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
        .map(|t| t.to_string())
}

fn header_has(h: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    h.get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|p| p.trim().eq_ignore_ascii_case(token)))
}
