//! Bad input: each gets a clear error (websocket `error` event or HTTP 4xx JSON), the
//! connection survives where that makes sense, and nothing stored is lost.

use std::time::Duration;

use formdesk_protocol::qr::FORMAT_VERSION;
use formdesk_relay::revoke_token;
use futures_util::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::util::TestRelay;

#[tokio::test]
async fn malformed_json_unknown_ops_and_bad_fields_get_errors_and_the_connection_survives() {
    let relay = TestRelay::start(|_| {}).await;
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    w.send_text("{not json").await;
    assert_eq!(w.expect("error").await["code"], "malformed_json");
    w.send(json!({"op":"dance"})).await;
    assert_eq!(w.expect("error").await["code"], "unknown_op");
    w.send(json!({"type":"subscribe"})).await;
    assert_eq!(w.expect("error").await["code"], "unknown_op");
    w.send(json!({"op":"subscribe"})).await;
    assert_eq!(w.expect("error").await["code"], "bad_request");
    w.send(json!({"op":"subscribe","group":"bad group!","id":"s1"}))
        .await;
    let e = w.expect("error").await;
    assert_eq!(
        (e["code"].as_str(), e["ref"].as_str()),
        (Some("bad_request"), Some("s1"))
    );
    w.send(json!({"op":"unsubscribe","group":"never"})).await;
    assert_eq!(w.expect("error").await["code"], "not_found");
    w.ws.send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .unwrap();
    assert_eq!(w.expect("error").await["code"], "bad_request");
    // Still alive and working.
    w.subscribe("form.visit", false).await;
}

#[tokio::test]
async fn oversized_websocket_messages_are_refused_with_1009() {
    let relay = TestRelay::start(|c| c.max_message_bytes = 8 * 1024).await;
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    let big = "y".repeat(20 * 1024);
    w.send(json!({"op":"publish","group":"g","data": big}))
        .await;
    let e = w.expect("error").await;
    assert_eq!(e["code"], "too_large");
    assert_eq!(w.closed().await, 1009);
}

#[tokio::test]
async fn unknown_forms_and_schema_violations_are_4xx_with_field_errors() {
    let relay = TestRelay::start(|_| {}).await;
    let t = &relay.tokens.device_a;
    let (st, e) = relay
        .post("/api/submissions", t, &json!({"form":"nope","values":{}}))
        .await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (404, Some("unknown_form"))
    );
    let bad = json!({"form":"visit","values":{"email":"not-an-email","extra":1}});
    let (st, e) = relay.post("/api/submissions", t, &bad).await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (422, Some("invalid_values"))
    );
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"email"), "{e}");
    assert!(
        fields.contains(&"given_name") || e.to_string().contains("given_name"),
        "{e}"
    );
    assert!(
        !e.to_string().contains("not-an-email"),
        "no values in errors"
    );
    let (st, e) = relay
        .post("/api/submissions", t, &json!({"form":"visit"}))
        .await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
    let (st, e) = relay
        .post(
            "/api/submissions",
            t,
            &json!({"form":"visit","values":{"given_name":"A"},"group":"org.x"}),
        )
        .await;
    assert_eq!((st, e["error"]["code"].as_str()), (403, Some("forbidden")));
    assert_eq!(relay.store.pending_count(), 0, "nothing invalid stored");
}

#[tokio::test]
async fn malformed_and_oversized_bodies_are_rejected() {
    let relay = TestRelay::start(|c| c.max_body_bytes = 1024).await;
    let client = reqwest::Client::new();
    let res = client
        .post(relay.url("/api/submissions"))
        .bearer_auth(&relay.tokens.device_a)
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed_json");
    let big = json!({"form":"visit","values":{"given_name":"A","note":"z".repeat(4000)}});
    let (st, e) = relay
        .post("/api/submissions", &relay.tokens.device_a, &big)
        .await;
    assert_eq!((st, e["error"]["code"].as_str()), (413, Some("too_large")));
    let (st, e) = relay
        .get("/api/nothing-here", Some(&relay.tokens.device_a))
        .await;
    assert_eq!(st, 404);
    assert!(e.contains("not_found"));
}

