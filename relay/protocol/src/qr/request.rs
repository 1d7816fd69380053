//! The request (`FDR1:`), shown by the clerk's window and signed by the office key held by
//! the relay. It tells the citizen who asks (office, desk), for which form, which vocabulary
//! keys with a label and purpose each, how long data is kept and whom to ask for deletion;
//! it carries the request id, nonce, validity window and the window's ephemeral X25519 key
//! the answer is sealed to, and the form's template (every key the form may ask for):
//! wallets refuse a request naming a key outside it.
//!
//! Body map keys: 0 form id, 1 form version, 2 form title, 3 language, 4 office name,
//! 5 desk label, 6 requested fields `[[key, label, purpose]…]`, 7 retention
//! `[relay deletes on delivery, office days, note?]`, 8 deletion contact, 9 request id,
//! 10 nonce, 11 issued at, 12 expires at, 13 ephemeral key, 14 template `[key…]`.

use ciborium::Value;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use super::cbor::{self, MapReader};
use super::ids::hex_serde;
use super::{signed, OfficeKey, OfficePublicKey, QrKind, RequestId, CLOCK_SKEW_SECS};
use crate::error::{Error, Result};
use crate::forms::FormDef;

const KIND: QrKind = QrKind::Request;
/// Largest number of requested fields (a QR code could not carry more labels anyway).
const MAX_FIELDS: usize = 64;

/// One requested vocabulary key, with its label in the form's language and why it is needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedField {
    pub key: String,
    pub label: String,
    pub purpose: String,
}

/// What happens to the data after it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// The relay deletes the sealed answer as soon as the window acknowledged it.
    pub relay_deletes_on_delivery: bool,
    /// How long the office keeps the completed form, in days.
    pub office_days: u32,
    /// Optional extra statement in the form's language; never empty (no note is `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Retention {
    /// The declared retention as one English sentence.
    pub fn statement(&self) -> String {
        let relay = if self.relay_deletes_on_delivery {
            "Deleted from the relay on delivery"
        } else {
            "Kept on the relay until it expires"
        };
        let mut s = format!(
            "{relay}; the completed form is kept by the office for {} days.",
            self.office_days
        );
        if let Some(note) = &self.note {
            s.push(' ');
            s.push_str(note);
        }
        s
    }
}

/// Everything a request says. Plain data: the relay fills it (see `for_form`) and signs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestBody {
    pub form_id: String,
    pub form_version: u32,
    pub form_title: String,
    pub lang: String,
    pub office_name: String,
    pub desk_label: String,
    /// The requested keys, in the order the response answers them.
    pub fields: Vec<RequestedField>,
    pub retention: Retention,
    /// Where to ask for deletion (e-mail, address or phone).
    pub contact: String,
    pub request_id: RequestId,
    #[serde(with = "hex_serde")]
    pub nonce: Vec<u8>,
    pub issued_at: u64,
    pub expires_at: u64,
    #[serde(with = "hex_serde")]
    pub ephemeral_public: [u8; 32],
    /// Every key the form may ask for; `fields` must be a subset.
    pub template: Vec<String>,
}

/// The parts of a request that do not come from the form definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestParams {
    pub office_name: String,
    pub desk_label: String,
    pub contact: String,
    /// The window's ephemeral X25519 public key (`RequestSecret::generate`).
    pub ephemeral_public: [u8; 32],
    /// Unix seconds.
    pub now: u64,
    pub ttl_minutes: u32,
}

/// A request whose signature, trust, validity window and template were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRequest {
    pub body: RequestBody,
    pub office_key: OfficePublicKey,
}

/// A decoded request whose signature was *not* checked against a trust list (tools only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnverifiedRequest {
    pub body: RequestBody,
    /// The key the code claims to be signed with.
    pub signer: OfficePublicKey,
    /// Whether the signature matches `signer` (says nothing about trust).
    pub signature_valid: bool,
}

impl AsRef<RequestBody> for RequestBody {
    fn as_ref(&self) -> &RequestBody {
        self
    }
}

impl AsRef<RequestBody> for VerifiedRequest {
    fn as_ref(&self) -> &RequestBody {
        &self.body
    }
}

