// The two lists the citizen manages: trusted office keys (added by scanning or pasting an
// office key, removed at will) and "my details" (the profile used to prefill answers).

import { fingerprint, keyToBase64Url, parseOfficeKey } from "../shared/qr";
import { button, formatWhen, h, notice } from "../shared/ui";
import { fieldLabel } from "../shared/vocab";
import { explain } from "./errors";
import type { Profile, TrustedOffice, WalletStore } from "./store";

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

export async function profileScreen(store: WalletStore, refresh: (msg?: HTMLElement) => void, msg?: HTMLElement): Promise<HTMLElement> {
  const profile = await store.profile();
  const rows = Object.keys(profile)
    .sort()
    .map((k) => {
      const input = h("input", { type: "text", "data-testid": `profile-${k}` });
      input.value = profile[k];
      return { k, input };
    });
  const newKey = h("input", { type: "text", placeholder: "key, e.g. person.given_name", "data-testid": "profile-new-key" });
  const newValue = h("input", { type: "text", placeholder: "value", "data-testid": "profile-new-value" });
  const save = async (): Promise<void> => {
    const p: Profile = {};
    for (const r of rows) if (r.input.value.trim() !== "") p[r.k] = r.input.value.trim();
    if (newKey.value.trim() && newValue.value.trim()) p[newKey.value.trim()] = newValue.value.trim();
    await store.saveProfile(p);
    refresh(notice("ok", "Saved on this phone"));
  };
  return h(
    "section",
    { "data-screen": "profile" },
    msg ?? null,
    h("h1", {}, "My details"),
    h("p", { class: "muted" }, "Kept on this phone only, to prefill answers. Values you type when answering are added here. Clear a value to forget it."),
    ...rows.map((r) => h("label", { class: "field" }, h("span", {}, fieldLabel(r.k), " ", h("span", { class: "muted" }, r.k)), r.input)),
    h("h2", {}, "Add a detail"),
    newKey,
    newValue,
    button("Save", () => void save(), "primary", "profile-save"),
  );
}
