//! The token cache: presented token → [`Principal`], so a request or websocket upgrade of a
//! known token costs one hash look-up instead of SHA-256, a sled read and a JSON decode
//! (every `sessions` round trip authenticates twice: the upgrade and the POST).
//!
//! Only successful look-ups are cached; unknown and revoked tokens always go to sled. The
//! [`Store`](crate::store::Store) owns the cache and `auth::revoke_token` clears it after the
//! revocation is written, so a revoked token is refused from the next request on. A
//! generation number closes the race with a look-up that read sled just before the
//! revocation: it may only fill the cache if no revocation happened since it started.
//! The process already holds presented tokens while it serves them; the cache keeps at most
//! [`CAPACITY`] of them (the ones in use), in memory only.

use std::collections::HashMap;
use std::sync::Mutex;

use super::Principal;

/// Tokens kept at most; beyond it the cache starts over (a relay has a few hundred tokens).
const CAPACITY: usize = 1024;

#[derive(Default)]
pub(crate) struct TokenCache {
    /// std Mutex: each critical section is one map operation.
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Bumped by every revocation.
    generation: u64,
    known: HashMap<Box<str>, Principal>,
}

impl TokenCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached principal of `token`, or the generation to pass to [`fill`](Self::fill)
    /// after reading the token from the store.
    pub(crate) fn get(&self, token: &str) -> Result<Principal, u64> {
        let inner = self.lock();
        inner.known.get(token).cloned().ok_or(inner.generation)
    }

    /// Caches a principal read from the store, unless a revocation happened since
    /// `generation` was taken (then the read may predate it).
    pub(crate) fn fill(&self, token: &str, generation: u64, who: &Principal) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        if inner.known.len() >= CAPACITY {
            inner.known.clear();
        }
        inner.known.insert(token.into(), who.clone());
    }

    /// Forgets every cached token (called after a revocation is written).
    pub(crate) fn clear(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.known.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    fn who() -> Principal {
        Principal {
            token_id: "t1".into(),
            role: Role::Desk,
            desk: Some("d".into()),
        }
    }

    #[test]
    fn a_read_that_predates_a_revocation_is_not_cached() {
        let cache = TokenCache::default();
        let generation = cache.get("fdt_a").unwrap_err();
        cache.clear();
        cache.fill("fdt_a", generation, &who());
        assert!(cache.get("fdt_a").is_err());
        let generation = cache.get("fdt_a").unwrap_err();
        cache.fill("fdt_a", generation, &who());
        assert_eq!(cache.get("fdt_a"), Ok(who()));
        cache.clear();
        assert!(cache.get("fdt_a").is_err());
    }
}
