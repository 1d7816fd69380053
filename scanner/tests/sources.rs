//! Frame sources: image folders, Y4M and MJPEG videos, still images, spec parsing, and the
//! camera-absent behaviour of this (camera-less) machine.

mod common;

use std::time::{Duration, Instant};

use formdesk_scanner::source::{FolderSource, PixelFormat, VideoSource};
use formdesk_scanner::{decode, list_cameras, Error, FrameSource, SourceSpec};

#[test]
fn folder_source_yields_images_in_name_order_then_ends() {
    let dir = tempfile::tempdir().unwrap();
    for (i, text) in ["frame zero", "frame one", "frame two"].iter().enumerate() {
        common::frame(Some(text), 320, 240)
            .save(dir.path().join(format!("{i:02}.png")))
            .unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "not an image").unwrap();
    let mut src = FolderSource::open(dir.path(), None).unwrap();
    assert!(src.describe().contains("3 images"));
    let mut texts = Vec::new();
    for seq in 0..3 {
        let frame = src.next_frame().unwrap();
        assert_eq!(frame.seq, seq);
        texts.push(decode(&frame.gray).remove(0).text);
    }
    assert_eq!(texts, ["frame zero", "frame one", "frame two"]);
    assert!(matches!(src.next_frame(), Err(Error::EndOfStream)));
}

#[test]
fn folder_source_paces_frames_like_a_camera() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..4 {
        common::frame(None, 64, 48)
            .save(dir.path().join(format!("{i}.png")))
            .unwrap();
    }
    let mut src = FolderSource::open(dir.path(), Some(20.0)).unwrap();
    let start = Instant::now();
    for _ in 0..4 {
        src.next_frame().unwrap();
    }
    // Four frames at 20 fps: three periods of 50 ms after the first.
    assert!(
        start.elapsed() >= Duration::from_millis(140),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn empty_or_missing_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = FolderSource::open(dir.path(), None).err().unwrap();
    assert!(
        err.to_string().contains("no PNG, JPEG or WebP images"),
        "{err}"
    );
    let err = FolderSource::open(&dir.path().join("missing"), None)
        .err()
        .unwrap();
    assert!(err.to_string().contains("missing"), "{err}");
}

#[test]
fn y4m_video_gives_luma_frames_and_loops() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.y4m");
    let frames = [
        common::frame(None, 320, 240),
        common::frame(Some("from y4m"), 320, 240),
    ];
    common::write_y4m(&path, &frames, 25);
    let mut src = VideoSource::open_with(&path, Some(1000.0), true).unwrap();
    let first = src.next_frame().unwrap();
    assert_eq!(first.gray, frames[0]);
    let second = src.next_frame().unwrap();
    assert_eq!(decode(&second.gray).remove(0).text, "from y4m");
    // Looping: the third frame is the first again.
    assert_eq!(src.next_frame().unwrap().gray, frames[0]);

    let mut once = VideoSource::open_with(&path, Some(1000.0), false).unwrap();
    once.next_frame().unwrap();
    once.next_frame().unwrap();
    assert!(matches!(once.next_frame(), Err(Error::EndOfStream)));
}

#[test]
fn mjpeg_video_gives_decodable_frames() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.mjpeg");
    let frames = [
        common::frame(Some("jpeg one"), 320, 240),
        common::frame(Some("jpeg two"), 320, 240),
    ];
    common::write_mjpeg(&path, &frames);
    let mut src = VideoSource::open_with(&path, Some(1000.0), false).unwrap();
    let texts: Vec<String> = (0..2)
        .map(|_| decode(&src.next_frame().unwrap().gray).remove(0).text)
        .collect();
    assert_eq!(texts, ["jpeg one", "jpeg two"]);
    assert!(matches!(src.next_frame(), Err(Error::EndOfStream)));
}

#[test]
fn malformed_videos_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.y4m");
    std::fs::write(&bad, "YUV4MPEG2 W0 H0\n").unwrap();
    assert!(VideoSource::open(&bad, None)
        .err()
        .unwrap()
        .to_string()
        .contains("invalid frame size"));
    let truncated = dir.path().join("short.y4m");
    std::fs::write(&truncated, "YUV4MPEG2 W8 H8 C420jpeg\nFRAME\nabc").unwrap();
    let mut src = VideoSource::open(&truncated, Some(1000.0)).unwrap();
    assert!(src
        .next_frame()
        .err()
        .unwrap()
        .to_string()
        .contains("truncated frame"));
    let empty = dir.path().join("empty.mjpeg");
    std::fs::write(&empty, b"no jpeg here").unwrap();
    assert!(VideoSource::open(&empty, None)
        .err()
        .unwrap()
        .to_string()
        .contains("no JPEG frames"));
}

#[test]
fn specs_parse_and_reject_garbage() {
    assert_eq!(
        "folder:/tmp/x".parse::<SourceSpec>().unwrap(),
        SourceSpec::Folder("/tmp/x".into())
    );
    assert_eq!(
        "file:a.y4m".parse::<SourceSpec>().unwrap(),
        SourceSpec::File("a.y4m".into())
    );
    assert_eq!(
        "camera:1@1280x720:yuyv".parse::<SourceSpec>().unwrap(),
        SourceSpec::Camera {
            index: 1,
            resolution: Some((1280, 720)),
            format: Some(PixelFormat::Yuyv)
        }
    );
    assert_eq!(
        "camera:0".parse::<SourceSpec>().unwrap(),
        SourceSpec::Camera {
            index: 0,
            resolution: None,
            format: None
        }
    );
    for bad in [
        "",
        "camera",
        "camera:x",
        "camera:0@big",
        "camera:0:rgb",
        "folder:",
        "usb:0",
    ] {
        let err = bad.parse::<SourceSpec>().unwrap_err();
        assert!(
            err.to_string().contains("invalid camera spec"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn without_a_camera_listing_is_empty_and_opening_is_a_clear_error() {
    // This machine (and CI) has no video device.
    assert!(list_cameras().is_empty());
    let err = "camera:0"
        .parse::<SourceSpec>()
        .unwrap()
        .open()
        .err()
        .expect("no camera here");
    let msg = err.to_string();
    assert!(matches!(err, Error::Camera(_)), "{msg}");
    assert!(msg.starts_with("camera: "), "{msg}");
    assert!(msg.contains("0"), "{msg}");
}
