//! The `formdesk-relay` binary as an admin runs it: a real child process on a free loopback
//! port with a temporary data dir. Restart durability after kill -9, TLS pinned by
//! fingerprint, the plain-HTTP policy, bind errors, token administration through the CLI
//! against the running relay (a revocation closes the token's websocket: 4001), the office
//! key in the banner and from `office-key` (text, PNG/SVG QR), and SIGTERM → clean exit 0.

use std::collections::BTreeSet;
use std::time::Duration;

use formdesk_relay::tls::Fingerprint;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::util::{cli, create_token, Relay};

const FORM: &str = "change-of-address";
const GROUP: &str = "form.change-of-address";

/// A valid change-of-address submission; `marker` goes in a free-text field.
fn submission(marker: &str) -> Value {
    json!({
        "form": FORM,
        "values": {
            "given_name": "Test", "family_name": "Person", "birth_date": "1980-01-31",
            "old_street": "Old street 1", "old_postcode": "1234 AB", "old_city": "Oldtown",
            "new_street": "New street 2", "new_postcode": "5678 CD", "new_city": "Newtown",
            "move_date": "2026-12-01", "housing": "rent", "others_moving": marker,
        }
    })
}

/// POSTs one submission; returns (status, body).
async fn post(relay: &Relay, token: &str, marker: &str) -> (u16, Value) {
    relay
        .request(
            "POST",
            "/api/submissions",
            Some(token),
            Some(&submission(marker)),
        )
        .await
        .expect("POST /api/submissions")
}

#[tokio::test]
async fn accepted_submissions_survive_kill_9_and_reach_a_window_after_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (_, token) = create_token(&data, "desk", Some("desk-1"));

    let mut relay = Relay::start_plain(&data);
    let mut accepted = BTreeSet::new();
    for i in 0..8 {
        let (status, body) = post(&relay, &token, &format!("restart-{i}")).await;
        assert_eq!(status, 201, "POST {i}: {body}");
        accepted.insert(body["id"].as_str().expect("201 carries the id").to_string());
    }
    relay.kill(); // SIGKILL: no flush, no goodbye

    let relay = Relay::start_plain(&data);
    let mut window = relay.window(&token).await;
    window.subscribe(GROUP).await;
    let mut received = BTreeSet::new();
    while received.len() < accepted.len() {
        let sub = window.expect("submission").await;
        let id = sub["id"].as_str().unwrap().to_string();
        assert!(accepted.contains(&id), "unexpected submission {id}");
        assert_eq!(sub["form"], FORM);
        received.insert(id.clone());
        window.send(json!({"op": "ack", "submission": id})).await;
    }
    assert_eq!(received, accepted);
}

