//! Test vectors (tests/vectors.json, quoted in docs/qr-format.md) regenerated from fixed
//! keys, ids and times and compared with the committed file; intermediate values are
//! recomputed here with the primitives directly, as an independent implementation would.
//! `FORMDESK_UPDATE_VECTORS=1 cargo test -p formdesk-protocol vectors` rewrites the file.
//! Also the size table (fields → payload bytes → QR version per EC level) and the bar:
//! a 12-field response fits QR version 10 at EC level M.

use ciborium::Value as Cbor;
use formdesk_protocol::qr::testing::seal_with_wallet_secret;
use formdesk_protocol::qr::{EphemeralSecret, ReceiptBody, RequestedField, Retention};
use formdesk_protocol::render::{qr_version_for, EcLevel};
use formdesk_protocol::{
    match_code, open_response, sign_receipt, sign_request, verify_receipt, verify_request,
    FieldOutcome, OfficeKey, RequestBody, RequestId, RequestSecret,
};
use serde_json::{json, Value};

use crate::util::{profile, registry, request};

const ISSUED: u64 = 1_764_165_600;

fn seq(start: u8) -> [u8; 32] {
    std::array::from_fn(|i| start + i as u8)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Base45 → flag → (inflate) → CBOR bytes, by hand.
fn unframe(text: &str) -> (Vec<u8>, Vec<u8>) {
    let raw = base45::decode(&text[5..]).unwrap();
    let cbor = match raw[0] {
        0 => raw[1..].to_vec(),
        1 => miniz_oxide::inflate::decompress_to_vec(&raw[1..]).unwrap(),
        f => panic!("flag {f}"),
    };
    (raw, cbor)
}

fn envelope_parts(cbor: &[u8]) -> Vec<Vec<u8>> {
    let v: Cbor = ciborium::from_reader(cbor).unwrap();
    v.into_array()
        .unwrap()
        .into_iter()
        .map(|x| x.into_bytes().unwrap())
        .collect()
}

fn vector_request() -> RequestBody {
    let field = |key: &str, label: &str, purpose: &str| RequestedField {
        key: key.into(),
        label: label.into(),
        purpose: purpose.into(),
    };
    RequestBody {
        form_id: "change-of-address".into(),
        form_version: 1,
        form_title: "Change of address".into(),
        lang: "en".into(),
        office_name: "Springfield City Hall".into(),
        desk_label: "Desk 4".into(),
        fields: vec![
            field("person.given_name", "Given name(s)", "To find your record"),
            field("person.family_name", "Family name", "To find your record"),
            field(
                "address.street",
                "Street and number",
                "To close your old address",
            ),
            field("address.postcode", "Postcode", "To close your old address"),
            field(
                "contact.email",
                "E-mail address",
                "To send the confirmation",
            ),
        ],
        retention: Retention {
            relay_deletes_on_delivery: true,
            office_days: 365,
            note: None,
        },
        contact: "privacy@springfield.example".into(),
        request_id: RequestId(std::array::from_fn(|i| (i as u8) * 0x11)),
        nonce: (0..16u8).rev().collect(),
        issued_at: ISSUED,
        expires_at: ISSUED + 600,
        ephemeral_public: EphemeralSecret::from_bytes(seq(0x20)).public_key(),
        template: [
            "person.given_name",
            "person.family_name",
            "person.birth_date",
            "address.street",
            "address.postcode",
            "address.city",
            "contact.email",
            "contact.phone",
        ]
        .map(String::from)
        .to_vec(),
    }
}

fn generate() -> Value {
    let office = OfficeKey::from_seed(seq(0x00));
    let public = office.public_key();
    let key_text = public.to_qr_text("Springfield City Hall");

    let body = vector_request();
    let req_text = sign_request(&office, &body).unwrap();
    let (req_raw, req_cbor) = unframe(&req_text);
    let req_parts = envelope_parts(&req_cbor);

    let window = EphemeralSecret::from_bytes(seq(0x20));
    let wallet = EphemeralSecret::from_bytes(seq(0x40));
    let answers = vec![
        (
            "person.given_name".to_string(),
            FieldOutcome::Shared("Maria".into()),
        ),
        (
            "person.family_name".to_string(),
            FieldOutcome::Shared("van der Berg".into()),
        ),
        (
            "address.street".to_string(),
            FieldOutcome::Shared("Keizersgracht 123".into()),
        ),
        ("address.postcode".to_string(), FieldOutcome::Declined),
        ("contact.email".to_string(), FieldOutcome::Unavailable),
    ];
    let resp_text = seal_with_wallet_secret(&body, &answers, &wallet).unwrap();
    let (resp_raw, resp_cbor) = unframe(&resp_text);
    let resp_ct = resp_cbor[48..].to_vec();
    // Independent key schedule.
    let window_x = x25519_dalek::StaticSecret::from(seq(0x20));
    let wallet_pub = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(seq(0x40)));
    let shared = window_x.diffie_hellman(&wallet_pub);
    let mut info = b"FDA1 key".to_vec();
    info.extend_from_slice(&body.ephemeral_public);
    info.extend_from_slice(wallet_pub.as_bytes());
    let mut okm = [0u8; 44];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(&body.nonce), shared.as_bytes())
        .expand(&info, &mut okm)
        .unwrap();
    let mut aad = b"FDA1".to_vec();
    aad.extend_from_slice(body.request_id.as_bytes());
    aad.extend_from_slice(&body.nonce);
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    let plaintext = chacha20poly1305::ChaCha20Poly1305::new_from_slice(&okm[..32])
        .unwrap()
        .decrypt(
            chacha20poly1305::Nonce::from_slice(&okm[32..]),
            Payload {
                msg: &resp_ct,
                aad: &aad,
            },
        )
        .unwrap();

    let receipt = ReceiptBody {
        request_id: body.request_id,
        form_id: body.form_id.clone(),
        office_name: body.office_name.clone(),
        fields_received: vec![
            "person.given_name".into(),
            "person.family_name".into(),
            "address.street".into(),
        ],
        relay_deleted_at: ISSUED + 95,
        office_retains: "the completed change-of-address form".into(),
        office_retention_days: 365,
        issued_at: ISSUED + 400,
    };
    let receipt_text = sign_receipt(&office, &receipt).unwrap();
    let (rc_raw, rc_cbor) = unframe(&receipt_text);
    let rc_parts = envelope_parts(&rc_cbor);

    json!({
        "format_version": 1,
        "note": "Hex is lowercase. 'frame_hex' is the Base45-decoded text (flag byte + body); 'cbor_hex' the CBOR after inflating (for the response, 'body_hex': request id, wallet key, ciphertext). Deflate output may differ between implementations: compare at the CBOR level.",
        "office_key": {
            "seed_hex": hex(&office.seed()),
            "public_hex": hex(&public.to_bytes()),
            "public_base64url": public.to_base64url(),
            "fingerprint": public.fingerprint(),
            "office_name": "Springfield City Hall",
            "qr_text": key_text,
            "frame_hex": hex(&unframe(&key_text).0),
        },
        "request": {
            "window_secret_hex": hex(&seq(0x20)),
            "window_public_hex": hex(&window.public_key()),
            "body": serde_json::to_value(&body).unwrap(),
            "body_cbor_hex": hex(&req_parts[0]),
            "signed_message_prefix": "FDR1",
            "signature_hex": hex(&req_parts[1]),
            "cbor_hex": hex(&req_cbor),
            "frame_hex": hex(&req_raw),
            "qr_text": req_text,
            "match_code": match_code(&body),
            "verify_at": ISSUED + 60,
        },
        "response": {
            "wallet_secret_hex": hex(&seq(0x40)),
            "wallet_public_hex": hex(&wallet.public_key()),
            "answers": answers.iter().map(|(k, o)| json!({"key": k, "outcome": o})).collect::<Vec<_>>(),
            "shared_secret_hex": hex(shared.as_bytes()),
            "hkdf_info_hex": hex(&info),
            "aead_key_hex": hex(&okm[..32]),
            "aead_nonce_hex": hex(&okm[32..]),
            "aad_hex": hex(&aad),
            "plaintext_cbor_hex": hex(&plaintext),
            "ciphertext_hex": hex(&resp_ct),
            "body_hex": hex(&resp_cbor),
            "frame_hex": hex(&resp_raw),
            "qr_text": resp_text,
        },
        "receipt": {
            "body": serde_json::to_value(&receipt).unwrap(),
            "body_cbor_hex": hex(&rc_parts[0]),
            "signature_hex": hex(&rc_parts[1]),
            "cbor_hex": hex(&rc_cbor),
            "frame_hex": hex(&rc_raw),
            "qr_text": receipt_text,
        },
    })
}

