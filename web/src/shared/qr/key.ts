// The office's Ed25519 public key: what a wallet trusts. Text forms: `FDK1:` (CBOR map
// {0: key 32 bytes, 1: office name}) or 43 characters of base64url. The fingerprint (first 8
// bytes of SHA-256, four hex groups) is what people compare.

import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { fromBase64Url, toBase64Url, toHex } from "../bytes";
import { MapReader, fromCbor, toCbor } from "./cbor";
import { QrError } from "./errors";
import { decodeFrame, encodeFrame } from "./frame";

export interface OfficeKeyInfo {
  /** The 32-byte Ed25519 public key. */
  key: Uint8Array;
  /** The office name the key text was shown with (a label, not a proof). */
  name?: string;
}

export function keyToBase64Url(key: Uint8Array): string {
  return toBase64Url(key);
}

export function fingerprint(key: Uint8Array): string {
  const hex = toHex(sha256(key).subarray(0, 8));
  return [0, 1, 2, 3].map((i) => hex.slice(4 * i, 4 * i + 4)).join("-");
}

export function keyToQrText(key: Uint8Array, officeName: string): string {
  return encodeFrame("key", toCbor(new Map<number, unknown>([[0, key], [1, officeName]])));
}

/** Reads any text form of an office key (`FDK1:…` or base64url). */
export function parseOfficeKey(text: string): OfficeKeyInfo {
  const t = text.trim();
  if (t.startsWith("FD") && t.includes(":")) {
    const m = new MapReader("key", fromCbor("key", decodeFrame("key", t)), "key");
    const key = m.fixed(0, "public key", 32);
    const name = m.text(1, "office name");
    checkPoint(key);
    return { key, name };
  }
  let key: Uint8Array;
  try {
    key = fromBase64Url(t);
  } catch {
    throw new QrError("bad_key", "Not an office key: not base64url.");
  }
  if (key.length !== 32) throw new QrError("bad_key", "Not an office key: an office key is 32 bytes.");
  checkPoint(key);
  return { key };
}

function checkPoint(key: Uint8Array): void {
  try {
    ed25519.Point.fromBytes(key);
  } catch {
    throw new QrError("bad_key", "Not an office key: not a valid Ed25519 public key.");
  }
}
