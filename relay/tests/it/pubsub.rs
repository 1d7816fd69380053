//! Subscribe / publish / direct send, org groups, once-subscriptions.

use serde_json::json;

use crate::util::TestRelay;

#[tokio::test]
async fn publish_reaches_every_subscriber_of_the_group_including_the_sender() {
    let relay = TestRelay::start(|_| {}).await;
    let mut a = relay.ws(&relay.tokens.desk_a).await;
    let mut b = relay.ws(&relay.tokens.device_a).await;
    a.subscribe("chat", false).await;
    b.subscribe("chat", false).await;
    a.send(json!({"op":"publish","group":"chat","data":{"n":1}}))
        .await;
    for c in [&mut a, &mut b] {
        let ev = c.expect("event").await;
        assert_eq!(ev["group"], "chat");
        assert_eq!(ev["data"]["n"], 1);
    }
    let ev_from = {
        b.send(json!({"op":"publish","group":"chat","data":"x"}))
            .await;
        b.expect("event").await["from"].clone()
    };
    assert_eq!(ev_from, b.conn.as_str());
}

#[tokio::test]
async fn unsubscribed_windows_stop_receiving() {
    let relay = TestRelay::start(|_| {}).await;
    let mut a = relay.ws(&relay.tokens.desk_a).await;
    let mut b = relay.ws(&relay.tokens.desk_a).await;
    b.subscribe("g", false).await;
    b.send(json!({"op":"unsubscribe","group":"g"})).await;
    let u = b.expect("unsubscribed").await;
    assert_eq!(u["reason"], "client");
    a.send(json!({"op":"publish","group":"g","data":1})).await;
    b.silent(300).await;
}

#[tokio::test]
async fn direct_send_reaches_only_that_connection_of_the_same_desk() {
    let relay = TestRelay::start(|_| {}).await;
    let mut a = relay.ws(&relay.tokens.desk_a).await;
    let mut b = relay.ws(&relay.tokens.device_a).await;
    let mut c = relay.ws(&relay.tokens.desk_a).await;
    let mut other = relay.ws(&relay.tokens.desk_b).await;
    a.send(json!({"op":"send","to": b.conn, "data": {"hi": true}}))
        .await;
    let ev = b.expect("event").await;
    assert_eq!(ev["from"], a.conn.as_str());
    assert!(ev.get("group").is_none());
    c.silent(200).await;
    // Another desk cannot address this desk's connections.
    other
        .send(json!({"op":"send","to": b.conn, "data": 1}))
        .await;
    assert_eq!(other.expect("error").await["code"], "not_found");
    b.silent(200).await;
}

#[tokio::test]
async fn once_subscription_ends_after_the_first_delivery() {
    let relay = TestRelay::start(|_| {}).await;
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    w.subscribe("form.visit", true).await;
    let (s1, _) = relay.submit(&relay.tokens.device_a, None, "Ann").await;
    assert_eq!(s1, 201);
    assert_eq!(
        w.expect("submission").await["payload"]["values"]["given_name"],
        "Ann"
    );
    let u = w.expect("unsubscribed").await;
    assert_eq!(
        (u["group"].as_str(), u["reason"].as_str()),
        (Some("form.visit"), Some("once"))
    );
    let (s2, body) = relay.submit(&relay.tokens.device_a, None, "Bob").await;
    assert_eq!((s2, body["delivered_to"].as_u64()), (201, Some(0)));
    w.silent(300).await;
}

