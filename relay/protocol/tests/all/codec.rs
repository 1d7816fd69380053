//! Property tests of the codec: any well-formed request and any answers survive a round
//! trip; no input — random text, random bytes behind a valid prefix, random single-character
//! damage — makes a decoder panic.

use formdesk_protocol::qr::{ReceiptBody, RequestedField, Retention};
use formdesk_protocol::{
    open_response, peek_response, seal_response, sign_receipt, sign_request, verify_receipt,
    verify_request, FieldOutcome, OfficePublicKey, RequestBody, RequestId, RequestSecret,
};
use proptest::prelude::*;

use crate::util::{office, TestRng, NOW};

fn key() -> impl Strategy<Value = String> {
    "[a-z]{1,8}\\.[a-z_]{1,12}"
}

fn outcome() -> impl Strategy<Value = FieldOutcome> {
    prop_oneof![
        any::<String>().prop_map(FieldOutcome::Shared),
        Just(FieldOutcome::Declined),
        Just(FieldOutcome::Unavailable),
    ]
}

prop_compose! {
    fn body()(
        keys in prop::collection::btree_set(key(), 1..12),
        extra in prop::collection::vec(key(), 0..4),
        texts in prop::collection::vec(any::<String>(), 8),
        label_purpose in prop::collection::vec((any::<String>(), any::<String>()), 12),
        id in any::<[u8; 16]>(),
        nonce in prop::collection::vec(any::<u8>(), 16..40),
        version in any::<u32>(),
        days in any::<u32>(),
        ttl in 1u64..100_000,
        note in prop::option::of(any::<String>().prop_filter("a note is never empty", |s| !s.is_empty())),
    ) -> RequestBody {
        let keys: Vec<String> = keys.into_iter().collect();
        let mut template = keys.clone();
        template.extend(extra.into_iter().filter(|k| !keys.contains(k)));
        RequestBody {
            form_id: texts[0].clone(),
            form_version: version,
            form_title: texts[1].clone(),
            lang: texts[2].clone(),
            office_name: texts[3].clone(),
            desk_label: texts[4].clone(),
            fields: keys.iter().zip(label_purpose).map(|(k, (label, purpose))| RequestedField { key: k.clone(), label, purpose }).collect(),
            retention: Retention { relay_deletes_on_delivery: days % 2 == 0, office_days: days, note },
            contact: texts[5].clone(),
            request_id: RequestId(id),
            nonce,
            issued_at: NOW,
            expires_at: NOW + ttl,
            ephemeral_public: [0; 32],
            template,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn requests_and_responses_round_trip(mut b in body(), outcomes in prop::collection::vec(outcome(), 12), seed in any::<u64>()) {
        let mut rng = TestRng::new(&seed.to_string());
        let eph = RequestSecret::generate(&mut rng);
        b.ephemeral_public = eph.public_key();
        let text = sign_request(&office(), &b).unwrap();
        let req = verify_request(&text, &[office().public_key()], NOW).unwrap();
        prop_assert_eq!(&req.body, &b);
        let answers: Vec<(String, FieldOutcome)> = b.fields.iter().map(|f| f.key.clone()).zip(outcomes).collect();
        let resp = seal_response(&req, &answers, &mut rng).unwrap();
        prop_assert_eq!(peek_response(&resp).unwrap().request_id, b.request_id);
        let secret = RequestSecret::new(eph, &b).unwrap();
        let opened = open_response(&resp, &secret, NOW).unwrap();
        let got: Vec<(String, FieldOutcome)> = opened.outcomes.into_iter().map(|(k, o, _)| (k, o)).collect();
        prop_assert_eq!(got, answers);
    }

    #[test]
    fn receipts_round_trip(id in any::<[u8; 16]>(), fields in prop::collection::vec(key(), 0..12), texts in prop::collection::vec(any::<String>(), 3), t in any::<u64>(), days in any::<u32>()) {
        let body = ReceiptBody { request_id: RequestId(id), form_id: texts[0].clone(), office_name: texts[1].clone(), fields_received: fields, relay_deleted_at: t, office_retains: texts[2].clone(), office_retention_days: days, issued_at: t / 2 };
        let text = sign_receipt(&office(), &body).unwrap();
        prop_assert_eq!(verify_receipt(&text, &[office().public_key()]).unwrap().body, body);
    }

    #[test]
    fn decoders_never_panic_on_random_text(s in any::<String>()) {
        let _ = verify_request(&s, &[office().public_key()], NOW);
        let _ = peek_response(&s);
        let _ = verify_receipt(&s, &[]);
        let _ = OfficePublicKey::parse_any(&s);
    }

    #[test]
    fn decoders_never_panic_on_random_payloads(bytes in prop::collection::vec(any::<u8>(), 0..600), kind in 0usize..4) {
        let prefix = ["FDR1:", "FDA1:", "FDD1:", "FDK1:"][kind];
        let text = format!("{prefix}{}", base45::encode(&bytes));
        let _ = verify_request(&text, &[office().public_key()], NOW);
        let _ = peek_response(&text);
        let _ = verify_receipt(&text, &[office().public_key()]);
        let _ = OfficePublicKey::from_qr_text(&text);
    }

    #[test]
    fn single_character_damage_never_verifies_as_another_request(pos in any::<prop::sample::Index>(), c in "[0-9A-Z $%*+./:-]") {
        let b = crate::util::request("patient-intake", &[], "dmg").1;
        let text = sign_request(&office(), &b).unwrap();
        let i = 5 + pos.index(text.len() - 5);
        let mut damaged = text.clone();
        damaged.replace_range(i..i + 1, &c);
        if damaged != text {
            if let Ok(v) = verify_request(&damaged, &[office().public_key()], NOW) {
                prop_assert_eq!(v.body, b);
            }
        }
    }
}
