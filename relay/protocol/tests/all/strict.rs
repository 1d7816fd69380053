//! The strict reading rules of docs/qr-format.md §1 (issue 14, items 10-13): signed and
//! sealed bodies must be deterministic CBOR, nothing may follow the compressed data, unknown
//! keys may nest up to the stated depth, and the points the spec used to leave open (version
//! characters, error classes, the retention note) behave as the spec now says.

use ciborium::Value as Cbor;
use formdesk_protocol::qr::testing::{seal_bytes, seal_with};
use formdesk_protocol::qr::{EphemeralSecret, QrKind};
use formdesk_protocol::{open_response, verify_request, Error, OfficeKey, RequestSecret};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn seq(start: u8) -> [u8; 32] {
    std::array::from_fn(|i| start + i as u8)
}

fn office() -> OfficeKey {
    OfficeKey::from_seed(seq(0))
}

/// The test vector request's body bytes, and the time it verifies at.
fn vector_body() -> (Vec<u8>, u64) {
    let v = vectors();
    let body = unhex(v["request"]["body_cbor_hex"].as_str().unwrap());
    (body, v["request"]["verify_at"].as_u64().unwrap())
}

/// Signs `body` correctly and reads it back as a wallet would.
fn verify_signed(body: &[u8]) -> Result<(), Error> {
    let (_, at) = vector_body();
    let text = seal_bytes(QrKind::Request, &office(), body);
    verify_request(&text, &[office().public_key()], at).map(|_| ())
}

fn malformed_because(r: Result<(), Error>, why: &str) {
    match r {
        Err(Error::Malformed { reason, .. }) => assert!(reason.contains(why), "{reason}"),
        other => panic!("expected malformed ({why}), got {other:?}"),
    }
}

/// The vector body as a list of map entries, to rebuild it with changes.
fn entries() -> Vec<(Cbor, Cbor)> {
    let (body, _) = vector_body();
    let v: Cbor = ciborium::from_reader(&body[..]).unwrap();
    v.into_map().unwrap()
}

fn encode(entries: Vec<(Cbor, Cbor)>) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(&Cbor::Map(entries), &mut out).unwrap();
    out
}

#[test]
fn the_unchanged_vector_body_verifies() {
    let (body, _) = vector_body();
    verify_signed(&body).unwrap();
}

#[test]
fn a_signed_request_with_a_duplicate_map_key_is_refused() {
    // The office name twice: one library would show the first, another the last.
    let mut e = entries();
    let at = e.iter().position(|(k, _)| k == &Cbor::from(4u64)).unwrap();
    e.insert(
        at + 1,
        (4u64.into(), Cbor::Text("Shelbyville Office".into())),
    );
    malformed_because(verify_signed(&encode(e)), "duplicate map key");
}

#[test]
fn a_signed_request_with_keys_out_of_order_is_refused() {
    let mut e = entries();
    e.swap(0, 1);
    malformed_because(verify_signed(&encode(e)), "order");
}

#[test]
fn a_signed_request_with_an_indefinite_length_map_is_refused() {
    let (mut body, _) = vector_body();
    assert_eq!(body[0], 0xaf, "a map of 15 entries");
    body[0] = 0xbf;
    body.push(0xff);
    malformed_because(verify_signed(&body), "indefinite");
}

#[test]
fn a_signed_request_with_a_non_shortest_integer_is_refused() {
    // Key 1 (form version) = 1 is `01 01`; written as `01 18 01` it means the same number.
    let (body, _) = vector_body();
    let at = 3 + 17; // map head, key 0, text head, 17 characters of "change-of-address"
    assert_eq!(&body[at..at + 2], &[0x01, 0x01]);
    let mut longer = body[..at + 1].to_vec();
    longer.extend_from_slice(&[0x18, 0x01]);
    longer.extend_from_slice(&body[at + 2..]);
    malformed_because(verify_signed(&longer), "shortest");
}

fn nested(depth: usize) -> Cbor {
    (0..depth).fold(Cbor::Array(vec![]), |inner, _| Cbor::Array(vec![inner]))
}

#[test]
fn an_unknown_key_may_hold_deep_data_up_to_the_stated_limit() {
    // The body map is level 1, so the unknown value may use 31 levels (§1: 32 in all).
    let mut e = entries();
    e.push((99u64.into(), nested(30)));
    verify_signed(&encode(e)).unwrap();
    let mut e = entries();
    e.push((99u64.into(), nested(31)));
    malformed_because(verify_signed(&encode(e)), "too deep");
}

fn reframe(text: &str, change: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut raw = base45::decode(&text[5..]).unwrap();
    change(&mut raw);
    format!("{}{}", &text[..5], base45::encode(&raw))
}

