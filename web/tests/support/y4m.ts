// Turns a QR image (PNG made by the Rust renderer) into a Y4M video file for Chromium's
// fake camera (--use-file-for-fake-video-capture). Y4M is a text header, then per frame
// "FRAME\n" and the raw I420 planes; the QR is centred, nearest-neighbour scaled (by a whole
// factor when enlarging), on white.

import { readFileSync, writeFileSync } from "node:fs";
import { PNG } from "pngjs";

export interface Y4mOptions {
  width?: number;
  height?: number;
  /** Side of the QR inside the frame, in pixels. */
  qrSide?: number;
  frames?: number;
}

export function pngToY4m(pngPath: string, outPath: string, opts: Y4mOptions = {}): void {
  const png = PNG.sync.read(readFileSync(pngPath));
  writeFileSync(outPath, lumaToY4m(toLuma(png), png.width, png.height, opts));
}

export function lumaToY4m(luma: Uint8Array, w: number, h: number, opts: Y4mOptions = {}): Buffer {
  const W = opts.width ?? 640;
  const H = opts.height ?? 480;
  const side = opts.qrSide ?? Math.min(W, H) - 40;
  const frames = opts.frames ?? 2;
  // Whole pixels per source pixel when enlarging: nearest-neighbour at a fractional scale
  // makes modules of uneven width (these clips are the clean case; camera-sim.ts makes the
  // hard ones).
  const fit = side / Math.max(w, h);
  const scale = fit >= 1 ? Math.floor(fit) : fit;
  const y = new Uint8Array(W * H).fill(235);
  const x0 = Math.floor((W - w * scale) / 2);
  const y0 = Math.floor((H - h * scale) / 2);
  for (let py = 0; py < H; py++) {
    for (let px = 0; px < W; px++) {
      const sx = Math.floor((px - x0) / scale);
      const sy = Math.floor((py - y0) / scale);
      if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue;
      // Studio-range luma (16..235), as I420 from a camera would carry it.
      y[py * W + px] = 16 + Math.round((luma[sy * w + sx] * 219) / 255);
    }
  }
  const chroma = new Uint8Array((W / 2) * (H / 2) * 2).fill(128);
  const header = Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`, "latin1");
  const parts: Uint8Array[] = [header];
  for (let i = 0; i < frames; i++) parts.push(Buffer.from("FRAME\n", "latin1"), y, chroma);
  return Buffer.concat(parts);
}

/** Grey camera frames (full range 0..255) → a Y4M clip at 10 frames per second. */
export function framesToY4m(frames: Uint8Array[], width: number, height: number): Buffer {
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`, "latin1");
  const chroma = new Uint8Array((width / 2) * (height / 2) * 2).fill(128);
  const parts: Uint8Array[] = [header];
  for (const f of frames) {
    // Studio-range luma (16..235), as I420 from a camera carries it.
    const y = new Uint8Array(f.length);
    for (let i = 0; i < f.length; i++) y[i] = 16 + Math.round((f[i] * 219) / 255);
    parts.push(Buffer.from("FRAME\n", "latin1"), y, chroma);
  }
  return Buffer.concat(parts);
}

export function toLuma(png: PNG): Uint8Array {
  const out = new Uint8Array(png.width * png.height);
  for (let i = 0; i < out.length; i++) {
    const r = png.data[4 * i], g = png.data[4 * i + 1], b = png.data[4 * i + 2], a = png.data[4 * i + 3];
    const l = 0.299 * r + 0.587 * g + 0.114 * b;
    out[i] = Math.round((l * a) / 255 + (255 * (255 - a)) / 255);
  }
  return out;
}
