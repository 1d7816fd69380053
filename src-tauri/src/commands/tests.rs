//! The commands through Tauri's IPC on the mock runtime (`tauri::test`), against the real
//! embedded relay (loopback, temporary data dir, the repository's forms).

use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{Listener, Manager, WebviewWindow, WebviewWindowBuilder};

use crate::{app_builder, AppState};

struct TestApp {
    app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

fn start() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    // Read once by setup(); every test sets the same variable name to its own folder, so the
    // tests of this module run one after another (see the lock below).
    std::env::set_var("FORMDESK_DATA_DIR", dir.path());
    std::env::remove_var("FORMDESK_RELAY_URL");
    std::env::remove_var("FORMDESK_CAMERA");
    let app = app_builder(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap();
    // The real runtime runs the setup hook when its event loop starts; the mock one has no
    // loop, so the test runs the same function.
    crate::setup(app.handle()).unwrap();
    let window = WebviewWindowBuilder::new(&app, "form-test", Default::default())
        .build()
        .unwrap();
    TestApp {
        app,
        window,
        _dir: dir,
    }
}

fn invoke(t: &TestApp, cmd: &str, body: Value) -> Result<Value, Value> {
    let req = InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: tauri::ipc::InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(&t.window, req).map(|b| b.deserialize::<Value>().unwrap())
}

fn wait_online(t: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = invoke(t, "relay_status", json!({})).unwrap();
        if s["state"] == "online" {
            return;
        }
        assert!(Instant::now() < deadline, "relay never online: {s}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn embedded_relay_serves_forms_and_a_window_gets_a_signed_request() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let t = start();
    wait_online(&t);
    let forms = invoke(&t, "list_forms", json!({})).unwrap();
    let form = forms
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x.get("prefill").is_some())
        })
        .expect("a prefillable form")
        .clone();
    let id = form["id"].as_str().unwrap();
    let def = invoke(&t, "form_definition", json!({"formId": id})).unwrap();
    assert_eq!(def["id"], id);

    let req = invoke(&t, "new_request", json!({"formId": id})).unwrap();
    assert!(req["qr"].as_str().unwrap().starts_with("FDR"), "{req}");
    assert!(req["qrSvg"].as_str().unwrap().contains("<svg"));
    assert_eq!(req["matchCode"].as_str().unwrap().len(), 3);
    let keys: Vec<&str> = req
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys.len(),
        5,
        "only public parts go to the webview: {keys:?}"
    );

    let errors = invoke(&t, "validate_values", json!({"formId": id, "values": {}})).unwrap();
    assert!(
        !errors.as_array().unwrap().is_empty(),
        "required fields are reported"
    );
    t.app.state::<AppState>().scanner.stop();
}

#[test]
fn sealed_answer_reaches_only_the_window_that_holds_the_key() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let t = start();
    wait_online(&t);
    let forms = invoke(&t, "list_forms", json!({})).unwrap();
    let form: formdesk_protocol::FormDef = serde_json::from_value(
        forms
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["fields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x.get("prefill").is_some())
            })
            .unwrap()
            .clone(),
    )
    .unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let tx2 = tx.clone();
    t.app.listen_any("form-filled", move |e| {
        drop(tx.send(e.payload().to_string()))
    });
    t.app.listen_any("form-subscription", move |e| {
        drop(tx2.send(e.payload().to_string()))
    });
    let req = invoke(&t, "new_request", json!({"formId": form.id})).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while rx
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        .expect("subscribed event")
        != "\"subscribed\""
    {}

    let desk = t.app.state::<AppState>().desk.clone();
    let rt = tauri::async_runtime::handle();
    let office = rt.block_on(async { desk.rest().await.unwrap().office_key().await.unwrap() });
    let office =
        formdesk_protocol::qr::OfficePublicKey::from_base64url(&office.public_key).unwrap();
    let now = crate::outbox::now_secs();
    let verified =
        formdesk_protocol::qr::verify_request(req["qr"].as_str().unwrap(), &[office], now).unwrap();
    let key = form.template()[0].clone();
    let answer = vec![(
        key.clone(),
        formdesk_protocol::qr::FieldOutcome::Shared("Ada".into()),
    )];
    let sealed =
        formdesk_protocol::qr::seal_response(&verified, &answer, &mut rand_core::OsRng).unwrap();
    // The webcam path: posted still sealed, as a phone would.
    let created = rt.block_on(desk.submit_scanned(&sealed)).unwrap();
    assert_eq!(created.delivered_to, 1);

    let deadline = Instant::now() + Duration::from_secs(10);
    let filled = loop {
        let msg = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("form-filled event");
        if msg.contains("submissionId") {
            break serde_json::from_str::<Value>(&msg).unwrap();
        }
    };
    let field = form.field_for_key(&key).unwrap();
    assert_eq!(filled["values"][&field.name], "Ada");
    assert_eq!(filled["outcomes"][&field.name], "shared");
    t.app.state::<AppState>().scanner.stop();
}

