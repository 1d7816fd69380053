//! The request/response/receipt exchange end to end (texts), and each failure the issues
//! list as its own error variant.

use formdesk_protocol::qr::{sniff, EphemeralSecret, ReceiptBody, RequestParams, CLOCK_SKEW_SECS};
use formdesk_protocol::{
    decode_request_unverified, match_code, open_response, peek_response, seal_response,
    sign_receipt, sign_request, verify_receipt, verify_request, Error, FieldOutcome, OfficeKey,
    Provenance, QrKind, ReplayGuard, RequestBody, RequestSecret,
};

use crate::util::{answers_for, office, registry, request, TestRng, NOW};

const COA: &str = "change-of-address";

#[test]
fn request_response_round_trip_with_a_declined_field() {
    let (text, body, secret) = request(COA, &[], "rt");
    assert!(text.starts_with("FDR1:"));
    let trusted = [office().public_key()];
    let req = verify_request(&text, &trusted, NOW + 30).unwrap();
    assert_eq!(req.body, body);
    assert_eq!(req.body.retention.office_days, 365);
    assert_eq!(
        req.body.fields[0].purpose,
        "To find your record in the population register"
    );
    let mut answers = answers_for(&req.body);
    answers.retain(|(k, _)| k != "contact.phone");
    answers.push(("contact.phone".into(), FieldOutcome::Declined));
    let resp = seal_response(&req, &answers, &mut TestRng::new("wallet")).unwrap();
    assert!(resp.starts_with("FDA1:"));
    assert_eq!(peek_response(&resp).unwrap().request_id, body.request_id);
    let opened = open_response(&resp, &secret, NOW + 60).unwrap();
    assert_eq!(opened.outcomes.len(), body.fields.len());
    for (key, outcome, prov) in &opened.outcomes {
        assert_eq!(*prov, Provenance::SelfDeclared);
        match key.as_str() {
            "contact.phone" => assert_eq!(*outcome, FieldOutcome::Declined),
            "person.given_name" => {
                assert_eq!(*outcome, FieldOutcome::Shared("Maria Johanna".into()))
            }
            _ => assert!(matches!(outcome, FieldOutcome::Shared(_))),
        }
    }
    // Keys in request order.
    let keys: Vec<&str> = opened.outcomes.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(keys, body.keys());
}

#[test]
fn unanswered_keys_arrive_as_unavailable() {
    let (text, _, secret) = request(COA, &["person.given_name", "contact.email"], "ua");
    let req = verify_request(&text, &[office().public_key()], NOW).unwrap();
    let answers = [(
        "person.given_name".to_string(),
        FieldOutcome::Shared("Ann".into()),
    )];
    let resp = seal_response(&req, &answers, &mut TestRng::new("w")).unwrap();
    let opened = open_response(&resp, &secret, NOW).unwrap();
    assert_eq!(opened.outcomes[1].1, FieldOutcome::Unavailable);
}

#[test]
fn matching_code_is_shared_by_desk_and_wallet_and_differs_between_requests() {
    let (text, body, _) = request(COA, &[], "m1");
    let req = verify_request(&text, &[office().public_key()], NOW).unwrap();
    let code = match_code(&body);
    assert_eq!(code, match_code(&req));
    assert_eq!(code.len(), 3);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    let others: Vec<String> = (0..5)
        .map(|i| match_code(&request(COA, &[], &format!("o{i}")).1))
        .collect();
    assert!(others.iter().any(|c| *c != code), "{code} vs {others:?}");
}

#[test]
fn tampered_signature_is_bad_signature() {
    let (_, body, _) = request(COA, &[], "t");
    let mut text = sign_request(&office(), &body).unwrap();
    // Flip characters inside the signature region until the code still decodes.
    let mut found = false;
    for i in (text.len() - 120)..(text.len() - 60) {
        let mut t = text.clone().into_bytes();
        t[i] = if t[i] == b'0' { b'1' } else { b'0' };
        let t = String::from_utf8(t).unwrap();
        if let Err(Error::BadSignature {
            kind: QrKind::Request,
        }) = verify_request(&t, &[office().public_key()], NOW)
        {
            found = true;
            text = t;
            break;
        }
    }
    assert!(found, "no tampering gave BadSignature");
    assert!(!decode_request_unverified(&text)
        .map(|u| u.signature_valid)
        .unwrap_or(false));
}

#[test]
fn altered_body_fails_the_signature() {
    let (_, mut body, _) = request(COA, &[], "ab");
    let good = sign_request(&office(), &body).unwrap();
    body.office_name = "Evil Bank".into();
    let evil = sign_request(&OfficeKey::from_seed([9; 32]), &body).unwrap();
    // Graft the evil body onto the good signature and key: decode both, swap bodies.
    let g = decode_request_unverified(&good).unwrap();
    assert!(g.signature_valid);
    let e = verify_request(&evil, &[office().public_key()], NOW).unwrap_err();
    assert!(matches!(e, Error::UntrustedOfficeKey { .. }), "{e}");
    assert!(e.to_string().contains("not trusted"));
}

