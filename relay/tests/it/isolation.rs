//! Desk isolation: group names are relative to the token's desk, so another desk's window
//! never receives this desk's submissions or events, even with the same group name.

use serde_json::json;

use crate::util::TestRelay;

#[tokio::test]
async fn another_desks_window_never_receives_submissions_or_events() {
    let relay = TestRelay::start(|_| {}).await;
    let mut mine = relay.ws(&relay.tokens.desk_a).await;
    let mut theirs = relay.ws(&relay.tokens.desk_b).await;
    for c in [&mut mine, &mut theirs] {
        c.subscribe("form.visit", false).await;
        c.subscribe("chat", false).await;
    }
    let (st, body) = relay.submit(&relay.tokens.device_a, None, "Ann").await;
    assert_eq!((st, body["delivered_to"].as_u64()), (201, Some(1)));
    mine.send(json!({"op":"publish","group":"chat","data":"private"}))
        .await;
    assert_eq!(mine.expect("submission").await["group"], "form.visit");
    assert_eq!(mine.expect("event").await["data"], "private");
    theirs.silent(400).await;
}

#[tokio::test]
async fn another_desk_cannot_ack_or_claim_what_is_not_its_own() {
    let relay = TestRelay::start(|_| {}).await;
    let (st, body) = relay.submit(&relay.tokens.desk_a, None, "Ann").await;
    assert_eq!(st, 201);
    let id = body["id"].as_str().unwrap().to_string();
    let mut theirs = relay.ws(&relay.tokens.desk_b).await;
    theirs.send(json!({"op":"ack","submission": id})).await;
    assert_eq!(theirs.expect("error").await["code"], "not_found");
    // Still pending for desk A.
    let mut mine = relay.ws(&relay.tokens.desk_a).await;
    mine.subscribe("form.visit", false).await;
    assert_eq!(mine.expect("submission").await["id"], id.as_str());
}

#[tokio::test]
async fn integration_submissions_need_a_desk_and_reach_only_it() {
    let relay = TestRelay::start(|_| {}).await;
    let mut b = relay.ws(&relay.tokens.desk_b).await;
    b.subscribe("form.visit", false).await;
    let body = json!({"form":"visit","values":{"given_name":"Ann"}});
    let (st, err) = relay
        .post("/api/submissions", &relay.tokens.integration, &body)
        .await;
    assert_eq!(
        (st, err["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
    let body = json!({"form":"visit","values":{"given_name":"Ann"},"desk":"desk-a"});
    let (st, res) = relay
        .post("/api/submissions", &relay.tokens.integration, &body)
        .await;
    assert_eq!((st, res["delivered_to"].as_u64()), (201, Some(0)));
    b.silent(300).await;
}