#[test]
fn committed_vectors_match_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors.json");
    let fresh = generate();
    if std::env::var_os("FORMDESK_UPDATE_VECTORS").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&fresh).unwrap() + "\n").unwrap();
    }
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        committed, fresh,
        "tests/vectors.json is stale: rerun with FORMDESK_UPDATE_VECTORS=1"
    );
}

/// Every string of vectors.json (recursively).
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn the_spec_quotes_the_vectors_exactly() {
    // docs/qr-format.md §9: texts and hex are wrapped at 96 characters and joined with
    // nothing between the lines (a line may end in a space that belongs to the text).
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/qr-format.md"
    ))
    .unwrap();
    let spec = &doc[doc.find("## 9. Test vectors").unwrap()..doc.find("## 10.").unwrap()];
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors.json");
    let mut known = Vec::new();
    strings(
        &serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap(),
        &mut known,
    );
    let blocks: Vec<&str> = spec.split("```").skip(1).step_by(2).collect();
    assert_eq!(
        blocks.len(),
        6,
        "office key, request (body, text), answer, receipt (body, text)"
    );
    for block in blocks {
        let lines: Vec<&str> = block
            .trim_start_matches('\n')
            .trim_end_matches('\n')
            .split('\n')
            .collect();
        let (last, full) = lines.split_last().unwrap();
        assert!(
            full.iter().all(|l| l.len() == 96),
            "a wrapped line is not 96 characters"
        );
        assert!(last.len() <= 96 && !last.is_empty());
        let joined = lines.concat();
        assert!(known.contains(&joined), "not in vectors.json: {joined}");
    }
}

