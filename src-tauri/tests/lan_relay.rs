//! The clerk terminal's relay client against a LAN relay: the real `formdesk-relay serve`
//! binary with its self-signed certificate (spawned here), and the app's own
//! client modules (`formdesk::desk::Desk` over `relay_link` + `rest` + `transport`), without
//! a window. The right pin connects (websocket and REST) and pairs a clerk phone through
//! `POST /api/devices`; a wrong pin is refused with the plain-words message, never a
//! fallback.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use formdesk::desk::{Desk, UiSink};
use formdesk::error::{AppError, ErrorKind};
use formdesk::relay_link::{Endpoint, LinkStatus};
use formdesk::rest::Rest;
use formdesk::settings::{AppPaths, Overrides, RelayMode, Settings};
use formdesk::transport::PIN_MISMATCH;
use formdesk::windows::{FormFilled, SubscriptionState, WindowSink};
use formdesk_relay::tls::Fingerprint;
use serde_json::Value;

const DESK: &str = "desk-lan";

/// The desk's UI, ignored (these tests read the desk's state directly).
struct NoUi;

impl WindowSink for NoUi {
    fn filled(&self, _: &str, _: &FormFilled) {}
    fn subscription(&self, _: &str, _: SubscriptionState) {}
    fn error(&self, _: &str, _: &AppError) {}
}

impl UiSink for NoUi {
    fn relay_status(&self, _: &LinkStatus) {}
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds (once per run; a no-op when fresh) and returns the `formdesk-relay` binary:
/// cargo builds only this package's binaries for its tests.
fn relay_bin() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT.get_or_init(build_relay).clone()
}

fn build_relay() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        // The whole workspace's binaries, as scripts/test.sh builds them: a no-op then, where
        // `-p formdesk-relay` alone would unify features differently and rebuild.
        .args(["build", "--quiet", "--workspace", "--bins"])
        .current_dir(workspace())
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .expect("run cargo build");
    assert!(status.success(), "cargo build --workspace --bins failed");
    target.join("debug/formdesk-relay")
}

