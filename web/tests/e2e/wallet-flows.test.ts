// The wallet in headless Chromium, with requests and receipts signed by a test office that
// encodes like the Rust code (the fake camera's request QR is drawn by the Rust renderer, and
// the answer on screen is opened by the Rust decoder too): untrusted office, trusting a key, scanning a request with the
// fake camera, consent with a declined and an unavailable field, the answer opened to the
// right values, the history without values, the deletion receipt (tampered, genuine, and
// signed by another office than the one that asked),
// prefill from remembered values, and the clear refusals (expired, outside the template,
// update needed).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { launchPhone, type Phone } from "../support/browser";
import { serveDist, type StaticServer } from "../support/static-server";
import { pngToY4m } from "../support/y4m";
import { rows, rustCheckResponse, rustRender } from "../support/rust";
import { TestOffice, sampleBody } from "../support/office";
import { openWallet, pasteCode, readResponseQr, snap, trustOfficeByPaste } from "../support/wallet-page";
import { DIST } from "../support/paths";
import { matchCode, openResponse, type RequestBody } from "../../src/shared/qr";

const office = new TestOffice(new Uint8Array(32).fill(42));
const windowSecret = crypto.getRandomValues(new Uint8Array(32));
const now = Math.floor(Date.now() / 1000);
const first: RequestBody = sampleBody(now, windowSecret);
const dir = mkdtempSync(join(tmpdir(), "formdesk-wallet-"));
let server: StaticServer;
let phone: Phone;
let page: Page;

before(async () => {
  rustRender(office.signRequest(first), join(dir, "req.png"), 4);
  pngToY4m(join(dir, "req.png"), join(dir, "req.y4m"));
  server = await serveDist(DIST);
  phone = await launchPhone(join(dir, "req.y4m"));
  page = await phone.context.newPage();
  await openWallet(page, `${server.url}/wallet/`);
});

after(async () => {
  await phone?.close();
  await server?.close();
});


async function errorOf(text: string): Promise<string | null> {
  await page.goto(`${server.url}/wallet/`);
  await pasteCode(page, text);
  const screen = page.locator('[data-screen="request-error"]');
  await screen.waitFor();
  return screen.getAttribute("data-error");
}

test("the wallet is an installable PWA with a service worker", async () => {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const cdp = await phone.context.newCDPSession(page);
  const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: unknown[] };
  assert.deepEqual(installabilityErrors, []);
});

test("a request from an office not yet trusted is refused and names the office", async () => {
  await page.locator('[data-screen="home"]').waitFor();
  assert.equal(await errorOf(office.signRequest(first)), "untrusted");
  assert.match(await page.locator('[data-screen="request-error"]').innerText(), /City Hall Springfield/);
  await snap(page, "wallet-untrusted");
});

test("after trusting the office key, a scanned request shows who asks, why, and the matching code", async () => {
  await page.getByTestId("home").click();
  await trustOfficeByPaste(page, office.keyText());
  await page.getByTestId("nav-home").click();
  await page.getByTestId("scan").click(); // the fake camera shows the first request
  await page.locator('[data-screen="review"]').waitFor({ timeout: 20_000 });
  assert.equal(await page.getByTestId("office").innerText(), "City Hall Springfield");
  assert.equal(await page.getByTestId("desk").innerText(), "Counter 3");
  assert.equal(await page.getByTestId("form").innerText(), "Change of address");
  assert.equal(await page.getByTestId("match-code").innerText(), matchCode(first));
  assert.match(await page.getByTestId("retention").innerText(), /Deleted from the relay on delivery.*90 days/);
  assert.equal(await page.getByTestId("contact").innerText(), "privacy@springfield.example");
  assert.match(await page.locator('[data-key="address.street"]').innerText(), /Why: Your new address/);
});

