//! The real `formdesk-wallet` binary against request, key and receipt QR images rendered by
//! formdesk-protocol, as a desk would show them: trust, inspect, respond (profile, --set,
//! --decline), receipt (genuine and tampered), history, and the version message.

mod common;

use common::*;
use formdesk_protocol::qr::{ReceiptBody, RequestedField};
use formdesk_protocol::{match_code, sign_receipt, sign_request, FieldOutcome, OfficeKey};

#[test]
fn trust_and_inspect_show_who_asks_what_and_why() {
    let desk = Desk::new();
    let (png, body, _) = desk.request("change-of-address", &KEYS, now());
    let out = desk.wallet(&["inspect", png.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not trusted"), "{}", stderr(&out));
    assert!(stdout(&out).contains("NOT ACCEPTED"));

    desk.trust_office();
    let list = stdout(&desk.wallet(&["trust", "list"]));
    assert!(list.contains("Springfield City Hall"), "{list}");
    let out = desk.wallet(&["inspect", png.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    for needle in [
        "Springfield City Hall",
        "Desk 4",
        "Change of address",
        "valid, trusted office key",
        "contact.email",
        "To send you the confirmation of your new registration",
        "kept by the office for 365 days",
        "privacy@springfield.example",
    ] {
        assert!(text.contains(needle), "{needle} missing in:\n{text}");
    }
    assert!(
        text.contains(&format!("MATCHING CODE:  {}", match_code(&body))),
        "{text}"
    );
}

#[test]
fn respond_fills_from_profile_declines_and_saves_new_values_without_logging_them() {
    let desk = Desk::new();
    desk.trust_office();
    let (png, body, secret) = desk.request("change-of-address", &KEYS, now());
    let profile = desk.path("profile.json");
    std::fs::write(&profile, r#"{"person.given_name": "Maria", "person.family_name": "van der Berg", "contact.phone": "+31 6 1234 5678"}"#).unwrap();
    let out_png = desk.path("response.png");
    let out = desk.wallet(&[
        "respond",
        png.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
        "--out",
        out_png.to_str().unwrap(),
        "--set",
        "contact.email=maria@example.nl",
        "--decline",
        "contact.phone",
        "--yes",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("3 of 4 fields shared"),
        "{}",
        stdout(&out)
    );

    let got = outcomes(&out_png, &secret);
    assert_eq!(
        got[0],
        (
            "person.given_name".into(),
            FieldOutcome::Shared("Maria".into())
        )
    );
    assert_eq!(
        got[2],
        (
            "contact.email".into(),
            FieldOutcome::Shared("maria@example.nl".into())
        )
    );
    assert_eq!(got[3], ("contact.phone".into(), FieldOutcome::Declined));

    let saved = std::fs::read_to_string(&profile).unwrap();
    assert!(saved.contains("maria@example.nl"), "{saved}");
    let history = std::fs::read_to_string(desk.path("home/history.json")).unwrap();
    assert!(history.contains(&body.request_id.to_hex()) && history.contains("declined"));
    for value in ["Maria", "van der Berg", "maria@example.nl", "1234 5678"] {
        assert!(!history.contains(value), "history holds the value {value}");
    }
    let h = stdout(&desk.wallet(&["history"]));
    assert!(
        h.contains("shared 3, declined 1, unavailable 0") && h.contains("deletion not confirmed"),
        "{h}"
    );
}

#[test]
fn respond_without_a_value_and_without_a_terminal_says_what_to_pass() {
    let desk = Desk::new();
    desk.trust_office();
    let (png, _, _) = desk.request("change-of-address", &KEYS, now());
    let out_png = desk.path("response.png");
    let out = desk.wallet(&[
        "respond",
        png.to_str().unwrap(),
        "--out",
        out_png.to_str().unwrap(),
        "--yes",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--set person.given_name=VALUE"),
        "{}",
        stderr(&out)
    );
    assert!(!out_png.exists());
    let out = desk.wallet(&[
        "respond",
        png.to_str().unwrap(),
        "--out",
        out_png.to_str().unwrap(),
        "--set",
        "bank.iban=NL91ABNA0417164300",
        "--yes",
    ]);
    assert!(
        stderr(&out).contains("bank.iban is not requested"),
        "{}",
        stderr(&out)
    );
    let all: Vec<String> = KEYS.iter().map(|k| format!("--set={k}=x")).collect();
    let mut args = vec![
        "respond",
        png.to_str().unwrap(),
        "--out",
        out_png.to_str().unwrap(),
    ];
    args.extend(all.iter().map(String::as_str));
    let out = desk.wallet(&args);
    assert!(stderr(&out).contains("consent needed"), "{}", stderr(&out));
}

#[test]
fn a_request_outside_the_signed_template_is_refused() {
    let desk = Desk::new();
    desk.trust_office();
    let (_, mut body, _) = desk.request("change-of-address", &KEYS, now());
    body.fields.push(RequestedField {
        key: "bank.iban".into(),
        label: "IBAN".into(),
        purpose: "refund".into(),
    });
    let text = formdesk_protocol::qr::testing::sign_request_unchecked(&office(), &body);
    let png = desk.png("rogue.png", &text);
    let out = desk.wallet(&[
        "respond",
        png.to_str().unwrap(),
        "--out",
        desk.path("r.png").to_str().unwrap(),
        "--yes",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not part of the form's template"),
        "{}",
        stderr(&out)
    );
}

/// A trusting wallet that answered a patient-intake request for the given name (Ann) and
/// the allergies (as `allergies` says).
fn answered_intake(allergies: &[&str]) -> (Desk, formdesk_protocol::RequestBody) {
    let desk = Desk::new();
    desk.trust_office();
    let (png, body, _) = desk.request(
        "patient-intake",
        &["person.given_name", "health.allergies"],
        now(),
    );
    let resp = desk.path("resp.png");
    let mut args = vec![
        "respond",
        png.to_str().unwrap(),
        "--out",
        resp.to_str().unwrap(),
        "--set",
        "person.given_name=Ann",
    ];
    args.extend_from_slice(allergies);
    args.push("--yes");
    let out = desk.wallet(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    (desk, body)
}

#[test]
fn receipts_attach_to_history_and_tampered_ones_are_rejected() {
    let (desk, body) = answered_intake(&["--set", "health.allergies=none"]);
    let receipt = ReceiptBody {
        request_id: body.request_id,
        form_id: body.form_id.clone(),
        office_name: body.office_name.clone(),
        fields_received: vec!["person.given_name".into(), "health.allergies".into()],
        relay_deleted_at: now(),
        office_retains: "the completed registration form".into(),
        office_retention_days: 5475,
        issued_at: now(),
    };
    let text = sign_receipt(&office(), &receipt).unwrap();
    let forged = sign_receipt(&OfficeKey::from_seed([1; 32]), &receipt).unwrap();
    let out = desk.wallet(&["receipt", desk.png("forged.png", &forged).to_str().unwrap()]);
    assert!(
        !out.status.success() && stderr(&out).contains("not trusted"),
        "{}",
        stderr(&out)
    );
    let tampered = tamper(&text);
    let out = desk.wallet(&[
        "receipt",
        desk.png("tampered.png", &tampered).to_str().unwrap(),
    ]);
    assert!(
        !out.status.success() && stderr(&out).contains("signature"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&desk.wallet(&["history"])).contains("deletion not confirmed"));

    let out = desk.wallet(&["receipt", desk.png("receipt.png", &text).to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let h = stdout(&desk.wallet(&["history"]));
    assert!(
        h.contains("deletion confirmed") && h.contains("5475 days"),
        "{h}"
    );
    assert!(!h.contains("deletion not confirmed"), "{h}");
}

#[test]
fn a_receipt_listing_a_field_not_shared_is_refused_and_not_attached() {
    let (desk, body) = answered_intake(&["--decline", "health.allergies"]);
    let receipt = |fields: &[&str]| {
        let r = ReceiptBody {
            request_id: body.request_id,
            form_id: body.form_id.clone(),
            office_name: body.office_name.clone(),
            fields_received: fields.iter().map(|f| f.to_string()).collect(),
            relay_deleted_at: now(),
            office_retains: "the completed registration form".into(),
            office_retention_days: 30,
            issued_at: now(),
        };
        let name = format!("receipt-{}.png", fields.len());
        desk.png(&name, &sign_receipt(&office(), &r).unwrap())
    };
    for (fields, named) in [
        (
            &["person.given_name", "health.allergies"][..],
            "health.allergies",
        ),
        (
            &["person.given_name", "person.birth_date"][..],
            "person.birth_date",
        ),
    ] {
        let out = desk.wallet(&["receipt", receipt(fields).to_str().unwrap()]);
        let err = stderr(&out);
        assert!(!out.status.success(), "{err}");
        assert!(
            err.contains(named) && err.contains("did not share"),
            "{err}"
        );
        assert!(stdout(&desk.wallet(&["history"])).contains("deletion not confirmed"));
    }
    let out = desk.wallet(&["receipt", receipt(&["person.given_name"]).to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&desk.wallet(&["history"])).contains("deletion not confirmed"));
}

/// One character changed so that the code still decodes but the signature fails.
fn tamper(text: &str) -> String {
    let trusted = [office().public_key()];
    for i in 10..text.len() {
        let mut b = text.as_bytes().to_vec();
        b[i] = if b[i] == b'A' { b'B' } else { b'A' };
        let t = String::from_utf8(b).unwrap();
        if matches!(
            formdesk_protocol::verify_receipt(&t, &trusted),
            Err(formdesk_protocol::Error::BadSignature { .. })
        ) {
            return t;
        }
    }
    panic!("no tampering found");
}

#[test]
fn old_or_new_versions_and_expired_requests_get_clear_messages() {
    let desk = Desk::new();
    desk.trust_office();
    let (_, body, _) = desk.request("change-of-address", &KEYS, now());
    let text = sign_request(&office(), &body)
        .unwrap()
        .replacen("FDR1:", "FDR2:", 1);
    let out = desk.wallet(&["inspect", desk.png("v2.png", &text).to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("version 2") && stderr(&out).contains("update"),
        "{}",
        stderr(&out)
    );
    let (png, _, _) = desk.request("change-of-address", &KEYS, now() - 3600);
    let out = desk.wallet(&["inspect", png.to_str().unwrap()]);
    assert!(
        !out.status.success() && stderr(&out).contains("expired"),
        "{}",
        stderr(&out)
    );
}
