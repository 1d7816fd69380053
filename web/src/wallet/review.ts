// The consent screen of a verified request: who asks (office, desk, form), the matching code
// to compare with the desk, each requested field with its purpose, prefilled and editable,
// a tick per field, the retention promise and the deletion contact. "Share" seals the
// answers to the window's key and hands them to `onShared`.

import { fingerprint, matchCode, retentionStatement, type Outcome, type VerifiedRequest } from "../shared/qr";
import { button, formatWhen, h } from "../shared/ui";
import { fieldLabel } from "../shared/vocab";
import type { HistoryField, Profile } from "./store";

export interface Decision {
  answers: Map<string, Outcome>;
  /** Values typed or changed on this screen, for the shared fields (to remember). */
  typed: Record<string, string>;
  fields: HistoryField[];
}

export function reviewScreen(req: VerifiedRequest, officeLabel: string, profile: Profile, onShare: (d: Decision) => void, onCancel: () => void): HTMLElement {
  const b = req.body;
  const code = matchCode(b);
  const rows = b.fields.map((f) => fieldRow(f.key, f.label, f.purpose, profile[f.key] ?? ""));
  const share = (): void => {
    const answers = new Map<string, Outcome>();
    const typed: Record<string, string> = {};
    const fields: HistoryField[] = [];
    for (const r of rows) {
      const value = r.input.value.trim();
      let outcome: Outcome;
      if (!r.tick.checked) outcome = { outcome: "declined" };
      else if (value === "") outcome = { outcome: "unavailable" };
      else outcome = { outcome: "shared", value };
      if (outcome.outcome === "shared" && value !== (profile[r.key] ?? "")) typed[r.key] = value;
      answers.set(r.key, outcome);
      fields.push({ key: r.key, label: r.label, outcome: outcome.outcome });
    }
    onShare({ answers, typed, fields });
  };
  return h(
    "section",
    { "data-screen": "review", lang: b.lang, "data-request-id": Array.from(b.requestId, (x) => x.toString(16).padStart(2, "0")).join("") },
    h("h1", {}, `${b.officeName} asks for your details`),
    h(
      "div",
      { class: "card" },
      h(
        "dl",
        { class: "kv" },
        h("dt", {}, "Office"),
        h("dd", { "data-testid": "office" }, b.officeName),
        h("dt", {}, "Desk"),
        h("dd", { "data-testid": "desk" }, b.deskLabel),
        h("dt", {}, "Form"),
        h("dd", { "data-testid": "form" }, b.formTitle),
        h("dt", {}, "Signed by"),
        h("dd", { class: "muted" }, `${officeLabel} (key ${fingerprint(req.officeKey)})`),
        h("dt", {}, "Valid until"),
        h("dd", {}, formatWhen(b.expiresAt)),
      ),
    ),
    h(
      "div",
      { class: "matching" },
      h("div", {}, "Matching code"),
      h("div", { class: "code", "data-testid": "match-code" }, code),
      h("p", {}, "Compare it with the code on the desk's screen in front of you. If they differ, do not share: this request was sent from somewhere else. Tell the clerk."),
    ),
    h("h2", {}, "What is asked, and why"),
    h("p", { class: "muted" }, "Untick a field to keep it to yourself; the clerk can then fill it by hand. A field left empty is sent as unavailable."),
    ...rows.map((r) => r.el),
    h("h2", {}, "What happens to your data"),
    h("p", { "data-testid": "retention" }, retentionStatement(b.retention)),
    h("p", {}, "To ask for deletion: ", h("strong", { "data-testid": "contact" }, b.contact || "ask at the desk (the office gave no contact)")),
    h("div", {}, button("Share", share, "primary", "share"), button("Cancel", onCancel, "", "cancel")),
  );
}

interface Row {
  key: string;
  label: string;
  el: HTMLElement;
  tick: HTMLInputElement;
  input: HTMLInputElement;
}

function fieldRow(key: string, label: string, purpose: string, value: string): Row {
  const id = `f-${key.replace(/[^a-zA-Z0-9_-]/g, "_")}`;
  const tick = h("input", { type: "checkbox", id: `${id}-tick`, "data-testid": `tick-${key}`, checked: true });
  const input = h("input", { type: inputType(key), id, value, "data-testid": `value-${key}`, autocomplete: "off" });
  input.value = value;
  const state = h("span", { class: "badge", "data-testid": `state-${key}` });
  const el = h(
    "div",
    { class: "field", "data-key": key },
    h("div", { class: "head" }, tick, h("label", { for: `${id}-tick` }, h("strong", {}, fieldLabel(key, label)), state, h("div", { class: "purpose" }, purpose ? `Why: ${purpose}` : "No purpose given."))),
    h("label", { for: id, class: "muted" }, key),
    input,
  );
  const refresh = (): void => {
    const name = !tick.checked ? "declined" : input.value.trim() === "" ? "unavailable" : "shared";
    state.className = `badge ${name}`;
    state.textContent = name === "shared" ? "will be shared" : name === "declined" ? "declined" : "unavailable";
    el.classList.toggle("off", !tick.checked);
    input.disabled = !tick.checked;
  };
  tick.addEventListener("change", refresh);
  input.addEventListener("input", refresh);
  refresh();
  return { key, label, el, tick, input };
}

function inputType(key: string): string {
  // Dates stay plain text (YYYY-MM-DD): a date input would silently drop other spellings.
  if (key.includes("email")) return "email";
  if (key.includes("phone")) return "tel";
  return "text";
}
