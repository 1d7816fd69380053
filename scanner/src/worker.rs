//! The camera worker: a capture thread owns the frame source (camera handles are not
//! `Send`, so the source is opened there) and overwrites a one-frame slot; a decode thread
//! always takes the newest frame from that slot (older frames are dropped, never queued),
//! decodes it, dedupes payloads, and sends `ScanEvent`s into a bounded channel. Every
//! failure (no camera, busy, unplugged mid-scan, unreadable file) becomes an `Error` event
//! followed by `Stopped`. `Worker::stop` (or dropping the worker) ends both threads.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use image::GrayImage;

use crate::source::{Frame, FrameSource, SourceSpec};
use crate::{decode_with, Error, Options, Point, Result};

/// What the worker reports.
#[derive(Debug, Clone)]
pub enum ScanEvent {
    /// The source is open and streaming.
    Started { source: String },
    /// A code was read (once per payload while it stays in view; see `dedupe_window`).
    Decoded {
        text: String,
        bytes: Vec<u8>,
        corners: [Point; 4],
    },
    /// A preview of the frame just decoded (only with `WorkerConfig::preview`; dropped
    /// rather than queued when the receiver lags).
    Frame { seq: u64, gray: Arc<GrayImage> },
    /// The source failed; a `Stopped` follows.
    Error { message: String },
    /// The worker has ended (always the last event).
    Stopped,
}

/// Worker settings.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// A payload seen again within this time of its last sighting is not reported again.
    pub dedupe_window: Duration,
    /// Send `Frame` previews.
    pub preview: bool,
    /// Capacity of the event channel (bounded; previews are dropped when it is full).
    pub channel_capacity: usize,
    /// Decoder options (live frames want a tight time budget).
    pub decode: Options,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            dedupe_window: Duration::from_secs(3),
            preview: false,
            channel_capacity: 32,
            decode: Options {
                budget: Duration::from_millis(60),
                ..Options::default()
            },
        }
    }
}

/// Frame counters of a running worker.
#[derive(Debug, Default)]
pub struct WorkerStats {
    pub captured: AtomicU64,
    pub decoded: AtomicU64,
    /// Frames overwritten in the slot before the decoder took them.
    pub dropped: AtomicU64,
}

#[derive(Default)]
struct Slot {
    frame: Option<Frame>,
    ended: bool,
}

struct Shared {
    slot: Mutex<Slot>,
    ready: Condvar,
    stop: AtomicBool,
    stats: WorkerStats,
}

/// A running scan; see the module doc.
pub struct Worker {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

type Opener = Box<dyn FnOnce() -> Result<Box<dyn FrameSource>> + Send>;

impl Worker {
    /// Starts scanning the source named by `spec`.
    pub fn start(spec: SourceSpec, config: WorkerConfig) -> (Worker, Receiver<ScanEvent>) {
        Self::start_with(Box::new(move || spec.open()), config)
    }

    /// Starts scanning a source built by `open` (called on the capture thread).
    pub fn start_with(open: Opener, config: WorkerConfig) -> (Worker, Receiver<ScanEvent>) {
        let (tx, rx) = sync_channel(config.channel_capacity.max(1));
        let shared = Arc::new(Shared {
            slot: Mutex::new(Slot::default()),
            ready: Condvar::new(),
            stop: AtomicBool::new(false),
            stats: WorkerStats::default(),
        });
        let (s1, tx1) = (shared.clone(), tx.clone());
        let capture = std::thread::Builder::new()
            .name("formdesk-capture".into())
            .spawn(move || capture_loop(open, &s1, &tx1))
            .expect("spawn capture thread");
        let s2 = shared.clone();
        let decoder = std::thread::Builder::new()
            .name("formdesk-decode".into())
            .spawn(move || decode_loop(&config, &s2, &tx))
            .expect("spawn decode thread");
        (
            Worker {
                shared,
                threads: vec![capture, decoder],
            },
            rx,
        )
    }

    /// Frame counters so far.
    pub fn stats(&self) -> &WorkerStats {
        &self.shared.stats
    }

    /// Stops both threads and waits for them (at most about one frame time of the source).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.ready.notify_all();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Sends an event the receiver must see, waiting while the channel is full but giving up
/// when the worker is stopped or the receiver is gone.
fn send_important(shared: &Shared, tx: &SyncSender<ScanEvent>, mut ev: ScanEvent) {
    loop {
        match tx.try_send(ev) {
            Ok(()) => return,
            Err(TrySendError::Disconnected(_)) => {
                shared.stop.store(true, Ordering::SeqCst);
                return;
            }
            Err(TrySendError::Full(back)) => {
                if shared.stop.load(Ordering::SeqCst) {
                    return;
                }
                ev = back;
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

fn capture_loop(open: Opener, shared: &Shared, tx: &SyncSender<ScanEvent>) {
    let finish = |err: Option<Error>| {
        if let Some(e) = err {
            send_important(
                shared,
                tx,
                ScanEvent::Error {
                    message: e.to_string(),
                },
            );
        }
        shared.slot.lock().unwrap_or_else(|p| p.into_inner()).ended = true;
        shared.ready.notify_all();
    };
    let mut source = match open() {
        Ok(s) => s,
        Err(e) => return finish(Some(e)),
    };
    send_important(
        shared,
        tx,
        ScanEvent::Started {
            source: source.describe(),
        },
    );
    while !shared.stop.load(Ordering::SeqCst) {
        match source.next_frame() {
            Ok(frame) => {
                shared.stats.captured.fetch_add(1, Ordering::Relaxed);
                let mut slot = shared.slot.lock().unwrap_or_else(|p| p.into_inner());
                if slot.frame.replace(frame).is_some() {
                    shared.stats.dropped.fetch_add(1, Ordering::Relaxed);
                }
                drop(slot);
                shared.ready.notify_one();
            }
            Err(Error::EndOfStream) => return finish(None),
            Err(e) => return finish(Some(e)),
        }
    }
    finish(None);
}

fn decode_loop(config: &WorkerConfig, shared: &Shared, tx: &SyncSender<ScanEvent>) {
    let mut last_seen: HashMap<Vec<u8>, Instant> = HashMap::new();
    loop {
        let frame = {
            let mut slot = shared.slot.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                if shared.stop.load(Ordering::SeqCst) {
                    break None;
                }
                if let Some(f) = slot.frame.take() {
                    break Some(f);
                }
                if slot.ended {
                    break None;
                }
                slot = shared
                    .ready
                    .wait_timeout(slot, Duration::from_millis(100))
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
        };
        let Some(frame) = frame else { break };
        let codes = decode_with(&frame.gray, &config.decode);
        shared.stats.decoded.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        last_seen.retain(|_, t| now.duration_since(*t) < config.dedupe_window);
        for c in codes {
            if last_seen.insert(c.bytes.clone(), now).is_none() {
                send_important(
                    shared,
                    tx,
                    ScanEvent::Decoded {
                        text: c.text,
                        bytes: c.bytes,
                        corners: c.corners,
                    },
                );
            }
        }
        if config.preview {
            let _ = tx.try_send(ScanEvent::Frame {
                seq: frame.seq,
                gray: Arc::new(frame.gray),
            });
        }
    }
    // Best effort: the receiver may be gone or not reading after a stop.
    let deadline = Instant::now() + Duration::from_millis(200);
    let mut ev = ScanEvent::Stopped;
    while let Err(TrySendError::Full(back)) = tx.try_send(ev) {
        if Instant::now() >= deadline {
            break;
        }
        ev = back;
        std::thread::sleep(Duration::from_millis(5));
    }
}
