//! Submissions: accept (validate, seal, store durably, push), redeliver pending ones to a
//! window that subscribes, acknowledge (delete content, keep the audit record) and expire.
//!
//! Knows nothing of HTTP or websockets: `api` and `session` call it. Guarantee: a
//! submission is on disk before `accept_*` returns, and stays there (sealed with its epoch
//! key) until a window of its desk acknowledges it or the TTL expires it.

use std::time::Instant;

use formdesk_protocol::wire::{FieldError, ServerEvent, Submission, SubmissionPayload};
use serde_json::{Map, Value};

use crate::auth::{Principal, Role};
use crate::error::{Error, Result};
use crate::group::Group;
use crate::hub::Outgoing;
use crate::ids::{new_submission_id, now_ms};
use crate::node::Node;
use crate::requests;
use crate::store::{AuditState, StoredSubmission};

/// A stored submission: its id and how many windows it was pushed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub id: String,
    pub delivered_to: usize,
}

/// Where a plain submission goes.
pub struct PlainTarget<'a> {
    pub desk: &'a str,
    pub form: &'a str,
    pub group: Option<&'a str>,
    pub request_id: Option<&'a str>,
}

/// Validates plain values against the form's schema, stores them durably and pushes them.
pub async fn accept_plain(
    node: &Node,
    to: PlainTarget<'_>,
    values: Map<String, Value>,
) -> Result<Accepted> {
    let started = Instant::now();
    let form = node
        .forms
        .get(to.form)
        .ok_or_else(|| Error::UnknownForm(to.form.to_string()))?;
    let data = Value::Object(values);
    form.validate(&data).map_err(|e| {
        Error::Invalid(
            e.errors
                .into_iter()
                .map(|f| FieldError {
                    field: f.field,
                    message: f.message,
                })
                .collect(),
        )
    })?;
    let Value::Object(values) = data else {
        unreachable!("validated an object")
    };
    let id = new_submission_id(now_ms());
    let (group, request_id) = match to.request_id {
        Some(rid) => {
            let rec = requests::claim(&node.store, rid, Some(to.desk), &id)?;
            (requests::group_of(&rec), Some(rec.request_id))
        }
        None => {
            let name = to
                .group
                .map(str::to_string)
                .unwrap_or_else(|| format!("form.{}", to.form));
            let g = Group::resolve(Some(to.desk), &name)?;
            if g.is_org() {
                return Err(Error::Forbidden(
                    "submissions go to desk groups, not org groups".into(),
                ));
            }
            (g, None)
        }
    };
    let payload = SubmissionPayload::Plain { values };
    store_and_push(
        node,
        id,
        group,
        to.form.to_string(),
        request_id,
        payload,
        started,
    )
    .await
}

/// Routes a sealed response QR (`FDA1:...`) to the window of its request, unread.
pub async fn accept_sealed(node: &Node, who: &Principal, qr: &str) -> Result<Accepted> {
    let started = Instant::now();
    let rid = requests::peek_request_id(qr)?;
    let desk_filter = match who.role {
        Role::Desk | Role::Device => who.desk.as_deref(),
        Role::Integration | Role::Admin => None,
    };
    let id = new_submission_id(now_ms());
    let rec = requests::claim(&node.store, &rid, desk_filter, &id)?;
    let group = requests::group_of(&rec);
    let payload = SubmissionPayload::Sealed { qr: qr.to_string() };
    store_and_push(
        node,
        id,
        group,
        rec.form.clone(),
        Some(rec.request_id),
        payload,
        started,
    )
    .await
}

