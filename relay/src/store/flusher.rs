//! Group commit on a dedicated thread: writers queue a completion sender, the thread takes
//! every sender waiting at that moment, runs one sled `flush` for all of them and answers
//! each. One thread instead of an async task plus `spawn_blocking` per batch saves two
//! thread hand-offs per flush. The queue is bounded: when it is full, `durable` reports
//! overload (the API answers 503) instead of queueing without limit.
//!
//! Only a writer that finds the thread asleep wakes it: while a flush runs, later writers
//! just join the next batch, so a busy relay pays no thread wake-up per write. Batches form
//! on their own under load (everything that arrived during one flush goes into the next);
//! when a batch already holds several writers the thread also sleeps [`LINGER`] to let
//! more join, since each flush costs sled a log write plus a wake-up of every one of its
//! I/O threads. A lone writer is flushed at once.

use std::sync::{Condvar, Mutex, MutexGuard, Weak};
use std::time::Duration;

use tokio::sync::oneshot;

use super::Inner;
use crate::error::{Error, Result};

/// How long a batch of several writers waits for more before its flush.
const LINGER: Duration = Duration::from_millis(1);

/// A writer waiting for the next flush.
pub(super) type Waiter = oneshot::Sender<Result<()>>;

/// The writers' end of the queue (held by the store; dropping it stops the thread).
pub(super) struct Flusher {
    queue: std::sync::Arc<Queue>,
}

struct Queue {
    state: Mutex<State>,
    wake: Condvar,
    max: usize,
}

#[derive(Default)]
struct State {
    waiters: Vec<Waiter>,
    /// The thread waits on the condvar (a writer must wake it).
    asleep: bool,
    /// The store is gone: the thread ends.
    closed: bool,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Flusher {
    /// Starts the thread. It holds the store weakly, so it never keeps the database open:
    /// it ends when the store is dropped (which drops this handle).
    pub(super) fn start(store: Weak<Inner>, max_waiters: usize) -> std::io::Result<Flusher> {
        let queue = std::sync::Arc::new(Queue {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            max: max_waiters,
        });
        let q = queue.clone();
        std::thread::Builder::new()
            .name("formdesk-flush".into())
            .spawn(move || run(store, &q))?;
        Ok(Flusher { queue })
    }

    /// Queues a waiter for the next flush.
    pub(super) fn enqueue(&self, waiter: Waiter) -> Result<()> {
        let mut st = self.queue.lock();
        if st.closed {
            return Err(Error::Overloaded("store closed".into()));
        }
        if st.waiters.len() >= self.queue.max {
            return Err(Error::Overloaded("disk flush queue full".into()));
        }
        st.waiters.push(waiter);
        let wake = std::mem::replace(&mut st.asleep, false);
        drop(st);
        if wake {
            self.queue.wake.notify_one();
        }
        Ok(())
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        self.queue.lock().closed = true;
        self.queue.wake.notify_one();
    }
}

fn run(store: Weak<Inner>, queue: &Queue) {
    let mut batch = Vec::new();
    loop {
        {
            let mut st = queue.lock();
            while st.waiters.is_empty() && !st.closed {
                st.asleep = true;
                st = queue.wake.wait(st).unwrap_or_else(|p| p.into_inner());
            }
            st.asleep = false;
            if st.closed && st.waiters.is_empty() {
                return;
            }
            std::mem::swap(&mut batch, &mut st.waiters);
        }
        if batch.len() > 1 {
            std::thread::sleep(LINGER);
            batch.append(&mut queue.lock().waiters);
        }
        let res = match store.upgrade() {
            Some(inner) => inner.db.flush().map(|_| ()),
            None => return,
        };
        for w in batch.drain(..) {
            let _ = w.send(res.clone().map_err(Error::Store));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::store::Store;

    #[test]
    fn a_full_queue_is_overload_and_a_closed_one_refuses() {
        // No thread: nothing drains the queue.
        let flusher = Flusher {
            queue: Arc::new(Queue {
                state: Mutex::new(State::default()),
                wake: Condvar::new(),
                max: 2,
            }),
        };
        for _ in 0..2 {
            flusher
                .enqueue(oneshot::channel().0)
                .expect("room in the queue");
        }
        let err = flusher.enqueue(oneshot::channel().0).unwrap_err();
        assert!(
            matches!(err, Error::Overloaded(ref m) if m.contains("queue full")),
            "{err:?}"
        );
        flusher.queue.lock().closed = true;
        flusher.queue.lock().waiters.clear();
        let err = flusher.enqueue(oneshot::channel().0).unwrap_err();
        assert!(
            matches!(err, Error::Overloaded(ref m) if m.contains("closed")),
            "{err:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writers_are_all_answered_in_shared_flushes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.start_flusher(1024);
        // Several rounds, so writers also arrive while a flush runs and the thread sleeps
        // between rounds (the wake-up path is exercised, not only the busy one).
        for round in 0..5u32 {
            let tasks: Vec<_> = (0..64u32)
                .map(|i| {
                    let store = store.clone();
                    tokio::spawn(async move {
                        let key = format!("k{round}-{i}");
                        store.requests().insert(key.as_bytes(), &b"v"[..]).unwrap();
                        store.durable().await
                    })
                })
                .collect();
            for t in tasks {
                // A writer the thread never wakes for would hang: fail instead.
                let done = tokio::time::timeout(Duration::from_secs(10), t).await;
                done.expect("answered").unwrap().expect("durable");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(store.requests().len(), 5 * 64);
    }
}
