//! Fuzz target: every decoder of formdesk-protocol on arbitrary input, both as raw text and
//! as Base45 of arbitrary bytes behind each valid prefix (so the CBOR, deflate and crypto
//! layers are reached, not just the prefix check). Decoders must return errors, never panic.
#![no_main]

use formdesk_protocol::qr::{EphemeralSecret, RequestSecret};
use formdesk_protocol::{
    decode_request_unverified, open_response, peek_response, verify_receipt, verify_request,
    OfficeKey, OfficePublicKey, RequestId,
};
use libfuzzer_sys::fuzz_target;

fn all_decoders(text: &str) {
    let trusted = [OfficeKey::from_seed([1; 32]).public_key()];
    let _ = verify_request(text, &trusted, 1_764_165_600);
    let _ = decode_request_unverified(text);
    let _ = peek_response(text);
    let _ = verify_receipt(text, &trusted);
    let _ = OfficePublicKey::parse_any(text);
    let secret = RequestSecret {
        ephemeral: EphemeralSecret::from_bytes([2; 32]),
        request_id: RequestId([0; 16]),
        nonce: vec![0; 16],
        requested: vec!["person.given_name".into(), "contact.email".into()],
        expires_at: u64::MAX,
    };
    let _ = open_response(text, &secret, 0);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        all_decoders(text);
    }
    if let Some((&which, rest)) = data.split_first() {
        let prefix = ["FDR1:", "FDA1:", "FDK1:", "FDD1:"][usize::from(which % 4)];
        all_decoders(&format!("{prefix}{}", base45_encode(rest)));
    }
});

/// Base45 (RFC 9285), inline so the fuzz crate needs no extra dependency.
fn base45_encode(bytes: &[u8]) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let mut out = String::new();
    for chunk in bytes.chunks(2) {
        let mut n = chunk.iter().fold(0u32, |acc, &b| acc * 256 + u32::from(b));
        let digits = if chunk.len() == 2 { 3 } else { 2 };
        for _ in 0..digits {
            out.push(A[(n % 45) as usize] as char);
            n /= 45;
        }
    }
    out
}
