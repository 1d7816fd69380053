// Countries for the vocabulary's country values (ISO 3166-1 alpha-2, plus XK for Kosovo as
// the EU uses it): the codes, their names in the phone's language (the browser's own
// Intl.DisplayNames, English as the fallback), and a name typed in full read back as a code.

const CODES =
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
  "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
  "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
  "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
  "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
  "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
  "UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

export const COUNTRY_CODES: readonly string[] = CODES.split(" ");

function languages(): string[] {
  const nav = typeof navigator !== "undefined" ? Array.from(navigator.languages ?? [navigator.language]) : [];
  return [...nav.filter(Boolean), "en"];
}

function displayNames(lang: string): Intl.DisplayNames | null {
  try {
    return new Intl.DisplayNames([lang], { type: "region", fallback: "none" });
  } catch {
    return null;
  }
}

/** The country's name in the phone's language (the code itself if the browser has none). */
export function countryName(code: string): string {
  for (const lang of languages()) {
    const name = displayNames(lang)?.of(code);
    if (name) return name;
  }
  return code;
}

/** Codes with names, sorted by name in the phone's language. */
export function countryOptions(): Array<[code: string, name: string]> {
  const collator = new Intl.Collator(languages());
  return COUNTRY_CODES.map((c): [string, string] => [c, countryName(c)]).sort((a, b) => collator.compare(a[1], b[1]));
}

/** A country named in full ("Netherlands", "nederland") → its code, or null. */
export function countryFromText(text: string): string | null {
  const want = fold(text);
  for (const lang of languages()) {
    const names = displayNames(lang);
    if (!names) continue;
    const hit = COUNTRY_CODES.find((c) => {
      const n = names.of(c);
      return n !== undefined && fold(n) === want;
    });
    if (hit) return hit;
  }
  return null;
}

function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/^the /, "").trim();
}
