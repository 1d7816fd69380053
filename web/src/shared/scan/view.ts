// The camera screen both apps use: live preview, a status line, a Cancel button, and a
// "paste the code text" fallback for phones without a usable camera.

import { QrScanner, decodeImageFile } from "./camera";
import { button, h, notice, show } from "./ui";

let active: QrScanner | null = null;

export function stopScanning(): void {
  active?.stop();
  active = null;
}

export function scanScreen(title: string, hint: string, onText: (text: string) => void, onCancel: () => void): void {
  stopScanning();
  const video = h("video", { class: "scan", autoplay: true, muted: true, playsinline: true, "data-testid": "camera" });
  const status = h("p", { class: "muted", "data-testid": "scan-status" }, hint);
  const paste = h("textarea", { placeholder: "…or paste the code text here", "data-testid": "scan-paste" });
  const photo = h("input", { type: "file", accept: "image/*", "data-testid": "scan-photo" });
  const done = (text: string): void => {
    stopScanning();
    onText(text.trim());
  };
  photo.addEventListener("change", async () => {
    const file = photo.files?.[0];
    if (!file) return;
    const text = await decodeImageFile(file).catch(() => null);
    if (text) done(text);
    else status.replaceChildren(notice("error", "No QR code found in this picture", "Try again closer, with the whole code in view."));
  });
  show(
    h(
      "section",
      { "data-screen": "scan" },
      h("h1", {}, title),
      video,
      status,
      button("Cancel", () => {
        stopScanning();
        onCancel();
      }, "", "scan-cancel"),
      h(
        "details",
        { class: "card" },
        h("summary", {}, "No camera? Use a photo or paste the text"),
        h("label", {}, "Photo of the code ", photo),
        paste,
        button("Use pasted text", () => paste.value.trim() && done(paste.value), "", "scan-paste-go"),
      ),
    ),
  );
  active = new QrScanner(video, {
    onText: done,
    onError: (msg) => status.replaceChildren(notice("error", "Camera unavailable", msg)),
  });
  void active.start();
}

/** A folded "paste the code text" box (no camera involved): for phones without a camera,
 *  codes received as text, and accessibility tools. */
export function pasteBox(testid: string, summary: string, onText: (text: string) => void): HTMLElement {
  const area = h("textarea", { placeholder: "Paste the code text (FDR1:…, FDK1:…, FDD1:…)", "data-testid": `${testid}-text` });
  return h(
    "details",
    { class: "card", "data-testid": testid },
    h("summary", {}, summary),
    area,
    button("Use pasted text", () => area.value.trim() && onText(area.value.trim()), "", `${testid}-go`),
  );
}
