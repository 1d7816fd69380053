//! The form window as the app e2e tests use it: pick a form from the relay, start the app
//! as a desk, open the form, read its request QR, sample answers by vocabulary key, and
//! check what the window filled and what its deletion receipt lists.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use formdesk_protocol::forms::FormDef;

use crate::app_relay::TestRelay;
use crate::app_util::{target_dir, workspace_bin, workspace_root, AppSession};

pub(crate) const SOON: Duration = Duration::from_secs(10);
/// How long the screen may take to show what the window's DOM already holds.
const PAINTED: Duration = Duration::from_secs(30);

/// Sample answers by vocabulary key (fiction).
pub(crate) fn sample(key: &str) -> &'static str {
    match key {
        "person.given_name" => "Ada",
        "person.family_name" => "Lovelace",
        "person.birth_date" => "1990-12-10",
        "contact.email" => "ada@example.org",
        "contact.phone" => "+31201234567",
        "address.postcode" => "1011 AB",
        "id.national_number" => "123456789",
        "address.city" => "Amsterdam",
        "address.street" => "Dam",
        "address.house_number" => "1",
        "address.country" => "NL",
        _ => "Sample",
    }
}

pub(crate) async fn forms(relay: &TestRelay) -> Vec<FormDef> {
    reqwest::Client::new()
        .get(format!("{}/api/forms", relay.url()))
        .bearer_auth(&relay.desk_token)
        .send()
        .await
        .expect("GET /api/forms")
        .json()
        .await
        .expect("forms JSON")
}

/// The city hall's change-of-address form (its last prefillable key, the phone, is optional:
/// the citizen declines it).
pub(crate) async fn pick_form(relay: &TestRelay) -> FormDef {
    let all = forms(relay).await;
    all.into_iter()
        .find(|f| f.id == "change-of-address")
        .expect("the change-of-address form is served")
}

pub(crate) async fn start_app(relay: &TestRelay, extra: &[(&str, &str)]) -> AppSession {
    let url = relay.url();
    let mut env = vec![
        ("FORMDESK_RELAY_URL", url.as_str()),
        ("FORMDESK_RELAY_TOKEN", relay.desk_token.as_str()),
    ];
    env.extend_from_slice(extra);
    let app = AppSession::start(&env).await;
    app.wait_for("#app[data-ready=true]", Duration::from_secs(60))
        .await;
    app.wait_for("#relay-status[data-state=online]", SOON).await;
    app
}