async fn store_and_push(
    node: &Node,
    id: String,
    group: Group,
    form: String,
    request_id: Option<String>,
    payload: SubmissionPayload,
    started: Instant,
) -> Result<Accepted> {
    if node.store.pending_count() >= node.config.max_pending {
        tracing::warn!(
            pending = node.store.pending_count(),
            "refusing submission: pending cap reached"
        );
        return Err(Error::Overloaded("too many undelivered submissions".into()));
    }
    let created_at = crate::ids::submission_time(&id).unwrap_or_else(now_ms);
    let epoch = node.keys.epoch_of(created_at);
    let plain = serde_json::to_vec(&payload).map_err(|e| Error::Data(e.to_string()))?;
    let sealed = node.keys.seal(epoch, id.as_bytes(), &plain)?;
    let stored = StoredSubmission {
        id: id.clone(),
        desk: group.desk.clone(),
        group: group.key.clone(),
        form: form.clone(),
        request_id: request_id.clone(),
        created_at,
        epoch,
        sealed,
    };
    node.store.insert_submission(&stored)?;
    node.store.durable().await?;
    node.metrics.submissions_stored.inc();
    node.metrics
        .accept_latency
        .observe(started.elapsed().as_secs_f64());
    let ev = ServerEvent::Submission(Submission {
        id: id.clone(),
        group: group.name,
        form,
        request_id,
        created_at,
        payload,
    });
    let msg: Outgoing = serde_json::to_string(&ev)
        .map_err(|e| Error::Data(e.to_string()))?
        .into();
    let report = node.broker.publish(&group.key, &msg);
    if report.delivered > 0 {
        node.metrics
            .submissions_delivered
            .inc_by(report.delivered as u64);
        node.store.note_delivery(&group.key, &id);
    }
    node.metrics
        .push_latency
        .observe(started.elapsed().as_secs_f64());
    tracing::debug!(submission = %id, delivered = report.delivered, "submission stored");
    Ok(Accepted {
        id,
        delivered_to: report.delivered,
    })
}

/// The `submission` event of a stored submission (decrypts its content).
pub fn render(node: &Node, s: &StoredSubmission) -> Result<Outgoing> {
    let plain = node.keys.open_sealed(s.epoch, s.id.as_bytes(), &s.sealed)?;
    let payload: SubmissionPayload =
        serde_json::from_slice(&plain).map_err(|e| Error::Data(e.to_string()))?;
    let ev = ServerEvent::Submission(Submission {
        id: s.id.clone(),
        group: Group::name_of_key(&s.group).to_string(),
        form: s.form.clone(),
        request_id: s.request_id.clone(),
        created_at: s.created_at,
        payload,
    });
    Ok(serde_json::to_string(&ev)
        .map_err(|e| Error::Data(e.to_string()))?
        .into())
}

/// Pushes up to `limit` pending submissions of group `key` after id `after` to connection
/// `conn` (subscribed to it). A `once` subscription ends with the first one. Returns the
/// id of the last one pushed and whether more may be waiting (the caller keeps that as a
/// cursor and pushes more as the window acknowledges: the outbox stays bounded).
pub fn deliver_pending(
    node: &Node,
    conn: &str,
    key: &str,
    once: bool,
    after: Option<&str>,
    limit: usize,
) -> Result<(Option<String>, bool)> {
    let limit = if once { 1 } else { limit.max(1) };
    let batch = node.store.pending_in_group(key, after, limit)?;
    let full = batch.len() == limit && !once;
    let mut last = None;
    for s in batch {
        let msg = render(node, &s)?;
        if !node.hub.deliver_to(conn, Some(key), msg) {
            return Ok((last, false));
        }
        node.metrics.submissions_delivered.inc();
        node.store.note_delivery(key, &s.id);
        last = Some(s.id);
    }
    Ok((last, full))
}

/// A window acknowledges a submission: its content is deleted, the audit record stays.
/// Idempotent (acknowledging twice is fine); another desk's submission is "not found".
pub fn ack(node: &Node, who: &Principal, id: &str) -> Result<()> {
    let Some(s) = node.store.submission(id)? else {
        return match node.store.audit(id)? {
            Some(a) if may_see(who, a.desk.as_deref()) => Ok(()),
            _ => Err(Error::NotFound("no such submission".into())),
        };
    };
    if !may_see(who, s.desk.as_deref()) {
        return Err(Error::NotFound("no such submission".into()));
    }
    if node
        .store
        .finish_submission(id, AuditState::Acked, now_ms())?
        .is_some()
    {
        node.metrics.submissions_acked.inc();
        tracing::info!(submission = %id, form = %s.form, "submission acknowledged; content deleted");
    }
    Ok(())
}

/// Expires submissions older than the TTL; returns how many were purged.
pub fn expire(node: &Node, now: u64) -> Result<usize> {
    let cutoff = now.saturating_sub(node.config.submission_ttl.as_millis() as u64);
    let mut n = 0;
    loop {
        let ids = node.store.submissions_before(cutoff, 512)?;
        if ids.is_empty() {
            return Ok(n);
        }
        for id in ids {
            if node
                .store
                .finish_submission(&id, AuditState::Expired, now)?
                .is_some()
            {
                node.metrics.submissions_expired.inc();
                tracing::warn!(submission = %id, "submission expired unacknowledged; content purged");
                n += 1;
            }
        }
    }
}

fn may_see(who: &Principal, desk: Option<&str>) -> bool {
    who.role == Role::Admin || (who.desk.is_some() && who.desk.as_deref() == desk)
}
