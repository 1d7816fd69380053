//! `ReplayGuard`: the state replay detection needs, kept by whoever accepts responses (the
//! window, the relay). It remembers each accepted request id until its request expires —
//! after that `open_response` refuses the response as expired anyway, so forgetting is safe.
//! Bounded: when full of live entries it refuses new ones instead of forgetting live ones.

use std::collections::HashMap;

use super::RequestId;
use crate::error::{Error, Result};

/// Accepted request ids with their expiry (unix seconds).
#[derive(Debug, Clone)]
pub struct ReplayGuard {
    accepted: HashMap<RequestId, u64>,
    capacity: usize,
}

impl ReplayGuard {
    /// A guard holding at most `capacity` live request ids.
    pub fn new(capacity: usize) -> ReplayGuard {
        ReplayGuard {
            accepted: HashMap::new(),
            capacity: capacity.max(1),
        }
    }

    /// Records the response to `request_id` as accepted; `Replayed` if one already was.
    /// `expires_at` is the request's expiry; entries past it are dropped first.
    pub fn accept(&mut self, request_id: RequestId, expires_at: u64, now: u64) -> Result<()> {
        if self.accepted.contains_key(&request_id) {
            return Err(Error::Replayed {
                request_id: request_id.to_hex(),
            });
        }
        if self.accepted.len() >= self.capacity {
            self.accepted.retain(|_, exp| *exp >= now);
            if self.accepted.len() >= self.capacity {
                return Err(Error::ReplayGuardFull {
                    capacity: self.capacity,
                });
            }
        }
        self.accepted.insert(request_id, expires_at);
        Ok(())
    }

    /// Whether a response to `request_id` was accepted (and not yet forgotten).
    pub fn contains(&self, request_id: &RequestId) -> bool {
        self.accepted.contains_key(request_id)
    }

    pub fn len(&self) -> usize {
        self.accepted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.accepted.is_empty()
    }
}

impl Default for ReplayGuard {
    /// Room for 10,000 open requests.
    fn default() -> ReplayGuard {
        ReplayGuard::new(10_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_acceptance_is_a_replay_and_expired_entries_make_room() {
        let mut g = ReplayGuard::new(2);
        let (a, b, c) = (RequestId([1; 16]), RequestId([2; 16]), RequestId([3; 16]));
        g.accept(a, 100, 10).unwrap();
        assert!(matches!(g.accept(a, 100, 11), Err(Error::Replayed { .. })));
        g.accept(b, 200, 12).unwrap();
        assert!(matches!(
            g.accept(c, 300, 50),
            Err(Error::ReplayGuardFull { .. })
        ));
        g.accept(c, 300, 150).unwrap(); // a expired at 100 and was dropped
        assert!(!g.contains(&a) && g.contains(&c));
    }
}