impl RequestBody {
    /// Builds a request for `keys` of `form`: labels, purposes, template and retention come
    /// from the form; a fresh request id and nonce from `rng`. Keys must be in the form's
    /// template (an empty `keys` means the whole template).
    pub fn for_form(
        form: &FormDef,
        keys: &[String],
        params: RequestParams,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<RequestBody> {
        let template = form.template();
        let keys: Vec<String> = if keys.is_empty() {
            template.clone()
        } else {
            keys.to_vec()
        };
        let mut fields = Vec::with_capacity(keys.len());
        for key in &keys {
            let field = form.field_for_key(key).ok_or_else(|| {
                Error::Build(format!("form {} has no field filled from {key}", form.id))
            })?;
            fields.push(RequestedField {
                key: key.clone(),
                label: field.label.clone(),
                purpose: field.purpose.clone().unwrap_or_default(),
            });
        }
        let body = RequestBody {
            form_id: form.id.clone(),
            form_version: form.version,
            form_title: form.title.clone(),
            lang: form.lang.clone(),
            office_name: params.office_name,
            desk_label: params.desk_label,
            fields,
            retention: Retention {
                relay_deletes_on_delivery: true,
                office_days: form.retention_days,
                note: None,
            },
            contact: params.contact,
            request_id: RequestId::random(rng),
            nonce: RequestId::random_nonce(rng),
            issued_at: params.now,
            expires_at: params.now + u64::from(params.ttl_minutes) * 60,
            ephemeral_public: params.ephemeral_public,
            template,
        };
        body.check().map_err(|e| Error::Build(e.to_string()))?;
        Ok(body)
    }

    /// The requested keys, in order.
    pub fn keys(&self) -> Vec<&str> {
        self.fields.iter().map(|f| f.key.as_str()).collect()
    }

    /// Rules every request obeys (checked when signing and when reading).
    fn check(&self) -> Result<()> {
        if self.fields.is_empty() || self.fields.len() > MAX_FIELDS {
            return Err(Error::invalid(
                KIND,
                format!("must request 1 to {MAX_FIELDS} fields"),
            ));
        }
        for (i, f) in self.fields.iter().enumerate() {
            if self.fields[..i].iter().any(|g| g.key == f.key) {
                return Err(Error::invalid(
                    KIND,
                    format!("{} is requested twice", f.key),
                ));
            }
            if !self.template.contains(&f.key) {
                return Err(Error::KeyOutsideTemplate { key: f.key.clone() });
            }
        }
        if self.nonce.len() < 16 || self.nonce.len() > 64 {
            return Err(Error::invalid(KIND, "the nonce must be 16 to 64 bytes"));
        }
        if self.expires_at <= self.issued_at {
            return Err(Error::invalid(KIND, "it expires before it is issued"));
        }
        if self.retention.note.as_deref() == Some("") {
            return Err(Error::invalid(
                KIND,
                "an empty retention note is written by leaving the note out",
            ));
        }
        Ok(())
    }

    fn to_cbor(&self) -> Value {
        let fields = self
            .fields
            .iter()
            .map(|f| {
                Value::Array(vec![
                    cbor::text(&f.key),
                    cbor::text(&f.label),
                    cbor::text(&f.purpose),
                ])
            })
            .collect();
        let mut retention = vec![
            Value::Bool(self.retention.relay_deletes_on_delivery),
            self.retention.office_days.into(),
        ];
        if let Some(note) = &self.retention.note {
            retention.push(cbor::text(note));
        }
        cbor::map(vec![
            (0, cbor::text(&self.form_id)),
            (1, self.form_version.into()),
            (2, cbor::text(&self.form_title)),
            (3, cbor::text(&self.lang)),
            (4, cbor::text(&self.office_name)),
            (5, cbor::text(&self.desk_label)),
            (6, Value::Array(fields)),
            (7, Value::Array(retention)),
            (8, cbor::text(&self.contact)),
            (9, cbor::bytes(self.request_id.as_bytes())),
            (10, cbor::bytes(&self.nonce)),
            (11, self.issued_at.into()),
            (12, self.expires_at.into()),
            (13, cbor::bytes(&self.ephemeral_public)),
            (14, cbor::texts(&self.template)),
        ])
    }

    fn from_cbor(v: Value) -> Result<RequestBody> {
        let mut m = MapReader::new(KIND, v, "request body")?;
        let fields = m
            .array(6, "requested fields")?
            .into_iter()
            .map(|f| {
                let mut it = cbor::as_texts(KIND, f, "requested field")?.into_iter();
                match (it.next(), it.next(), it.next()) {
                    (Some(key), Some(label), Some(purpose)) => Ok(RequestedField {
                        key,
                        label,
                        purpose,
                    }),
                    _ => Err(Error::malformed(
                        KIND,
                        "a requested field needs key, label, purpose",
                    )),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let retention = retention_from(m.array(7, "retention")?)?;
        Ok(RequestBody {
            form_id: m.text(0, "form id")?,
            form_version: m.u32(1, "form version")?,
            form_title: m.text(2, "form title")?,
            lang: m.text(3, "language")?,
            office_name: m.text(4, "office name")?,
            desk_label: m.text(5, "desk label")?,
            fields,
            retention,
            contact: m.text(8, "deletion contact")?,
            request_id: RequestId(m.fixed::<16>(9, "request id")?),
            nonce: m.bytes(10, "nonce")?,
            issued_at: m.u64(11, "issue time")?,
            expires_at: m.u64(12, "expiry time")?,
            ephemeral_public: m.fixed::<32>(13, "ephemeral key")?,
            template: m.texts(14, "template")?,
        })
    }
}

fn retention_from(items: Vec<Value>) -> Result<Retention> {
    let mut it = items.into_iter();
    let relay = match it.next() {
        Some(Value::Bool(b)) => b,
        _ => {
            return Err(Error::malformed(
                KIND,
                "retention must start with a boolean",
            ))
        }
    };
    let days = it
        .next()
        .ok_or_else(|| Error::malformed(KIND, "retention lacks the office days"))?;
    let office_days = u32::try_from(cbor::as_u64(KIND, days, "office days")?)
        .map_err(|_| Error::malformed(KIND, "office days too large"))?;
    // The note is a third element, present only when there is one (docs/qr-format.md §3).
    let note = it
        .next()
        .map(|n| cbor::as_text(KIND, n, "retention note"))
        .transpose()?;
    if it.next().is_some() {
        return Err(Error::malformed(KIND, "retention has more than 3 elements"));
    }
    Ok(Retention {
        relay_deletes_on_delivery: relay,
        office_days,
        note,
    })
}

/// Signs a request with the office key; returns the `FDR1:` QR text.
pub fn sign_request(key: &OfficeKey, body: &RequestBody) -> Result<String> {
    body.check().map_err(|e| Error::Build(e.to_string()))?;
    Ok(signed::seal(KIND, key, &body.to_cbor()))
}

/// Reads a request the way a wallet must: format version, signature, trusted signer,
/// validity window (with `CLOCK_SKEW_SECS` of tolerance) and template ⊇ requested keys.
pub fn verify_request(
    text: &str,
    trusted: &[OfficePublicKey],
    now: u64,
) -> Result<VerifiedRequest> {
    let env = signed::open(KIND, text)?;
    env.verify(trusted)?;
    let body = RequestBody::from_cbor(env.body_value()?)?;
    body.check()?;
    if now > body.expires_at + CLOCK_SKEW_SECS {
        return Err(Error::Expired {
            expires_at: body.expires_at,
            now,
        });
    }
    if body.issued_at > now + CLOCK_SKEW_SECS {
        return Err(Error::NotYetValid {
            issued_at: body.issued_at,
            now,
        });
    }
    Ok(VerifiedRequest {
        body,
        office_key: env.signer,
    })
}

/// Decodes a request without trusting anyone and without checking its time window or
/// template (inspection tools, the relay's own checks). Never act on it without `verify_request`.
pub fn decode_request_unverified(text: &str) -> Result<UnverifiedRequest> {
    let env = signed::open(KIND, text)?;
    let signature_valid = env.verify(&[env.signer]).is_ok();
    let body = RequestBody::from_cbor(env.body_value()?)?;
    Ok(UnverifiedRequest {
        body,
        signer: env.signer,
        signature_valid,
    })
}

/// Signing without the encoder's rule checks, to test that readers enforce the rules
/// themselves (a compromised or buggy relay could sign anything). Not for production use.
#[doc(hidden)]
pub fn sign_request_unchecked(key: &OfficeKey, body: &RequestBody) -> String {
    signed::seal(KIND, key, &body.to_cbor())
}
