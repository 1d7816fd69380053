//! The app's one error type. Plain modules return it; Tauri commands hand it to the webview,
//! where it arrives as `{kind, message}` (`kind` picks the wording and the remedy shown; the
//! message is already plain words and never contains field values).

use serde::Serialize;

/// What went wrong, in the terms the clerk sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The relay cannot be reached (down, wrong URL, network).
    RelayUnreachable,
    /// The relay refused the desk token.
    TokenRejected,
    /// The relay's TLS certificate is not the one pinned in the settings.
    CertificateMismatch,
    /// A scanned or delivered response belongs to another request.
    WrongRequest,
    /// The request expired before the answer came.
    Expired,
    /// A response was already used once.
    Replayed,
    /// No camera, or the configured camera cannot be opened.
    CameraMissing,
    /// Values that do not satisfy the form's schema.
    Invalid,
    /// Unknown form, window or request.
    NotFound,
    /// A file could not be read or written (settings, outbox).
    Io,
    /// A wallet or response format this desk does not know (update needed).
    UpdateNeeded,
    /// Anything else; the message says what.
    Internal,
}

/// An error with its kind and a plain-words message.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> AppError {
        AppError {
            kind,
            message: message.into(),
        }
    }

    pub fn relay_unreachable(detail: impl std::fmt::Display) -> AppError {
        AppError::new(
            ErrorKind::RelayUnreachable,
            format!("The relay cannot be reached ({detail}). The desk keeps retrying."),
        )
    }

    pub fn not_found(what: impl std::fmt::Display) -> AppError {
        AppError::new(ErrorKind::NotFound, format!("{what} was not found."))
    }

    pub fn internal(detail: impl std::fmt::Display) -> AppError {
        AppError::new(ErrorKind::Internal, detail.to_string())
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> AppError {
        AppError::new(
            ErrorKind::Io,
            format!("A file could not be read or written: {e}"),
        )
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> AppError {
        AppError::internal(format!("Bad data: {e}"))
    }
}

/// The app's result type.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_and_message() {
        let e = AppError::new(
            ErrorKind::TokenRejected,
            "The relay refused the desk token.",
        );
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "token_rejected", "message": "The relay refused the desk token."})
        );
    }
}
