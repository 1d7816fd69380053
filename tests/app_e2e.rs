//! The clerk terminal end to end: the REAL `formdesk` binary in a real window (Xvfb),
//! driven through WebDriver (tauri-driver + WebKitWebDriver). The app runs against a real
//! relay started by the test (`app_relay`), as a desk on a LAN relay. In the phone path the
//! citizen answers with the real `formdesk-wallet` CLI (request QR read from the window's
//! DOM, response QR read back with `formdesk-scan`) and the sealed answer reaches the relay
//! through its REST API as a paired phone would; the webcam and restart paths seal with
//! formdesk-protocol (what the wallet does) and go through the app's webcam path
//! (`FORMDESK_CAMERA=file:…`) or the REST API. Helpers in `app_form` and `app_util`.

use std::time::Duration;

use formdesk_protocol::render::{render_png_scaled, EcLevel};

use crate::app_form::*;
use crate::app_relay::TestRelay;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_posted_by_a_phone_fills_the_form_window_then_the_relay_forgets_it() {
    let relay = TestRelay::start().await;
    let form = pick_form(&relay).await;
    let app = start_app(&relay, &[]).await;
    // Settings: the office key a citizen adds to a wallet (FDK1 text and QR), and the camera
    // picker saying plainly that this machine has no camera.
    let office = app
        .wait_for("#office-key-qr", SOON)
        .await
        .attr("data-qr")
        .await
        .expect("attr")
        .unwrap_or_default();
    assert!(office.starts_with("FDK1"), "office key QR: {office:?}");
    let key_text = app.text_of("#office-key-text", SOON).await;
    assert_eq!(key_text, office);
    let hint = app.text_of("#camera-hint", SOON).await;
    assert!(hint.contains("No camera found"), "camera hint: {hint:?}");
    app.screenshot("home").await;
    open_form(&app, &form).await;
    let request = request_qr(&app).await;
    app.wait_for("#subscription[data-state=subscribed]", SOON)
        .await;
    // The window as the citizen's phone films it (web/tests/e2e/desk-qr-camera uses it).
    let shot = screenshot_reading(&app, "request-qr", &request).await;
    let code = app.text_of("#match-code", SOON).await;
    save_desk_fixture(&shot, &request, &office, &code);
    assert_citizen_view(&app, &request).await;

    let answers = answers(&form);
    let (response, wallet) = relay.wallet_answer(&request, &as_refs(&answers)).await;
    let started = std::time::Instant::now();
    let created = relay.post_answer(&response).await;
    assert_eq!(
        created.delivered_to, 1,
        "pushed to exactly the window holding the request"
    );
    assert_filled(&app, &form, &answers).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "filled in {:?}",
        started.elapsed()
    );
    app.wait_for("#subscription[data-state=unsubscribed]", SOON)
        .await;
    wait_purged(&relay, &created.id).await;
    app.screenshot("form-filled").await;
    let js = "document.querySelector('.field[data-outcome=declined]').scrollIntoView({block: 'center'}); return true;";
    app.client.execute(js, vec![]).await.expect("scroll");
    app.screenshot("declined-mark").await;

    // The clerk types the declined phone and the new address, then completes: outbox file,
    // deletion receipt, personal data cleared from the window.
    let typed = [
        ("phone", "+31 20 123 4567"),
        ("new_street", "Keizersgracht 1"),
        ("new_postcode", "1015 CJ"),
        ("new_city", "Amsterdam"),
        ("move_date", "2026-12-01"),
        ("housing", "rent"),
    ];
    for (name, value) in typed {
        let js =
            format!("document.querySelector('[name=\"{name}\"]').value = {value:?}; return true;");
        app.client.execute(&js, vec![]).await.expect("type a field");
    }
    app.click("#complete").await;
    let done = app.wait_for("#done:not([hidden]) #outbox-file", SOON).await;
    let outbox = done.text().await.expect("text");
    assert!(outbox.contains("outbox"), "{outbox}");
    let receipt = app
        .wait_for("#receipt-qr", SOON)
        .await
        .attr("data-qr")
        .await
        .expect("attr")
        .unwrap_or_default();
    assert!(
        receipt.starts_with("FDD"),
        "deletion receipt QR: {receipt:?}"
    );
    assert_receipt_lists_only_shared(&relay, &receipt, &answers);
    // The citizen scans the receipt off the screen (what Xvfb shows): the real wallet
    // verifies it, attaches it to the history entry of this answer and lists only what was
    // shared.
    let js =
        "document.querySelector('#receipt-qr').scrollIntoView({block: 'center'}); return true;";
    app.client.execute(js, vec![]).await.expect("scroll");
    let shot = screenshot_reading(&app, "receipt", &receipt).await;
    let png = std::fs::read(&shot).expect("the screen with the receipt QR");
    let printed = tokio::task::spawn_blocking(move || wallet.receipt(&png))
        .await
        .expect("wallet thread");
    let received = printed
        .lines()
        .find(|l| l.starts_with("Received:"))
        .unwrap_or_else(|| panic!("no Received line: {printed}"));
    let (declined, _) = answers.last().expect("a declined key");
    assert!(received.contains(&answers[0].0), "{printed}");
    assert!(!received.contains(declined.as_str()), "{printed}");
    assert!(
        printed.contains("attached to the history entry"),
        "{printed}"
    );
    app.screenshot("completed").await;
    let js = format!(
        "document.querySelector('[name=\"{}\"]').value === ''",
        form.field_for_key(&answers[0].0).unwrap().name
    );
    app.wait_js(&js, SOON).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_shown_to_the_webcam_goes_through_the_relay_into_the_window() {
    let relay = TestRelay::start().await;
    let form = pick_form(&relay).await;
    let cam_dir = tempfile::tempdir().expect("tempdir");
    let frame = cam_dir.path().join("camera.png");
    // Until the citizen holds up the phone, the camera sees something else.
    std::fs::write(
        &frame,
        render_png_scaled("NOT A FORMDESK CODE", EcLevel::M, 6).unwrap(),
    )
    .unwrap();
    let cam = format!("file:{}", frame.display());
    let app = start_app(&relay, &[("FORMDESK_CAMERA", cam.as_str())]).await;
    app.wait_for("#camera-status[data-state=ok]", SOON).await;
    open_form(&app, &form).await;
    let request = request_qr(&app).await;

    let answers = answers(&form);
    let response = relay.answer(&request, &as_refs(&answers));
    let tmp = cam_dir.path().join("camera.tmp.png");
    std::fs::write(&tmp, render_png_scaled(&response, EcLevel::M, 6).unwrap()).unwrap();
    std::fs::rename(&tmp, &frame).unwrap();

    assert_filled(&app, &form, &answers).await;
    app.wait_for("#subscription[data-state=unsubscribed]", SOON)
        .await;
    app.screenshot("webcam-filled").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn window_reconnects_after_a_relay_restart_and_still_gets_its_answer() {
    let mut relay = TestRelay::start().await;
    let form = pick_form(&relay).await;
    let app = start_app(&relay, &[]).await;
    open_form(&app, &form).await;
    let request = request_qr(&app).await;

    relay.stop().await;
    app.wait_for("#relay-status[data-state=offline]", SOON)
        .await;
    app.screenshot("relay-offline").await;
    relay.restart().await;
    // Posted before the window is back: it waits in the relay until the window resubscribes.
    let answers = answers(&form);
    let created = relay
        .post_answer(&relay.answer(&request, &as_refs(&answers)))
        .await;
    app.wait_for("#relay-status[data-state=online]", Duration::from_secs(20))
        .await;
    assert_filled(&app, &form, &answers).await;
    app.wait_for("#subscription[data-state=unsubscribed]", SOON)
        .await;
    wait_purged(&relay, &created.id).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_request_that_expires_offers_a_signed_deletion_receipt() {
    // One minute: the shortest lifetime a request QR can state.
    let relay = TestRelay::start_with(|c| c.request_ttl = Duration::from_secs(60)).await;
    let form = pick_form(&relay).await;
    let app = start_app(&relay, &[]).await;
    open_form(&app, &form).await;
    request_qr(&app).await;
    let request_id = app
        .wait_for("#request-qr", SOON)
        .await
        .attr("data-request")
        .await
        .expect("attr")
        .expect("data-request");

    // Nobody answers: at expiry the window shows the office-signed receipt by itself.
    let img = app
        .wait_for("#expiry-receipt #receipt-qr", Duration::from_secs(100))
        .await;
    let receipt = img.attr("data-qr").await.expect("attr").unwrap_or_default();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let verified =
        formdesk_protocol::qr::verify_receipt(&receipt, std::slice::from_ref(&relay.office))
            .expect("the receipt is signed by the office");
    assert_eq!(verified.body.request_id.to_hex(), request_id);
    assert!(
        verified.body.fields_received.is_empty(),
        "nothing was received: {:?}",
        verified.body.fields_received
    );
    assert!(verified.body.relay_deleted_at <= now);
    app.wait_for("#subscription[data-state=expired]", SOON)
        .await;
    app.screenshot("expiry-receipt").await;
    app.close().await;
}
