// zxing-wasm in Node for the tests: the same decoder module the phones run (src/shared/scan/
// zxing.ts), loaded from the .wasm in node_modules. Reads QR codes off screenshots.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { PNG } from "pngjs";
import { type Pixels, decodePixels, locatePixels, prepareZxing } from "../../src/shared/scan/zxing";

let ready = false;

function prepare(): void {
  if (ready) return;
  ready = true;
  const path = createRequire(import.meta.url).resolve("zxing-wasm/reader/zxing_reader.wasm");
  const bytes = readFileSync(path);
  prepareZxing({ bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
}

export function pngPixels(png: Buffer): Pixels {
  const img = PNG.sync.read(png);
  return { data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength), width: img.width, height: img.height };
}

/** Grey (0..255) pixels → RGBA, as zxing reads them. */
export function greyPixels(luma: Uint8Array, width: number, height: number): Pixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < luma.length; i++) {
    data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = luma[i];
    data[4 * i + 3] = 255;
  }
  return { data, width, height };
}

/** The text of the QR code in a PNG (a screenshot), or null. */
export async function decodePng(png: Buffer): Promise<string | null> {
  prepare();
  return decodePixels(pngPixels(png));
}

export async function decodeGrey(luma: Uint8Array, width: number, height: number): Promise<string | null> {
  prepare();
  return decodePixels(greyPixels(luma, width, height));
}

/** The QR code's text and corners in a PNG, or null. */
export async function locateInPng(png: Buffer): Promise<{ text: string; corners: Array<{ x: number; y: number }> } | null> {
  prepare();
  return locatePixels(pngPixels(png));
}
