//! Request records: where the answer to a request QR must go. `create` signs a request
//! with the office key (via formdesk-protocol) and records request id → desk, form and
//! expiry; the window that asked subscribes `req.<request_id>` once. A response is accepted
//! once: `claim` marks the record answered atomically (unknown 404, expired 410, answered
//! 409). `receipt` signs a deletion receipt once the answer's content is deleted, or once
//! an unanswered request expired (nothing received).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use formdesk_protocol::error::Error as ProtocolError;
use formdesk_protocol::qr::{self, RequestBody, RequestParams};
use formdesk_protocol::wire::RequestCreated;
use rand_core::OsRng;
use serde::{Deserialize, Serialize};

use crate::auth::{Principal, Role};
use crate::error::{Error, Result};
use crate::group::Group;
use crate::ids::now_ms;
use crate::node::Node;
use crate::store::AuditState;
use crate::store::{decode, Store};

/// What a window asks for.
pub struct NewRequest<'a> {
    pub desk: &'a str,
    pub form: &'a str,
    pub keys: &'a [String],
    /// The window's ephemeral X25519 public key, base64url (no padding).
    pub eph_pub: &'a str,
    pub desk_label: Option<&'a str>,
}

/// A stored request record (no personal data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    pub request_id: String,
    pub desk: String,
    pub form: String,
    /// Unix milliseconds.
    pub created_at: u64,
    /// Unix seconds (as in the signed request).
    pub expires_at: u64,
    /// The submission id of the accepted answer.
    pub answered: Option<String>,
    /// The requested vocabulary keys.
    #[serde(default)]
    pub keys: Vec<String>,
}

/// Signs a new request for a desk's window and records where its answer goes.
pub fn create(node: &Node, new: NewRequest<'_>) -> Result<RequestCreated> {
    let form = node
        .forms
        .get(new.form)
        .ok_or_else(|| Error::UnknownForm(new.form.to_string()))?;
    let eph = URL_SAFE_NO_PAD
        .decode(new.eph_pub.trim_end_matches('='))
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| {
            Error::BadRequest("eph_pub must be a 32-byte X25519 key in base64url".into())
        })?;
    let now_s = now_ms() / 1000;
    let params = RequestParams {
        office_name: node.office.name.clone(),
        desk_label: new.desk_label.unwrap_or(new.desk).to_string(),
        contact: String::new(),
        ephemeral_public: eph,
        now: now_s,
        ttl_minutes: (node.config.request_ttl.as_secs() / 60).clamp(1, u32::MAX as u64) as u32,
    };
    let body = RequestBody::for_form(form, new.keys, params, &mut OsRng)
        .map_err(|e| Error::BadRequest(e.to_string()))?;
    let text =
        qr::sign_request(node.office.key(), &body).map_err(|e| Error::BadRequest(e.to_string()))?;
    let rec = RequestRecord {
        request_id: body.request_id.to_hex(),
        desk: new.desk.to_string(),
        form: form.id.clone(),
        created_at: now_ms(),
        expires_at: body.expires_at,
        answered: None,
        keys: body.keys().into_iter().map(str::to_string).collect(),
    };
    put(&node.store, &rec)?;
    tracing::info!(request = %rec.request_id, form = %rec.form, "request created");
    Ok(RequestCreated {
        id: None,
        group: group_of(&rec).name,
        request_id: rec.request_id,
        qr: text,
        expires_at: body.expires_at,
        match_code: qr::match_code(&body),
    })
}

/// The group the answer to `rec` is delivered to.
pub fn group_of(rec: &RequestRecord) -> Group {
    Group::for_desk(&rec.desk, &format!("req.{}", rec.request_id))
}

/// A request record by id.
pub fn get(store: &Store, request_id: &str) -> Result<Option<RequestRecord>> {
    match store.requests().get(request_id.as_bytes())? {
        Some(v) => Ok(Some(decode(&v)?)),
        None => Ok(None),
    }
}

/// Saves a request record.
pub fn put(store: &Store, rec: &RequestRecord) -> Result<()> {
    let v = serde_json::to_vec(rec).map_err(|e| Error::Data(e.to_string()))?;
    store.requests().insert(rec.request_id.as_bytes(), v)?;
    Ok(())
}

/// Marks a request answered by `submission` (once). `desk`: the caller's desk, when bound
/// to one (another desk's request is "unknown").
pub fn claim(
    store: &Store,
    request_id: &str,
    desk: Option<&str>,
    submission: &str,
) -> Result<RequestRecord> {
    let unknown = || Error::NotFound("unknown request".into());
    loop {
        let old = store
            .requests()
            .get(request_id.as_bytes())?
            .ok_or_else(unknown)?;
        let mut rec: RequestRecord = decode(&old)?;
        if desk.is_some_and(|d| d != rec.desk) {
            return Err(unknown());
        }
        if rec.answered.is_some() {
            return Err(Error::Conflict("this request was already answered".into()));
        }
        if now_ms() / 1000 > rec.expires_at {
            return Err(Error::Gone("the request has expired".into()));
        }
        rec.answered = Some(submission.to_string());
        let new = serde_json::to_vec(&rec).map_err(|e| Error::Data(e.to_string()))?;
        let swapped =
            store
                .requests()
                .compare_and_swap(request_id.as_bytes(), Some(old), Some(new))?;
        if swapped.is_ok() {
            return Ok(rec);
        }
    }
}

