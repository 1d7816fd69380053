//! The crate's typed errors. `Error` covers the QR exchange and form loading; form *data*
//! validation has its own `FormError`, a list of `FieldError`s each naming its field, so a UI
//! can mark every bad field at once. Every variant's message is meant to be shown to a person.

use std::fmt;

use crate::qr::QrKind;

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while encoding, decoding, signing, sealing or opening a QR
/// text, or while loading form definitions. Each failure the issue lists has its own variant.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text does not start with `FD` + kind + version + `:` (not a FormDesk code at all).
    #[error("not a FormDesk QR code (it should start with FDR1:, FDA1:, FDK1: or FDD1:)")]
    BadPrefix,
    /// A FormDesk code of another kind than the one expected here (e.g. a receipt given to
    /// the request reader).
    #[error("this is a FormDesk {found} code, but a {expected} code was expected")]
    WrongKind { expected: QrKind, found: QrKind },
    /// The kind is known but the format version is not: the reader is too old (or too new).
    #[error(
        "this {kind} code uses format version {found}, but this wallet/desk understands \
         version {supported} only: update the wallet or desk software"
    )]
    UnsupportedVersion {
        kind: QrKind,
        found: char,
        supported: u8,
    },
    /// The payload ends early: the code was cut or only partly scanned.
    #[error("the {kind} code is truncated (incomplete scan or cut text)")]
    Truncated { kind: QrKind },
    /// The payload is not Base45 / deflate / CBOR of the expected shape.
    #[error("the {kind} code is damaged or malformed: {reason}")]
    Malformed { kind: QrKind, reason: String },
    /// The office signature does not match the content (tampered or corrupted).
    #[error("the office signature on this {kind} code is invalid: the content was altered")]
    BadSignature { kind: QrKind },
    /// Signed by a key that is not in the reader's trusted list.
    #[error(
        "this {kind} code is signed by an office key that is not trusted here ({key}); \
         add the office key first if you trust this office"
    )]
    UntrustedOfficeKey { kind: QrKind, key: String },
    /// The request's validity window is over.
    #[error("this request expired at {expires_at} (now {now}); ask the desk for a new code")]
    Expired { expires_at: u64, now: u64 },
    /// The request claims to be issued in the future (a clock is badly wrong).
    #[error("this request is issued at {issued_at}, later than now ({now}): check the clock")]
    NotYetValid { issued_at: u64, now: u64 },
    /// AEAD failure: the response was sealed to another request's key (or altered).
    #[error("this response was made for another request (or was altered) and cannot be opened")]
    WrongKey,
    /// The response's request id differs from the request this window is waiting for.
    #[error("this response answers request {found}, not request {expected}")]
    OtherRequest { expected: String, found: String },
    /// A wallet tried to answer a key the request did not ask for.
    #[error("the field {key} was not requested and cannot be included in the response")]
    UnrequestedKey { key: String },
    /// The request asks for a key outside the form's signed template.
    #[error("the request asks for {key}, which is not part of the form's template: refused")]
    KeyOutsideTemplate { key: String },
    /// A response for this request was already accepted.
    #[error("a response to request {request_id} was already accepted (replayed response)")]
    Replayed { request_id: String },
    /// The replay guard is full of live entries; it refuses rather than forgets.
    #[error("too many open requests ({capacity}); try again when some have expired")]
    ReplayGuardFull { capacity: usize },
    /// A structurally valid payload that breaks a rule of the format (short nonce, a count
    /// that does not match, a low-order key…).
    #[error("invalid {kind} code: {reason}")]
    Invalid { kind: QrKind, reason: String },
    /// Bad input handed to an encoder by the caller (not a decoding problem).
    #[error("cannot build the code: {0}")]
    Build(String),
    /// A key text or key file that is not a FormDesk office key.
    #[error("not an office key: {0}")]
    BadKey(String),
    /// The text is too long for any QR code at this error-correction level.
    #[error("{len} characters do not fit in a QR code at error correction {ec}")]
    TooLargeForQr { len: usize, ec: char },
    /// A form definition file could not be read.
    #[error("cannot read form definitions in {path}: {source}")]
    FormIo {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A form definition is inconsistent (bad JSON, unknown vocabulary key, bad schema…).
    #[error("form definition {form}: {reason}")]
    FormDefinition { form: String, reason: String },
    /// A form id that the registry does not know.
    #[error("unknown form {0}")]
    UnknownForm(String),
}

impl Error {
    pub(crate) fn malformed(kind: QrKind, reason: impl fmt::Display) -> Self {
        Error::Malformed {
            kind,
            reason: reason.to_string(),
        }
    }

    pub(crate) fn invalid(kind: QrKind, reason: impl fmt::Display) -> Self {
        Error::Invalid {
            kind,
            reason: reason.to_string(),
        }
    }
}

/// One problem with one field of a form's data. `message` always names the field (its label
/// and its name), so it can be shown alone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    /// The field's `name` in the form definition ("" for a problem with the whole object).
    pub field: String,
    /// Human-readable, names the field: `Date of birth (birth_date): must be a date …`.
    pub message: String,
}

/// Form data that does not satisfy the form's schema: every problem found, one per field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("{}", join_messages(.errors))]
pub struct FormError {
    pub form: String,
    pub errors: Vec<FieldError>,
}

fn join_messages(errors: &[FieldError]) -> String {
    let parts: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    parts.join("; ")
}

impl FormError {
    /// The error for `field`, if that field has one.
    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == field)
    }
}
