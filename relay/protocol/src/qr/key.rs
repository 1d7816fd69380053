//! The office's Ed25519 key. The relay holds the `OfficeKey` (a 32-byte seed) and signs
//! requests and deletion receipts; wallets trust the `OfficePublicKey`, shown as base64url
//! in settings and as an `FDK1:` QR text carrying the office's name. The name in a key text
//! is a label chosen by whoever shows it: trust comes from scanning it at the office.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::cbor::{self, MapReader};
use super::{frame, QrKind};
use crate::error::{Error, Result};

/// The office's signing key. `Debug` never shows the secret.
#[derive(Clone)]
pub struct OfficeKey {
    signing: SigningKey,
}

impl OfficeKey {
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> OfficeKey {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        OfficeKey::from_seed(seed)
    }

    /// The key for a 32-byte seed (RFC 8032 private key).
    pub fn from_seed(seed: [u8; 32]) -> OfficeKey {
        OfficeKey {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// The 32-byte seed, to store the key (keep the file private).
    pub fn seed(&self) -> [u8; 32] {
        self.signing.to_bytes()
    }

    pub fn public_key(&self) -> OfficePublicKey {
        OfficePublicKey(self.signing.verifying_key())
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

impl fmt::Debug for OfficeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OfficeKey(public {})", self.public_key())
    }
}

/// An office's public key: what wallets trust.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct OfficePublicKey(VerifyingKey);

impl OfficePublicKey {
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<OfficePublicKey> {
        VerifyingKey::from_bytes(bytes)
            .map(OfficePublicKey)
            .map_err(|_| Error::BadKey("not a valid Ed25519 public key".into()))
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// 43 characters of unpadded base64url (settings pages, config files).
    pub fn to_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0.as_bytes())
    }

    pub fn from_base64url(text: &str) -> Result<OfficePublicKey> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| Error::BadKey("not base64url".into()))?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| Error::BadKey("an office key is 32 bytes".into()))?;
        OfficePublicKey::from_bytes(&arr)
    }

    /// Short form for people to compare: the first 8 bytes of SHA-256 of the key, as four
    /// groups of four hex digits (`3f2a-9c01-…`).
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        let hex = super::ids::hex(&digest[..8]);
        let groups: Vec<&str> = (0..4).map(|i| &hex[i * 4..i * 4 + 4]).collect();
        groups.join("-")
    }

    /// The `FDK1:` QR text: CBOR map {0: key (32 bytes), 1: office name}.
    pub fn to_qr_text(&self, office_name: &str) -> String {
        let payload = cbor::map(vec![
            (0, cbor::bytes(self.0.as_bytes())),
            (1, cbor::text(office_name)),
        ]);
        frame::encode(QrKind::Key, &cbor::to_bytes(&payload))
    }

    /// Reads an `FDK1:` text; returns the key and the office name it was shown with.
    pub fn from_qr_text(text: &str) -> Result<(OfficePublicKey, String)> {
        let bytes = frame::decode(QrKind::Key, text)?;
        let mut m = MapReader::new(QrKind::Key, cbor::from_bytes(QrKind::Key, &bytes)?, "key")?;
        let key = m.fixed::<32>(0, "public key")?;
        let name = m.text(1, "office name")?;
        Ok((OfficePublicKey::from_bytes(&key)?, name))
    }

    /// Accepts any of the key's text forms: `FDK1:` text or base64url.
    pub fn parse_any(text: &str) -> Result<(OfficePublicKey, Option<String>)> {
        let text = text.trim();
        if text.starts_with("FD") && text.contains(':') {
            OfficePublicKey::from_qr_text(text).map(|(k, n)| (k, Some(n)))
        } else {
            OfficePublicKey::from_base64url(text).map(|k| (k, None))
        }
    }

    pub(crate) fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.0
            .verify(message, &Signature::from_bytes(signature))
            .is_ok()
    }
}

impl fmt::Display for OfficePublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64url())
    }
}

impl fmt::Debug for OfficePublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OfficePublicKey({})", self.to_base64url())
    }
}

/// JSON: the base64url string.
impl Serialize for OfficePublicKey {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64url())
    }
}

impl<'de> Deserialize<'de> for OfficePublicKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        OfficePublicKey::from_base64url(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_texts_round_trip() {
        let key = OfficeKey::from_seed([7; 32]);
        let public = key.public_key();
        assert_eq!(OfficeKey::from_seed(key.seed()).public_key(), public);
        let text = public.to_qr_text("City Hall Springfield");
        let (back, name) = OfficePublicKey::from_qr_text(&text).unwrap();
        assert_eq!((back, name.as_str()), (public, "City Hall Springfield"));
        assert_eq!(
            OfficePublicKey::from_base64url(&public.to_base64url()).unwrap(),
            public
        );
        assert_eq!(OfficePublicKey::parse_any(&text).unwrap().0, public);
        assert_eq!(public.fingerprint().len(), 19);
        assert!(!format!("{key:?}").contains(&super::super::ids::hex(&key.seed())));
    }
}
