// Desk settings: relay (embedded or LAN with token and pinned certificate), desk label,
// camera (picked from the cameras of this computer). Saved in the app's config dir; relay
// changes reconnect at once, a camera change restarts the scanner. Also the office's public
// key, as text and QR, for citizens to add the office to their wallet.
import * as api from "./api";
import { explain, h, svgDataUrl } from "./dom";

export function settingsPanel(): HTMLElement {
  const form = h("form", { id: "settings", class: "settings" });
  const note = h("p", { id: "settings-note", class: "muted", role: "status" });
  Promise.all([api.getSettings(), api.cameraChoices()])
    .then(([s, c]) => fill(form, note, s, c))
    .catch((e) => (note.textContent = explain(e)));
  return h("section", { class: "card" }, h("h2", {}, "Settings"), form, note, officeKeyPanel());
}

function input(name: string, label: string, value: string, type = "text"): HTMLElement {
  return h("label", {}, label, h("input", { name, type, value }));
}

/** The camera picker: "no camera", each camera found, and a saved source not in the list. */
function cameraPicker(saved: string | null, c: api.CameraChoices): HTMLElement {
  const select = h("select", { id: "camera-select", name: "camera" });
  const option = (value: string, label: string) =>
    h("option", { value, selected: value === (saved ?? "") }, label);
  select.append(option("", "No camera"));
  for (const cam of c.cameras) select.append(option(`camera:${cam.index}`, `${cam.name} (camera ${cam.index})`));
  if (saved && !c.cameras.some((cam) => `camera:${cam.index}` === saved)) select.append(option(saved, saved));
  const hints: string[] = [];
  if (c.cameras.length === 0) hints.push("No camera found on this computer. Connect a webcam and reopen FormDesk, or let a paired phone scan answers.");
  if (c.envCamera) hints.push(`FORMDESK_CAMERA is set (${c.envCamera}): it is used instead of this choice.`);
  return h("label", {}, "Camera", select,
    h("span", { id: "camera-hint", class: "muted", "data-cameras": c.cameras.length }, hints.join(" ")));
}

function fill(form: HTMLFormElement, note: HTMLElement, s: api.Settings, c: api.CameraChoices): void {
  const lan = s.relay.mode === "lan" ? s.relay : { url: "", token: "", fingerprint: "" };
  form.replaceChildren(
    input("deskLabel", "Desk label (shown to citizens)", s.deskLabel),
    h("label", {}, h("input", { type: "checkbox", name: "useLan", checked: s.relay.mode === "lan" }), " Use a LAN relay"),
    input("url", "Relay URL (https://…)", lan.url),
    input("token", "Desk token", lan.token, "password"),
    input("fingerprint", "Certificate fingerprint (SHA-256, as the relay printed it)", lan.fingerprint ?? ""),
    cameraPicker(s.camera, c),
    h("button", { type: "submit" }, "Save"),
  );
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const v = (n: string) => (form.elements.namedItem(n) as HTMLInputElement | HTMLSelectElement).value.trim();
    const useLan = (form.elements.namedItem("useLan") as HTMLInputElement).checked;
    const next: api.Settings = {
      ...s,
      deskLabel: v("deskLabel") || s.deskLabel,
      camera: v("camera") || null,
      relay: useLan
        ? { mode: "lan", url: v("url"), token: v("token"), fingerprint: v("fingerprint") || undefined }
        : { mode: "embedded" },
    };
    try {
      await api.saveSettings(next);
      s = next;
      note.textContent = "Saved.";
    } catch (e) {
      note.textContent = explain(e);
    }
  };
}

/** The office key wallets trust: name, fingerprint, the FDK1 text and its QR. */
function officeKeyPanel(): HTMLElement {
  const box = h("div", { id: "office-key" }, h("p", { class: "muted" }, "Loading the office key…"));
  const load = async () => {
    try {
      const k = await api.officeKey();
      box.replaceChildren(
        h("p", {}, h("strong", { id: "office-name" }, k.name), ` — key fingerprint ${k.fingerprint}`),
        h("img", { id: "office-key-qr", class: "qr", src: svgDataUrl(k.qrSvg), alt: "Office key QR code", "data-qr": k.qr }),
        h("p", {}, "A citizen scans this with their wallet to trust requests from this office."),
        h("code", { id: "office-key-text", class: "keytext" }, k.qr));
    } catch (e) {
      box.replaceChildren(h("p", { class: "error" }, explain(e)),
        h("button", { type: "button", onclick: () => load() }, "Try again"));
    }
  };
  load();
  api.onRelayStatus((s) => { if (s.state === "online" && !box.querySelector("#office-key-qr")) load(); });
  return h("div", {}, h("h3", {}, "Office key"), box);
}
