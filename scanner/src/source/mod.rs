//! Frame sources: where gray frames come from. One trait, `FrameSource`, and one spec
//! string to pick an implementation (the app's settings or `FORMDESK_CAMERA`):
//!
//! - `camera:N[@WxH][:mjpeg|:yuyv]` — a real camera through nokhwa (feature `camera`);
//! - `folder:DIR` — the images of a folder in name order (PNG, JPEG, WebP), then ends;
//! - `file:PATH` — a video (`.y4m`, or `.mjpeg`/`.mjpg` concatenated JPEGs) or a single image.
//!
//! A source blocks in `next_frame` until its next frame is due (files are paced at their
//! frame rate, like a camera), so the worker sees the same timing as with real hardware.
//! Sources are opened on the worker thread (camera handles are not `Send`).

#[cfg(feature = "camera")]
mod camera;
mod folder;
mod pace;
mod video;

use std::path::PathBuf;
use std::time::Instant;

use image::GrayImage;

use crate::{Error, Result};

pub use folder::FolderSource;
pub use video::VideoSource;

/// One captured frame.
#[derive(Debug, Clone)]
pub struct Frame {
    pub gray: GrayImage,
    /// Sequence number within the source, from 0.
    pub seq: u64,
    pub captured: Instant,
}

/// A producer of frames (camera, folder, video file).
pub trait FrameSource {
    /// Blocks until the next frame; `Err(Error::EndOfStream)` when a file source is done.
    fn next_frame(&mut self) -> Result<Frame>;
    /// Human-readable name for logs and the UI.
    fn describe(&self) -> String;
}

/// A camera as listed by the system.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CameraInfo {
    pub index: u32,
    pub name: String,
}

/// Pixel format requested from a camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    Mjpeg,
    Yuyv,
}

/// A parsed source spec (see the module doc).
#[derive(Debug, Clone, PartialEq)]
pub enum SourceSpec {
    Camera {
        index: u32,
        resolution: Option<(u32, u32)>,
        format: Option<PixelFormat>,
    },
    Folder(PathBuf),
    File(PathBuf),
}

impl std::str::FromStr for SourceSpec {
    type Err = Error;
    fn from_str(spec: &str) -> Result<Self> {
        let bad = |reason: &str| Error::Spec {
            spec: spec.to_owned(),
            reason: reason.to_owned(),
        };
        let (kind, rest) = spec
            .split_once(':')
            .ok_or_else(|| bad("expected camera:N, folder:DIR or file:PATH"))?;
        match kind {
            "folder" if !rest.is_empty() => Ok(SourceSpec::Folder(rest.into())),
            "file" if !rest.is_empty() => Ok(SourceSpec::File(rest.into())),
            "camera" => {
                parse_camera(rest).ok_or_else(|| bad("expected camera:N[@WxH][:mjpeg|:yuyv]"))
            }
            _ => Err(bad("expected camera:N, folder:DIR or file:PATH")),
        }
    }
}

fn parse_camera(rest: &str) -> Option<SourceSpec> {
    let (main, format) = match rest.split_once(':') {
        Some((m, "mjpeg")) => (m, Some(PixelFormat::Mjpeg)),
        Some((m, "yuyv")) => (m, Some(PixelFormat::Yuyv)),
        Some(_) => return None,
        None => (rest, None),
    };
    let (index, resolution) = match main.split_once('@') {
        Some((i, res)) => {
            let (w, h) = res.split_once('x')?;
            (i, Some((w.parse().ok()?, h.parse().ok()?)))
        }
        None => (main, None),
    };
    Some(SourceSpec::Camera {
        index: index.parse().ok()?,
        resolution,
        format,
    })
}

impl SourceSpec {
    /// The spec in `FORMDESK_CAMERA`, if set.
    pub fn from_env() -> Option<Result<Self>> {
        std::env::var("FORMDESK_CAMERA").ok().map(|s| s.parse())
    }

    /// Opens the source (call on the thread that will read it).
    pub fn open(&self) -> Result<Box<dyn FrameSource>> {
        match self {
            SourceSpec::Folder(dir) => Ok(Box::new(FolderSource::open(dir, Some(30.0))?)),
            SourceSpec::File(path) => Ok(Box::new(VideoSource::open(path, None)?)),
            SourceSpec::Camera {
                index,
                resolution,
                format,
            } => open_camera(*index, *resolution, *format),
        }
    }
}

/// Lists the cameras of this machine (empty when there are none, or without the `camera`
/// feature).
pub fn list_cameras() -> Vec<CameraInfo> {
    #[cfg(feature = "camera")]
    {
        camera::list()
    }
    #[cfg(not(feature = "camera"))]
    {
        Vec::new()
    }
}

#[cfg(feature = "camera")]
fn open_camera(
    index: u32,
    res: Option<(u32, u32)>,
    fmt: Option<PixelFormat>,
) -> Result<Box<dyn FrameSource>> {
    Ok(Box::new(camera::CameraSource::open(index, res, fmt)?))
}

#[cfg(not(feature = "camera"))]
fn open_camera(
    index: u32,
    _: Option<(u32, u32)>,
    _: Option<PixelFormat>,
) -> Result<Box<dyn FrameSource>> {
    Err(Error::Camera(format!(
        "cannot open camera {index}: this build has no camera support (feature \"camera\")"
    )))
}
