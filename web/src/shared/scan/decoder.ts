// Which QR decoder a phone uses: the browser's own `BarcodeDetector` where it has one that
// reads QR codes (Android Chrome, Safari on macOS), otherwise zxing-cpp (WebAssembly) in a
// dedicated worker (`decode-worker.js` beside the app), so decoding never blocks the page.
// One decoder per page, made on first use (or ahead with `warmDecoder`, so the first scan
// does not wait for the WebAssembly to compile) and kept across scans. One decode in flight
// per frame source: the camera loop asks for the next frame only after the previous answer,
// so frames never queue up.

import type { WorkerReply, WorkerRequest } from "./protocol";

export type DecoderName = "native" | "zxing-wasm";

/** A source of frames to decode: a playing video, or a still picture. */
export type FrameSource = HTMLVideoElement | ImageBitmap;

export interface QrDecoder {
  readonly name: DecoderName;
  /** The first QR code's text in the frame, or null (`null` as the frame: just load the
   *  decoder). Rejects only when the decoder itself is broken (its WebAssembly failed). */
  decode(src: FrameSource | null): Promise<string | null>;
  close(): void;
}

let shared: Promise<QrDecoder> | null = null;

/** The page's decoder: the browser's own when it reads QR codes, else zxing-wasm. */
export function getDecoder(): Promise<QrDecoder> {
  shared ??= nativeDecoder().then((native) => native ?? new WasmDecoder());
  return shared;
}

/** Loads the decoder now (e.g. when the home screen shows), in the background. */
export function warmDecoder(): void {
  void getDecoder().then((d) => d.decode(null).catch(() => forgetDecoder()));
}

/** Drops a broken decoder, so that the next scan makes a new one. */
export function forgetDecoder(): void {
  void shared?.then((d) => d.close());
  shared = null;
}

interface Detector {
  detect(source: FrameSource): Promise<Array<{ rawValue: string }>>;
}

interface BarcodeDetectorCtor {
  new (opts: { formats: string[] }): Detector;
  getSupportedFormats(): Promise<string[]>;
}

async function nativeDecoder(): Promise<QrDecoder | null> {
  const BD = (globalThis as unknown as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
  if (!BD) return null;
  try {
    if (!(await BD.getSupportedFormats()).includes("qr_code")) return null;
    const detector = new BD({ formats: ["qr_code"] });
    return {
      name: "native",
      async decode(src) {
        if (!src) return null;
        const codes = await detector.detect(src);
        return codes.find((c) => c.rawValue)?.rawValue ?? null;
      },
      close() {},
    };
  } catch {
    return null;
  }
}

/** zxing-wasm in a worker; frames go over as RGBA buffers (transferred, not copied).
 *  Camera frames alternate between as taken and sharpened (a code out of focus reads only
 *  sharpened; a crisp one either way), so a blurred view costs no extra time per frame;
 *  still pictures get both. */
class WasmDecoder implements QrDecoder {
  readonly name = "zxing-wasm" as const;
  private readonly worker = new Worker(new URL("./decode-worker.js", import.meta.url));
  private readonly canvas = document.createElement("canvas");
  private readonly pending = new Map<number, { resolve: (t: string | null) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private frames = 0;
  /** Set when the worker itself failed (its script or module did not load). */
  private broken: Error | null = null;

  constructor() {
    this.worker.onmessage = (ev: MessageEvent<WorkerReply>) => {
      const p = this.pending.get(ev.data.id);
      if (!p) return;
      this.pending.delete(ev.data.id);
      if ("error" in ev.data) p.reject(new Error(ev.data.error));
      else p.resolve(ev.data.text);
    };
    this.worker.onerror = (ev) => {
      this.broken = new Error(ev.message || "the QR decoder could not start");
      this.failAll(this.broken);
    };
  }

  decode(src: FrameSource | null): Promise<string | null> {
    if (this.broken) return Promise.reject(this.broken);
    const pixels = src ? grab(this.canvas, src) : new ImageData(2, 2);
    if (!pixels) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const mode = !(src instanceof HTMLVideoElement) ? "both" : this.frames++ % 2 === 0 ? "plain" : "sharpened";
      const msg: WorkerRequest = { id, width: pixels.width, height: pixels.height, rgba: pixels.data.buffer, mode };
      this.worker.postMessage(msg, [pixels.data.buffer]);
    });
  }

  close(): void {
    this.worker.terminate();
    this.failAll(new Error("decoder closed"));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/** Bound on the side of a still picture sent to the decoder (phone photos are 12 MP and up). */
const MAX_PHOTO_SIDE = 3000;

/** Copies the frame's pixels (full camera resolution; photos scaled to MAX_PHOTO_SIDE). */
function grab(canvas: HTMLCanvasElement, src: FrameSource): ImageData | null {
  const [w0, h0] = src instanceof HTMLVideoElement ? [src.videoWidth, src.videoHeight] : [src.width, src.height];
  if (w0 === 0 || h0 === 0) return null;
  const scale = src instanceof HTMLVideoElement ? 1 : Math.min(1, MAX_PHOTO_SIDE / Math.max(w0, h0));
  const w = Math.round(w0 * scale);
  const h = Math.round(h0 * scale);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(src, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}

/** Decodes a photo of a code (picked from the gallery or just taken). */
export async function decodePhoto(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    return await (await getDecoder()).decode(bitmap);
  } finally {
    bitmap.close();
  }
}
