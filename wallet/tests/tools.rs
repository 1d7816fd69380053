//! The wallet's tools for test suites and wallet authors, through the real binary:
//! `render` (any FormDesk text → a QR image the scanner reads back) and `check-response`
//! (an answer opened with the request's ephemeral secret, printed as JSON) — against the
//! committed test vectors and against an answer made by `respond`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use formdesk_protocol::qr::{EphemeralSecret, RequestParams, FORMAT_VERSION};
use formdesk_protocol::{sign_request, FormRegistry, OfficeKey, RequestBody};
use rand_core::OsRng;
use serde_json::{json, Value};

fn wallet(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_formdesk-wallet"))
        .arg("--home")
        .arg(home)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn vectors() -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../relay/protocol/tests/vectors.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

#[test]
fn render_draws_every_kind_of_code_and_the_scanner_reads_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let v = vectors();
    for kind in ["request", "response", "office_key", "receipt"] {
        let text = s(&v[kind]["qr_text"]);
        let png = dir.path().join(format!("{kind}.png"));
        let out = wallet(
            dir.path(),
            &[
                "render",
                text,
                "--out",
                png.to_str().unwrap(),
                "--module-px",
                "4",
            ],
        );
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        let codes = formdesk_scanner::decode_file(&png).unwrap();
        assert_eq!(codes.len(), 1, "{kind}");
        assert_eq!(codes[0].text, text, "{kind}");
    }
    let svg = dir.path().join("key.svg");
    let out = wallet(
        dir.path(),
        &[
            "render",
            s(&v["office_key"]["qr_text"]),
            "--out",
            svg.to_str().unwrap(),
            "--ec",
            "h",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    let out = wallet(
        dir.path(),
        &["render", "https://example.org", "--out", "x.png"],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not a FormDesk code"),
        "{}",
        stderr(&out)
    );
    assert!(
        !dir.path().join("trusted.json").exists(),
        "tools keep no wallet state"
    );
}

/// `check-response` of `answer` against the test-vector request, as the window holding its
/// secret would open it, at the vectors' verification time.
fn check_vector_response(home: &Path, req: &Value, answer: &str) -> Output {
    wallet(
        home,
        &[
            "check-response",
            "--request",
            s(&req["qr_text"]),
            "--secret",
            s(&req["window_secret_hex"]),
            "--text",
            answer,
            "--at",
            &req["verify_at"].to_string(),
        ],
    )
}

#[test]
fn check_response_opens_the_test_vector_answer_to_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let v = vectors();
    let (req, res) = (&v["request"], &v["response"]);
    let at = req["verify_at"].to_string();
    let out = check_vector_response(dir.path(), req, s(&res["qr_text"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["request_id"], "00112233445566778899aabbccddeeff");
    assert_eq!(got["form"], "change-of-address");
    assert_eq!(got["match_code"], s(&req["match_code"]));
    let sd = "self_declared";
    assert_eq!(
        got["fields"],
        json!([
            {"key": "person.given_name", "outcome": "shared", "value": "Maria", "provenance": sd},
            {"key": "person.family_name", "outcome": "shared", "value": "van der Berg", "provenance": sd},
            {"key": "address.street", "outcome": "shared", "value": "Keizersgracht 123", "provenance": sd},
            {"key": "address.postcode", "outcome": "declined", "provenance": sd},
            {"key": "contact.email", "outcome": "unavailable", "provenance": sd},
        ])
    );

    // Each mistake a wallet author can make gets its own clear error.
    let check = |secret: &str, answer: &str, at: &str| {
        wallet(
            dir.path(),
            &[
                "check-response",
                "--request",
                s(&req["qr_text"]),
                "--secret",
                secret,
                "--text",
                answer,
                "--at",
                at,
            ],
        )
    };
    let other_secret = "77".repeat(32);
    let wrong = check(&other_secret, s(&res["qr_text"]), &at);
    assert!(
        stderr(&wrong).contains("another ephemeral key"),
        "{}",
        stderr(&wrong)
    );
    let late = check(
        s(&req["window_secret_hex"]),
        s(&res["qr_text"]),
        "1999999999",
    );
    assert!(!late.status.success());
    assert!(
        stderr(&late).to_lowercase().contains("expired"),
        "{}",
        stderr(&late)
    );
    let mut altered = s(&res["qr_text"]).to_string();
    let last = altered.pop().unwrap();
    altered.push(if last == '3' { '4' } else { '3' });
    let bad = check(s(&req["window_secret_hex"]), &altered, &at);
    assert!(!bad.status.success());
    assert!(!stderr(&bad).is_empty());
}

#[test]
fn check_response_on_an_answer_in_another_format_version_says_which_versions_and_to_update() {
    let dir = tempfile::tempdir().unwrap();
    let v = vectors();
    let (req, res) = (&v["request"], &v["response"]);
    let prefix = format!("FDA{FORMAT_VERSION}:");
    let current = s(&res["qr_text"]);
    assert!(current.starts_with(&prefix), "{current}");
    let newer = current.replacen(&prefix, &format!("FDA{}:", FORMAT_VERSION + 1), 1);
    let out = check_vector_response(dir.path(), req, &newer);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "nothing opened");
    let err = stderr(&out);
    let versions = format!(
        "format version {}, but this wallet/desk understands version {FORMAT_VERSION} only",
        FORMAT_VERSION + 1
    );
    assert!(err.contains(&versions), "{err}");
    assert!(err.contains("update the wallet or desk software"), "{err}");
}

#[test]
fn check_response_reads_the_answer_image_that_respond_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let office = OfficeKey::from_seed([9; 32]);
    let secret_bytes = [0x42u8; 32];
    let eph = EphemeralSecret::from_bytes(secret_bytes);
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("../relay/forms");
    let reg = FormRegistry::load_dir(&forms).unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let params = RequestParams {
        office_name: "Test Office".into(),
        desk_label: "Desk 1".into(),
        contact: String::new(),
        ephemeral_public: eph.public_key(),
        now,
        ttl_minutes: 10,
    };
    let keys = vec!["person.given_name".to_string(), "contact.email".to_string()];
    let body = RequestBody::for_form(
        reg.get("change-of-address").unwrap(),
        &keys,
        params,
        &mut OsRng,
    )
    .unwrap();
    let request = sign_request(&office, &body).unwrap();
    let req_png: PathBuf = dir.path().join("request.png");
    let out = wallet(
        &home,
        &["render", &request, "--out", req_png.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let key = office.public_key().to_qr_text("Test Office");
    assert!(wallet(&home, &["trust", "add", &key]).status.success());
    let answer_png = dir.path().join("answer.png");
    let out = wallet(
        &home,
        &[
            "respond",
            req_png.to_str().unwrap(),
            "--profile",
            dir.path().join("profile.json").to_str().unwrap(),
            "--out",
            answer_png.to_str().unwrap(),
            "--set",
            "person.given_name=Ana",
            "--decline",
            "contact.email",
            "--yes",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let hex: String = secret_bytes.iter().map(|b| format!("{b:02x}")).collect();
    // The request may be given as an image too.
    let out = wallet(
        dir.path(),
        &[
            "check-response",
            "--request",
            req_png.to_str().unwrap(),
            "--secret",
            &hex,
            answer_png.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["fields"][0]["value"], "Ana");
    assert_eq!(got["fields"][1]["outcome"], "declined");
    assert_eq!(got["fields"][1].get("value"), None);
}
