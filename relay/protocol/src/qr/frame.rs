//! The text framing shared by every QR kind: `FD` + kind letter + version digit + `:` +
//! Base45(flag byte ‖ body), where the flag says whether the body is raw-deflated CBOR (1) or
//! plain CBOR (0). The encoder picks whichever is shorter, so tiny or incompressible payloads
//! (responses) are never inflated. Base45's alphabet is exactly QR's alphanumeric set, so
//! the whole text encodes in alphanumeric mode (5.5 bits per character).

use super::{QrKind, FORMAT_VERSION};
use crate::error::{Error, Result};

/// Flag byte: body is CBOR as is.
const FLAG_PLAIN: u8 = 0;
/// Flag byte: body is raw DEFLATE (RFC 1951, no zlib header) of the CBOR.
const FLAG_DEFLATE: u8 = 1;
/// Largest inflated body accepted (a QR code holds < 3 KB; this stops deflate bombs).
const MAX_INFLATED: usize = 64 * 1024;

const BASE45_ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Frames a CBOR payload as a QR text of `kind`.
pub(crate) fn encode(kind: QrKind, cbor: &[u8]) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec(cbor, 9);
    let mut bytes = Vec::with_capacity(cbor.len() + 1);
    if deflated.len() < cbor.len() {
        bytes.push(FLAG_DEFLATE);
        bytes.extend_from_slice(&deflated);
    } else {
        bytes.push(FLAG_PLAIN);
        bytes.extend_from_slice(cbor);
    }
    format!("{}:{}", kind.prefix(), base45::encode(&bytes))
}

/// Reads the `FDxN:` prefix: the kind and version character, and the rest of the text.
pub(crate) fn split_prefix(text: &str) -> Result<(QrKind, char, &str)> {
    let text = text.trim();
    let b = text.as_bytes();
    if b.len() < 5 || &b[..2] != b"FD" || b[4] != b':' {
        return Err(Error::BadPrefix);
    }
    let kind = QrKind::from_letter(b[2] as char).ok_or(Error::BadPrefix)?;
    // Version characters are `0-9` and `A-Z` (the QR alphanumeric set has no lowercase).
    let version = b[3] as char;
    if !(version.is_ascii_digit() || version.is_ascii_uppercase()) {
        return Err(Error::BadPrefix);
    }
    Ok((kind, version, &text[5..]))
}

/// Unframes a QR text that must be of `expected` kind and this crate's version; returns the
/// CBOR bytes.
pub(crate) fn decode(expected: QrKind, text: &str) -> Result<Vec<u8>> {
    let (kind, version, rest) = split_prefix(text)?;
    if kind != expected {
        return Err(Error::WrongKind {
            expected,
            found: kind,
        });
    }
    if version != char::from(b'0' + FORMAT_VERSION) {
        return Err(Error::UnsupportedVersion {
            kind,
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let bytes = base45_decode(kind, rest)?;
    let (&flag, body) = bytes.split_first().ok_or(Error::Truncated { kind })?;
    match flag {
        FLAG_PLAIN => Ok(body.to_vec()),
        FLAG_DEFLATE => inflate(kind, body),
        other => Err(Error::malformed(kind, format!("unknown flag byte {other}"))),
    }
}

fn base45_decode(kind: QrKind, text: &str) -> Result<Vec<u8>> {
    if let Some(c) = text.bytes().find(|c| !BASE45_ALPHABET.contains(c)) {
        return Err(Error::malformed(
            kind,
            format!("character {:?} is not Base45", c as char),
        ));
    }
    if text.len() % 3 == 1 {
        // A Base45 text is 3 characters per 2 bytes plus 2 for a last odd byte; one
        // character over is a cut-off text.
        return Err(Error::Truncated { kind });
    }
    base45::decode(text).map_err(|_| Error::malformed(kind, "invalid Base45 triplet"))
}

/// Inflates a raw DEFLATE stream that must end exactly at the end of `body`: bytes after
/// the final block would be outside what the signature's reader looks at, so they are an
/// error rather than ignored (a changed text must never verify).
fn inflate(kind: QrKind, body: &[u8]) -> Result<Vec<u8>> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    // One byte more than allowed, so that a payload over the limit is told from one at it.
    let mut out = vec![0u8; MAX_INFLATED + 1];
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, consumed, written) =
        decompress(&mut DecompressorOxide::new(), body, &mut out, 0, flags);
    match status {
        TINFLStatus::Done if written > MAX_INFLATED => {
            Err(Error::malformed(kind, "payload too large"))
        }
        TINFLStatus::Done if consumed != body.len() => Err(Error::malformed(
            kind,
            "trailing bytes after the compressed data",
        )),
        TINFLStatus::Done => {
            out.truncate(written);
            Ok(out)
        }
        TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
            Err(Error::Truncated { kind })
        }
        TINFLStatus::HasMoreOutput => Err(Error::malformed(kind, "payload too large")),
        _ => Err(Error::malformed(kind, "corrupt compressed payload")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_payloads_are_not_inflated_and_big_ones_shrink() {
        let tiny = encode(QrKind::Key, &[1, 2, 3]);
        assert_eq!(decode(QrKind::Key, &tiny).unwrap(), vec![1, 2, 3]);
        assert!(tiny.starts_with("FDK1:"));
        let big = vec![b'a'; 600];
        let text = encode(QrKind::Request, &big);
        assert!(text.len() < 100, "{}", text.len());
        assert_eq!(decode(QrKind::Request, &text).unwrap(), big);
    }

    #[test]
    fn prefix_errors_are_distinct() {
        assert!(matches!(
            decode(QrKind::Request, "hello"),
            Err(Error::BadPrefix)
        ));
        assert!(matches!(
            decode(QrKind::Request, "FDA1:00"),
            Err(Error::WrongKind { .. })
        ));
        assert!(matches!(
            decode(QrKind::Request, "FDR2:00"),
            Err(Error::UnsupportedVersion { found: '2', .. })
        ));
        assert!(matches!(
            decode(QrKind::Request, "FDR1:abc"),
            Err(Error::Malformed { .. })
        ));
        assert!(matches!(
            decode(QrKind::Request, "FDR1:0000"),
            Err(Error::Truncated { .. })
        ));
    }
}
