//! The response (`FDA1:`), shown by the wallet. Its frame body is a fixed binary layout
//! (not CBOR: every byte counts here, the bar is 12 fields in a version-10 QR code at EC
//! level M): `request id (16) ‖ wallet ephemeral X25519 key (32) ‖ ciphertext (rest)`.
//! The relay routes by the clear request id (`peek_response`) and cannot read the rest.
//!
//! Sealing: `ss = X25519(wallet secret, window key)`; `okm = HKDF-SHA256(salt = request nonce,
//! ikm = ss, info = "FDA1 key" ‖ window key ‖ wallet key, 44 bytes)`; key = okm[0..32],
//! AEAD nonce = okm[32..44] (both single-use: the wallet key is fresh per response);
//! ChaCha20-Poly1305 with AAD = `"FDA1" ‖ request id ‖ request nonce`.
//!
//! Plaintext: CBOR array `[outcome…]`, one outcome per requested key in request order:
//! a text string = shared, self-declared value; `0` = declined; `1` = unavailable; a map
//! `{0: value, …}` = shared value with extensions (a later version's issuer credential at
//! key 1). Version 1 readers take key 0 of such a map as a self-declared value and ignore
//! the rest, so older desks keep working when credentials are added.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use ciborium::Value;
use hkdf::Hkdf;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::cbor::{self, MapReader};
use super::{
    frame, EphemeralSecret, QrKind, RequestBody, RequestId, RequestSecret, VerifiedRequest,
};
use crate::error::{Error, Result};

const KIND: QrKind = QrKind::Response;
/// Clear header: request id ‖ wallet key.
const HEADER_LEN: usize = 16 + 32;
/// Poly1305 tag.
const TAG_LEN: usize = 16;
const DECLINED: u64 = 0;
const UNAVAILABLE: u64 = 1;

/// The citizen's answer for one requested key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", content = "value", rename_all = "lowercase")]
pub enum FieldOutcome {
    /// The value, as the citizen gave it.
    Shared(String),
    /// The citizen unticked this field: the clerk enters it by hand if needed.
    Declined,
    /// The wallet has no value for it.
    Unavailable,
}

/// Where a shared value comes from. Version 1 knows only self-declared values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Typed or stored by the citizen ("provided by the citizen"); also for declined and
    /// unavailable outcomes, which carry no value.
    SelfDeclared,
}

/// The clear part of a response: enough to route it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHeader {
    pub request_id: RequestId,
    pub wallet_public: [u8; 32],
    /// Length of the sealed part (bytes), for size limits and logs.
    pub sealed_len: usize,
}

/// An opened response: one outcome per requested key, in request order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedResponse {
    pub request_id: RequestId,
    pub outcomes: Vec<(String, FieldOutcome, Provenance)>,
}

