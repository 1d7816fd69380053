//! Decoding real photos from ../shared/qr-samples (the zxing-cpp black-box set): a fixed
//! subset that the decoder must never regress on, plus "never panics" over every sample.
//! Texts are compared byte for byte with the expected `NAME.txt`.

use std::path::PathBuf;
use std::time::Duration;

use formdesk_scanner::{decode_with, gray_from_file, Options};

/// Samples the decoder reads today (without the optional rxing fallback).
const MUST_READ: &[&str] = &[
    "qrcode-1/1.webp",
    "qrcode-1/11.webp",
    "qrcode-1/13.webp",
    "qrcode-1/17.webp",
    "qrcode-1/18.webp",
    "qrcode-1/20.webp",
    "qrcode-1/7.webp",
    "qrcode-1/8.webp",
    "qrcode-2/#1086.png",
    "qrcode-2/#1132.webp",
    "qrcode-2/#128.png",
    "qrcode-2/#142.webp",
    "qrcode-2/#199b.jpg",
    "qrcode-2/#253.webp",
    "qrcode-2/#258.webp",
    "qrcode-2/1.png",
    "qrcode-2/10.png",
    "qrcode-2/11.png",
    "qrcode-2/12.webp",
    "qrcode-2/14.png",
    "qrcode-2/15.webp",
    "qrcode-2/17.webp",
    "qrcode-2/18.webp",
    "qrcode-2/19.webp",
    "qrcode-2/2.png",
    "qrcode-2/20.webp",
    "qrcode-2/21.webp",
    "qrcode-2/22.webp",
    "qrcode-2/23.webp",
    "qrcode-2/24.webp",
    "qrcode-2/25.webp",
    "qrcode-2/26.webp",
    "qrcode-2/27.webp",
    "qrcode-2/28.webp",
    "qrcode-2/29.webp",
    "qrcode-2/30.png",
    "qrcode-2/30a.webp",
    "qrcode-2/31.webp",
    "qrcode-2/32.png",
    "qrcode-2/34.png",
    "qrcode-2/35.png",
    "qrcode-2/4.webp",
    "qrcode-2/5.webp",
    "qrcode-2/6.webp",
    "qrcode-2/7.webp",
    "qrcode-2/8.png",
    "qrcode-2/9.png",
    "qrcode-2/fix-finderpattern-order.webp",
    "qrcode-2/fix-traceline.webp",
    "qrcode-2/low-res-v1-a.webp",
    "qrcode-2/qr-circles-1.png",
    "qrcode-2/qr-inv-2.webp",
    "qrcode-3/01.webp",
    "qrcode-3/04.webp",
    "qrcode-3/05.webp",
    "qrcode-3/07.webp",
    "qrcode-3/09.webp",
    "qrcode-3/14.webp",
    "qrcode-3/18.webp",
    "qrcode-3/19.webp",
    "qrcode-3/21.webp",
    "qrcode-3/22.webp",
    "qrcode-3/23.webp",
    "qrcode-3/24.webp",
    "qrcode-3/25.webp",
    "qrcode-3/27.webp",
    "qrcode-3/28.webp",
    "qrcode-3/30.webp",
    "qrcode-3/40.webp",
];

fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/qr-samples")
}

/// A generous budget: the tests check what the ladder can read, not the machine's speed.
fn opts() -> Options {
    Options {
        budget: Duration::from_secs(20),
        ..Options::default()
    }
}

#[test]
fn reads_the_fixed_subset_of_real_photos() {
    let dir = samples();
    let mut missed = Vec::new();
    for name in MUST_READ {
        let path = dir.join(name);
        let expected =
            std::fs::read(path.with_extension("txt")).expect("expected text beside the sample");
        let gray = gray_from_file(&path).expect("sample image readable");
        let codes = decode_with(&gray, &opts());
        if !codes
            .iter()
            .any(|c| c.text.as_bytes() == expected.as_slice())
        {
            missed.push(*name);
        }
    }
    assert!(
        missed.is_empty(),
        "regressed on {} samples: {missed:?}",
        missed.len()
    );
}

#[test]
fn never_panics_on_any_sample_and_reports_no_caught_panic() {
    let before = formdesk_scanner::panics_caught();
    let mut count = 0;
    for sub in ["qrcode-1", "qrcode-2", "qrcode-3"] {
        for entry in std::fs::read_dir(samples().join(sub)).expect("samples folder") {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e != "txt") {
                let gray = gray_from_file(&path).expect("sample image readable");
                let _ = decode_with(&gray, &opts());
                count += 1;
            }
        }
    }
    assert_eq!(count, 82);
    // Other tests in this binary may run concurrently; a panic anywhere would show here.
    assert_eq!(formdesk_scanner::panics_caught(), before);
}

#[test]
fn decode_file_reads_webp_png_and_jpeg() {
    let dir = samples();
    for name in ["qrcode-1/1.webp", "qrcode-2/1.png", "qrcode-2/#199b.jpg"] {
        let codes = formdesk_scanner::decode_file(dir.join(name)).expect("readable");
        let expected = std::fs::read(dir.join(name).with_extension("txt")).unwrap();
        assert!(
            codes
                .iter()
                .any(|c| c.text.as_bytes() == expected.as_slice()),
            "{name}: {codes:?}"
        );
    }
}

#[test]
fn unreadable_input_is_an_error_not_a_panic() {
    let err = formdesk_scanner::decode_bytes(b"definitely not an image").unwrap_err();
    assert!(err.to_string().contains("cannot read image"), "{err}");
    let err = formdesk_scanner::decode_file("/nonexistent/x.png").unwrap_err();
    assert!(err.to_string().contains("/nonexistent/x.png"), "{err}");
}
