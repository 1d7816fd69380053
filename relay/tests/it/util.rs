//! Test helpers: a real relay on 127.0.0.1:0 with a temporary data dir and a test form,
//! pre-made tokens, a websocket client (tokio-tungstenite) and JSON HTTP calls (reqwest).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use formdesk_relay::{create_token, Config, Relay, Role, Store};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for something that should happen.
pub const WAIT: Duration = Duration::from_secs(5);

/// A form for tests: `given_name` (required, prefillable), `email` (format), `note`.
pub const VISIT_FORM: &str = r#"{
  "id": "visit", "version": 1, "lang": "en", "title": "Visit", "description": "Test form",
  "retention_days": 30,
  "fields": [
    {"name": "given_name", "label": "Given name", "input": "text", "required": true,
     "prefill": "person.given_name", "purpose": "To greet you"},
    {"name": "email", "label": "E-mail", "input": "email",
     "prefill": "contact.email", "purpose": "To reply"},
    {"name": "note", "label": "Note", "input": "text"}
  ],
  "schema": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
      "given_name": {"type": "string", "minLength": 1, "maxLength": 100},
      "email": {"type": "string", "format": "email"},
      "note": {"type": "string", "maxLength": 60000}
    },
    "required": ["given_name"],
    "additionalProperties": false
  }
}"#;

/// Tokens created before the relay starts.
pub struct Tokens {
    pub desk_a: String,
    pub desk_a_id: String,
    pub device_a: String,
    pub desk_b: String,
    pub integration: String,
    pub admin: String,
}

/// A relay running in this test process.
pub struct TestRelay {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub tokens: Tokens,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<formdesk_relay::Result<()>>>,
}

/// Defaults for tests: small and quick.
pub fn test_config(dir: &Path) -> Config {
    let mut c = Config::new(dir.join("data")).with_forms(dir.join("forms"));
    c.janitor_interval = Duration::from_millis(100);
    c.drain_timeout = Duration::from_secs(2);
    c
}

impl TestRelay {
    /// Starts a relay with the test defaults changed by `tune`.
    pub async fn start(tune: impl FnOnce(&mut Config)) -> TestRelay {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("forms")).unwrap();
        std::fs::write(dir.path().join("forms/visit.json"), VISIT_FORM).unwrap();
        let mut config = test_config(dir.path());
        tune(&mut config);
        let relay = Relay::open(config).unwrap();
        let store = relay.store().clone();
        let tok = |role, desk: Option<&str>| create_token(&store, role, desk, "test").unwrap();
        let (desk_a, info) = tok(Role::Desk, Some("desk-a"));
        let tokens = Tokens {
            desk_a,
            desk_a_id: info.id,
            device_a: tok(Role::Device, Some("desk-a")).0,
            desk_b: tok(Role::Desk, Some("desk-b")).0,
            integration: tok(Role::Integration, None).0,
            admin: tok(Role::Admin, None).0,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(relay.serve(listener, async move {
            let _ = stopped.await;
        }));
        TestRelay {
            addr,
            dir,
            store,
            tokens,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Asks the relay to shut down and waits until `run` returned (store flushed).
    pub async fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(10), t)
                .await
                .expect("relay stops")
                .unwrap()
                .unwrap();
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A websocket authenticated by header; waits for `hello`.
    pub async fn ws(&self, token: &str) -> Client {
        let mut req = format!("ws://{}/ws", self.addr)
            .into_client_request()
            .unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("websocket connects");
        let mut c = Client {
            ws,
            conn: String::new(),
        };
        let hello = c.recv().await;
        assert_eq!(hello["type"], "hello", "{hello}");
        c.conn = hello["conn"].as_str().unwrap().to_string();
        c
    }

    /// A raw websocket (no auth, no hello awaited).
    pub async fn ws_raw(&self, path_and_query: &str) -> Client {
        let (ws, _) =
            tokio_tungstenite::connect_async(format!("ws://{}{}", self.addr, path_and_query))
                .await
                .unwrap();
        Client {
            ws,
            conn: String::new(),
        }
    }

    /// POST JSON with a bearer token: (status, body).
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        let res = reqwest::Client::new()
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// GET with an optional bearer token: (status, body text).
    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, String) {
        let mut req = reqwest::Client::new().get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// POSTs a plain `visit` submission for desk A's group (`form.visit` by default).
    pub async fn submit(&self, token: &str, group: Option<&str>, name: &str) -> (u16, Value) {
        let mut body = json!({"form": "visit", "values": {"given_name": name}});
        if let Some(g) = group {
            body["group"] = json!(g);
        }
        self.post("/api/submissions", token, &body).await
    }
}

impl Drop for TestRelay {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

/// A websocket client.
pub struct Client {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub conn: String,
}

impl Client {
    pub async fn send(&mut self, v: Value) {
        self.ws
            .send(Message::Text(v.to_string().into()))
            .await
            .unwrap();
    }

    pub async fn send_text(&mut self, t: &str) {
        self.ws.send(Message::Text(t.into())).await.unwrap();
    }

    /// Next JSON message (panics after `WAIT` or on close).
    pub async fn recv(&mut self) -> Value {
        loop {
            let m = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a message in time");
            match m.expect("stream open").expect("no error") {
                Message::Text(t) => return serde_json::from_str(&t).unwrap(),
                Message::Close(f) => panic!("closed: {f:?}"),
                _ => continue,
            }
        }
    }

    /// Next message of type `ty`, failing if another type comes first.
    pub async fn expect(&mut self, ty: &str) -> Value {
        let v = self.recv().await;
        assert_eq!(v["type"], ty, "expected {ty}, got {v}");
        v
    }

    /// Subscribes and waits for `subscribed`.
    pub async fn subscribe(&mut self, group: &str, once: bool) {
        self.send(json!({"op": "subscribe", "group": group, "once": once}))
            .await;
        let v = self.expect("subscribed").await;
        assert_eq!(v["group"], group);
    }

    /// Asserts that no text message arrives within `ms`.
    pub async fn silent(&mut self, ms: u64) {
        let end = tokio::time::Instant::now() + Duration::from_millis(ms);
        loop {
            match tokio::time::timeout_at(end, self.ws.next()).await {
                Err(_) => return,
                Ok(Some(Ok(Message::Text(t)))) => panic!("unexpected message: {t}"),
                Ok(Some(Ok(Message::Close(f)))) => panic!("unexpected close: {f:?}"),
                Ok(Some(Ok(_))) => continue,
                Ok(other) => panic!("unexpected end: {other:?}"),
            }
        }
    }

    /// Reads until the relay closes; returns the close code (text messages are skipped).
    pub async fn closed(&mut self) -> u16 {
        loop {
            let m = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("close in time");
            match m {
                Some(Ok(Message::Close(Some(f)))) => return f.code.into(),
                Some(Ok(Message::Close(None))) | None => return 1005,
                Some(Ok(_)) => continue,
                Some(Err(e)) => panic!("error before close frame: {e}"),
            }
        }
    }

    pub async fn ack(&mut self, id: &str) {
        self.send(json!({"op": "ack", "submission": id})).await;
        let v = self.expect("acked").await;
        assert_eq!(v["submission"], id);
    }
}

/// Whether any file under `dir` contains `needle` (bytes).
pub fn any_file_contains(dir: &Path, needle: &[u8]) -> bool {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    return true;
                }
            }
        }
    }
    false
}
