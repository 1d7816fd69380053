// The citizen's phone reads the desk's request QR at the first try: Chromium at phone size
// with a fake camera filming the real form window's request QR (the app e2e test's
// screenshot, tests/support/desk-shot.ts) as a phone camera would, in seven clips from
// 640×480 to 1920×1080 (perspective up to 30°, defocus, moiré, glare: camera-sim.ts). The
// browser's BarcodeDetector is removed, so the wallet must read every clip through its
// zxing-wasm fallback, loaded from the page's own origin. Time to first read (Scan tapped →
// consent screen) is reported per clip, never asserted.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchPhone } from "../support/browser";
import { type Clip, screenOf, writeClips } from "../support/clips";
import { type DeskShot, deskShot } from "../support/desk-shot";
import { DIST } from "../support/paths";
import { serveDist, type StaticServer } from "../support/static-server";
import { openWallet, trustOfficeByPaste } from "../support/wallet-page";

const dir = mkdtempSync(join(tmpdir(), "formdesk-desk-qr-"));
let shot: DeskShot;
let clips: Clip[];
let server: StaticServer;
const times: Array<{ clip: string; ms: number; frame: string }> = [];

before(async () => {
  shot = deskShot();
  const started = Date.now();
  clips = writeClips(await screenOf(shot.png, shot.request), dir);
  console.log(`# ${clips.length} clips of the ${shot.source} desk screenshot made in ${Date.now() - started} ms`);
  server = await serveDist(DIST);
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
  if (times.length) {
    console.log(`# time to first read (Scan tapped → consent screen), zxing-wasm: ${times.map((t) => `${t.clip} [${t.frame}] ${t.ms} ms`).join("; ")}`);
    const out = process.env.FORMDESK_SCAN_TIMES;
    if (out) writeFileSync(out, JSON.stringify(times, null, 2) + "\n");
  }
});

test("the wallet reads the desk window's request QR in every camera clip, through zxing-wasm", async (t) => {
  for (const clip of clips) {
    await t.test(clip.spec.name, async () => {
      const phone = await launchPhone(clip.path);
      try {
        const page = await phone.context.newPage();
        // No native detector: the fallback is what iPhones and desktop Linux run. And note
        // which decoder the live scan screen reports, and the camera's frame size.
        await page.addInitScript(() => {
          const w = window as unknown as { BarcodeDetector?: unknown; __scan?: { decoder?: string; frame?: string } };
          delete w.BarcodeDetector;
          w.__scan = {};
          new MutationObserver(() => {
            const s = document.querySelector<HTMLElement>('[data-screen="scan"][data-decoder]');
            const v = s?.querySelector("video");
            if (s && v && !w.__scan?.decoder) w.__scan = { decoder: s.dataset.decoder, frame: `${v.videoWidth}x${v.videoHeight}` };
          }).observe(document, { subtree: true, childList: true, attributes: true });
        });
        // The phone's clock at the moment the desk showed the request (it expires).
        await page.clock.setFixedTime(shot.shownAt * 1000 + 20_000);
        const foreign: string[] = [];
        phone.context.on("request", (r) => {
          if (!r.url().startsWith(server.url) && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) foreign.push(r.url());
        });
        await openWallet(page, `${server.url}/wallet/`);
        await trustOfficeByPaste(page, shot.officeKey);
        await page.getByTestId("nav-home").click();
        const t0 = Date.now();
        await page.getByTestId("scan").click();
        await page.locator('[data-screen="review"]').waitFor({ timeout: 30_000 });
        const ms = Date.now() - t0;
        const seen = await page.evaluate(() => (window as unknown as { __scan: { decoder?: string; frame?: string } }).__scan);
        times.push({ clip: clip.spec.name, ms, frame: seen.frame ?? "?" });
        assert.equal(seen.decoder, "zxing-wasm");
        assert.equal(await page.getByTestId("match-code").innerText(), shot.matchCode);
        assert.deepEqual(foreign, [], "everything the wallet loads comes from its own origin");
      } finally {
        await phone.close();
      }
    });
  }
});
