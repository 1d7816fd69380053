//! The janitor: periodically expires unacknowledged submissions past their TTL (content
//! purged, audit record kept as `expired`), deletes epoch keys no pending submission can
//! still need (crypto-shredding), drops old request records and idle rate-limiter keys.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::error::Result;
use crate::ids::now_ms;
use crate::node::Node;
use crate::{requests, submissions};

/// Margin before deleting an epoch key, for writers that sealed just before the sweep.
const KEY_GRACE_MS: u64 = 60_000;

/// Runs until `cancel`.
pub async fn run(node: Arc<Node>, cancel: CancellationToken) {
    let mut tick = tokio::time::interval(node.config.janitor_interval);
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tick.tick() => {
                if let Err(e) = sweep(&node, now_ms()) {
                    tracing::error!(error = %e, "janitor sweep failed");
                }
            }
        }
    }
}

/// One sweep at time `now` (unix ms): returns how many submissions expired.
pub fn sweep(node: &Node, now: u64) -> Result<usize> {
    let expired = submissions::expire(node, now)?;
    // Every epoch that ended before the oldest pending submission holds nothing pending.
    let oldest = node.store.oldest_submission_time()?.unwrap_or(now);
    let horizon = oldest.min(now.saturating_sub(KEY_GRACE_MS));
    let deleted = node.keys.delete_before(node.keys.epoch_of(horizon))?;
    if deleted > 0 {
        tracing::info!(deleted, "epoch keys deleted");
    }
    requests::purge(
        &node.store,
        now,
        node.config.submission_ttl.as_millis() as u64,
    )?;
    node.trim_limiter();
    Ok(expired)
}
