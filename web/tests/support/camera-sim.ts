// A phone camera filming a desk's screen, simulated frame by frame from a screenshot: a
// pinhole camera (66° horizontal field of view) tilted against the screen (perspective),
// the screen's RGB subpixel stripes and black matrix sampled by the sensor (moiré), lens
// blur (defocus), a reflection on the glass (glare), vignetting, the camera's tone curve,
// sensor noise, and hand shake between frames. Pure functions over grey images; the tests
// (tests/e2e/desk-qr-camera) and bench/phone-scan turn the frames into Y4M clips for
// Chromium's fake camera.

/** A grey screenshot of the screen (0..255 per pixel, row by row). */
export interface Screen {
  luma: Uint8Array;
  width: number;
  height: number;
  /** The code's corners on the screen, in screen pixels (any order around the square). */
  corners: Array<{ x: number; y: number }>;
}

export interface Glare {
  /** Centre of the reflection in the frame (0..1 across, 0..1 down). */
  x: number;
  y: number;
  /** Radius (one standard deviation) as a fraction of the code's side on the frame. */
  radius: number;
  /** Peak added light, as a fraction of the screen's white (0.5: a lamp's reflection). */
  strength: number;
}

export interface ClipSpec {
  name: string;
  width: number;
  height: number;
  /** Camera turned left/right, up/down and around its axis, in degrees. */
  yaw: number;
  pitch: number;
  roll: number;
  /** The code's side on the frame as a fraction of the frame height (viewed head-on). */
  fill: number;
  /** Where the code's centre sits off the frame's centre (fractions of width, height). */
  aim?: [number, number];
  /** Lens blur: standard deviation in camera pixels. */
  defocus: number;
  glare?: Glare;
  frames: number;
  seed: number;
}

/** The seven clips of the desk's request QR as a phone sees it: 640×480 to 1920×1080,
 *  perspective up to 30°, defocus up to 0.4 module, moiré in every clip, glare in four.
 *  Each clip's code fills what the scan screen's aiming box asks for (about two thirds of
 *  the frame height), give or take. */
export const PHONE_CLIPS: ClipSpec[] = [
  { name: "640x480 turned 30°", width: 640, height: 480, yaw: 30, pitch: 0, roll: 4, fill: 0.78, aim: [0.02, -0.02], defocus: 0.7, frames: 4, seed: 1 },
  { name: "800x600 tilted 25°, glare", width: 800, height: 600, yaw: 0, pitch: 25, roll: -6, fill: 0.7, defocus: 0.9, glare: { x: 0.6, y: 0.38, radius: 0.2, strength: 0.45 }, frames: 4, seed: 2 },
  { name: "960x720 out of focus", width: 960, height: 720, yaw: -15, pitch: 12, roll: 2, fill: 0.66, defocus: 1.8, frames: 4, seed: 3 },
  { name: "1280x720 turned 30°, glare", width: 1280, height: 720, yaw: 30, pitch: 6, roll: -3, fill: 0.62, aim: [-0.04, 0.03], defocus: 1.2, glare: { x: 0.45, y: 0.6, radius: 0.25, strength: 0.5 }, frames: 4, seed: 4 },
  { name: "1280x960 tilted 30°", width: 1280, height: 960, yaw: -6, pitch: -29, roll: 10, fill: 0.6, defocus: 1.6, frames: 4, seed: 5 },
  { name: "1600x1200 moiré, glare", width: 1600, height: 1200, yaw: 20, pitch: -15, roll: -12, fill: 0.55, defocus: 1.0, glare: { x: 0.35, y: 0.4, radius: 0.22, strength: 0.4 }, frames: 4, seed: 6 },
  { name: "1920x1080 tilted, blurred, glare", width: 1920, height: 1080, yaw: -24, pitch: 16, roll: 5, fill: 0.55, aim: [0.03, 0.02], defocus: 2.2, glare: { x: 0.55, y: 0.55, radius: 0.3, strength: 0.45 }, frames: 4, seed: 7 },
];

const HFOV_DEG = 66;
/** Linear light of the screen's black and of the camera's stray light (flare). */
const FLARE = 0.012;
/** Exposure: the screen's white lands a little under the sensor's clipping point. */
const EXPOSURE = 0.82;
const NOISE_SIGMA = 2.5;
/** Screen pixel layout: three vertical subpixel stripes, each lit over this fraction of its
 *  width and of the pixel's height; luminance weights of R, G, B. */
