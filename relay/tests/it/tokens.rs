//! Token lifecycle over the API: a desk pairs a clerk phone (`POST /api/devices`), and a
//! revoked token is refused from then on and loses its open websockets (close 4001).

use formdesk_relay::{list_tokens, Role};
use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::util::{Client, TestRelay, WAIT};

/// A request with no body at all (`POST` is the pairing call of the desktop app); the
/// status and the JSON answer (`null` when there is none).
async fn bodyless(
    relay: &TestRelay,
    method: reqwest::Method,
    path: &str,
    token: &str,
) -> (u16, Value) {
    let res = reqwest::Client::new()
        .request(method, relay.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn post_empty(relay: &TestRelay, path: &str, token: &str) -> (u16, Value) {
    bodyless(relay, reqwest::Method::POST, path, token).await
}

async fn delete(relay: &TestRelay, path: &str, token: &str) -> (u16, Value) {
    bodyless(relay, reqwest::Method::DELETE, path, token).await
}

#[tokio::test]
async fn a_desk_pairs_a_device_bound_to_its_own_desk() {
    let relay = TestRelay::start(|_| {}).await;
    let (st, v) = relay
        .post(
            "/api/devices",
            &relay.tokens.desk_a,
            &json!({"label": "Anna's phone"}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["desk"], "desk-a");
    let token = v["token"].as_str().unwrap();
    assert!(token.starts_with("fdt_") && token.len() == 47, "{token}");
    let id = v["id"].as_str().unwrap();
    let info = list_tokens(&relay.store)
        .unwrap()
        .into_iter()
        .find(|t| t.id == id)
        .expect("stored");
    assert_eq!(info.role, Role::Device);
    assert_eq!(info.desk.as_deref(), Some("desk-a"));
    assert_eq!(info.label, "Anna's phone");

    // The new token works: websocket as a device of desk-a, and a submission to desk-a.
    let mut phone = relay.ws(token).await;
    let mut window = relay.ws(&relay.tokens.desk_a).await;
    window.subscribe("form.visit", false).await;
    let (st, _) = relay.submit(token, None, "Ann").await;
    assert_eq!(st, 201);
    let sub = window.expect("submission").await;
    assert_eq!(sub["payload"]["values"]["given_name"], "Ann");
    phone.send(json!({"op": "ping", "id": "p"})).await;
    phone.expect("pong").await;

    // No body at all is fine too (default label).
    let (st, v) = post_empty(&relay, "/api/devices", &relay.tokens.desk_a).await;
    assert_eq!(st, 201, "{v}");
    assert_ne!(v["token"], token);
}

#[tokio::test]
async fn only_desk_tokens_pair_devices() {
    let relay = TestRelay::start(|_| {}).await;
    let t = &relay.tokens;
    for token in [&t.device_a, &t.integration, &t.admin] {
        let (st, v) = post_empty(&relay, "/api/devices", token).await;
        assert_eq!(st, 403, "{v}");
        assert_eq!(v["error"]["code"], "forbidden");
    }
    let (st, v) = post_empty(&relay, "/api/devices", "fdt_nope").await;
    assert_eq!(st, 401, "{v}");
    let (st, v) = relay
        .post("/api/devices", &t.desk_a, &json!({"desk": "desk-b"}))
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
    let before = list_tokens(&relay.store).unwrap().len();
    assert_eq!(before, 5, "no token minted by a refused call");
}

/// Reads until the relay closes; returns (code, reason). Text messages are skipped.
async fn close_frame(c: &mut Client) -> (u16, String) {
    loop {
        let m = tokio::time::timeout(WAIT, c.ws.next())
            .await
            .expect("close in time");
        match m {
            Some(Ok(Message::Close(Some(f)))) => return (f.code.into(), f.reason.to_string()),
            Some(Ok(Message::Close(None))) | None => return (1005, String::new()),
            Some(Ok(_)) => continue,
            Some(Err(e)) => panic!("error before close frame: {e}"),
        }
    }
}

#[tokio::test]
async fn revoking_a_device_closes_its_websockets_with_4001_and_loses_nothing_stored() {
    let relay = TestRelay::start(|_| {}).await;
    let desk = &relay.tokens.desk_a;
    let (_, paired) = relay.post("/api/devices", desk, &json!({})).await;
    let (device, device_id) = (
        paired["token"].as_str().unwrap().to_string(),
        paired["id"].as_str().unwrap().to_string(),
    );
    // The phone holds a submission it has not acknowledged, and a second idle socket.
    let mut phone = relay.ws(&device).await;
    phone.subscribe("form.visit", false).await;
    let mut phone_idle = relay.ws(&device).await;
    let mut desk_window = relay.ws(desk).await;
    let (st, sub) = relay.submit(desk, None, "Kept").await;
    assert_eq!(st, 201);
    let got = phone.expect("submission").await;
    assert_eq!(got["id"], sub["id"]);

    let (st, v) = delete(&relay, &format!("/api/tokens/{device_id}"), desk).await;
    assert_eq!((st, &v["revoked"]), (200, &json!(device_id)), "{v}");
    for ws in [&mut phone, &mut phone_idle] {
        assert_eq!(close_frame(ws).await, (4001, "token revoked".to_string()));
    }

    // The token is refused from now on: REST, websocket upgrade, first-message auth.
    let (st, v) = relay.submit(&device, None, "Refused").await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let mut req = format!("ws://{}/ws", relay.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("authorization", format!("Bearer {device}").parse().unwrap());
    match tokio_tungstenite::connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            assert_eq!(res.status().as_u16(), 401)
        }
        other => panic!("upgrade must be refused, got {:?}", other.map(|_| ())),
    }
    let mut late = relay.ws_raw("/ws").await;
    late.send(json!({"op": "auth", "token": device})).await;
    assert_eq!(close_frame(&mut late).await.0, 4001);

    // The desk's own session is untouched and still gets the unacknowledged submission.
    desk_window.subscribe("form.visit", false).await;
    let again = desk_window.expect("submission").await;
    assert_eq!(again["id"], sub["id"]);
    assert_eq!(again["payload"]["values"]["given_name"], "Kept");
}

#[tokio::test]
async fn an_admin_revoking_a_desk_token_closes_every_session_of_that_token_only() {
    let relay = TestRelay::start(|_| {}).await;
    let t = &relay.tokens;
    let mut a1 = relay.ws(&t.desk_a).await;
    let mut a2 = relay.ws(&t.desk_a).await;
    let mut device = relay.ws(&t.device_a).await;
    let (st, v) = delete(&relay, &format!("/api/tokens/{}", t.desk_a_id), &t.admin).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(close_frame(&mut a1).await.0, 4001);
    assert_eq!(close_frame(&mut a2).await.0, 4001);
    device.send(json!({"op": "ping", "id": "still"})).await;
    assert_eq!(device.expect("pong").await["id"], "still");
    // A desk cannot revoke another desk's token (404, nothing closes).
    let (st, _) = delete(&relay, &format!("/api/tokens/{}", t.desk_a_id), &t.desk_b).await;
    assert_eq!(st, 404);
}
