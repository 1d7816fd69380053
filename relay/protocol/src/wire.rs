//! Websocket and REST wire types of relay protocol v1 (JSON, serde).
//!
//! The relay (`formdesk-relay`), the desktop app and tests share these types, so a message
//! has one definition. Every message is documented with examples in `docs/protocol.md`.
//! Websocket frames: the client sends [`ClientOp`] (tagged by `op`), the relay sends
//! [`ServerEvent`] (tagged by `type`). Groups are always named relative to the client's desk.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Version of the websocket protocol, sent in the `hello` event.
pub const PROTOCOL_VERSION: u32 = 1;

/// Close code: the relay is shutting down (standard "going away").
pub const CLOSE_SHUTDOWN: u16 = 1001;
/// Close code: a disallowed `Origin` or a protocol violation (standard "policy violation").
pub const CLOSE_POLICY: u16 = 1008;
/// Close code: missing, bad or revoked token.
pub const CLOSE_AUTH: u16 = 4001;
/// Close code: no frame from the client within the heartbeat timeout.
pub const CLOSE_HEARTBEAT: u16 = 4003;
/// Close code: the client did not read fast enough and its bounded outbox filled up.
/// Nothing is lost: its pending submissions are redelivered when it comes back.
pub const CLOSE_SLOW: u16 = 4008;

/// One operation sent by a websocket client (a JSON text frame).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientOp {
    /// Authenticate, when the token was not given on the upgrade request. Must come first.
    Auth { token: String },
    /// Join a group; `once`: leave it again after the first delivery.
    Subscribe {
        group: String,
        #[serde(default)]
        once: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    /// Leave a group.
    Unsubscribe {
        group: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    /// Fire-and-forget event to every subscriber of a group (the sender included if subscribed).
    Publish { group: String, data: Value },
    /// Fire-and-forget event to one connection (its `conn` id from `hello`), same desk only.
    Send { to: String, data: Value },
    /// The window has the submission: the relay deletes its content.
    Ack { submission: String },
    /// Application-level ping; answered by `pong`.
    Ping {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    /// Ask the relay to create and sign a request QR; answered by `request_created`.
    CreateRequest {
        form: String,
        keys: Vec<String>,
        /// The window's ephemeral X25519 public key (base64url, no padding).
        eph_pub: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        desk_label: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
}

/// Why the relay ended a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnsubscribeReason {
    /// A `once` subscription got its first delivery.
    Once,
    /// The client asked.
    Client,
}

/// One message pushed by the relay (a JSON text frame).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    /// First message on every authenticated connection.
    Hello {
        v: u32,
        conn: String,
        desk: Option<String>,
        role: String,
    },
    /// The subscription is active: deliveries to the group from now on reach this window.
    Subscribed {
        group: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    /// The subscription ended.
    Unsubscribed {
        group: String,
        reason: UnsubscribeReason,
    },
    /// An event published to a group (or sent directly: then `group` is absent).
    Event {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        data: Value,
    },
    /// A stored submission (delivered at least once until acknowledged).
    Submission(Submission),
    /// The relay processed an `ack`: the content is deleted.
    Acked { submission: String },
    /// Answer to `ping`.
    Pong {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    /// Answer to `create_request`.
    RequestCreated(RequestCreated),
    /// Something the client sent was refused; the connection stays open.
    Error {
        code: String,
        message: String,
        /// The `id` of the operation that failed, when it had one.
        #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
}

/// A submission as delivered to a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub id: String,
    /// The group it was delivered to, relative to the desk (`form.<form>`, `req.<id>`, ...).
    pub group: String,
    pub form: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Unix time in milliseconds when the relay accepted it.
    pub created_at: u64,
    pub payload: SubmissionPayload,
}

/// What a submission carries: plain field values, or a sealed QR response only the window
/// holding the request's ephemeral key can open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SubmissionPayload {
    Plain { values: Map<String, Value> },
    Sealed { qr: String },
}

/// `POST /api/submissions` body: either `form` + `values` (plain) or `response` (sealed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionCreate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Map<String, Value>>,
    /// Desk-relative target group; default `form.<form>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Route plain values to the window of this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// A sealed response QR text (`FDA1:...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    /// Target desk; required for integration and admin tokens, ignored for desk-bound ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<String>,
}

/// `201` answer to `POST /api/submissions`: durable on disk, pushed to `delivered_to` windows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionCreated {
    pub id: String,
    pub delivered_to: usize,
}

/// `POST /api/groups/<group>/events` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventCreate {
    pub data: Value,
    /// Target desk for desk-scoped groups (integration/admin tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<String>,
}

/// Answer to `POST /api/groups/<group>/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventPublished {
    pub delivered_to: usize,
}

/// `POST /api/requests` body (the REST twin of the `create_request` op).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestCreate {
    pub form: String,
    pub keys: Vec<String>,
    pub eph_pub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<String>,
}

/// A created request: the QR text to show, and where its answer will be delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestCreated {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub request_id: String,
    /// The group the window subscribes (once) to receive the answer: `req.<request_id>`.
    pub group: String,
    /// The request QR text (`FDR1:...`), signed with the office key.
    pub qr: String,
    /// Unix time in seconds.
    pub expires_at: u64,
    /// Short code shown by the window and the wallet, so the citizen can check the pairing.
    pub match_code: String,
}

/// Answer to `POST /api/requests/<id>/receipt`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiptCreated {
    /// The office-signed deletion receipt QR text (`FDD1:...`).
    pub receipt: String,
}

/// Answer to `GET /api/office-key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeKeyInfo {
    pub name: String,
    /// Ed25519 public key, base64url without padding.
    pub public_key: String,
    /// The office key QR text (`FDK1:...`) to add to a wallet's trusted offices.
    pub qr: String,
}

/// Every HTTP error body: `{"error":{"code","message"}}` (+ `fields` for schema violations).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// See [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// One schema violation: which field, and why (never the value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subscribe_op_parses_with_defaults() {
        let op: ClientOp =
            serde_json::from_value(json!({"op":"subscribe","group":"form.a"})).unwrap();
        assert_eq!(
            op,
            ClientOp::Subscribe {
                group: "form.a".into(),
                once: false,
                id: None
            }
        );
    }

    #[test]
    fn submission_event_is_flat_and_tagged() {
        let ev = ServerEvent::Submission(Submission {
            id: "s1".into(),
            group: "form.a".into(),
            form: "a".into(),
            request_id: None,
            created_at: 1,
            payload: SubmissionPayload::Sealed {
                qr: "FDA1:X".into(),
            },
        });
        let v = serde_json::to_value(&ev).unwrap();
        assert_eq!(v["type"], "submission");
        assert_eq!(v["payload"]["kind"], "sealed");
        assert_eq!(serde_json::from_value::<ServerEvent>(v).unwrap(), ev);
    }

    #[test]
    fn unknown_op_is_an_error() {
        assert!(serde_json::from_str::<ClientOp>(r#"{"op":"dance"}"#).is_err());
    }
}
