// The signed envelope of requests and receipts: CBOR array [body bstr, signature bstr(64),
// office key bstr(32)]; the Ed25519 signature covers ASCII(prefix, e.g. "FDR1") ‖ body.

import { ed25519 } from "@noble/curves/ed25519.js";
import { concat, equalBytes, utf8 } from "../bytes";
import { asArray, asBytes, asFixed, fromCbor, type CborValue } from "./cbor";
import { KIND_NAME, QrError, type QrKind, malformed } from "./errors";
import { decodeFrame, prefix } from "./frame";
import { keyToBase64Url } from "./key";

export interface Envelope {
  kind: QrKind;
  body: Uint8Array;
  signature: Uint8Array;
  signer: Uint8Array;
}

export function openEnvelope(kind: QrKind, text: string): Envelope {
  const items = asArray(kind, fromCbor(kind, decodeFrame(kind, text)), "envelope");
  const names = ["body", "signature", "office key"];
  if (items.length < 3) throw malformed(kind, `envelope lacks the ${names[items.length]}`);
  return {
    kind,
    body: asBytes(kind, items[0], "body"),
    signature: asFixed(kind, items[1], "signature", 64),
    signer: asFixed(kind, items[2], "office key", 32),
  };
}

export function signatureValid(env: Envelope): boolean {
  try {
    return ed25519.verify(env.signature, concat(utf8.encode(prefix(env.kind)), env.body), env.signer);
  } catch {
    return false;
  }
}

/** Signature first (tampered → bad_signature), then trust (unknown office → untrusted). */
export function verifyEnvelope(env: Envelope, trusted: Uint8Array[]): void {
  if (!signatureValid(env)) {
    throw new QrError(
      "bad_signature",
      `The office signature on this ${KIND_NAME[env.kind]} code is invalid: the content was altered.`,
      { kind: env.kind },
    );
  }
  if (!trusted.some((k) => equalBytes(k, env.signer))) {
    throw new QrError(
      "untrusted",
      `This ${KIND_NAME[env.kind]} code is signed by an office key that is not trusted here. Add the office key first if you trust this office.`,
      { kind: env.kind, key: keyToBase64Url(env.signer) },
    );
  }
}

export function envelopeBody(env: Envelope): CborValue {
  return fromCbor(env.kind, env.body);
}
