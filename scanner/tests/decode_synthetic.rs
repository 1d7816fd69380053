//! Decoding codes rendered here with the qrcode crate: raw bytes and Shift-JIS texts,
//! corners, rotation, several codes in one frame, inverted codes, blank and tiny frames.

use std::time::Duration;

use formdesk_scanner::{decode_with, Options};
use image::{GrayImage, Luma};

fn opts() -> Options {
    Options {
        budget: Duration::from_secs(20),
        ..Options::default()
    }
}

/// Renders `data` as a code with `px` pixels per module at (x0, y0) on a gray canvas.
fn draw(canvas: &mut GrayImage, data: &[u8], px: u32, x0: u32, y0: u32, invert: bool) -> u32 {
    let code = qrcode::QrCode::new(data).unwrap();
    let n = code.width() as u32;
    let colors = code.to_colors();
    let (dark, light) = if invert { (235u8, 20u8) } else { (20u8, 235u8) };
    for y in 0..(n + 8) * px {
        for x in 0..(n + 8) * px {
            let (mx, my) = ((x / px) as i64 - 4, (y / px) as i64 - 4);
            let on = mx >= 0
                && my >= 0
                && mx < n as i64
                && my < n as i64
                && colors[(my as u32 * n + mx as u32) as usize] == qrcode::Color::Dark;
            canvas.put_pixel(x0 + x, y0 + y, Luma([if on { dark } else { light }]));
        }
    }
    (n + 8) * px
}

#[test]
fn reads_a_rendered_code_with_its_corners() {
    let mut img = GrayImage::from_pixel(400, 300, Luma([128]));
    let side = draw(&mut img, b"FDA1:HELLO WORLD", 5, 60, 40, false);
    let codes = decode_with(&img, &opts());
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].text, "FDA1:HELLO WORLD");
    assert_eq!(codes[0].bytes, b"FDA1:HELLO WORLD");
    // Corners are the code's outer corners (quiet zone excluded), within a pixel or two.
    let c = codes[0].corners;
    let (x0, y0) = (60.0 + 20.0, 40.0 + 20.0);
    let inner = (side - 40) as f32;
    let near =
        |p: formdesk_scanner::Point, x: f32, y: f32| (p.x - x).abs() < 3.0 && (p.y - y).abs() < 3.0;
    assert!(
        near(c[0], x0, y0) && near(c[2], x0 + inner, y0 + inner),
        "{c:?}"
    );
}

#[test]
fn non_utf8_payloads_fall_back_to_shift_jis() {
    let mut img = GrayImage::from_pixel(300, 300, Luma([200]));
    // "日本語" in Shift-JIS, encoded as bytes (not valid UTF-8).
    let sjis = [0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea];
    draw(&mut img, &sjis, 5, 20, 20, false);
    let codes = decode_with(&img, &opts());
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].bytes, sjis);
    assert_eq!(codes[0].text, "日本語");
}

#[test]
fn reads_rotated_inverted_and_multiple_codes() {
    let mut img = GrayImage::from_pixel(900, 400, Luma([150]));
    draw(&mut img, b"first code", 4, 20, 20, false);
    draw(&mut img, b"second code", 4, 400, 60, false);
    let rotated = image::imageops::rotate90(&img);
    let mut texts: Vec<String> = decode_with(&rotated, &opts())
        .into_iter()
        .map(|d| d.text)
        .collect();
    texts.sort();
    assert_eq!(texts, ["first code", "second code"]);

    let mut inv = GrayImage::from_pixel(300, 300, Luma([20]));
    draw(&mut inv, b"inverted", 5, 30, 30, true);
    let texts: Vec<String> = decode_with(&inv, &opts())
        .into_iter()
        .map(|d| d.text)
        .collect();
    assert_eq!(texts, ["inverted"]);
}

#[test]
fn blank_noisy_and_tiny_frames_give_nothing() {
    assert!(decode_with(&GrayImage::new(1, 1), &opts()).is_empty());
    assert!(decode_with(&GrayImage::new(0, 0), &opts()).is_empty());
    assert!(decode_with(&GrayImage::from_pixel(640, 480, Luma([255])), &opts()).is_empty());
    let mut seed = 12345u32;
    let noise = GrayImage::from_fn(640, 480, |_, _| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        Luma([(seed >> 24) as u8])
    });
    assert!(decode_with(&noise, &opts()).is_empty());
}
