// The companion's pairing link: parsed strictly; a newer version asks for an update.
import { test } from "node:test";
import assert from "node:assert/strict";
import { toBase64Url, utf8 } from "../../src/shared/bytes";
import { PairingError, pairingParam, parsePairing } from "../../src/companion/pairing";
import { isAnswerText } from "../../src/companion/submit";

const enc = (o: unknown): string => toBase64Url(utf8.encode(JSON.stringify(o)));

test("reads a pairing link and strips the relay's trailing slash", () => {
  const link = `https://10.0.0.2:8443/companion/#pair=${enc({ v: 1, relay: "https://10.0.0.2:8443/", token: "fdt_x", desk: "d1", label: "Counter 1" })}`;
  const p = parsePairing(pairingParam(link)!);
  assert.deepEqual(p, { v: 1, relay: "https://10.0.0.2:8443", token: "fdt_x", desk: "d1", label: "Counter 1", fingerprint: undefined });
  assert.equal(pairingParam("FDA1:XYZ"), null);
});

test("refuses damaged, incomplete and newer pairing codes with distinct messages", () => {
  assert.throws(() => parsePairing("!!!"), PairingError);
  assert.throws(() => parsePairing(enc({ v: 1, relay: "ftp://x", token: "t", desk: "d" })), /http/);
  assert.throws(() => parsePairing(enc({ v: 1, relay: "https://x" })), /token/);
  try {
    parsePairing(enc({ v: 2, relay: "https://x", token: "t", desk: "d" }));
    assert.fail("accepted v2");
  } catch (e) {
    assert.ok(e instanceof PairingError && e.updateNeeded);
  }
});

test("recognises answer texts only", () => {
  assert.ok(isAnswerText("FDA1:ABC"));
  assert.ok(!isAnswerText("FDR1:ABC"));
  assert.ok(!isAnswerText("hello"));
});