/// A running `formdesk-relay serve` over TLS (self-signed, generated in its data dir),
/// killed when dropped.
struct Relay {
    child: Child,
    addr: SocketAddr,
    fingerprint: Fingerprint,
    _stdout: mpsc::Receiver<String>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TLS relay with a desk token made by its CLI beforehand: (relay, desk token).
fn tls_relay(dir: &Path) -> (Relay, String) {
    let bin = relay_bin();
    let data = dir.join("relay");
    let out = Command::new(&bin)
        .args([
            "token", "create", "--role", "desk", "--desk", DESK, "--json",
        ])
        .arg("--data-dir")
        .arg(&data)
        .output()
        .expect("formdesk-relay token create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("token JSON");
    let token = v["secret"].as_str().expect("secret").to_string();
    let mut child = Command::new(&bin)
        .arg("serve")
        .arg("--data-dir")
        .arg(&data)
        .arg("--forms")
        .arg(workspace().join("relay/forms"))
        .args(["--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn formdesk-relay serve");
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let addr = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines
            .recv_timeout(left)
            .expect("the relay prints its address");
        if let Some(a) = line.split("listening on https://").nth(1) {
            break a.trim().parse::<SocketAddr>().expect("address");
        }
    };
    let printed = std::fs::read_to_string(data.join("tls/fingerprint.txt")).expect("fingerprint");
    let relay = Relay {
        child,
        addr,
        fingerprint: printed.trim().parse().expect("fingerprint"),
        _stdout: lines,
    };
    (relay, token)
}

/// A desk configured for the LAN relay at `relay` with `pin` (as typed in Settings).
async fn lan_desk(dir: &Path, relay: &Relay, token: &str, pin: &str) -> Arc<Desk> {
    let paths = AppPaths {
        config: dir.join("app/config"),
        data: dir.join("app/data"),
        forms: workspace().join("relay/forms"),
    };
    let settings = Settings {
        relay: RelayMode::Lan {
            url: format!("https://{}", relay.addr),
            token: token.to_string(),
            fingerprint: Some(pin.to_string()),
        },
        desk_label: "Counter 4".into(),
        ..Settings::default()
    };
    let desk = Desk::new(paths, settings, Overrides::default(), Arc::new(NoUi));
    desk.connect().await.expect("connect starts");
    desk
}

/// Waits until the desk's link status satisfies `done`.
async fn wait_status(desk: &Desk, done: impl Fn(&LinkStatus) -> bool) -> LinkStatus {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let s = desk.status();
        if done(&s) {
            return s;
        }
        assert!(Instant::now() < deadline, "status stayed {s:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pinned_tls_relay_connects_and_pairs_a_clerk_phone() {
    let tmp = tempfile::tempdir().unwrap();
    let (relay, token) = tls_relay(tmp.path());
    let printed = relay.fingerprint;
    // Typed as the relay prints it (colon pairs); plain hex works as well.
    let desk = lan_desk(tmp.path(), &relay, &token, &printed.to_string()).await;

    wait_status(&desk, |s| matches!(s, LinkStatus::Online { .. })).await;
    let forms = desk.forms().await.expect("forms over pinned HTTPS");
    assert!(forms.iter().any(|f| f.id == "change-of-address"));

    // Pairing: a device token of this desk from POST /api/devices, in the companion's URL.
    let pairing = desk
        .pair_phone()
        .await
        .expect("pairing against the LAN relay");
    assert!(pairing.token.starts_with("fdt_"), "device token");
    assert_eq!(pairing.desk, DESK);
    assert!(pairing.note.is_none(), "a LAN relay is reachable by phones");
    assert!(pairing.qr_svg.contains("<svg"));
    let prefix = format!("https://{}/companion/#pair=", relay.addr);
    let param = pairing
        .text
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("pairing URL {:?}", pairing.text));
    let json: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(param).unwrap()).unwrap();
    assert_eq!(json["v"], 1);
    assert_eq!(json["relay"], format!("https://{}", relay.addr));
    assert_eq!(json["token"], pairing.token.as_str());
    assert_eq!(json["desk"], DESK);
    assert_eq!(json["label"], "Counter 4");
    assert_eq!(json["fingerprint"], printed.to_hex());

    // The phone's token works on the relay, as a device (which cannot pair further phones).
    let phone = Rest::new(Endpoint {
        base: format!("https://{}", relay.addr),
        token: pairing.token.clone(),
        fingerprint: Some(printed.to_hex()),
    });
    assert!(
        phone.forms().await.is_ok(),
        "the paired phone's token is accepted"
    );
    let err = phone
        .new_device_token("x")
        .await
        .expect_err("devices do not pair");
    assert_eq!(err.kind, ErrorKind::TokenRejected, "{}", err.message);
    desk.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_pin_is_refused_in_plain_words_and_never_falls_back() {
    let tmp = tempfile::tempdir().unwrap();
    let (relay, token) = tls_relay(tmp.path());
    let mut wrong = relay.fingerprint.0;
    wrong[31] ^= 0x01;
    let desk = lan_desk(tmp.path(), &relay, &token, &Fingerprint(wrong).to_hex()).await;

    let status = wait_status(&desk, |s| matches!(s, LinkStatus::Offline { .. })).await;
    let LinkStatus::Offline { kind, message, .. } = status else {
        unreachable!()
    };
    assert_eq!(kind, ErrorKind::CertificateMismatch, "{message}");
    assert!(
        message.contains(PIN_MISMATCH) && message.contains("does not match the pinned fingerprint"),
        "{message}"
    );
    // REST is refused the same way, and the link keeps refusing (no fallback).
    let err = desk
        .forms()
        .await
        .expect_err("REST must refuse a wrong pin");
    assert_eq!(err.kind, ErrorKind::CertificateMismatch, "{}", err.message);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        !matches!(desk.status(), LinkStatus::Online { .. }),
        "never online with a wrong pin"
    );
    desk.shutdown().await;
}
