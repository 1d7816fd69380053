//! The signed envelope of requests and receipts: CBOR array
//! `[body: bstr, signature: bstr(64), office key: bstr(32)]`, where `body` is the CBOR
//! encoding of the kind's body map and the Ed25519 signature covers
//! `ASCII(prefix, e.g. "FDR1") ‖ body`. Carrying the key lets a reader say *which* office
//! signed (and whether it is trusted) and keeps signatures checkable without a key id table.

use ciborium::Value;

use super::cbor;
use super::{frame, OfficeKey, OfficePublicKey, QrKind};
use crate::error::{Error, Result};

/// Signs `body` and frames the envelope as a QR text of `kind`.
pub(crate) fn seal(kind: QrKind, key: &OfficeKey, body: &Value) -> String {
    seal_bytes(kind, key, &cbor::to_bytes(body))
}

/// Signs body bytes as they are, even ones breaking the reading rules (tests of readers).
#[doc(hidden)]
pub fn seal_bytes(kind: QrKind, key: &OfficeKey, body: &[u8]) -> String {
    let signature = key.sign(&signed_message(kind, body));
    let envelope = Value::Array(vec![
        cbor::bytes(body),
        cbor::bytes(&signature),
        cbor::bytes(&key.public_key().to_bytes()),
    ]);
    frame::encode(kind, &cbor::to_bytes(&envelope))
}

/// An envelope taken apart, signature not yet checked.
pub(crate) struct Envelope {
    pub kind: QrKind,
    pub body: Vec<u8>,
    pub signature: [u8; 64],
    pub signer: OfficePublicKey,
}

pub(crate) fn open(kind: QrKind, text: &str) -> Result<Envelope> {
    let bytes = frame::decode(kind, text)?;
    let mut items = cbor::as_array(kind, cbor::from_bytes(kind, &bytes)?, "envelope")?.into_iter();
    let mut next = |what: &str| {
        items
            .next()
            .ok_or_else(|| Error::malformed(kind, format!("envelope lacks the {what}")))
    };
    let body = cbor::as_bytes(kind, next("body")?, "body")?;
    let signature = cbor::as_fixed::<64>(kind, next("signature")?, "signature")?;
    let key = cbor::as_fixed::<32>(kind, next("office key")?, "office key")?;
    let signer = OfficePublicKey::from_bytes(&key).map_err(|_| Error::BadSignature { kind })?;
    Ok(Envelope {
        kind,
        body,
        signature,
        signer,
    })
}

impl Envelope {
    /// Checks the signature, then that the signer is trusted: a tampered code is a
    /// `BadSignature`, a genuine code from an unknown office `UntrustedOfficeKey`.
    pub(crate) fn verify(&self, trusted: &[OfficePublicKey]) -> Result<()> {
        if !self
            .signer
            .verify(&signed_message(self.kind, &self.body), &self.signature)
        {
            return Err(Error::BadSignature { kind: self.kind });
        }
        if !trusted.contains(&self.signer) {
            return Err(Error::UntrustedOfficeKey {
                kind: self.kind,
                key: self.signer.to_base64url(),
            });
        }
        Ok(())
    }

    pub(crate) fn body_value(&self) -> Result<Value> {
        cbor::from_bytes(self.kind, &self.body)
    }
}

fn signed_message(kind: QrKind, body: &[u8]) -> Vec<u8> {
    let mut m = kind.prefix().into_bytes();
    m.extend_from_slice(body);
    m
}
