//! How the desk reaches its relay on the network, for both the websocket (`relay_link`) and
//! the REST calls (`rest`): plain TCP for `http://` (the embedded relay on loopback, or a
//! LAN relay run with `--plain-http`), and for `https://` TLS pinned to the relay's
//! certificate fingerprint with the relay crate's own client config
//! (`formdesk_relay::tls::pinned_client_config`: no root store, the pin is the trust).
//! There is no fallback: a certificate that does not match the pin is a refusal with its own
//! error kind, an `https://` relay without a pin is a settings error, and a pin on an
//! `http://` URL is refused rather than silently unused.

use std::error::Error as StdError;
use std::sync::Arc;

use formdesk_relay::tls::{pinned_client_config, Fingerprint};

use crate::error::{AppError, ErrorKind, Result};

/// The words the clerk sees when the pin does not match (also the test's anchor).
pub const PIN_MISMATCH: &str = "The relay's certificate does not match the pinned fingerprint";

/// How connections to one relay are secured.
#[derive(Clone)]
pub enum Security {
    /// `http://`: plain TCP.
    Plain,
    /// `https://`: TLS that accepts exactly one certificate.
    Pinned(Arc<rustls::ClientConfig>),
}

impl std::fmt::Debug for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Security::Plain => "Plain",
            Security::Pinned(_) => "Pinned",
        })
    }
}

/// Picks the security for relay URL `base` and the fingerprint from the settings.
pub fn security(base: &str, fingerprint: Option<&str>) -> Result<Security> {
    let pin = fingerprint.map(str::trim).filter(|f| !f.is_empty());
    let lower = base.to_ascii_lowercase();
    if lower.starts_with("https://") {
        let pin = pin.ok_or_else(|| {
            settings_error(
                "This relay uses TLS: enter its certificate fingerprint (SHA-256) in Settings.",
            )
        })?;
        let pin: Fingerprint = pin.parse().map_err(|_| {
            settings_error(
                "The certificate fingerprint in Settings is not a SHA-256 fingerprint \
                 (64 hex digits, colons allowed).",
            )
        })?;
        Ok(Security::Pinned(pinned_client_config(pin)))
    } else if lower.starts_with("http://") {
        if pin.is_some() {
            return Err(settings_error(
                "A certificate fingerprint is set but the relay URL starts with http://: \
                 use https:// so that the pin is checked.",
            ));
        }
        Ok(Security::Plain)
    } else {
        Err(settings_error(
            "The relay URL must start with https:// (or http:// for a relay on this computer).",
        ))
    }
}

fn settings_error(message: &str) -> AppError {
    AppError::new(ErrorKind::RelayUnreachable, message)
}

/// The clerk's words for a failed connection: a pin mismatch is named as such, anything
/// else is "unreachable" with the detail.
pub fn connect_error(err: &(dyn StdError + 'static)) -> AppError {
    if pin_mismatch(err) {
        AppError::new(
            ErrorKind::CertificateMismatch,
            format!(
                "{PIN_MISMATCH}. Check the fingerprint in Settings with the relay's \
                 administrator; the desk does not connect until it matches."
            ),
        )
    } else {
        AppError::relay_unreachable(chain_text(err))
    }
}

/// Whether a rustls certificate refusal sits anywhere in the error's chain. An
/// `io::Error`'s own `source()` skips the error it wraps, so wrapped errors are opened too.
fn pin_mismatch(err: &(dyn StdError + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(rustls::Error::InvalidCertificate(_)) = e.downcast_ref::<rustls::Error>() {
            return true;
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            if pin_mismatch(inner) {
                return true;
            }
        }
        next = e.source();
    }
    false
}

/// "outer: inner: …" (reqwest's top-level message alone says little).
fn chain_text(err: &(dyn StdError + 'static)) -> String {
    let mut text = err.to_string();
    let mut next = err.source();
    while let Some(e) = next {
        let s = e.to_string();
        if !text.contains(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        next = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_needs_a_valid_pin_and_http_refuses_one() {
        let fp = "ab".repeat(32);
        assert!(matches!(
            security("https://relay.lan:8443", Some(&fp)),
            Ok(Security::Pinned(_))
        ));
        assert!(security("https://relay.lan:8443", None).is_err());
        assert!(security("https://relay.lan:8443", Some("ab:cd")).is_err());
        assert!(matches!(
            security("http://127.0.0.1:1", None),
            Ok(Security::Plain)
        ));
        assert!(security("http://127.0.0.1:1", Some(&fp)).is_err());
        assert!(security("relay.lan", None).is_err());
    }

    #[test]
    fn a_wrapped_certificate_refusal_reads_as_a_pin_mismatch() {
        let tls = rustls::Error::InvalidCertificate(
            rustls::CertificateError::ApplicationVerificationFailure,
        );
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
        let e = connect_error(&io);
        assert_eq!(e.kind, ErrorKind::CertificateMismatch);
        assert!(e.message.starts_with(PIN_MISMATCH));
        let other = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(connect_error(&other).kind, ErrorKind::RelayUnreachable);
    }
}
