//! formdesk-relay: the relay library (embeddable) behind the LAN service binary.
//!
//! [`run`] serves a bound listener until a shutdown future resolves; [`Relay`] splits that
//! in two (open, then serve) for callers that need the [`Store`] first (token commands,
//! the desktop app provisioning its desk token). Protocol: `docs/protocol.md`.
//!
//! # Layout
//! - `config`: [`Config`], limits and defaults (`Config::new`, `Config::for_desktop`).
//! - `error`: [`Error`] and the one mapping of errors to HTTP JSON.
//! - `server`: accept loop (connection cap, TLS, HTTP, graceful shutdown).
//! - `ws`: websocket upgrade; `session`: one websocket; `ops`: its operations.
//! - `hub`: groups and fan-out on this node; `broker`: how a publish reaches every node.
//! - `group`: desk-relative group names.
//! - `api`: REST routes and handlers; `web`: the phone web apps at /wallet/, /companion/.
//! - `submissions`: accept, deliver pending, ack, expire; `requests`: request records.
//! - `store`: sled and group commit; `crypt`: per-epoch at-rest encryption.
//! - `auth`: tokens and roles; `office`: the office signing key.
//! - `metrics`: Prometheus; `janitor`: TTL expiry and key deletion; `node`: shared state.
//! - `ids`: identifiers and the clock.

pub mod api;
pub mod auth;
pub mod broker;
pub mod config;
pub mod crypt;
pub mod error;
pub mod group;
pub mod hub;
pub mod ids;
pub mod janitor;
pub mod metrics;
pub mod node;
pub mod office;
pub mod ops;
pub mod requests;
pub mod server;
pub mod session;
pub mod store;
pub mod submissions;
pub mod tls;
pub mod web;
pub mod ws;

use std::future::Future;
use std::sync::Arc;

pub use auth::{create_token, ensure_local_desk_token, list_tokens, revoke_token, Role, TokenInfo};
pub use config::Config;
pub use error::{Error, Result};
pub use node::Node;
pub use store::Store;

/// Opens the relay's data in `config.data_dir` and serves `listener` until `shutdown`
/// resolves; then closes every session (1001), drains, flushes the store and returns.
/// The listener is bound by the caller, so its address is known before this is called.
pub async fn run(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    Relay::open(config)?.serve(listener, shutdown).await
}

/// A relay whose data is open and that is ready to serve.
pub struct Relay {
    node: Arc<Node>,
}

impl Relay {
    /// Opens the store, keys, office key and forms (fails fast on bad config or data).
    pub fn open(config: Config) -> Result<Relay> {
        Ok(Relay {
            node: Arc::new(Node::open(config)?),
        })
    }

    /// Like [`open`](Self::open) with a store the caller already opened.
    pub fn with_store(config: Config, store: Store) -> Result<Relay> {
        Ok(Relay {
            node: Arc::new(Node::with_store(config, store)?),
        })
    }

    /// The store (token functions take it).
    pub fn store(&self) -> &Store {
        &self.node.store
    }

    /// The shared state (metrics, office key info, forms).
    pub fn node(&self) -> &Arc<Node> {
        &self.node
    }

    /// Serves until `shutdown` resolves; see [`run`].
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> Result<()> {
        server::serve(listener, self.node, shutdown).await
    }
}
