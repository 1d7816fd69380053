// Builds both phone apps into dist/<app>/ (static files, relative URLs) and the tests
// into dist-test/. One esbuild call per bundle; each app gets the QR decode worker and
// zxing-cpp's WebAssembly beside it (loaded from the app's own origin, never a CDN); the
// service worker gets the app's asset list and a content hash so a new build replaces the
// old cache (and precaches the decoder, so scanning works offline).
//
//   node scripts/build.mjs          build dist/ and dist-test/
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
const APPS = ["wallet", "companion"];
const ZXING_WASM = join(ROOT, "node_modules", "zxing-wasm", "dist", "reader", "zxing_reader.wasm");
const common = { bundle: true, format: "esm", target: ["es2022", "chrome100", "safari15", "firefox100"], logLevel: "warning" };

rmSync(DIST, { recursive: true, force: true });
rmSync(join(ROOT, "dist-test"), { recursive: true, force: true });

for (const app of APPS) {
  const out = join(DIST, app);
  mkdirSync(out, { recursive: true });
  await build({ ...common, entryPoints: [join(ROOT, "src", app, "main.ts")], outfile: join(out, "app.js"), minify: true, sourcemap: false });
  await build({ ...common, format: "iife", entryPoints: [join(ROOT, "src", "shared", "scan", "decode-worker.ts")], outfile: join(out, "decode-worker.js"), minify: true });
  copyFileSync(ZXING_WASM, join(out, "zxing_reader.wasm"));
  for (const f of readdirSync(join(ROOT, "static", app))) copyFileSync(join(ROOT, "static", app, f), join(out, f));
  copyFileSync(join(ROOT, "static", "style.css"), join(out, "style.css"));
  copyFileSync(join(ROOT, "static", "icon.svg"), join(out, "icon.svg"));
  for (const size of [192, 512]) writeFileSync(join(out, `icon-${size}.png`), iconPng(size));
  addPngIcons(join(out, "manifest.webmanifest"));
  const assets = readdirSync(out).sort();
  const hash = createHash("sha256");
  for (const f of assets) hash.update(f).update(readFileSync(join(out, f)));
  await build({
    ...common,
    entryPoints: [join(ROOT, "src", "shared", "sw.ts")],
    outfile: join(out, "sw.js"),
    format: "iife",
    minify: true,
    define: {
      __APP__: JSON.stringify(app),
      __VERSION__: JSON.stringify(hash.digest("hex").slice(0, 16)),
      __ASSETS__: JSON.stringify(["./", ...assets]),
    },
  });
}

// Tests: every tests/**/*.test.ts becomes dist-test/<name>.test.mjs for `node --test`.
const testFiles = [];
for (const dir of ["unit", "e2e", "relay"]) {
  for (const f of readdirSync(join(ROOT, "tests", dir))) if (f.endsWith(".test.ts")) testFiles.push(join(ROOT, "tests", dir, f));
}
await build({
  ...common,
  entryPoints: testFiles,
  outdir: join(ROOT, "dist-test"),
  outExtension: { ".js": ".mjs" },
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: "inline",
});
console.log(`built ${APPS.map((a) => `dist/${a}`).join(", ")} and ${testFiles.length} test files`);

/** Adds the PNG icons (Chrome's install criteria want a 192 and a 512 px raster icon). */
function addPngIcons(manifestPath) {
  const m = JSON.parse(readFileSync(manifestPath, "utf8"));
  m.icons.push(
    { src: "icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
    { src: "icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
  );
  writeFileSync(manifestPath, JSON.stringify(m, null, 2) + "\n");
}

/** Draws the app icon (the same blocks as icon.svg) as a PNG of the given size. */
function iconPng(size) {
  const png = new PNG({ width: size, height: size });
  const s = size / 512;
  const white = [[96, 96, 128, 128], [288, 96, 128, 128], [96, 288, 128, 128], [288, 288, 48, 48], [368, 288, 48, 48], [288, 368, 48, 48], [368, 368, 48, 48]];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const X = x / s, Y = y / s;
      const on = white.some(([a, b, w, h]) => X >= a && X < a + w && Y >= b && Y < b + h);
      const i = (y * size + x) * 4;
      png.data[i] = on ? 255 : 11;
      png.data[i + 1] = on ? 255 : 92;
      png.data[i + 2] = on ? 255 : 173;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
