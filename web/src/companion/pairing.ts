// The desk's pairing QR: a URL `<origin>/companion/#pair=<base64url JSON>` (docs/protocol.md;
// the desk makes it in src-tauri/src/pairing.rs, and both sides are tested against the
// links in src-tauri/tests/pairing-links.json). Parsing is strict: a pairing names a relay URL, a
// device token and a desk; an unknown version asks for an update.

import { fromBase64Url, fromUtf8 } from "../shared/bytes";

export const PAIRING_VERSION = 1;

export interface Pairing {
  v: number;
  /** Base URL of the relay's API, without a trailing slash. */
  relay: string;
  /** The device token (`fdt_…`), bound by the relay to one desk. */
  token: string;
  desk: string;
  label?: string;
  fingerprint?: string;
  pairedAt?: number;
}

export class PairingError extends Error {
  override name = "PairingError";
  constructor(
    message: string,
    readonly updateNeeded = false,
  ) {
    super(message);
  }
}

/** Finds the `pair=` parameter in a URL's fragment; null when the text is no pairing URL. */
export function pairingParam(text: string): string | null {
  const hash = text.includes("#") ? text.slice(text.indexOf("#") + 1) : "";
  for (const part of hash.split("&")) if (part.startsWith("pair=")) return part.slice(5);
  return null;
}

export function parsePairing(param: string): Pairing {
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(fromBase64Url(param)));
  } catch {
    throw new PairingError("This pairing code is damaged. Ask the desk to show it again.");
  }
  if (typeof json !== "object" || json === null) throw new PairingError("This pairing code is not valid.");
  const o = json as Record<string, unknown>;
  if (typeof o.v !== "number" || o.v > PAIRING_VERSION) {
    throw new PairingError("This desk uses a newer pairing format: update needed (reload the companion from the relay).", true);
  }
  const str = (k: string, required: boolean): string | undefined => {
    const v = o[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== "string" || v.length === 0 || v.length > 512) throw new PairingError(`The pairing code has no valid "${k}".`);
    return v;
  };
  const relay = str("relay", true)!.replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(relay);
  } catch {
    throw new PairingError("The pairing code names no valid relay address.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new PairingError("The relay address must be http(s).");
  return {
    v: o.v,
    relay,
    token: str("token", true)!,
    desk: str("desk", true)!,
    label: str("label", false),
    fingerprint: str("fingerprint", false),
  };
}
