//! QR rendering (feature `render`, on by default): a QR text to PNG bytes or an SVG string
//! with the `qrcode` crate, and `qr_version_for` for size tables. The texts of this crate use
//! only QR's alphanumeric characters, so `qrcode`'s segment optimiser encodes them in
//! alphanumeric mode.

use std::io::Cursor;

use qrcode::{EcLevel as QrEc, QrCode, Version};

use crate::error::{Error, Result};

/// QR error-correction level: the share of the symbol that may be damaged (L 7 %, M 15 %,
/// Q 25 %, H 30 %). FormDesk shows codes at M unless told otherwise.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum EcLevel {
    L,
    #[default]
    M,
    Q,
    H,
}

impl EcLevel {
    pub const ALL: [EcLevel; 4] = [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H];

    pub fn letter(self) -> char {
        match self {
            EcLevel::L => 'L',
            EcLevel::M => 'M',
            EcLevel::Q => 'Q',
            EcLevel::H => 'H',
        }
    }

    fn qr(self) -> QrEc {
        match self {
            EcLevel::L => QrEc::L,
            EcLevel::M => QrEc::M,
            EcLevel::Q => QrEc::Q,
            EcLevel::H => QrEc::H,
        }
    }
}

/// Pixels per QR module in `render_png`: large enough for a webcam at arm's length.
pub const DEFAULT_MODULE_PX: u32 = 8;

fn code(text: &str, ec: EcLevel) -> Result<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), ec.qr()).map_err(|_| {
        Error::TooLargeForQr {
            len: text.len(),
            ec: ec.letter(),
        }
    })
}

/// The smallest QR version (1–40) that holds `text` at `ec`; `None` if none does.
pub fn qr_version_for(text: &str, ec: EcLevel) -> Option<i16> {
    match code(text, ec).ok()?.version() {
        Version::Normal(v) => Some(v),
        Version::Micro(_) => None,
    }
}

/// PNG (8-bit grey, quiet zone of 4 modules, `DEFAULT_MODULE_PX` per module).
pub fn render_png(text: &str, ec: EcLevel) -> Result<Vec<u8>> {
    render_png_scaled(text, ec, DEFAULT_MODULE_PX)
}

/// PNG with `module_px` pixels per module (1–64).
pub fn render_png_scaled(text: &str, ec: EcLevel, module_px: u32) -> Result<Vec<u8>> {
    let px = module_px.clamp(1, 64);
    let img = code(text, ec)?
        .render::<image::Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(px, px)
        .build();
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| Error::Build(format!("PNG encoding failed: {e}")))?;
    Ok(out.into_inner())
}

/// Standalone SVG document (black on white, quiet zone included, 8 units per module).
pub fn render_svg(text: &str, ec: EcLevel) -> Result<String> {
    Ok(code(text, ec)?
        .render::<qrcode::render::svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(8, 8)
        .build())
}