const STRIPE_OPEN = 0.8;
const ROW_OPEN = 0.86;
const SUBPIXEL_WEIGHT = [0.299, 0.587, 0.114].map((w) => (w * 3) / (STRIPE_OPEN * ROW_OPEN));
/** How much of the subpixel pattern reaches the sensor (the lens and the sensor's
 *  anti-aliasing filter pass about a third of it at that fine a pitch): the rest of the
 *  light arrives evenly spread over the pixel. The sampled remainder aliases into moiré. */
const PATTERN_CONTRAST = Number(process.env.FORMDESK_MOIRE ?? 0.3);

/** Renders frame `index` of a clip: grey camera pixels (0..255, full range). */
export function renderFrame(screen: Screen, spec: ClipSpec, index: number): Uint8Array {
  const rnd = gaussian(spec.seed * 1000 + index);
  const shake = index === 0 ? 0 : 1;
  const view = {
    yaw: spec.yaw + shake * 0.4 * rnd(),
    pitch: spec.pitch + shake * 0.4 * rnd(),
    roll: spec.roll + shake * 0.3 * rnd(),
    aim: [(spec.aim?.[0] ?? 0) + shake * 0.01 * rnd(), (spec.aim?.[1] ?? 0) + shake * 0.01 * rnd()] as [number, number],
    fill: spec.fill * (1 + shake * 0.01 * rnd()),
  };
  const inv = invert(homography(screen, spec, view));
  const linear = sampleScreen(screen, spec.width, spec.height, inv);
  blur(linear, spec.width, spec.height, spec.defocus);
  return develop(linear, spec, view.fill, rnd);
}

type Mat3 = number[];

/** Screen pixel (relative to the code's centre) → camera pixel. */
function homography(screen: Screen, spec: ClipSpec, v: { yaw: number; pitch: number; roll: number; aim: [number, number]; fill: number }): Mat3 {
  const f = spec.width / (2 * Math.tan((HFOV_DEG * Math.PI) / 360));
  const side = screenSide(screen);
  const depth = (f * side) / (v.fill * spec.height);
  const r = rotation(v.yaw, v.pitch, v.roll);
  const t = [(v.aim[0] * spec.width * depth) / f, (v.aim[1] * spec.height * depth) / f, depth];
  const cx = spec.width / 2;
  const cy = spec.height / 2;
  // K · [r1 r2 t]
  const cols = [
    [r[0], r[3], r[6]],
    [r[1], r[4], r[7]],
    t,
  ];
  const m: Mat3 = new Array(9);
  for (let c = 0; c < 3; c++) {
    const [x, y, z] = cols[c];
    m[c] = f * x + cx * z;
    m[3 + c] = f * y + cy * z;
    m[6 + c] = z;
  }
  return m;
}

/** Row-major rotation Rz(roll) · Rx(pitch) · Ry(yaw). */
function rotation(yawDeg: number, pitchDeg: number, rollDeg: number): Mat3 {
  const [a, b, c] = [yawDeg, pitchDeg, rollDeg].map((d) => (d * Math.PI) / 180);
  const ry = [Math.cos(a), 0, Math.sin(a), 0, 1, 0, -Math.sin(a), 0, Math.cos(a)];
  const rx = [1, 0, 0, 0, Math.cos(b), -Math.sin(b), 0, Math.sin(b), Math.cos(b)];
  const rz = [Math.cos(c), -Math.sin(c), 0, Math.sin(c), Math.cos(c), 0, 0, 0, 1];
  return mul(rz, mul(rx, ry));
}

function mul(p: Mat3, q: Mat3): Mat3 {
  const out: Mat3 = new Array(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out[i * 3 + j] += p[i * 3 + k] * q[k * 3 + j];
  return out;
}

function invert(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d].map((x) => x / det);
}

function screenSide(s: Screen): number {
  const [p, q, r, t] = s.corners;
  const d = (u: { x: number; y: number }, w: { x: number; y: number }) => Math.hypot(u.x - w.x, u.y - w.y);
  return (d(p, q) + d(q, r) + d(r, t) + d(t, p)) / 4;
}

