//! Test frames: codes rendered with the qrcode crate on camera-sized gray frames, and
//! writers for the file formats the frame sources read (PNG folders, Y4M, MJPEG).
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

use image::{GrayImage, Luma};

/// A `w`×`h` frame with `text` as a code (4 px per module) near the top-left, or blank.
pub fn frame(text: Option<&str>, w: u32, h: u32) -> GrayImage {
    let mut img = GrayImage::from_pixel(w, h, Luma([140]));
    if let Some(text) = text {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let n = code.width() as u32;
        let colors = code.to_colors();
        let px = 4;
        for y in 0..(n + 8) * px {
            for x in 0..(n + 8) * px {
                let (mx, my) = ((x / px) as i64 - 4, (y / px) as i64 - 4);
                let dark = mx >= 0
                    && my >= 0
                    && mx < n as i64
                    && my < n as i64
                    && colors[(my as u32 * n + mx as u32) as usize] == qrcode::Color::Dark;
                img.put_pixel(30 + x, 30 + y, Luma([if dark { 25 } else { 230 }]));
            }
        }
    }
    img
}

/// Writes frames as a YUV4MPEG2 file (4:2:0, neutral chroma).
pub fn write_y4m(path: &Path, frames: &[GrayImage], fps: u32) {
    let (w, h) = frames[0].dimensions();
    let mut f = std::fs::File::create(path).unwrap();
    writeln!(f, "YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg").unwrap();
    let chroma = vec![128u8; 2 * (w.div_ceil(2) * h.div_ceil(2)) as usize];
    for img in frames {
        f.write_all(b"FRAME\n").unwrap();
        f.write_all(img.as_raw()).unwrap();
        f.write_all(&chroma).unwrap();
    }
}

/// Writes frames as an MJPEG stream (concatenated JPEG images).
pub fn write_mjpeg(path: &Path, frames: &[GrayImage]) {
    let mut out = Vec::new();
    for img in frames {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(img)
            .unwrap();
    }
    std::fs::write(path, out).unwrap();
}
