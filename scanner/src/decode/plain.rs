//! Strategy "plain": rqrr's own detector and grid fitter on a gray image. Cheap on small
//! images and clean codes; misses most blurred, tilted or small codes (the robust pipeline
//! in `pipeline` exists for those).

use image::GrayImage;

use crate::decoded::{bytes_to_text, Decoded, Point};

/// Runs rqrr's detector on `img`; coordinates are scaled by `scale` back to the caller's
/// frame (for a downscaled input).
pub fn decode_plain(img: &GrayImage, scale: f32) -> Vec<Decoded> {
    let mut prepared = rqrr::PreparedImage::prepare(img.clone());
    let mut out = Vec::new();
    for grid in prepared.detect_grids() {
        let mut bytes = Vec::new();
        if grid.decode_to(&mut bytes).is_err() {
            continue;
        }
        let corners = grid.bounds.map(|p| Point {
            x: p.x as f32 * scale,
            y: p.y as f32 * scale,
        });
        out.push(Decoded {
            text: bytes_to_text(&bytes),
            bytes,
            corners,
        });
    }
    out
}
