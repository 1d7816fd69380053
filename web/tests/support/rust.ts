// The Rust side used by the end-to-end tests: formdesk-scan (rqrr-based decoder) reads the
// QR a phone screen shows, exactly as the clerk's webcam pipeline would.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { TARGET, cargoBuild } from "./relay";

export function scanBin(): string {
  const bin = join(TARGET, "debug", "formdesk-scan");
  return existsSync(bin) ? bin : cargoBuild("formdesk-scanner", "formdesk-scan");
}

/** Decodes every QR code in a PNG with the Rust scanner; returns their texts. */
export function rustScan(png: string): string[] {
  const out = execFileSync(scanBin(), [png], { encoding: "utf8", timeout: 60_000 });
  const line = JSON.parse(out.trim().split("\n")[0]) as { codes: string[] };
  return line.codes;
}
