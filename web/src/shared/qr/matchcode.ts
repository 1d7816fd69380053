// The matching code: three digits the desk and the phone both show before consent.
// code = BE32(SHA-256("FDMATCH1" ‖ request id ‖ nonce ‖ ephemeral key)[0..4]) mod 1000,
// zero-padded (relay/protocol/src/qr/matchcode.rs).

import { sha256 } from "@noble/hashes/sha2.js";
import { concat, utf8 } from "../bytes";
import type { RequestBody } from "./request";

export function matchCode(body: RequestBody): string {
  const d = sha256(concat(utf8.encode("FDMATCH1"), body.requestId, body.nonce, body.ephemeralPublic));
  const n = ((d[0] << 24) >>> 0) + (d[1] << 16) + (d[2] << 8) + d[3];
  return String(n % 1000).padStart(3, "0");
}
