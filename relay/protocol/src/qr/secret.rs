//! The window's side of a request: an ephemeral X25519 key made for one request and kept in
//! memory only, and `RequestSecret`, everything needed to open and check the answer.
//!
//! Flow in the window: `RequestSecret::generate(rng)` → send `.public_key()` to the relay
//! with the form and keys → the relay returns the signed request text → `RequestSecret::new`
//! binds the key to it (and checks that the relay used *this* key) → `open_response`.

use std::fmt;

use rand_core::{CryptoRng, RngCore};
use x25519_dalek::{PublicKey, StaticSecret};

use super::{decode_request_unverified, RequestBody, RequestId};
use crate::error::{Error, Result};

/// An X25519 secret for one request. Not `Clone`, never printed.
pub struct EphemeralSecret(StaticSecret);

impl EphemeralSecret {
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> EphemeralSecret {
        EphemeralSecret(StaticSecret::random_from_rng(rng))
    }

    /// From fixed bytes (test vectors; a window never needs this).
    pub fn from_bytes(bytes: [u8; 32]) -> EphemeralSecret {
        EphemeralSecret(StaticSecret::from(bytes))
    }

    pub fn public_key(&self) -> [u8; 32] {
        PublicKey::from(&self.0).to_bytes()
    }

    pub(crate) fn diffie_hellman(&self, peer: &[u8; 32]) -> x25519_dalek::SharedSecret {
        self.0.diffie_hellman(&PublicKey::from(*peer))
    }
}

impl fmt::Debug for EphemeralSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EphemeralSecret(..)")
    }
}

/// What the window keeps (in memory) to open the answer to its request.
#[derive(Debug)]
pub struct RequestSecret {
    pub ephemeral: EphemeralSecret,
    pub request_id: RequestId,
    pub nonce: Vec<u8>,
    /// Requested keys in request order: the response's outcomes follow this order.
    pub requested: Vec<String>,
    /// Unix seconds; answers opened later are refused as expired.
    pub expires_at: u64,
}

impl RequestSecret {
    /// Step one for a window: a fresh ephemeral key; send its `public_key()` to the relay.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> EphemeralSecret {
        EphemeralSecret::generate(rng)
    }

    /// Binds the ephemeral key to the request the relay built and signed for it.
    pub fn new(ephemeral: EphemeralSecret, body: &RequestBody) -> Result<RequestSecret> {
        if ephemeral.public_key() != body.ephemeral_public {
            return Err(Error::Build(
                "the request was made for another ephemeral key than this window's".into(),
            ));
        }
        Ok(RequestSecret {
            ephemeral,
            request_id: body.request_id,
            nonce: body.nonce.clone(),
            requested: body.fields.iter().map(|f| f.key.clone()).collect(),
            expires_at: body.expires_at,
        })
    }

    /// `new` from the request's QR text as returned by the relay (its signature is checked
    /// against its own key only: the window trusts its relay).
    pub fn from_request_text(ephemeral: EphemeralSecret, text: &str) -> Result<RequestSecret> {
        let req = decode_request_unverified(text)?;
        if !req.signature_valid {
            return Err(Error::BadSignature {
                kind: super::QrKind::Request,
            });
        }
        RequestSecret::new(ephemeral, &req.body)
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.ephemeral.public_key()
    }
}
