//! The deletion receipt (`FDD1:`), shown by the window when the clerk completes the form or
//! the request expires, signed by the office key. The wallet verifies it and attaches it to
//! its history entry for the request: proof of which fields reached the office, when the
//! relay deleted them, and what the office keeps and for how long.
//!
//! Envelope: see `signed`. Body map keys: 0 request id, 1 form id, 2 office name,
//! 3 fields received `[key…]`, 4 relay deleted at, 5 what the office retains (text),
//! 6 office retention days, 7 issued at.

use ciborium::Value;
use serde::{Deserialize, Serialize};

use super::cbor::{self, MapReader};
use super::{signed, OfficeKey, OfficePublicKey, QrKind, RequestId};
use crate::error::{Error, Result};

const KIND: QrKind = QrKind::Receipt;

/// What a receipt states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptBody {
    pub request_id: RequestId,
    pub form_id: String,
    pub office_name: String,
    /// Keys the office received (shared outcomes); empty when nothing arrived.
    pub fields_received: Vec<String>,
    /// When the relay deleted the sealed answer (unix seconds).
    pub relay_deleted_at: u64,
    /// What the office keeps, in words ("the completed change-of-address form").
    pub office_retains: String,
    pub office_retention_days: u32,
    pub issued_at: u64,
}

/// A receipt whose signature and signer were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReceipt {
    pub body: ReceiptBody,
    pub office_key: OfficePublicKey,
}

impl ReceiptBody {
    fn to_cbor(&self) -> Value {
        cbor::map(vec![
            (0, cbor::bytes(self.request_id.as_bytes())),
            (1, cbor::text(&self.form_id)),
            (2, cbor::text(&self.office_name)),
            (3, cbor::texts(&self.fields_received)),
            (4, self.relay_deleted_at.into()),
            (5, cbor::text(&self.office_retains)),
            (6, self.office_retention_days.into()),
            (7, self.issued_at.into()),
        ])
    }

    fn from_cbor(v: Value) -> Result<ReceiptBody> {
        let mut m = MapReader::new(KIND, v, "receipt body")?;
        Ok(ReceiptBody {
            request_id: RequestId(m.fixed::<16>(0, "request id")?),
            form_id: m.text(1, "form id")?,
            office_name: m.text(2, "office name")?,
            fields_received: m.texts(3, "fields received")?,
            relay_deleted_at: m.u64(4, "relay deletion time")?,
            office_retains: m.text(5, "office retention")?,
            office_retention_days: m.u32(6, "office retention days")?,
            issued_at: m.u64(7, "issue time")?,
        })
    }
}

impl ReceiptBody {
    /// Checks the receipt against the wallet's own record of its answer before it is
    /// attached (docs/qr-format.md §5): the same form, and every key listed once and shared
    /// by the citizen — a receipt listing a key never requested, declined or unavailable
    /// states something that did not happen.
    pub fn check_against(&self, form_id: &str, shared: &[&str]) -> Result<()> {
        if self.form_id != form_id {
            return Err(Error::invalid(
                KIND,
                format!("it is for form {}, not {form_id}", self.form_id),
            ));
        }
        for (i, key) in self.fields_received.iter().enumerate() {
            if self.fields_received[..i].contains(key) {
                return Err(Error::invalid(KIND, format!("it lists {key} twice")));
            }
            if !shared.contains(&key.as_str()) {
                return Err(Error::invalid(
                    KIND,
                    format!("it lists {key}, which you did not share"),
                ));
            }
        }
        Ok(())
    }
}

/// Signs a receipt; returns the `FDD1:` QR text.
pub fn sign_receipt(key: &OfficeKey, body: &ReceiptBody) -> Result<String> {
    Ok(signed::seal(KIND, key, &body.to_cbor()))
}

/// Checks a receipt's version, signature and signer.
pub fn verify_receipt(text: &str, trusted: &[OfficePublicKey]) -> Result<VerifiedReceipt> {
    let env = signed::open(KIND, text)?;
    env.verify(trusted)?;
    Ok(VerifiedReceipt {
        body: ReceiptBody::from_cbor(env.body_value()?)?,
        office_key: env.signer,
    })
}
