// Where the tests find the built apps and the repository: web/ is the nearest folder above
// the running test file (dist-test/<dir>/x.mjs) that holds package.json.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findWeb(from: string): string {
  for (let dir = from, i = 0; i < 8; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "scripts", "build.mjs"))) return dir;
  }
  throw new Error(`web/ not found above ${from}`);
}

export const WEB = findWeb(dirname(fileURLToPath(import.meta.url)));
export const DIST = join(WEB, "dist");
export const REPO = join(WEB, "..");
