// Camera clips of the desk's screen for Chromium's fake camera: the desk screenshot, the
// code located on it by zxing, each PHONE_CLIPS view rendered by camera-sim and written as
// a Y4M file. Used by the camera e2e test and bench/phone-scan (one generator for both).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { type ClipSpec, PHONE_CLIPS, type Screen, renderFrame } from "./camera-sim";
import { framesToY4m, toLuma } from "./y4m";
import { locateInPng } from "./zxing-node";

export interface Clip {
  spec: ClipSpec;
  /** The Y4M file. */
  path: string;
  /** The grey frames (the benchmark decodes them directly too). */
  frames: Uint8Array[];
}

/** The screen as camera-sim needs it; fails when the screenshot's code does not read. */
export async function screenOf(png: Buffer, expected: string): Promise<Screen> {
  const found = await locateInPng(png);
  if (!found) throw new Error("the desk screenshot holds no readable QR code");
  if (found.text !== expected) throw new Error("the desk screenshot shows another code than its request text");
  const img = PNG.sync.read(png);
  return { luma: toLuma(img), width: img.width, height: img.height, corners: found.corners };
}

export function writeClips(screen: Screen, dir: string, specs: ClipSpec[] = PHONE_CLIPS): Clip[] {
  return specs.map((spec, i) => {
    const frames = Array.from({ length: spec.frames }, (_, f) => renderFrame(screen, spec, f));
    const path = join(dir, `clip-${i + 1}-${spec.width}x${spec.height}.y4m`);
    writeFileSync(path, framesToY4m(frames, spec.width, spec.height));
    return { spec, path, frames };
  });
}