#[tokio::test]
async fn bad_and_revoked_tokens_are_refused_over_http_and_websocket() {
    let relay = TestRelay::start(|_| {}).await;
    let (st, e) = relay.submit("fdt_wrong", None, "A").await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let res = reqwest::Client::new()
        .get(relay.url("/api/forms"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    // Upgrade with a bad header token: plain 401 before any websocket.
    let mut req = format!("ws://{}/ws", relay.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("authorization", "Bearer fdt_wrong".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_err());
    // No token on the upgrade: the first message must authenticate.
    let mut w = relay.ws_raw("/ws").await;
    w.send(json!({"op":"auth","token":"fdt_wrong"})).await;
    assert_eq!(w.expect("error").await["code"], "unauthorized");
    assert_eq!(w.closed().await, 4001);
    let mut w = relay.ws_raw("/ws").await;
    w.send(json!({"op":"subscribe","group":"g"})).await;
    assert_eq!(w.expect("error").await["code"], "bad_request");
    assert_eq!(w.closed().await, 4001);
    // Query token and first-message auth both work with a good token.
    let mut q = relay
        .ws_raw(&format!("/ws?token={}", relay.tokens.desk_a))
        .await;
    q.expect("hello").await;
    let mut m = relay.ws_raw("/ws").await;
    m.send(json!({"op":"auth","token": relay.tokens.desk_a}))
        .await;
    assert_eq!(m.expect("hello").await["desk"], "desk-a");
    // Revoked: refused from then on.
    assert!(revoke_token(&relay.store, &relay.tokens.desk_a_id).unwrap());
    let (st, _) = relay.submit(&relay.tokens.desk_a, None, "A").await;
    assert_eq!(st, 401);
    let url = format!("ws://{}/ws?token={}", relay.addr, relay.tokens.desk_a);
    assert!(tokio_tungstenite::connect_async(url).await.is_err());
}

#[tokio::test]
async fn a_disallowed_origin_is_refused_and_an_allowed_one_accepted() {
    let relay = TestRelay::start(|c| c.allowed_origins = vec!["https://desk.example".into()]).await;
    let get = |origin: &'static str| {
        reqwest::Client::new()
            .get(relay.url("/api/forms"))
            .bearer_auth(&relay.tokens.desk_a)
            .header("origin", origin)
            .send()
    };
    let res = get("https://evil.example").await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "origin_not_allowed");
    assert_eq!(
        get("https://desk.example").await.unwrap().status().as_u16(),
        200
    );
    let mut req = format!("ws://{}/ws?token={}", relay.addr, relay.tokens.desk_a)
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    match tokio_tungstenite::connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            assert_eq!(res.status().as_u16(), 403)
        }
        other => panic!("expected 403, got {other:?}"),
    }
}

#[tokio::test]
async fn per_token_rate_and_group_caps_answer_429_and_limit_errors() {
    let relay = TestRelay::start(|c| {
        c.rate_per_token = 1;
        c.rate_burst = 5;
        c.max_groups_per_connection = 2;
    })
    .await;
    let mut codes = Vec::new();
    for _ in 0..8 {
        codes.push(
            relay
                .get("/api/forms", Some(&relay.tokens.integration))
                .await
                .0,
        );
    }
    assert!(codes.contains(&429), "{codes:?}");
    assert_eq!(codes[0], 200);
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    w.subscribe("g1", false).await;
    w.subscribe("g2", false).await;
    w.send(json!({"op":"subscribe","group":"g3"})).await;
    let e = w.expect("error").await;
    assert!(e["code"] == "limit" || e["code"] == "rate_limited", "{e}");
    tokio::time::sleep(Duration::from_millis(10)).await;
}

#[tokio::test]
async fn connections_over_the_cap_get_503() {
    let relay = TestRelay::start(|c| c.max_connections = 2).await;
    let _a = relay.ws(&relay.tokens.desk_a).await;
    let _b = relay.ws(&relay.tokens.desk_a).await;
    let (st, body) = relay.get("/healthz", None).await;
    assert_eq!(st, 503);
    assert!(body.contains("overloaded"));
}

#[tokio::test]
async fn an_answer_in_an_unsupported_format_version_is_refused_as_unsupported_version() {
    let relay = TestRelay::start(|_| {}).await;
    let vectors: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("protocol/tests/vectors.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let current = vectors["response"]["qr_text"].as_str().unwrap();
    let prefix = format!("FDA{FORMAT_VERSION}:");
    assert!(current.starts_with(&prefix), "{current}");
    let newer = current.replacen(&prefix, &format!("FDA{}:", FORMAT_VERSION + 1), 1);
    let post = |text: String| {
        let relay = &relay;
        async move {
            relay
                .post(
                    "/api/submissions",
                    &relay.tokens.device_a,
                    &json!({ "response": text }),
                )
                .await
        }
    };
    let (st, e) = post(newer).await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (400, Some("unsupported_version")),
        "{e}"
    );
    let message = e["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("version {}", FORMAT_VERSION + 1)) && message.contains("update"),
        "{message}"
    );
    // The same answer in the current version is read; only its request is unknown here.
    let (st, e) = post(current.to_string()).await;
    assert_eq!((st, e["error"]["code"].as_str()), (404, Some("not_found")));
}
