// Renders a form's fields from its definition (labels, input types, required marks, schema
// constraints as HTML constraints) and reads/writes/clears their values.
import type { FieldDef, FormDef, JsonSchemaProp, Outcome } from "./api";
import { h } from "./dom";

const INPUT_TYPES: Record<string, string> = {
  text: "text", date: "date", email: "email", tel: "tel", number: "number",
};

export function renderFields(form: FormDef): HTMLElement {
  const props = form.schema.properties ?? {};
  const sections = form.layout.length > 0
    ? form.layout
    : [{ title: "", fields: form.fields.map((f) => f.name) }];
  const root = h("div", { class: "fields" });
  for (const s of sections) {
    const fs = h("fieldset", {}, s.title ? h("legend", {}, s.title) : null);
    for (const name of s.fields) {
      const f = form.fields.find((x) => x.name === name);
      if (f) fs.append(fieldRow(f, props[f.name] ?? {}));
    }
    root.append(fs);
  }
  return root;
}

function fieldRow(f: FieldDef, p: JsonSchemaProp): HTMLElement {
  const id = `f-${f.name}`;
  const label = h("label", { for: id }, f.label, f.required ? h("span", { class: "req", title: "required" }, " *") : null);
  const mark = h("span", { class: "mark" });
  const error = h("span", { class: "field-error", role: "alert" });
  const row = h("div", { class: "field", "data-field": f.name }, label, control(f, p, id), mark, error,
    f.help ? h("small", { class: "muted" }, f.help) : null);
  return row;
}

function control(f: FieldDef, p: JsonSchemaProp, id: string): HTMLElement {
  const common = { id, name: f.name, required: !!f.required };
  if (f.input === "select") {
    return h("select", common, h("option", { value: "" }, "—"),
      ...(f.choices ?? []).map((c) => h("option", { value: c.value }, c.label)));
  }
  if (f.input === "radio") {
    return h("div", { class: "radios", id },
      ...(f.choices ?? []).map((c) => h("label", {},
        h("input", { type: "radio", name: f.name, value: c.value, required: !!f.required }), ` ${c.label}`)));
  }
  if (f.input === "checkbox") return h("input", { ...common, type: "checkbox" });
  if (f.input === "textarea") return h("textarea", { ...common, maxlength: p.maxLength });
  return h("input", {
    ...common, type: INPUT_TYPES[f.input] ?? "text", pattern: p.pattern, minlength: p.minLength,
    maxlength: p.maxLength, min: p.minimum, max: p.maximum, autocomplete: "off",
  });
}

function controls(root: HTMLElement, name: string): (HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement)[] {
  return Array.from(root.querySelectorAll(`[name="${CSS.escape(name)}"]`));
}

export function readValues(root: HTMLElement, form: FormDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of form.fields) {
    const els = controls(root, f.name);
    if (f.input === "radio") {
      const on = els.find((e) => (e as HTMLInputElement).checked);
      if (on) out[f.name] = on.value;
    } else if (f.input === "checkbox") {
      out[f.name] = (els[0] as HTMLInputElement).checked;
    } else if (els[0] && els[0].value !== "") {
      out[f.name] = f.input === "number" ? Number(els[0].value) : els[0].value;
    }
  }
  return out;
}

export function writeValue(root: HTMLElement, f: FieldDef, value: unknown): void {
  const els = controls(root, f.name);
  if (f.input === "radio") els.forEach((e) => ((e as HTMLInputElement).checked = e.value === String(value)));
  else if (f.input === "checkbox") (els[0] as HTMLInputElement).checked = value === true;
  else if (els[0]) els[0].value = value === null || value === undefined ? "" : String(value);
}

/** Marks where a value came from: the citizen (self-declared) or to be entered manually. */
export function markField(root: HTMLElement, name: string, outcome: Outcome | null): void {
  const row = root.querySelector<HTMLElement>(`.field[data-field="${CSS.escape(name)}"]`);
  if (!row) return;
  const mark = row.querySelector<HTMLElement>(".mark")!;
  delete row.dataset.provenance;
  delete row.dataset.outcome;
  mark.textContent = "";
  if (outcome === "shared") {
    row.dataset.provenance = "citizen";
    mark.textContent = "provided by the citizen";
  } else if (outcome) {
    row.dataset.outcome = outcome;
    mark.textContent = outcome === "declined" ? "declined — to enter manually" : "not available — to enter manually";
  }
}

export function showErrors(root: HTMLElement, errors: { field: string; message: string }[]): void {
  root.querySelectorAll<HTMLElement>(".field-error").forEach((e) => (e.textContent = ""));
  for (const err of errors) {
    const row = root.querySelector(`.field[data-field="${CSS.escape(err.field)}"] .field-error`);
    if (row) row.textContent = err.message;
  }
}

/** Client-side check with the browser's constraint validation (from the same schema). */
export function localErrors(root: HTMLElement, form: FormDef): { field: string; message: string }[] {
  const errs: { field: string; message: string }[] = [];
  for (const f of form.fields) {
    const bad = controls(root, f.name).find((e) => !e.checkValidity());
    if (bad) errs.push({ field: f.name, message: bad.validationMessage || "Invalid value." });
  }
  return errs;
}

export function clearAll(root: HTMLElement, form: FormDef): void {
  for (const f of form.fields) {
    writeValue(root, f, f.input === "checkbox" ? false : "");
    if (f.input === "radio") controls(root, f.name).forEach((e) => ((e as HTMLInputElement).checked = false));
    markField(root, f.name, null);
  }
}
