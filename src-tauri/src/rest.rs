//! The relay's REST API as the desk uses it: list forms, post a sealed response (the webcam
//! path, exactly what a paired phone does), ask for a deletion receipt, mint a device token
//! for pairing, read the office key. Errors become the clerk's words (unreachable, token
//! rejected, the relay's own message).

use formdesk_protocol::forms::FormDef;
use formdesk_protocol::wire::{
    ErrorBody, OfficeKeyInfo, ReceiptCreated, SubmissionCreate, SubmissionCreated,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorKind, Result};
use crate::relay_link::Endpoint;

/// A REST client bound to one relay and token.
#[derive(Clone)]
pub struct Rest {
    http: reqwest::Client,
    endpoint: Endpoint,
}

/// `POST /api/devices` answer: a device token bound to this desk.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceToken {
    pub token: String,
}

impl Rest {
    pub fn new(endpoint: Endpoint) -> Rest {
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .expect("http client");
        Rest { http, endpoint }
    }

    /// GET /api/forms
    pub async fn forms(&self) -> Result<Vec<FormDef>> {
        self.call(self.http.get(self.url("/api/forms"))).await
    }

    /// POST /api/submissions with a sealed response QR text.
    pub async fn submit_sealed(&self, response: &str) -> Result<SubmissionCreated> {
        let body = SubmissionCreate {
            response: Some(response.to_string()),
            ..Default::default()
        };
        self.call(self.http.post(self.url("/api/submissions")).json(&body))
            .await
    }

    /// POST /api/requests/<id>/receipt
    pub async fn receipt(&self, request_id: &str) -> Result<ReceiptCreated> {
        let url = self.url(&format!("/api/requests/{request_id}/receipt"));
        self.call(self.http.post(url).json(&serde_json::json!({})))
            .await
    }

    /// POST /api/devices
    pub async fn new_device_token(&self, label: &str) -> Result<DeviceToken> {
        let body = serde_json::json!({ "label": label });
        self.call(self.http.post(self.url("/api/devices")).json(&body))
            .await
    }

    /// GET /api/office-key
    pub async fn office_key(&self) -> Result<OfficeKeyInfo> {
        self.call(self.http.get(self.url("/api/office-key"))).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.endpoint.base.trim_end_matches('/'))
    }

    async fn call<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<T> {
        let resp = req
            .bearer_auth(&self.endpoint.token)
            .send()
            .await
            .map_err(AppError::relay_unreachable)?;
        let status = resp.status();
        if status.is_success() {
            return resp
                .json()
                .await
                .map_err(|e| AppError::internal(format!("Unexpected answer from the relay: {e}")));
        }
        let body: Option<ErrorBody> = resp.json().await.ok();
        Err(http_error(status.as_u16(), body))
    }
}

/// Maps a relay error answer to the clerk's words.
fn http_error(status: u16, body: Option<ErrorBody>) -> AppError {
    let (code, message) = body
        .map(|b| (b.error.code, b.error.message))
        .unwrap_or_default();
    match status {
        401 | 403 => AppError::new(
            ErrorKind::TokenRejected,
            "The relay refused this desk's token. Check the token in Settings.",
        ),
        404 if code.contains("request") => AppError::new(
            ErrorKind::WrongRequest,
            "This QR code is not for an open request of this desk.",
        ),
        410 => AppError::new(
            ErrorKind::Expired,
            "The request has expired. Start a new request.",
        ),
        409 => AppError::new(ErrorKind::Replayed, "This answer was already used."),
        _ if message.is_empty() => AppError::internal(format!("The relay answered {status}.")),
        _ => AppError::new(ErrorKind::Internal, format!("The relay refused: {message}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_failures_read_as_token_rejected() {
        assert_eq!(http_error(401, None).kind, ErrorKind::TokenRejected);
        assert_eq!(http_error(410, None).kind, ErrorKind::Expired);
    }
}
