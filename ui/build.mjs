// Builds ui/dist: bundles src/main.ts with esbuild and copies the static files.
// Run by `npm run build` (after `tsc --noEmit`), which src-tauri/build.rs calls.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

mkdirSync("dist", { recursive: true });
await build({
  entryPoints: ["src/main.ts"],
  bundle: true,
  format: "esm",
  target: "es2020",
  outfile: "dist/main.js",
  logLevel: "warning",
});
for (const f of ["index.html", "styles.css"]) copyFileSync(f, `dist/${f}`);
