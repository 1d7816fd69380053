// Drives the wallet page like a citizen: get past the first-run explanation, paste or scan
// codes, tick fields, share, read the answer QR back from a screenshot (zxing, as the
// phones' own decoder) so the test checks what the screen really shows.

import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { REPO } from "./paths";
import { decodePng } from "./zxing-node";

/** Opens the wallet at `url`; on a first run, reads past the explanation to the home screen. */
export async function openWallet(page: Page, url: string): Promise<void> {
  await page.goto(url);
  const first = page.locator('[data-screen="intro"], [data-screen="home"]');
  await first.first().waitFor();
  if ((await first.first().getAttribute("data-screen")) === "intro") await page.getByTestId("intro-done").click();
  await page.locator('[data-screen="home"]').waitFor();
}

/** Pastes a code text into a paste box (`home-paste`, `receipt-paste`, `key-paste`): the
 *  no-camera path, so the fake camera (showing a request) cannot race the test. */
export async function pasteCode(page: Page, text: string, box = "home-paste"): Promise<void> {
  await page.getByTestId(box).locator("summary").click();
  await page.getByTestId(`${box}-text`).fill(text);
  await page.getByTestId(`${box}-go`).click();
}

export async function trustOfficeByPaste(page: Page, keyText: string): Promise<void> {
  await page.getByTestId("nav-offices").click();
  await page.getByTestId("office-paste").fill(keyText);
  await page.getByTestId("office-paste-go").click();
  await page.locator(".notice.ok").waitFor();
}

/** Reads the answer QR from a screenshot of the full-screen code (what a webcam would see). */
export async function readResponseQr(page: Page): Promise<string> {
  const el = page.getByTestId("response-qr");
  await el.waitFor();
  const found = await decodePng(await el.screenshot());
  assert.ok(found, "the answer QR on screen does not decode");
  assert.equal(found, await el.getAttribute("data-qr-text"));
  return found;
}

/** Saves a full-page screenshot when FORMDESK_SCREENSHOTS names a folder (for reviews). */
export async function snap(page: Page, name: string): Promise<void> {
  const dir = process.env.FORMDESK_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** Saves a screenshot of the phone's screen (what the citizen sees: the viewport) into docs/
 *  only when FORMDESK_DOC_SCREENSHOTS=1, so an ordinary test run leaves the tree clean. */
export async function docShot(page: Page, name: string): Promise<void> {
  if (process.env.FORMDESK_DOC_SCREENSHOTS !== "1") return;
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(REPO, "docs", `${name}.png`) });
}

/** Every vocabulary key the page shows anywhere a person can read it: visible text, option
 *  texts, input values, and the attributes read out or shown (placeholder, title,
 *  aria-label, alt). Test ids and other data attributes are not shown, so they do not count. */
export async function keysOnScreen(page: Page, keys: readonly string[]): Promise<string[]> {
  return page.evaluate((all) => {
    const seen: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (parent && (parent.tagName === "OPTION" || parent.checkVisibility())) seen.push(n.textContent ?? "");
    }
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      for (const a of ["placeholder", "title", "aria-label", "alt"]) {
        const v = el.getAttribute(a);
        if (v) seen.push(v);
      }
      if ((el instanceof HTMLInputElement && !["hidden", "checkbox", "radio", "file"].includes(el.type)) || el instanceof HTMLTextAreaElement) seen.push(el.value);
    }
    seen.push(document.title);
    const text = seen.join("\n");
    return all.filter((k) => text.includes(k));
  }, keys as string[]);
}
