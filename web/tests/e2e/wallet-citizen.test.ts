// The wallet as a citizen meets it, in headless Chromium at phone size with a Dutch locale:
// the first-run explanation, the install offer, "My details" as a grouped form with typed
// inputs (dates stored as ISO whatever the locale shows) checked before saving, a date an
// older wallet kept as "12/04/1987" flagged on My details and on the consent screen and never
// shared until the citizen picks it, labels instead of vocabulary keys on every screen (the
// rendered DOM is walked for keys), the camera refused (plain message, photo upload instead).
// Screenshots of My details, consent and history go to docs/ with FORMDESK_DOC_SCREENSHOTS=1.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { launchPhone, type Phone } from "../support/browser";
import { TestOffice, sampleBody } from "../support/office";
import { DIST } from "../support/paths";
import { writeQrPng } from "../support/qrpng";
import { serveDist, type StaticServer } from "../support/static-server";
import { docShot, keysOnScreen, openWallet, pasteCode, readResponseQr, trustOfficeByPaste } from "../support/wallet-page";
import { pngToY4m } from "../support/y4m";
import { openResponse, type RequestBody } from "../../src/shared/qr";
import vocabulary from "../../../relay/protocol/vocabulary.json";

const KEYS = (vocabulary as Array<{ key: string }>).map((e) => e.key);
const office = new TestOffice(new Uint8Array(32).fill(42));
const windowSecret = crypto.getRandomValues(new Uint8Array(32));
const now = Math.floor(Date.now() / 1000);
const TEMPLATE = ["person.given_name", "person.family_name", "person.birth_date", "address.street", "address.postcode", "address.city", "contact.email", "contact.phone"];
const request: RequestBody = sampleBody(now, windowSecret, {
  fields: [
    { key: "person.given_name", label: "", purpose: "To find you in the population register" },
    { key: "person.family_name", label: "", purpose: "To find you in the population register" },
    { key: "person.birth_date", label: "", purpose: "To tell you apart from people with the same name" },
    { key: "contact.phone", label: "", purpose: "To call you if a document is missing" },
  ],
  template: TEMPLATE,
});
const dir = mkdtempSync(join(tmpdir(), "formdesk-citizen-"));
let server: StaticServer;
let phone: Phone;
let page: Page;

async function noKeys(screen: string): Promise<void> {
  assert.deepEqual(await keysOnScreen(page, KEYS), [], `vocabulary keys on the ${screen} screen`);
}

async function storedProfile(): Promise<Record<string, string>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, string>>((resolve) => {
        const r = indexedDB.open("formdesk-wallet");
        r.onsuccess = () => {
          const q = r.result.transaction("kv").objectStore("kv").get("profile");
          q.onsuccess = () => resolve((q.result as Record<string, string>) ?? {});
        };
      }),
  );
}

before(async () => {
  writeQrPng(office.signRequest(request), join(dir, "req.png"), 4);
  pngToY4m(join(dir, "req.png"), join(dir, "req.y4m"));
  server = await serveDist(DIST);
  phone = await launchPhone(join(dir, "req.y4m"), { locale: "nl-NL" });
  page = await phone.context.newPage();
});

