//! `render TEXT --out FILE`: draws any FormDesk QR text (request, answer, office key,
//! receipt) as a QR code with formdesk-protocol's renderer — the same one the desk and the
//! relay use — as PNG, or SVG when FILE ends in `.svg`. Test suites use it to make the
//! images a camera is shown; wallet authors use it to compare their codes.

use std::path::Path;

use anyhow::{bail, Context, Result};
use formdesk_protocol::qr::sniff;
use formdesk_protocol::render::{render_png_scaled, render_svg, EcLevel};

pub struct Options<'a> {
    pub text: &'a str,
    pub out: &'a Path,
    pub ec: EcLevel,
    /// Pixels per module (PNG only).
    pub module_px: u32,
}

pub fn run(o: Options<'_>) -> Result<()> {
    let text = o.text.trim();
    let Some((kind, version)) = sniff(text) else {
        bail!("not a FormDesk code: expected FDR1:, FDA1:, FDK1: or FDD1: text");
    };
    let svg = o
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if svg {
        std::fs::write(o.out, render_svg(text, o.ec)?)
    } else {
        std::fs::write(o.out, render_png_scaled(text, o.ec, o.module_px)?)
    }
    .with_context(|| format!("cannot write {}", o.out.display()))?;
    eprintln!(
        "wrote the {kind} code (format version {version}, {} characters) to {}",
        text.len(),
        o.out.display()
    );
    Ok(())
}