#[test]
fn committed_vectors_verify_and_open() {
    let v = generate();
    let office = OfficeKey::from_seed(seq(0x00)).public_key();
    let req = verify_request(
        v["request"]["qr_text"].as_str().unwrap(),
        &[office],
        ISSUED + 60,
    )
    .unwrap();
    assert_eq!(req.body, vector_request());
    let secret = RequestSecret::new(EphemeralSecret::from_bytes(seq(0x20)), &req.body).unwrap();
    let opened = open_response(
        v["response"]["qr_text"].as_str().unwrap(),
        &secret,
        ISSUED + 60,
    )
    .unwrap();
    assert_eq!(opened.outcomes[3].1, FieldOutcome::Declined);
    assert_eq!(opened.outcomes[4].1, FieldOutcome::Unavailable);
    verify_receipt(v["receipt"]["qr_text"].as_str().unwrap(), &[office]).unwrap();
}

#[test]
fn a_later_versions_credential_map_reads_as_a_self_declared_value() {
    let body = vector_request();
    // [ {0: "Maria", 1: h'c0ffee'}, 0, 0, 1, 1 ]
    let cred = Cbor::Map(vec![
        (Cbor::Integer(0.into()), Cbor::Text("Maria".into())),
        (Cbor::Integer(1.into()), Cbor::Bytes(vec![0xc0, 0xff, 0xee])),
    ]);
    let outcomes = vec![cred, 0.into(), 0.into(), 1.into(), 1.into()];
    let plain = Cbor::Array(outcomes);
    let mut bytes = Vec::new();
    ciborium::into_writer(&plain, &mut bytes).unwrap();
    let wallet = EphemeralSecret::from_bytes(seq(0x40));
    let text = formdesk_protocol::qr::testing::seal_with(
        &wallet,
        body.request_id,
        &body.nonce,
        &body.ephemeral_public,
        &bytes,
    )
    .unwrap();
    let secret = RequestSecret::new(EphemeralSecret::from_bytes(seq(0x20)), &body).unwrap();
    let opened = open_response(&text, &secret, ISSUED).unwrap();
    assert_eq!(opened.outcomes[0].1, FieldOutcome::Shared("Maria".into()));
    assert_eq!(
        opened.outcomes[0].2,
        formdesk_protocol::Provenance::SelfDeclared
    );
}

/// Realistic answers for the first `n` keys of the profile (12 = the issue's bar).
fn response_with(n: usize) -> String {
    let p = profile();
    let keys: Vec<&str> = p.iter().take(n).map(|(k, _)| *k).collect();
    let mut body = vector_request();
    body.fields = keys
        .iter()
        .map(|k| RequestedField {
            key: k.to_string(),
            label: String::new(),
            purpose: String::new(),
        })
        .collect();
    body.template = keys.iter().map(|k| k.to_string()).collect();
    let answers: Vec<(String, FieldOutcome)> = p
        .iter()
        .take(n)
        .map(|(k, v)| (k.to_string(), FieldOutcome::Shared(v.to_string())))
        .collect();
    seal_with_wallet_secret(&body, &answers, &EphemeralSecret::from_bytes(seq(0x40))).unwrap()
}

fn versions(text: &str) -> String {
    EcLevel::ALL
        .iter()
        .map(|ec| qr_version_for(text, *ec).map_or("-".into(), |v| v.to_string()))
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn twelve_field_response_fits_version_10_at_m_and_size_table() {
    let twelve = response_with(12);
    let v = qr_version_for(&twelve, EcLevel::M).unwrap();
    println!("12 fields: {} chars, v{v}", twelve.len());
    assert!(v <= 10, "12-field response needs version {v} at M");
    println!("| fields | response payload bytes | text chars | QR version L | M | Q | H |");
    for n in [1, 3, 6, 9, 12, 16, 20, 26] {
        let t = response_with(n);
        let bytes = base45::decode(&t[5..]).unwrap().len();
        println!("| {n} | {bytes} | {} | {} |", t.len(), versions(&t));
    }
    println!("| request (form, fields) | payload bytes | text chars | QR version L | M | Q | H |");
    let reg = registry();
    for form in reg.list() {
        for n in [3, 6, form.template().len()] {
            let keys: Vec<String> = form.template().into_iter().take(n).collect();
            let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
            let (text, _, _) = request(&form.id, &refs, "size");
            let bytes = base45::decode(&text[5..]).unwrap().len();
            println!(
                "| {} ({n}) | {bytes} | {} | {} |",
                form.id,
                text.len(),
                versions(&text)
            );
        }
    }
}