#[test]
fn bytes_after_the_compressed_data_are_refused() {
    let v = vectors();
    let text = v["request"]["qr_text"].as_str().unwrap();
    let at = v["request"]["verify_at"].as_u64().unwrap();
    let trusted = [office().public_key()];
    verify_request(text, &trusted, at).unwrap();
    for tail in [&[0u8][..], b"changed"] {
        let changed = reframe(text, |raw| raw.extend_from_slice(tail));
        malformed_because(
            verify_request(&changed, &trusted, at).map(|_| ()),
            "trailing bytes after the compressed data",
        );
    }
}

#[test]
fn an_over_size_payload_and_an_unknown_flag_byte_are_malformed() {
    let big = miniz_oxide::deflate::compress_to_vec(&vec![0u8; 64 * 1024 + 1], 9);
    let mut raw = vec![1u8];
    raw.extend_from_slice(&big);
    let text = format!("FDR1:{}", base45::encode(&raw));
    malformed_because(
        verify_request(&text, &[], 0).map(|_| ()),
        "payload too large",
    );
    let text = format!("FDR1:{}", base45::encode([2u8, 0x80]));
    malformed_because(verify_request(&text, &[], 0).map(|_| ()), "flag byte");
}

#[test]
fn a_lowercase_version_character_is_not_a_formdesk_code() {
    let r = verify_request("FDRa:00", &[], 0);
    assert!(matches!(r, Err(Error::BadPrefix)), "{r:?}");
    let r = verify_request("FDRB:00", &[], 0);
    assert!(
        matches!(r, Err(Error::UnsupportedVersion { found: 'B', .. })),
        "{r:?}"
    );
}

#[test]
fn the_retention_note_is_a_third_element_present_only_when_there_is_one() {
    let with = |items: Vec<Cbor>| {
        let mut e = entries();
        let at = e.iter().position(|(k, _)| k == &Cbor::from(7u64)).unwrap();
        e[at].1 = Cbor::Array(items);
        verify_signed(&encode(e))
    };
    let base = || vec![Cbor::Bool(true), 365u64.into()];
    with(base()).unwrap();
    with(
        [
            base(),
            vec![Cbor::Text("Paper copies are shredded.".into())],
        ]
        .concat(),
    )
    .unwrap();
    let empty = with([base(), vec![Cbor::Text(String::new())]].concat());
    assert!(matches!(empty, Err(Error::Invalid { .. })), "{empty:?}");
    malformed_because(with([base(), vec![Cbor::Null]].concat()), "must be text");
    let four = [base(), vec![Cbor::Text("a".into()), Cbor::Text("b".into())]].concat();
    malformed_because(with(four), "more than 3");
}

/// Seals raw plaintext to the vector request and opens it as the window does.
fn open_plaintext(plaintext: &[u8]) -> Result<(), Error> {
    let v = vectors();
    let text = v["request"]["qr_text"].as_str().unwrap();
    let at = v["request"]["verify_at"].as_u64().unwrap();
    let req = verify_request(text, &[office().public_key()], at).unwrap();
    let secret = RequestSecret::new(EphemeralSecret::from_bytes(seq(0x20)), &req.body).unwrap();
    let b = &req.body;
    let wallet = EphemeralSecret::from_bytes(seq(0x40));
    let sealed = seal_with(
        &wallet,
        b.request_id,
        &b.nonce,
        &b.ephemeral_public,
        plaintext,
    )?;
    open_response(&sealed, &secret, at).map(|_| ())
}

#[test]
fn sealed_plaintext_must_be_deterministic_too() {
    // Five outcomes as the vector's answer: "a", declined, unavailable, declined, declined.
    open_plaintext(&[0x85, 0x61, b'a', 0x00, 0x01, 0x00, 0x00]).unwrap();
    let dup = [
        0x85, 0xa2, 0x00, 0x61, b'a', 0x00, 0x61, b'b', 0x00, 0x01, 0x00, 0x00,
    ];
    malformed_because(open_plaintext(&dup), "duplicate map key");
    let long_head = [0x98, 0x05, 0x61, b'a', 0x00, 0x01, 0x00, 0x00];
    malformed_because(open_plaintext(&long_head), "shortest");
    let indefinite = [0x9f, 0x61, b'a', 0x00, 0x01, 0x00, 0x00, 0xff];
    malformed_because(open_plaintext(&indefinite), "indefinite");
    let trailing = [0x85, 0x61, b'a', 0x00, 0x01, 0x00, 0x00, 0x00];
    malformed_because(open_plaintext(&trailing), "trailing");
}
