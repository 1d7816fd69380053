// Launches Debian's Chromium (never a downloaded browser) through playwright-core, headless,
// with the fake camera reading a Y4M file and a fresh profile directory per launch.

import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM = process.env.FORMDESK_CHROMIUM ?? "/usr/bin/chromium";

export interface Phone {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface PhoneOptions {
  userDataDir?: string;
  /** The phone's language and region (what date inputs and country names follow). */
  locale?: string;
  /** The citizen refuses the camera permission. */
  denyCamera?: boolean;
}

/** A phone: a persistent Chromium context whose camera shows `cameraFile` (a .y4m). */
export async function launchPhone(cameraFile: string, opts: PhoneOptions = {}): Promise<Phone> {
  const userDataDir = opts.userDataDir;
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh test (Debian package chromium)`);
  const dir = userDataDir ?? mkdtempSync(join(tmpdir(), "formdesk-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 412, height: 860 },
    locale: opts.locale,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      opts.denyCamera ? "--deny-permission-prompts" : "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${cameraFile}`,
    ],
    timeout: 60_000,
  });
  return {
    context,
    async close() {
      await context.close();
      if (!userDataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
