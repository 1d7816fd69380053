//! Identifiers and the clock: time-ordered submission ids, connection ids, unix time, and
//! [`random_bytes`], the relay's source of unguessable bytes (ids, nonces).

use std::cell::RefCell;
use std::sync::Mutex;
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

/// A new submission id: 12 hex digits of creation time (ms) + 16 hex digits that are random
/// but larger than the previous id's when both fall in the same millisecond. Ids made by this
/// process are strictly increasing, so sled keeps submissions in creation order (delivery
/// and the janitor walk them oldest first) even for many ids made within one millisecond.
pub fn new_submission_id(now_ms: u64) -> String {
    static CLOCK: Mutex<IdClock> = Mutex::new(IdClock::new());
    let (ms, low) = CLOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .next(now_ms, random_u64());
    format!("{:012x}{:016x}", ms, low)
}

/// The state behind [`new_submission_id`]: the last id's `(ms, low)`. A std Mutex: held for
/// a few instructions, never across an await.
struct IdClock {
    last_ms: u64,
    last_low: u64,
}

impl IdClock {
    const fn new() -> IdClock {
        IdClock {
            last_ms: 0,
            last_low: 0,
        }
    }

    /// The next `(ms, low)` pair, strictly greater than the last one. A new millisecond
    /// starts from a random 63-bit `low` (so 2^63 bumps fit before overflow); within the
    /// same millisecond, or if the clock went back, `low` grows by 1 to 2^16 (a random
    /// step keeps ids hard to guess). Overflow moves to the next millisecond.
    fn next(&mut self, now_ms: u64, random: u64) -> (u64, u64) {
        let now_ms = now_ms & 0xffff_ffff_ffff;
        if now_ms > self.last_ms {
            self.last_ms = now_ms;
            self.last_low = random >> 1;
        } else {
            match self.last_low.checked_add(1 + (random & 0xffff)) {
                Some(low) => self.last_low = low,
                None => {
                    self.last_ms += 1;
                    self.last_low = random >> 1;
                }
            }
        }
        (self.last_ms, self.last_low)
    }
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
        let mut clock = IdClock::new();
        let (a_ms, a_low) = clock.next(1_000, random_u64());
        let (b_ms, b_low) = clock.next(2_000, random_u64());
        let a = format!("{:012x}{:016x}", a_ms, a_low);
        let b = format!("{:012x}{:016x}", b_ms, b_low);
        assert!(a < b);
        assert_eq!(submission_time(&a), Some(1_000));
        assert_eq!(new_submission_id(now_ms()).len(), 28);
    }

    #[test]
    fn ids_made_in_a_tight_loop_sort_in_creation_order() {
        let ids: Vec<String> = (0..10_000).map(|_| new_submission_id(now_ms())).collect();
        for pair in ids.windows(2) {
            assert!(pair[0] < pair[1], "{} then {}", pair[0], pair[1]);
        }
        assert!(submission_time(&ids[0]).unwrap() <= submission_time(&ids[9_999]).unwrap());
    }

    #[test]
    fn ids_keep_order_when_the_clock_goes_back_or_low_overflows() {
        let mut clock = IdClock::new();
        let first = clock.next(5_000, u64::MAX);
        let back = clock.next(4_000, 7);
        assert!(back > first);
        clock.last_low = u64::MAX - 3;
        let wrapped = clock.next(4_000, 0xffff);
        assert_eq!(wrapped.0, 5_001);
        assert!(wrapped > back);
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