#[test]
fn wrong_office_key_is_untrusted() {
    let (text, _, _) = request(COA, &[], "wk");
    let other = OfficeKey::from_seed([0x22; 32]).public_key();
    let err = verify_request(&text, &[other], NOW).unwrap_err();
    assert!(matches!(err, Error::UntrustedOfficeKey { .. }), "{err}");
}

#[test]
fn expired_and_future_requests_are_refused() {
    let (text, body, secret) = request(COA, &[], "ex");
    let trusted = [office().public_key()];
    let late = body.expires_at + CLOCK_SKEW_SECS + 1;
    assert!(matches!(
        verify_request(&text, &trusted, late),
        Err(Error::Expired { .. })
    ));
    assert!(
        verify_request(&text, &trusted, body.expires_at + 10).is_ok(),
        "skew tolerated"
    );
    let early = NOW - CLOCK_SKEW_SECS - 1;
    assert!(matches!(
        verify_request(&text, &trusted, early),
        Err(Error::NotYetValid { .. })
    ));
    let req = verify_request(&text, &trusted, NOW).unwrap();
    let resp = seal_response(&req, &answers_for(&req.body), &mut TestRng::new("w")).unwrap();
    let err = open_response(&resp, &secret, body.expires_at + 1).unwrap_err();
    assert!(matches!(err, Error::Expired { .. }), "{err}");
}

#[test]
fn response_for_another_window_key_is_wrong_key() {
    let (text, body, _) = request(COA, &[], "wr");
    let req = verify_request(&text, &[office().public_key()], NOW).unwrap();
    let resp = seal_response(&req, &answers_for(&req.body), &mut TestRng::new("w")).unwrap();
    let impostor = RequestSecret {
        ephemeral: EphemeralSecret::from_bytes([0x33; 32]),
        request_id: body.request_id,
        nonce: body.nonce.clone(),
        requested: body.keys().iter().map(|k| k.to_string()).collect(),
        expires_at: body.expires_at,
    };
    let err = open_response(&resp, &impostor, NOW).unwrap_err();
    assert!(matches!(err, Error::WrongKey), "{err}");
    assert!(err.to_string().contains("made for another request"));
    // A response to another request is named as such before any decryption.
    let (_, _, other_secret) = request(COA, &[], "other");
    assert!(matches!(
        open_response(&resp, &other_secret, NOW),
        Err(Error::OtherRequest { .. })
    ));
}

#[test]
fn replayed_response_is_refused_by_the_guard() {
    let (text, body, secret) = request(COA, &[], "rp");
    let req = verify_request(&text, &[office().public_key()], NOW).unwrap();
    let resp = seal_response(&req, &answers_for(&req.body), &mut TestRng::new("w")).unwrap();
    let mut guard = ReplayGuard::default();
    let opened = open_response(&resp, &secret, NOW).unwrap();
    guard
        .accept(opened.request_id, body.expires_at, NOW)
        .unwrap();
    let again = open_response(&resp, &secret, NOW + 5).unwrap();
    let err = guard
        .accept(again.request_id, body.expires_at, NOW + 5)
        .unwrap_err();
    assert!(matches!(err, Error::Replayed { .. }), "{err}");
}

#[test]
fn extra_unrequested_keys_are_refused_when_sealing() {
    let (text, _, _) = request(COA, &["person.given_name"], "xk");
    let req = verify_request(&text, &[office().public_key()], NOW).unwrap();
    let answers = vec![
        (
            "person.given_name".to_string(),
            FieldOutcome::Shared("Ann".into()),
        ),
        (
            "bank.iban".to_string(),
            FieldOutcome::Shared("NL91ABNA0417164300".into()),
        ),
    ];
    let err = seal_response(&req, &answers, &mut TestRng::new("w")).unwrap_err();
    assert!(
        matches!(err, Error::UnrequestedKey { ref key } if key == "bank.iban"),
        "{err}"
    );
}

#[test]
fn a_key_outside_the_signed_template_is_refused_by_the_wallet() {
    let (_, mut body, _) = request(COA, &["person.given_name"], "ot");
    // A rogue relay signs a request whose field list names a key not in the template.
    body.fields.push(formdesk_protocol::qr::RequestedField {
        key: "bank.iban".into(),
        label: "IBAN".into(),
        purpose: "refund".into(),
    });
    assert!(matches!(
        sign_request(&office(), &body),
        Err(Error::Build(_))
    ));
    let text = rogue_sign(&body);
    let err = verify_request(&text, &[office().public_key()], NOW).unwrap_err();
    assert!(
        matches!(err, Error::KeyOutsideTemplate { ref key } if key == "bank.iban"),
        "{err}"
    );
}

