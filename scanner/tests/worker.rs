//! The scan worker: newest-frame-only decoding (stale frames dropped, never queued),
//! payload dedupe, error events, clean stop.

mod common;

use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use formdesk_scanner::source::{FolderSource, VideoSource};
use formdesk_scanner::{FrameSource, ScanEvent, SourceSpec, Worker, WorkerConfig};

/// Collects events until `Stopped` (bounded wait).
fn drain(rx: &Receiver<ScanEvent>, limit: Duration) -> Vec<ScanEvent> {
    let deadline = Instant::now() + limit;
    let mut out = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(ScanEvent::Stopped) => {
                out.push(ScanEvent::Stopped);
                break;
            }
            Ok(ev) => out.push(ev),
            Err(_) => break,
        }
    }
    out
}

fn texts(events: &[ScanEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            ScanEvent::Decoded { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn decodes_the_newest_frame_and_drops_stale_ones() {
    // 40 unpaced 1280×720 frames arrive much faster than blank frames decode (each runs
    // the whole strategy ladder); only the last frame carries a code.
    let dir = tempfile::tempdir().unwrap();
    let mut frames: Vec<_> = (0..39).map(|_| common::frame(None, 1280, 720)).collect();
    frames.push(common::frame(Some("the newest frame"), 1280, 720));
    let path = dir.path().join("burst.y4m");
    common::write_y4m(&path, &frames, 30);
    let open = Box::new(move || {
        VideoSource::open_with(&path, Some(100_000.0), false)
            .map(|s| Box::new(s) as Box<dyn FrameSource>)
    });
    let (worker, rx) = Worker::start_with(open, WorkerConfig::default());
    let events = drain(&rx, Duration::from_secs(60));
    assert!(
        matches!(events.first(), Some(ScanEvent::Started { .. })),
        "{events:?}"
    );
    assert!(
        matches!(events.last(), Some(ScanEvent::Stopped)),
        "{events:?}"
    );
    assert_eq!(texts(&events), ["the newest frame"]);
    let stats = worker.stats();
    let (captured, decoded, dropped) = (
        stats.captured.load(Ordering::SeqCst),
        stats.decoded.load(Ordering::SeqCst),
        stats.dropped.load(Ordering::SeqCst),
    );
    assert_eq!(captured, 40);
    assert!(
        dropped > 0 && decoded < captured,
        "captured {captured} decoded {decoded} dropped {dropped}"
    );
    assert_eq!(
        decoded + dropped,
        captured,
        "every frame is either decoded or dropped, none queued"
    );
    worker.stop();
}

#[test]
fn repeated_payloads_are_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..6 {
        let text = if i < 5 { "same code" } else { "other code" };
        common::frame(Some(text), 400, 300)
            .save(dir.path().join(format!("{i}.png")))
            .unwrap();
    }
    let d = dir.path().to_owned();
    let open = Box::new(move || {
        FolderSource::open(&d, Some(50.0)).map(|s| Box::new(s) as Box<dyn FrameSource>)
    });
    let (worker, rx) = Worker::start_with(open, WorkerConfig::default());
    let events = drain(&rx, Duration::from_secs(30));
    assert_eq!(texts(&events), ["same code", "other code"]);
    worker.stop();
}

#[test]
fn a_missing_source_becomes_an_error_event_then_stopped() {
    let spec: SourceSpec = "folder:/nonexistent/formdesk-frames".parse().unwrap();
    let (worker, rx) = Worker::start(spec, WorkerConfig::default());
    let events = drain(&rx, Duration::from_secs(10));
    match &events[..] {
        [ScanEvent::Error { message }, ScanEvent::Stopped] => {
            assert!(
                message.contains("/nonexistent/formdesk-frames"),
                "{message}"
            )
        }
        other => panic!("unexpected events {other:?}"),
    }
    worker.stop();
}

#[test]
fn no_camera_becomes_an_error_event() {
    let (worker, rx) = Worker::start("camera:0".parse().unwrap(), WorkerConfig::default());
    let events = drain(&rx, Duration::from_secs(10));
    assert!(
        matches!(&events[..], [ScanEvent::Error { message }, ScanEvent::Stopped] if message.starts_with("camera")),
        "{events:?}"
    );
    worker.stop();
}

#[test]
fn stop_ends_a_live_looping_source_promptly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("still.png");
    common::frame(Some("still"), 320, 240).save(&path).unwrap();
    let spec = SourceSpec::File(path);
    let (worker, rx) = Worker::start(
        spec,
        WorkerConfig {
            preview: true,
            ..WorkerConfig::default()
        },
    );
    // Wait for the code (the looping still image never ends by itself).
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = false;
    let mut previews = 0;
    while Instant::now() < deadline && !(seen && previews >= 2) {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(ScanEvent::Decoded { text, .. }) => seen = text == "still",
            Ok(ScanEvent::Frame { gray, .. }) => {
                assert_eq!(gray.dimensions(), (320, 240));
                previews += 1;
            }
            _ => {}
        }
    }
    assert!(seen && previews >= 2);
    let start = Instant::now();
    worker.stop();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "stop took {:?}",
        start.elapsed()
    );
    let rest: Vec<ScanEvent> = rx.try_iter().collect();
    assert!(
        rest.iter().all(|e| !matches!(e, ScanEvent::Decoded { .. })),
        "deduped: still reported once"
    );
}
