// One input per vocabulary key, typed by the value's shape: a date picker for dates (its
// value is always ISO `YYYY-MM-DD`, whatever the phone's locale shows), a country list,
// option lists for codes, e-mail and phone keyboards, a text area for notes. Shared by
// "My details" and the consent screen, with the same place for "this does not fit" messages.

import { h } from "../shared/ui";
import { countryFromText, countryOptions } from "./countries";
import { todayIso } from "./dates";
import { CODE_CHOICES, type Checked, maxLength, normalise, shapeOf } from "./values";

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface ValueField {
  key: string;
  control: Control;
  /** The error line under the control (empty when the value fits). */
  problem: HTMLElement;
  /** Checks the current value; shows or clears the problem; returns the result. */
  check(): Checked;
}

const AUTOCOMPLETE: Record<string, string> = {
  "person.given_name": "given-name",
  "person.family_name": "family-name",
  "person.birth_date": "bday",
  "address.street": "street-address",
  "address.postcode": "postal-code",
  "address.city": "address-level2",
  "address.country": "country",
  "contact.email": "email",
  "contact.phone": "tel",
};

/** The control for `key`, holding `stored` when the control can show it; a stored value
 *  it cannot show (a date saved as "12/04/1987") is reported by the first `check()`. */
export function valueField(key: string, stored: string, id: string, testid: string): ValueField {
  const control = makeControl(key, id, testid);
  const raw = stored;
  setValue(control, key, stored);
  const problem = h("p", { class: "problem", id: `${id}-problem`, role: "alert", "data-testid": `problem-${testid}` });
  let pristine = true;
  control.addEventListener("input", () => (pristine = false));
  control.addEventListener("change", () => (pristine = false));
  const check = (): Checked => {
    // Untouched: judge the stored text itself (a date input cannot hold "12/04/1987").
    const result = normalise(key, pristine && control.value === "" ? raw : control.value);
    problem.textContent = result.ok ? "" : result.problem;
    control.toggleAttribute("aria-invalid", !result.ok);
    if (!result.ok) control.setAttribute("aria-describedby", problem.id);
    else control.removeAttribute("aria-describedby");
    return result;
  };
  return { key, control, problem, check };
}

function makeControl(key: string, id: string, testid: string): Control {
  const common = { id, "data-testid": testid, autocomplete: AUTOCOMPLETE[key] ?? "off" };
  const shape = shapeOf(key);
  if (shape === "country") {
    return h("select", common, h("option", { value: "" }, "—"), ...countryOptions().map(([c, name]) => h("option", { value: c }, name)));
  }
  const choices = CODE_CHOICES[key];
  if (shape === "code" && choices) {
    return h("select", common, h("option", { value: "" }, "—"), ...choices.map(([c, label]) => h("option", { value: c }, label)));
  }
  if (shape === "notes") return h("textarea", { ...common, rows: 3, maxlength: maxLength(key) });
  const type = shape === "date" ? "date" : shape === "email" ? "email" : shape === "phone" ? "tel" : "text";
  const input = h("input", { ...common, type, maxlength: type === "date" ? undefined : maxLength(key) });
  if (shape === "identifier" || shape === "iban" || shape === "postcode") input.setAttribute("autocapitalize", "characters");
  if (key === "person.birth_date") input.max = todayIso();
  return input;
}

function setValue(control: Control, key: string, stored: string): void {
  if (stored === "") return;
  const shape = shapeOf(key);
  if (shape === "country") {
    control.value = countryFromText(stored) ?? stored.toUpperCase();
  } else if (shape === "date" || control instanceof HTMLSelectElement) {
    const n = normalise(key, stored);
    if (n.ok) control.value = n.value;
  } else {
    control.value = stored;
  }
}
