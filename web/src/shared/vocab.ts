// The citizen-data vocabulary as the phone wallet shows it: labels, value kinds and the
// groups of "My details", from the Rust table that owns the keys (relay/protocol/src/
// vocab.rs, exported as relay/protocol/vocabulary.json and kept equal by a Rust test).
// Keys are for machines: the citizen always reads a label (the office's signed label, else
// the vocabulary's, else words made from the key of a field this build does not know).

import vocabulary from "../../../relay/protocol/vocabulary.json";

export interface VocabEntry {
  key: string;
  label: string;
  kind: string;
}

export const VOCABULARY: readonly VocabEntry[] = vocabulary as VocabEntry[];
const BY_KEY: ReadonlyMap<string, VocabEntry> = new Map(VOCABULARY.map((e) => [e.key, e]));

/** The groups of "My details", in order; a key's group comes from its prefix. */
export const GROUPS: ReadonlyArray<{ id: string; title: string; prefixes: string[] }> = [
  { id: "person", title: "About you", prefixes: ["person"] },
  { id: "address", title: "Address", prefixes: ["address"] },
  { id: "contact", title: "Contact", prefixes: ["contact", "emergency"] },
  { id: "documents", title: "Documents and numbers", prefixes: ["id", "tax"] },
  { id: "health", title: "Health", prefixes: ["health"] },
  { id: "banking", title: "Banking", prefixes: ["bank"] },
];
export const OTHER_GROUP = { id: "other", title: "Other details" };

export function groupOf(key: string): string {
  const prefix = key.split(".")[0];
  return GROUPS.find((g) => g.prefixes.includes(prefix))?.id ?? OTHER_GROUP.id;
}

/** The vocabulary's value kind ("text" for keys this build does not know). */
export function vocabKind(key: string): string {
  return BY_KEY.get(key)?.kind ?? "text";
}

export function isVocabKey(key: string): boolean {
  return BY_KEY.has(key);
}

/** What to call a field: the office's signed label, else the vocabulary's, else words. */
export function fieldLabel(key: string, signed?: string): string {
  const s = signed?.trim();
  return s ? s : (BY_KEY.get(key)?.label ?? keyInWords(key));
}

/** `pet.licence_number` → "Licence number (pet)": never the raw key on screen. */
export function keyInWords(key: string): string {
  const parts = key.split(".").map((p) => p.replace(/_/g, " ").trim()).filter(Boolean);
  if (parts.length === 0) return "Unnamed detail";
  const last = parts[parts.length - 1];
  const head = last.charAt(0).toUpperCase() + last.slice(1);
  return parts.length > 1 ? `${head} (${parts.slice(0, -1).join(", ")})` : head;
}
