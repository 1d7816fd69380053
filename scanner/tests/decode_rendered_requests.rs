//! Clean request codes as FormDesk renders them (formdesk-protocol's `render_png_scaled`,
//! EC level M, quiet zone of 4 modules): alphanumeric `FDR1:` texts of the sizes real
//! requests take (QR versions 10 to 30) and signed patient-intake requests (versions
//! 25–26), at 2, 3, 4 and 8 pixels per module. Each must decode to the exact text through
//! `decode_bytes` (default options, as `decode_file` uses) and also with a time budget
//! that is already spent when decoding starts (what a preempted thread on a loaded machine
//! sees): the decoder's first strategy must still read a clean code.

use std::time::Duration;

use formdesk_protocol::qr::RequestParams;
use formdesk_protocol::render::{qr_version_for, render_png_scaled, EcLevel};
use formdesk_protocol::{sign_request, FormRegistry, OfficeKey, RequestBody, RequestSecret};
use formdesk_scanner::{decode_bytes, decode_with, gray_from_bytes, Options};
use rand_core::{CryptoRng, RngCore};

/// QR's alphanumeric characters (Base45 uses exactly these).
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// `FDR1:` followed by `len` pseudo-random alphanumeric characters (fixed seed).
fn request_text(len: usize, seed: u32) -> String {
    let mut s = seed;
    let mut out = String::from("FDR1:");
    for _ in 0..len {
        s = s.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        out.push(ALNUM[((s >> 16) as usize) % ALNUM.len()] as char);
    }
    out
}

/// The longest request text (in steps of 8 characters) that still fits QR version `v` at M.
fn text_for_version(v: i16) -> String {
    let mut best = None;
    for len in (8..=2000).step_by(8) {
        let text = request_text(len, v as u32);
        match qr_version_for(&text, EcLevel::M) {
            Some(got) if got == v => best = Some(text),
            Some(got) if got > v => break,
            _ => {}
        }
    }
    best.unwrap_or_else(|| panic!("no text length gives version {v}"))
}

/// Deterministic RNG for the signed requests (splitmix64; test data only, not secret).
struct TestRng(u64);

impl RngCore for TestRng {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for TestRng {}

/// A signed patient-intake request with every field, as the clerk's window shows it.
fn patient_intake_request(seed: u64) -> String {
    let forms = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../relay/forms");
    let reg = FormRegistry::load_dir(&forms).unwrap();
    let mut rng = TestRng(seed);
    let eph = RequestSecret::generate(&mut rng);
    let params = RequestParams {
        office_name: "Springfield City Hall".into(),
        desk_label: "Desk 4".into(),
        contact: "privacy@springfield.example".into(),
        ephemeral_public: eph.public_key(),
        now: 1_790_000_000 + seed,
        ttl_minutes: 10,
    };
    let form = reg.get("patient-intake").unwrap();
    let body = RequestBody::for_form(form, &[], params, &mut rng).unwrap();
    sign_request(&OfficeKey::from_seed([0x5a; 32]), &body).unwrap()
}

/// Renders `text` at every scale and returns a line per failed read.
fn failures(text: &str, label: &str) -> Vec<String> {
    let spent = Options {
        budget: Duration::ZERO,
        ..Options::default()
    };
    let mut out = Vec::new();
    for px in [2u32, 3, 4, 8] {
        let png = render_png_scaled(text, EcLevel::M, px).unwrap();
        let codes = decode_bytes(&png).unwrap();
        if codes.len() != 1 || codes[0].text != text {
            out.push(format!(
                "{label} at {px} px/module: {} code(s)",
                codes.len()
            ));
        }
        let codes = decode_with(&gray_from_bytes(&png).unwrap(), &spent);
        if codes.len() != 1 || codes[0].text != text {
            out.push(format!(
                "{label} at {px} px/module, budget spent: {} code(s)",
                codes.len()
            ));
        }
    }
    out
}

#[test]
fn rendered_request_codes_of_every_real_size_decode() {
    let mut failed = Vec::new();
    for v in [10i16, 14, 18, 22, 26, 30] {
        let text = text_for_version(v);
        assert_eq!(qr_version_for(&text, EcLevel::M), Some(v));
        failed.extend(failures(&text, &format!("version {v}")));
    }
    assert!(failed.is_empty(), "not decoded: {failed:#?}");
}

#[test]
fn signed_patient_intake_requests_decode() {
    let mut failed = Vec::new();
    for seed in 1..=3 {
        let text = patient_intake_request(seed);
        let v = qr_version_for(&text, EcLevel::M).unwrap();
        assert!((18..=30).contains(&v), "patient intake at version {v}");
        failed.extend(failures(&text, &format!("request {seed} (version {v})")));
    }
    assert!(failed.is_empty(), "not decoded: {failed:#?}");
}
