//! The strategy ladder: stop at the first strategy that reads a code, skip the rest once
//! the time budget (CPU time of the decoding thread, see `clock`) is spent. Each strategy
//! runs under `guarded` (panics are caught and counted). The first strategy always runs and
//! always fits its best finder triple whatever the clock says, so a clean code decodes even
//! when the budget is gone before the first fit (large frames).
//!
//! Order (measured on the synthetic 720p set: strategy 1 reads about 70 % of the frames
//! at ~4 ms; the others mostly read frames it missed):
//! 1. own detector (finder → group → grid → sample) on the full frame
//! 2. the same with finders searched on a half-size copy, the grid fitted on the full frame
//! 3. the same on the inverted frame (light-on-dark codes)
//! 4. rqrr's own detector (plain)
//! 5. own detector on a 2× downscaled frame (halftone, noise, very large modules)
//! 6. own detector with relaxed finder ratios (strong blur)
//! 7. (feature `rxing`) the rxing ZXing port

use std::borrow::Cow;
use std::collections::HashSet;
use std::time::Duration;

use image::GrayImage;

use super::binarize::{binarize, BitImage};
use super::clock::{cpu_ms, Deadline};
use super::finder::find_finders;
use super::finder::Finder;
use super::grid::{finder_agreement, fit, Fit};
use super::group::{triples, Triple};
use super::sample::decode_fit;
use super::{guarded, plain};
use crate::decoded::{bytes_to_text, Decoded, Point};

/// Tuning of one `decode` call.
#[derive(Debug, Clone)]
pub struct Options {
    /// Later strategies are skipped once the decoding thread has used this much CPU time
    /// (see `clock`; the first strategy always runs).
    pub budget: Duration,
    /// Whether the rxing fallback runs (only with the `rxing` feature).
    pub rxing: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            budget: Duration::from_millis(300),
            rxing: std::env::var_os("FORMDESK_SCAN_NO_RXING").is_none(),
        }
    }
}

/// Triples ranked per strategy (by their geometric plausibility first).
const MAX_RANKED: usize = 40;
/// Triples tried per strategy (bounded work on cluttered frames).
const MAX_TRIPLES: usize = 12;
/// Triples whose finders match worse than this under their affine map are not fitted.
const MIN_FINDER_AGREEMENT: f64 = 0.3;
/// A fit whose function patterns agree less than this is not sampled.
const MIN_FIT_SCORE: f64 = 0.15;

enum Strategy {
    Own(Detect),
    Plain,
    Rxing,
}

#[derive(Clone, Copy)]
struct Detect {
    /// Look for finders on a half-size copy first (fast path for camera frames).
    coarse: bool,
    inverted: bool,
    tol: f32,
    halve: bool,
}

/// Runs the ladder on `img`.
pub fn run(img: &GrayImage, opts: &Options) -> Vec<Decoded> {
    let start = cpu_ms();
    let deadline = Deadline::after(opts.budget);
    let normal = Detect {
        coarse: false,
        inverted: false,
        tol: 0.5,
        halve: false,
    };
    let mut ladder = vec![
        Strategy::Own(normal),
        Strategy::Own(Detect {
            coarse: true,
            ..normal
        }),
        Strategy::Own(Detect {
            inverted: true,
            ..normal
        }),
        Strategy::Plain,
        Strategy::Own(Detect {
            halve: true,
            ..normal
        }),
        Strategy::Own(Detect { tol: 0.8, ..normal }),
    ];
    if opts.rxing && cfg!(feature = "rxing") {
        ladder.push(Strategy::Rxing);
    }
    for (i, strategy) in ladder.into_iter().enumerate() {
        if i > 0 && deadline.passed() {
            break;
        }
        let found = guarded(|| match strategy {
            Strategy::Own(d) => detect(img, d, deadline),
            Strategy::Plain => plain::decode_plain(img, 1.0),
            #[cfg(feature = "rxing")]
            Strategy::Rxing => super::zxing::decode_rxing(img),
            #[cfg(not(feature = "rxing"))]
            Strategy::Rxing => Vec::new(),
        })
        .unwrap_or_default();
        if !found.is_empty() {
            if std::env::var_os("FORMDESK_SCAN_DEBUG").is_some() {
                eprintln!(
                    "strategy {i} read {} code(s) after {:.1} ms",
                    found.len(),
                    cpu_ms() - start
                );
            }
            return found;
        }
    }
    Vec::new()
}

fn detect(img: &GrayImage, d: Detect, deadline: Deadline) -> Vec<Decoded> {
    let (mut work, scale) = if d.halve {
        (Cow::Owned(halve(img)), 2.0)
    } else {
        (Cow::Borrowed(img), 1.0)
    };
    if work.width() < 21 || work.height() < 21 {
        return Vec::new();
    }
    if d.inverted {
        // Light-on-dark: invert the image itself (not just the bits), so that the
        // binarizer's "flat areas are background" guess holds for the dark surround.
        image::imageops::invert(work.to_mut());
    }
    let work = &*work;
    if d.coarse && work.width() >= 640 && work.height() >= 360 {
        // Finders on a half-size copy (a quarter of the pixels), fit on the full frame.
        let small = halve(work);
        let found = binarize(&small);
        let fine = binarize(work);
        decode_found(work, &fine, &found, 2.0, d, scale, deadline)
    } else {
        let t0 = cpu_ms();
        let bits = binarize(work);
        if std::env::var_os("FORMDESK_SCAN_DEBUG").is_some() {
            eprintln!("  binarized in {:.2} ms cpu", cpu_ms() - t0);
        }
        decode_found(work, &bits, &bits, 1.0, d, scale, deadline)
    }
}

