// Camera QR scanning for both apps: getUserMedia (rear camera), then the browser's own
// BarcodeDetector where it exists (Android Chrome, Safari 17+), else jsQR on canvas
// frames. One scan session at a time; `stop()` releases the camera.

import jsQR from "jsqr";

/** What the scanner reports: a decoded text, or why the camera could not start. */
export interface ScanHandlers {
  onText(text: string): void;
  onError(message: string): void;
}

interface Detector {
  detect(source: CanvasImageSource): Promise<Array<{ rawValue: string }>>;
}

/** Interval between two decode attempts: fast enough for a counter, light on battery. */
const FRAME_INTERVAL_MS = 120;
/** Frames larger than this (longest side) are scaled down before jsQR. */
const MAX_DECODE_SIDE = 960;

export class QrScanner {
  private stream: MediaStream | null = null;
  private timer: number | null = null;
  private detector: Detector | null = null;
  private readonly canvas = document.createElement("canvas");
  private busy = false;
  /** Set by `stop()`; a `start()` still awaiting the camera then releases it at once. */
  private stopped = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly handlers: ScanHandlers,
  ) {}

  async start(): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) {
      this.handlers.onError(
        "This browser gives no camera access here. Open the app over https (or localhost), or paste the code text.",
      );
      return;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" } },
        audio: false,
      });
    } catch (e) {
      if (!this.stopped) this.handlers.onError(cameraErrorMessage(e));
      return;
    }
    this.detector = await makeDetector();
    if (this.stopped) {
      // Cancelled (or a code was pasted) while the camera was opening: no late scans.
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    this.stream = stream;
    this.video.srcObject = this.stream;
    this.video.setAttribute("playsinline", "true");
    this.video.muted = true;
    await this.video.play().catch(() => undefined);
    if (this.stream) this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = null;
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.video.srcObject = null;
  }

  private schedule(): void {
    this.timer = window.setTimeout(() => void this.tick(), FRAME_INTERVAL_MS);
  }

  private async tick(): Promise<void> {
    if (!this.stream || this.busy) return;
    this.busy = true;
    try {
      const text = await this.decodeFrame();
      if (text !== null && this.stream) {
        this.stop();
        this.handlers.onText(text);
        return;
      }
    } catch {
      // A frame that fails to decode is normal (motion, glare): try the next one.
    } finally {
      this.busy = false;
    }
    if (this.stream) this.schedule();
  }

  private async decodeFrame(): Promise<string | null> {
    const v = this.video;
    if (v.readyState < 2 || v.videoWidth === 0) return null;
    if (this.detector) {
      const codes = await this.detector.detect(v);
      return codes.length > 0 ? codes[0].rawValue : null;
    }
    const scale = Math.min(1, MAX_DECODE_SIDE / Math.max(v.videoWidth, v.videoHeight));
    const w = Math.round(v.videoWidth * scale);
    const h = Math.round(v.videoHeight * scale);
    return decodeImageSource(this.canvas, v, w, h);
  }
}

/** Decodes a QR code in a still image (a photo picked from the gallery). */
export async function decodeImageFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  return decodeImageSource(canvas, bitmap, Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
}

function decodeImageSource(canvas: HTMLCanvasElement, src: CanvasImageSource, w: number, h: number): string | null {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(src, 0, 0, w, h);
  const img = ctx.getImageData(0, 0, w, h);
  const found = jsQR(img.data, w, h, { inversionAttempts: "attemptBoth" });
  return found && found.data ? found.data : null;
}

async function makeDetector(): Promise<Detector | null> {
  const BD = (globalThis as unknown as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
  if (!BD) return null;
  try {
    const formats = await BD.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
    return new BD({ formats: ["qr_code"] });
  } catch {
    return null;
  }
}

interface BarcodeDetectorCtor {
  new (opts: { formats: string[] }): Detector;
  getSupportedFormats(): Promise<string[]>;
}

function cameraErrorMessage(e: unknown): string {
  const name = e instanceof DOMException ? e.name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Camera access was refused. Allow the camera for this page in the browser settings, or paste the code text.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No camera was found on this device. Paste the code text instead.";
    case "NotReadableError":
      return "The camera is busy in another app. Close it and try again.";
    default:
      return `The camera could not start (${name || String(e)}).`;
  }
}
