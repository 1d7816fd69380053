//! `camera:N`: a real camera through nokhwa (V4L2 on Linux). Asks for MJPEG (or YUYV) at
//! the requested resolution, closest match, and converts each frame to gray. Every nokhwa
//! failure (no such device, busy, unplugged mid-stream) becomes `Error::Camera` with the
//! camera index and nokhwa's reason, never a panic.

use std::time::Instant;

use nokhwa::pixel_format::LumaFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};
use nokhwa::Camera;

use super::{CameraInfo, Frame, FrameSource, PixelFormat};
use crate::{Error, Result};

/// The cameras nokhwa can see (empty on errors: "no camera" is not a failure here).
pub fn list() -> Vec<CameraInfo> {
    let Ok(found) = nokhwa::query(ApiBackend::Auto) else {
        return Vec::new();
    };
    found
        .into_iter()
        .filter_map(|c| match c.index() {
            CameraIndex::Index(i) => Some(CameraInfo {
                index: *i,
                name: c.human_name(),
            }),
            CameraIndex::String(_) => None,
        })
        .collect()
}

pub struct CameraSource {
    camera: Camera,
    index: u32,
    seq: u64,
}

impl CameraSource {
    /// Opens camera `index` and starts streaming.
    pub fn open(index: u32, res: Option<(u32, u32)>, fmt: Option<PixelFormat>) -> Result<Self> {
        let (w, h) = res.unwrap_or((1280, 720));
        let frame_format = match fmt {
            Some(PixelFormat::Yuyv) => FrameFormat::YUYV,
            _ => FrameFormat::MJPEG,
        };
        let wanted = RequestedFormat::new::<LumaFormat>(RequestedFormatType::Closest(
            CameraFormat::new(Resolution::new(w, h), frame_format, 30),
        ));
        let fail = |what: &str, e: nokhwa::NokhwaError| {
            Error::Camera(format!("camera {index}: {what}: {e}"))
        };
        let mut camera =
            Camera::new(CameraIndex::Index(index), wanted).map_err(|e| fail("cannot open", e))?;
        camera
            .open_stream()
            .map_err(|e| fail("cannot start streaming (busy?)", e))?;
        Ok(CameraSource {
            camera,
            index,
            seq: 0,
        })
    }
}

impl FrameSource for CameraSource {
    fn next_frame(&mut self) -> Result<Frame> {
        let index = self.index;
        let buffer = self
            .camera
            .frame()
            .map_err(|e| Error::Camera(format!("camera {index}: lost (unplugged?): {e}")))?;
        let gray = buffer
            .decode_image::<LumaFormat>()
            .map_err(|e| Error::Camera(format!("camera {index}: bad frame: {e}")))?;
        let seq = self.seq;
        self.seq += 1;
        Ok(Frame {
            gray,
            seq,
            captured: Instant::now(),
        })
    }

    fn describe(&self) -> String {
        let f = self.camera.camera_format();
        format!(
            "camera {} ({}, {})",
            self.index,
            self.camera.info().human_name(),
            f
        )
    }
}

impl Drop for CameraSource {
    fn drop(&mut self) {
        let _ = self.camera.stop_stream();
    }
}
