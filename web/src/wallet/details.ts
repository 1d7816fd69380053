// "My details": the citizen's profile as a form built from the vocabulary, in plain-word
// groups (about you, address, contact, documents, health, banking), one typed input per
// detail. Every value is checked and normalised before anything is saved; a value that
// does not fit is marked where it is and nothing is saved until it is fixed or cleared.

import { button, h, notice } from "../shared/ui";
import { GROUPS, OTHER_GROUP, VOCABULARY, fieldLabel, groupOf } from "../shared/vocab";
import { type ValueField, valueField } from "./inputs";
import type { Profile, WalletStore } from "./store";

export async function detailsScreen(store: WalletStore, refresh: (msg?: HTMLElement) => void, msg?: HTMLElement): Promise<HTMLElement> {
  const profile = await store.profile();
  // Keys of a newer vocabulary (remembered from a request) are kept and shown too.
  const keys = [...VOCABULARY.map((e) => e.key), ...Object.keys(profile).filter((k) => !VOCABULARY.some((e) => e.key === k)).sort()];
  const fields = keys.map((k, i) => valueField(k, profile[k] ?? "", `d${i}`, `detail-${k}`));
  const banner = h("div", {}, msg ?? null);
  const save = async (): Promise<void> => {
    const next: Profile = {};
    let bad: ValueField | null = null;
    for (const f of fields) {
      const r = f.check();
      if (!r.ok) bad ??= f;
      else if (r.value !== "") next[f.key] = r.value;
    }
    if (bad) {
      banner.replaceChildren(notice("error", "Nothing was saved", "Some details do not fit. They are marked below: correct or clear them."));
      bad.control.focus();
      bad.control.scrollIntoView({ block: "center" });
      return;
    }
    await store.saveProfile(next);
    refresh(notice("ok", "Saved on this phone", "Only this phone keeps your details."));
  };
  const groups = [...GROUPS, OTHER_GROUP].map((g) => groupCard(g.title, fields.filter((f) => groupOf(f.key) === g.id)));
  // Stored values that no longer fit (an older wallet kept "12/04/1987") show at once.
  for (const f of fields) if (profile[f.key]) f.check();
  return h(
    "section",
    { "data-screen": "profile" },
    banner,
    h("h1", {}, "My details"),
    h("p", { class: "muted" }, "Kept on this phone only, to fill in what an office asks for. You still choose, each time, what to share. Clear a box to forget that detail."),
    ...groups.filter((g): g is HTMLElement => g !== null),
    h("div", { class: "sticky-actions" }, button("Save", () => void save(), "primary", "profile-save")),
  );
}

function groupCard(title: string, fields: ValueField[]): HTMLElement | null {
  if (fields.length === 0) return null;
  return h(
    "fieldset",
    { class: "card group" },
    h("legend", {}, title),
    ...fields.map((f) => h("div", { class: "detail" }, h("label", { for: f.control.id }, fieldLabel(f.key)), f.control, f.problem)),
  );
}
