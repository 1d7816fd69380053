// The desk's request QR as the clerk terminal really shows it: a screenshot of the form
// window taken by the app's end-to-end test (tests/app_e2e.rs writes it, with the request
// text, the office key and the time it was shown, to $CARGO_TARGET_DIR/e2e-fixtures/). A
// fresh one from this build is used when present; otherwise the committed copy in
// tests/fixtures/ (refreshed by `FORMDESK_BLESS=1 cargo test -p formdesk-tests app_e2e`).

import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { WEB } from "./paths";
import { TARGET } from "./relay";

export interface DeskShot {
  png: Buffer;
  /** The request QR's text (what the wallet must read). */
  request: string;
  /** The office key text (FDK…) the wallet trusts. */
  officeKey: string;
  matchCode: string;
  /** Unix seconds when the window showed the request (the phone's clock is set to it). */
  shownAt: number;
  /** "fresh" (this build's app test) or "committed". */
  source: "fresh" | "committed";
}

const NAME = "desk-request.json";

export function deskShot(): DeskShot {
  const fresh = join(TARGET, "e2e-fixtures", NAME);
  const committed = join(WEB, "tests", "fixtures", NAME);
  const useFresh = existsSync(fresh) && (!existsSync(committed) || statSync(fresh).mtimeMs >= statSync(committed).mtimeMs);
  const path = useFresh ? fresh : committed;
  const meta = JSON.parse(readFileSync(path, "utf8")) as { request: string; office_key: string; match_code: string; shown_at: number; png: string };
  return {
    png: readFileSync(join(path, "..", meta.png)),
    request: meta.request,
    officeKey: meta.office_key,
    matchCode: meta.match_code,
    shownAt: meta.shown_at,
    source: useFresh ? "fresh" : "committed",
  };
}
