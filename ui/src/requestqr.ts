// The request QR as the form window shows it: drawn at the largest size its pane allows
// (the pane's width, and no taller than the window leaves room for, so the matching code
// stays in view), and "Show to the citizen": the same code filling the window, turned
// toward the citizen, with the matching code large beside it. The citizen view closes with
// its button or Esc, and whenever the window's request changes (answer, new request).
import { h, svgDataUrl } from "./dom";

export interface ShownRequest {
  qr: string;
  qrSvg: string;
  requestId: string;
  matchCode: string;
}

/** The pane's QR image and its "Show to the citizen" button. */
export function requestQr(r: ShownRequest): HTMLElement {
  const img = h("img", { id: "request-qr", class: "qr big", src: svgDataUrl(r.qrSvg), alt: "Request QR code", "data-qr": r.qr, "data-request": r.requestId });
  const full = h("button", { id: "show-citizen", class: "primary", onclick: () => showToCitizen(r) }, "Show to the citizen (full screen)");
  return h("div", { class: "qr-pane" }, img, full);
}

let open: { el: HTMLElement; onKey: (e: KeyboardEvent) => void } | null = null;

/** Fills the window with the code and the matching code, for the citizen's phone. */
export function showToCitizen(r: ShownRequest): void {
  closeCitizenView();
  const close = h("button", { id: "close-citizen", onclick: () => closeCitizenView() }, "Close (Esc)");
  const el = h("div", { id: "citizen-view", role: "dialog", "aria-modal": "true", "aria-label": "Request QR code for the citizen" },
    h("p", { class: "citizen-lead" }, "Scan this code with your wallet app"),
    h("div", { class: "citizen-body" },
      h("img", { id: "citizen-qr", class: "qr", src: svgDataUrl(r.qrSvg), alt: "Request QR code", "data-qr": r.qr }),
      h("div", { class: "citizen-match" },
        h("span", {}, "Matching code"),
        h("strong", { id: "citizen-match" }, r.matchCode),
        h("span", {}, "Your phone must show the same code. If it does not, do not share."))),
    close);
  const onKey = (e: KeyboardEvent) => { if (e.key === "Escape") closeCitizenView(); };
  document.addEventListener("keydown", onKey);
  document.body.append(el);
  open = { el, onKey };
  // A real full screen where the webview allows it; the overlay fills the window anyway.
  document.documentElement.requestFullscreen?.().catch(() => undefined);
  close.focus();
}

export function closeCitizenView(): void {
  if (!open) return;
  document.removeEventListener("keydown", open.onKey);
  open.el.remove();
  open = null;
  if (document.fullscreenElement) document.exitFullscreen().catch(() => undefined);
}
