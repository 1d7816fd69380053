//! `check-response --request FDR --secret HEX (--text FDA | IMAGE)`: opens an answer QR the
//! way the desk's window does — with the request's ephemeral X25519 secret — and prints the
//! per-field outcomes and values as JSON. The tool third-party wallet authors use to check
//! their output (docs/qr-format.md), and the end-to-end tests' Rust oracle for the phone
//! wallet. The request's signature is checked against its own key only (the window trusts
//! its relay); no wallet state is read or written.

use std::path::Path;

use anyhow::{bail, Context, Result};
use formdesk_protocol::qr::EphemeralSecret;
use formdesk_protocol::{
    decode_request_unverified, match_code, open_response, FieldOutcome, RequestSecret,
};
use serde_json::{json, Value};

pub struct Options<'a> {
    /// The request: its text, or a file holding the text or a QR image of it.
    pub request: &'a str,
    /// The window's ephemeral X25519 secret, 64 hex digits.
    pub secret: &'a str,
    /// The answer's text, or
    pub text: Option<&'a str>,
    /// an image (or text file) of the answer.
    pub image: Option<&'a Path>,
    /// Unix seconds to check expiry at (default: now).
    pub at: Option<u64>,
}

pub fn run(o: Options<'_>) -> Result<()> {
    let request = code_arg(o.request)?;
    let req = decode_request_unverified(&request).context("the request")?;
    if !req.signature_valid {
        bail!("the request's signature is not valid (the request was altered)");
    }
    let secret = RequestSecret::new(
        EphemeralSecret::from_bytes(parse_secret(o.secret)?),
        &req.body,
    )
    .context("the secret does not belong to this request")?;
    let answer = match (o.text, o.image) {
        (Some(t), None) => t.trim().to_string(),
        (None, Some(p)) => file_code(p)?,
        _ => bail!("give the answer as --text FDA1:... or as an IMAGE file"),
    };
    let at = o.at.unwrap_or_else(super::now);
    let opened = open_response(&answer, &secret, at)?;
    let fields: Vec<Value> = opened
        .outcomes
        .iter()
        .map(|(key, outcome, provenance)| {
            let mut v = json!({"key": key, "provenance": provenance});
            match outcome {
                FieldOutcome::Shared(value) => {
                    v["outcome"] = "shared".into();
                    v["value"] = value.as_str().into();
                }
                FieldOutcome::Declined => v["outcome"] = "declined".into(),
                FieldOutcome::Unavailable => v["outcome"] = "unavailable".into(),
            }
            v
        })
        .collect();
    let b = &req.body;
    let out = json!({
        "request_id": b.request_id.to_hex(),
        "form": b.form_id,
        "office": b.office_name,
        "office_key": req.signer.fingerprint(),
        "match_code": match_code(b),
        "expires_at": b.expires_at,
        "fields": fields,
    });
    println!("{out}");
    Ok(())
}

/// A code given on the command line: the text itself, or a file with the text or an image.
fn code_arg(arg: &str) -> Result<String> {
    let t = arg.trim();
    if t.starts_with("FD") {
        return Ok(t.to_string());
    }
    file_code(Path::new(t))
}

fn file_code(path: &Path) -> Result<String> {
    if let Ok(text) = std::fs::read_to_string(path) {
        if text.trim_start().starts_with("FD") {
            return Ok(text.trim().to_string());
        }
    }
    crate::scan::read_code(path)
}

fn parse_secret(hex: &str) -> Result<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        bail!("--secret must be the window's X25519 secret as 64 hex digits");
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)?;
    }
    Ok(out)
}
