//! The webcam path: a dedicated thread reads frames from the configured source, decodes
//! them with formdesk-scanner, and sends each new FormDesk answer (`FDA…`), still sealed,
//! to the relay's `POST /api/submissions` — the same path a paired phone uses — so the window
//! holding the request's key opens it. Preview frames (downscaled JPEG) with the box around
//! a detected code go to the UI. Sources: `file:PATH` (a fixed image, re-read each frame:
//! the fake camera of the tests), or a camera index once the scanner's camera worker lands
//! (until then: "camera missing"). No Tauri here.

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

/// Handle on the scanner thread.
pub struct ScannerBridge {
    stop: Arc<AtomicBool>,
    status: Arc<Mutex<ScannerEvent>>,
}

/// Frames per second read from a file source (a still image needs few).
const FILE_FPS: u64 = 4;
/// Decoded texts waiting to be posted; when full, newer reads are dropped (they repeat).
const POST_QUEUE: usize = 4;

impl ScannerBridge {
    pub fn start(
        source: Option<&str>,
        desk: Arc<Desk>,
        sink: Arc<dyn ScannerSink>,
        rt: tokio::runtime::Handle,
    ) -> ScannerBridge {
        let stop = Arc::new(AtomicBool::new(false));
        let status = Arc::new(Mutex::new(ScannerEvent::note(
            "status",
            "no camera configured",
        )));
        let Some(source) = source.map(str::to_string) else {
            return ScannerBridge { stop, status };
        };
        let (tx, rx) = mpsc::sync_channel::<String>(POST_QUEUE);
        rt.spawn(post_loop(rx, desk, sink.clone()));
        let (stop2, status2) = (stop.clone(), status.clone());
        std::thread::Builder::new()
            .name("formdesk-scanner".into())
            .spawn(move || worker(&source, &tx, sink.as_ref(), &stop2, &status2))
            .expect("spawn the scanner thread");
        ScannerBridge { stop, status }
    }

    /// The current camera status (what the UI shows before any event).
    pub fn status(&self) -> ScannerEvent {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Drop for ScannerBridge {
    fn drop(&mut self) {
        self.stop();
    }
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
        set_status(ScannerEvent::note(
            "error",
            format!("camera missing: no camera {source:?} on this computer"),
        ));
        return;
    };
    set_status(ScannerEvent::note(
        "status",
        format!("reading frames from {}", path.display()),
    ));
    let mut last_text: Option<(String, Instant)> = None;
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
                    // Dedupe: the same answer held in front of the camera is sent once a minute at most.
                    let fresh = last_text.as_ref().is_none_or(|(t, at)| {
                        *t != code.text || at.elapsed() > Duration::from_secs(60)
                    });
                    if fresh {
                        last_text = Some((code.text.clone(), Instant::now()));
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
