// The consent screen of a verified request: who asks (office, desk, form), the matching code
// to compare with the desk, each requested field in plain words with its purpose, prefilled
// from "My details" in a typed input, a tick per field, the retention promise and the
// deletion contact. "Share" first checks every ticked value: one that does not fit what
// the desk's form takes is marked and nothing is sent until it is fixed, emptied or
// unticked; then the normalised answers go to `onShare`.

import { fingerprint, matchCode, retentionStatement, type Outcome, type VerifiedRequest } from "../shared/qr";
import { button, formatWhen, h, notice } from "../shared/ui";
import { fieldLabel } from "../shared/vocab";
import { type ValueField, valueField } from "./inputs";
import type { HistoryField, Profile } from "./store";

export interface Decision {
  answers: Map<string, Outcome>;
  /** Values typed or changed on this screen, for the shared fields (to remember). */
  typed: Record<string, string>;
  fields: HistoryField[];
}

export function reviewScreen(req: VerifiedRequest, officeLabel: string, profile: Profile, onShare: (d: Decision) => void, onCancel: () => void): HTMLElement {
  const b = req.body;
  const rows = b.fields.map((f, i) => fieldRow(f.key, fieldLabel(f.key, f.label), f.purpose, profile[f.key] ?? "", i));
  const banner = h("div", { "data-testid": "review-banner" });
  const share = (): void => {
    const d = decide(rows, profile);
    rows.forEach((r) => r.refresh());
    if (d === null) {
      banner.replaceChildren(notice("error", "Check the marked details", "They do not fit what the office's form takes. Correct them, empty them, or untick them."));
      rows.find((r) => r.field.problem.textContent)?.field.control.scrollIntoView({ block: "center" });
      return;
    }
    onShare(d);
  };
  // Saved values that do not fit are flagged before the citizen even presses Share.
  for (const r of rows) {
    if (profile[r.key]) r.field.check();
    r.refresh();
  }
  const clearWhenFixed = (): void => {
    if (!rows.some((r) => r.field.problem.textContent)) banner.replaceChildren();
  };
  return h(
    "section",
    {
      "data-screen": "review",
      lang: b.lang,
      "data-request-id": Array.from(b.requestId, (x) => x.toString(16).padStart(2, "0")).join(""),
      oninput: clearWhenFixed,
      onchange: clearWhenFixed,
    },
    h("h1", {}, `${b.officeName} asks for your details`),
    whoAsks(req, officeLabel),
    matching(matchCode(b)),
    h("h2", {}, "What is asked, and why"),
    h("p", { class: "muted" }, "Untick a detail to keep it to yourself; the clerk can then fill it in by hand. A detail left empty is sent as not available."),
    ...rows.map((r) => r.el),
    h("h2", {}, "What happens to your data"),
    h("p", { "data-testid": "retention" }, retentionStatement(b.retention)),
    h("p", {}, "To ask for deletion: ", h("strong", { "data-testid": "contact" }, b.contact || "ask at the desk (the office gave no contact)")),
    banner,
    h("div", {}, button("Share", share, "primary", "share"), button("Cancel", onCancel, "", "cancel")),
  );
}

function whoAsks(req: VerifiedRequest, officeLabel: string): HTMLElement {
  const b = req.body;
  return h(
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
  );
}

function matching(code: string): HTMLElement {
  return h(
    "div",
    { class: "matching" },
    h("div", {}, "Matching code"),
    h("div", { class: "code", "data-testid": "match-code" }, code),
    h("p", {}, "Compare it with the code on the desk's screen in front of you. If they differ, do not share: this request was sent from somewhere else. Tell the clerk."),
  );
}

/** The answers, or null when a ticked value does not fit (each such field is marked). */
function decide(rows: Row[], profile: Profile): Decision | null {
  const answers = new Map<string, Outcome>();
  const typed: Record<string, string> = {};
  const fields: HistoryField[] = [];
  let ok = true;
  for (const r of rows) {
    let outcome: Outcome;
    if (!r.tick.checked) {
      r.field.problem.textContent = "";
      outcome = { outcome: "declined" };
    } else {
      const c = r.field.check();
      if (!c.ok) {
        ok = false;
        continue;
      }
      outcome = c.value === "" ? { outcome: "unavailable" } : { outcome: "shared", value: c.value };
      if (c.value !== "" && c.value !== (profile[r.key] ?? "")) typed[r.key] = c.value;
    }
    answers.set(r.key, outcome);
    fields.push({ key: r.key, label: r.label, outcome: outcome.outcome });
  }
  return ok ? { answers, typed, fields } : null;
}

const BADGES: Record<string, string> = { shared: "will be shared", declined: "not shared", unavailable: "not available", check: "check this" };

interface Row {
  key: string;
  label: string;
  el: HTMLElement;
  tick: HTMLInputElement;
  field: ValueField;
  /** Updates the badge, dimming and enabling from the tick and the value's problem. */
  refresh(): void;
}

function fieldRow(key: string, label: string, purpose: string, value: string, index: number): Row {
  const id = `f${index}`;
  const tick = h("input", { type: "checkbox", id: `${id}-tick`, "data-testid": `tick-${key}`, checked: true });
  const field = valueField(key, value, id, `value-${key}`);
  const state = h("span", { class: "badge", "data-testid": `state-${key}` });
  const el = h(
    "div",
    { class: "field", "data-key": key },
    h("div", { class: "head" }, tick, h("label", { for: `${id}-tick` }, h("strong", {}, label), state, h("div", { class: "purpose" }, purpose ? `Why: ${purpose}` : "No purpose given."))),
    h("label", { for: id, class: "visually-hidden" }, label),
    field.control,
    field.problem,
  );
  const refresh = (): void => {
    const name = !tick.checked ? "declined" : field.problem.textContent ? "check" : field.control.value.trim() === "" ? "unavailable" : "shared";
    state.className = `badge ${name}`;
    state.textContent = BADGES[name];
    el.classList.toggle("off", !tick.checked);
    field.control.disabled = !tick.checked;
    if (!tick.checked) field.problem.textContent = "";
  };
  tick.addEventListener("change", refresh);
  field.control.addEventListener("input", () => {
    if (field.problem.textContent) field.check();
    refresh();
  });
  field.control.addEventListener("change", refresh);
  return { key, label, el, tick, field, refresh };
}
