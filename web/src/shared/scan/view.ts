// The scan screen both apps use: a viewfinder (live preview with an aiming box), a torch
// toggle when the phone has one, a plain message and a way forward when the camera cannot
// be used (permission refused, no camera, busy), "Upload a photo of the code", and a folded
// "paste the code text" box for codes received as text and for accessibility tools.

import { button, h, notice, show } from "../ui";
import { type CameraProblem, QrScanner } from "./camera";
import { decodePhoto } from "./decoder";

let active: QrScanner | null = null;

export function stopScanning(): void {
  active?.stop();
  active = null;
}

const PROBLEMS: Record<CameraProblem, [string, string]> = {
  insecure: ["No camera on this page", "This page cannot use the camera (it needs https). Upload a photo of the code instead."],
  denied: [
    "Camera access is blocked",
    "To scan, allow the camera for this page: open the browser's site settings (the icon left of the address), set Camera to Allow, then tap Try again. Or upload a photo of the code.",
  ],
  missing: ["No camera found", "This device has no camera the browser can use. Upload a photo of the code instead."],
  busy: ["The camera is busy", "Another app is using the camera. Close it, then tap Try again."],
  decoder: ["The code reader could not load", "Open the app once while connected to the desk's network, then try again. You can still paste the code text."],
  other: ["The camera could not start", "Tap Try again, or upload a photo of the code."],
};

/** Shows the scan screen and starts the camera; `onText` gets the first code read. */
export function scanScreen(title: string, hint: string, onText: (text: string) => void, onCancel: () => void): void {
  stopScanning();
  const video = h("video", { autoplay: true, muted: true, playsinline: true, "data-testid": "camera" });
  const finder = h("div", { class: "viewfinder", "data-state": "starting" }, video, h("div", { class: "aim", "aria-hidden": "true" }));
  const status = h("div", { class: "scan-status", "data-testid": "scan-status", role: "status" }, h("p", { class: "muted" }, "Starting the camera…"));
  const torch = h("button", { type: "button", class: "torch", hidden: true, "aria-pressed": "false", "data-testid": "scan-torch" }, "Light on");
  const done = (text: string): void => {
    stopScanning();
    onText(text.trim());
  };
  const screen = h(
    "section",
    { "data-screen": "scan" },
    h("h1", {}, title),
    finder,
    torch,
    status,
    photoButton(status, done),
    button("Cancel", () => {
      stopScanning();
      onCancel();
    }, "", "scan-cancel"),
    pasteBox("scan-paste", "Paste the code text instead", done),
  );
  const start = (): void => {
    const scanner = new QrScanner(video, {
      onText: done,
      onReady: ({ torch: hasTorch, decoder }) => {
        finder.dataset.state = "live";
        screen.dataset.decoder = decoder;
        status.replaceChildren(h("p", { class: "muted" }, hint));
        torch.hidden = !hasTorch;
      },
      onProblem: (problem, detail) => {
        finder.dataset.state = "off";
        screen.dataset.problem = problem;
        const [head, body] = PROBLEMS[problem];
        const retry = problem === "busy" || problem === "denied" || problem === "other";
        status.replaceChildren(
          notice(problem === "denied" ? "warn" : "error", head, problem === "other" ? `${body} (${detail})` : body),
          ...(retry ? [button("Try again", () => start(), "", "scan-retry")] : []),
        );
      },
    });
    stopScanning();
    active = scanner;
    void scanner.start();
  };
  torch.addEventListener("click", async () => {
    const on = torch.getAttribute("aria-pressed") !== "true";
    const now = (await active?.setTorch(on)) ?? false;
    torch.setAttribute("aria-pressed", String(now));
    torch.textContent = now ? "Light off" : "Light on";
  });
  show(screen);
  start();
}

/** "Upload a photo of the code": the phone offers its camera app or its gallery. */
function photoButton(status: HTMLElement, done: (text: string) => void): HTMLElement {
  const input = h("input", { type: "file", accept: "image/*", class: "visually-hidden", "data-testid": "scan-photo" });
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    status.replaceChildren(h("p", { class: "muted" }, "Reading the photo…"));
    const text = await decodePhoto(file).catch(() => null);
    if (text) done(text);
    else status.replaceChildren(notice("error", "No code found in this photo", "Take it again closer, with the whole code sharp and in view."));
  });
  return h("label", { class: "button" }, input, "Upload a photo of the code");
}

/** A folded "paste the code text" box (no camera involved): for phones without a camera,
 *  codes received as text, and accessibility tools. */
export function pasteBox(testid: string, summary: string, onText: (text: string) => void): HTMLElement {
  const area = h("textarea", { placeholder: "Paste the code text here", "aria-label": "Code text", "data-testid": `${testid}-text` });
  return h(
    "details",
    { class: "card", "data-testid": testid },
    h("summary", {}, summary),
    area,
    button("Use pasted text", () => area.value.trim() && onText(area.value.trim()), "", `${testid}-go`),
  );
}
