//! The shared citizen-data vocabulary: the keys a form may ask a wallet for, each with an
//! English label and a value kind. Form fields map to these keys (`prefill`), requests carry
//! only keys, and wallets store their profile under them. docs/forms.md lists them all and
//! `vocabulary.json` (next to this crate's Cargo.toml) carries them to the phone web apps;
//! the table here is the source of truth (tests keep both in step).

use serde::{Deserialize, Serialize};

/// What kind of value a key holds, so a wallet can pick an input and a desk a format check.
/// All values travel as UTF-8 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// Free text (names, street, occupation…).
    Text,
    /// A calendar date, ISO 8601 `YYYY-MM-DD`.
    Date,
    /// An e-mail address.
    Email,
    /// A phone number, international form preferred (`+31 6 1234 5678`).
    Phone,
    /// An ISO 3166-1 alpha-2 country code (`NL`, `DE`).
    Country,
    /// A postal code (format depends on the country).
    Postcode,
    /// An International Bank Account Number without spaces.
    Iban,
    /// One of a fixed set of codes (listed in the form's choices).
    Code,
}

/// One vocabulary key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VocabEntry {
    /// Dotted key, `group.name`: `person.given_name`.
    pub key: &'static str,
    /// English label, the fallback when a form gives no label in its language.
    pub label: &'static str,
    pub kind: ValueKind,
}

const fn e(key: &'static str, label: &'static str, kind: ValueKind) -> VocabEntry {
    VocabEntry { key, label, kind }
}

use ValueKind::*;

/// Every key, grouped by prefix. New keys are appended; keys are never renamed (wallet
/// profiles and signed templates refer to them).
pub const VOCABULARY: &[VocabEntry] = &[
    e("person.given_name", "Given name(s)", Text),
    e("person.family_name", "Family name", Text),
    e("person.birth_date", "Date of birth", Date),
    e("person.birth_place", "Place of birth", Text),
    e("person.nationality", "Nationality", Country),
    e("person.sex", "Sex", Code),
    e("person.occupation", "Occupation", Text),
    e("address.street", "Street and number", Text),
    e("address.postcode", "Postcode", Postcode),
    e("address.city", "City", Text),
    e("address.country", "Country", Country),
    e("contact.email", "E-mail address", Email),
    e("contact.phone", "Phone number", Phone),
    e("id.document_type", "Identity document type", Code),
    e("id.document_number", "Identity document number", Text),
    e("id.document_expiry", "Identity document expiry date", Date),
    e("id.national_number", "National identification number", Text),
    e("tax.id", "Tax identification number", Text),
    e("bank.iban", "IBAN (bank account)", Iban),
    e("bank.account_holder", "Account holder name", Text),
    e("health.insurer", "Health insurer", Text),
    e("health.insurance_number", "Health insurance number", Text),
    e("health.allergies", "Known allergies", Text),
    e("health.medication", "Current medication", Text),
    e("health.gp_name", "General practitioner", Text),
    e("emergency.name", "Emergency contact name", Text),
    e("emergency.phone", "Emergency contact phone", Phone),
    e("emergency.relation", "Emergency contact relationship", Text),
];

/// The entry for `key`, if it is a vocabulary key.
pub fn lookup(key: &str) -> Option<&'static VocabEntry> {
    VOCABULARY.iter().find(|e| e.key == key)
}

/// Whether `key` is a vocabulary key.
pub fn is_known(key: &str) -> bool {
    lookup(key).is_some()
}

/// Syntax of a key even when this build does not know it (newer vocabularies): lowercase
/// ASCII words joined by one dot, at most 64 bytes.
pub fn is_well_formed(key: &str) -> bool {
    let ok_part = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    key.len() <= 64 && {
        let parts: Vec<&str> = key.split('.').collect();
        parts.len() >= 2 && parts.iter().all(|p| ok_part(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_well_formed() {
        for (i, a) in VOCABULARY.iter().enumerate() {
            assert!(is_well_formed(a.key), "{}", a.key);
            assert!(
                VOCABULARY[i + 1..].iter().all(|b| b.key != a.key),
                "{}",
                a.key
            );
        }
        assert!(!is_well_formed("Person.Name"));
        assert!(!is_well_formed("person"));
        assert_eq!(lookup("bank.iban").unwrap().kind, ValueKind::Iban);
    }

    /// The web apps read labels from `vocabulary.json`: it must be this table, exactly.
    /// After changing the table, `FORMDESK_BLESS=1 cargo test -p formdesk-protocol vocab`
    /// rewrites the file.
    #[test]
    fn vocabulary_json_is_this_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vocabulary.json");
        let want = serde_json::to_string_pretty(VOCABULARY).unwrap() + "\n";
        if std::env::var_os("FORMDESK_BLESS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "{path} differs from VOCABULARY: run FORMDESK_BLESS=1 cargo test -p formdesk-protocol vocab"
        );
    }
}
