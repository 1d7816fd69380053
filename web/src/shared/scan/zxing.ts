// The phone apps' own QR decoder: zxing-cpp compiled to WebAssembly (npm `zxing-wasm`, its
// reader-only build). The .wasm file is copied beside each app at build time
// (scripts/build.mjs) and loaded from the page's own origin, never from a CDN, so scanning
// works offline once the service worker has cached it. Used by the decode worker, the photo
// upload path, the Node tests and bench/phone-scan.

import { prepareZXingModule, readBarcodes, type ReaderOptions } from "zxing-wasm/reader";

/** File name of the decoder's WebAssembly, next to app.js in dist/<app>/. */
export const ZXING_WASM_FILE = "zxing_reader.wasm";

/** Where the module comes from: a URL beside the app (browsers), or the bytes (Node). */
export type WasmSource = { url: string } | { bytes: ArrayBuffer };

/** What zxing looks for in a camera frame or a photo: one QR code, upright or not. The
 *  other switches stay at zxing's defaults (tryHarder, tryDownscale, tryInvert: desks and
 *  phones in dark mode can show light-on-dark codes). */
export const READER_OPTIONS: ReaderOptions = {
  formats: ["QRCode"],
  maxNumberOfSymbols: 1,
  tryRotate: false,
};

let prepared = false;

/** Points zxing-wasm at our own copy of the .wasm (must run before the first decode). */
export function prepareZxing(source: WasmSource): void {
  if (prepared) return;
  prepared = true;
  const overrides =
    "url" in source
      ? { locateFile: (path: string) => (path.endsWith(".wasm") ? source.url : path) }
      : { wasmBinary: source.bytes };
  prepareZXingModule({ overrides, fireImmediately: false });
}

/** An image as zxing reads it: RGBA pixels, row by row (an `ImageData` or the same shape). */
export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Decodes the first QR code in `img`; `null` when there is none (or it is unreadable). */
export async function decodePixels(img: Pixels, options: ReaderOptions = READER_OPTIONS): Promise<string | null> {
  const input = { data: img.data, width: img.width, height: img.height, colorSpace: "srgb" } as ImageData;
  const found = await readBarcodes(input, options);
  const ok = found.find((r) => r.isValid && r.text !== "");
  return ok ? ok.text : null;
}

/** Like `decodePixels`, also returning the code's corners (tests and the benchmark aim a
 *  simulated camera with them). */
export async function locatePixels(img: Pixels): Promise<{ text: string; corners: Array<{ x: number; y: number }> } | null> {
  const input = { data: img.data, width: img.width, height: img.height, colorSpace: "srgb" } as ImageData;
  const found = (await readBarcodes(input, READER_OPTIONS)).find((r) => r.isValid);
  if (!found) return null;
  const p = found.position;
  return { text: found.text, corners: [p.topLeft, p.topRight, p.bottomRight, p.bottomLeft] };
}
