// The citizen-data vocabulary's English labels, from the Rust table that owns them
// (relay/protocol/src/vocab.rs, exported as relay/protocol/vocabulary.json and kept equal
// by a Rust test). A request's signed label wins; this is the fallback, then the key.

import vocabulary from "../../../relay/protocol/vocabulary.json";

interface VocabEntry {
  key: string;
  label: string;
  kind: string;
}

const LABELS: ReadonlyMap<string, string> = new Map((vocabulary as VocabEntry[]).map((e) => [e.key, e.label]));

/** What to call a field: the office's signed label, else the vocabulary's, else the key. */
export function fieldLabel(key: string, signed?: string): string {
  const s = signed?.trim();
  return s ? s : (LABELS.get(key) ?? key);
}