/// A rule-breaking request, signed with the trusted key (what a compromised relay could do).
fn rogue_sign(body: &RequestBody) -> String {
    formdesk_protocol::qr::testing::sign_request_unchecked(&office(), body)
}

#[test]
fn truncated_garbage_and_wrong_kind_payloads_are_distinct_errors() {
    let (text, _, _) = request(COA, &[], "tg");
    let trusted = [office().public_key()];
    let cut = &text[..text.len() / 2];
    let cut = if (cut.len() - 5) % 3 == 1 {
        &cut[..cut.len() - 1]
    } else {
        cut
    };
    let err = verify_request(cut, &trusted, NOW).unwrap_err();
    assert!(matches!(err, Error::Truncated { .. }), "{err}");
    assert!(matches!(
        verify_request(&text[..text.len() - 1], &trusted, NOW),
        Err(Error::Truncated { .. }) | Err(Error::Malformed { .. })
    ));
    assert!(matches!(
        verify_request("FDR1:hello world", &trusted, NOW),
        Err(Error::Malformed { .. })
    ));
    assert!(matches!(
        verify_request("FDR1:ZZZZZZ", &trusted, NOW),
        Err(Error::Malformed { .. })
    ));
    assert!(matches!(
        verify_request("https://example.org", &trusted, NOW),
        Err(Error::BadPrefix)
    ));
    assert!(matches!(peek_response(&text), Err(Error::WrongKind { .. })));
    assert!(matches!(
        peek_response("FDA1:"),
        Err(Error::Truncated { .. })
    ));
}

#[test]
fn unknown_versions_say_update_needed() {
    let (text, _, _) = request(COA, &[], "v");
    let v2 = text.replacen("FDR1:", "FDR2:", 1);
    let err = verify_request(&v2, &[office().public_key()], NOW).unwrap_err();
    assert!(matches!(
        err,
        Error::UnsupportedVersion {
            kind: QrKind::Request,
            found: '2',
            supported: 1
        }
    ));
    assert!(err.to_string().contains("update"), "{err}");
    assert_eq!(sniff(&v2), Some((QrKind::Request, '2')));
    let err = peek_response("FDA9:00000").unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnsupportedVersion {
                kind: QrKind::Response,
                ..
            }
        ),
        "{err}"
    );
    assert!(matches!(
        verify_receipt("FDD0:000", &[]),
        Err(Error::UnsupportedVersion { .. })
    ));
}

#[test]
fn receipts_verify_and_tampered_ones_fail() {
    let body = ReceiptBody {
        request_id: request(COA, &[], "rc").1.request_id,
        form_id: COA.into(),
        office_name: "Springfield City Hall".into(),
        fields_received: vec!["person.given_name".into(), "address.street".into()],
        relay_deleted_at: NOW + 90,
        office_retains: "the completed change-of-address form".into(),
        office_retention_days: 365,
        issued_at: NOW + 300,
    };
    let text = sign_receipt(&office(), &body).unwrap();
    assert!(text.starts_with("FDD1:"));
    let v = verify_receipt(&text, &[office().public_key()]).unwrap();
    assert_eq!(v.body, body);
    let forged = sign_receipt(&OfficeKey::from_seed([5; 32]), &body).unwrap();
    assert!(matches!(
        verify_receipt(&forged, &[office().public_key()]),
        Err(Error::UntrustedOfficeKey { .. })
    ));
    let mut tampered = None;
    for i in 10..text.len() - 100 {
        let mut t = text.clone().into_bytes();
        t[i] = if t[i] == b'A' { b'B' } else { b'A' };
        let t = String::from_utf8(t).unwrap();
        if let Err(e @ Error::BadSignature { .. }) = verify_receipt(&t, &[office().public_key()]) {
            tampered = Some(e);
            break;
        }
    }
    assert!(
        tampered.is_some(),
        "no single-character change gave BadSignature"
    );
}

#[test]
fn window_secret_must_match_the_relays_request() {
    let reg = registry();
    let form = reg.get(COA).unwrap();
    let mut rng = TestRng::new("ws");
    let eph = RequestSecret::generate(&mut rng);
    let params = RequestParams {
        office_name: "O".into(),
        desk_label: "D".into(),
        contact: "c@example.org".into(),
        ephemeral_public: [7; 32],
        now: NOW,
        ttl_minutes: 5,
    };
    let body = RequestBody::for_form(form, &[], params, &mut rng).unwrap();
    assert!(matches!(
        RequestSecret::new(eph, &body),
        Err(Error::Build(_))
    ));
    let text = sign_request(&office(), &body).unwrap();
    let eph2 = EphemeralSecret::from_bytes([1; 32]);
    assert!(RequestSecret::from_request_text(eph2, &text).is_err());
}
