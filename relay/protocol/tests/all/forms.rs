//! The shipped forms: each loads, accepts a valid example, and rejects each kind of invalid
//! value (missing required, bad date, bad e-mail, bad IBAN, bad postcode, value not among
//! the choices) with a message naming the field.

use formdesk_protocol::{Error, FormDef, FormRegistry};
use serde_json::{json, Value};

use crate::util::registry;

fn change_of_address() -> Value {
    json!({
        "given_name": "Maria", "family_name": "van der Berg", "birth_date": "1987-04-12",
        "old_street": "Keizersgracht 123", "old_postcode": "1015 CJ", "old_city": "Amsterdam",
        "new_street": "Dorpsstraat 5", "new_postcode": "3511AB", "new_city": "Utrecht",
        "move_date": "2025-12-01", "housing": "rent", "email": "maria@example.nl",
        "phone": "+31 6 1234 5678", "consent_letter": true
    })
}

fn account_opening() -> Value {
    json!({
        "given_name": "Maria", "family_name": "van der Berg", "birth_date": "1987-04-12",
        "birth_place": "Utrecht", "nationality": "NL", "street": "Keizersgracht 123",
        "postcode": "1015 CJ", "city": "Amsterdam", "country": "NL",
        "email": "maria@example.nl", "phone": "+31612345678", "document_type": "passport",
        "document_number": "NXC4D7K92", "document_expiry": "2031-08-30",
        "existing_iban": "NL91ABNA0417164300", "occupation": "employed",
        "source_of_funds": "salary", "expected_monthly": "1k-5k", "pep": false
    })
}

fn patient_intake() -> Value {
    json!({
        "given_name": "Maria", "family_name": "van der Berg", "birth_date": "1987-04-12",
        "sex": "female", "street": "Keizersgracht 123", "postcode": "1015 CJ",
        "city": "Amsterdam", "phone": "+31 6 1234 5678", "insurer": "Zilveren Kruis",
        "insurance_number": "123456789", "allergies": "penicillin",
        "emergency_name": "Johan van der Berg", "emergency_phone": "+31 6 8765 4321",
        "emergency_relation": "partner"
    })
}

fn with(mut v: Value, field: &str, value: Value) -> Value {
    v[field] = value;
    v
}

fn without(mut v: Value, field: &str) -> Value {
    v.as_object_mut().unwrap().remove(field);
    v
}

/// `data` is rejected with an error on `field` whose message names the field's label and
/// name and contains `needle`.
fn assert_rejected(form: &FormDef, data: &Value, field: &str, needle: &str) {
    let err = form.validate(data).expect_err("must be rejected");
    let fe = err
        .for_field(field)
        .unwrap_or_else(|| panic!("no error for {field}: {err:?}"));
    let label = &form.field(field).unwrap().label;
    assert!(
        fe.message.contains(field) && fe.message.contains(label.as_str()),
        "{}",
        fe.message
    );
    assert!(
        fe.message.contains(needle),
        "{:?} lacks {needle:?}",
        fe.message
    );
}

#[test]
fn the_three_shipped_forms_load_with_templates() {
    let reg = registry();
    let ids: Vec<&str> = reg.list().iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        ids,
        ["account-opening-kyc", "change-of-address", "patient-intake"]
    );
    for f in reg.list() {
        assert!(!f.template().is_empty());
        assert!(
            f.layout.iter().flat_map(|s| &s.fields).count() == f.fields.len(),
            "{}",
            f.id
        );
    }
    assert!(reg
        .get("account-opening-kyc")
        .unwrap()
        .template()
        .contains(&"bank.iban".to_string()));
}

#[test]
fn valid_examples_are_accepted() {
    let reg = registry();
    reg.get("change-of-address")
        .unwrap()
        .validate(&change_of_address())
        .unwrap();
    reg.get("account-opening-kyc")
        .unwrap()
        .validate(&account_opening())
        .unwrap();
    reg.get("patient-intake")
        .unwrap()
        .validate(&patient_intake())
        .unwrap();
}

