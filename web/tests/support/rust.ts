// The Rust side used by the end-to-end tests, run as real binaries from
// $CARGO_TARGET_DIR/debug (scripts/test.sh builds them; built with cargo when missing):
// - formdesk-scan (rqrr-based decoder) reads the QR a phone screen shows, exactly as the
//   clerk's webcam pipeline would;
// - `formdesk-wallet render` draws the FormDesk QRs the fake camera is shown, with the same
//   renderer as the desk and the relay (formdesk_protocol::render);
// - `formdesk-wallet check-response` opens an answer QR with the request's ephemeral secret,
//   as the desk's window does, and prints the per-field outcomes.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { TARGET, cargoBuild } from "./relay";

export function scanBin(): string {
  const bin = join(TARGET, "debug", "formdesk-scan");
  return existsSync(bin) ? bin : cargoBuild("formdesk-scanner", "formdesk-scan");
}

export function walletBin(): string {
  const bin = join(TARGET, "debug", "formdesk-wallet");
  return existsSync(bin) ? bin : cargoBuild("formdesk-wallet", "formdesk-wallet");
}

/** Decodes every QR code in a PNG with the Rust scanner; returns their texts. */
export function rustScan(png: string): string[] {
  const out = execFileSync(scanBin(), [png], { encoding: "utf8", timeout: 60_000 });
  const line = JSON.parse(out.trim().split("\n")[0]) as { codes: string[] };
  return line.codes;
}

/** Renders a FormDesk QR text to a PNG with the Rust renderer (`modulePx` pixels a module). */
export function rustRender(text: string, png: string, modulePx = 4): void {
  execFileSync(walletBin(), ["render", text, "--out", png, "--module-px", String(modulePx)], {
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 60_000,
  });
}

/** One field of an answer as the Rust decoder opened it. */
export interface RustField {
  key: string;
  outcome: "shared" | "declined" | "unavailable";
  value?: string;
  provenance: string;
}

export interface RustOpened {
  request_id: string;
  form: string;
  match_code: string;
  fields: RustField[];
}

/** Opens an answer (its text, or an image of it: `{ image }`) with the Rust decoder, given
 *  the request's text and the window's X25519 secret. Throws with Rust's message on failure. */
export function rustCheckResponse(request: string, secret: Uint8Array, answer: { text: string } | { image: string }): RustOpened {
  const hex = Array.from(secret, (b) => b.toString(16).padStart(2, "0")).join("");
  const args = ["check-response", "--request", request, "--secret", hex];
  if ("text" in answer) args.push("--text", answer.text);
  else args.push(answer.image);
  const out = execFileSync(walletBin(), args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  return JSON.parse(out.trim()) as RustOpened;
}

/** The fields as [key, outcome, value?] rows, for compact assertions. */
export function rows(opened: RustOpened): Array<[string, string, string?]> {
  return opened.fields.map((f) => (f.value === undefined ? [f.key, f.outcome] : [f.key, f.outcome, f.value]));
}
