//! Reading a FormDesk code from an image file: formdesk-scanner's decoder first (the same
//! pipeline the desk uses), then plain rqrr over the whole image as a fallback (guarded
//! against decoder panics), since a screenshot or rendered PNG is the easy case. The first
//! decoded text that starts like a FormDesk code wins.

use std::path::Path;

use anyhow::{bail, Context, Result};

/// The FormDesk QR text in the image at `path`.
pub fn read_code(path: &Path) -> Result<String> {
    let mut texts: Vec<String> = formdesk_scanner::decode_file(path)
        .with_context(|| format!("cannot read the image {}", path.display()))?
        .into_iter()
        .map(|c| c.text)
        .collect();
    if !texts.iter().any(|t| t.starts_with("FD")) {
        texts.extend(plain_rqrr(path));
    }
    if let Some(t) = texts.iter().find(|t| t.starts_with("FD")) {
        return Ok(t.trim().to_string());
    }
    match texts.first() {
        Some(_) => bail!(
            "{}: the QR code there is not a FormDesk code",
            path.display()
        ),
        None => bail!("{}: no QR code found in the image", path.display()),
    }
}

fn plain_rqrr(path: &Path) -> Vec<String> {
    let Ok(img) = image::open(path) else {
        return Vec::new();
    };
    let gray = img.to_luma8();
    std::panic::catch_unwind(move || {
        let mut prepared = rqrr::PreparedImage::prepare(gray);
        prepared
            .detect_grids()
            .into_iter()
            .filter_map(|g| g.decode().ok().map(|(_, text)| text))
            .collect()
    })
    .unwrap_or_default()
}