#[test]
fn change_of_address_rejects_each_kind_of_bad_value() {
    let reg = registry();
    let f = reg.get("change-of-address").unwrap();
    let ok = change_of_address();
    assert_rejected(
        f,
        &without(ok.clone(), "family_name"),
        "family_name",
        "is required",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "move_date", json!("12/01/2025")),
        "move_date",
        "YYYY-MM-DD",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "birth_date", json!("1987-02-30")),
        "birth_date",
        "date",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "email", json!("maria.example.nl")),
        "email",
        "e-mail",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "new_postcode", json!("ABC 123")),
        "new_postcode",
        "1234 AB",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "housing", json!("castle")),
        "housing",
        "Rented",
    );
    assert_rejected(f, &with(ok, "given_name", json!("")), "given_name", "empty");
}

#[test]
fn account_opening_rejects_each_kind_of_bad_value() {
    let reg = registry();
    let f = reg.get("account-opening-kyc").unwrap();
    let ok = account_opening();
    assert_rejected(
        f,
        &without(ok.clone(), "existing_iban"),
        "existing_iban",
        "is required",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "existing_iban", json!("NL91 ABNA 0417")),
        "existing_iban",
        "IBAN",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "document_expiry", json!("2031-13-01")),
        "document_expiry",
        "date",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "email", json!("maria@")),
        "email",
        "e-mail",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "postcode", json!("1015")),
        "postcode",
        "postcode",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "occupation", json!("pirate")),
        "occupation",
        "Self-employed",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "source_of_funds", json!("lottery")),
        "source_of_funds",
        "Savings",
    );
    assert_rejected(f, &with(ok, "pep", json!("no")), "pep", "type");
}

#[test]
fn patient_intake_rejects_each_kind_of_bad_value() {
    let reg = registry();
    let f = reg.get("patient-intake").unwrap();
    let ok = patient_intake();
    assert_rejected(
        f,
        &without(ok.clone(), "allergies"),
        "allergies",
        "is required",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "birth_date", json!("yesterday")),
        "birth_date",
        "YYYY-MM-DD",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "email", json!("not an address")),
        "email",
        "e-mail",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "insurance_number", json!("12-34")),
        "insurance_number",
        "digits",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "postcode", json!("99999")),
        "postcode",
        "postcode",
    );
    assert_rejected(
        f,
        &with(ok.clone(), "emergency_relation", json!("boss")),
        "emergency_relation",
        "Partner",
    );
}

#[test]
fn every_problem_is_reported_at_once_and_unknown_fields_are_named() {
    let reg = registry();
    let f = reg.get("patient-intake").unwrap();
    let bad = with(
        with(without(patient_intake(), "phone"), "email", json!("x")),
        "shoe_size",
        json!("42"),
    );
    let err = f.validate(&bad).unwrap_err();
    for field in ["phone", "email", "shoe_size"] {
        assert!(err.for_field(field).is_some(), "{field}: {err}");
    }
    assert!(
        err.to_string()
            .contains("shoe_size: is not a field of this form"),
        "{err}"
    );
}

#[test]
fn broken_definitions_are_refused_with_a_reason() {
    let text =
        std::fs::read_to_string(crate::util::forms_dir().join("change-of-address.json")).unwrap();
    let broken = text.replace(
        "\"prefill\": \"contact.email\"",
        "\"prefill\": \"contact.pigeon\"",
    );
    let err = FormDef::from_json_str(&broken).unwrap_err();
    assert!(err.to_string().contains("contact.pigeon"), "{err}");
    let broken = text.replace("\"rent\", \"lodger\"", "\"rent\"");
    assert!(matches!(
        FormDef::from_json_str(&broken),
        Err(Error::FormDefinition { .. })
    ));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), &text).unwrap();
    std::fs::write(dir.path().join("b.json"), &text).unwrap();
    let err = FormRegistry::load_dir(dir.path()).unwrap_err();
    assert!(err.to_string().contains("two forms have this id"), "{err}");
    let def = FormDef::from_json_str(&text).unwrap();
    let back = FormDef::from_json_str(&serde_json::to_string(&def).unwrap()).unwrap();
    assert_eq!(back.fields, def.fields);
}

#[test]
fn every_vocabulary_key_is_documented_in_forms_md() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/forms.md"))
        .unwrap();
    for e in formdesk_protocol::vocab::VOCABULARY {
        assert!(
            doc.contains(&format!("| `{}` |", e.key)),
            "{} missing from docs/forms.md",
            e.key
        );
    }
}
