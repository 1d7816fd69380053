//! The hub: this node's connections, their groups, and fan-out to them.
//!
//! Each connection registers a bounded outbox (messages are pre-serialized `Arc<str>`, so a
//! message is serialized once whatever the fan-out) and a [`ConnCtl`] the hub uses to ask
//! the session to close. The hub never awaits a client: it copies the senders under a short
//! std Mutex, then `try_send`s after unlocking. A full outbox means a slow consumer: the
//! client is told to close with 4008 and the drop is counted; it loses nothing stored,
//! because unacknowledged submissions are redelivered when it subscribes again.
//! The `broker` sits in front of the hub so several nodes can share groups later.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use formdesk_protocol::wire::{ServerEvent, UnsubscribeReason, CLOSE_AUTH, CLOSE_SLOW};
use tokio::sync::Notify;

use crate::error::{Error, Result};
use crate::group::Group;
use crate::metrics::Metrics;

/// A pre-serialized text message for a connection's outbox (clones share one buffer).
pub type Outgoing = tokio_tungstenite::tungstenite::Utf8Bytes;

/// One connection's bounded outbox and close request, shared by the hub and its session.
///
/// The queue is a `VecDeque` under a std Mutex rather than a channel: an idle connection's
/// outbox then costs no allocation at all (a channel allocates a block up front), which
/// matters with tens of thousands of idle windows. One `Notify` wakes the session for both
/// new messages and a close request.
pub struct ConnCtl {
    close: AtomicU16,
    notify: Notify,
    queue: Mutex<VecDeque<Outgoing>>,
    cap: usize,
}

/// The outbox is full: the connection is a slow consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

impl ConnCtl {
    /// An outbox holding at most `cap` messages.
    pub fn new(cap: usize) -> ConnCtl {
        ConnCtl {
            close: AtomicU16::new(0),
            notify: Notify::new(),
            queue: Mutex::new(VecDeque::new()),
            cap: cap.max(1),
        }
    }

    /// Asks the session to close with `code` (the first code wins).
    pub fn close(&self, code: u16) {
        if self
            .close
            .compare_exchange(0, code, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            self.notify.notify_one();
        }
    }

    /// The close code asked for, if any.
    pub fn close_code(&self) -> Option<u16> {
        match self.close.load(Ordering::Acquire) {
            0 => None,
            c => Some(c),
        }
    }

    /// Queues a message without waiting; `Err(Full)` when the outbox is at its cap.
    pub fn push(&self, msg: Outgoing) -> Result<(), Full> {
        {
            let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            if q.len() >= self.cap {
                return Err(Full);
            }
            q.push_back(msg);
        }
        self.notify.notify_one();
        Ok(())
    }

    /// Takes the oldest queued message (frees the buffer once a burst is drained).
    pub fn pop(&self) -> Option<Outgoing> {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        let m = q.pop_front();
        if q.is_empty() && q.capacity() > 8 {
            *q = VecDeque::new();
        }
        m
    }

    /// Resolves when a message was queued or a close asked for (or a wake-up is pending).
    pub async fn wait(&self) {
        self.notify.notified().await;
    }
}

/// Outcome of one fan-out.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// Outboxes the message was put into.
    pub delivered: usize,
    /// Subscribers dropped as slow consumers.
    pub dropped: usize,
}

struct Conn {
    ctl: Arc<ConnCtl>,
    desk: Option<String>,
    /// Id of the token it authenticated with (empty until `set_token`): revoking the token
    /// closes the connection.
    token: Box<str>,
    /// Group keys this connection is in (small: capped per connection).
    groups: Vec<String>,
}

#[derive(Default)]
struct Inner {
    conns: HashMap<Arc<str>, Conn>,
    /// group key → connection id → `once`.
    groups: HashMap<String, HashMap<Arc<str>, bool>>,
    /// Token ids revoked while this node runs. A session whose token was checked just before
    /// its revocation registers after it: `set_token` sees the id here and closes it.
    revoked: HashSet<Box<str>>,
}

/// This node's connections and groups.
pub struct Hub {
    /// std Mutex: every critical section is a few map operations, never an await.
    inner: Mutex<Inner>,
    metrics: Arc<Metrics>,
    max_groups: usize,
}

