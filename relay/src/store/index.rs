//! The in-memory index of pending submissions: the ids of each group key in time order,
//! with how often each was delivered. The `submissions` tree is the only durable truth
//! (one insert per submission, so a crash can never leave half of one); this index is
//! rebuilt from it at open. It answers "what is pending in this group" without a sled
//! range scan (a window subscribing to a group with nothing pending, the common case, costs
//! one hash look-up), and delivery counts reach the audit record when a submission
//! finishes instead of costing one sled write per delivery. After a restart the counts
//! start from zero; the submissions themselves are all there.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::Mutex;

use crate::error::Result;

#[derive(Default)]
pub(super) struct PendingIndex {
    /// std Mutex: each critical section is a few map operations, never I/O.
    groups: Mutex<HashMap<String, BTreeMap<String, u32>>>,
}

impl PendingIndex {
    /// Reads every stored submission's group and id.
    pub(super) fn load(subs: &sled::Tree) -> Result<PendingIndex> {
        let index = PendingIndex::default();
        for item in subs.iter() {
            let (_, v) = item?;
            match super::record::decode(&v) {
                Ok(s) => index.added(&s.group, &s.id),
                Err(e) => tracing::error!(error = %e, "skipping an unreadable stored submission"),
            }
        }
        Ok(index)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, BTreeMap<String, u32>>> {
        self.groups.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn added(&self, group: &str, id: &str) {
        let mut g = self.lock();
        match g.get_mut(group) {
            Some(ids) => {
                ids.insert(id.to_string(), 0);
            }
            None => {
                g.insert(group.to_string(), BTreeMap::from([(id.to_string(), 0)]));
            }
        }
    }

    /// Forgets a finished submission.
    pub(super) fn removed(&self, group: &str, id: &str) {
        let mut g = self.lock();
        if let Some(ids) = g.get_mut(group) {
            ids.remove(id);
            if ids.is_empty() {
                g.remove(group);
            }
        }
    }

    /// Up to `limit` pending ids of a group key after `after`, oldest first.
    pub(super) fn ids(&self, group: &str, after: Option<&str>, limit: usize) -> Vec<String> {
        let g = self.lock();
        let Some(ids) = g.get(group) else {
            return Vec::new();
        };
        let start = match after {
            Some(a) => Bound::Excluded(a),
            None => Bound::Unbounded,
        };
        ids.range::<str, _>((start, Bound::Unbounded))
            .take(limit)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Counts one delivery of a pending submission (no-op once it finished).
    pub(super) fn delivered(&self, group: &str, id: &str) {
        if let Some(n) = self.lock().get_mut(group).and_then(|ids| ids.get_mut(id)) {
            *n = n.saturating_add(1);
        }
    }

    pub(super) fn deliveries(&self, group: &str, id: &str) -> u32 {
        self.lock()
            .get(group)
            .and_then(|ids| ids.get(id))
            .copied()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_oldest_first_after_a_cursor_and_counts_follow_them() {
        let idx = PendingIndex::default();
        for id in ["b", "a", "c"] {
            idx.added("g", id);
        }
        assert_eq!(idx.ids("g", None, 2), ["a", "b"]);
        assert_eq!(idx.ids("g", Some("b"), 5), ["c"]);
        idx.delivered("g", "a");
        assert_eq!(idx.deliveries("g", "a"), 1);
        for id in ["a", "b", "c"] {
            idx.removed("g", id);
        }
        idx.delivered("g", "a");
        assert!(idx.ids("g", None, 5).is_empty());
        assert_eq!(idx.deliveries("g", "a"), 0);
    }
}
