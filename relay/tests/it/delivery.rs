//! Delivery semantics: durable 201, pending delivery on later subscribe, redelivery over
//! repeated reconnects, ack deletes content (not found in any file), TTL expiry, slow
//! consumers disconnected with 4008 and redelivered.

use std::time::Duration;

use formdesk_relay::store::AuditState;
use serde_json::json;

use crate::util::{any_file_contains, TestRelay};

#[tokio::test]
async fn a_window_that_subscribes_later_gets_pending_submissions() {
    let relay = TestRelay::start(|_| {}).await;
    let (st, body) = relay.submit(&relay.tokens.device_a, None, "Early").await;
    assert_eq!((st, body["delivered_to"].as_u64()), (201, Some(0)));
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    w.subscribe("form.visit", false).await;
    let s = w.expect("submission").await;
    assert_eq!(s["id"], body["id"]);
    assert_eq!(s["form"], "visit");
    assert_eq!(s["payload"]["kind"], "plain");
}

#[tokio::test]
async fn unacknowledged_submissions_are_redelivered_on_every_reconnect_until_acked() {
    let relay = TestRelay::start(|_| {}).await;
    let mut ids = Vec::new();
    for name in ["A", "B", "C"] {
        let (st, body) = relay.submit(&relay.tokens.device_a, None, name).await;
        assert_eq!(st, 201);
        ids.push(body["id"].as_str().unwrap().to_string());
    }
    for cycle in 0..6 {
        let mut w = relay.ws(&relay.tokens.desk_a).await;
        w.subscribe("form.visit", false).await;
        let mut got = Vec::new();
        for _ in 0..ids.len() {
            got.push(
                w.expect("submission").await["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        assert_eq!(
            got, ids,
            "cycle {cycle}: every pending submission, oldest first"
        );
        w.silent(100).await;
        if cycle == 5 {
            for id in &ids {
                w.ack(id).await;
            }
        }
        // Drop without ack (abrupt disconnect) on the other cycles.
    }
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    w.subscribe("form.visit", false).await;
    w.silent(300).await;
    assert_eq!(relay.store.pending_count(), 0);
}

#[tokio::test]
async fn ack_deletes_the_content_from_every_file_and_keeps_an_audit_record() {
    let mut relay = TestRelay::start(|_| {}).await;
    let secret = "Zebediah-Quixote-7731";
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    w.subscribe("form.visit", false).await;
    let (st, body) = relay.submit(&relay.tokens.device_a, None, secret).await;
    assert_eq!(st, 201);
    let id = body["id"].as_str().unwrap().to_string();
    let s = w.expect("submission").await;
    assert_eq!(s["payload"]["values"]["given_name"], secret);
    w.ack(&id).await;
    relay.stop().await;
    // Content is sealed before it reaches sled: the value never appears in any file.
    assert!(!any_file_contains(&relay.data_dir(), secret.as_bytes()));
    assert!(
        relay.store.submission(&id).unwrap().is_none(),
        "record gone"
    );
    let audit = relay.store.audit(&id).unwrap().unwrap();
    assert_eq!(audit.state, AuditState::Acked);
    assert_eq!(audit.form, "visit");
    assert!(audit.deliveries >= 1);
}

#[tokio::test]
async fn acking_twice_is_fine_and_unknown_ids_are_not_found() {
    let relay = TestRelay::start(|_| {}).await;
    let (_, body) = relay.submit(&relay.tokens.device_a, None, "Ann").await;
    let id = body["id"].as_str().unwrap();
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    w.ack(id).await;
    w.ack(id).await;
    w.send(json!({"op":"ack","submission":"0000nope"})).await;
    let e = w.expect("error").await;
    assert_eq!(
        (e["code"].as_str(), e["ref"].as_str()),
        (Some("not_found"), Some("0000nope"))
    );
}

#[tokio::test]
async fn unacknowledged_submissions_expire_after_the_ttl_and_their_key_is_deleted() {
    let relay = TestRelay::start(|c| {
        c.submission_ttl = Duration::from_millis(300);
        c.epoch_length = Duration::from_millis(100);
    })
    .await;
    let (st, body) = relay.submit(&relay.tokens.device_a, None, "Ann").await;
    assert_eq!(st, 201);
    let id = body["id"].as_str().unwrap().to_string();
    let epoch_keys = || {
        std::fs::read_dir(relay.data_dir().join("keys"))
            .unwrap()
            .count()
    };
    assert!(epoch_keys() >= 1);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while relay.store.submission(&id).unwrap().is_some() {
        assert!(tokio::time::Instant::now() < deadline, "expired in time");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        relay.store.audit(&id).unwrap().unwrap().state,
        AuditState::Expired
    );
    let mut w = relay.ws(&relay.tokens.desk_a).await;
    w.subscribe("form.visit", false).await;
    w.silent(300).await;
    let (_, m) = relay.get("/metrics", None).await;
    assert!(
        m.contains("formdesk_relay_submissions_expired_total 1"),
        "{m}"
    );
}

#[tokio::test]
async fn a_slow_consumer_is_disconnected_with_4008_and_gets_everything_on_reconnect() {
    let relay = TestRelay::start(|c| c.outbox_capacity = 4).await;
    let mut slow = relay.ws(&relay.tokens.desk_a).await;
    slow.subscribe("form.visit", false).await;
    // Fill the socket buffers and the outbox without reading, until the relay gives up on it.
    let big = "x".repeat(50_000);
    let mut ids = Vec::new();
    for i in 0..600 {
        let body = json!({"form":"visit","values":{"given_name":"Ann","note": big}});
        let (st, res) = relay
            .post("/api/submissions", &relay.tokens.device_a, &body)
            .await;
        assert_eq!(st, 201, "every submission durable");
        ids.push(res["id"].as_str().unwrap().to_string());
        if i % 10 == 9 {
            let (_, m) = relay.get("/metrics", None).await;
            if !m.contains("formdesk_relay_deliveries_dropped_slow_total 0") {
                break;
            }
        }
    }
    assert!(ids.len() < 600, "the slow consumer was dropped");
    assert_eq!(slow.closed().await, 4008);
    // Back again: every submission still pending, delivered in batches as they are acked.
    let mut got = std::collections::HashSet::new();
    for _round in 0..10 {
        let mut w = relay.ws(&relay.tokens.desk_a).await;
        w.subscribe("form.visit", false).await;
        loop {
            tokio::select! {
                v = w.recv() => {
                    if v["type"] == "acked" {
                        continue;
                    }
                    assert_eq!(v["type"], "submission", "{v}");
                    let id = v["id"].as_str().unwrap().to_string();
                    w.send(json!({"op":"ack","submission": id})).await;
                    got.insert(id);
                }
                _ = tokio::time::sleep(Duration::from_millis(300)) => break,
            }
        }
        if got.len() == ids.len() {
            break;
        }
    }
    assert_eq!(
        got.len(),
        ids.len(),
        "every accepted submission delivered after the drop"
    );
}
