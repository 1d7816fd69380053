//! Durable state in sled: submissions (encrypted content), their per-group pending index,
//! audit records (no values), request records and tokens, plus the group-commit flusher.
//!
//! `201` means durable: a writer inserts, then awaits [`Store::durable`], which joins the
//! next sled flush. One flusher task batches every writer waiting at that moment into one
//! `flush` on a blocking thread, so durability costs one fsync per batch, not per write.
//! Content is sealed by `crypt` before it reaches sled; `requests` and `auth` own their trees.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Result};

/// Cheap-to-clone handle on the relay's sled database.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    db: sled::Db,
    subs: sled::Tree,
    pending: sled::Tree,
    audit: sled::Tree,
    requests: sled::Tree,
    tokens: sled::Tree,
    /// Count of stored (unacknowledged, unexpired) submissions: `Tree::len` is O(n).
    pending_count: AtomicUsize,
    /// Set once the flusher task runs; before that `durable` flushes inline.
    flusher: OnceLock<mpsc::Sender<oneshot::Sender<Result<()>>>>,
}

/// A stored submission: metadata in clear, content (the wire payload) sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredSubmission {
    pub id: String,
    pub desk: Option<String>,
    /// Group key (desk-prefixed).
    pub group: String,
    pub form: String,
    pub request_id: Option<String>,
    pub created_at: u64,
    pub epoch: u64,
    /// `nonce || ciphertext` of the JSON payload, base64.
    pub sealed: String,
}

/// What remains of a submission: never any field value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: String,
    pub created_at: u64,
    pub form: String,
    pub desk: Option<String>,
    pub group: String,
    pub request_id: Option<String>,
    pub state: AuditState,
    /// How many times it was pushed to a window.
    pub deliveries: u32,
    pub finished_at: Option<u64>,
}

/// Life of a submission as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditState {
    Pending,
    Delivered,
    Acked,
    Expired,
}

impl Store {
    /// Opens (creating) the database under `data_dir/db`.
    pub fn open(data_dir: impl AsRef<Path>) -> Result<Store> {
        let db = sled::Config::new()
            .path(data_dir.as_ref().join("db"))
            .cache_capacity(64 * 1024 * 1024)
            .flush_every_ms(Some(500))
            .open()?;
        let subs = db.open_tree("submissions")?;
        let count = subs.len();
        Ok(Store {
            inner: Arc::new(Inner {
                pending: db.open_tree("pending")?,
                audit: db.open_tree("audit")?,
                requests: db.open_tree("requests")?,
                tokens: db.open_tree("tokens")?,
                subs,
                db,
                pending_count: AtomicUsize::new(count),
                flusher: OnceLock::new(),
            }),
        })
    }

    pub(crate) fn tokens(&self) -> &sled::Tree {
        &self.inner.tokens
    }

    pub(crate) fn requests(&self) -> &sled::Tree {
        &self.inner.requests
    }

    /// Starts the group-commit flusher on the current runtime (idempotent). `max_waiters`
    /// bounds the writers queued for the next flush; beyond it `durable` reports overload.
    pub fn start_flusher(&self, max_waiters: usize) {
        let (tx, rx) = mpsc::channel(max_waiters.max(1));
        if self.inner.flusher.set(tx).is_ok() {
            tokio::spawn(flusher_loop(self.inner.db.clone(), rx, max_waiters.max(1)));
        }
    }

