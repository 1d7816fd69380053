// Starts the REAL formdesk-relay binary on 127.0.0.1:0 with a temporary data dir, the
// shipped forms and plain HTTP (loopback only), and makes tokens with its `token` command.
// The relay serves web/dist at /wallet/ and /companion/ (the same files the phone loads).

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "./paths";

export const TARGET = process.env.CARGO_TARGET_DIR ?? join(REPO, "target");
/** The relay binary; CARGO_TARGET_DIR as scripts/test.sh sets it. */
export const RELAY_BIN = join(TARGET, "debug", "formdesk-relay");

/** Builds the Rust binaries the e2e tests run (a no-op when scripts/test.sh built them). */
export function cargoBuild(pkg: string, bin: string): string {
  execFileSync("cargo", ["build", "--quiet", "-p", pkg, "--bin", bin], {
    cwd: REPO,
    env: { ...process.env, CARGO_TARGET_DIR: TARGET },
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 900_000,
  });
  return join(TARGET, "debug", bin);
}

/** A relay data dir; tokens are made while the relay is stopped (sled: one process). */
export class RelayHome {
  readonly dataDir = mkdtempSync(join(tmpdir(), "formdesk-relay-"));
  private readonly configFile = join(this.dataDir, "..", `${this.dataDir.split("/").pop()}.toml`);
  private child: ChildProcess | null = null;
  url = "";

  /** `requestTtlSecs`: lifetime of request QRs (the relay rounds to whole minutes, min 1). */
  constructor(requestTtlSecs = 600) {
    if (!existsSync(RELAY_BIN)) cargoBuild("formdesk-relay", "formdesk-relay");
    writeFileSync(this.configFile, `office_name = "City Hall Springfield"\n\n[limits]\nrequest_ttl_secs = ${requestTtlSecs}\n`);
  }

  token(role: "desk" | "device" | "admin", desk?: string): { id: string; secret: string } {
    const args = ["token", "create", "--data-dir", this.dataDir, "--role", role, "--label", "web e2e", "--json"];
    if (desk) args.push("--desk", desk);
    const out = JSON.parse(execFileSync(RELAY_BIN, args, { encoding: "utf8" }).trim().split("\n").pop()!);
    return { id: out.id, secret: out.secret };
  }

  revoke(id: string): void {
    execFileSync(RELAY_BIN, ["token", "revoke", "--data-dir", this.dataDir, id], { stdio: "ignore" });
  }

  /** Starts `serve` on 127.0.0.1 (`port` 0: any free one); resolves with the base URL. */
  async start(port = 0): Promise<string> {
    const child = spawn(
      RELAY_BIN,
      ["serve", "--listen", `127.0.0.1:${port}`, "--config", this.configFile, "--data-dir", this.dataDir, "--forms", join(REPO, "relay", "forms"), "--plain-http"],
      { env: { ...process.env, RUST_LOG: "warn", FORMDESK_WEB_DIR: join(REPO, "web", "dist") }, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.child = child;
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += String(d)));
    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`relay did not start in 20 s: ${stderr}`)), 20_000);
      let out = "";
      child.stdout!.on("data", (d) => {
        out += String(d);
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`relay exited (${code}): ${stderr}`));
      });
    });
    return this.url;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
    rmSync(this.configFile, { force: true });
  }
}