#[test]
fn unknown_form_is_reported_as_not_found() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let t = start();
    wait_online(&t);
    let err = invoke(&t, "form_definition", json!({"formId": "no-such-form"})).unwrap_err();
    assert_eq!(err["kind"], "not_found", "{err}");
    let settings = invoke(&t, "get_settings", json!({})).unwrap();
    assert_eq!(settings["relay"]["mode"], "embedded");
}

#[test]
fn pairing_mints_a_device_token_through_the_relay_and_shows_the_companion_url() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let t = start();
    wait_online(&t);
    let p = invoke(&t, "pair_phone", json!({})).unwrap();
    assert!(p["token"].as_str().unwrap().starts_with("fdt_"), "{p}");
    assert_eq!(p["desk"], crate::embedded::LOCAL_DESK);
    let text = p["text"].as_str().unwrap();
    assert!(
        text.starts_with("http://127.0.0.1:") && text.contains("/companion/#pair="),
        "{text}"
    );
    assert!(p["qrSvg"].as_str().unwrap().contains("<svg"));
    assert!(
        p["note"].as_str().unwrap().contains("this computer only"),
        "the embedded relay is loopback-only: {p}"
    );
    t.app.state::<AppState>().scanner.stop();
}

#[test]
fn settings_show_the_office_key_and_the_cameras_without_error() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let t = start();
    wait_online(&t);
    let k = invoke(&t, "office_key", json!({})).unwrap();
    let qr = k["qr"].as_str().unwrap();
    assert!(qr.starts_with("FDK1"), "{k}");
    let (key, name) = formdesk_protocol::qr::OfficePublicKey::from_qr_text(qr).unwrap();
    assert_eq!(key.to_base64url(), k["publicKey"].as_str().unwrap());
    assert_eq!(name, k["name"].as_str().unwrap());
    assert!(k["qrSvg"].as_str().unwrap().contains("<svg"));
    // No camera on this machine: an empty list, not an error.
    let c = invoke(&t, "camera_choices", json!({})).unwrap();
    assert!(c["cameras"].is_array(), "{c}");
    assert!(c["envCamera"].is_null());
    // A chosen camera is persisted; opening an absent one is a status, not a failure.
    let mut s = invoke(&t, "get_settings", json!({})).unwrap();
    s["camera"] = "camera:7".into();
    invoke(&t, "save_settings", json!({ "settings": s })).unwrap();
    assert_eq!(
        invoke(&t, "get_settings", json!({})).unwrap()["camera"],
        "camera:7"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        let st = invoke(&t, "scanner_status", json!({})).unwrap();
        if st["kind"] == "error" || Instant::now() > deadline {
            break st;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status["kind"], "error", "{status}");
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .starts_with("camera missing"),
        "{status}"
    );
    let dir = &t.app.state::<AppState>().desk.paths.config;
    let saved: Value =
        serde_json::from_slice(&std::fs::read(dir.join("settings.json")).unwrap()).unwrap();
    assert_eq!(saved["camera"], "camera:7");
    t.app.state::<AppState>().scanner.stop();
}