test("consent: a declined and an empty field arrive declined and unavailable; typed values open right", async () => {
  await page.getByTestId("value-person.given_name").fill("Ana");
  await page.getByTestId("value-person.family_name").fill("Lima");
  await page.getByTestId("value-address.street").fill("1 Elm Street");
  await page.getByTestId("tick-address.street").uncheck();
  assert.equal(await page.getByTestId("state-address.street").innerText(), "not shared");
  assert.equal(await page.getByTestId("state-contact.email").innerText(), "not available");
  await snap(page, "wallet-review");
  await page.getByTestId("share").click();
  const text = await readResponseQr(page);
  await snap(page, "wallet-response");
  assert.deepEqual(openResponse(text, windowSecret, first), [
    ["person.given_name", { outcome: "shared", value: "Ana" }],
    ["person.family_name", { outcome: "shared", value: "Lima" }],
    ["address.street", { outcome: "declined" }],
    ["contact.email", { outcome: "unavailable" }],
  ]);
  // The Rust decoder (what the desk's window runs) opens the same screen to the same values.
  const shot = join(dir, "answer.png");
  writeFileSync(shot, await page.getByTestId("response-qr").screenshot());
  const rust = rustCheckResponse(office.signRequest(first), windowSecret, { image: shot });
  assert.equal(rust.match_code, matchCode(first));
  assert.deepEqual(rows(rust), [
    ["person.given_name", "shared", "Ana"],
    ["person.family_name", "shared", "Lima"],
    ["address.street", "declined"],
    ["contact.email", "unavailable"],
  ]);
  assert.ok(rust.fields.every((f) => f.provenance === "self_declared"));
  assert.match(await page.getByTestId("remembered").innerText(), /2 new value/);
});

test("the history lists the answer without values and says deletion not confirmed", async () => {
  await page.getByTestId("done").click();
  const entry = page.getByTestId("history-entry");
  await entry.waitFor();
  const text = await entry.innerText();
  assert.match(text, /City Hall Springfield — Change of address/);
  assert.match(text, /Deletion not confirmed/);
  assert.ok(!text.includes("Ana") && !text.includes("Lima"), "the history must hold no values");
  assert.equal(await entry.locator('[data-key="address.street"]').getAttribute("data-outcome"), "declined");
  const stored = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const r = indexedDB.open("formdesk-wallet");
        r.onsuccess = () => {
          const q = r.result.transaction("history").objectStore("history").getAll();
          q.onsuccess = () => resolve(JSON.stringify(q.result));
        };
      }),
  );
  assert.ok(!stored.includes("Ana") && !stored.includes("Lima"));
});

test("a tampered receipt is rejected and a genuine one confirms the deletion", async () => {
  const receiptOf = (fieldsReceived: string[]) =>
    office.signReceipt({
      requestId: first.requestId,
      formId: first.formId,
      fieldsReceived,
      relayDeletedAt: now + 30,
      officeRetains: "the completed change-of-address form",
      days: 90,
      issuedAt: now + 60,
    });
  const receipt = receiptOf(["person.given_name", "person.family_name"]);
  const tampered = receipt.slice(0, 20) + (receipt[20] === "A" ? "B" : "A") + receipt.slice(21);
  // Genuine, but it lists the street, which the citizen declined (docs/qr-format.md §5).
  const overclaiming = receiptOf(["person.given_name", "address.street"]);
  for (const [text, expect] of [
    [tampered, /Receipt rejected/],
    [overclaiming, /Receipt refused: it does not match your answer/],
    [receipt, /Deletion receipt verified/],
  ] as const) {
    await pasteCode(page, text, "receipt-paste");
    // Wait for this paste's own message (the previous one is on screen until re-render).
    await page.locator('[data-screen="history"] > .notice', { hasText: expect }).waitFor();
  }
  const entry = page.getByTestId("history-entry");
  assert.equal(await entry.getAttribute("data-deletion"), "confirmed");
  await snap(page, "wallet-history");
  assert.match(await entry.innerText(), /Deletion confirmed.*keeps the completed change-of-address form for 90 days/s);
});

