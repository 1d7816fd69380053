//! The QR decoder: `decode(&GrayImage) -> Vec<Decoded>`, a pure function. Strategies run
//! cheapest first (see `pipeline`); every strategy runs under `catch_unwind`, so a panic
//! inside rqrr (it has asserted on real photos) costs one frame, never the process. Panics
//! are counted in `panics_caught()`.

mod binarize;
mod clock;
mod codec;
mod finder;
mod grid;
mod group;
mod homography;
mod pipeline;
mod plain;
mod rs;
mod sample;
mod segments;
mod version;
#[cfg(feature = "rxing")]
mod zxing;

pub use pipeline::Options;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};

use image::GrayImage;

use crate::Decoded;

static PANICS: AtomicU64 = AtomicU64::new(0);

/// How many panics inside decoders were caught since the process started.
pub fn panics_caught() -> u64 {
    PANICS.load(Ordering::Relaxed)
}

/// Runs `f`, turning a panic into `None` (and counting it).
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => Some(v),
        Err(_) => {
            PANICS.fetch_add(1, Ordering::Relaxed);
            None
        }
    }
}

/// Finds and decodes every QR code in a gray image. Pure: same image, same result. Never
/// panics; an empty list means no code was read.
pub fn decode(img: &GrayImage) -> Vec<Decoded> {
    decode_with(img, &Options::default())
}

/// `decode` with explicit options (e.g. a tighter time budget for live camera frames).
pub fn decode_with(img: &GrayImage, opts: &Options) -> Vec<Decoded> {
    if img.width() < 21 || img.height() < 21 {
        return Vec::new();
    }
    let mut found = pipeline::run(img, opts);
    dedupe(&mut found);
    found
}

/// Keeps the first of several reads with the same payload.
fn dedupe(found: &mut Vec<Decoded>) {
    let mut seen = std::collections::HashSet::new();
    found.retain(|d| seen.insert(d.bytes.clone()));
}
