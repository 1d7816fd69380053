// The companion's pairing link: parsed strictly; a newer version asks for an update.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { toBase64Url, utf8 } from "../../src/shared/bytes";
import { PairingError, pairingParam, parsePairing } from "../../src/companion/pairing";
import { isAnswerText } from "../../src/companion/submit";
import { REPO } from "../support/paths";

const enc = (o: unknown): string => toBase64Url(utf8.encode(JSON.stringify(o)));

test("reads a pairing link and strips the relay's trailing slash", () => {
  const link = `https://10.0.0.2:8443/companion/#pair=${enc({ v: 1, relay: "https://10.0.0.2:8443/", token: "fdt_x", desk: "d1", label: "Counter 1" })}`;
  const p = parsePairing(pairingParam(link)!);
  assert.deepEqual(p, { v: 1, relay: "https://10.0.0.2:8443", token: "fdt_x", desk: "d1", label: "Counter 1", fingerprint: undefined });
  assert.equal(pairingParam("FDA1:XYZ"), null);
});

interface LinkCase {
  base: string;
  token: string;
  desk: string;
  label: string;
  fingerprint_hex: string | null;
  url: string;
}

test("reads the links the desk makes (shared fixture, checked against Rust's pairing_url)", () => {
  const fixture = JSON.parse(readFileSync(join(REPO, "src-tauri", "tests", "pairing-links.json"), "utf8")) as { cases: LinkCase[] };
  assert.ok(fixture.cases.length >= 2);
  for (const c of fixture.cases) {
    const param = pairingParam(c.url);
    assert.ok(param, c.url);
    assert.deepEqual(parsePairing(param), {
      v: 1,
      relay: c.base,
      token: c.token,
      desk: c.desk,
      label: c.label,
      fingerprint: c.fingerprint_hex ?? undefined,
    });
  }
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
