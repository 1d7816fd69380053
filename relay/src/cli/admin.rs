//! The local admin socket: how `token create|list|revoke` reach a relay that is running.
//!
//! sled locks its directory, so while `serve` runs no other process can open the store. So
//! `serve` listens on `DATA_DIR/admin.sock` (a unix socket, mode 0600: whoever may connect
//! could also read the data dir) and applies token commands to its own open store; a
//! revocation takes effect on the very next request. When no relay runs, the CLI opens the
//! store directly. One JSON request line, one JSON answer line, per connection. A revocation
//! through the socket also closes the token's open websockets (4001 "token revoked").

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use formdesk_relay::auth::{self, Role, TokenInfo};
use formdesk_relay::store::Store;
use formdesk_relay::Node;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

/// File name of the socket inside the data directory.
pub const SOCKET: &str = "admin.sock";
/// Longest request line accepted (a token command is tiny).
const MAX_LINE: u64 = 4096;
/// A client that does not finish its request in this time is dropped.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// A token command.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Request {
    Create {
        role: Role,
        desk: Option<String>,
        label: String,
    },
    List,
    Revoke {
        id: String,
    },
}

/// The answer to a [`Request`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Response {
    Created { secret: String, token: TokenInfo },
    Tokens { tokens: Vec<TokenInfo> },
    Revoked { existed: bool },
    Error { message: String },
}

/// Applies a command to a store (the running relay's, or one the CLI opened).
pub fn apply(store: &Store, req: Request) -> Response {
    let result = match req {
        Request::Create { role, desk, label } => {
            auth::create_token(store, role, desk.as_deref(), &label)
                .map(|(secret, token)| Response::Created { secret, token })
        }
        Request::List => auth::list_tokens(store).map(|tokens| Response::Tokens { tokens }),
        Request::Revoke { id } => {
            auth::revoke_token(store, &id).map(|existed| Response::Revoked { existed })
        }
    };
    result.unwrap_or_else(|e| Response::Error {
        message: e.to_string(),
    })
}

/// Applies a command to the running relay: like [`apply`], but a revocation also closes
/// the token's open websockets.
fn apply_live(node: &Node, req: Request) -> Response {
    match req {
        Request::Revoke { id } => auth::revoke_live(node, &id)
            .map(|existed| Response::Revoked { existed })
            .unwrap_or_else(|e| Response::Error {
                message: e.to_string(),
            }),
        other => apply(&node.store, other),
    }
}

/// Path of the socket for a data directory.
pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET)
}

/// Sends one command to a running relay; `None` when no relay listens on the socket.
pub fn call(data_dir: &Path, req: &Request) -> Option<anyhow::Result<Response>> {
    let mut stream = std::os::unix::net::UnixStream::connect(socket_path(data_dir)).ok()?;
    Some((|| {
        stream.set_read_timeout(Some(IO_TIMEOUT * 2))?;
        let mut line = serde_json::to_string(req)?;
        line.push('\n');
        stream.write_all(line.as_bytes())?;
        let mut answer = String::new();
        BufReader::new(stream).read_line(&mut answer)?;
        Ok(serde_json::from_str(&answer)?)
    })())
}

/// Serves the socket until the task is dropped (aborted with the relay). Errors binding it
/// are logged, not fatal: the relay works without it, only `token` commands must wait.
pub async fn serve(data_dir: PathBuf, node: Arc<Node>) {
    let path = socket_path(&data_dir);
    // A socket file left by a killed relay: nobody answers on it, so it can go.
    if path.exists() && std::os::unix::net::UnixStream::connect(&path).is_err() {
        let _ = std::fs::remove_file(&path);
    }
    let listener = match tokio::net::UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e,
                "no admin socket: token commands need the relay stopped");
            return;
        }
    };
    use std::os::unix::fs::PermissionsExt;
    if let Err(e) = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)) {
        tracing::warn!(error = %e, "cannot restrict the admin socket; closing it");
        let _ = std::fs::remove_file(&path);
        return;
    }
    let _cleanup = RemoveOnDrop(path);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let node = node.clone();
        // One short request at a time: admin commands are rare, so no concurrency is needed.
        if tokio::time::timeout(IO_TIMEOUT, handle(stream, node))
            .await
            .is_err()
        {
            tracing::warn!("admin socket client timed out");
        }
    }
}

async fn handle(stream: tokio::net::UnixStream, node: Arc<Node>) {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    let mut reader = tokio::io::BufReader::new(tokio::io::AsyncReadExt::take(read, MAX_LINE));
    if reader.read_line(&mut line).await.is_err() {
        return;
    }
    let response = match serde_json::from_str::<Request>(&line) {
        Ok(req) => {
            let kind = match &req {
                Request::Create { .. } => "create",
                Request::List => "list",
                Request::Revoke { .. } => "revoke",
            };
            let answer = tokio::task::spawn_blocking(move || apply_live(&node, req))
                .await
                .unwrap_or_else(|e| Response::Error {
                    message: format!("admin task failed: {e}"),
                });
            tracing::info!(
                command = kind,
                ok = !matches!(answer, Response::Error { .. }),
                "admin socket token command"
            );
            answer
        }
        Err(e) => Response::Error {
            message: format!("bad admin request: {e}"),
        },
    };
    if let Ok(mut out) = serde_json::to_string(&response) {
        out.push('\n');
        let _ = write.write_all(out.as_bytes()).await;
    }
}

/// Removes the socket file when the relay stops.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
