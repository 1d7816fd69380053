//! formdesk-protocol: wire messages, form definitions and the QR exchange format. Pure: no
//! network, no async runtime, no clock (time is passed in as unix seconds) — shared by the
//! relay, the clerk terminal and the wallet. The only file access is
//! `FormRegistry::load_dir`.
//!
//! # Layout
//! - [`error`]: `Error` (QR and form loading; one variant per failure) and `FormError`
//!   (per-field data validation errors).
//! - [`vocab`]: the citizen-data vocabulary (`person.given_name`, `bank.iban`, …).
//! - [`forms`]: `FormDef` (fields, layout, prefill keys, purposes, retention, JSON Schema
//!   2020-12) and `FormRegistry` (a folder of form files).
//! - [`qr`]: the QR texts — request `FDR1:` (office-signed), response `FDA1:` (sealed to the
//!   window), office key `FDK1:`, deletion receipt `FDD1:` — plus the matching code and the
//!   `ReplayGuard`. docs/qr-format.md is the format's description with test vectors.
//! - [`render`] (feature `render`): QR text → PNG / SVG, QR version for a text.
//! - [`wire`]: websocket and REST messages of the relay (owned by the relay).

pub mod error;
pub mod forms;
pub mod qr;
#[cfg(feature = "render")]
pub mod render;
pub mod vocab;
pub mod wire;

pub use error::{Error, FieldError, FormError, Result};
pub use forms::{FormDef, FormRegistry};
pub use qr::{
    decode_request_unverified, match_code, open_response, peek_response, seal_response,
    sign_receipt, sign_request, verify_receipt, verify_request, FieldOutcome, OfficeKey,
    OfficePublicKey, OpenedResponse, Provenance, QrKind, ReceiptBody, ReplayGuard, RequestBody,
    RequestId, RequestParams, RequestSecret, ResponseHeader, VerifiedRequest,
};