#[tokio::test]
async fn org_groups_take_subscribers_from_any_desk_and_publishes_from_admins_only() {
    let relay = TestRelay::start(|_| {}).await;
    let mut a = relay.ws(&relay.tokens.desk_a).await;
    let mut b = relay.ws(&relay.tokens.desk_b).await;
    a.subscribe("org.news", false).await;
    b.subscribe("org.news", false).await;
    a.send(json!({"op":"publish","group":"org.news","data":"x"}))
        .await;
    assert_eq!(a.expect("error").await["code"], "forbidden");
    let (st, _) = relay
        .post(
            "/api/groups/org.news/events",
            &relay.tokens.integration,
            &json!({"data": 1}),
        )
        .await;
    assert_eq!(st, 403);
    let (st, body) = relay
        .post(
            "/api/groups/org.news/events",
            &relay.tokens.admin,
            &json!({"data": "closing at 5"}),
        )
        .await;
    assert_eq!((st, body["delivered_to"].as_u64()), (200, Some(2)));
    for c in [&mut a, &mut b] {
        assert_eq!(c.expect("event").await["data"], "closing at 5");
    }
}

#[tokio::test]
async fn integrations_publish_events_to_a_named_desk_group() {
    let relay = TestRelay::start(|_| {}).await;
    let mut a = relay.ws(&relay.tokens.desk_a).await;
    a.subscribe("queue", false).await;
    let body = json!({"desk": "desk-a", "data": {"ticket": 42}});
    let (st, res) = relay
        .post("/api/groups/queue/events", &relay.tokens.integration, &body)
        .await;
    assert_eq!((st, res["delivered_to"].as_u64()), (200, Some(1)));
    assert_eq!(a.expect("event").await["data"]["ticket"], 42);
    let (st, _) = relay
        .post("/api/groups/queue/events", &relay.tokens.desk_a, &body)
        .await;
    assert_eq!(st, 403, "desk tokens do not publish over REST");
}

#[tokio::test]
async fn ping_gets_pong_and_health_and_metrics_answer() {
    let relay = TestRelay::start(|_| {}).await;
    let mut a = relay.ws(&relay.tokens.desk_a).await;
    a.send(json!({"op":"ping","id":"p1"})).await;
    assert_eq!(a.expect("pong").await["id"], "p1");
    let (st, body) = relay.get("/healthz", None).await;
    assert_eq!((st, body.contains("ok")), (200, true));
    let (st, m) = relay.get("/metrics", None).await;
    assert_eq!(st, 200);
    for name in [
        "formdesk_relay_connections",
        "formdesk_relay_submissions_stored",
        "formdesk_relay_deliveries_dropped_slow",
    ] {
        assert!(m.contains(name), "{name} in metrics");
    }
    assert!(m.contains("formdesk_relay_connections 1"), "{m}");
}

#[tokio::test]
async fn a_desk_pairs_a_device_token_for_itself_and_can_revoke_it() {
    let relay = TestRelay::start(|_| {}).await;
    let (st, t) = relay
        .post(
            "/api/tokens",
            &relay.tokens.desk_a,
            &json!({"role":"device","label":"phone"}),
        )
        .await;
    assert_eq!(
        (st, t["desk"].as_str(), t["role"].as_str()),
        (201, Some("desk-a"), Some("device")),
        "{t}"
    );
    let phone = t["secret"].as_str().unwrap().to_string();
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    w.subscribe("form.visit", false).await;
    assert_eq!(relay.submit(&phone, None, "Ann").await.0, 201);
    w.expect("submission").await;
    let (st, _) = relay
        .post(
            "/api/tokens",
            &relay.tokens.desk_a,
            &json!({"role":"admin"}),
        )
        .await;
    assert_eq!(st, 403);
    let (st, _) = relay
        .post(
            "/api/tokens",
            &relay.tokens.desk_b,
            &json!({"role":"device","desk":"desk-a"}),
        )
        .await;
    assert_eq!(
        st, 201,
        "a desk's device tokens are bound to that desk whatever it names"
    );
    let res = reqwest::Client::new()
        .delete(relay.url(&format!("/api/tokens/{}", t["id"].as_str().unwrap())))
        .bearer_auth(&relay.tokens.desk_b)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404, "another desk cannot revoke it");
    let res = reqwest::Client::new()
        .delete(relay.url(&format!("/api/tokens/{}", t["id"].as_str().unwrap())))
        .bearer_auth(&relay.tokens.desk_a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(relay.submit(&phone, None, "Bob").await.0, 401);
}