/// Clicks the form on the home window and switches WebDriver to the new form window.
pub(crate) async fn open_form(app: &AppSession, form: &FormDef) {
    let before = app.client.windows().await.expect("windows");
    app.click(&format!(".open-form[data-form=\"{}\"]", form.id))
        .await;
    let deadline = std::time::Instant::now() + SOON;
    let handle = loop {
        let now = app.client.windows().await.expect("windows");
        if let Some(h) = now.into_iter().find(|h| !before.contains(h)) {
            break h;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no form window opened"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    app.client
        .switch_to_window(handle)
        .await
        .expect("switch to the form window");
    app.wait_for("#app[data-ready=true]", SOON).await;
}

/// Clicks "Request data" and returns the request QR text (from the image's data attribute).
pub(crate) async fn request_qr(app: &AppSession) -> String {
    app.click("#request-data").await;
    let img = app.wait_for("#request-qr", SOON).await;
    let text = img.attr("data-qr").await.expect("attr").expect("data-qr");
    assert!(text.starts_with("FDR"), "request QR text: {text}");
    let code = app.text_of("#match-code", SOON).await;
    assert_eq!(code.len(), 3, "matching code shown: {code:?}");
    text
}

/// The request QR fills its pane (the largest size the pane allows), and "Show to the
/// citizen" fills the window with it and the matching code beside it, readable off the
/// screen by a camera (`formdesk-scan` on a screenshot); Esc closes it.
pub(crate) async fn assert_citizen_view(app: &AppSession, request: &str) {
    let js = "(() => { const q = document.querySelector('#request-qr').getBoundingClientRect(); \
              const p = document.querySelector('#request-panel').getBoundingClientRect(); \
              return q.width >= p.width - 1 && q.height === q.width ? q.width : false; })()";
    let side = app.wait_js(js, SOON).await;
    assert!(side.as_f64().unwrap_or(0.0) > 380.0, "pane QR side {side}");
    let code = app.text_of("#match-code", SOON).await;
    app.click("#show-citizen").await;
    assert_eq!(app.text_of("#citizen-match", SOON).await, code);
    let big = "(() => { const q = document.querySelector('#citizen-qr').getBoundingClientRect(); \
               return q.height >= 0.7 * window.innerHeight && q.bottom <= window.innerHeight ? q.height : false; })()";
    app.wait_js(big, SOON).await;
    screenshot_reading(app, "citizen-view", request).await;
    app.client
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'})); return true;",
            vec![],
        )
        .await
        .expect("press Esc");
    app.wait_js("document.querySelector('#citizen-view') === null", SOON)
        .await;
}

/// A screenshot of the screen in which `formdesk-scan` reads the QR text `text`. The
/// window's paint can lag its DOM on a loaded machine (a shot 400 ms after the request QR
/// appeared has shown the form before "Request data"; one after scrolling to the receipt
/// QR showed none), so it is retaken until the code reads, within `PAINTED`.
pub(crate) async fn screenshot_reading(app: &AppSession, name: &str, text: &str) -> PathBuf {
    let scan = workspace_bin("formdesk-scanner", "formdesk-scan");
    let deadline = Instant::now() + PAINTED;
    loop {
        let shot = app.screenshot(name).await;
        let out = std::process::Command::new(&scan)
            .arg(&shot)
            .output()
            .expect("run formdesk-scan");
        let line = String::from_utf8_lossy(&out.stdout);
        if line.contains(text) {
            return shot;
        }
        assert!(
            Instant::now() < deadline,
            "{name}: the QR does not read off the screen: {line}"
        );
    }
}

/// Saves the form window's screenshot with its request for the phone tests (web/tests/
/// support/desk-shot.ts) in `$CARGO_TARGET_DIR/e2e-fixtures/`; with `FORMDESK_BLESS=1` also
/// as the committed copy in web/tests/fixtures/.
pub(crate) fn save_desk_fixture(shot: &Path, request: &str, office_key: &str, match_code: &str) {
    let shown_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let meta = serde_json::json!({
        "request": request,
        "office_key": office_key,
        "match_code": match_code,
        "shown_at": shown_at,
        "png": "desk-request.png",
    });
    let mut dirs = vec![target_dir().join("e2e-fixtures")];
    if std::env::var_os("FORMDESK_BLESS").is_some() {
        dirs.push(workspace_root().join("web/tests/fixtures"));
    }
    for dir in dirs {
        std::fs::create_dir_all(&dir).expect("fixture folder");
        std::fs::copy(shot, dir.join("desk-request.png")).expect("copy the screenshot");
        let json = serde_json::to_string_pretty(&meta).expect("JSON") + "\n";
        std::fs::write(dir.join("desk-request.json"), json).expect("write the fixture");
    }
}

/// Answers every requested key but the last, which the citizen declines.
pub(crate) fn answers(form: &FormDef) -> Vec<(String, Option<&'static str>)> {
    let keys = form.template();
    let last = keys.len() - 1;
    keys.iter()
        .enumerate()
        .map(|(i, k)| (k.clone(), (i != last).then(|| sample(k))))
        .collect()
}

/// Waits until the shared fields hold their values marked "provided by the citizen" and the
/// declined one is marked for manual entry and stays empty.
pub(crate) async fn assert_filled(
    app: &AppSession,
    form: &FormDef,
    answers: &[(String, Option<&str>)],
) {
    for (key, value) in answers {
        let field = form.field_for_key(key).expect("field for key");
        let row = format!(".field[data-field=\"{}\"]", field.name);
        match value {
            Some(v) => {
                app.wait_for(&format!("{row}[data-provenance=citizen]"), SOON)
                    .await;
                let js = format!("document.querySelector('[name=\"{}\"]').value", field.name);
                let got = app.wait_js(&js, SOON).await;
                assert_eq!(
                    got.as_str(),
                    Some(*v),
                    "field {} holds the citizen's value",
                    field.name
                );
                let mark = app.text_of(&format!("{row} .mark"), SOON).await;
                assert_eq!(mark, "provided by the citizen");
            }
            None => {
                app.wait_for(&format!("{row}[data-outcome=declined]"), SOON)
                    .await;
                let mark = app.text_of(&format!("{row} .mark"), SOON).await;
                assert!(
                    mark.contains("to enter manually"),
                    "declined mark: {mark:?}"
                );
                let js = format!(
                    "return document.querySelector('[name=\"{}\"]').value;",
                    field.name
                );
                let got = app.client.execute(&js, vec![]).await.expect("read value");
                assert_eq!(
                    got.as_str(),
                    Some(""),
                    "the declined field {} stays empty",
                    field.name
                );
            }
        }
    }
}

/// The office-signed receipt lists exactly the keys the citizen shared: never a declined one.
pub(crate) fn assert_receipt_lists_only_shared(
    relay: &TestRelay,
    receipt: &str,
    answers: &[(String, Option<&str>)],
) {
    let verified =
        formdesk_protocol::qr::verify_receipt(receipt, std::slice::from_ref(&relay.office))
            .expect("the receipt is signed by the office");
    let mut received = verified.body.fields_received.clone();
    received.sort();
    let mut shared: Vec<String> = answers
        .iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, _)| k.clone())
        .collect();
    shared.sort();
    assert_eq!(received, shared, "fields_received: the shared keys only");
    for (key, _) in answers.iter().filter(|(_, v)| v.is_none()) {
        assert!(
            !verified.body.fields_received.contains(key),
            "declined {key} listed as received"
        );
    }
}

pub(crate) async fn wait_purged(relay: &TestRelay, id: &str) {
    let deadline = std::time::Instant::now() + SOON;
    while relay.holds_content(id) {
        assert!(
            std::time::Instant::now() < deadline,
            "the relay still holds submission {id}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) fn as_refs<'a>(
    a: &'a [(String, Option<&'static str>)],
) -> Vec<(&'a str, Option<&'a str>)> {
    a.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}
