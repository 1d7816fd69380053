//! Helpers shared by the end-to-end tests: the real `formdesk-relay` binary as a child
//! process ([`Relay`]), its CLI ([`cli`]), and real clients: a one-shot HTTP client
//! ([`Relay::request`]) and websocket windows ([`Window`]), over plain TCP or over TLS
//! pinned to the relay's certificate fingerprint.
//!
//! The binaries are found next to the test executable (`target/debug/`); scripts/test.sh
//! builds them (`cargo build --workspace --bins`) before `cargo test`.
#![allow(dead_code)] // each test module uses a different part

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use formdesk_relay::tls::{pinned_client_config, Fingerprint};
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// How long the relay may take to print its address and answer `/healthz`.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a test waits for one expected websocket frame.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

/// Path of a binary of this workspace, built next to the test executable.
pub fn bin_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/debug/deps/e2e-<hash> -> target/debug/<name>
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: build the binaries first (cargo build --workspace --bins, \
         as scripts/test.sh does)",
        path.display()
    );
    path
}

/// The forms shipped in the repository (`relay/forms`).
pub fn shipped_forms() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../relay/forms")
}

/// Runs `formdesk-relay ARGS...` to completion (token and forms commands, refused serves).
pub fn cli(args: &[&str]) -> Output {
    Command::new(bin_path("formdesk-relay"))
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run formdesk-relay")
}

/// Runs `formdesk-relay ARGS...`, killing it if it has not exited within `limit`
/// (for commands that would serve forever if they wrongly succeeded).
pub fn cli_with_timeout(args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(bin_path("formdesk-relay"))
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn formdesk-relay");
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("collect output")
}

/// Creates a token with the CLI; returns (id, secret).
pub fn create_token(data_dir: &Path, role: &str, desk: Option<&str>) -> (String, String) {
    let dir = data_dir.to_str().unwrap();
    let mut args = vec![
        "token",
        "create",
        "--data-dir",
        dir,
        "--role",
        role,
        "--json",
    ];
    if let Some(d) = desk {
        args.extend(["--desk", d]);
    }
    let out = cli(&args);
    assert!(
        out.status.success(),
        "token create failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("token create --json prints JSON");
    (
        v["id"].as_str().unwrap().to_string(),
        v["secret"].as_str().unwrap().to_string(),
    )
}

/// A running `formdesk-relay serve` child process. Killed (SIGKILL) when dropped.
pub struct Relay {
    child: Option<Child>,
    pub addr: SocketAddr,
    /// `https` when serving TLS.
    pub tls: bool,
    /// The fingerprint the relay printed (TLS only).
    pub fingerprint: Option<Fingerprint>,
    pub data_dir: PathBuf,
    stderr_path: PathBuf,
    /// Stdout lines after the start banner (kept draining so the pipe never fills).
    _stdout: mpsc::Receiver<String>,
}

impl Relay {
    /// Serves plain HTTP on a free loopback port with the shipped forms.
    pub fn start_plain(data_dir: &Path) -> Relay {
        Relay::start(data_dir, &["--listen", "127.0.0.1:0", "--plain-http"])
    }

    /// Serves TLS (self-signed, generated in the data dir) on a free loopback port.
    pub fn start_tls(data_dir: &Path) -> Relay {
        Relay::start(data_dir, &["--listen", "127.0.0.1:0"])
    }

    /// `formdesk-relay serve --data-dir DIR --forms relay/forms EXTRA...`; waits until it
    /// printed its address and `/healthz` answers 200.
    pub fn start(data_dir: &Path, extra: &[&str]) -> Relay {
        let stderr_path = data_dir.with_extension(format!("stderr.{}.log", now_nanos()));
        let stderr = std::fs::File::create(&stderr_path).expect("stderr log file");
        let mut child = Command::new(bin_path("formdesk-relay"))
            .arg("serve")
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--forms")
            .arg(shipped_forms())
            .args(extra)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn formdesk-relay");
        let lines = spawn_line_reader(child.stdout.take().unwrap());
        let (addr, tls, fingerprint) = match read_banner(&lines) {
            Ok(b) => b,
            Err(why) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "relay did not start ({why}); stderr:\n{}",
                    read_file(&stderr_path)
                );
            }
        };
        let relay = Relay {
            child: Some(child),
            addr,
            tls,
            fingerprint,
            data_dir: data_dir.to_path_buf(),
            stderr_path,
            _stdout: lines,
        };
        relay.wait_healthy();
        relay
    }

    /// The relay's log so far (for assertion messages).
    pub fn stderr(&self) -> String {
        read_file(&self.stderr_path)
    }

    /// Polls `GET /healthz` until 200 (on its own thread: callers may be inside a runtime).
    fn wait_healthy(&self) {
        let endpoint = self.endpoint();
        let healthy = std::thread::spawn(move || {
            let rt = runtime();
            let deadline = Instant::now() + START_TIMEOUT;
            while Instant::now() < deadline {
                if let Ok((200, _)) = rt.block_on(endpoint.request("GET", "/healthz", None, None)) {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            false
        })
        .join()
        .expect("health check thread");
        assert!(
            healthy,
            "/healthz never answered 200; stderr:\n{}",
            self.stderr()
        );
    }

    /// Where and how to reach this relay.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint {
            addr: self.addr,
            tls: self.tls,
            fingerprint: self.fingerprint,
        }
    }

    /// kill -9: no chance to flush or say goodbye.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Sends a signal (libc number) to the relay.
    pub fn signal(&self, sig: i32) {
        let pid = self.child.as_ref().expect("relay running").id() as i32;
        // SAFETY: kill(2) on our own child's pid has no memory-safety preconditions.
        let rc = unsafe { libc::kill(pid, sig) };
        assert_eq!(rc, 0, "kill({pid}, {sig}) failed");
    }

    /// Waits up to `limit` for the relay to exit; `None` if it is still running.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        let child = self.child.as_mut()?;
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                self.child = None;
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// See [`Endpoint::request`].
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> std::io::Result<(u16, Value)> {
        self.endpoint().request(method, path, token, body).await
    }

    /// See [`Endpoint::connect`].
    pub async fn connect(&self, pin: Option<Fingerprint>) -> std::io::Result<Box<dyn Io>> {
        self.endpoint().connect(pin).await
    }

    /// Opens a websocket window authenticated with `token` (on the upgrade request) and
    /// waits for its `hello`.
    pub async fn window(&self, token: &str) -> Window {
        let io = self.connect(self.fingerprint).await.expect("connect");
        let scheme = if self.tls { "wss" } else { "ws" };
        let mut req = format!("{scheme}://{}{}", self.addr, WS_PATH)
            .into_client_request()
            .unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        let (ws, _) = tokio_tungstenite::client_async(req, io)
            .await
            .expect("websocket handshake");
        let mut w = Window { ws };
        w.expect("hello").await;
        w
    }
}

