//! Module sampling and grid decoding: reads each module centre of a fitted code (a small
//! 5-point average), sharpens in module space (unsharp mask against the 3×3 neighbours,
//! undoing blur that bleeds between modules), thresholds against the local mean over
//! 15×15 modules, and hands the bit grid to `codec` (rqrr reads format and data bits;
//! own Reed–Solomon and segment parsing; the mirrored grid is tried too).

use image::GrayImage;

use super::grid::Fit;

/// Gray value at continuous pixel position (x, y) (pixel centres at +0.5), bilinear,
/// clamped to the image.
#[inline]
pub fn bilinear(img: &GrayImage, x: f64, y: f64) -> f64 {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let fx = (x - 0.5).clamp(0.0, (w - 1) as f64);
    let fy = (y - 0.5).clamp(0.0, (h - 1) as f64);
    let (x0, y0) = (fx as usize, fy as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (ax, ay) = (fx - x0 as f64, fy - y0 as f64);
    let p = img.as_raw();
    let g = |x: usize, y: usize| p[y * w + x] as f64;
    let top = g(x0, y0) * (1.0 - ax) + g(x1, y0) * ax;
    let bottom = g(x0, y1) * (1.0 - ax) + g(x1, y1) * ax;
    top * (1.0 - ay) + bottom * ay
}

/// Gray level of every module (row-major, dim × dim).
pub fn module_values(img: &GrayImage, fit: &Fit) -> Vec<f64> {
    let d = fit.dim;
    let mut out = Vec::with_capacity(d * d);
    for v in 0..d {
        for u in 0..d {
            let (cu, cv) = (u as f64 + 0.5, v as f64 + 0.5);
            let mut s = 0.0;
            for (du, dv) in [
                (0.0, 0.0),
                (-0.2, -0.2),
                (0.2, -0.2),
                (-0.2, 0.2),
                (0.2, 0.2),
            ] {
                let (x, y) = fit.h.map(cu + du, cv + dv);
                s += bilinear(img, x, y);
            }
            out.push(s / 5.0);
        }
    }
    out
}

/// Box mean of radius `r` over a dim × dim array (edges clamp the window).
fn box_mean(vals: &[f64], d: usize, r: usize) -> Vec<f64> {
    let mut pre = vec![0.0; (d + 1) * (d + 1)];
    for y in 0..d {
        let mut row = 0.0;
        for x in 0..d {
            row += vals[y * d + x];
            pre[(y + 1) * (d + 1) + x + 1] = pre[y * (d + 1) + x + 1] + row;
        }
    }
    let mut out = vec![0.0; d * d];
    for y in 0..d {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(d));
        for x in 0..d {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(d));
            let s = pre[y1 * (d + 1) + x1] + pre[y0 * (d + 1) + x0]
                - pre[y0 * (d + 1) + x1]
                - pre[y1 * (d + 1) + x0];
            out[y * d + x] = s / ((y1 - y0) * (x1 - x0)) as f64;
        }
    }
    out
}

/// Tries to decode the fitted code; returns the raw payload bytes.
pub fn decode_fit(img: &GrayImage, fit: &Fit) -> Option<Vec<u8>> {
    let d = fit.dim;
    let vals = module_values(img, fit);
    let local = box_mean(&vals, d, 7);
    let near = box_mean(&vals, d, 1);
    for amount in [1.0, 0.0, 2.0] {
        let bits: Vec<bool> = (0..d * d)
            .map(|i| {
                let sharp = vals[i] + amount * (vals[i] - near[i]) * 9.0 / 8.0;
                sharp < local[i]
            })
            .collect();
        if let Some(out) = super::codec::decode_grid(&bits, d) {
            return Some(out);
        }
    }
    None
}
