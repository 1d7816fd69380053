// The deletion receipt (`FDD1:`), signed by the office: which fields reached the office,
// when the relay deleted them, what the office keeps and for how long. Body map keys:
// 0 request id, 1 form id, 2 office name, 3 fields received, 4 relay deleted at,
// 5 office retains (text), 6 retention days, 7 issued at (relay/protocol/src/qr/receipt.rs).

import { toHex } from "../bytes";
import { MapReader } from "./cbor";
import { invalid } from "./errors";
import { envelopeBody, openEnvelope, verifyEnvelope } from "./signed";

export interface ReceiptBody {
  requestId: string;
  formId: string;
  officeName: string;
  fieldsReceived: string[];
  relayDeletedAt: number;
  officeRetains: string;
  officeRetentionDays: number;
  issuedAt: number;
}

export interface VerifiedReceipt {
  body: ReceiptBody;
  officeKey: Uint8Array;
}

export function verifyReceipt(text: string, trusted: Uint8Array[]): VerifiedReceipt {
  const env = openEnvelope("receipt", text);
  verifyEnvelope(env, trusted);
  const m = new MapReader("receipt", envelopeBody(env), "receipt body");
  return {
    body: {
      requestId: toHex(m.fixed(0, "request id", 16)),
      formId: m.text(1, "form id"),
      officeName: m.text(2, "office name"),
      fieldsReceived: m.texts(3, "fields received"),
      relayDeletedAt: m.uint(4, "relay deletion time"),
      officeRetains: m.text(5, "office retention"),
      officeRetentionDays: m.uint(6, "office retention days"),
      issuedAt: m.uint(7, "issue time"),
    },
    officeKey: env.signer,
  };
}

/** Checks a receipt against the wallet's own record of its answer before attaching it
 *  (docs/qr-format.md §5): the same form, and every key listed once and shared by the
 *  citizen — a key never requested, declined or unavailable did not reach the office. */
export function checkReceiptAgainst(body: ReceiptBody, formId: string, shared: string[]): void {
  if (body.formId !== formId) throw invalid("receipt", `it is for form ${body.formId}, not ${formId}`);
  body.fieldsReceived.forEach((key, i) => {
    if (body.fieldsReceived.slice(0, i).includes(key)) throw invalid("receipt", `it lists ${key} twice`);
    if (!shared.includes(key)) throw invalid("receipt", `it lists ${key}, which you did not share`);
  });
}
