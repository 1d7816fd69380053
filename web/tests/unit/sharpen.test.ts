// Unsharp masking of camera frames (src/shared/scan/sharpen.ts): a flat picture stays flat,
// a blurred edge gets its contrast back (what lets a defocused code read).
import { test } from "node:test";
import assert from "node:assert/strict";
import { sharpenRgba } from "../../src/shared/scan/sharpen";

function rgba(w: number, h: number, grey: (x: number) => number): Uint8ClampedArray {
  const d = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    d[4 * i] = d[4 * i + 1] = d[4 * i + 2] = grey(i % w);
    d[4 * i + 3] = 255;
  }
  return d;
}

test("a flat picture stays flat", () => {
  const d = rgba(20, 10, () => 128);
  sharpenRgba(d, 20, 10);
  for (let i = 0; i < 200; i++) assert.equal(d[4 * i], 128);
});

test("a blurred edge between dark and light gets steeper", () => {
  // A ramp from 60 to 190 over x = 8..12 (a module edge seen out of focus).
  const ramp = (x: number) => Math.round(60 + 130 * Math.min(1, Math.max(0, (x - 8) / 4)));
  const d = rgba(20, 10, ramp);
  sharpenRgba(d, 20, 10);
  const row = (x: number) => d[4 * (5 * 20 + x)];
  assert.ok(row(11) - row(9) > ramp(11) - ramp(9), `edge contrast ${row(9)}→${row(11)}`);
  assert.ok(row(8) < 60 && row(12) > 190, "overshoot on both sides of the edge");
  assert.equal(row(0), 60);
  assert.equal(row(19), 190);
});
