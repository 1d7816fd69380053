//! The webcam path: a dedicated thread reads frames from the configured source, decodes
//! them with formdesk-scanner, and sends each new FormDesk answer (`FDA…`), still sealed,
//! to the relay's `POST /api/submissions` — the same path a paired phone uses — so the window
//! holding the request's key opens it. Preview frames (downscaled JPEG) with the box around
//! a detected code go to the UI. Sources: `file:PATH` (a fixed image, re-read each frame:
//! the fake camera of the tests), or any formdesk-scanner source spec (`camera:N` through
//! nokhwa, a bare `N` meaning the same, `folder:DIR`). Choosing another camera in Settings
//! stops the worker and starts a new one ([`ScannerBridge::switch`]). No Tauri here.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use image::GrayImage;
use serde::Serialize;

use crate::desk::Desk;

/// One scanner event for the UI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScannerEvent {
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(rename = "box", skip_serializing_if = "Option::is_none")]
    pub corners: Option<Vec<[f32; 2]>>,
}

impl ScannerEvent {
    fn note(kind: &'static str, message: impl Into<String>) -> ScannerEvent {
        ScannerEvent {
            kind,
            message: Some(message.into()),
            frame: None,
            width: None,
            height: None,
            corners: None,
        }
    }
}

/// Where scanner news goes (the app: a Tauri event).
pub trait ScannerSink: Send + Sync + 'static {
    fn scanner(&self, event: &ScannerEvent);
}

/// Handle on the scanner thread (replaced when the camera setting changes).
pub struct ScannerBridge {
    desk: Arc<Desk>,
    sink: Arc<dyn ScannerSink>,
    rt: tokio::runtime::Handle,
    current: Mutex<Worker>,
}

/// One running worker thread.
struct Worker {
    stop: Arc<AtomicBool>,
    status: Arc<Mutex<ScannerEvent>>,
}

/// Frames per second read from a file source (a still image needs few).
const FILE_FPS: u64 = 4;
/// Preview frames to the UI from a camera (it delivers far more than the UI needs).
const PREVIEW_EVERY: Duration = Duration::from_millis(200);
/// Decoded texts waiting to be posted; when full, newer reads are dropped (they repeat).
const POST_QUEUE: usize = 4;

impl ScannerBridge {
    pub fn start(
        source: Option<&str>,
        desk: Arc<Desk>,
        sink: Arc<dyn ScannerSink>,
        rt: tokio::runtime::Handle,
    ) -> ScannerBridge {
        let worker = spawn(source, &desk, &sink, &rt);
        ScannerBridge {
            desk,
            sink,
            rt,
            current: Mutex::new(worker),
        }
    }

    /// Stops the current source and starts `source` (a camera is released before the next
    /// one opens).
    pub fn switch(&self, source: Option<&str>) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current.stop.store(true, Ordering::Relaxed);
        *current = spawn(source, &self.desk, &self.sink, &self.rt);
        let status = current
            .status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        self.sink.scanner(&status);
    }

    /// The current camera status (what the UI shows before any event).
    pub fn status(&self) -> ScannerEvent {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let status = current.status.lock().unwrap_or_else(|e| e.into_inner());
        status.clone()
    }

    pub fn stop(&self) {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current.stop.store(true, Ordering::Relaxed);
    }
}

impl Drop for ScannerBridge {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Starts a worker thread for `source` (none: a status saying so).
fn spawn(
    source: Option<&str>,
    desk: &Arc<Desk>,
    sink: &Arc<dyn ScannerSink>,
    rt: &tokio::runtime::Handle,
) -> Worker {
    let stop = Arc::new(AtomicBool::new(false));
    let status = Arc::new(Mutex::new(ScannerEvent::note(
        "status",
        "no camera chosen (Settings)",
    )));
    let Some(source) = source.map(str::to_string) else {
        return Worker { stop, status };
    };
    let (tx, rx) = mpsc::sync_channel::<String>(POST_QUEUE);
    // Ends when the worker thread drops `tx`.
    rt.spawn(post_loop(rx, desk.clone(), sink.clone()));
    let (stop2, status2, sink) = (stop.clone(), status.clone(), sink.clone());
    std::thread::Builder::new()
        .name("formdesk-scanner".into())
        .spawn(move || worker(&source, &tx, sink.as_ref(), &stop2, &status2))
        .expect("spawn the scanner thread");
    Worker { stop, status }
}

fn worker(
    source: &str,
    tx: &mpsc::SyncSender<String>,
    sink: &dyn ScannerSink,
    stop: &AtomicBool,
    status: &Mutex<ScannerEvent>,
) {
    let set_status = |ev: ScannerEvent| {
        sink.scanner(&ev);
        *status.lock().unwrap_or_else(|e| e.into_inner()) = ev;
    };
    let Some(path) = source.strip_prefix("file:").map(PathBuf::from) else {
        return camera_loop(source, tx, sink, stop, &set_status);
    };
    set_status(ScannerEvent::note(
        "status",
        format!("reading frames from {}", path.display()),
    ));
    let mut dedupe = Dedupe::default();
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        match formdesk_scanner::gray_from_file(&path) {
            Ok(gray) => {
                let codes = formdesk_scanner::decode(&gray);
                let corners = codes
                    .first()
                    .map(|c| c.corners.iter().map(|p| [p.x, p.y]).collect());
                sink.scanner(&preview(&gray, corners));
                for code in codes.into_iter().filter(|c| c.text.starts_with("FDA")) {
                    if dedupe.fresh(&code.text) {
                        let _ = tx.try_send(code.text);
                    }
                }
            }
            Err(e) => set_status(ScannerEvent::note("error", format!("camera missing: {e}"))),
        }
        let period = Duration::from_millis(1000 / FILE_FPS);
        std::thread::sleep(period.saturating_sub(started.elapsed()));
    }
}

