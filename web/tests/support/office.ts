// A test-only office: signs requests and deletion receipts exactly as the Rust encoder does
// (relay/protocol/src/qr/{signed,request,receipt}.rs), so the wallet's screens can be
// driven through many cases quickly. Interop with the real Rust code is tested separately
// (vectors.json and the Rust-made QR scenario).

import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { concat, utf8 } from "../../src/shared/bytes";
import { toCbor } from "../../src/shared/qr/cbor";
import { encodeFrame, prefix } from "../../src/shared/qr/frame";
import { keyToQrText } from "../../src/shared/qr/key";
import type { QrKind } from "../../src/shared/qr/errors";
import type { RequestBody } from "../../src/shared/qr";

export class TestOffice {
  readonly publicKey: Uint8Array;
  constructor(
    private readonly seed: Uint8Array,
    readonly name = "City Hall Springfield",
  ) {
    this.publicKey = ed25519.getPublicKey(seed);
  }

  keyText(): string {
    return keyToQrText(this.publicKey, this.name);
  }

  signRequest(b: RequestBody, version = 1): string {
    const m = new Map<number, unknown>([
      [0, b.formId],
      [1, b.formVersion],
      [2, b.formTitle],
      [3, b.lang],
      [4, b.officeName],
      [5, b.deskLabel],
      [6, b.fields.map((f) => [f.key, f.label, f.purpose])],
      [7, [b.retention.relayDeletesOnDelivery, b.retention.officeDays, ...(b.retention.note ? [b.retention.note] : [])]],
      [8, b.contact],
      [9, b.requestId],
      [10, b.nonce],
      [11, b.issuedAt],
      [12, b.expiresAt],
      [13, b.ephemeralPublic],
      [14, b.template],
    ]);
    return this.seal("request", toCbor(m), version);
  }

  signReceipt(r: { requestId: Uint8Array; formId: string; fieldsReceived: string[]; relayDeletedAt: number; officeRetains: string; days: number; issuedAt: number }): string {
    const m = new Map<number, unknown>([
      [0, r.requestId],
      [1, r.formId],
      [2, this.name],
      [3, r.fieldsReceived],
      [4, r.relayDeletedAt],
      [5, r.officeRetains],
      [6, r.days],
      [7, r.issuedAt],
    ]);
    return this.seal("receipt", toCbor(m));
  }

  /** Signs body bytes as they are, even ones breaking the reading rules (tests of readers). */
  seal(kind: QrKind, body: Uint8Array, version = 1): string {
    const sig = ed25519.sign(concat(utf8.encode(prefix(kind)), body), this.seed);
    const text = encodeFrame(kind, toCbor([body, sig, this.publicKey]));
    return version === 1 ? text : text.replace(/^(FD.)1:/, `$1${version}:`);
  }
}

/** A request body for tests: `now` in unix seconds, the window key from `windowSecret`. */
export function sampleBody(now: number, windowSecret: Uint8Array, over: Partial<RequestBody> = {}): RequestBody {
  const rnd = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
  return {
    formId: "change-of-address",
    formVersion: 1,
    formTitle: "Change of address",
    lang: "en",
    officeName: "City Hall Springfield",
    deskLabel: "Counter 3",
    fields: [
      { key: "person.given_name", label: "Given name", purpose: "To identify you in the register" },
      { key: "person.family_name", label: "Family name", purpose: "To identify you in the register" },
      { key: "address.street", label: "New street", purpose: "Your new address" },
      { key: "contact.email", label: "E-mail", purpose: "To send the confirmation" },
    ],
    retention: { relayDeletesOnDelivery: true, officeDays: 90 },
    contact: "privacy@springfield.example",
    requestId: rnd(16),
    nonce: rnd(16),
    issuedAt: now - 5,
    expiresAt: now + 600,
    ephemeralPublic: x25519.getPublicKey(windowSecret),
    template: ["person.given_name", "person.family_name", "address.street", "address.postcode", "contact.email"],
    ...over,
  };
}
