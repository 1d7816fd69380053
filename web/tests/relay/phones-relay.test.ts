// Both phones against the REAL relay (formdesk-relay binary on 127.0.0.1, temp data dir):
// a desk window asks the relay for a signed request; the wallet scans its QR with the fake
// camera, shows the desk's matching code, and shows an answer (one field declined) that the
// Rust scanner reads off the screen; the companion, paired by its link, scans that very
// screen and the sealed answer reaches the subscribed window, which opens it to the right
// values (and so does the Rust decoder, `formdesk-wallet check-response`, on the phone's
// screen; the request QR the fake camera shows is drawn by the Rust renderer). The relay's
// office-signed deletion receipt then verifies in the wallet. And the
// companion's clear errors: already answered (409), revoked token (401), an answer in a
// QR format version the relay does not read ("Update needed", code unsupported_version),
// expired request (410, after the relay's one-minute minimum lifetime), relay unreachable.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { launchPhone, type Phone } from "../support/browser";
import { DeskWindow, type Created } from "../support/desk";
import { RelayHome } from "../support/relay";
import { rows, rustCheckResponse, rustRender, rustScan } from "../support/rust";
import { pagesFor, type Pages } from "../support/pages";
import { pngToY4m } from "../support/y4m";
import { openWallet, pasteCode, snap, trustOfficeByPaste } from "../support/wallet-page";
import { toBase64Url, utf8 } from "../../src/shared/bytes";
import { decodeRequestUnverified, openResponse, sealResponse } from "../../src/shared/qr";

const FORM = "change-of-address";
const KEYS = ["person.given_name", "person.family_name", "address.street"];
const dir = mkdtempSync(join(tmpdir(), "formdesk-phones-"));
// Requests live one minute (the relay's minimum), so the expired case below is real.
const home = new RelayHome(60);
const desk = home.token("desk", "desk-1");
const device = home.token("device", "desk-1");
const device2 = home.token("device", "desk-1");
const device3 = home.token("device", "desk-1");
let pages: Pages;
let window: DeskWindow;
let created: Created;
let late: Created;
let answerText = "";
let walletPage: Page;
const phones: Phone[] = [];

before(async () => {
  await home.start();
  pages = await pagesFor(home.url);
  window = await DeskWindow.connect(home.url, desk.secret);
  created = await window.createRequest(home.url, desk.secret, FORM, KEYS);
  await window.subscribeOnce(created.group);
  // A second request, answered only after it expired (last test but one).
  late = await window.createRequest(home.url, desk.secret, FORM, KEYS.slice(0, 1));
  const lateBody = decodeRequestUnverified(late.qr).body;
  rustRender(sealResponse(lateBody, new Map([["person.given_name", { outcome: "shared", value: "Ana" }]])), join(dir, "late.png"), 4);
  pngToY4m(join(dir, "late.png"), join(dir, "late.y4m"));
  rustRender(created.qr, join(dir, "request.png"), 4);
  pngToY4m(join(dir, "request.png"), join(dir, "request.y4m"));
});

after(async () => {
  for (const p of phones) await p.close();
  window?.close();
  await pages?.close();
  await home.dispose();
});

async function phone(y4m: string): Promise<Page> {
  const p = await launchPhone(y4m);
  phones.push(p);
  return p.context.newPage();
}

