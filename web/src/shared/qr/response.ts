// The response (`FDA1:`). Its frame body is a fixed binary layout, not CBOR (every byte
// counts): request id (16) ‖ wallet X25519 key (32) ‖ ciphertext (rest).
// ss = X25519(wallet secret, window key); okm = HKDF-SHA256(salt = request nonce, ikm = ss,
// info = "FDA1 key" ‖ window key ‖ wallet key, 44); key = okm[0..32], nonce = okm[32..44];
// ChaCha20-Poly1305 with AAD "FDA1" ‖ request id ‖ request nonce. Plaintext: CBOR array
// [outcome…] in request order: text = shared, 0 = declined, 1 = unavailable, map
// {0: value, …} = shared with extensions (relay/protocol/src/qr/response.rs).

import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concat, equalBytes, randomBytes, toHex, utf8 } from "../bytes";
import { MapReader, asArray, fromCbor, toCbor, type CborValue } from "./cbor";
import { QrError, invalid, malformed, truncated } from "./errors";
import { decodeFrame, encodeFrame } from "./frame";
import type { RequestBody } from "./request";

/** Clear header: request id ‖ wallet key. */
const HEADER_LEN = 16 + 32;
/** Poly1305 tag. */
const TAG_LEN = 16;
const DECLINED = 0;
const UNAVAILABLE = 1;

export type Outcome = { outcome: "shared"; value: string } | { outcome: "declined" } | { outcome: "unavailable" };

/** Seals the answers to a verified request. Keys not requested are refused; requested keys
 *  without an answer go as unavailable. `walletSecret` is only fixed by test vectors. */
export function sealResponse(body: RequestBody, answers: Map<string, Outcome>, walletSecret?: Uint8Array): string {
  for (const key of answers.keys()) {
    if (!body.fields.some((f) => f.key === key)) {
      throw new QrError("unrequested_key", `The field ${key} was not requested and cannot be included in the response.`, { key });
    }
  }
  const outcomes = body.fields.map((f) => outcomeToCbor(answers.get(f.key) ?? { outcome: "unavailable" }));
  const plaintext = toCbor(outcomes);
  return sealWith(walletSecret ?? randomBytes(32), body.requestId, body.nonce, body.ephemeralPublic, plaintext);
}

export function sealWith(
  walletSecret: Uint8Array,
  requestId: Uint8Array,
  nonce: Uint8Array,
  windowPublic: Uint8Array,
  plaintext: Uint8Array,
): string {
  const walletPublic = x25519.getPublicKey(walletSecret);
  const shared = dh(walletSecret, windowPublic, "the request's ephemeral key is a low-order point");
  const { key, iv } = derive(shared, nonce, windowPublic, walletPublic);
  const ciphertext = chacha20poly1305(key, iv, aad(requestId, nonce)).encrypt(plaintext);
  return encodeFrame("response", concat(requestId, walletPublic, ciphertext));
}

export interface ResponseHeader {
  requestId: Uint8Array;
  walletPublic: Uint8Array;
  ciphertext: Uint8Array;
}

/** The clear part of a response (the relay routes with the request id). */
export function peekResponse(text: string): ResponseHeader {
  const bytes = decodeFrame("response", text);
  if (bytes.length < HEADER_LEN + TAG_LEN) throw truncated("response");
  return {
    requestId: bytes.slice(0, 16),
    walletPublic: bytes.slice(16, HEADER_LEN),
    ciphertext: bytes.slice(HEADER_LEN),
  };
}

/** Opens a response with the window's secret (used by the tests and vectors only: in
 *  production only the desk's window opens answers). */
export function openResponse(text: string, windowSecret: Uint8Array, body: RequestBody): Array<[string, Outcome]> {
  const h = peekResponse(text);
  if (!equalBytes(h.requestId, body.requestId)) {
    throw new QrError("invalid", `This response answers request ${toHex(h.requestId)}, not request ${toHex(body.requestId)}.`);
  }
  const shared = dh(windowSecret, h.walletPublic, "the wallet key is a low-order point");
  const { key, iv } = derive(shared, body.nonce, x25519.getPublicKey(windowSecret), h.walletPublic);
  let plaintext: Uint8Array;
  try {
    plaintext = chacha20poly1305(key, iv, aad(body.requestId, body.nonce)).decrypt(h.ciphertext);
  } catch {
    throw new QrError("invalid", "This response was made for another request (or was altered) and cannot be opened.");
  }
  const items = asArray("response", fromCbor("response", plaintext), "outcomes");
  if (items.length !== body.fields.length) throw invalid("response", `${items.length} answers for ${body.fields.length} requested fields`);
  return body.fields.map((f, i) => [f.key, outcomeFromCbor(items[i])]);
}

function dh(secret: Uint8Array, peer: Uint8Array, lowOrder: string): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secret, peer);
  } catch {
    throw invalid("response", lowOrder);
  }
  if (shared.every((b) => b === 0)) throw invalid("response", lowOrder);
  return shared;
}

function derive(shared: Uint8Array, salt: Uint8Array, window: Uint8Array, wallet: Uint8Array): { key: Uint8Array; iv: Uint8Array } {
  const okm = hkdf(sha256, shared, salt, concat(utf8.encode("FDA1 key"), window, wallet), 44);
  return { key: okm.subarray(0, 32), iv: okm.subarray(32, 44) };
}

function aad(requestId: Uint8Array, nonce: Uint8Array): Uint8Array {
  return concat(utf8.encode("FDA1"), requestId, nonce);
}

function outcomeToCbor(o: Outcome): CborValue {
  if (o.outcome === "shared") return o.value;
  return o.outcome === "declined" ? DECLINED : UNAVAILABLE;
}

function outcomeFromCbor(v: CborValue): Outcome {
  if (typeof v === "string") return { outcome: "shared", value: v };
  if (v === DECLINED) return { outcome: "declined" };
  if (v === UNAVAILABLE) return { outcome: "unavailable" };
  if (v instanceof Map) return { outcome: "shared", value: new MapReader("response", v, "outcome").text(0, "shared value") };
  throw malformed("response", "an outcome is a text, 0, 1 or a map");
}
