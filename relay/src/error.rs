//! The relay's error type, and the ONE place errors become HTTP answers
//! (`{"error":{"code","message"}}`) or websocket `error` events (same codes).
//!
//! Handlers return [`Error`]; `api` turns rejections into replies with [`Error::into_reply`].
//! Messages never contain field values (no personal data in answers or logs).

use formdesk_protocol::wire::{ErrorBody, ErrorDetail, FieldError};
use http::StatusCode;

/// Result alias of the relay library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the relay, by the answer the client gets.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadRequest(String),
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("unknown operation")]
    UnknownOp,
    #[error("missing, invalid or revoked token")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("origin not allowed")]
    OriginNotAllowed,
    #[error("{0}")]
    NotFound(String),
    #[error("unknown form {0:?}")]
    UnknownForm(String),
    #[error("web apps not built: cd web && npm ci && npm run build")]
    WebAppsNotBuilt,
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the values do not match the form's schema")]
    Invalid(Vec<FieldError>),
    #[error("message or body too large (limit {0} bytes)")]
    TooLarge(usize),
    #[error("too many requests")]
    RateLimited,
    #[error("{0}")]
    Overloaded(String),
    #[error("{0}")]
    Limit(String),
    #[error("storage error: {0}")]
    Store(#[from] sled::Error),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("encryption error")]
    Crypto,
    #[error("data error: {0}")]
    Data(String),
    #[error("protocol error: {0}")]
    Protocol(String),
    /// A FormDesk code in a format version this relay does not read (the wallet or the
    /// relay is out of date): its own code, so a phone can say "update needed" rather than
    /// "refused".
    #[error("{0}")]
    UnsupportedVersion(String),
}

impl Error {
    /// Stable machine-readable code (HTTP `error.code` and websocket `error.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadRequest(_) => "bad_request",
            Error::MalformedJson(_) => "malformed_json",
            Error::UnknownOp => "unknown_op",
            Error::Unauthorized => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::OriginNotAllowed => "origin_not_allowed",
            Error::NotFound(_) => "not_found",
            Error::UnknownForm(_) => "unknown_form",
            Error::WebAppsNotBuilt => "web_apps_not_built",
            Error::Gone(_) => "expired",
            Error::Conflict(_) => "conflict",
            Error::Invalid(_) => "invalid_values",
            Error::TooLarge(_) => "too_large",
            Error::RateLimited => "rate_limited",
            Error::Overloaded(_) => "overloaded",
            Error::Limit(_) => "limit",
            Error::Protocol(_) => "protocol",
            Error::UnsupportedVersion(_) => "unsupported_version",
            Error::Store(_) | Error::Io(_) | Error::Crypto | Error::Data(_) => "internal",
        }
    }

    /// HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) | Error::MalformedJson(_) | Error::UnknownOp => {
                StatusCode::BAD_REQUEST
            }
            Error::Protocol(_) | Error::UnsupportedVersion(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) | Error::OriginNotAllowed => StatusCode::FORBIDDEN,
            Error::NotFound(_) | Error::UnknownForm(_) | Error::WebAppsNotBuilt => {
                StatusCode::NOT_FOUND
            }
            Error::Gone(_) => StatusCode::GONE,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::RateLimited | Error::Limit(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Overloaded(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Store(_) | Error::Io(_) | Error::Crypto | Error::Data(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The JSON body clients see. Internal errors are not detailed to clients.
    pub fn body(&self) -> ErrorBody {
        let message = match self.status() {
            StatusCode::INTERNAL_SERVER_ERROR => "internal error".to_string(),
            _ => self.to_string(),
        };
        let fields = match self {
            Error::Invalid(f) => f.clone(),
            _ => Vec::new(),
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                message,
                fields,
            },
        }
    }

    /// The HTTP answer for this error (the only HTTP error mapping of the relay).
    pub fn into_response(&self) -> http::Response<String> {
        if self.status().is_server_error() {
            tracing::error!(code = self.code(), error = %self, "request failed");
        }
        let body = serde_json::to_string(&self.body()).unwrap_or_default();
        http::Response::builder()
            .status(self.status())
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body)
            .unwrap_or_default()
    }
}

impl warp::reject::Reject for Error {}

/// Turns any rejection (ours or warp's own) into the JSON error answer.
pub async fn recover(
    r: warp::Rejection,
) -> std::result::Result<warp::reply::Response, std::convert::Infallible> {
    use warp::reject::{LengthRequired, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType};
    use warp::Reply;
    let err = if let Some(e) = r.find::<Error>() {
        return Ok(e.into_response().into_response());
    } else if r.is_not_found() {
        Error::NotFound("no such route".into())
    } else if r.find::<MethodNotAllowed>().is_some() {
        Error::BadRequest("method not allowed".into())
    } else if r.find::<PayloadTooLarge>().is_some() {
        Error::TooLarge(0)
    } else if r.find::<LengthRequired>().is_some() {
        Error::BadRequest("a content-length header is required".into())
    } else if r.find::<UnsupportedMediaType>().is_some() {
        Error::BadRequest("unsupported content type".into())
    } else {
        Error::BadRequest(format!("{r:?}"))
    };
    let mut res = err.into_response();
    if r.find::<MethodNotAllowed>().is_some() {
        *res.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    }
    Ok(res.into_response())
}
