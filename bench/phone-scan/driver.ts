// bench/phone-scan, driver: makes the camera clips of the desk window's request QR (the
// same generator and desk screenshot as web/tests/e2e/desk-qr-camera), serves the frames
// and page.ts to headless Chromium, and has every frame decoded by zxing-wasm (as taken, and
// sharpened first) and by the old jsQR path, RUNS times each. Prints per clip and overall:
// frames read, clips read (at least one frame), median and p95 ms per frame; then one JSON
// line. "wallet" counts a frame read when either zxing variant reads it (the wallet
// alternates them over consecutive frames).

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { PHONE_CLIPS, renderFrame } from "../../web/tests/support/camera-sim";
import { CHROMIUM } from "../../web/tests/support/browser";
import { screenOf } from "../../web/tests/support/clips";
import { deskShot } from "../../web/tests/support/desk-shot";
import { serveDist } from "../../web/tests/support/static-server";

const FRAMES = Number(process.env.FRAMES ?? 8);
const RUNS = Number(process.env.RUNS ?? 3);
const PAGE = process.argv[2];
if (!PAGE) throw new Error("usage: driver.mjs PAGE_DIR (built by bench/phone-scan/build.mjs)");

interface Tally {
  read: number;
  frames: number;
  ms: number[];
}
const KINDS = ["plain", "sharpened", "jsqr"] as const;
type Kind = (typeof KINDS)[number];
type Row = { clip: string; wallet: number } & Record<Kind, Tally>;

const shot = deskShot();
const screen = await screenOf(shot.png, shot.request);
const framesDir = join(PAGE, "frames");
rmSync(framesDir, { recursive: true, force: true });
mkdirSync(framesDir, { recursive: true });
const specs = PHONE_CLIPS.map((s) => ({ ...s, frames: FRAMES }));
specs.forEach((spec, c) => {
  for (let f = 0; f < spec.frames; f++) writeFileSync(join(framesDir, `${c}-${f}.bin`), renderFrame(screen, spec, f));
});

const server = await serveDist(PAGE);
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
const rows: Row[] = [];
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/index.html`);
  await page.evaluate(() => (window as unknown as { bench: { ready: Promise<boolean> } }).bench.ready);
  for (const [c, spec] of specs.entries()) {
    const empty = (): Tally => ({ read: 0, frames: 0, ms: [] });
    const row: Row = { clip: spec.name, wallet: 0, plain: empty(), sharpened: empty(), jsqr: empty() };
    for (let f = 0; f < spec.frames; f++) {
      const r = await page.evaluate(
        ([url, w, h, runs, text]) => (window as unknown as { bench: { run: (...a: unknown[]) => Promise<Record<Kind, { ok: boolean; ms: number[] }>> } }).bench.run(url, w, h, runs, text),
        [`/frames/${c}-${f}.bin`, spec.width, spec.height, RUNS, shot.request] as const,
      );
      for (const k of KINDS) {
        row[k].frames++;
        row[k].read += r[k].ok ? 1 : 0;
        row[k].ms.push(...r[k].ms);
      }
      row.wallet += r.plain.ok || r.sharpened.ok ? 1 : 0;
    }
    rows.push(row);
    console.error(`${spec.name}: zxing ${row.plain.read}+${row.sharpened.read}/${spec.frames}, jsQR ${row.jsqr.read}/${spec.frames}`);
  }
} finally {
  await browser.close();
  await server.close();
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};
const cell = (t: Tally): string => `${String(t.read).padStart(2)}/${t.frames} ${pct(t.ms, 0.5).toFixed(1).padStart(6)} ${pct(t.ms, 0.95).toFixed(1).padStart(6)}`;
console.log(`desk screenshot: ${shot.source}; ${FRAMES} frames per clip, ${RUNS} timed runs per frame; ms per frame (median, p95)`);
console.log(`${"clip".padEnd(34)} | wallet | zxing plain: read med p95 | zxing sharpened      | jsQR (old)`);
for (const r of rows) console.log(`${r.clip.padEnd(34)} | ${String(r.wallet).padStart(2)}/${r.plain.frames}  | ${cell(r.plain)}    | ${cell(r.sharpened)} | ${cell(r.jsqr)}`);
const total = (k: Kind): Tally & { clips: number } => ({
  read: rows.reduce((a, r) => a + r[k].read, 0),
  frames: rows.reduce((a, r) => a + r[k].frames, 0),
  ms: rows.flatMap((r) => r[k].ms),
  clips: rows.filter((r) => r[k].read > 0).length,
});
const t = Object.fromEntries(KINDS.map((k) => [k, total(k)])) as Record<Kind, ReturnType<typeof total>>;
const wallet = { read: rows.reduce((a, r) => a + r.wallet, 0), clips: rows.filter((r) => r.wallet > 0).length };
console.log(`${"all clips".padEnd(34)} | ${String(wallet.read).padStart(2)}/${t.plain.frames} | ${cell(t.plain)}    | ${cell(t.sharpened)} | ${cell(t.jsqr)}`);
console.log(`clips read (at least one frame): wallet ${wallet.clips}/${rows.length}, zxing plain ${t.plain.clips}/${rows.length}, zxing sharpened ${t.sharpened.clips}/${rows.length}, jsQR ${t.jsqr.clips}/${rows.length}`);
const summary = (x: ReturnType<typeof total>) => ({ frames_read: x.read, frames: x.frames, clips_read: x.clips, clips: rows.length, median_ms: +pct(x.ms, 0.5).toFixed(1), p95_ms: +pct(x.ms, 0.95).toFixed(1) });
console.log(
  JSON.stringify({
    bench: "phone-scan",
    source: shot.source,
    frames_per_clip: FRAMES,
    runs: RUNS,
    wallet: { frames_read: wallet.read, clips_read: wallet.clips },
    zxing_plain: summary(t.plain),
    zxing_sharpened: summary(t.sharpened),
    jsqr: summary(t.jsqr),
  }),
);
