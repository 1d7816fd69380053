// Reading a date the way a citizen may have typed it, into the ISO `YYYY-MM-DD` the
// vocabulary prescribes. Unambiguous spellings are converted (`1987-04-12`, `1987/4/12`,
// `12.04.1987`, `25/04/1987`, `12 April 1987`, `April 12, 1987`); a spelling that could be
// two dates (`12/04/1987`: 12 April or 4 December) is never guessed: the citizen picks.

export type DateReading =
  | { kind: "date"; iso: string }
  | { kind: "ambiguous"; options: [string, string] }
  | { kind: "invalid" };

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

export function readDate(raw: string): DateReading {
  const s = raw.trim().replace(/\s+/g, " ");
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s);
  if (m) return checked(+m[1], +m[2], +m[3]);
  m = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/.exec(s);
  if (m) return dayMonthOrMonthDay(+m[1], +m[3], +m[4], m[2]);
  m = /^(\d{1,2})\.? ([a-z]+)\.?,? (\d{4})$/i.exec(s);
  if (m) return named(+m[1], m[2], +m[3]);
  m = /^([a-z]+)\.? (\d{1,2}),? (\d{4})$/i.exec(s);
  if (m) return named(+m[2], m[1], +m[3]);
  return { kind: "invalid" };
}

/** `a?b?yyyy`: dots are day-first everywhere; with `/` or `-` only a part above 12 tells
 *  day from month. */
function dayMonthOrMonthDay(a: number, b: number, year: number, sep: string): DateReading {
  if (sep === "." || a === b) return checked(year, b, a);
  const dayFirst = checked(year, b, a);
  const monthFirst = checked(year, a, b);
  if (dayFirst.kind === "date" && monthFirst.kind === "date") return { kind: "ambiguous", options: [dayFirst.iso, monthFirst.iso] };
  return dayFirst.kind === "date" ? dayFirst : monthFirst;
}

function named(day: number, month: string, year: number): DateReading {
  const word = month.toLowerCase();
  if (word.length < 3) return { kind: "invalid" };
  const i = MONTHS.findIndex((m) => m.startsWith(word));
  return i < 0 ? { kind: "invalid" } : checked(year, i + 1, day);
}

function checked(year: number, month: number, day: number): DateReading {
  if (year < 1000 || month < 1 || month > 12 || day < 1) return { kind: "invalid" };
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return { kind: "invalid" };
  return { kind: "date", iso: isoDate(year, month, day) };
}

function isoDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Today in the phone's own time zone, as `YYYY-MM-DD`. */
export function todayIso(now = new Date()): string {
  return isoDate(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

/** A date in plain words for messages ("12 April 1987"), whatever the phone's locale. */
export function spelled(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${d} ${MONTHS[m - 1].replace(/^./, (c) => c.toUpperCase())} ${y}`;
}
