//! The matching code: three digits shown large on the desk and on the phone before the
//! citizen consents. A request photographed at one desk and relayed to a remote victim shows
//! a code that is not on the desk in front of them.
//!
//! code = decimal( BE32( SHA-256("FDMATCH1" ‖ request id ‖ nonce ‖ ephemeral key)[0..4] )
//! mod 1000 ), zero-padded to three digits. Desk and wallet compute it from the same signed
//! fields, so they agree; any other request gives another code with probability 999/1000.

use sha2::{Digest, Sha256};

use super::RequestBody;

/// Domain tag of the matching-code hash.
const TAG: &[u8] = b"FDMATCH1";

/// The 3-digit matching code of a request (`"482"`, `"007"`).
pub fn match_code(request: &impl AsRef<RequestBody>) -> String {
    let body = request.as_ref();
    let mut h = Sha256::new();
    h.update(TAG);
    h.update(body.request_id.as_bytes());
    h.update(&body.nonce);
    h.update(body.ephemeral_public);
    let digest = h.finalize();
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % 1000;
    format!("{n:03}")
}
