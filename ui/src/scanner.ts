// The webcam panel: live preview with a box around a detected code, and what happened to
// the last code read (sent, still sealed, through the relay to the window holding its key).
import * as api from "./api";
import { h } from "./dom";

export function scannerPanel(): HTMLElement {
  const status = h("p", { id: "camera-status", "data-state": "unknown" }, "Camera: …");
  const img = h("img", { id: "camera-preview", alt: "Camera preview", hidden: true });
  const overlay = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  overlay.setAttribute("class", "overlay");
  const last = h("p", { id: "scan-last", class: "muted" });
  const show = (e: api.ScannerEvent) => {
    if (e.kind === "frame" && e.frame) {
      img.src = e.frame;
      img.hidden = false;
      overlay.setAttribute("viewBox", `0 0 ${e.width ?? 1} ${e.height ?? 1}`);
      overlay.innerHTML = e.box
        ? `<polygon points="${e.box.map((p) => p.join(",")).join(" ")}" />`
        : "";
      return;
    }
    if (e.kind === "status" || e.kind === "error") {
      status.dataset.state = e.kind === "error" ? "error" : "ok";
      status.textContent = `Camera: ${e.message ?? ""}`;
    } else if (e.message) {
      last.dataset.kind = e.kind;
      last.textContent = e.message;
    }
  };
  api.scannerStatus().then(show).catch(() => {});
  api.onScanner(show);
  return h("section", { class: "card" }, h("h2", {}, "Webcam"), status,
    h("div", { class: "preview" }, img, overlay as unknown as Node), last);
}
