// Builds bench/phone-scan with the web apps' esbuild: the page (page.ts + jsQR + zxing-wasm,
// with the .wasm beside it) and the driver (run by node from web/dist-bench/, so that it
// finds playwright-core and zxing-wasm in web/node_modules).
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const WEB = join(HERE, "..", "..", "web");
const OUT = join(WEB, "dist-bench");
const require = createRequire(join(WEB, "package.json"));
const { build } = require("esbuild");

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, "page"), { recursive: true });
await build({
  entryPoints: [join(HERE, "page.ts")],
  bundle: true,
  format: "esm",
  target: "chrome100",
  outfile: join(OUT, "page", "page.js"),
  nodePaths: [join(HERE, "node_modules"), join(WEB, "node_modules")],
  logLevel: "warning",
});
copyFileSync(require.resolve("zxing-wasm/reader/zxing_reader.wasm"), join(OUT, "page", "zxing_reader.wasm"));
writeFileSync(join(OUT, "page", "index.html"), '<!doctype html><meta charset="utf-8"><title>phone-scan bench</title><script type="module" src="page.js"></script>\n');
await build({
  entryPoints: [join(HERE, "driver.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  outfile: join(OUT, "driver.mjs"),
  logLevel: "warning",
});
