// The request (`FDR1:`) as a wallet reads it: signed envelope → body map (keys 0..14, see
// docs/qr-format.md) → checks: signature, trusted signer, validity window with clock-skew
// tolerance, requested keys ⊆ the form's signed template.

import { toHex } from "../bytes";
import { MapReader, asBool, asTexts, asUint, asText, type CborValue } from "./cbor";
import { QrError, invalid, malformed } from "./errors";
import { envelopeBody, openEnvelope, signatureValid, verifyEnvelope } from "./signed";

/** Tolerated clock difference between the phone and the desk (seconds). */
export const CLOCK_SKEW_SECS = 120;
const MAX_FIELDS = 64;

export interface RequestedField {
  key: string;
  label: string;
  purpose: string;
}

export interface Retention {
  relayDeletesOnDelivery: boolean;
  officeDays: number;
  note?: string;
}

export interface RequestBody {
  formId: string;
  formVersion: number;
  formTitle: string;
  lang: string;
  officeName: string;
  deskLabel: string;
  fields: RequestedField[];
  retention: Retention;
  contact: string;
  /** 16 bytes. */
  requestId: Uint8Array;
  nonce: Uint8Array;
  issuedAt: number;
  expiresAt: number;
  /** The window's X25519 key the answer is sealed to (32 bytes). */
  ephemeralPublic: Uint8Array;
  template: string[];
}

export interface VerifiedRequest {
  body: RequestBody;
  officeKey: Uint8Array;
}

export function requestIdHex(body: RequestBody): string {
  return toHex(body.requestId);
}

/** The declared retention as one sentence (same words as the Rust `Retention::statement`). */
export function retentionStatement(r: Retention): string {
  const relay = r.relayDeletesOnDelivery ? "Deleted from the relay on delivery" : "Kept on the relay until it expires";
  return `${relay}; the completed form is kept by the office for ${r.officeDays} days.${r.note ? ` ${r.note}` : ""}`;
}

export function bodyFromCbor(v: CborValue): RequestBody {
  const m = new MapReader("request", v, "request body");
  const fields = m.array(6, "requested fields").map((f) => {
    const t = asTexts("request", f, "requested field");
    if (t.length < 3) throw malformed("request", "a requested field needs key, label, purpose");
    return { key: t[0], label: t[1], purpose: t[2] };
  });
  const ret = m.array(7, "retention");
  if (typeof ret[0] !== "boolean") throw malformed("request", "retention must start with a boolean");
  if (ret.length < 2) throw malformed("request", "retention lacks the office days");
  const retention: Retention = {
    relayDeletesOnDelivery: asBool(ret[0]),
    officeDays: asUint("request", ret[1], "office days"),
    // The note is a third element, present only when there is one (docs/qr-format.md §3).
    note: ret.length > 2 ? asText("request", ret[2], "retention note") : undefined,
  };
  if (ret.length > 3) throw malformed("request", "retention has more than 3 elements");
  if (retention.officeDays > 0xffffffff) throw malformed("request", "office days too large");
  return {
    formId: m.text(0, "form id"),
    formVersion: m.uint(1, "form version"),
    formTitle: m.text(2, "form title"),
    lang: m.text(3, "language"),
    officeName: m.text(4, "office name"),
    deskLabel: m.text(5, "desk label"),
    fields,
    retention,
    contact: m.text(8, "deletion contact"),
    requestId: m.fixed(9, "request id", 16),
    nonce: m.bytes(10, "nonce"),
    issuedAt: m.uint(11, "issue time"),
    expiresAt: m.uint(12, "expiry time"),
    ephemeralPublic: m.fixed(13, "ephemeral key", 32),
    template: m.texts(14, "template"),
  };
}

/** Rules every request obeys; a key outside the template is its own error. */
export function checkBody(b: RequestBody): void {
  if (b.fields.length === 0 || b.fields.length > MAX_FIELDS) throw invalid("request", `must request 1 to ${MAX_FIELDS} fields`);
  b.fields.forEach((f, i) => {
    if (b.fields.slice(0, i).some((g) => g.key === f.key)) throw invalid("request", `${f.key} is requested twice`);
    if (!b.template.includes(f.key)) {
      throw new QrError(
        "outside_template",
        `The request asks for "${f.label || f.key}" (${f.key}), which is not part of the form's template: refused.`,
        { key: f.key },
      );
    }
  });
  if (b.nonce.length < 16 || b.nonce.length > 64) throw invalid("request", "the nonce must be 16 to 64 bytes");
  if (b.expiresAt <= b.issuedAt) throw invalid("request", "it expires before it is issued");
  if (b.retention.note === "") throw invalid("request", "an empty retention note is written by leaving the note out");
}

/** Reads a request the way a wallet must. `now` in unix seconds. */
export function verifyRequest(text: string, trusted: Uint8Array[], now: number): VerifiedRequest {
  const env = openEnvelope("request", text);
  verifyEnvelope(env, trusted);
  const body = bodyFromCbor(envelopeBody(env));
  checkBody(body);
  if (now > body.expiresAt + CLOCK_SKEW_SECS) {
    throw new QrError("expired", "This request has expired. Ask the desk for a new code.", { expiresAt: body.expiresAt, now });
  }
  if (body.issuedAt > now + CLOCK_SKEW_SECS) {
    throw new QrError("not_yet_valid", "This request is dated in the future: check the phone's clock.", { issuedAt: body.issuedAt, now });
  }
  return { body, officeKey: env.signer };
}

/** Decodes without trust or time checks (to name the office in an "untrusted" message). */
export function decodeRequestUnverified(text: string): { body: RequestBody; signer: Uint8Array; signatureValid: boolean } {
  const env = openEnvelope("request", text);
  return { body: bodyFromCbor(envelopeBody(env)), signer: env.signer, signatureValid: signatureValid(env) };
}

