//! `Decoded`: one QR code read from an image: its text, the raw payload bytes and where it
//! was found. The wallet CLI and the desktop app depend on this shape; keep it stable.

use serde::Serialize;

/// A point in image pixel coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

/// One decoded QR code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decoded {
    /// The payload as text: UTF-8 when the bytes are valid UTF-8, else Shift-JIS (the
    /// common non-UTF-8 encoding of QR payloads), else ISO-8859-1.
    pub text: String,
    /// The payload bytes exactly as carried by the code (after error correction).
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// Corners of the code in the image: top-left, top-right, bottom-right, bottom-left
    /// (in the code's own orientation).
    pub corners: [Point; 4],
}

/// Turns payload bytes into text: UTF-8, then Shift-JIS, then ISO-8859-1 (never fails).
pub fn bytes_to_text(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_owned();
    }
    if let Some(s) =
        encoding_rs::SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes)
    {
        return s.into_owned();
    }
    bytes.iter().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::bytes_to_text;

    #[test]
    fn utf8_then_shift_jis_then_latin1() {
        assert_eq!(bytes_to_text("grüß".as_bytes()), "grüß");
        // "日本" in Shift-JIS.
        assert_eq!(bytes_to_text(&[0x93, 0xfa, 0x96, 0x7b]), "日本");
        // 0xa0 0x80 is neither UTF-8 nor Shift-JIS.
        assert_eq!(bytes_to_text(&[0x80, 0xa0]), "\u{80}\u{a0}");
    }
}
