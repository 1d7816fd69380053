//! Reading image files and encoded image bytes (PNG, JPEG, WebP) into gray frames, and the
//! two convenience entry points `decode_bytes` / `decode_file` built on `decode`.

use std::path::Path;

use image::GrayImage;

use crate::{decode, Decoded, Error, Result};

/// Decodes encoded image bytes (PNG, JPEG or WebP) into a gray image.
pub fn gray_from_bytes(bytes: &[u8]) -> Result<GrayImage> {
    let img = image::load_from_memory(bytes).map_err(|e| Error::Image {
        path: None,
        message: e.to_string(),
    })?;
    Ok(img.into_luma8())
}

/// Reads an image file (PNG, JPEG or WebP, detected from its content) into a gray image.
pub fn gray_from_file(path: &Path) -> Result<GrayImage> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    gray_from_bytes(&bytes).map_err(|e| match e {
        Error::Image { message, .. } => Error::Image {
            path: Some(path.to_owned()),
            message,
        },
        other => other,
    })
}

/// Decodes every QR code in encoded image bytes (PNG, JPEG or WebP).
pub fn decode_bytes(bytes: &[u8]) -> Result<Vec<Decoded>> {
    Ok(decode(&gray_from_bytes(bytes)?))
}

/// Decodes every QR code in an image file (PNG, JPEG or WebP).
pub fn decode_file(path: impl AsRef<Path>) -> Result<Vec<Decoded>> {
    Ok(decode(&gray_from_file(path.as_ref())?))
}
