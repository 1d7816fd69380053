//! The request / sealed-response path: a window asks the relay to sign a request, a wallet
//! answers it sealed, the relay routes the answer by request id to that window only, once;
//! unknown 404, expired 410, replay 409; a deletion receipt after the content is gone.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use formdesk_protocol::qr::{
    self, open_response, seal_response, verify_request, EphemeralSecret, FieldOutcome,
    OfficePublicKey, RequestSecret,
};
use formdesk_relay::ids::now_ms;
use formdesk_relay::requests;
use rand_core::OsRng;
use serde_json::{json, Value};

use crate::util::{Client, TestRelay};

fn now_s() -> u64 {
    now_ms() / 1000
}

async fn office_key(relay: &TestRelay) -> OfficePublicKey {
    let (st, body) = relay.get("/api/office-key", None).await;
    assert_eq!(st, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    OfficePublicKey::from_base64url(v["public_key"].as_str().unwrap()).unwrap()
}

/// A window creates a request over its websocket and subscribes to its answer group.
async fn open_request(w: &mut Client) -> (EphemeralSecret, Value) {
    open_request_for(w, &["person.given_name"]).await
}

/// [`open_request`] for the vocabulary `keys`.
async fn open_request_for(w: &mut Client, keys: &[&str]) -> (EphemeralSecret, Value) {
    let eph = EphemeralSecret::generate(&mut OsRng);
    w.send(json!({"op":"create_request","form":"visit","keys":keys,
        "eph_pub": URL_SAFE_NO_PAD.encode(eph.public_key()),"desk_label":"Desk 1","id":"r1"}))
        .await;
    let created = w.expect("request_created").await;
    assert_eq!(created["id"], "r1");
    let group = created["group"].as_str().unwrap().to_string();
    assert_eq!(
        group,
        format!("req.{}", created["request_id"].as_str().unwrap())
    );
    w.subscribe(&group, true).await;
    (eph, created)
}

fn answer(relay_key: &OfficePublicKey, request_qr: &str, name: &str) -> String {
    let verified =
        verify_request(request_qr, &[*relay_key], now_s()).expect("wallet verifies the request");
    seal_response(
        &verified,
        &[(
            "person.given_name".into(),
            FieldOutcome::Shared(name.into()),
        )],
        &mut OsRng,
    )
    .unwrap()
}

/// A clerk phone (or the desk's webcam path) posts a sealed answer as the relay's API takes
/// it; the status and the JSON answer.
async fn submit_sealed(relay: &TestRelay, token: &str, response: &str) -> (u16, Value) {
    relay
        .post("/api/submissions", token, &json!({ "response": response }))
        .await
}

/// The desk asks for the deletion receipt at `path` naming the keys it received as shared
/// values; the receipt must be `200` and verify against the office key.
async fn desk_receipt(
    relay: &TestRelay,
    key: &OfficePublicKey,
    path: &str,
    fields_received: &[&str],
) -> qr::ReceiptBody {
    let (st, r) = relay
        .post(
            path,
            &relay.tokens.desk_a,
            &json!({ "fields_received": fields_received }),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    qr::verify_receipt(r["receipt"].as_str().unwrap(), &[*key])
        .unwrap()
        .body
}

#[tokio::test]
async fn a_sealed_response_reaches_only_the_requesting_window_once_then_a_receipt() {
    let relay = TestRelay::start(|_| {}).await;
    let key = office_key(&relay).await;
    let mut window = relay.ws(&relay.tokens.desk_a).await;
    let mut sibling = relay.ws(&relay.tokens.desk_a).await;
    sibling.subscribe("form.visit", false).await;
    let (eph, created) = open_request(&mut window).await;
    let request_qr = created["qr"].as_str().unwrap();
    let verified = verify_request(request_qr, &[key], now_s()).unwrap();
    assert_eq!(
        qr::match_code(&verified),
        created["match_code"].as_str().unwrap()
    );

    let response = answer(&key, request_qr, "Ann");
    let (st, res) = submit_sealed(&relay, &relay.tokens.device_a, &response).await;
    assert_eq!((st, res["delivered_to"].as_u64()), (201, Some(1)), "{res}");
    let sub = window.expect("submission").await;
    assert_eq!(sub["payload"]["kind"], "sealed");
    assert_eq!(sub["request_id"], created["request_id"]);
    assert_eq!(window.expect("unsubscribed").await["reason"], "once");
    let secret = RequestSecret::from_request_text(eph, request_qr).unwrap();
    let opened = open_response(sub["payload"]["qr"].as_str().unwrap(), &secret, now_s()).unwrap();
    assert_eq!(opened.outcomes[0].1, FieldOutcome::Shared("Ann".into()));
    sibling.silent(200).await;

    // Replay: accepted once. Another desk cannot even see the request.
    let (st, e) = submit_sealed(&relay, &relay.tokens.device_a, &response).await;
    assert_eq!((st, e["error"]["code"].as_str()), (409, Some("conflict")));
    let (st, _) = submit_sealed(&relay, &relay.tokens.desk_b, &response).await;
    assert_eq!(st, 404);

    // Receipt only once the content is deleted.
    let rid = created["request_id"].as_str().unwrap();
    let path = format!("/api/requests/{rid}/receipt");
    let (st, _) = relay.post(&path, &relay.tokens.desk_a, &json!({})).await;
    assert_eq!(st, 409);
    window.ack(sub["id"].as_str().unwrap()).await;
    let receipt = desk_receipt(&relay, &key, &path, &["person.given_name"]).await;
    assert_eq!(receipt.request_id.to_hex(), rid);
    assert_eq!(receipt.fields_received, vec!["person.given_name"]);
    let (st, _) = relay.post(&path, &relay.tokens.desk_b, &json!({})).await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn a_receipt_lists_the_shared_fields_the_desk_names_never_a_declined_one() {
    let relay = TestRelay::start(|_| {}).await;
    let key = office_key(&relay).await;
    let mut window = relay.ws(&relay.tokens.desk_a).await;
    let (_eph, created) =
        open_request_for(&mut window, &["person.given_name", "contact.email"]).await;
    let verified = verify_request(created["qr"].as_str().unwrap(), &[key], now_s()).unwrap();
    let outcomes = [
        (
            "person.given_name".into(),
            FieldOutcome::Shared("Ann".into()),
        ),
        ("contact.email".into(), FieldOutcome::Declined),
    ];
    let response = seal_response(&verified, &outcomes, &mut OsRng).unwrap();
    let (st, res) = submit_sealed(&relay, &relay.tokens.device_a, &response).await;
    assert_eq!(st, 201, "{res}");
    let sub = window.expect("submission").await;
    assert_eq!(window.expect("unsubscribed").await["reason"], "once");
    window.ack(sub["id"].as_str().unwrap()).await;

    // The relay cannot read the answer: the desk names the keys it got as shared values.
    let path = format!(
        "/api/requests/{}/receipt",
        created["request_id"].as_str().unwrap()
    );
    let receipt = desk_receipt(&relay, &key, &path, &["person.given_name"]).await;
    assert_eq!(receipt.fields_received, vec!["person.given_name"]);
    // A key the request never asked for cannot be claimed as received.
    let (st, e) = relay
        .post(
            &path,
            &relay.tokens.desk_a,
            &json!({"fields_received":["person.birth_date"]}),
        )
        .await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
}

#[tokio::test]
async fn unknown_and_expired_requests_are_refused_with_404_and_410() {
    let relay = TestRelay::start(|_| {}).await;
    let other = TestRelay::start(|_| {}).await;
    let key = office_key(&relay).await;
    let other_key = office_key(&other).await;
    let mut w_other = other.ws(&other.tokens.desk_a).await;
    let (_, foreign) = open_request(&mut w_other).await;
    let stray = answer(&other_key, foreign["qr"].as_str().unwrap(), "Ann");
    let (st, e) = submit_sealed(&relay, &relay.tokens.device_a, &stray).await;
    assert_eq!((st, e["error"]["code"].as_str()), (404, Some("not_found")));

    let mut w = relay.ws(&relay.tokens.desk_a).await;
    let (_, created) = open_request(&mut w).await;
    let response = answer(&key, created["qr"].as_str().unwrap(), "Ann");
    let mut rec = requests::get(&relay.store, created["request_id"].as_str().unwrap())
        .unwrap()
        .unwrap();
    rec.expires_at = now_s() - 5;
    requests::put(&relay.store, &rec).unwrap();
    let (st, e) = submit_sealed(&relay, &relay.tokens.device_a, &response).await;
    assert_eq!((st, e["error"]["code"].as_str()), (410, Some("expired")));
    let (st, e) = submit_sealed(&relay, &relay.tokens.device_a, "FDA1:garbage").await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
    w.silent(200).await;
}

#[tokio::test]
async fn requests_over_rest_and_plain_values_for_a_request() {
    let relay = TestRelay::start(|_| {}).await;
    let eph = EphemeralSecret::generate(&mut OsRng);
    let body =
        json!({"form":"visit","keys":[],"eph_pub": URL_SAFE_NO_PAD.encode(eph.public_key())});
    let (st, created) = relay
        .post("/api/requests", &relay.tokens.desk_a, &body)
        .await;
    assert_eq!(st, 201, "{created}");
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    w.subscribe(created["group"].as_str().unwrap(), true).await;
    let plain =
        json!({"form":"visit","values":{"given_name":"Ann"},"request_id": created["request_id"]});
    let (st, res) = relay
        .post("/api/submissions", &relay.tokens.device_a, &plain)
        .await;
    assert_eq!((st, res["delivered_to"].as_u64()), (201, Some(1)));
    let sub = w.expect("submission").await;
    assert_eq!(sub["payload"]["values"]["given_name"], "Ann");
    let (st, _) = relay
        .post("/api/submissions", &relay.tokens.device_a, &plain)
        .await;
    assert_eq!(st, 409, "one answer per request");
    let bad = json!({"form":"nope","keys":[],"eph_pub": URL_SAFE_NO_PAD.encode(eph.public_key())});
    assert_eq!(
        relay
            .post("/api/requests", &relay.tokens.desk_a, &bad)
            .await
            .0,
        404
    );
    let bad = json!({"form":"visit","keys":[],"eph_pub": "short"});
    assert_eq!(
        relay
            .post("/api/requests", &relay.tokens.desk_a, &bad)
            .await
            .0,
        400
    );
}

#[tokio::test]
async fn an_unanswered_request_gets_an_empty_receipt_once_it_expired() {
    let relay = TestRelay::start(|_| {}).await;
    let key = office_key(&relay).await;
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    let (_, created) = open_request(&mut w).await;
    let rid = created["request_id"].as_str().unwrap();
    let path = format!("/api/requests/{rid}/receipt");

    // Before expiry, without an answer: 409 saying why and when.
    let (st, e) = relay.post(&path, &relay.tokens.desk_a, &json!({})).await;
    assert_eq!((st, e["error"]["code"].as_str()), (409, Some("conflict")));
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains("has not expired"), "{msg}");

    let mut rec = requests::get(&relay.store, rid).unwrap().unwrap();
    rec.expires_at = now_s() - 5;
    requests::put(&relay.store, &rec).unwrap();

    // Expired: nothing received, nothing held since the expiry. No body at all works.
    let res = reqwest::Client::new()
        .post(relay.url(&path))
        .bearer_auth(&relay.tokens.device_a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let r: Value = res.json().await.unwrap();
    let receipt = qr::verify_receipt(r["receipt"].as_str().unwrap(), &[key]).unwrap();
    assert_eq!(receipt.body.request_id.to_hex(), rid);
    assert!(receipt.body.fields_received.is_empty());
    assert_eq!(receipt.body.relay_deleted_at, rec.expires_at);
    assert_eq!(receipt.body.form_id, "visit");
    assert_eq!(receipt.body.office_retention_days, 30);

    // Claiming a field for an expired, unanswered request is refused; other desks see 404.
    let (st, _) = relay
        .post(
            &path,
            &relay.tokens.desk_a,
            &json!({"fields_received":["person.given_name"]}),
        )
        .await;
    assert_eq!(st, 400);
    let (st, _) = relay.post(&path, &relay.tokens.desk_b, &json!({})).await;
    assert_eq!(st, 404);
    // And the expired request still refuses a late answer.
    let late = answer(&key, created["qr"].as_str().unwrap(), "Ann");
    let (st, _) = submit_sealed(&relay, &relay.tokens.device_a, &late).await;
    assert_eq!(st, 410);
}

#[tokio::test]
async fn an_answer_that_expired_unacknowledged_gets_a_receipt_of_its_deletion() {
    let relay =
        TestRelay::start(|c| c.submission_ttl = std::time::Duration::from_millis(300)).await;
    let key = office_key(&relay).await;
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    let (_, created) = open_request(&mut w).await;
    let rid = created["request_id"].as_str().unwrap();
    let response = answer(&key, created["qr"].as_str().unwrap(), "Ann");
    let (st, _) = submit_sealed(&relay, &relay.tokens.device_a, &response).await;
    assert_eq!(st, 201);
    w.expect("submission").await; // delivered, never acknowledged
    let started = now_s();
    let path = format!("/api/requests/{rid}/receipt");
    let mut tries = 0;
    let r = loop {
        let (st, r) = relay.post(&path, &relay.tokens.desk_a, &json!({})).await;
        if st == 200 {
            break r;
        }
        assert_eq!(st, 409, "{r}");
        tries += 1;
        assert!(tries < 50, "the janitor expires the answer within 5 s");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let receipt = qr::verify_receipt(r["receipt"].as_str().unwrap(), &[key]).unwrap();
    assert_eq!(receipt.body.fields_received, vec!["person.given_name"]);
    assert!((started..=now_s()).contains(&receipt.body.relay_deleted_at));
}
