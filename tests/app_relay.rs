//! A real relay for the app's end-to-end tests, in the test process on 127.0.0.1: the app
//! connects to it as a LAN relay (`FORMDESK_RELAY_URL` + `FORMDESK_RELAY_TOKEN`), and the
//! test uses a `device` token of the same desk to post answers as a paired phone would.
//! It can be stopped and started again on the same port and data (relay restart test).
//! The citizen answers with the real `formdesk-wallet` CLI ([`TestRelay::wallet_answer`]),
//! or, where the wallet is not the point, with formdesk-protocol directly
//! ([`TestRelay::answer`]).

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use formdesk_protocol::qr::{self, FieldOutcome, OfficePublicKey};
use formdesk_protocol::render::{render_png, EcLevel};
use formdesk_protocol::wire::SubmissionCreated;
use formdesk_relay::{Config, Relay, Role, Store};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app_util::{workspace_bin, workspace_root};

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
        TestRelay::start_with(|_| {}).await
    }

    /// Starts with the desktop defaults changed by `tweak` (e.g. a short request lifetime).
    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> TestRelay {
        let data = tempfile::tempdir().expect("tempdir");
        let mut config = Config::for_desktop(data.path()).with_forms(forms_dir());
        tweak(&mut config);
        let relay = Relay::open(config).expect("open relay");
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

/// Runs a workspace binary to completion; panics with its stderr when it fails.
fn run(bin: &Path, args: &[&OsStr]) -> String {
    let out = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", bin.display()));
    assert!(
        out.status.success(),
        "{} {:?} failed: {}",
        bin.display(),
        args,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl TestRelay {
    /// The citizen's real wallet: `formdesk-wallet` trusts the office key the relay serves
    /// (`GET /api/office-key`, the FDK1 text), reads the request QR from a PNG, answers with
    /// `--set key=value` (`None` = `--decline key`) and writes the response QR as a PNG,
    /// which `formdesk-scan` reads back to text, as the phone screen would be read.
    /// The wallet's home is kept ([`CitizenWallet`]) so that the deletion receipt can later be
    /// attached to the history entry of this answer.
    pub async fn wallet_answer(
        &self,
        request_qr: &str,
        answers: &[(&str, Option<&str>)],
    ) -> (String, CitizenWallet) {
        let office: serde_json::Value = reqwest::Client::new()
            .get(format!("{}/api/office-key", self.url()))
            .send()
            .await
            .expect("GET /api/office-key")
            .json()
            .await
            .expect("office key JSON");
        let office_qr = office["qr"].as_str().expect("FDK1 text").to_string();
        let request_qr = request_qr.to_string();
        let answers: Vec<(String, Option<String>)> = answers
            .iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect();
        tokio::task::spawn_blocking(move || wallet_respond(&office_qr, &request_qr, &answers))
            .await
            .expect("wallet thread")
    }
}

/// The citizen's `formdesk-wallet` home (trusted office key, sharing history), deleted on drop.
pub struct CitizenWallet {
    dir: tempfile::TempDir,
}

impl CitizenWallet {
    /// `formdesk-wallet receipt PNG`: reads the receipt QR from an image, verifies it and
    /// attaches it to the history entry of its request. Returns what the wallet printed.
    pub fn receipt(&self, png: &[u8]) -> String {
        let wallet = workspace_bin("formdesk-wallet", "formdesk-wallet");
        let file = self.dir.path().join("receipt.png");
        std::fs::write(&file, png).expect("write the receipt image");
        let home = self.dir.path().join("home");
        let args = [
            OsStr::new("--home"),
            home.as_os_str(),
            OsStr::new("receipt"),
            file.as_os_str(),
        ];
        run(&wallet, &args)
    }
}

fn wallet_respond(
    office_qr: &str,
    request_qr: &str,
    answers: &[(String, Option<String>)],
) -> (String, CitizenWallet) {
    let wallet = workspace_bin("formdesk-wallet", "formdesk-wallet");
    let scan = workspace_bin("formdesk-scanner", "formdesk-scan");
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    let (request_png, response_png) = (
        dir.path().join("request.png"),
        dir.path().join("response.png"),
    );
    let profile = dir.path().join("profile.json");
    std::fs::write(
        &request_png,
        render_png(request_qr, EcLevel::M).expect("render"),
    )
    .unwrap();
    let home_args = [OsStr::new("--home"), home.as_os_str()];
    let mut trust: Vec<&OsStr> = home_args.to_vec();
    trust.extend(["trust", "add", office_qr].map(OsStr::new));
    run(&wallet, &trust);

    let flags: Vec<String> = answers
        .iter()
        .map(|(k, v)| match v {
            Some(v) => format!("--set={k}={v}"),
            None => format!("--decline={k}"),
        })
        .collect();
    let mut respond: Vec<&OsStr> = home_args.to_vec();
    respond.extend([OsStr::new("respond"), request_png.as_os_str()]);
    respond.extend([OsStr::new("--profile"), profile.as_os_str()]);
    respond.extend([
        OsStr::new("--out"),
        response_png.as_os_str(),
        OsStr::new("--yes"),
    ]);
    respond.extend(flags.iter().map(OsStr::new));
    run(&wallet, &respond);

    let line = run(&scan, &[response_png.as_os_str()]);
    let v: serde_json::Value = serde_json::from_str(line.trim()).expect("formdesk-scan JSON line");
    let text = v["codes"][0]
        .as_str()
        .expect("the response QR decodes")
        .to_string();
    assert!(text.starts_with("FDA"), "response QR text: {text}");
    (text, CitizenWallet { dir })
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
