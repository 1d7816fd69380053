//! The relay's REST API as the desk uses it: list forms, post a sealed response (the webcam
//! path, exactly what a paired phone does), ask for a deletion receipt, mint a device token
//! for pairing, read the office key. Errors become the clerk's words (unreachable, token
//! rejected, a certificate that does not match the pin, the relay's own message). For an
//! `https://` relay the HTTP client uses the same pinned TLS config as the websocket
//! (`transport`).

use formdesk_protocol::forms::FormDef;
use formdesk_protocol::wire::{
    ErrorBody, OfficeKeyInfo, ReceiptCreated, SubmissionCreate, SubmissionCreated,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorKind, Result};
use crate::relay_link::Endpoint;
use crate::transport::{self, Security};

/// A REST client bound to one relay and token.
#[derive(Clone)]
pub struct Rest {
    /// The client, or why none can be made (bad URL or pin): every call returns that.
    http: Result<reqwest::Client>,
    endpoint: Endpoint,
}

/// `POST /api/devices` answer (201): a device token bound to this desk.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceToken {
    /// The token's id (for revocation; not secret).
    pub id: String,
    /// The secret, `fdt_...`, shown once.
    pub token: String,
    /// The desk it is bound to.
    pub desk: String,
}

impl Rest {
    pub fn new(endpoint: Endpoint) -> Rest {
        let http = client(&endpoint);
        Rest { http, endpoint }
    }

    /// GET /api/forms
    pub async fn forms(&self) -> Result<Vec<FormDef>> {
        self.call(|h| h.get(self.url("/api/forms"))).await
    }

    /// POST /api/submissions with a sealed response QR text.
    pub async fn submit_sealed(&self, response: &str) -> Result<SubmissionCreated> {
        let body = SubmissionCreate {
            response: Some(response.to_string()),
            ..Default::default()
        };
        self.call(|h| h.post(self.url("/api/submissions")).json(&body))
            .await
    }

    /// POST /api/requests/<id>/receipt with `{"fields_received": [..]}`: the vocabulary
    /// keys the window received as shared values (`None` sends `{}`: the relay decides).
    pub async fn receipt(
        &self,
        request_id: &str,
        fields_received: Option<&[String]>,
    ) -> Result<ReceiptCreated> {
        let url = self.url(&format!("/api/requests/{request_id}/receipt"));
        let body = match fields_received {
            Some(keys) => serde_json::json!({ "fields_received": keys }),
            None => serde_json::json!({}),
        };
        self.call(|h| h.post(url).json(&body)).await
    }

    /// POST /api/devices
    pub async fn new_device_token(&self, label: &str) -> Result<DeviceToken> {
        let body = serde_json::json!({ "label": label });
        self.call(|h| h.post(self.url("/api/devices")).json(&body))
            .await
    }

    /// GET /api/office-key
    pub async fn office_key(&self) -> Result<OfficeKeyInfo> {
        self.call(|h| h.get(self.url("/api/office-key"))).await
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.endpoint.base.trim_end_matches('/'))
    }

    async fn call<T: DeserializeOwned>(
        &self,
        req: impl FnOnce(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<T> {
        let http = self.http.as_ref().map_err(Clone::clone)?;
        let resp = req(http)
            .bearer_auth(&self.endpoint.token)
            .send()
            .await
            .map_err(|e| transport::connect_error(&e))?;
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

/// An HTTP client for the endpoint: plain, or TLS pinned to the relay's certificate.
fn client(endpoint: &Endpoint) -> Result<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(15));
    let builder = match transport::security(&endpoint.base, endpoint.fingerprint.as_deref())? {
        Security::Plain => builder,
        // reqwest takes the config by value (it adds nothing to it: no roots, no ALPN h2).
        Security::Pinned(config) => builder.use_preconfigured_tls((*config).clone()),
    };
    builder
        .build()
        .map_err(|e| AppError::internal(format!("Cannot set up the HTTP client: {e}")))
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
        // The relay's message names both format versions and what to update.
        400 if code == "unsupported_version" => {
            AppError::new(ErrorKind::UpdateNeeded, format!("Update needed: {message}"))
        }
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

    #[test]
    fn an_answer_in_another_format_version_reads_as_update_needed() {
        let body = ErrorBody {
            error: formdesk_protocol::wire::ErrorDetail {
                code: "unsupported_version".into(),
                message: "this answer uses QR format version 2".into(),
                fields: Vec::new(),
            },
        };
        let e = http_error(400, Some(body));
        assert_eq!(e.kind, ErrorKind::UpdateNeeded);
        assert!(e.message.contains("version 2"), "{}", e.message);
        assert_eq!(http_error(400, None).kind, ErrorKind::Internal);
    }
}