after(async () => {
  await phone?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("first run: a short explanation of what the wallet keeps and where, then home; not again", async () => {
  await page.goto(`${server.url}/wallet/`);
  const intro = page.locator('[data-screen="intro"]');
  await intro.waitFor();
  const text = await intro.innerText();
  assert.match(text, /on this phone only/);
  assert.match(text, /without the values|has no values/);
  await noKeys("first-run");
  await page.getByTestId("intro-done").click();
  await page.locator('[data-screen="home"]').waitFor();
  await noKeys("home");
  await page.reload();
  await page.locator('[data-screen="home"]').waitFor();
});

test("the install offer: the browser's prompt is kept and fired from the wallet's own button", async () => {
  // Chromium offers installation by itself (the wallet is installable); a stand-in event
  // with the same interface shows that the button fires whatever the browser offered.
  await page.evaluate(() => {
    const w = window as unknown as { prompted: boolean };
    w.prompted = false;
    const e = Object.assign(new Event("beforeinstallprompt", { cancelable: true }), {
      prompt: async () => void (w.prompted = true),
      userChoice: Promise.resolve({ outcome: "accepted" }),
    });
    window.dispatchEvent(e);
  });
  await page.getByTestId("install-go").click();
  assert.equal(await page.evaluate(() => (window as unknown as { prompted: boolean }).prompted), true);
  await page.getByTestId("install-go").waitFor({ state: "detached" });
});

test("My details: grouped, typed inputs; nothing saved until every value fits; stored normalised", async () => {
  await page.getByTestId("nav-profile").click();
  const screen = page.locator('[data-screen="profile"]');
  await screen.waitFor();
  assert.deepEqual(await screen.locator("legend").allInnerTexts(), ["About you", "Address", "Contact", "Documents and numbers", "Health", "Banking"]);
  assert.equal(await page.getByTestId("detail-person.birth_date").getAttribute("type"), "date");
  assert.equal(await page.getByTestId("detail-contact.email").getAttribute("type"), "email");
  assert.equal(await page.getByTestId("detail-address.country").evaluate((e) => e.tagName), "SELECT");
  await noKeys("My details");
  await page.getByTestId("detail-person.given_name").fill("Ada Augusta");
  await page.getByTestId("detail-person.family_name").fill("Lovelace");
  await page.getByTestId("detail-person.birth_date").fill("1987-04-12");
  await page.getByTestId("detail-contact.phone").fill("+31 (0)6-1234 5678");
  await page.getByTestId("detail-address.country").selectOption("NL");
  await page.getByTestId("detail-contact.email").fill("ada@example");
  await page.getByTestId("detail-bank.iban").fill("NL91 ABNA 0417 1643 01");
  await page.getByTestId("profile-save").click();
  await screen.locator(".notice.error", { hasText: "Nothing was saved" }).waitFor();
  assert.match(await page.getByTestId("problem-detail-contact.email").innerText(), /not an e-mail address/);
  assert.match(await page.getByTestId("problem-detail-bank.iban").innerText(), /check digits do not match/);
  assert.equal(await page.getByTestId("problem-detail-person.given_name").innerText(), "");
  await noKeys("My details with problems");
  assert.deepEqual(await storedProfile(), {}, "nothing is saved while a value does not fit");

  await page.getByTestId("detail-contact.email").fill("ada.lovelace@example.org");
  await page.getByTestId("detail-bank.iban").fill("NL91 ABNA 0417 1643 00");
  await page.getByTestId("profile-save").click();
  await page.locator('[data-screen="profile"] .notice.ok', { hasText: "Saved on this phone" }).waitFor();
  assert.deepEqual(await storedProfile(), {
    "person.given_name": "Ada Augusta",
    "person.family_name": "Lovelace",
    "person.birth_date": "1987-04-12",
    "contact.phone": "+31612345678",
    "address.country": "NL",
    "contact.email": "ada.lovelace@example.org",
    "bank.iban": "NL91ABNA0417164300",
  });
  // The date input shows the phone's locale; what it holds (and the wallet sends) is ISO.
  assert.equal(await page.getByTestId("detail-person.birth_date").inputValue(), "1987-04-12");
  await page.evaluate(() => window.scrollTo(0, 0));
  await docShot(page, "phone-wallet-my-details");
});

test("a date an older wallet kept as 12/04/1987 is flagged, and not shared until picked", async () => {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const r = indexedDB.open("formdesk-wallet");
        r.onsuccess = () => {
          const store = r.result.transaction("kv", "readwrite").objectStore("kv");
          const q = store.get("profile");
          q.onsuccess = () => {
            store.put({ ...q.result, "person.birth_date": "12/04/1987" }, "profile").onsuccess = () => resolve();
          };
        };
      }),
  );
  await page.getByTestId("nav-home").click();
  await page.getByTestId("nav-profile").click();
  assert.match(await page.getByTestId("problem-detail-person.birth_date").innerText(), /could be 12 April 1987 or 4 December 1987/);

  await trustOfficeByPaste(page, office.keyText());
  await page.getByTestId("nav-home").click();
  await page.getByTestId("scan").click(); // the fake camera shows the request
  const review = page.locator('[data-screen="review"]');
  await review.waitFor({ timeout: 20_000 });
  await noKeys("consent");
  assert.match(await page.getByTestId("problem-value-person.birth_date").innerText(), /could be 12 April 1987 or 4 December 1987/);
  assert.equal(await page.getByTestId("state-person.birth_date").innerText(), "check this");
  await page.getByTestId("share").click();
  await page.getByTestId("review-banner").getByText("Check the marked details").waitFor();
  assert.equal(await page.getByTestId("response-qr").count(), 0, "nothing is shared while a value does not fit");

  await page.getByTestId("value-person.birth_date").fill("1987-04-12");
  assert.equal(await page.getByTestId("problem-value-person.birth_date").innerText(), "");
  assert.equal(await page.getByTestId("state-person.birth_date").innerText(), "will be shared");
  await page.getByTestId("value-person.given_name").evaluate((e) => e.scrollIntoView({ block: "start" }));
  await docShot(page, "phone-wallet-consent");
  await page.getByTestId("share").click();
  const text = await readResponseQr(page);
  await noKeys("answer");
  assert.deepEqual(openResponse(text, windowSecret, request), [
    ["person.given_name", { outcome: "shared", value: "Ada Augusta" }],
    ["person.family_name", { outcome: "shared", value: "Lovelace" }],
    ["person.birth_date", { outcome: "shared", value: "1987-04-12" }],
    ["contact.phone", { outcome: "shared", value: "+31612345678" }],
  ]);
  assert.equal((await storedProfile())["person.birth_date"], "1987-04-12", "the picked date replaces the old spelling");
});

