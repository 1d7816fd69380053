//! Shared test helpers: the shipped forms, fixed keys, a deterministic RNG, a realistic
//! citizen profile and a request builder.

use std::path::PathBuf;

use formdesk_protocol::qr::{EphemeralSecret, RequestParams};
use formdesk_protocol::{
    sign_request, FieldOutcome, FormRegistry, OfficeKey, RequestBody, RequestSecret,
};
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

pub const NOW: u64 = 1_764_165_600; // 2025-11-26 14:00:00 UTC

pub fn forms_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../forms")
}

pub fn registry() -> FormRegistry {
    FormRegistry::load_dir(&forms_dir()).expect("shipped forms load")
}

pub fn office() -> OfficeKey {
    OfficeKey::from_seed([0x11; 32])
}

/// Deterministic RNG: SHA-256(seed ‖ counter) blocks. Tests only.
pub struct TestRng {
    seed: Vec<u8>,
    counter: u64,
    buf: Vec<u8>,
}

impl TestRng {
    pub fn new(seed: &str) -> TestRng {
        TestRng {
            seed: seed.as_bytes().to_vec(),
            counter: 0,
            buf: Vec::new(),
        }
    }
}

impl RngCore for TestRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for d in dest {
            if self.buf.is_empty() {
                let mut h = Sha256::new();
                h.update(&self.seed);
                h.update(self.counter.to_le_bytes());
                self.counter += 1;
                self.buf = h.finalize().to_vec();
            }
            *d = self.buf.remove(0);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for TestRng {}

/// A realistic profile: (vocabulary key, value).
pub fn profile() -> Vec<(&'static str, &'static str)> {
    vec![
        ("person.given_name", "Maria Johanna"),
        ("person.family_name", "van der Berg"),
        ("person.birth_date", "1987-04-12"),
        ("person.birth_place", "Utrecht"),
        ("person.nationality", "NL"),
        ("person.sex", "female"),
        ("person.occupation", "employed"),
        ("address.street", "Keizersgracht 123-II"),
        ("address.postcode", "1015 CJ"),
        ("address.city", "Amsterdam"),
        ("address.country", "NL"),
        ("contact.email", "maria.vandenberg@example.nl"),
        ("contact.phone", "+31 6 1234 5678"),
        ("id.document_type", "passport"),
        ("id.document_number", "NXC4D7K92"),
        ("id.document_expiry", "2031-08-30"),
        ("id.national_number", "123456782"),
        ("tax.id", "NL123456782"),
        ("bank.iban", "NL91ABNA0417164300"),
        ("health.insurer", "Zilveren Kruis"),
        ("health.insurance_number", "123456789"),
        ("health.allergies", "penicillin"),
        ("health.gp_name", "Dr. P. de Vries"),
        ("emergency.name", "Johan van der Berg"),
        ("emergency.phone", "+31 6 8765 4321"),
        ("emergency.relation", "partner"),
    ]
}

/// Answers for every requested key of `body` from `profile()`.
pub fn answers_for(body: &RequestBody) -> Vec<(String, FieldOutcome)> {
    let p = profile();
    body.fields
        .iter()
        .map(|f| {
            let v = p.iter().find(|(k, _)| *k == f.key).map(|(_, v)| *v);
            let o = v.map_or(FieldOutcome::Unavailable, |v| {
                FieldOutcome::Shared(v.into())
            });
            (f.key.clone(), o)
        })
        .collect()
}

/// A request for `keys` of `form_id` (empty = whole template), signed by `office()`, with
/// the window's secret.
pub fn request(
    form_id: &str,
    keys: &[&str],
    rng_seed: &str,
) -> (String, RequestBody, RequestSecret) {
    let reg = registry();
    let form = reg.get(form_id).expect("form");
    let mut rng = TestRng::new(rng_seed);
    let eph = RequestSecret::generate(&mut rng);
    let params = RequestParams {
        office_name: "Springfield City Hall".into(),
        desk_label: "Desk 4".into(),
        contact: "privacy@springfield.example".into(),
        ephemeral_public: eph.public_key(),
        now: NOW,
        ttl_minutes: 10,
    };
    let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    let body = RequestBody::for_form(form, &keys, params, &mut rng).expect("request body");
    let text = sign_request(&office(), &body).expect("sign");
    let secret = RequestSecret::new(eph, &body).expect("secret");
    (text, body, secret)
}

#[allow(dead_code)]
pub fn fixed_ephemeral(byte: u8) -> EphemeralSecret {
    EphemeralSecret::from_bytes([byte; 32])
}
