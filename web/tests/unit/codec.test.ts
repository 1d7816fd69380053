// The TypeScript codec on its own: framing errors, office keys, sealing and opening an
// answer (declined and unavailable outcomes), the matching code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { decodeFrame, encodeFrame, fingerprint, keyToQrText, matchCode, openResponse, parseOfficeKey, QrError, sealResponse, type RequestBody } from "../../src/shared/qr";

function body(over: Partial<RequestBody> = {}): RequestBody {
  return {
    formId: "change-of-address",
    formVersion: 1,
    formTitle: "Change of address",
    lang: "en",
    officeName: "City Hall",
    deskLabel: "Counter 3",
    fields: [
      { key: "person.given_name", label: "Given name", purpose: "To identify you" },
      { key: "person.family_name", label: "Family name", purpose: "To identify you" },
      { key: "contact.email", label: "E-mail", purpose: "To confirm" },
    ],
    retention: { relayDeletesOnDelivery: true, officeDays: 30 },
    contact: "privacy@example.org",
    requestId: new Uint8Array(16).fill(7),
    nonce: new Uint8Array(16).fill(9),
    issuedAt: 1_700_000_000,
    expiresAt: 1_700_000_600,
    ephemeralPublic: x25519.getPublicKey(new Uint8Array(32).fill(3)),
    template: ["person.given_name", "person.family_name", "contact.email", "address.street"],
    ...over,
  };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof QrError, String(e));
    return e.code;
  }
  assert.fail("no error");
}

test("frames round trip and each framing failure has its own code", () => {
  const big = new Uint8Array(600).fill(97);
  const t = encodeFrame("request", big);
  assert.ok(t.startsWith("FDR1:") && t.length < 100);
  assert.deepEqual(decodeFrame("request", t), big);
  assert.deepEqual(decodeFrame("key", encodeFrame("key", Uint8Array.of(1, 2, 3))), Uint8Array.of(1, 2, 3));
  assert.equal(code(() => decodeFrame("request", "hello")), "bad_prefix");
  assert.equal(code(() => decodeFrame("request", "FDA1:00")), "wrong_kind");
  assert.equal(code(() => decodeFrame("request", "FDR2:00")), "update_needed");
  assert.equal(code(() => decodeFrame("request", "FDR1:abc")), "malformed");
  assert.equal(code(() => decodeFrame("request", "FDR1:0000")), "truncated");
  const plain = encodeFrame("key", Uint8Array.of(1, 2, 3, 4, 5));
  assert.equal(code(() => decodeFrame("key", plain.slice(0, plain.length - 2))), "truncated");
});

test("office key texts round trip and bad keys are refused", () => {
  const key = ed25519.getPublicKey(new Uint8Array(32).fill(7));
  const parsed = parseOfficeKey(keyToQrText(key, "City Hall"));
  assert.deepEqual(parsed.key, key);
  assert.equal(parsed.name, "City Hall");
  assert.equal(fingerprint(key).length, 19);
  assert.equal(code(() => parseOfficeKey("AAAA")), "bad_key");
});

test("an answer seals to the window key and opens with declined and unavailable outcomes", () => {
  const windowSecret = new Uint8Array(32).fill(3);
  const b = body();
  const answers = new Map([
    ["person.given_name", { outcome: "shared" as const, value: "Ana" }],
    ["person.family_name", { outcome: "declined" as const }],
  ]);
  const text = sealResponse(b, answers);
  assert.ok(/^FDA1:[0-9A-Z $%*+\-./:]+$/.test(text));
  assert.deepEqual(openResponse(text, windowSecret, b), [
    ["person.given_name", { outcome: "shared", value: "Ana" }],
    ["person.family_name", { outcome: "declined" }],
    ["contact.email", { outcome: "unavailable" }],
  ]);
  assert.equal(code(() => openResponse(text, new Uint8Array(32).fill(4), b)), "invalid");
  assert.equal(code(() => sealResponse(b, new Map([["id.document_number", { outcome: "shared", value: "X" }]]))), "unrequested_key");
});

test("the matching code is three digits, stable, and differs for another request", () => {
  const a = matchCode(body());
  assert.match(a, /^[0-9]{3}$/);
  assert.equal(matchCode(body()), a);
  const others = new Set(Array.from({ length: 20 }, (_, i) => matchCode(body({ nonce: new Uint8Array(16).fill(i + 10) }))));
  assert.ok(others.size > 10);
});

test("a 12-field answer rendered by the phone fits QR version 10 at error correction M", async () => {
  const { qrVersion } = await import("../../src/shared/qrview");
  // The same 12 values as the Rust size table (relay/protocol/tests/all/util.rs profile).
  const values: Array<[string, string]> = [
    ["person.given_name", "Maria Johanna"],
    ["person.family_name", "van der Berg"],
    ["person.birth_date", "1987-04-12"],
    ["person.birth_place", "Utrecht"],
    ["person.nationality", "NL"],
    ["person.sex", "female"],
    ["person.occupation", "employed"],
    ["address.street", "Keizersgracht 123-II"],
    ["address.postcode", "1015 CJ"],
    ["address.city", "Amsterdam"],
    ["address.country", "NL"],
    ["contact.email", "maria.vandenberg@example.nl"],
  ];
  const b = body({ fields: values.map(([key]) => ({ key, label: "", purpose: "" })), template: values.map(([k]) => k) });
  const text = sealResponse(b, new Map(values.map(([k, v]) => [k, { outcome: "shared" as const, value: v }])));
  const version = qrVersion(text, "M");
  assert.ok(version <= 10, `12-field answer needs version ${version} at M (${text.length} characters)`);
});