test("the next request is prefilled from remembered values", async () => {
  const second = sampleBody(now, windowSecret);
  await page.getByTestId("nav-home").click();
  await pasteCode(page, office.signRequest(second));
  await page.locator('[data-screen="review"]').waitFor();
  assert.equal(await page.getByTestId("value-person.given_name").inputValue(), "Ana");
  assert.equal(await page.getByTestId("value-address.street").inputValue(), "");
  assert.notEqual(await page.getByTestId("match-code").innerText(), "");
  await page.getByTestId("cancel").click();
});

test("expired, out-of-template and newer-version requests get their own clear message", async () => {
  const expired = sampleBody(now, windowSecret, { issuedAt: now - 3600, expiresAt: now - 1800 });
  assert.equal(await errorOf(office.signRequest(expired)), "expired");
  const outside = sampleBody(now, windowSecret, { template: ["person.given_name", "person.family_name", "contact.email"] });
  assert.equal(await errorOf(office.signRequest(outside)), "outside_template");
  assert.match(await page.locator('[data-screen="request-error"]').innerText(), /not part of the form's template: refused/);
  assert.equal(await errorOf(office.signRequest(sampleBody(now, windowSecret), 2)), "update_needed");
  assert.match(await page.locator('[data-screen="request-error"]').innerText(), /Update needed/);
});

test("adding the office key from the 'unknown office' screen reopens the pending request", async () => {
  const other = new TestOffice(new Uint8Array(32).fill(7), "Springfield Clinic");
  const req = sampleBody(now, windowSecret, { officeName: "Springfield Clinic", deskLabel: "Intake 1" });
  assert.equal(await errorOf(other.signRequest(req)), "untrusted");
  await pasteCode(page, other.keyText(), "key-paste");
  await page.locator('[data-screen="review"]').waitFor();
  assert.equal(await page.getByTestId("desk").innerText(), "Intake 1");
  assert.equal(await page.getByTestId("match-code").innerText(), matchCode(req));
});

test("a receipt signed by another office than the one that asked is refused and not attached", async () => {
  // Trusted, so the signature verifies: only the signer check can refuse it.
  const stranger = new TestOffice(new Uint8Array(32).fill(9), "Springfield Library");
  await page.goto(`${server.url}/wallet/`);
  await page.locator('[data-screen="home"]').waitFor();
  await trustOfficeByPaste(page, stranger.keyText());
  const forged = stranger.signReceipt({
    requestId: first.requestId,
    formId: first.formId,
    fieldsReceived: ["person.given_name"],
    relayDeletedAt: now + 90,
    officeRetains: "nothing at all",
    days: 1,
    issuedAt: now + 120,
  });
  await page.getByTestId("nav-history").click();
  await pasteCode(page, forged, "receipt-paste");
  const refusal = page.locator('[data-screen="history"] > .notice', { hasText: /Receipt refused: signed by another office/ });
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /not by the office that asked/);
  await snap(page, "wallet-receipt-other-office");
  const entry = page.getByTestId("history-entry");
  const text = await entry.innerText();
  assert.match(text, /keeps the completed change-of-address form for 90 days/, "the genuine receipt stays attached");
  assert.ok(!text.includes("nothing at all"), "the other office's receipt must not be attached");
});

test("offline: the installed wallet starts and reads a code with its server gone", async () => {
  await page.goto(`${server.url}/wallet/`);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  // The service worker's cache has everything, the decoder's WebAssembly included.
  const cached = await page.evaluate(async () => (await caches.keys()).length > 0 && (await caches.match("zxing_reader.wasm", { ignoreSearch: true })) !== undefined);
  assert.ok(cached, "the QR decoder is precached");
  await server.close();
  server = undefined as unknown as StaticServer;
  await page.reload();
  await page.locator('[data-screen="home"]').waitFor();
  await page.getByTestId("scan").click(); // the fake camera still shows the first request
  await page.locator('[data-screen="review"]').waitFor({ timeout: 20_000 });
  assert.equal(await page.getByTestId("match-code").innerText(), matchCode(first));
});