/// Reads a formdesk-scanner source (a real camera) until stopped; an absent camera is a
/// status message ("camera missing: …"), never a panic or a dialog.
fn camera_loop(
    source: &str,
    tx: &mpsc::SyncSender<String>,
    sink: &dyn ScannerSink,
    stop: &AtomicBool,
    set_status: &dyn Fn(ScannerEvent),
) {
    let spec = if source.chars().all(|c| c.is_ascii_digit()) {
        format!("camera:{source}")
    } else {
        source.to_string()
    };
    let opened = spec
        .parse::<formdesk_scanner::SourceSpec>()
        .and_then(|s| s.open());
    let mut src = match opened {
        Ok(s) => s,
        Err(e) => {
            return set_status(ScannerEvent::note("error", format!("camera missing: {e}")));
        }
    };
    set_status(ScannerEvent::note(
        "status",
        format!("reading {}", src.describe()),
    ));
    let mut dedupe = Dedupe::default();
    let mut last_preview = Instant::now() - PREVIEW_EVERY;
    while !stop.load(Ordering::Relaxed) {
        let frame = match src.next_frame() {
            Ok(f) => f,
            Err(e) => {
                return set_status(ScannerEvent::note("error", format!("camera missing: {e}")));
            }
        };
        let codes = formdesk_scanner::decode(&frame.gray);
        if last_preview.elapsed() >= PREVIEW_EVERY || !codes.is_empty() {
            last_preview = Instant::now();
            let corners = codes
                .first()
                .map(|c| c.corners.iter().map(|p| [p.x, p.y]).collect());
            sink.scanner(&preview(&frame.gray, corners));
        }
        for code in codes.into_iter().filter(|c| c.text.starts_with("FDA")) {
            if dedupe.fresh(&code.text) {
                let _ = tx.try_send(code.text);
            }
        }
    }
}

/// The same answer held in front of the camera is sent once a minute at most.
#[derive(Default)]
struct Dedupe(Option<(String, Instant)>);

impl Dedupe {
    fn fresh(&mut self, text: &str) -> bool {
        let fresh = self
            .0
            .as_ref()
            .is_none_or(|(t, at)| t != text || at.elapsed() > Duration::from_secs(60));
        if fresh {
            self.0 = Some((text.to_string(), Instant::now()));
        }
        fresh
    }
}

/// A downscaled JPEG preview (at most 480 px wide) with the code's corners scaled to it.
fn preview(gray: &GrayImage, corners: Option<Vec<[f32; 2]>>) -> ScannerEvent {
    let scale = (480.0 / gray.width() as f32).min(1.0);
    let (w, h) = (
        ((gray.width() as f32) * scale) as u32,
        ((gray.height() as f32) * scale) as u32,
    );
    let small = image::imageops::resize(
        gray,
        w.max(1),
        h.max(1),
        image::imageops::FilterType::Triangle,
    );
    let mut jpeg = Vec::new();
    let frame = image::DynamicImage::ImageLuma8(small)
        .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .ok()
        .map(|_| format!("data:image/jpeg;base64,{}", STANDARD.encode(&jpeg)));
    let corners = corners.map(|c| c.into_iter().map(|[x, y]| [x * scale, y * scale]).collect());
    ScannerEvent {
        kind: "frame",
        message: None,
        frame,
        width: Some(w),
        height: Some(h),
        corners,
    }
}

/// Posts decoded answers to the relay, one at a time, and reports what happened.
async fn post_loop(rx: mpsc::Receiver<String>, desk: Arc<Desk>, sink: Arc<dyn ScannerSink>) {
    let rx = Arc::new(Mutex::new(rx));
    loop {
        let rx2 = rx.clone();
        let next = tokio::task::spawn_blocking(move || {
            rx2.lock().unwrap_or_else(|e| e.into_inner()).recv()
        })
        .await;
        let Ok(Ok(text)) = next else { return };
        let ev = match desk.submit_scanned(&text).await {
            Ok(created) => ScannerEvent::note(
                "submitted",
                format!(
                    "Answer read by the webcam and sent to its window ({} window(s)).",
                    created.delivered_to
                ),
            ),
            Err(e) => ScannerEvent::note("error", e.message),
        };
        sink.scanner(&ev);
    }
}

/// The cameras of this computer (empty when there are none: the settings say so plainly).
/// Blocking (the system is queried): call on a blocking thread.
pub fn list_cameras() -> Vec<formdesk_scanner::CameraInfo> {
    formdesk_scanner::list_cameras()
}
