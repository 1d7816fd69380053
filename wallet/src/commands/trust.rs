//! `trust add KEY|FILE` and `trust list`: the office keys whose requests and receipts this
//! wallet accepts. A key is added from its `FDK1:` text (which carries the office name), a
//! bare base64url key (`--name` then names it), or a file holding either — text or QR image.

use std::path::Path;

use anyhow::{Context, Result};
use formdesk_protocol::OfficePublicKey;

use super::now;
use crate::cli::TrustAction;
use crate::home::{Home, TrustedKey};

pub fn run(home: &Home, action: TrustAction) -> Result<()> {
    match action {
        TrustAction::Add { key, name } => add(home, &key, name),
        TrustAction::List => list(home),
    }
}

fn add(home: &Home, arg: &str, name: Option<String>) -> Result<()> {
    let text = key_text(arg)?;
    let (key, shown_name) =
        OfficePublicKey::parse_any(&text).context("cannot add the office key")?;
    let name = name
        .or(shown_name)
        .unwrap_or_else(|| "unnamed office".into());
    let mut keys = home.trusted()?;
    if let Some(existing) = keys.iter_mut().find(|k| k.key == key) {
        existing.name = name.clone();
    } else {
        keys.push(TrustedKey {
            key,
            name: name.clone(),
            added_at: now(),
        });
    }
    home.save_trusted(&keys)?;
    println!("trusted: {name} (fingerprint {})", key.fingerprint());
    Ok(())
}

/// The key text from the argument: itself, or the content of the file it names.
fn key_text(arg: &str) -> Result<String> {
    let path = Path::new(arg);
    if !path.is_file() {
        return Ok(arg.to_string());
    }
    let is_image = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "png" | "jpg" | "jpeg" | "webp"
        )
    });
    if is_image {
        crate::scan::read_code(path)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    }
}

fn list(home: &Home) -> Result<()> {
    let keys = home.trusted()?;
    if keys.is_empty() {
        println!("no trusted office keys (add one with: formdesk-wallet trust add FDK1:...)");
    }
    for k in keys {
        println!(
            "{}  {}  {}",
            k.key.fingerprint(),
            k.name,
            k.key.to_base64url()
        );
    }
    Ok(())
}
