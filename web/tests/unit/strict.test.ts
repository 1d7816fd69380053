// The strict reading rules of docs/qr-format.md §1 in the TypeScript reader (issue 14,
// items 10-13; the Rust twin is relay/protocol/tests/all/strict.rs): deterministic CBOR in
// signed and sealed bodies, nothing after the compressed data, the stated nesting limit,
// uppercase version characters, the error classes and the retention note's encoding.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "fflate";
import { concat, fromHex, utf8 } from "../../src/shared/bytes";
import { decodeBase45, encodeBase45 } from "../../src/shared/base45";
import { checkReceiptAgainst, decodeFrame, openResponse, QrError, verifyRequest } from "../../src/shared/qr";
import { sealWith } from "../../src/shared/qr/response";
import { checkStrict, MAX_DEPTH } from "../../src/shared/qr/strict";
import { TestOffice } from "../support/office";
import { REPO } from "../support/paths";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const V: any = JSON.parse(readFileSync(join(REPO, "relay", "protocol", "tests", "vectors.json"), "utf8"));
const seq = (start: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => start + i);
const office = new TestOffice(seq(0));
const AT: number = V.request.verify_at;
const BODY = fromHex(V.request.body_cbor_hex);

function failure(fn: () => unknown): QrError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof QrError, String(e));
    return e;
  }
  assert.fail("no error");
}

function malformedBecause(fn: () => unknown, why: string): void {
  const e = failure(fn);
  assert.equal(e.code, "malformed", e.message);
  assert.ok(e.message.includes(why), e.message);
}

const verifySigned = (body: Uint8Array) => verifyRequest(office.seal("request", body), [office.publicKey], AT);

/** `BODY` with `insert` at `at` (and `cut` bytes removed there). */
function spliced(at: number, insert: number[], cut = 0, head?: number): Uint8Array {
  const b = concat(BODY.subarray(0, at), Uint8Array.from(insert), BODY.subarray(at + cut));
  if (head !== undefined) b[0] = head;
  return b;
}

// Offsets in the vector body: 0 map head (15 entries), 20 key 1 (form version), 45 key 4
// (office name, 21 characters), 68 key 5.
const text = (s: string): number[] => [...(s.length < 24 ? [0x60 + s.length] : [0x78, s.length]), ...utf8.encode(s)];

test("strict: the unchanged vector body verifies", () => {
  assert.equal(BODY[0], 0xaf);
  assert.deepEqual([BODY[20], BODY[21], BODY[45], BODY[68]], [1, 1, 4, 5]);
  verifySigned(BODY);
});

test("strict: a signed request with a duplicate map key is refused", () => {
  malformedBecause(() => verifySigned(spliced(68, [4, ...text("Shelbyville Office")], 0, 0xb0)), "duplicate map key");
});

test("strict: a signed request with keys out of order is refused", () => {
  malformedBecause(() => verifySigned(spliced(68, [3, ...text("nl")], 0, 0xb0)), "order");
});

test("strict: an indefinite-length map and a non-shortest integer are refused", () => {
  malformedBecause(() => verifySigned(concat(Uint8Array.of(0xbf), BODY.subarray(1), Uint8Array.of(0xff))), "indefinite");
  malformedBecause(() => verifySigned(spliced(21, [0x18, 0x01], 1)), "shortest");
});

test("strict: an unknown key may hold deep data up to the stated limit", () => {
  const nested = (arrays: number): number[] => [...Array(arrays - 1).fill(0x81), 0x80];
  verifySigned(concat(spliced(BODY.length, [0x18, 99, ...nested(MAX_DEPTH - 1)], 0, 0xb0)));
  malformedBecause(() => verifySigned(spliced(BODY.length, [0x18, 99, ...nested(MAX_DEPTH)], 0, 0xb0)), "too deep");
  const far = new Uint8Array(100_000).fill(0x81);
  assert.equal(checkStrict(far)?.truncated, false);
});

function reframe(t: string, change: (raw: Uint8Array) => Uint8Array): string {
  return t.slice(0, 5) + encodeBase45(change(decodeBase45(t.slice(5))));
}

