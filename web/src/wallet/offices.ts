// The trusted offices: office keys added by scanning or pasting the key shown at a counter,
// removed at will. ("My details" lives in details.ts.)

import { fingerprint, keyToBase64Url, parseOfficeKey } from "../shared/qr";
import { button, formatWhen, h, notice } from "../shared/ui";
import { explain } from "./errors";
import type { TrustedOffice, WalletStore } from "./store";

/** Parses an office key text and stores it; returns the message to show. */
export async function trustOffice(store: WalletStore, text: string, fallbackName = "Office"): Promise<HTMLElement> {
  try {
    const info = parseOfficeKey(text);
    const office: TrustedOffice = {
      key: keyToBase64Url(info.key),
      name: info.name ?? fallbackName,
      fingerprint: fingerprint(info.key),
      addedAt: Math.floor(Date.now() / 1000),
    };
    await store.addOffice(office);
    return notice("ok", `${office.name} is now trusted`, `Key fingerprint ${office.fingerprint}. Requests signed by this office will be shown.`);
  } catch (e) {
    const x = explain(e);
    return notice(x.kind, x.title, x.detail);
  }
}

export async function officesScreen(store: WalletStore, scanKey: () => void, refresh: (msg?: HTMLElement) => void, msg?: HTMLElement): Promise<HTMLElement> {
  const offices = await store.offices();
  const paste = h("textarea", { placeholder: "Paste an office key (FDK1:… or base64url)", "data-testid": "office-paste" });
  const name = h("input", { type: "text", placeholder: "Office name (for a pasted base64url key)", "data-testid": "office-name" });
  return h(
    "section",
    { "data-screen": "offices" },
    msg ?? null,
    h("h1", {}, "Trusted offices"),
    h("p", { class: "muted" }, "Only requests signed by these offices are shown. Add an office by scanning the key QR shown at its counter."),
    ...offices.map((o) =>
      h(
        "div",
        { class: "card", "data-testid": "office-entry" },
        h("strong", {}, o.name),
        h("div", { class: "muted" }, `Key ${o.fingerprint} · added ${formatWhen(o.addedAt)}`),
        button("Remove", async () => {
          await store.removeOffice(o.key);
          refresh(notice("info", `${o.name} removed`));
        }, "danger"),
      ),
    ),
    button("Scan an office key", scanKey, "primary", "scan-office"),
    h(
      "div",
      { class: "card" },
      paste,
      name,
      button("Add pasted key", async () => refresh(await trustOffice(store, paste.value, name.value.trim() || "Office")), "", "office-paste-go"),
    ),
  );
}
