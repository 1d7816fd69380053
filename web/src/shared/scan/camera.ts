// The camera as a phone user expects it, for both apps: the back camera at a high
// resolution, continuous autofocus where the browser exposes it, the torch where the
// device has one, and frames decoded one at a time (the next frame is taken only after the
// previous answer, so a slow phone never builds a backlog). `stop()` releases the camera.

import { type DecoderName, type QrDecoder, forgetDecoder, getDecoder } from "./decoder";

/** Why scanning cannot go on: the screen turns each into a message and an action. */
export type CameraProblem = "insecure" | "denied" | "missing" | "busy" | "decoder" | "other";

export interface ScanHandlers {
  onText(text: string): void;
  /** The camera runs; `torch` says whether a torch toggle makes sense. */
  onReady(info: { torch: boolean; decoder: DecoderName }): void;
  onProblem(problem: CameraProblem, detail: string): void;
}

/** Pause between two decodes (after the previous one finished): light on the battery. */
const FRAME_PAUSE_MS = 60;

/** What we ask for: the back camera, and enough pixels for a dense code at arm's length. */
const CONSTRAINTS: MediaStreamConstraints = {
  audio: false,
  video: { facingMode: { ideal: "environment" }, width: { ideal: 1920 }, height: { ideal: 1080 } },
};

/** Track capabilities the standard library types do not list yet (Image Capture spec). */
interface CameraCapabilities extends MediaTrackCapabilities {
  focusMode?: string[];
  torch?: boolean;
}

export class QrScanner {
  private stream: MediaStream | null = null;
  private decoder: QrDecoder | null = null;
  private timer: number | null = null;
  /** Set by `stop()`; a `start()` still awaiting the camera then releases it at once. */
  private stopped = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly handlers: ScanHandlers,
  ) {}

  async start(): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) {
      this.handlers.onProblem("insecure", "This browser gives no camera access to this page.");
      return;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(CONSTRAINTS);
    } catch (e) {
      if (!this.stopped) this.handlers.onProblem(problemOf(e), e instanceof Error ? e.message : String(e));
      return;
    }
    if (this.stopped) return release(stream);
    const decoder = await getDecoder();
    if (this.stopped) return release(stream);
    this.stream = stream;
    this.decoder = decoder;
    const track = stream.getVideoTracks()[0];
    await continuousFocus(track);
    this.video.srcObject = stream;
    this.video.setAttribute("playsinline", "true");
    this.video.muted = true;
    await this.video.play().catch(() => undefined);
    if (!this.stream) return;
    this.handlers.onReady({ torch: hasTorch(track), decoder: decoder.name });
    this.schedule(0);
  }

  /** Switches the torch; resolves to whether it is now on. */
  async setTorch(on: boolean): Promise<boolean> {
    const track = this.stream?.getVideoTracks()[0];
    if (!track || !hasTorch(track)) return false;
    try {
      await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
      return on;
    } catch {
      return false;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = null;
    if (this.stream) release(this.stream);
    this.stream = null;
    this.decoder = null;
    this.video.srcObject = null;
  }

  private schedule(delay: number): void {
    this.timer = window.setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    const decoder = this.decoder;
    if (!this.stream || !decoder) return;
    let text: string | null = null;
    try {
      if (this.video.readyState >= 2) text = await decoder.decode(this.video);
    } catch (e) {
      if (!this.stream) return;
      if (decoder.name === "zxing-wasm") {
        this.stop();
        forgetDecoder();
        this.handlers.onProblem("decoder", e instanceof Error ? e.message : String(e));
        return;
      }
      // The native detector can throw on a frame (e.g. not ready yet): try the next one.
    }
    if (!this.stream) return;
    if (text) {
      this.stop();
      this.handlers.onText(text);
      return;
    }
    this.schedule(FRAME_PAUSE_MS);
  }
}

function release(stream: MediaStream): void {
  stream.getTracks().forEach((t) => t.stop());
}

function capabilities(track: MediaStreamTrack): CameraCapabilities {
  try {
    return (track.getCapabilities?.() ?? {}) as CameraCapabilities;
  } catch {
    return {};
  }
}

function hasTorch(track: MediaStreamTrack): boolean {
  return capabilities(track).torch === true;
}

/** Continuous autofocus where the camera offers it (Android Chrome); a no-op elsewhere. */
async function continuousFocus(track: MediaStreamTrack): Promise<void> {
  if (!capabilities(track).focusMode?.includes("continuous")) return;
  await track.applyConstraints({ advanced: [{ focusMode: "continuous" } as MediaTrackConstraintSet] }).catch(() => undefined);
}

function problemOf(e: unknown): CameraProblem {
  const name = e instanceof DOMException ? e.name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "denied";
    case "NotFoundError":
    case "OverconstrainedError":
      return "missing";
    case "NotReadableError":
    case "AbortError":
      return "busy";
    default:
      return "other";
  }
}