/// Seals the wallet's answers to a verified request. `answers` may be in any order; keys
/// that were not requested are refused (`UnrequestedKey`); requested keys without an answer
/// are sent as `Unavailable`.
pub fn seal_response(
    request: &VerifiedRequest,
    answers: &[(String, FieldOutcome)],
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<String> {
    seal_with_wallet_secret(&request.body, answers, &EphemeralSecret::generate(rng))
}

/// `seal_response` with a given wallet key, for an unverified body (test vectors only:
/// wallets must verify first and use a fresh key).
#[doc(hidden)]
pub fn seal_with_wallet_secret(
    body: &RequestBody,
    answers: &[(String, FieldOutcome)],
    wallet: &EphemeralSecret,
) -> Result<String> {
    for (i, (key, _)) in answers.iter().enumerate() {
        if !body.fields.iter().any(|f| &f.key == key) {
            return Err(Error::UnrequestedKey { key: key.clone() });
        }
        if answers[..i].iter().any(|(k, _)| k == key) {
            return Err(Error::Build(format!("{key} is answered twice")));
        }
    }
    let outcomes = body
        .fields
        .iter()
        .map(|f| match answers.iter().find(|(k, _)| k == &f.key) {
            Some((_, outcome)) => outcome_to_cbor(outcome),
            None => UNAVAILABLE.into(),
        })
        .collect();
    let plaintext = cbor::to_bytes(&Value::Array(outcomes));
    seal_with(
        wallet,
        body.request_id,
        &body.nonce,
        &body.ephemeral_public,
        &plaintext,
    )
}

/// Seals raw `plaintext` bytes (tests of future outcome shapes).
#[doc(hidden)]
pub fn seal_with(
    wallet: &EphemeralSecret,
    request_id: RequestId,
    nonce: &[u8],
    window_public: &[u8; 32],
    plaintext: &[u8],
) -> Result<String> {
    let wallet_public = wallet.public_key();
    let shared = wallet.diffie_hellman(window_public);
    if !shared.was_contributory() {
        return Err(Error::invalid(
            QrKind::Request,
            "the ephemeral key is a low-order point",
        ));
    }
    let cipher = derive(shared.as_bytes(), nonce, window_public, &wallet_public);
    let ciphertext = cipher
        .0
        .encrypt(
            &cipher.1,
            Payload {
                msg: plaintext,
                aad: &aad(request_id, nonce),
            },
        )
        .map_err(|_| Error::Build("encryption failed".into()))?;
    let mut body = Vec::with_capacity(HEADER_LEN + ciphertext.len());
    body.extend_from_slice(request_id.as_bytes());
    body.extend_from_slice(&wallet_public);
    body.extend_from_slice(&ciphertext);
    Ok(frame::encode(KIND, &body))
}

/// Reads the clear header of a response without any key (the relay routes with it).
pub fn peek_response(text: &str) -> Result<ResponseHeader> {
    let (header, _) = split(text)?;
    Ok(header)
}

/// Opens a response with the window's request secret: checks it answers this request,
/// that the request has not expired at `now`, decrypts (a wrong key or any alteration gives
/// `WrongKey`) and returns one outcome per requested key. Replays are the caller's
/// `ReplayGuard`'s job.
pub fn open_response(text: &str, secret: &RequestSecret, now: u64) -> Result<OpenedResponse> {
    let (header, ciphertext) = split(text)?;
    if header.request_id != secret.request_id {
        return Err(Error::OtherRequest {
            expected: secret.request_id.to_hex(),
            found: header.request_id.to_hex(),
        });
    }
    if now > secret.expires_at {
        return Err(Error::Expired {
            expires_at: secret.expires_at,
            now,
        });
    }
    let shared = secret.ephemeral.diffie_hellman(&header.wallet_public);
    if !shared.was_contributory() {
        return Err(Error::invalid(KIND, "the wallet key is a low-order point"));
    }
    let window_public = secret.public_key();
    let cipher = derive(
        shared.as_bytes(),
        &secret.nonce,
        &window_public,
        &header.wallet_public,
    );
    let aad = aad(secret.request_id, &secret.nonce);
    let plaintext = cipher
        .0
        .decrypt(
            &cipher.1,
            Payload {
                msg: &ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| Error::WrongKey)?;
    let outcomes = parse_plaintext(&plaintext, secret.requested.len())?;
    Ok(OpenedResponse {
        request_id: header.request_id,
        outcomes: secret
            .requested
            .iter()
            .cloned()
            .zip(outcomes)
            .map(|(k, o)| (k, o, Provenance::SelfDeclared))
            .collect(),
    })
}

fn split(text: &str) -> Result<(ResponseHeader, Vec<u8>)> {
    let bytes = frame::decode(KIND, text)?;
    if bytes.len() < HEADER_LEN + TAG_LEN {
        return Err(Error::Truncated { kind: KIND });
    }
    let (head, ciphertext) = bytes.split_at(HEADER_LEN);
    let header = ResponseHeader {
        request_id: RequestId(head[..16].try_into().expect("16 bytes")),
        wallet_public: head[16..].try_into().expect("32 bytes"),
        sealed_len: ciphertext.len(),
    };
    Ok((header, ciphertext.to_vec()))
}

/// HKDF-SHA256 → (AEAD, nonce).
fn derive(
    shared: &[u8; 32],
    salt: &[u8],
    window: &[u8; 32],
    wallet: &[u8; 32],
) -> (ChaCha20Poly1305, Nonce) {
    let mut info = b"FDA1 key".to_vec();
    info.extend_from_slice(window);
    info.extend_from_slice(wallet);
    let mut okm = [0u8; 44];
    Hkdf::<Sha256>::new(Some(salt), shared)
        .expand(&info, &mut okm)
        .expect("44 bytes is a valid HKDF-SHA256 length");
    let cipher = ChaCha20Poly1305::new(Key::from_slice(&okm[..32]));
    (cipher, *Nonce::from_slice(&okm[32..]))
}

fn aad(request_id: RequestId, nonce: &[u8]) -> Vec<u8> {
    let mut a = b"FDA1".to_vec();
    a.extend_from_slice(request_id.as_bytes());
    a.extend_from_slice(nonce);
    a
}

fn outcome_to_cbor(o: &FieldOutcome) -> Value {
    match o {
        FieldOutcome::Shared(v) => cbor::text(v),
        FieldOutcome::Declined => DECLINED.into(),
        FieldOutcome::Unavailable => UNAVAILABLE.into(),
    }
}

fn parse_plaintext(plaintext: &[u8], expected: usize) -> Result<Vec<FieldOutcome>> {
    let items = cbor::as_array(KIND, cbor::from_bytes(KIND, plaintext)?, "outcomes")?;
    if items.len() != expected {
        return Err(Error::invalid(
            KIND,
            format!("{} answers for {expected} requested fields", items.len()),
        ));
    }
    items.into_iter().map(outcome_from_cbor).collect()
}

fn outcome_from_cbor(v: Value) -> Result<FieldOutcome> {
    match v {
        Value::Text(s) => Ok(FieldOutcome::Shared(s)),
        Value::Integer(i) if u64::try_from(i) == Ok(DECLINED) => Ok(FieldOutcome::Declined),
        Value::Integer(i) if u64::try_from(i) == Ok(UNAVAILABLE) => Ok(FieldOutcome::Unavailable),
        map @ Value::Map(_) => {
            let mut m = MapReader::new(KIND, map, "outcome")?;
            Ok(FieldOutcome::Shared(m.text(0, "shared value")?))
        }
        _ => Err(Error::malformed(
            KIND,
            "an outcome is a text, 0, 1 or a map",
        )),
    }
}