/// Finds finders in `found` (`k` times smaller than `work`), fits and decodes on `work`.
fn decode_found(
    work: &GrayImage,
    bits: &BitImage,
    found: &BitImage,
    k: f32,
    d: Detect,
    scale: f32,
    deadline: Deadline,
) -> Vec<Decoded> {
    let debug = std::env::var_os("FORMDESK_SCAN_DEBUG").is_some();
    let t0 = cpu_ms();
    let step = if found.height >= 480 { 2 } else { 1 };
    let finders: Vec<Finder> = find_finders(found, step, d.tol)
        .into_iter()
        .map(|f| Finder {
            x: f.x * k,
            y: f.y * k,
            module: f.module * k,
            hits: f.hits,
        })
        .collect();
    let mut used = HashSet::new();
    let mut out = Vec::new();
    if debug {
        eprintln!("  {} finders in {:.2} ms cpu", finders.len(), cpu_ms() - t0);
    }
    // Rank the geometrically plausible triples by how finder-like their finders look in
    // the triple's own frame (cheap), and fit only the convincing ones, best first.
    let mut ranked: Vec<(f64, Triple)> = triples(&finders, found, k)
        .into_iter()
        .take(MAX_RANKED)
        .map(|t| (finder_agreement(work, bits, &t), t))
        .filter(|(a, _)| *a >= MIN_FINDER_AGREEMENT)
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    // The best-ranked triple is always fitted, even past the deadline: a thread preempted
    // on a loaded machine (or a large frame) must not lose a clean code that needs a single
    // fit; only the further, less convincing triples are cut by the budget.
    let mut fitted = 0usize;
    for (agreement, t) in ranked.iter().take(MAX_TRIPLES) {
        if t.ids.iter().any(|i| used.contains(i)) {
            continue;
        }
        if fitted > 0 && deadline.passed() {
            break;
        }
        if t.ids.iter().any(|&i| inside_any(&out, &finders[i], scale)) {
            continue;
        }
        if debug {
            eprintln!("  triple {:?} finder agreement {agreement:.3}", t.ids);
        }
        fitted += 1;
        let Some((f, bytes)) = fit_and_decode(work, bits, t, debug) else {
            continue;
        };
        used.extend(t.ids);
        let dim = f.dim as f64;
        let corners = [(0.0, 0.0), (dim, 0.0), (dim, dim), (0.0, dim)].map(|(u, v)| {
            let (x, y) = f.h.map(u, v);
            Point {
                x: x as f32 * scale,
                y: y as f32 * scale,
            }
        });
        out.push(Decoded {
            text: bytes_to_text(&bytes),
            bytes,
            corners,
        });
    }
    out
}

/// Tries the triple's candidate sizes, most likely first, until one decodes.
fn fit_and_decode(
    work: &GrayImage,
    bits: &BitImage,
    t: &Triple,
    debug: bool,
) -> Option<(Fit, Vec<u8>)> {
    let t0 = cpu_ms();
    for &dim in &t.dims {
        let Some(f) = fit(work, bits, t, dim) else {
            continue;
        };
        if debug {
            eprintln!(
                "  triple {:?} dim {dim}: score {:.3} after {:.2} ms cpu",
                t.ids,
                f.score,
                cpu_ms() - t0
            );
        }
        if f.score < MIN_FIT_SCORE {
            continue;
        }
        let read = decode_fit(work, &f);
        if debug {
            eprintln!(
                "  sampled: read {} after {:.2} ms cpu",
                read.is_some(),
                cpu_ms() - t0
            );
        }
        if let Some(bytes) = read {
            return Some((f, bytes));
        }
    }
    None
}

/// Whether finder `f` (in work-image pixels) lies inside a code already decoded (a false
/// finder in its data area).
fn inside_any(done: &[Decoded], f: &Finder, scale: f32) -> bool {
    let (x, y) = (f.x * scale, f.y * scale);
    done.iter().any(|d| {
        let c = &d.corners;
        (0..4).all(|i| {
            let (a, b) = (c[i], c[(i + 1) % 4]);
            (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x) >= 0.0
        }) || (0..4).all(|i| {
            let (a, b) = (c[i], c[(i + 1) % 4]);
            (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x) <= 0.0
        })
    })
}

/// 2× box downscale.
pub fn halve(img: &GrayImage) -> GrayImage {
    let (w, h) = (img.width() / 2, img.height() / 2);
    let src = img.as_raw();
    let sw = img.width() as usize;
    let mut out = Vec::with_capacity((w * h) as usize);
    for y in 0..h as usize {
        for x in 0..w as usize {
            let i = 2 * y * sw + 2 * x;
            let s = src[i] as u32 + src[i + 1] as u32 + src[i + sw] as u32 + src[i + sw + 1] as u32;
            out.push(((s + 2) / 4) as u8);
        }
    }
    GrayImage::from_raw(w, h, out).expect("buffer matches dimensions")
}