test("strict: bytes after the compressed data are refused", () => {
  verifyRequest(V.request.qr_text, [office.publicKey], AT);
  for (const tail of [[0], [...utf8.encode("changed")]]) {
    const changed = reframe(V.request.qr_text, (raw) => concat(raw, Uint8Array.from(tail)));
    malformedBecause(() => verifyRequest(changed, [office.publicKey], AT), "trailing bytes after the compressed data");
  }
  // Many streams: none is taken for one with trailing bytes, and each is with one more byte.
  for (let n = 0; n < 300; n += 7) {
    const payload = Uint8Array.from({ length: n * 3 }, (_, i) => (i * 31 + n) % (n % 5 === 0 ? 3 : 251));
    const raw = concat(Uint8Array.of(1), deflateSync(payload, { level: ((n % 9) + 1) as 1 }));
    assert.deepEqual(decodeFrame("request", `FDR1:${encodeBase45(raw)}`), payload);
    malformedBecause(() => decodeFrame("request", `FDR1:${encodeBase45(concat(raw, Uint8Array.of(n)))}`), "trailing");
  }
});

test("strict: an over-size payload and an unknown flag byte are malformed", () => {
  const big = concat(Uint8Array.of(1), deflateSync(new Uint8Array(64 * 1024 + 1)));
  malformedBecause(() => decodeFrame("request", `FDR1:${encodeBase45(big)}`), "payload too large");
  malformedBecause(() => decodeFrame("request", `FDR1:${encodeBase45(Uint8Array.of(2, 0x80))}`), "flag byte");
});

test("strict: a lowercase version character is not a FormDesk code", () => {
  assert.equal(failure(() => decodeFrame("request", "FDRa:00")).code, "bad_prefix");
  assert.equal(failure(() => decodeFrame("request", "FDRB:00")).code, "update_needed");
});

test("strict: the retention note is a third element, present only when there is one", () => {
  const at = BODY.findIndex((_, i) => [7, 0x82, 0xf5, 0x19, 0x01, 0x6d].every((x, j) => BODY[i + j] === x));
  assert.ok(at > 0);
  assert.equal(verifySigned(BODY).body.retention.note, undefined);
  const noted = (note: number[]) => verifySigned(spliced(at, [7, 0x83, 0xf5, 0x19, 0x01, 0x6d, ...note], 6));
  assert.equal(noted(text("Paper copies are shredded.")).body.retention.note, "Paper copies are shredded.");
  assert.equal(failure(() => noted(text(""))).code, "invalid");
  malformedBecause(() => noted([0xf6]), "must be text");
  malformedBecause(() => verifySigned(spliced(at, [7, 0x84, 0xf5, 0x19, 0x01, 0x6d, ...text("a"), ...text("b")], 6)), "more than 3");
});

test("strict: sealed plaintext must be deterministic too", () => {
  const req = verifyRequest(V.request.qr_text, [office.publicKey], AT).body;
  const open = (plain: number[]) =>
    openResponse(sealWith(seq(0x40), req.requestId, req.nonce, req.ephemeralPublic, Uint8Array.from(plain)), seq(0x20), req);
  const a = 0x61;
  assert.equal(open([0x85, a, 97, 0, 1, 0, 0]).length, 5);
  malformedBecause(() => open([0x85, 0xa2, 0, a, 97, 0, a, 98, 0, 1, 0, 0]), "duplicate map key");
  malformedBecause(() => open([0x98, 5, a, 97, 0, 1, 0, 0]), "shortest");
  malformedBecause(() => open([0x9f, a, 97, 0, 1, 0, 0, 0xff]), "indefinite");
  malformedBecause(() => open([0x85, a, 97, 0, 1, 0, 0, 0]), "trailing");
});

test("receipts: a wallet attaches one only when it lists keys the citizen shared, once", () => {
  const receipt = (fieldsReceived: string[], formId = "change-of-address") => ({
    requestId: "00",
    formId,
    officeName: "City Hall",
    fieldsReceived,
    relayDeletedAt: 1,
    officeRetains: "the form",
    officeRetentionDays: 30,
    issuedAt: 2,
  });
  const shared = ["person.given_name", "person.family_name"];
  checkReceiptAgainst(receipt([]), "change-of-address", shared);
  checkReceiptAgainst(receipt(["person.given_name"]), "change-of-address", shared);
  for (const [r, why] of [
    [receipt(["person.given_name", "address.street"]), "address.street, which you did not share"],
    [receipt(["person.given_name", "person.given_name"]), "twice"],
    [receipt([], "patient-intake"), "for form patient-intake"],
  ] as const) {
    const e = failure(() => checkReceiptAgainst(r, "change-of-address", shared));
    assert.equal(e.code, "invalid");
    assert.ok(e.message.includes(why), e.message);
  }
});
