//! Durable state in sled: submissions (encrypted content), audit records (no values),
//! request records and tokens, plus group commit.
//!
//! `201` means durable: a writer inserts, then awaits [`Store::durable`], which joins the
//! next sled flush. A flusher thread (`flusher`) batches every writer waiting at that
//! moment into one `flush`, so durability costs one disk sync per batch, not per write.
//! Submissions are stored as compact binary records (`record`), one insert each; `index`
//! keeps the pending ids of each group and their delivery counts in memory. Content is
//! sealed by `crypt` before it reaches sled; `requests` and `auth` own their trees.
//!
//! No sled transactions: once a process has used one, sled puts every later operation
//! under one global read/write lock whose read side a flush holds while it waits for the
//! disk, so each insert (and the tokio worker doing it) stalled behind every group commit.
//! Writes are single inserts, in an order that is safe at any crash point.

mod flusher;
mod index;
mod record;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use self::flusher::Flusher;
use self::index::PendingIndex;

use crate::auth::TokenCache;
use crate::error::{Error, Result};

/// Cheap-to-clone handle on the relay's sled database.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    db: sled::Db,
    subs: sled::Tree,
    audit: sled::Tree,
    requests: sled::Tree,
    tokens: sled::Tree,
    /// Principals of recently authenticated tokens (cleared by every revocation).
    token_cache: TokenCache,
    /// Count of stored (unacknowledged, unexpired) submissions: `Tree::len` is O(n).
    pending_count: AtomicUsize,
    /// Pending ids per group and their delivery counts, in memory.
    index: PendingIndex,
    /// Serializes `finish_submission` (ack and expiry of the same id may race).
    finishing: Mutex<()>,
    /// Set once the flusher thread runs; before that `durable` flushes inline.
    flusher: OnceLock<Flusher>,
}

/// A stored submission: metadata in clear, content (the wire payload) sealed.
#[derive(Debug, Clone)]
pub struct StoredSubmission {
    pub id: String,
    pub desk: Option<String>,
    /// Group key (desk-prefixed).
    pub group: String,
    pub form: String,
    pub request_id: Option<String>,
    pub created_at: u64,
    pub epoch: u64,
    /// `nonce || ciphertext` of the JSON payload.
    pub sealed: Vec<u8>,
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

impl AuditRecord {
    /// The audit record of a submission that was just stored.
    fn pending_of(sub: &StoredSubmission) -> AuditRecord {
        AuditRecord {
            id: sub.id.clone(),
            created_at: sub.created_at,
            form: sub.form.clone(),
            desk: sub.desk.clone(),
            group: sub.group.clone(),
            request_id: sub.request_id.clone(),
            state: AuditState::Pending,
            deliveries: 0,
            finished_at: None,
        }
    }
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
        let index = PendingIndex::load(&subs)?;
        // Versions before the in-memory index kept it in a tree of its own.
        db.drop_tree("pending")?;
        Ok(Store {
            inner: Arc::new(Inner {
                index,
                audit: db.open_tree("audit")?,
                requests: db.open_tree("requests")?,
                tokens: db.open_tree("tokens")?,
                token_cache: TokenCache::default(),
                subs,
                db,
                pending_count: AtomicUsize::new(count),
                finishing: Mutex::new(()),
                flusher: OnceLock::new(),
            }),
        })
    }

    pub(crate) fn tokens(&self) -> &sled::Tree {
        &self.inner.tokens
    }

    pub(crate) fn token_cache(&self) -> &TokenCache {
        &self.inner.token_cache
    }

    pub(crate) fn requests(&self) -> &sled::Tree {
        &self.inner.requests
    }

    /// Starts the group-commit flusher thread (idempotent). `max_waiters` bounds the
    /// writers queued for the next flush; beyond it `durable` reports overload.
    pub fn start_flusher(&self, max_waiters: usize) {
        if self.inner.flusher.get().is_some() {
            return;
        }
        match Flusher::start(Arc::downgrade(&self.inner), max_waiters.max(1)) {
            Ok(f) => {
                let _ = self.inner.flusher.set(f);
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot start the flusher thread; flushing per write")
            }
        }
    }