test("history and receipts name fields in plain words; no screen shows a vocabulary key", async () => {
  await page.getByTestId("done").click();
  const receipt = office.signReceipt({
    requestId: request.requestId,
    formId: request.formId,
    fieldsReceived: ["person.given_name", "person.family_name", "person.birth_date", "contact.phone"],
    relayDeletedAt: now + 30,
    officeRetains: "the completed change-of-address form",
    days: 90,
    issuedAt: now + 60,
  });
  await pasteCode(page, receipt, "receipt-paste");
  await page.locator('[data-screen="history"] > .notice', { hasText: /Deletion receipt verified/ }).waitFor();
  const entry = await page.getByTestId("history-entry").innerText();
  assert.match(entry, /received 4 details \(Given name\(s\), Family name, Date of birth, Phone number\)/);
  await noKeys("history");
  await docShot(page, "phone-wallet-history");
  await page.getByTestId("nav-offices").click();
  await page.locator('[data-screen="offices"]').waitFor();
  await noKeys("offices");
  await page.getByTestId("nav-about").click();
  await page.locator('[data-screen="intro"]').waitFor();
  await noKeys("about");
  // A request asking for a field outside its signed template names it by its label.
  const outside = sampleBody(now, windowSecret, { template: ["person.given_name", "person.family_name", "contact.email"] });
  await page.getByTestId("intro-done").click();
  await pasteCode(page, office.signRequest(outside));
  const refused = page.locator('[data-screen="request-error"][data-error="outside_template"]');
  await refused.waitFor();
  assert.match(await refused.innerText(), /"Street and number", which is not part of the form's template/);
  await noKeys("request refused");
});

test("camera refused: a plain message, Try again, and a photo of the code works instead", async () => {
  const denied = await launchPhone(join(dir, "req.y4m"), { denyCamera: true });
  try {
    const p = await denied.context.newPage();
    await openWallet(p, `${server.url}/wallet/`);
    await trustOfficeByPaste(p, office.keyText());
    await p.getByTestId("nav-home").click();
    await p.getByTestId("scan").click();
    const scan = p.locator('[data-screen="scan"][data-problem="denied"]');
    await scan.waitFor({ timeout: 15_000 });
    assert.match(await scan.innerText(), /Camera access is blocked/);
    assert.match(await scan.innerText(), /set Camera to Allow/);
    await p.getByTestId("scan-retry").waitFor();
    assert.deepEqual(await keysOnScreen(p, KEYS), []);
    await p.getByTestId("scan-photo").setInputFiles(join(dir, "req.png"));
    await p.locator('[data-screen="review"]').waitFor({ timeout: 15_000 });
    assert.equal(await p.getByTestId("desk").innerText(), "Counter 3");
  } finally {
    await denied.close();
  }
});
