// Unsharp masking for camera frames: a phone that is still focusing (or held too close)
// delivers codes whose modules run into each other; adding back the difference to a blurred
// copy restores enough edge contrast for the decoder. The blur is three passes of a box
// filter (close to a Gaussian of sigma ≈ radius), on the grey level, in O(1) per pixel.

/** Radius of each box pass, in pixels (≈ the Gaussian's sigma). */
const RADIUS = 2;
/** How much of the detail is added back (1: the edge contrast doubles). */
const AMOUNT = 1;

/** Sharpens RGBA pixels in place (the result is grey: the decoder reads grey anyway). */
export function sharpenRgba(data: Uint8ClampedArray, width: number, height: number): void {
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = (data[4 * i] * 77 + data[4 * i + 1] * 150 + data[4 * i + 2] * 29) / 256;
  const a = new Float32Array(grey.length);
  const b = new Float32Array(grey.length);
  boxRows(grey, a, width, height);
  boxColumns(a, b, width, height);
  boxRows(b, a, width, height);
  boxColumns(a, b, width, height);
  boxRows(b, a, width, height);
  boxColumns(a, b, width, height);
  for (let i = 0; i < grey.length; i++) {
    const v = grey[i] + AMOUNT * (grey[i] - b[i]);
    data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = v;
  }
}

/** Box average along each row (edges repeat the border pixel). */
function boxRows(src: Float32Array, dst: Float32Array, w: number, h: number): void {
  const n = 2 * RADIUS + 1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let acc = 0;
    for (let k = -RADIUS; k <= RADIUS; k++) acc += src[row + clamp(k, w)];
    for (let x = 0; x < w; x++) {
      dst[row + x] = acc / n;
      acc += src[row + clamp(x + RADIUS + 1, w)] - src[row + clamp(x - RADIUS, w)];
    }
  }
}

/** Box average down each column, walking the rows in memory order (one sum per column). */
function boxColumns(src: Float32Array, dst: Float32Array, w: number, h: number): void {
  const n = 2 * RADIUS + 1;
  const acc = new Float32Array(w);
  for (let k = -RADIUS; k <= RADIUS; k++) {
    const row = clamp(k, h) * w;
    for (let x = 0; x < w; x++) acc[x] += src[row + x];
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const add = clamp(y + RADIUS + 1, h) * w;
    const sub = clamp(y - RADIUS, h) * w;
    for (let x = 0; x < w; x++) {
      dst[row + x] = acc[x] / n;
      acc[x] += src[add + x] - src[sub + x];
    }
  }
}

function clamp(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}
