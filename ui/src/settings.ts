// Desk settings: relay (embedded or LAN with token and pinned certificate), desk label,
// camera. Saved in the app's config dir; relay changes reconnect at once.
import * as api from "./api";
import { explain, h } from "./dom";

export function settingsPanel(): HTMLElement {
  const form = h("form", { id: "settings", class: "settings" });
  const note = h("p", { class: "muted", role: "status" });
  api.getSettings().then((s) => fill(form, note, s)).catch((e) => (note.textContent = explain(e)));
  return h("section", { class: "card" }, h("h2", {}, "Settings"), form, note);
}

function input(name: string, label: string, value: string, type = "text"): HTMLElement {
  return h("label", {}, label, h("input", { name, type, value }));
}

function fill(form: HTMLFormElement, note: HTMLElement, s: api.Settings): void {
  const lan = s.relay.mode === "lan" ? s.relay : { url: "", token: "", fingerprint: "" };
  form.replaceChildren(
    input("deskLabel", "Desk label (shown to citizens)", s.deskLabel),
    h("label", {}, h("input", { type: "checkbox", name: "useLan", checked: s.relay.mode === "lan" }), " Use a LAN relay"),
    input("url", "Relay URL", lan.url),
    input("token", "Desk token", lan.token, "password"),
    input("fingerprint", "Certificate fingerprint (SHA-256)", lan.fingerprint ?? ""),
    input("camera", "Camera (index, or file:PATH)", s.camera ?? ""),
    h("button", { type: "submit" }, "Save"),
  );
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const v = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value.trim();
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
      note.textContent = "Saved.";
    } catch (e) {
      note.textContent = explain(e);
    }
  };
}
