// What a value must look like before the wallet stores or shares it, per vocabulary key:
// each key has a shape (from its vocabulary kind, refined for identifiers and free notes),
// and `normalise` turns what the citizen typed into the vocabulary's format (docs/forms.md)
// or says, in plain words, why it does not fit. The answer only ever carries normalised
// values, so the desk's form can take them.

import { readDate, spelled, todayIso } from "./dates";
import { COUNTRY_CODES, countryFromText } from "./countries";
import { vocabKind } from "../shared/vocab";

export type Shape = "text" | "notes" | "identifier" | "date" | "email" | "phone" | "country" | "postcode" | "iban" | "code";

export type Checked = { ok: true; value: string } | { ok: false; problem: string; options?: string[] };

/** Numbers printed on cards and letters: sent without spaces, dots or dashes. */
const IDENTIFIERS = new Set(["id.document_number", "id.national_number", "tax.id", "health.insurance_number"]);
/** Free notes that may run over several lines. */
const NOTES = new Set(["health.allergies", "health.medication"]);

/** Longest text the wallet sends for a key (the shipped forms take at least this much). */
const MAX_LENGTH: Record<string, number> = { "address.city": 80, "address.street": 120, "health.allergies": 1000, "health.medication": 1000 };
const DEFAULT_MAX_LENGTH = 100;

/** Codes the wallet offers for the vocabulary's code keys (the shipped forms' choices);
 *  the label is what the citizen reads, the code what is sent. */
export const CODE_CHOICES: Record<string, Array<[code: string, label: string]>> = {
  "person.sex": [
    ["female", "Female"],
    ["male", "Male"],
    ["other", "Other"],
  ],
  "id.document_type": [
    ["passport", "Passport"],
    ["id_card", "Identity card"],
    ["residence_permit", "Residence permit"],
    ["driving_licence", "Driving licence"],
  ],
};

export function shapeOf(key: string): Shape {
  if (IDENTIFIERS.has(key)) return "identifier";
  if (NOTES.has(key)) return "notes";
  const kind = vocabKind(key);
  switch (kind) {
    case "date":
    case "email":
    case "phone":
    case "country":
    case "postcode":
    case "iban":
    case "code":
      return kind;
    default:
      return "text";
  }
}

export function maxLength(key: string): number {
  return MAX_LENGTH[key] ?? DEFAULT_MAX_LENGTH;
}

/** The value in the vocabulary's format, or why it does not fit. Empty input is "" (ok):
 *  the caller decides whether empty means "forget" or "unavailable". */
export function normalise(key: string, raw: string, today = todayIso()): Checked {
  const shape = shapeOf(key);
  const s = shape === "notes" ? raw.replace(/\r\n?/g, "\n").trim() : raw.replace(/\s+/g, " ").trim();
  if (s === "") return { ok: true, value: "" };
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s)) return { ok: false, problem: "Remove the special characters from this value." };
  const checked = byShape(shape, s, key, today);
  if (checked.ok && checked.value.length > maxLength(key)) {
    return { ok: false, problem: `This is too long: at most ${maxLength(key)} characters.` };
  }
  return checked;
}

function byShape(shape: Shape, s: string, key: string, today: string): Checked {
  switch (shape) {
    case "date":
      return date(s, key, today);
    case "email":
      return /^[^\s@]+@[^\s@.][^\s@]*\.[^\s@.]{2,}$/.test(s) && s.length <= 254 && !s.includes("..")
        ? { ok: true, value: s }
        : { ok: false, problem: "This is not an e-mail address (like name@example.org)." };
    case "phone":
      return phone(s);
    case "country":
      return country(s);
    case "postcode": {
      const v = s.toUpperCase();
      return /^[A-Z0-9][A-Z0-9 -]{1,9}$/.test(v) ? { ok: true, value: v } : { ok: false, problem: "This is not a postcode (letters and digits, like 1015 CJ)." };
    }
    case "iban":
      return iban(s);
    case "identifier": {
      const v = s.toUpperCase().replace(/[\s.\-/]/g, "");
      return /^[A-Z0-9]{2,34}$/.test(v) ? { ok: true, value: v } : { ok: false, problem: "Use only the letters and digits of this number." };
    }
    case "code":
      return code(s, key);
    default:
      return { ok: true, value: s };
  }
}

function date(s: string, key: string, today: string): Checked {
  const r = readDate(s);
  if (r.kind === "ambiguous") {
    const [a, b] = r.options;
    return { ok: false, problem: `“${s}” could be ${spelled(a)} or ${spelled(b)}. Pick the date in the calendar.`, options: r.options };
  }
  if (r.kind === "invalid") return { ok: false, problem: `“${s}” is not a date we can read. Pick the date in the calendar.` };
  if (key === "person.birth_date" && (r.iso > today || r.iso < "1880-01-01")) {
    return { ok: false, problem: "A date of birth must be in the past. Check the year." };
  }
  return { ok: true, value: r.iso };
}

/** International form, digits only after the `+`: `+31 (0)6-1234 5678` → `+31612345678`. */
function phone(s: string): Checked {
  let v = s.replace(/^00/, "+");
  if (v.startsWith("+")) v = v.replace(/\(0\)/, "");
  const digits = v.replace(/[\s().\-/]/g, "");
  if (!/^\+?[0-9]{6,15}$/.test(digits)) return { ok: false, problem: "This is not a phone number (digits, best with the country code, like +31 20 123 4567)." };
  return { ok: true, value: digits };
}

function country(s: string): Checked {
  const up = s.toUpperCase();
  if (COUNTRY_CODES.includes(up)) return { ok: true, value: up };
  const byName = countryFromText(s);
  return byName ? { ok: true, value: byName } : { ok: false, problem: "Pick the country from the list." };
}

/** Without spaces, upper case, with valid check digits (ISO 13616 mod 97). */
function iban(s: string): Checked {
  const v = s.toUpperCase().replace(/[\s-]/g, "");
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(v)) return { ok: false, problem: "This is not an IBAN (like NL91 ABNA 0417 1643 00)." };
  const moved = v.slice(4) + v.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const n = ch >= "A" ? ch.charCodeAt(0) - 55 : Number(ch);
    rest = (rest * (n >= 10 ? 100 : 10) + n) % 97;
  }
  return rest === 1 ? { ok: true, value: v } : { ok: false, problem: "This IBAN has a typo: its check digits do not match. Check it against your bank card." };
}

function code(s: string, key: string): Checked {
  const choices = CODE_CHOICES[key];
  const lower = s.toLowerCase();
  const hit = choices?.find(([c, label]) => c === lower || label.toLowerCase() === lower);
  if (hit) return { ok: true, value: hit[0] };
  if (choices) return { ok: false, problem: "Pick one of the options." };
  const v = lower.replace(/[\s-]+/g, "_");
  return /^[a-z0-9_]{1,40}$/.test(v) ? { ok: true, value: v } : { ok: false, problem: "Use a single word for this value." };
}
