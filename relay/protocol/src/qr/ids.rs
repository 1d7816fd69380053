//! Request ids: 16 random bytes chosen by the relay, written as 32 lowercase hex characters
//! in text (group names `req.<id>`, URLs, logs). Nonces are 16 random bytes (128 bits), the
//! HKDF salt of the response and part of its associated data.

use std::fmt;
use std::str::FromStr;

use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// Length of the nonces this crate generates; decoders accept 16..=64 bytes.
pub const NONCE_LEN: usize = 16;

/// A request id: 16 random bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub [u8; 16]);

impl RequestId {
    pub fn random(rng: &mut (impl RngCore + CryptoRng)) -> RequestId {
        let mut b = [0u8; 16];
        rng.fill_bytes(&mut b);
        RequestId(b)
    }

    /// 32 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// A fresh 16-byte nonce (helper for whoever builds requests).
    pub fn random_nonce(rng: &mut (impl RngCore + CryptoRng)) -> Vec<u8> {
        let mut n = vec![0u8; NONCE_LEN];
        rng.fill_bytes(&mut n);
        n
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses lowercase or uppercase hex.
pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 == 1 || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestId({})", self.to_hex())
    }
}

impl FromStr for RequestId {
    type Err = Error;

    fn from_str(s: &str) -> Result<RequestId, Error> {
        let bytes = unhex(s).filter(|b| b.len() == 16).ok_or_else(|| {
            Error::Build(format!("{s:?} is not a request id (32 hex characters)"))
        })?;
        let mut id = [0u8; 16];
        id.copy_from_slice(&bytes);
        Ok(RequestId(id))
    }
}

impl Serialize for RequestId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for RequestId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RequestId, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Serde helper: byte arrays as lowercase hex strings in JSON.
pub(crate) mod hex_serde {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer, T: AsRef<[u8]>>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hex(v.as_ref()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: TryFrom<Vec<u8>>>(
        d: D,
    ) -> Result<T, D::Error> {
        let s = String::deserialize(d)?;
        let bytes = super::unhex(&s).ok_or_else(|| serde::de::Error::custom("expected hex"))?;
        T::try_from(bytes).map_err(|_| serde::de::Error::custom("wrong length"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_id_text_is_32_lowercase_hex() {
        let id = RequestId([0xab; 16]);
        assert_eq!(id.to_string(), "ab".repeat(16));
        assert_eq!(id.to_string().parse::<RequestId>().unwrap(), id);
        assert!("abc".parse::<RequestId>().is_err());
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<RequestId>(&json).unwrap(), id);
    }
}
