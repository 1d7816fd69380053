//! Finder-pattern detection: the three big squares of a QR code cross every line through
//! their centre as dark:light:dark:light:dark runs in the ratio 1:1:3:1:1. Rows are scanned
//! for that ratio; each hit is cross-checked along the column and the row through its
//! centre (and a diagonal), and hits of the same square are clustered into one `Finder`.

use super::binarize::BitImage;

/// A located finder pattern: centre in continuous pixel coordinates (pixel (x, y) spans
/// [x, x+1)), module size in pixels, and how many scan hits confirmed it.
#[derive(Debug, Clone, Copy)]
pub struct Finder {
    pub x: f32,
    pub y: f32,
    pub module: f32,
    pub hits: u32,
}

/// Whether five run lengths look like 1:1:3:1:1; `tol` is the allowed deviation of a
/// one-module run as a fraction of the module size (ZXing uses 0.5).
pub fn ratio_ok(c: &[f32; 5], tol: f32) -> bool {
    let total: f32 = c.iter().sum();
    if total < 7.0 || c.iter().any(|&v| v <= 0.0) {
        return false;
    }
    let m = total / 7.0;
    let d = m * tol;
    (c[0] - m).abs() < d
        && (c[1] - m).abs() < d
        && (c[2] - 3.0 * m).abs() < 3.0 * d
        && (c[3] - m).abs() < d
        && (c[4] - m).abs() < d
}

/// Run lengths of the pattern crossed by the line through (x, y) along unit direction
/// (ux, uy), and the offset, in steps from the pixel holding (x, y), of the centre run's
/// middle pixel (add 0.5 to the pixel's origin for the continuous centre). `max` bounds
/// each run.
pub fn cross(
    bits: &BitImage,
    x: f32,
    y: f32,
    ux: f32,
    uy: f32,
    max: f32,
) -> Option<([f32; 5], f32)> {
    let at = |t: f32| bits.get((x + ux * t).floor() as isize, (y + uy * t).floor() as isize);
    let inside = |t: f32| {
        let (px, py) = (x + ux * t, y + uy * t);
        px >= 0.0 && py >= 0.0 && (px as usize) < bits.width && (py as usize) < bits.height
    };
    if !at(0.0) {
        return None;
    }
    let mut c = [0f32; 5];
    // Backwards: centre, light, dark.
    let mut t = 0.0;
    while at(t) && c[2] <= 3.0 * max {
        c[2] += 1.0;
        t -= 1.0;
    }
    let back_edge = t + 1.0;
    for (idx, dark) in [(1usize, false), (0, true)] {
        while inside(t) && at(t) == dark && c[idx] <= max {
            c[idx] += 1.0;
            t -= 1.0;
        }
        if c[idx] == 0.0 || c[idx] > max || (!inside(t) && !dark) {
            return None;
        }
    }
    // Forwards: rest of the centre, light, dark.
    let mut t = 1.0;
    while at(t) && c[2] <= 3.0 * max {
        c[2] += 1.0;
        t += 1.0;
    }
    let fwd_edge = t - 1.0;
    for (idx, dark) in [(3usize, false), (4, true)] {
        while inside(t) && at(t) == dark && c[idx] <= max {
            c[idx] += 1.0;
            t += 1.0;
        }
        if c[idx] == 0.0 || c[idx] > max || (!inside(t) && !dark) {
            return None;
        }
    }
    Some((c, (back_edge + fwd_edge) / 2.0))
}

/// Gray levels a pixel must pass its threshold by to change colour in the row scan (see
/// `BitImage::row_bits_steady`); measured: 8 halves the scan time on noisy 720p frames and
/// loses no read on either benchmark set (12 lost one).
const HYSTERESIS: u8 = 8;

/// Scans every `step`-th row of `bits` and returns the clustered finder candidates, most
/// confirmed first.
pub fn find_finders(bits: &BitImage, step: usize, tol: f32) -> Vec<Finder> {
    let mut found: Vec<Finder> = Vec::new();
    let mut row = Vec::with_capacity(bits.width + 1);
    for y in (0..bits.height).step_by(step.max(1)) {
        bits.row_bits_steady(y, HYSTERESIS, &mut row);
        row.push(0); // a light pixel past the edge ends the last dark run
                     // The last five runs, oldest first; `runs[4]` is the run in progress.
        let mut runs = [0u32; 5];
        let mut dark = false;
        let mut seen = 0usize; // runs started on this row, counting from the first dark one
        for (x, &b) in row.iter().enumerate() {
            let now = b != 0;
            if now == dark {
                runs[4] += 1;
                continue;
            }
            // A dark run ending here completes dark:light:dark:light:dark.
            if dark && seen >= 5 {
                let c = runs.map(|r| r as f32);
                if ratio_ok(&c, tol) {
                    let cx = x as f32 - c[4] - c[3] - c[2] / 2.0;
                    if let Some(f) = confirm(bits, cx, y as f32 + 0.5, &c, tol) {
                        add(&mut found, f);
                    }
                }
            }
            if now || seen > 0 {
                runs = [runs[1], runs[2], runs[3], runs[4], 1];
                seen += 1;
            }
            dark = now;
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.hits));
    found
}

/// Cross-checks a row hit along the column, the row again and a diagonal.
fn confirm(bits: &BitImage, cx: f32, cy: f32, row: &[f32; 5], tol: f32) -> Option<Finder> {
    let total: f32 = row.iter().sum();
    let max = total / 7.0 * 2.5;
    let (vc, dy) = cross(bits, cx, cy, 0.0, 1.0, max)?;
    let vt: f32 = vc.iter().sum();
    if !ratio_ok(&vc, tol) || (vt - total).abs() * 5.0 > 2.0 * total {
        return None;
    }
    let cy = cy.floor() + dy + 0.5;
    let (hc, dx) = cross(bits, cx, cy, 1.0, 0.0, max)?;
    let ht: f32 = hc.iter().sum();
    if !ratio_ok(&hc, tol) || (ht - total).abs() * 5.0 > 2.0 * total {
        return None;
    }
    let cx = cx.floor() + dx + 0.5;
    let s = std::f32::consts::FRAC_1_SQRT_2;
    let (dc, _) = cross(bits, cx, cy, s, s, max * 1.5)?;
    if !ratio_ok(&dc, tol * 1.5) {
        return None;
    }
    Some(Finder {
        x: cx,
        y: cy,
        module: (vt + ht) / 14.0,
        hits: 1,
    })
}

/// Merges `f` into a nearby candidate of similar size, or adds it.
fn add(found: &mut Vec<Finder>, f: Finder) {
    for g in found.iter_mut() {
        let near = (g.x - f.x).abs() <= g.module * 1.5 && (g.y - f.y).abs() <= g.module * 1.5;
        let similar = f.module <= g.module * 1.6 && g.module <= f.module * 1.6;
        if near && similar {
            let n = g.hits as f32;
            g.x = (g.x * n + f.x) / (n + 1.0);
            g.y = (g.y * n + f.y) / (n + 1.0);
            g.module = (g.module * n + f.module) / (n + 1.0);
            g.hits += 1;
            return;
        }
    }
    found.push(f);
}