/// The request id a sealed response QR answers (read without opening it). A response in
/// another format version is `unsupported_version`, any other unreadable text `bad_request`.
pub fn peek_request_id(qr_text: &str) -> Result<String> {
    let header = qr::peek_response(qr_text).map_err(|e| match e {
        ProtocolError::UnsupportedVersion { found, .. } => Error::UnsupportedVersion(format!(
            "this answer uses QR format version {found}, but this relay reads version {} \
             only: update the citizen's wallet or the office's FormDesk software",
            qr::FORMAT_VERSION
        )),
        e => Error::BadRequest(format!("response: {e}")),
    })?;
    Ok(header.request_id.to_hex())
}

/// Deletes request records whose expiry passed more than `keep_ms` ago.
pub fn purge(store: &Store, now_ms: u64, keep_ms: u64) -> Result<usize> {
    let mut n = 0;
    for item in store.requests().iter() {
        let (k, v) = item?;
        let rec: RequestRecord = decode(&v)?;
        if rec.expires_at * 1000 + keep_ms < now_ms {
            store.requests().remove(k)?;
            n += 1;
        }
    }
    Ok(n)
}

/// Signs the deletion receipt of a request: answered, once the relay deleted the answer
/// (acknowledged or expired; `relay_deleted_at` = then); unanswered, once the request
/// expired (`fields_received` = [], `relay_deleted_at` = its expiry: nothing was received,
/// nothing is held). `fields_received`: the keys the window got as shared values (must have
/// been requested; `None` = every requested key, or none for an expired request).
pub fn receipt(
    node: &Node,
    who: &Principal,
    request_id: &str,
    fields_received: Option<Vec<String>>,
) -> Result<String> {
    let rec =
        get(&node.store, request_id)?.ok_or_else(|| Error::NotFound("unknown request".into()))?;
    if who.role != Role::Admin && who.desk.as_deref() != Some(rec.desk.as_str()) {
        return Err(Error::NotFound("unknown request".into()));
    }
    let (fields, deleted_at) = match rec.answered.as_deref() {
        Some(sub) => {
            let fields = fields_received.unwrap_or_else(|| rec.keys.clone());
            (fields, answer_deleted_at(&node.store, sub)?)
        }
        None => (expired_fields(&rec, fields_received)?, rec.expires_at),
    };
    if let Some(k) = fields.iter().find(|k| !rec.keys.contains(k)) {
        return Err(Error::BadRequest(format!("{k} was not requested")));
    }
    let form = node.forms.get(&rec.form);
    let body = qr::ReceiptBody {
        request_id: parse_request_id(&rec.request_id)?,
        form_id: rec.form.clone(),
        office_name: node.office.name.clone(),
        fields_received: fields,
        relay_deleted_at: deleted_at,
        office_retains: form
            .map(|f| format!("the completed form \"{}\"", f.title))
            .unwrap_or_default(),
        office_retention_days: form.map(|f| f.retention_days).unwrap_or(0),
        issued_at: now_ms() / 1000,
    };
    qr::sign_receipt(node.office.key(), &body).map_err(|e| Error::Data(e.to_string()))
}

/// When the relay deleted the content of the answer `sub` (unix seconds): once a window
/// acknowledged it or it expired unacknowledged; before that, `409`.
fn answer_deleted_at(store: &Store, sub: &str) -> Result<u64> {
    let audit = store
        .audit(sub)?
        .ok_or_else(|| Error::Conflict("the answer is still being stored".into()))?;
    match (audit.state, audit.finished_at) {
        (AuditState::Acked | AuditState::Expired, Some(t)) => Ok(t / 1000),
        _ => Err(Error::Conflict(
            "the answer is not deleted yet (acknowledge it first)".into(),
        )),
    }
}

/// A request without an answer: once it expired (no answer can be accepted any more), the
/// receipt says nothing was received and nothing is held. Before that, `409`.
fn expired_fields(rec: &RequestRecord, asked: Option<Vec<String>>) -> Result<Vec<String>> {
    if now_ms() / 1000 <= rec.expires_at {
        return Err(Error::Conflict(format!(
            "the request has no answer yet and has not expired: a receipt is signed once \
             its answer is deleted, or after it expires (at {} unix seconds)",
            rec.expires_at
        )));
    }
    match asked {
        Some(keys) if !keys.is_empty() => Err(Error::BadRequest(
            "the request expired without an answer: fields_received must be empty".into(),
        )),
        _ => Ok(Vec::new()),
    }
}

fn parse_request_id(hex: &str) -> Result<qr::RequestId> {
    let mut out = [0u8; 16];
    if hex.len() != 32 {
        return Err(Error::Data("bad request id".into()));
    }
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
            .map_err(|_| Error::Data("bad request id".into()))?;
    }
    Ok(qr::RequestId(out))
}
