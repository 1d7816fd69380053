//! Identifiers and the clock: time-ordered submission ids, connection ids, unix time, and
//! [`random_bytes`], the relay's source of unguessable bytes (ids, nonces).

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

use rand_core::{OsRng, RngCore};

/// Bytes fetched from the OS per refill of a thread's pool (one `getrandom` call serves
/// about 20 ids or nonces instead of one each).
const POOL: usize = 256;

thread_local! {
    /// Unused OS random bytes of this thread: `(bytes, next unused index)`. Each byte is
    /// handed out once.
    static RANDOM: RefCell<([u8; POOL], usize)> = const { RefCell::new(([0; POOL], POOL)) };
}

/// Fills `buf` with bytes from the OS's CSPRNG, taken from a per-thread pool refilled in
/// blocks (a `getrandom` system call per id cost measurable CPU under load).
pub fn random_bytes(buf: &mut [u8]) {
    if buf.len() > POOL / 4 {
        return OsRng.fill_bytes(buf);
    }
    RANDOM.with(|cell| {
        let mut pool = cell.borrow_mut();
        let (bytes, next) = &mut *pool;
        if POOL - *next < buf.len() {
            OsRng.fill_bytes(bytes);
            *next = 0;
        }
        let taken = &mut bytes[*next..*next + buf.len()];
        buf.copy_from_slice(taken);
        // Used bytes are wiped: the pool never holds anything already handed out.
        taken.fill(0);
        *next += buf.len();
    });
}

/// A random `u64` from [`random_bytes`].
pub fn random_u64() -> u64 {
    let mut b = [0u8; 8];
    random_bytes(&mut b);
    u64::from_le_bytes(b)
}

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
    format!("{:012x}{:016x}", now_ms & 0xffff_ffff_ffff, random_u64())
}

/// Creation time encoded in a submission id.
pub fn submission_time(id: &str) -> Option<u64> {
    u64::from_str_radix(id.get(..12)?, 16).ok()
}

/// A new connection id (unguessable: direct sends address it).
pub fn new_conn_id() -> String {
    format!("c{:016x}", random_u64())
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

    #[test]
    fn pooled_random_bytes_do_not_repeat() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            assert!(seen.insert(random_u64()));
        }
        let mut big = [0u8; 200];
        random_bytes(&mut big);
        assert!(big.iter().any(|&b| b != 0));
    }
}
