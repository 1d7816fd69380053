//! Identifiers and the clock: time-ordered submission ids, connection ids, unix time.

use std::time::{SystemTime, UNIX_EPOCH};

use rand_core::{OsRng, RngCore};

/// Unix time in milliseconds.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A new submission id: 12 hex digits of creation time (ms) + 16 random hex digits, so
/// sled keeps submissions in creation order and the janitor walks the oldest first.
pub fn new_submission_id(now_ms: u64) -> String {
    format!(
        "{:012x}{:016x}",
        now_ms & 0xffff_ffff_ffff,
        OsRng.next_u64()
    )
}

/// Creation time encoded in a submission id.
pub fn submission_time(id: &str) -> Option<u64> {
    u64::from_str_radix(id.get(..12)?, 16).ok()
}

/// A new connection id (unguessable: direct sends address it).
pub fn new_conn_id() -> String {
    format!("c{:016x}", OsRng.next_u64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submission_ids_sort_by_time_and_carry_it() {
        let a = new_submission_id(1_000);
        let b = new_submission_id(2_000);
        assert!(a < b);
        assert_eq!(submission_time(&a), Some(1_000));
        assert_eq!(a.len(), 28);
    }
}
