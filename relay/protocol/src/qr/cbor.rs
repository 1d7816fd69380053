//! Small CBOR helpers over `ciborium::Value`: building maps with integer keys in ascending
//! order (so encodings are deterministic and signatures reproducible), decoding only what
//! passes `strict::check` (deterministic encoding, docs/qr-format.md §1), and a `MapReader`
//! that takes typed fields out with errors naming the field. Unknown map keys are ignored,
//! which lets a later minor revision add optional entries.

use ciborium::Value;

use super::strict::{self, Violation};
use super::QrKind;
use crate::error::{Error, Result};

/// ciborium's own nesting guard, set above `strict::MAX_DEPTH` so that it never bites on
/// input the strict check passed (it counts arrays and maps, as the check does).
const RECURSION_LIMIT: usize = 2 * strict::MAX_DEPTH;

/// Encodes a value (definite lengths, shortest integer heads).
pub(crate) fn to_bytes(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).expect("writing CBOR to a Vec cannot fail");
    out
}

/// Decodes exactly one deterministic CBOR item filling all of `bytes`.
pub(crate) fn from_bytes(kind: QrKind, bytes: &[u8]) -> Result<Value> {
    strict::check(bytes).map_err(|v| match v {
        Violation::Truncated => Error::Truncated { kind },
        Violation::Rule(rule) => Error::malformed(kind, format!("bad CBOR ({rule})")),
    })?;
    let mut rest = bytes;
    let v: Value = ciborium::de::from_reader_with_recursion_limit(&mut rest, RECURSION_LIMIT)
        .map_err(|e| match e {
            ciborium::de::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                Error::Truncated { kind }
            }
            other => Error::malformed(kind, format!("bad CBOR ({other})")),
        })?;
    if !rest.is_empty() {
        return Err(Error::malformed(kind, "trailing bytes after the payload"));
    }
    Ok(v)
}

/// A map with integer keys, entries given in ascending key order.
pub(crate) fn map(entries: Vec<(u64, Value)>) -> Value {
    debug_assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
    Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
}

pub(crate) fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub(crate) fn bytes(b: &[u8]) -> Value {
    Value::Bytes(b.to_vec())
}

pub(crate) fn texts(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| text(s)).collect())
}

/// Typed access to a CBOR value, with the payload kind for error messages.
pub(crate) fn as_text(kind: QrKind, v: Value, what: &str) -> Result<String> {
    match v {
        Value::Text(s) => Ok(s),
        _ => Err(Error::malformed(kind, format!("{what} must be text"))),
    }
}

pub(crate) fn as_bytes(kind: QrKind, v: Value, what: &str) -> Result<Vec<u8>> {
    match v {
        Value::Bytes(b) => Ok(b),
        _ => Err(Error::malformed(
            kind,
            format!("{what} must be a byte string"),
        )),
    }
}

pub(crate) fn as_array(kind: QrKind, v: Value, what: &str) -> Result<Vec<Value>> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(Error::malformed(kind, format!("{what} must be an array"))),
    }
}

pub(crate) fn as_u64(kind: QrKind, v: Value, what: &str) -> Result<u64> {
    match v {
        Value::Integer(i) => u64::try_from(i)
            .map_err(|_| Error::malformed(kind, format!("{what} must be an unsigned integer"))),
        _ => Err(Error::malformed(
            kind,
            format!("{what} must be an unsigned integer"),
        )),
    }
}

pub(crate) fn as_fixed<const N: usize>(kind: QrKind, v: Value, what: &str) -> Result<[u8; N]> {
    let b = as_bytes(kind, v, what)?;
    b.try_into()
        .map_err(|_| Error::malformed(kind, format!("{what} must be {N} bytes")))
}

pub(crate) fn as_texts(kind: QrKind, v: Value, what: &str) -> Result<Vec<String>> {
    as_array(kind, v, what)?
        .into_iter()
        .map(|x| as_text(kind, x, what))
        .collect()
}

/// Takes typed fields out of an integer-keyed map.
pub(crate) struct MapReader {
    kind: QrKind,
    entries: Vec<(Value, Value)>,
}

impl MapReader {
    pub(crate) fn new(kind: QrKind, v: Value, what: &str) -> Result<MapReader> {
        match v {
            Value::Map(entries) => Ok(MapReader { kind, entries }),
            _ => Err(Error::malformed(kind, format!("{what} must be a map"))),
        }
    }

    /// Removes and returns entry `key`, if present.
    pub(crate) fn take(&mut self, key: u64) -> Option<Value> {
        let pos = self.entries.iter().position(
            |(k, _)| matches!(k, Value::Integer(i) if u64::try_from(*i).ok() == Some(key)),
        )?;
        Some(self.entries.swap_remove(pos).1)
    }

    pub(crate) fn need(&mut self, key: u64, what: &str) -> Result<Value> {
        self.take(key)
            .ok_or_else(|| Error::malformed(self.kind, format!("missing {what} (key {key})")))
    }

    pub(crate) fn text(&mut self, key: u64, what: &str) -> Result<String> {
        let v = self.need(key, what)?;
        as_text(self.kind, v, what)
    }

    pub(crate) fn u64(&mut self, key: u64, what: &str) -> Result<u64> {
        let v = self.need(key, what)?;
        as_u64(self.kind, v, what)
    }

    pub(crate) fn u32(&mut self, key: u64, what: &str) -> Result<u32> {
        let n = self.u64(key, what)?;
        u32::try_from(n).map_err(|_| Error::malformed(self.kind, format!("{what} is too large")))
    }

    pub(crate) fn bytes(&mut self, key: u64, what: &str) -> Result<Vec<u8>> {
        let v = self.need(key, what)?;
        as_bytes(self.kind, v, what)
    }

    pub(crate) fn fixed<const N: usize>(&mut self, key: u64, what: &str) -> Result<[u8; N]> {
        let v = self.need(key, what)?;
        as_fixed(self.kind, v, what)
    }

    pub(crate) fn array(&mut self, key: u64, what: &str) -> Result<Vec<Value>> {
        let v = self.need(key, what)?;
        as_array(self.kind, v, what)
    }

    pub(crate) fn texts(&mut self, key: u64, what: &str) -> Result<Vec<String>> {
        let v = self.need(key, what)?;
        as_texts(self.kind, v, what)
    }
}
