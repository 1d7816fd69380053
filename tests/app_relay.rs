//! A real relay for the app's end-to-end tests, in the test process on 127.0.0.1: the app
//! connects to it as a LAN relay (`FORMDESK_RELAY_URL` + `FORMDESK_RELAY_TOKEN`), and the
//! test uses a `device` token of the same desk to post answers as a paired phone would.
//! It can be stopped and started again on the same port and data (relay restart test).

use std::net::SocketAddr;
use std::path::PathBuf;

use formdesk_protocol::qr::{self, FieldOutcome, OfficePublicKey};
use formdesk_protocol::wire::SubmissionCreated;
use formdesk_relay::{Config, Relay, Role, Store};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app_util::workspace_root;

pub const DESK: &str = "desk-e2e";

pub struct TestRelay {
    pub addr: SocketAddr,
    pub data: tempfile::TempDir,
    pub desk_token: String,
    pub device_token: String,
    pub office: OfficePublicKey,
    /// The relay's store while it runs (None while stopped: sled allows one opener).
    pub store: Option<Store>,
    running: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

fn forms_dir() -> PathBuf {
    workspace_root().join("relay/forms")
}

impl TestRelay {
    pub async fn start() -> TestRelay {
        let data = tempfile::tempdir().expect("tempdir");
        let relay = Relay::open(Config::for_desktop(data.path()).with_forms(forms_dir()))
            .expect("open relay");
        let (desk_token, _) =
            formdesk_relay::create_token(relay.store(), Role::Desk, Some(DESK), "e2e desk")
                .expect("desk token");
        let (device_token, _) =
            formdesk_relay::create_token(relay.store(), Role::Device, Some(DESK), "e2e phone")
                .expect("device token");
        let office = OfficePublicKey::from_base64url(&relay.node().office.info().public_key)
            .expect("office key");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let store = Some(relay.store().clone());
        let running = Some(serve(relay, listener));
        TestRelay {
            addr,
            data,
            desk_token,
            device_token,
            office,
            store,
            running,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Graceful stop (sessions closed, store flushed).
    pub async fn stop(&mut self) {
        self.store = None;
        if let Some((tx, task)) = self.running.take() {
            let _ = tx.send(());
            let _ = task.await;
        }
    }

    /// Starts again on the same address with the same data.
    pub async fn restart(&mut self) {
        self.stop().await;
        let relay = {
            let mut tries = 0;
            loop {
                match Relay::open(Config::for_desktop(self.data.path()).with_forms(forms_dir())) {
                    Ok(r) => break r,
                    // sled's lock goes when the last handle of the old relay is dropped.
                    Err(_) if tries < 50 => {
                        tries += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    }
                    Err(e) => panic!("reopen relay: {e}"),
                }
            }
        };
        self.store = Some(relay.store().clone());
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .expect("rebind the same port");
        self.running = Some(serve(relay, listener));
    }

    /// Whether the relay still holds the content of submission `id` (false once acked).
    pub fn holds_content(&self, id: &str) -> bool {
        let store = self.store.as_ref().expect("relay running");
        store.submission(id).expect("read store").is_some()
    }

    /// POST /api/submissions with a sealed answer, as the clerk's paired phone.
    pub async fn post_answer(&self, response: &str) -> SubmissionCreated {
        let resp = reqwest::Client::new()
            .post(format!("{}/api/submissions", self.url()))
            .bearer_auth(&self.device_token)
            .json(&serde_json::json!({ "response": response }))
            .send()
            .await
            .expect("post submission");
        assert_eq!(
            resp.status().as_u16(),
            201,
            "submission refused: {}",
            resp.text().await.unwrap_or_default()
        );
        resp.json().await.expect("SubmissionCreated")
    }

    /// The citizen's wallet, in code: verify the request QR against the office key and seal
    /// `answers` (vocabulary key → value; `None` = declined).
    pub fn answer(&self, request_qr: &str, answers: &[(&str, Option<&str>)]) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let verified = qr::verify_request(request_qr, std::slice::from_ref(&self.office), now)
            .expect("request verifies");
        let answers: Vec<(String, FieldOutcome)> = answers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    v.map_or(FieldOutcome::Declined, |v| {
                        FieldOutcome::Shared(v.to_string())
                    }),
                )
            })
            .collect();
        qr::seal_response(&verified, &answers, &mut rand_core::OsRng).expect("seal response")
    }
}

fn serve(relay: Relay, listener: tokio::net::TcpListener) -> (oneshot::Sender<()>, JoinHandle<()>) {
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = relay
            .serve(listener, async move {
                let _ = rx.await;
            })
            .await;
    });
    (tx, task)
}
