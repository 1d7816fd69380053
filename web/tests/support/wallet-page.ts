// Drives the wallet page like a citizen: paste or scan codes, tick fields, share, read the
// answer QR back from a screenshot (jsQR) so the test checks what the screen really shows.

import assert from "node:assert/strict";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import type { Page } from "playwright-core";

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
  const png = PNG.sync.read(await el.screenshot());
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(found, "the answer QR on screen does not decode");
  assert.equal(found.data, await el.getAttribute("data-qr-text"));
  return found.data;
}

/** Saves a full-page screenshot when FORMDESK_SCREENSHOTS names a folder (for reviews). */
export async function snap(page: Page, name: string): Promise<void> {
  const dir = process.env.FORMDESK_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}