    /// Waits until everything written before this call is on disk (group commit).
    pub async fn durable(&self) -> Result<()> {
        let Some(tx) = self.inner.flusher.get() else {
            return self.flush().await;
        };
        let (done_tx, done_rx) = oneshot::channel();
        tx.try_send(done_tx).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => Error::Overloaded("disk flush queue full".into()),
            mpsc::error::TrySendError::Closed(_) => Error::Overloaded("store closed".into()),
        })?;
        done_rx
            .await
            .map_err(|_| Error::Overloaded("store closed".into()))?
    }

    /// Flushes sled now (on a blocking thread).
    pub async fn flush(&self) -> Result<()> {
        let db = self.inner.db.clone();
        tokio::task::spawn_blocking(move || db.flush().map(|_| ()))
            .await
            .map_err(|e| Error::Data(format!("flush task: {e}")))??;
        Ok(())
    }

    /// Flushes sled on the calling thread (CLI, tests, after the runtime stopped serving).
    pub fn flush_blocking(&self) -> Result<()> {
        self.inner.db.flush()?;
        Ok(())
    }

    /// Number of stored, unacknowledged submissions.
    pub fn pending_count(&self) -> usize {
        self.inner.pending_count.load(Ordering::Relaxed)
    }

    /// Writes a submission, its pending-index entry and its audit record atomically
    /// (not yet durable: await [`durable`](Self::durable)).
    pub fn insert_submission(&self, sub: &StoredSubmission) -> Result<()> {
        let audit = AuditRecord {
            id: sub.id.clone(),
            created_at: sub.created_at,
            form: sub.form.clone(),
            desk: sub.desk.clone(),
            group: sub.group.clone(),
            request_id: sub.request_id.clone(),
            state: AuditState::Pending,
            deliveries: 0,
            finished_at: None,
        };
        let s = serde_json::to_vec(sub).map_err(|e| Error::Data(e.to_string()))?;
        let a = serde_json::to_vec(&audit).map_err(|e| Error::Data(e.to_string()))?;
        let pkey = pending_key(&sub.group, &sub.id);
        let i = &self.inner;
        use sled::Transactional;
        (&i.subs, &i.pending, &i.audit)
            .transaction(|(st, pt, at)| {
                st.insert(sub.id.as_bytes(), s.as_slice())?;
                pt.insert(pkey.as_slice(), &[] as &[u8])?;
                at.insert(sub.id.as_bytes(), a.as_slice())?;
                Ok(())
            })
            .map_err(tx_err)?;
        i.pending_count.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// A stored submission by id.
    pub fn submission(&self, id: &str) -> Result<Option<StoredSubmission>> {
        match self.inner.subs.get(id.as_bytes())? {
            Some(v) => Ok(Some(decode(&v)?)),
            None => Ok(None),
        }
    }

    /// Up to `limit` pending submissions of a group key, oldest first, after id `after`.
    pub fn pending_in_group(
        &self,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredSubmission>> {
        use std::ops::Bound;
        let prefix = pending_key(group, "");
        let start = match after {
            Some(id) => Bound::Excluded(pending_key(group, id)),
            None => Bound::Included(prefix.clone()),
        };
        let mut out = Vec::new();
        let range = self
            .inner
            .pending
            .range::<Vec<u8>, _>((start, Bound::Unbounded));
        for item in range.take(limit) {
            let (k, _) = item?;
            if !k.starts_with(&prefix) {
                break;
            }
            let id = String::from_utf8_lossy(&k[prefix.len()..]).into_owned();
            if let Some(s) = self.submission(&id)? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// Deletes a submission's content and index entry; its audit record becomes `state`.
    /// Returns the removed record, or `None` when it was already gone (idempotent).
    pub fn finish_submission(
        &self,
        id: &str,
        state: AuditState,
        now: u64,
    ) -> Result<Option<StoredSubmission>> {
        let Some(sub) = self.submission(id)? else {
            return Ok(None);
        };
        let pkey = pending_key(&sub.group, id);
        let i = &self.inner;
        use sled::Transactional;
        let removed = (&i.subs, &i.pending, &i.audit)
            .transaction(|(st, pt, at)| {
                if st.remove(id.as_bytes())?.is_none() {
                    return Ok(false);
                }
                pt.remove(pkey.as_slice())?;
                if let Some(a) = at.get(id.as_bytes())? {
                    if let Ok(mut rec) = serde_json::from_slice::<AuditRecord>(&a) {
                        rec.state = state;
                        rec.finished_at = Some(now);
                        let v = serde_json::to_vec(&rec).unwrap_or_default();
                        at.insert(id.as_bytes(), v)?;
                    }
                }
                Ok(true)
            })
            .map_err(tx_err)?;
        if !removed {
            return Ok(None);
        }
        i.pending_count.fetch_sub(1, Ordering::Relaxed);
        Ok(Some(sub))
    }

    /// Notes one more delivery in the audit record (first one: `pending` → `delivered`).
    pub fn note_delivery(&self, id: &str) -> Result<()> {
        self.inner.audit.fetch_and_update(id.as_bytes(), |old| {
            let mut rec: AuditRecord = serde_json::from_slice(old?).ok()?;
            rec.deliveries = rec.deliveries.saturating_add(1);
            if rec.state == AuditState::Pending {
                rec.state = AuditState::Delivered;
            }
            serde_json::to_vec(&rec).ok()
        })?;
        Ok(())
    }

    /// The audit record of a submission.
    pub fn audit(&self, id: &str) -> Result<Option<AuditRecord>> {
        match self.inner.audit.get(id.as_bytes())? {
            Some(v) => Ok(Some(decode(&v)?)),
            None => Ok(None),
        }
    }

    /// Ids of stored submissions created before `cutoff_ms` (oldest first, at most `limit`).
    /// Ids start with their creation time, so this is a prefix walk of the oldest keys.
    pub fn submissions_before(&self, cutoff_ms: u64, limit: usize) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for item in self.inner.subs.iter().take(limit) {
            let (k, _) = item?;
            let id = String::from_utf8_lossy(&k).into_owned();
            match crate::ids::submission_time(&id) {
                Some(t) if t < cutoff_ms => out.push(id),
                _ => break,
            }
        }
        Ok(out)
    }

    /// Oldest `created_at` among stored submissions (for epoch-key deletion).
    pub fn oldest_submission_time(&self) -> Result<Option<u64>> {
        match self.inner.subs.first()? {
            Some((k, _)) => Ok(crate::ids::submission_time(&String::from_utf8_lossy(&k))),
            None => Ok(None),
        }
    }
}

fn pending_key(group: &str, id: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(group.len() + 1 + id.len());
    k.extend_from_slice(group.as_bytes());
    k.push(0);
    k.extend_from_slice(id.as_bytes());
    k
}

pub(crate) fn decode<T: serde::de::DeserializeOwned>(v: &[u8]) -> Result<T> {
    serde_json::from_slice(v).map_err(|e| Error::Data(e.to_string()))
}

pub(crate) fn tx_err(e: sled::transaction::TransactionError<()>) -> Error {
    match e {
        sled::transaction::TransactionError::Storage(e) => Error::Store(e),
        sled::transaction::TransactionError::Abort(()) => Error::Data("transaction aborted".into()),
    }
}

/// One flush per batch of waiting writers; every waiter of the batch gets the result.
async fn flusher_loop(
    db: sled::Db,
    mut rx: mpsc::Receiver<oneshot::Sender<Result<()>>>,
    max: usize,
) {
    let mut batch = Vec::new();
    while rx.recv_many(&mut batch, max).await > 0 {
        let db2 = db.clone();
        let res = tokio::task::spawn_blocking(move || db2.flush().map(|_| ())).await;
        for w in batch.drain(..) {
            let r = match &res {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(Error::Store(e.clone())),
                Err(e) => Err(Error::Data(format!("flush task: {e}"))),
            };
            let _ = w.send(r);
        }
    }
}
