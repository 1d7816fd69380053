// Tiny DOM helpers (no framework): build elements, show plain-words errors.
import { AppError } from "./api";

type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Attrs = {}, ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (k === "class") el.className = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** The clerk's words for an error, with what to do about it. */
export function explain(e: unknown): string {
  if (!(e instanceof AppError)) return String(e);
  const remedy: Partial<Record<AppError["kind"], string>> = {
    relay_unreachable: "Relay unreachable.",
    token_rejected: "Desk token rejected.",
    certificate_mismatch: "Certificate mismatch.",
    wrong_request: "This QR code is for another request.",
    expired: "The request has expired.",
    camera_missing: "No camera.",
    update_needed: "Update needed.",
  };
  const lead = remedy[e.kind];
  return lead && !e.message.startsWith(lead) ? `${lead} ${e.message}` : e.message;
}

export function svgDataUrl(svg: string): string {
  return "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(svg)));
}
