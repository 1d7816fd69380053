// Home: the forms the relay serves (each opens its own window), relay and camera status,
// pairing a clerk phone, and the desk's settings.
import * as api from "./api";
import { explain, h, svgDataUrl } from "./dom";
import { scannerPanel } from "./scanner";
import { settingsPanel } from "./settings";
import { relayPill } from "./status";

export async function renderHome(app: HTMLElement): Promise<void> {
  document.title = "FormDesk";
  const list = h("ul", { id: "forms", class: "forms" }, h("li", {}, "Loading forms…"));
  const message = h("p", { id: "home-error", class: "error", role: "alert" });
  app.append(
    h("header", { class: "bar" }, h("h1", {}, "FormDesk"), relayPill()),
    h("main", { class: "home" },
      h("section", { class: "card" }, h("h2", {}, "Forms"), list, message),
      scannerPanel(),
      pairingPanel(),
      settingsPanel(),
    ),
  );
  await loadForms(list, message);
  api.onRelayStatus((s) => {
    if (s.state === "online" && list.dataset.loaded !== "true") loadForms(list, message);
  });
}

async function loadForms(list: HTMLElement, message: HTMLElement): Promise<void> {
  try {
    const forms = await api.listForms();
    list.replaceChildren(...forms.map((f) =>
      h("li", {},
        h("button", { class: "open-form", "data-form": f.id, onclick: () => open(f.id, message) }, f.title),
        h("span", { class: "muted" }, ` ${f.description}`))));
    if (forms.length === 0) list.replaceChildren(h("li", {}, "The relay serves no forms."));
    list.dataset.loaded = "true";
    message.textContent = "";
  } catch (e) {
    list.replaceChildren();
    message.textContent = explain(e);
  }
}

async function open(formId: string, message: HTMLElement): Promise<void> {
  try {
    await api.openFormWindow(formId);
  } catch (e) {
    message.textContent = explain(e);
  }
}

function pairingPanel(): HTMLElement {
  const out = h("div", { id: "pairing" });
  const button = h("button", {
    id: "pair-phone",
    onclick: async () => {
      try {
        const p = await api.pairPhone();
        out.replaceChildren(
          h("img", { id: "pairing-qr", class: "qr", src: svgDataUrl(p.qrSvg), alt: "Pairing QR code", "data-qr": p.text }),
          h("p", {}, "Scan with the clerk phone's camera: it opens the FormDesk companion, paired with this desk. Each code pairs one phone."),
          p.note ? h("p", { class: "muted" }, p.note) : "");
      } catch (e) {
        out.textContent = explain(e);
      }
    },
  }, "Pair a clerk phone");
  return h("section", { class: "card" }, h("h2", {}, "Clerk phone"), button, out);
}