impl Hub {
    pub fn new(metrics: Arc<Metrics>, max_groups_per_conn: usize) -> Hub {
        Hub {
            inner: Mutex::new(Inner::default()),
            metrics,
            max_groups: max_groups_per_conn,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a connection.
    pub fn register(&self, id: Arc<str>, desk: Option<String>, ctl: Arc<ConnCtl>) {
        self.lock().conns.insert(
            id,
            Conn {
                ctl,
                desk,
                token: Box::default(),
                groups: Vec::new(),
            },
        );
        self.metrics.connections.inc();
    }

    /// Records the token a connection authenticated with. If that token was revoked since it
    /// was checked, the connection is told to close at once (4001 "token revoked").
    pub fn set_token(&self, id: &str, token_id: &str) {
        let mut inner = self.lock();
        let revoked = inner.revoked.contains(token_id);
        if let Some(c) = inner.conns.get_mut(id) {
            c.token = token_id.into();
            if revoked {
                c.ctl.close(CLOSE_AUTH);
            }
        }
    }

    /// A token was revoked: every local connection that authenticated with it is told to
    /// close with 4001 ("token revoked"); returns how many. Nothing stored is touched.
    pub fn close_token(&self, token_id: &str) -> usize {
        let ctls: Vec<Arc<ConnCtl>> = {
            let mut inner = self.lock();
            inner.revoked.insert(token_id.into());
            inner
                .conns
                .values()
                .filter(|c| &*c.token == token_id)
                .map(|c| c.ctl.clone())
                .collect()
        };
        for ctl in &ctls {
            ctl.close(CLOSE_AUTH);
        }
        ctls.len()
    }

    /// Removes a connection and all its subscriptions.
    pub fn unregister(&self, id: &str) {
        let mut inner = self.lock();
        let Some(conn) = inner.conns.remove(id) else {
            return;
        };
        for key in conn.groups {
            remove_sub(&mut inner, &self.metrics, &key, id);
        }
        drop(inner);
        self.metrics.connections.dec();
    }

    /// Joins a group. Errors when the connection is at its group cap.
    pub fn subscribe(&self, id: &str, key: &str, once: bool) -> Result<()> {
        let mut inner = self.lock();
        let conn = inner
            .conns
            .get_mut(id)
            .ok_or_else(|| Error::NotFound("connection".into()))?;
        if !conn.groups.iter().any(|g| g == key) {
            if conn.groups.len() >= self.max_groups {
                return Err(Error::Limit(format!(
                    "at most {} groups per connection",
                    self.max_groups
                )));
            }
            conn.groups.push(key.to_string());
        }
        let (cid, _) = inner
            .conns
            .get_key_value(id)
            .map(|(k, _)| (k.clone(), ()))
            .unwrap();
        let members = inner.groups.entry(key.to_string()).or_insert_with(|| {
            self.metrics.groups.inc();
            HashMap::new()
        });
        members.insert(cid, once);
        Ok(())
    }

    /// Leaves a group; `false` if the connection was not in it.
    pub fn unsubscribe(&self, id: &str, key: &str) -> bool {
        let mut inner = self.lock();
        let Some(conn) = inner.conns.get_mut(id) else {
            return false;
        };
        let before = conn.groups.len();
        conn.groups.retain(|g| g != key);
        let was = conn.groups.len() != before;
        remove_sub(&mut inner, &self.metrics, key, id);
        was
    }

    /// Whether a connection is in a group.
    pub fn is_subscribed(&self, id: &str, key: &str) -> bool {
        self.lock()
            .groups
            .get(key)
            .is_some_and(|m| m.contains_key(id))
    }

    /// The desk of a connection (`Some(None)`: connected, bound to no desk).
    pub fn conn_desk(&self, id: &str) -> Option<Option<String>> {
        self.lock().conns.get(id).map(|c| c.desk.clone())
    }

    /// Fans `msg` out to every local subscriber of group `key`. `once` subscribers are
    /// removed in the same critical section (each gets exactly this one delivery) and then
    /// told `unsubscribed`. Never waits on a client.
    pub fn publish_local(&self, key: &str, msg: &Outgoing) -> Delivery {
        let mut targets = Vec::new();
        let mut once_targets = Vec::new();
        {
            let mut inner = self.lock();
            let Some(members) = inner.groups.get(key) else {
                return Delivery::default();
            };
            let mut once_ids = Vec::new();
            for (cid, once) in members {
                if *once {
                    once_ids.push(cid.clone());
                }
            }
            for (cid, _) in members.iter() {
                if let Some(c) = inner.conns.get(cid) {
                    targets.push((cid.clone(), c.ctl.clone()));
                }
            }
            for cid in once_ids {
                if let Some(c) = inner.conns.get_mut(&cid) {
                    c.groups.retain(|g| g != key);
                    once_targets.push(cid.clone());
                }
                remove_sub(&mut inner, &self.metrics, key, &cid);
            }
        }
        let notice = (!once_targets.is_empty()).then(|| unsubscribed_once(key));
        let mut report = Delivery::default();
        for (cid, ctl) in targets {
            let ok = self.push(&cid, &ctl, msg.clone());
            if ok {
                report.delivered += 1;
                if let Some(n) = notice.as_ref().filter(|_| once_targets.contains(&cid)) {
                    self.push(&cid, &ctl, n.clone());
                }
            } else {
                report.dropped += 1;
            }
        }
        report
    }

    /// Puts `msg` into one connection's outbox, for group `key` when given (a `once`
    /// subscription of that group ends with this delivery). `false` if the connection is
    /// gone, slow, or (with `key`) not subscribed.
    pub fn deliver_to(&self, id: &str, key: Option<&str>, msg: Outgoing) -> bool {
        let (ctl, ended_once) = {
            let mut inner = self.lock();
            let Some(c) = inner.conns.get(id) else {
                return false;
            };
            let ctl = c.ctl.clone();
            let mut ended_once = false;
            if let Some(key) = key {
                match inner.groups.get(key).and_then(|m| m.get(id)) {
                    None => return false,
                    Some(true) => {
                        ended_once = true;
                        if let Some(c) = inner.conns.get_mut(id) {
                            c.groups.retain(|g| g != key);
                        }
                        remove_sub(&mut inner, &self.metrics, key, id);
                    }
                    Some(false) => {}
                }
            }
            (ctl, ended_once)
        };
        let ok = self.push(id, &ctl, msg);
        if ok && ended_once {
            self.push(id, &ctl, unsubscribed_once(key.unwrap_or_default()));
        }
        ok
    }

    fn push(&self, id: &str, ctl: &ConnCtl, msg: Outgoing) -> bool {
        if ctl.close_code().is_some() {
            return false;
        }
        match ctl.push(msg) {
            Ok(()) => true,
            Err(Full) => {
                tracing::warn!(
                    conn = id,
                    "slow consumer: outbox full, disconnecting (4008)"
                );
                self.metrics.dropped_slow.inc();
                ctl.close(CLOSE_SLOW);
                false
            }
        }
    }

    /// Ids of the local connections.
    pub fn connection_ids(&self) -> Vec<Arc<str>> {
        self.lock().conns.keys().cloned().collect()
    }

    /// Number of local connections.
    pub fn connection_count(&self) -> usize {
        self.lock().conns.len()
    }
}

fn remove_sub(inner: &mut Inner, metrics: &Metrics, key: &str, id: &str) {
    if let Some(members) = inner.groups.get_mut(key) {
        members.remove(id);
        if members.is_empty() {
            inner.groups.remove(key);
            metrics.groups.dec();
        }
    }
}

fn unsubscribed_once(key: &str) -> Outgoing {
    let ev = ServerEvent::Unsubscribed {
        group: Group::name_of_key(key).to_string(),
        reason: UnsubscribeReason::Once,
    };
    serde_json::to_string(&ev).unwrap_or_default().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(hub: &Hub, id: &str, cap: usize) -> Arc<ConnCtl> {
        let ctl = Arc::new(ConnCtl::new(cap));
        hub.register(id.into(), Some("d".into()), ctl.clone());
        ctl
    }

    #[test]
    fn once_subscribers_get_one_delivery_then_a_notice() {
        let hub = Hub::new(Arc::new(Metrics::new()), 8);
        let rx = conn(&hub, "a", 8);
        hub.subscribe("a", "d:d:req.1", true).unwrap();
        assert_eq!(
            hub.publish_local("d:d:req.1", &Outgoing::from("m1"))
                .delivered,
            1
        );
        assert_eq!(
            hub.publish_local("d:d:req.1", &Outgoing::from("m2"))
                .delivered,
            0
        );
        assert_eq!(&*rx.pop().unwrap(), "m1");
        assert!(rx.pop().unwrap().contains("\"reason\":\"once\""));
        assert!(rx.pop().is_none());
    }

    #[test]
    fn a_full_outbox_closes_the_slow_client_without_blocking() {
        let hub = Hub::new(Arc::new(Metrics::new()), 8);
        let ctl = conn(&hub, "a", 1);
        hub.subscribe("a", "g", false).unwrap();
        assert_eq!(hub.publish_local("g", &Outgoing::from("1")).delivered, 1);
        let r = hub.publish_local("g", &Outgoing::from("2"));
        assert_eq!((r.delivered, r.dropped), (0, 1));
        assert_eq!(ctl.close_code(), Some(CLOSE_SLOW));
    }

    #[test]
    fn revoking_a_token_closes_its_connections_even_those_registering_later() {
        let hub = Hub::new(Arc::new(Metrics::new()), 8);
        let (a, b) = (conn(&hub, "a", 4), conn(&hub, "b", 4));
        hub.set_token("a", "t1");
        hub.set_token("b", "t2");
        assert_eq!(hub.close_token("t1"), 1);
        assert_eq!((a.close_code(), b.close_code()), (Some(CLOSE_AUTH), None));
        let late = conn(&hub, "c", 4);
        hub.set_token("c", "t1");
        assert_eq!(late.close_code(), Some(CLOSE_AUTH));
    }

    #[test]
    fn group_cap_and_unregister() {
        let hub = Hub::new(Arc::new(Metrics::new()), 1);
        let _ctl = conn(&hub, "a", 1);
        hub.subscribe("a", "g1", false).unwrap();
        assert!(hub.subscribe("a", "g2", false).is_err());
        hub.unregister("a");
        assert_eq!(hub.publish_local("g1", &Outgoing::from("x")).delivered, 0);
        assert_eq!(hub.connection_count(), 0);
    }
}