    /// Waits until everything written before this call is on disk (group commit).
    pub async fn durable(&self) -> Result<()> {
        let Some(flusher) = self.inner.flusher.get() else {
            return self.flush().await;
        };
        let (done_tx, done_rx) = oneshot::channel();
        flusher.enqueue(done_tx)?;
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

    /// Writes a submission (not yet durable: await [`durable`](Self::durable)): one
    /// insert, so after a crash it is either wholly there or not at all. Its audit record
    /// is written when it finishes; until then [`audit`](Self::audit) derives it.
    pub fn insert_submission(&self, sub: &StoredSubmission) -> Result<()> {
        let v = record::encode(sub)?;
        let i = &self.inner;
        i.subs.insert(sub.id.as_bytes(), v)?;
        i.index.added(&sub.group, &sub.id);
        i.pending_count.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// A stored submission by id.
    pub fn submission(&self, id: &str) -> Result<Option<StoredSubmission>> {
        match self.inner.subs.get(id.as_bytes())? {
            Some(v) => Ok(Some(record::decode(&v)?)),
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
        let mut out = Vec::new();
        for id in self.inner.index.ids(group, after, limit) {
            // Finished since the index was read: skip it.
            if let Some(s) = self.submission(&id)? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// Deletes a submission's content; its audit record becomes `state`.
    /// Returns the removed record, or `None` when it was already gone (idempotent).
    ///
    /// Finishers (acks, expiry) are serialized by a mutex (they are rare next to inserts)
    /// and write in crash-safe order: the final audit record first, then the content is
    /// removed. A crash in between leaves a submission that is delivered (or expired)
    /// again and finished again: at-least-once, never lost.
    pub fn finish_submission(
        &self,
        id: &str,
        state: AuditState,
        now: u64,
    ) -> Result<Option<StoredSubmission>> {
        let i = &self.inner;
        let _one = i.finishing.lock().unwrap_or_else(|p| p.into_inner());
        let Some(sub) = self.submission(id)? else {
            return Ok(None);
        };
        let old = match i.audit.get(id.as_bytes())? {
            Some(a) => decode::<AuditRecord>(&a).ok(),
            None => None,
        };
        let mut rec = old.unwrap_or_else(|| AuditRecord::pending_of(&sub));
        rec.deliveries = rec.deliveries.max(i.index.deliveries(&sub.group, id));
        rec.state = state;
        rec.finished_at = Some(now);
        let v = serde_json::to_vec(&rec).map_err(|e| Error::Data(e.to_string()))?;
        i.audit.insert(id.as_bytes(), v)?;
        i.index.removed(&sub.group, id);
        if i.subs.remove(id.as_bytes())?.is_none() {
            return Ok(None);
        }
        i.pending_count.fetch_sub(1, Ordering::Relaxed);
        Ok(Some(sub))
    }

    /// Notes one more delivery of a pending submission of group key `group` (in memory;
    /// written to its audit record when it finishes).
    pub fn note_delivery(&self, group: &str, id: &str) {
        self.inner.index.delivered(group, id);
    }

    /// The audit record of a submission: the written one once it finished, else derived
    /// from the stored submission (`delivered` once a window got it).
    pub fn audit(&self, id: &str) -> Result<Option<AuditRecord>> {
        if let Some(v) = self.inner.audit.get(id.as_bytes())? {
            return Ok(Some(decode(&v)?));
        }
        let Some(sub) = self.submission(id)? else {
            return Ok(None);
        };
        let mut rec = AuditRecord::pending_of(&sub);
        rec.deliveries = self.inner.index.deliveries(&sub.group, id);
        if rec.deliveries > 0 {
            rec.state = AuditState::Delivered;
        }
        Ok(Some(rec))
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

pub(crate) fn decode<T: serde::de::DeserializeOwned>(v: &[u8]) -> Result<T> {
    serde_json::from_slice(v).map_err(|e| Error::Data(e.to_string()))
}