/// The address of a relay and how to talk to it (plain TCP, or TLS with a pin).
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub addr: SocketAddr,
    pub tls: bool,
    pub fingerprint: Option<Fingerprint>,
}

impl Endpoint {
    /// One HTTP/1.1 request on a fresh connection (TLS pinned to the printed fingerprint).
    /// Returns the status and the JSON body (`Value::Null` when the body is not JSON).
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> std::io::Result<(u16, Value)> {
        let io = self.connect(self.fingerprint).await?;
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(io))
                .await
                .map_err(std::io::Error::other)?;
        tokio::spawn(conn);
        let mut req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.addr.to_string());
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let payload = match body {
            Some(v) => {
                req = req.header("content-type", "application/json");
                Bytes::from(serde_json::to_vec(v).unwrap())
            }
            None => Bytes::new(),
        };
        let resp = sender
            .send_request(req.body(Full::new(payload)).unwrap())
            .await
            .map_err(std::io::Error::other)?;
        let status = resp.status().as_u16();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map_err(std::io::Error::other)?
            .to_bytes();
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    /// A TCP connection to the relay, wrapped in TLS pinned to `pin` when the relay serves TLS.
    pub async fn connect(&self, pin: Option<Fingerprint>) -> std::io::Result<Box<dyn Io>> {
        let tcp = TcpStream::connect(self.addr).await?;
        tcp.set_nodelay(true)?;
        if !self.tls {
            return Ok(Box::new(tcp));
        }
        let pin = pin.expect("a TLS relay needs a pin");
        let connector = tokio_rustls::TlsConnector::from(pinned_client_config(pin));
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        Ok(Box::new(connector.connect(name, tcp).await?))
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_file(&self.stderr_path);
    }
}

/// The websocket path of the relay.
pub const WS_PATH: &str = "/ws";

/// Any stream a client can speak HTTP or websocket over (plain TCP or TLS).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A websocket client: a form window of a desk.
pub struct Window {
    pub ws: WebSocketStream<Box<dyn Io>>,
}

impl Window {
    pub async fn send(&mut self, op: Value) {
        self.ws
            .send(Message::text(op.to_string()))
            .await
            .expect("send frame");
    }

    /// The next JSON text frame (pings and pongs skipped); panics after `FRAME_TIMEOUT`.
    pub async fn next_json(&mut self) -> Value {
        let deadline = tokio::time::Instant::now() + FRAME_TIMEOUT;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .expect("timed out waiting for a frame")
                .expect("websocket closed")
                .expect("websocket error");
            match frame {
                Message::Text(t) => return serde_json::from_str(&t).expect("JSON frame"),
                Message::Close(c) => panic!("websocket closed by the relay: {c:?}"),
                _ => continue,
            }
        }
    }

    /// Skips frames until one of `type` arrives.
    pub async fn expect(&mut self, kind: &str) -> Value {
        loop {
            let v = self.next_json().await;
            if v["type"] == kind {
                return v;
            }
        }
    }

    /// Subscribes to a desk-relative group and waits for `subscribed`.
    pub async fn subscribe(&mut self, group: &str) {
        self.send(serde_json::json!({"op": "subscribe", "group": group}))
            .await;
        self.expect("subscribed").await;
    }
}

/// A small current-thread runtime for synchronous helpers.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Reads the child's stdout line by line on a thread (bounded by the child's lifetime).
fn spawn_line_reader(out: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for `listening on <scheme>://<addr>` and, for TLS, the fingerprint line.
fn read_banner(
    lines: &mpsc::Receiver<String>,
) -> Result<(SocketAddr, bool, Option<Fingerprint>), String> {
    let deadline = Instant::now() + START_TIMEOUT;
    let next = || {
        let left = deadline.saturating_duration_since(Instant::now());
        lines
            .recv_timeout(left)
            .map_err(|e| format!("no banner line: {e}"))
    };
    let (tls, addr) = loop {
        let line = next()?;
        if let Some(url) = line.split("listening on ").nth(1) {
            let (scheme, rest) = url.split_once("://").ok_or("bad url")?;
            break (
                scheme == "https",
                rest.trim()
                    .parse::<SocketAddr>()
                    .map_err(|e| e.to_string())?,
            );
        }
    };
    if !tls {
        return Ok((addr, false, None));
    }
    loop {
        let line = next()?;
        if let Some(fp) = line.split("fingerprint: ").nth(1) {
            return Ok((addr, true, Some(fp.parse().map_err(|e| format!("{e}"))?)));
        }
    }
}

fn read_file(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}
