//! Pairing a clerk phone with this desk: a `device` token of the desk from the relay
//! (`POST /api/devices`, the same route for the embedded and a LAN relay), shown as the
//! clerk companion's pairing URL in a QR. The URL's format is owned by the companion
//! (web/src/companion/pairing.ts); both sides are tested against the same links in
//! `tests/pairing-links.json`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use formdesk_protocol::render::{render_svg, EcLevel};
use serde::Serialize;

use crate::desk::Desk;
use crate::error::Result;
use crate::relay_link::Endpoint;

/// A pairing code for a clerk phone.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pairing {
    /// The new device token (also inside `text`).
    pub token: String,
    /// The desk the token is bound to.
    pub desk: String,
    /// The pairing URL the QR holds.
    pub text: String,
    pub qr_svg: String,
    /// Why a phone may not reach this relay (the embedded relay listens on loopback).
    pub note: Option<String>,
}

/// The clerk companion's pairing URL (format owned by web/src/companion/pairing.ts):
/// `<relay>/companion/#pair=<base64url of {"v":1,"relay","token","desk","label",
/// "fingerprint"?}>`, so a phone's own camera app opens the companion directly.
pub fn pairing_url(endpoint: &Endpoint, token: &str, desk: &str, label: &str) -> String {
    let mut json = serde_json::json!({
        "v": 1,
        "relay": endpoint.base,
        "token": token,
        "desk": desk,
        "label": label,
    });
    let pin = endpoint
        .fingerprint
        .as_deref()
        .and_then(|f| f.parse::<formdesk_relay::tls::Fingerprint>().ok());
    if let Some(pin) = pin {
        json["fingerprint"] = pin.to_hex().into();
    }
    let param = URL_SAFE_NO_PAD.encode(json.to_string());
    format!("{}/companion/#pair={param}", endpoint.base)
}

impl Desk {
    /// Pairs a clerk phone: a `device` token of this desk from the relay (`POST
    /// /api/devices`, the same route for the embedded and a LAN relay), shown as the
    /// companion's pairing URL (see [`pairing_url`]) in a QR.
    pub async fn pair_phone(&self) -> Result<Pairing> {
        let rest = self.rest().await?;
        let device = rest.new_device_token("clerk phone").await?;
        let endpoint = rest.endpoint();
        let text = pairing_url(
            endpoint,
            &device.token,
            &device.desk,
            &self.settings().desk_label,
        );
        let qr_svg = render_svg(&text, EcLevel::M).map_err(crate::windows::protocol_error)?;
        let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
            .iter()
            .any(|p| endpoint.base.starts_with(p));
        let note = loopback.then(|| {
            "This desk's relay runs on this computer only: a phone can reach it only when \
             the desk uses a LAN relay (Settings)."
                .to_string()
        });
        Ok(Pairing {
            token: device.token,
            desk: device.desk,
            text,
            qr_svg,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The links in the fixture the companion's unit test reads too: the desk must make
    /// exactly these, so a change on one side fails here or there.
    #[test]
    fn pairing_links_match_the_shared_fixture() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pairing-links.json");
        let fixture: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let cases = fixture["cases"].as_array().unwrap();
        assert!(cases.len() >= 2);
        for case in cases {
            let s = |k: &str| case[k].as_str().unwrap().to_string();
            let endpoint = Endpoint {
                base: s("base"),
                token: "the desk's own token, never in a pairing link".into(),
                fingerprint: case["fingerprint"].as_str().map(str::to_string),
            };
            let url = pairing_url(&endpoint, &s("token"), &s("desk"), &s("label"));
            assert_eq!(url, s("url"), "pairing link for {}", s("base"));
            assert!(!url.contains("never in a pairing link"));
        }
    }
}
