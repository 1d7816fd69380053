// Sends a citizen's sealed answer (FDA…: text, unreadable to the phone) to the relay:
// POST {relay}/api/submissions {"response": text} with the device token, and turns every
// outcome into a message a clerk understands.

import type { Pairing } from "./pairing";

export type SubmitOutcome =
  | { ok: true; title: string; detail: string }
  | { ok: false; kind: "expired" | "answered" | "revoked" | "unreachable" | "rejected" | "update"; title: string; detail: string };

/** How long the phone waits for the relay before calling it unreachable. */
const TIMEOUT_MS = 10_000;

export function isAnswerText(text: string): boolean {
  return /^FDA[0-9]+:/.test(text);
}

export async function submitAnswer(p: Pairing, response: string): Promise<SubmitOutcome> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(`${p.relay}/api/submissions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${p.token}` },
      body: JSON.stringify({ response }),
      signal: abort.signal,
      cache: "no-store",
    });
  } catch {
    return {
      ok: false,
      kind: "unreachable",
      title: "The relay cannot be reached",
      detail: `No answer from ${p.relay}. Check that the phone is on the office Wi-Fi, then scan again. Nothing was sent.`,
    };
  } finally {
    clearTimeout(timer);
  }
  const { code, message } = await errorBody(res);
  const desk = p.label ?? p.desk;
  // A 400 like any unreadable answer, but with its own code: the wallet and the relay speak
  // different QR format versions (docs/protocol.md, error codes).
  if (code === "unsupported_version") {
    return {
      ok: false,
      kind: "update",
      title: "Update needed",
      detail: `${message || "The citizen's wallet and the relay use different QR format versions."} Nothing was sent; the clerk can type the citizen's details by hand meanwhile.`,
    };
  }
  switch (res.status) {
    case 200:
    case 201:
    case 202:
      return { ok: true, title: `Sent to desk ${desk}`, detail: "The desk's form window fills in now. You can scan the next answer." };
    case 403:
      if (code === "origin_not_allowed") {
        return {
          ok: false,
          kind: "rejected",
          title: "The relay does not accept this page",
          detail: "This copy of the companion is hosted at an address the relay does not allow. Open the companion from the relay's own address (…/companion/). Nothing was sent.",
        };
      }
      return { ok: false, kind: "revoked", title: "This phone may not send answers", detail: message || "The relay refused the device token for this desk." };
    case 401:
      return {
        ok: false,
        kind: "revoked",
        title: "This phone is no longer paired",
        detail: `The relay refused the device token${message ? ` (${message})` : ""}. Ask for a new pairing code at the desk and scan it.`,
      };
    case 409:
      return { ok: false, kind: "answered", title: "Already answered", detail: "This request has already received an answer. Nothing more to do." };
    case 410:
      return {
        ok: false,
        kind: "expired",
        title: "The request has expired",
        detail: "The citizen answered a request that is no longer open. Ask the desk for a new request QR.",
      };
    case 404:
      return { ok: false, kind: "rejected", title: "Unknown request", detail: message || "The relay knows no open request for this answer." };
    case 502:
    case 504:
      return {
        ok: false,
        kind: "unreachable",
        title: "The relay cannot be reached",
        detail: `The gateway in front of ${p.relay} got no answer from the relay. Nothing was sent; scan again in a moment.`,
      };
    case 429:
    case 503:
      return { ok: false, kind: "unreachable", title: "The relay is busy", detail: "Nothing was stored. Wait a few seconds and scan the answer again." };
    default:
      return {
        ok: false,
        kind: "rejected",
        title: `The relay refused the answer (${res.status})`,
        detail: message || "Ask the citizen to show the answer again.",
      };
  }
}

/** Reads `{"error":{"code","message"}}` when the relay sent one. */
async function errorBody(res: Response): Promise<{ code: string; message: string }> {
  if (res.ok) return { code: "", message: "" };
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return { code: body.error?.code ?? "", message: body.error?.message ?? "" };
  } catch {
    return { code: "", message: "" };
  }
}
