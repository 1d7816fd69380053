// bench/phone-scan, browser side: one frame (grey pixels fetched from the driver's server)
// decoded by the phone decoders, each timed from the frame on a canvas to the text:
// - zxing-wasm as the wallet's worker runs it (web/src/shared/scan/zxing.ts, full camera
//   resolution), on the frame as taken ("plain") and unsharp-masked first ("sharpened"; the
//   wallet alternates the two over consecutive frames);
// - the old path it replaced: jsQR on the frame scaled to 960 px at most, inversions tried.

import jsQR from "jsqr";
import { sharpenRgba } from "../../web/src/shared/scan/sharpen";
import { decodePixels, prepareZxing } from "../../web/src/shared/scan/zxing";

prepareZxing({ url: new URL("zxing_reader.wasm", location.href).href });

interface Timed {
  ok: boolean;
  ms: number[];
}

const source = document.createElement("canvas");
const work = document.createElement("canvas");

async function frame(url: string, w: number, h: number): Promise<void> {
  const grey = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < grey.length; i++) {
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = grey[i];
    rgba[4 * i + 3] = 255;
  }
  source.width = w;
  source.height = h;
  source.getContext("2d")!.putImageData(new ImageData(rgba, w, h), 0, 0);
}

function grab(maxSide: number): ImageData {
  const scale = Math.min(1, maxSide / Math.max(source.width, source.height));
  const w = Math.round(source.width * scale);
  const h = Math.round(source.height * scale);
  work.width = w;
  work.height = h;
  const ctx = work.getContext("2d", { willReadFrequently: true })!;
  ctx.drawImage(source, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}

async function zxing(expected: string, sharpened: boolean): Promise<boolean> {
  const img = grab(Infinity);
  if (sharpened) sharpenRgba(img.data, img.width, img.height);
  return (await decodePixels(img)) === expected;
}

function jsqr(expected: string): boolean {
  const img = grab(960);
  const found = jsQR(img.data, img.width, img.height, { inversionAttempts: "attemptBoth" });
  return found?.data === expected;
}

async function timed(runs: number, once: () => Promise<boolean> | boolean): Promise<Timed> {
  const out: Timed = { ok: false, ms: [] };
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out.ok = await once();
    out.ms.push(performance.now() - t0);
  }
  return out;
}

const api = {
  ready: decodePixels({ data: new Uint8ClampedArray(64 * 64 * 4), width: 64, height: 64 }).then(() => true),
  async run(url: string, w: number, h: number, runs: number, expected: string): Promise<Record<"plain" | "sharpened" | "jsqr", Timed>> {
    await frame(url, w, h);
    return {
      plain: await timed(runs, () => zxing(expected, false)),
      sharpened: await timed(runs, () => zxing(expected, true)),
      jsqr: await timed(runs, () => jsqr(expected)),
    };
  },
};
(window as unknown as { bench: typeof api }).bench = api;