test("the wallet scans a relay-signed request, shows the desk's matching code, and answers", async () => {
  const page = await phone(join(dir, "request.y4m"));
  walletPage = page;
  await openWallet(page, `${pages.base}/wallet/`);
  const office = (await (await fetch(`${home.url}/api/office-key`)).json()) as { qr: string };
  await trustOfficeByPaste(page, office.qr);
  await page.getByTestId("nav-home").click();
  await page.getByTestId("scan").click();
  await page.locator('[data-screen="review"]').waitFor({ timeout: 20_000 });
  assert.equal(await page.getByTestId("match-code").innerText(), created.match_code);
  assert.equal(await page.getByTestId("desk").innerText(), "Counter 3");
  await page.getByTestId("value-person.given_name").fill("Ana");
  await page.getByTestId("value-person.family_name").fill("Lima");
  await page.getByTestId("value-address.street").fill("1 Elm Street");
  await page.getByTestId("tick-address.street").uncheck();
  await page.getByTestId("share").click();
  const qr = page.getByTestId("response-qr");
  await qr.waitFor();
  await snap(page, "relay-wallet-answer");
  // What the clerk's camera sees: the phone screen, decoded by the Rust scanner.
  writeFileSync(join(dir, "answer.png"), await page.screenshot());
  const codes = rustScan(join(dir, "answer.png"));
  assert.equal(codes.length, 1, "the Rust scanner finds the answer QR on the phone screen");
  answerText = codes[0];
  assert.equal(answerText, await qr.getAttribute("data-qr-text"));
  assert.match(answerText, /^FDA1:/);
  // The Rust decoder opens the phone's screen with the window's key to the typed values.
  const rust = rustCheckResponse(created.qr, window.secret, { image: join(dir, "answer.png") });
  assert.equal(rust.request_id, created.request_id);
  assert.equal(rust.match_code, created.match_code);
  assert.deepEqual(rows(rust), [
    ["person.given_name", "shared", "Ana"],
    ["person.family_name", "shared", "Lima"],
    ["address.street", "declined"],
  ]);
});

test("the companion scans the answer and the sealed submission reaches the subscribed window", async () => {
  assert.ok(answerText, "needs the wallet's answer");
  pngToY4m(join(dir, "answer.png"), join(dir, "answer.y4m"));
  const page = await phone(join(dir, "answer.y4m"));
  const pairing = { v: 1, relay: pages.base, token: device.secret, desk: "desk-1", label: "Counter 3" };
  await page.goto(`${pages.base}/companion/#pair=${toBase64Url(utf8.encode(JSON.stringify(pairing)))}`);
  await page.locator('[data-screen="home"]').waitFor();
  await page.getByTestId("scan-answer").click();
  const result = page.locator('[data-screen="result"]');
  await result.waitFor({ timeout: 20_000 });
  assert.equal(await result.getAttribute("data-outcome"), "sent", await result.innerText());
  assert.match(await result.innerText(), /Sent to desk Counter 3/);
  await snap(page, "relay-companion-sent");
  const sub = await window.next((e) => e.type === "submission");
  const payload = sub.payload as { kind: string; qr: string };
  assert.equal(payload.kind, "sealed");
  assert.equal(payload.qr, answerText);
  assert.equal(sub.request_id, created.request_id);
  const body = decodeRequestUnverified(created.qr).body;
  assert.deepEqual(openResponse(payload.qr, window.secret, body), [
    ["person.given_name", { outcome: "shared", value: "Ana" }],
    ["person.family_name", { outcome: "shared", value: "Lima" }],
    ["address.street", { outcome: "declined" }],
  ]);
  window.ack(String(sub.id));
  await window.next((e) => e.type === "acked");

  // The same answer again: the request accepts one answer.
  await page.getByTestId("scan-next").click();
  await result.waitFor({ timeout: 20_000 });
  assert.equal(await result.getAttribute("data-outcome"), "answered", await result.innerText());

  // A revoked device token: the relay refuses it and the phone says it is no longer paired.
  const port = Number(new URL(home.url).port);
  await home.stop();
  home.revoke(device.id);
  await home.start(port);
  await page.getByTestId("scan-next").click();
  await result.waitFor({ timeout: 20_000 });
  assert.equal(await result.getAttribute("data-outcome"), "revoked", await result.innerText());
  assert.match(await result.innerText(), /no longer paired/);
  await snap(page, "relay-companion-revoked");
});