/** Linear light per camera pixel: 2×2 point samples of the screen's subpixels each (so the
 *  stripes alias into moiré as on a real sensor). */
function sampleScreen(s: Screen, w: number, h: number, inv: Mat3): Float32Array {
  const out = new Float32Array(w * h);
  const cu = s.corners.reduce((a, p) => a + p.x, 0) / 4;
  const cv = s.corners.reduce((a, p) => a + p.y, 0) / 4;
  const lin = new Float32Array(256).map((_, i) => Math.pow(i / 255, 2.2));
  const offsets = [0.25, 0.75];
  for (let y = 0; y < h; y++) {
    for (const oy of offsets) {
      const py = y + oy;
      // Along a row the homography's three terms are linear in x.
      const [u0, v0, z0] = [inv[1] * py + inv[2], inv[4] * py + inv[5], inv[7] * py + inv[8]];
      for (let x = 0; x < w; x++) {
        let acc = 0;
        for (const ox of offsets) {
          const px = x + ox;
          const z = inv[6] * px + z0;
          acc += emitted(s, lin, (inv[0] * px + u0) / z + cu, (inv[3] * px + v0) / z + cv);
        }
        out[y * w + x] += acc / 4;
      }
    }
  }
  return out;
}

/** Light leaving the screen at (u, v) (screen pixels): the pixel's value, part of it through
 *  its subpixel stripe (moiré), none from the black matrix; the dark bezel beyond the edge. */
function emitted(s: Screen, lin: Float32Array, u: number, v: number): number {
  if (u < 0 || v < 0 || u >= s.width || v >= s.height) return 0.02;
  const iu = u | 0, iv = v | 0;
  const t = (u - iu) * 3;
  const k = t | 0;
  const lit = v - iv <= ROW_OPEN && t - k <= STRIPE_OPEN ? SUBPIXEL_WEIGHT[k] : 0;
  return lin[s.luma[iv * s.width + iu]] * (1 - PATTERN_CONTRAST + PATTERN_CONTRAST * lit);
}

/** In-place separable Gaussian blur (sigma in pixels; nothing below 0.3). */
function blur(img: Float32Array, w: number, h: number, sigma: number): void {
  if (sigma < 0.3) return;
  const r = Math.ceil(sigma * 3);
  const k = new Float32Array(2 * r + 1).map((_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  k.forEach((x, i) => (k[i] = x / sum));
  const tmp = new Float32Array(img.length);
  const pass = (src: Float32Array, dst: Float32Array, along: number, across: number, step: number, stride: number) => {
    for (let j = 0; j < across; j++) {
      for (let i = 0; i < along; i++) {
        let acc = 0;
        for (let o = -r; o <= r; o++) {
          const ii = Math.min(along - 1, Math.max(0, i + o));
          acc += src[j * stride + ii * step] * k[o + r];
        }
        dst[j * stride + i * step] = acc;
      }
    }
  };
  pass(img, tmp, w, h, 1, w);
  pass(tmp, img, h, w, w, 1);
}

/** Exposure, glare, vignetting, flare, tone curve and sensor noise → 8-bit grey. */
function develop(linear: Float32Array, spec: ClipSpec, fill: number, rnd: () => number): Uint8Array {
  const { width: w, height: h, glare } = spec;
  const out = new Uint8Array(w * h);
  const g = glare ? { x: glare.x * w, y: glare.y * h, s: glare.radius * fill * h, a: glare.strength } : null;
  const corner2 = (w / 2) ** 2 + (h / 2) ** 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const r2 = ((x - w / 2) ** 2 + (y - h / 2) ** 2) / corner2;
      let e = linear[y * w + x] * EXPOSURE * (1 - 0.25 * r2) + FLARE;
      if (g) e += g.a * Math.exp(-((x - g.x) ** 2 + (y - g.y) ** 2) / (2 * g.s * g.s)) + 0.03 * g.a;
      const v = 255 * Math.pow(Math.min(1, e), 1 / 2.2) + NOISE_SIGMA * rnd();
      out[y * w + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return out;
}

/** A seeded standard normal generator (mulberry32 + Box–Muller): clips are reproducible. */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}
