//! The QR exchange format (docs/qr-format.md is the normative description, with test
//! vectors). Pure functions: no I/O, no clock — time is always passed in as unix seconds,
//! randomness as an `rng` argument.
//!
//! - `frame`: `FD<kind><version>:` + Base45(flag ‖ optionally deflated CBOR).
//! - `strict`: the deterministic-CBOR reading rules, checked before any decoding.
//! - `cbor`: integer-keyed CBOR maps, typed readers.
//! - `ids`: `RequestId` (16 bytes, 32 hex chars) and nonces.
//! - `key`: the office's Ed25519 `OfficeKey` / `OfficePublicKey`, the `FDK1:` key text.
//! - `signed`: the signed envelope shared by requests and receipts.
//! - `request`: `RequestBody`, `sign_request`, `verify_request` (kind `R`).
//! - `matchcode`: the 3-digit code the desk and the wallet both display.
//! - `secret`: the window's ephemeral X25519 key and `RequestSecret`.
//! - `response`: `seal_response`, `peek_response`, `open_response` (kind `A`).
//! - `receipt`: the office-signed deletion receipt (kind `D`).
//! - `replay`: `ReplayGuard`, accepts one response per request.

pub(crate) mod cbor;
pub(crate) mod frame;
mod ids;
mod key;
mod matchcode;
mod receipt;
mod replay;
mod request;
mod response;
mod secret;
mod signed;
mod strict;

use std::fmt;

pub use ids::{RequestId, NONCE_LEN};
pub use key::{OfficeKey, OfficePublicKey};
pub use matchcode::match_code;
pub use receipt::{sign_receipt, verify_receipt, ReceiptBody, VerifiedReceipt};
pub use replay::ReplayGuard;
pub use request::{
    decode_request_unverified, sign_request, verify_request, RequestBody, RequestParams,
    RequestedField, Retention, UnverifiedRequest, VerifiedRequest,
};
pub use response::{
    open_response, peek_response, seal_response, FieldOutcome, OpenedResponse, Provenance,
    ResponseHeader,
};
pub use secret::{EphemeralSecret, RequestSecret};

/// Hooks for tests (here and in other crates) that need codes breaking the format's rules.
#[doc(hidden)]
pub mod testing {
    pub use super::request::sign_request_unchecked;
    pub use super::response::{seal_with, seal_with_wallet_secret};
    pub use super::signed::seal_bytes;
}

/// The format version this build reads and writes (the digit after the kind letter).
pub const FORMAT_VERSION: u8 = 1;

/// Clock difference tolerated between a wallet and the desk when checking a request's
/// issue and expiry times (phones' clocks drift; the window's own checks are exact).
pub const CLOCK_SKEW_SECS: u64 = 120;

/// The four kinds of FormDesk QR text, by their prefix letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QrKind {
    /// `FDR`: a request shown by the clerk's window, signed by the office.
    Request,
    /// `FDA`: an answer shown by the wallet, sealed to the request's ephemeral key.
    Response,
    /// `FDK`: an office public key, to add to a wallet's trusted keys.
    Key,
    /// `FDD`: a deletion receipt, signed by the office.
    Receipt,
}

impl QrKind {
    pub fn letter(self) -> char {
        match self {
            QrKind::Request => 'R',
            QrKind::Response => 'A',
            QrKind::Key => 'K',
            QrKind::Receipt => 'D',
        }
    }

    pub fn from_letter(c: char) -> Option<QrKind> {
        Some(match c {
            'R' => QrKind::Request,
            'A' => QrKind::Response,
            'K' => QrKind::Key,
            'D' => QrKind::Receipt,
            _ => return None,
        })
    }

    /// `FDR1` etc.: the text prefix without the colon; also the signature/AAD domain tag.
    pub fn prefix(self) -> String {
        format!("FD{}{}", self.letter(), FORMAT_VERSION)
    }
}

impl fmt::Display for QrKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QrKind::Request => "request",
            QrKind::Response => "response",
            QrKind::Key => "office key",
            QrKind::Receipt => "deletion receipt",
        })
    }
}

/// The kind and version of any text that starts like a FormDesk code, without decoding it
/// (scanners use it to route a scan; a wrong version is reported, not an error here).
pub fn sniff(text: &str) -> Option<(QrKind, char)> {
    frame::split_prefix(text).ok().map(|(k, v, _)| (k, v))
}