test("the office's deletion receipt from the relay verifies in the wallet and confirms the deletion", async () => {
  const res = await fetch(`${home.url}/api/requests/${created.request_id}/receipt`, {
    method: "POST",
    headers: { authorization: `Bearer ${desk.secret}`, "content-type": "application/json" },
    body: JSON.stringify({ fields_received: ["person.given_name", "person.family_name"] }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const { receipt } = (await res.json()) as { receipt: string };
  assert.match(receipt, /^FDD1:/);
  const page = walletPage;
  await page.getByTestId("done").click();
  const entry = page.getByTestId("history-entry");
  assert.equal(await entry.getAttribute("data-deletion"), "unconfirmed");
  await pasteCode(page, receipt, "receipt-paste");
  await page.locator('[data-screen="history"] > .notice', { hasText: /Deletion receipt verified/ }).waitFor();
  assert.equal(await entry.getAttribute("data-deletion"), "confirmed");
  assert.match(await entry.innerText(), /received 2 details \(Given name\(s\), Family name\)/);
});

test("an answer in a newer QR format version gets 'Update needed', not a refusal", async () => {
  assert.ok(answerText, "needs the wallet's answer");
  // The same answer as a wallet one format version ahead would frame it: FDA<version+1>:.
  const version = Number(/^FDA(\d+):/.exec(answerText)?.[1]);
  const newer = answerText.replace(/^FDA\d+:/, `FDA${version + 1}:`);
  rustRender(newer, join(dir, "newer.png"), 4);
  pngToY4m(join(dir, "newer.png"), join(dir, "newer.y4m"));
  const page = await phone(join(dir, "newer.y4m"));
  const pairing = { v: 1, relay: pages.base, token: device3.secret, desk: "desk-1", label: "Counter 3" };
  await page.goto(`${pages.base}/companion/#pair=${toBase64Url(utf8.encode(JSON.stringify(pairing)))}`);
  await page.locator('[data-screen="home"]').waitFor();
  await page.getByTestId("scan-answer").click();
  const result = page.locator('[data-screen="result"]');
  await result.waitFor({ timeout: 20_000 });
  const text = await result.innerText();
  assert.equal(await result.getAttribute("data-outcome"), "update", text);
  assert.match(text, /Update needed/);
  assert.match(text, new RegExp(`format version ${version + 1}`));
  assert.doesNotMatch(text, /refused the answer/);
  await snap(page, "relay-companion-update-needed");
});

test("an answer to an expired request gets the clear 'expired' message (410)", async () => {
  const page = await phone(join(dir, "late.y4m"));
  const pairing = { v: 1, relay: pages.base, token: device2.secret, desk: "desk-1", label: "Counter 3" };
  await page.goto(`${pages.base}/companion/#pair=${toBase64Url(utf8.encode(JSON.stringify(pairing)))}`);
  await page.locator('[data-screen="home"]').waitFor();
  const wait = late.expires_at * 1000 + 1500 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  await page.getByTestId("scan-answer").click();
  const result = page.locator('[data-screen="result"]');
  await result.waitFor({ timeout: 20_000 });
  assert.equal(await result.getAttribute("data-outcome"), "expired", await result.innerText());
  assert.match(await result.innerText(), /The request has expired/);
});

test("the companion says clearly when the relay cannot be reached", async () => {
  const page = await phone(join(dir, "answer.y4m"));
  const pairing = { v: 1, relay: pages.base, token: "fdt_unused", desk: "desk-1", label: "Counter 3" };
  await page.goto(`${pages.base}/companion/#pair=${toBase64Url(utf8.encode(JSON.stringify(pairing)))}`);
  await page.locator('[data-screen="home"]').waitFor();
  await home.stop();
  await page.getByTestId("scan-answer").click();
  const result = page.locator('[data-screen="result"]');
  await result.waitFor({ timeout: 30_000 });
  assert.equal(await result.getAttribute("data-outcome"), "unreachable", await result.innerText());
  assert.match(await result.innerText(), /cannot be reached/);
});
