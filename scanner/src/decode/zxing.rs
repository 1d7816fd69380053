//! Strategy "rxing" (feature `rxing`): the pure-Rust ZXing port as a last resort. Its text
//! already honours ECI and ZXing's charset guess, so `bytes` are the text's UTF-8 bytes.

use image::GrayImage;
use rxing::{BarcodeFormat, DecodeHintValue, DecodeHints};

use crate::decoded::{Decoded, Point};

/// Runs rxing's QR reader (try-harder) on `img`.
pub fn decode_rxing(img: &GrayImage) -> Vec<Decoded> {
    let mut hints = DecodeHints::default().with(DecodeHintValue::TryHarder(true));
    let Ok(r) = rxing::helpers::detect_in_luma_slice_with_hints(
        img.as_raw(),
        img.width(),
        img.height(),
        Some(BarcodeFormat::QR_CODE),
        &mut hints,
    ) else {
        return Vec::new();
    };
    let pts = r.getPoints();
    let at = |i: usize| {
        pts.get(i)
            .map(|p| Point { x: p.x, y: p.y })
            .unwrap_or(Point { x: 0.0, y: 0.0 })
    };
    // rxing reports bottom-left, top-left, top-right (finder centres) first.
    let corners = [
        at(1),
        at(2),
        Point {
            x: at(2).x + at(0).x - at(1).x,
            y: at(2).y + at(0).y - at(1).y,
        },
        at(0),
    ];
    let text = r.getText().to_owned();
    vec![Decoded {
        bytes: text.as_bytes().to_vec(),
        text,
        corners,
    }]
}