#[tokio::test]
async fn tls_is_served_by_default_and_clients_pin_the_printed_fingerprint() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (_, token) = create_token(&data, "desk", Some("desk-1"));

    // start_tls already reached /healthz over TLS pinned to the printed fingerprint.
    let relay = Relay::start_tls(&data);
    let printed = relay.fingerprint.expect("TLS relay prints its fingerprint");
    let stored = std::fs::read_to_string(data.join("tls/fingerprint.txt")).unwrap();
    assert_eq!(stored.trim().parse::<Fingerprint>().unwrap(), printed);

    // A pinned websocket window works end to end.
    let mut window = relay.window(&token).await;
    window.subscribe(GROUP).await;
    let (status, body) = post(&relay, &token, "over-tls").await;
    assert_eq!(status, 201, "{body}");
    let sub = window.expect("submission").await;
    assert_eq!(sub["id"], body["id"]);

    // Any other fingerprint is refused during the handshake.
    let mut wrong = printed.0;
    wrong[0] ^= 0xff;
    let refused = relay.connect(Some(Fingerprint(wrong))).await;
    assert!(refused.is_err(), "a wrong pin must fail the TLS handshake");

    // The generated certificate is reused: same fingerprint after a restart, and the same
    // files given explicitly with --tls-cert/--tls-key serve the same identity.
    drop(window);
    drop(relay);
    let again = Relay::start_tls(&data);
    assert_eq!(again.fingerprint, Some(printed));
    drop(again);
    let other = tmp.path().join("other");
    let (cert, key) = (data.join("tls/cert.pem"), data.join("tls/key.pem"));
    let explicit = Relay::start(
        &other,
        &[
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert_eq!(explicit.fingerprint, Some(printed));
    assert!(
        !other.join("tls").exists(),
        "no certificate is generated when one is given"
    );
}

#[test]
fn plain_http_off_loopback_is_refused_without_the_explicit_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    for addr in ["0.0.0.0:0", "192.0.2.10:8080", "[::]:0"] {
        let out = cli(&[
            "serve",
            "--listen",
            addr,
            "--plain-http",
            "--data-dir",
            data.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{addr}: {stderr}");
        assert!(
            stderr.contains("refusing plain HTTP") && stderr.contains("--insecure-plain-http"),
            "{addr}: the refusal must say why and name the flag: {stderr}"
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains("listening"));
    }
}

#[test]
fn a_busy_port_is_reported_plainly() {
    let tmp = tempfile::tempdir().unwrap();
    let first = Relay::start_plain(&tmp.path().join("a"));
    let addr = first.addr.to_string();
    let out = crate::util::cli_with_timeout(
        &[
            "serve",
            "--listen",
            &addr,
            "--plain-http",
            "--data-dir",
            tmp.path().join("b").to_str().unwrap(),
        ],
        Duration::from_secs(20),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
}

#[tokio::test]
async fn sigterm_closes_windows_and_exits_with_code_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (_, token) = create_token(&data, "desk", Some("desk-1"));
    let mut relay = Relay::start_plain(&data);
    let mut window = relay.window(&token).await;
    window.subscribe(GROUP).await;
    let (status, _) = post(&relay, &token, "before-shutdown").await;
    assert_eq!(status, 201);
    window.expect("submission").await;

    relay.signal(libc::SIGTERM);
    let close = loop {
        match tokio::time::timeout(
            Duration::from_secs(15),
            futures_util::StreamExt::next(&mut window.ws),
        )
        .await
        {
            Ok(Some(Ok(Message::Close(frame)))) => break frame,
            Ok(Some(Ok(_))) => continue,
            other => panic!("expected a close frame from the relay, got {other:?}"),
        }
    };
    assert_eq!(
        close.map(|f| u16::from(f.code)),
        Some(1001),
        "going-away close code"
    );
    let status = relay
        .wait_exit(Duration::from_secs(15))
        .expect("relay exits after SIGTERM");
    assert_eq!(status.code(), Some(0), "stderr:\n{}", relay.stderr());
}

#[tokio::test]
async fn tokens_made_and_revoked_with_the_cli_apply_to_the_running_relay() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = data.to_str().unwrap().to_string();
    let relay = Relay::start_plain(&data);

    // Created while the relay runs (through its admin socket): usable at once; revoked
    // through it: refused at once, and its open websocket closes (4001).
    let (id, token) = create_token(&data, "desk", Some("desk-7"));
    let (status, body) = post(&relay, &token, "token-live").await;
    assert_eq!(status, 201, "{body}");
    let mut window = relay.window(&token).await;
    window.subscribe(GROUP).await;

    let listed = cli(&["token", "list", "--data-dir", &dir, "--json"]);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let tokens: Vec<Value> = serde_json::from_slice(&listed.stdout).unwrap();
    let entry = tokens
        .iter()
        .find(|t| t["id"] == id.as_str())
        .expect("listed");
    assert_eq!(
        (entry["role"].as_str(), entry["desk"].as_str()),
        (Some("desk"), Some("desk-7"))
    );
    assert_eq!(entry["revoked"], false);
    assert!(
        !String::from_utf8_lossy(&listed.stdout).contains("fdt_"),
        "list never shows secrets"
    );

    let revoked = cli(&["token", "revoke", "--data-dir", &dir, &id]);
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    // Its open websocket is closed by the relay: 4001 "token revoked".
    let close = loop {
        match tokio::time::timeout(
            Duration::from_secs(10),
            futures_util::StreamExt::next(&mut window.ws),
        )
        .await
        {
            Ok(Some(Ok(Message::Close(frame)))) => break frame,
            Ok(Some(Ok(_))) => continue,
            other => panic!("expected a close frame after the revocation, got {other:?}"),
        }
    };
    let close = close.map(|f| (u16::from(f.code), f.reason.to_string()));
    assert_eq!(close, Some((4001, "token revoked".to_string())));
    let (status, body) = post(&relay, &token, "after-revoke").await;
    assert_eq!(status, 401, "a revoked token is refused: {body}");
    assert_eq!(body["error"]["code"], "unauthorized");

    // Revoking twice, or an unknown id, is a clear usage error.
    let again = cli(&["token", "revoke", "--data-dir", &dir, &id]);
    assert_eq!(again.status.code(), Some(2));
    // A desk token without a desk is refused.
    let bad = cli(&["token", "create", "--data-dir", &dir, "--role", "desk"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[tokio::test]
async fn the_office_key_is_printed_at_start_and_by_office_key_also_as_a_qr() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = data.to_str().unwrap().to_string();

    // Before the first start there is no key: a clear usage error, nothing created.
    let none = cli(&["office-key", "--data-dir", &dir]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("first starts"));
    assert!(!data.join("office.key").exists());

    // `serve` prints the key's FDK1 text in its banner, as GET /api/office-key serves it.
    let mut child = std::process::Command::new(crate::util::bin_path("formdesk-relay"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--plain-http",
            "--data-dir",
            &dir,
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let banner = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(stdout).lines();
        let mut seen = Vec::new();
        for _ in 0..10 {
            let Some(Ok(line)) = lines.next() else { break };
            let done = line.starts_with("office key");
            seen.push(line);
            if done {
                break;
            }
        }
        seen
    })
    .join()
    .unwrap();
    let addr = banner[0]
        .split("http://")
        .nth(1)
        .expect("listening line")
        .to_string();
    let office_line = banner.last().unwrap().clone();
    let served: Value = reqwest::get(format!("http://{addr}/api/office-key"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let qr = served["qr"].as_str().unwrap();
    assert!(qr.starts_with("FDK1:"));
    assert!(office_line.ends_with(&format!(": {qr}")), "{banner:?}");
    let (key, name) = formdesk_protocol::qr::OfficePublicKey::from_qr_text(qr).unwrap();
    assert!(office_line.contains(&key.fingerprint()), "{office_line}");

    // `office-key` works while the relay runs: same text; --png renders a QR of it.
    let png = tmp.path().join("office.png");
    let out = cli(&[
        "office-key",
        "--data-dir",
        &dir,
        "--png",
        png.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), qr);
    let scan = std::process::Command::new(crate::util::bin_path("formdesk-scan"))
        .arg(&png)
        .output()
        .unwrap();
    let scanned: Value = serde_json::from_slice(&scan.stdout).expect("formdesk-scan JSON");
    assert_eq!(scanned["codes"], json!([qr]), "the PNG holds the key's QR");
    // --office-name changes the name in the text, not the key; --json has every form.
    let out = cli(&[
        "office-key",
        "--data-dir",
        &dir,
        "--office-name",
        "Town Hall",
        "--json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (key2, name2) =
        formdesk_protocol::qr::OfficePublicKey::from_qr_text(v["qr"].as_str().unwrap()).unwrap();
    assert_eq!(
        (key2, name2.as_str(), name.as_str()),
        (key, "Town Hall", "FormDesk office")
    );
    assert_eq!(v["fingerprint"], key.fingerprint());
    let svg = tmp.path().join("office.svg");
    let out = cli(&[
        "office-key",
        "--data-dir",
        &dir,
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    let _ = child.kill();
    let _ = child.wait();
}
