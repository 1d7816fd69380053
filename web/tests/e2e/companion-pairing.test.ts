// The companion pairs with a desk by scanning the desk's pairing QR through Chromium's fake
// camera, keeps the pairing across a reload (IndexedDB), and opens offline from its
// service worker once loaded.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchPhone } from "../support/browser";
import { serveDist } from "../support/static-server";
import { pngToY4m } from "../support/y4m";
import { writeQrPng } from "../support/qrpng";
import { toBase64Url, utf8 } from "../../src/shared/bytes";
import { DIST } from "../support/paths";

test("companion pairs by scanning the desk's pairing QR and works offline after", async () => {
  const dir = mkdtempSync(join(tmpdir(), "formdesk-web-"));
  const server = await serveDist(DIST);
  const pairing = { v: 1, relay: "http://127.0.0.1:9", token: "fdt_test-token", desk: "desk-7", label: "Counter 7" };
  const link = `${server.url}/companion/#pair=${toBase64Url(utf8.encode(JSON.stringify(pairing)))}`;
  writeQrPng(link, join(dir, "pair.png"));
  pngToY4m(join(dir, "pair.png"), join(dir, "pair.y4m"));
  const phone = await launchPhone(join(dir, "pair.y4m"));
  try {
    const page = await phone.context.newPage();
    await page.goto(`${server.url}/companion/`);
    await page.getByTestId("scan-pair").click();
    await page.locator('[data-screen="home"]').waitFor({ timeout: 20_000 });
    assert.match(await page.locator("h1").innerText(), /Counter 7/);
    assert.match(await page.locator(".notice.ok").innerText(), /Paired with desk Counter 7/);
    await page.reload();
    await page.locator('[data-screen="home"]').waitFor();
    assert.match(await page.locator("h1").innerText(), /Counter 7/);
    // Installable: Chromium finds no installability error (manifest, icons, service worker).
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const cdp = await phone.context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: unknown[] };
    assert.deepEqual(installabilityErrors, []);
    // Offline: the service worker answers from its cache.
    await server.close();
    await page.reload();
    await page.locator('[data-screen="home"]').waitFor();
    assert.match(await page.locator("h1").innerText(), /Counter 7/);
  } finally {
    await phone.close();
    await server.close().catch(() => undefined);
  }
});
