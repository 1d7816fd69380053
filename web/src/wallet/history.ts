// The sharing history: one entry per answer shown, newest first, with no field values —
// office, desk, form, each field's outcome, the retention promised, when — and the office's
// deletion receipt once scanned ("deletion not confirmed" until then). Fields are named in
// plain words, in the receipt too (it lists keys: shown by the labels the request gave).

import { formatWhen, h } from "../shared/ui";
import { fieldLabel } from "../shared/vocab";
import type { HistoryEntry } from "./store";

export function historyList(entries: HistoryEntry[]): HTMLElement {
  if (entries.length === 0) return h("p", { class: "muted", "data-testid": "history-empty" }, "Nothing shared yet.");
  return h("div", { "data-testid": "history" }, ...entries.map(historyCard));
}

const OUTCOME_WORDS: Record<string, string> = { shared: "shared", declined: "not shared", unavailable: "not available" };

export function historyCard(e: HistoryEntry): HTMLElement {
  const r = e.receipt;
  const label = (key: string): string => fieldLabel(key, e.fields.find((f) => f.key === key)?.label);
  return h(
    "div",
    { class: "card", "data-testid": "history-entry", "data-request-id": e.requestId, "data-deletion": r ? "confirmed" : "unconfirmed" },
    h("strong", {}, `${e.officeName} — ${e.formTitle}`),
    h("div", { class: "muted" }, `Desk ${e.deskLabel} · ${formatWhen(e.sharedAt)} · code ${e.matchCode}`),
    h(
      "ul",
      {},
      ...e.fields.map((f) =>
        h("li", { "data-key": f.key, "data-outcome": f.outcome }, label(f.key), h("span", { class: `badge ${f.outcome}` }, OUTCOME_WORDS[f.outcome] ?? f.outcome)),
      ),
    ),
    h("div", { class: "muted" }, `Promised: ${e.retention}`),
    h("div", { class: "muted" }, `Deletion requests: ${e.contact || "at the desk (no contact given)"}`),
    r
      ? h(
          "div",
          { class: "notice ok", "data-testid": "deletion-confirmed" },
          h("strong", {}, `Deletion confirmed: the relay deleted your answer on ${formatWhen(r.relayDeletedAt)}.`),
          h(
            "p",
            {},
            `The office received ${received(r.fieldsReceived.map(label))} and keeps ${r.officeRetains} for ${r.officeRetentionDays} days.`,
          ),
        )
      : h("div", { class: "notice warn", "data-testid": "deletion-unconfirmed" }, h("strong", {}, "Deletion not confirmed"), h("p", {}, "Ask the desk for the deletion receipt QR and scan it here.")),
  );
}

function received(labels: string[]): string {
  if (labels.length === 0) return "none of your details";
  return `${labels.length} detail${labels.length === 1 ? "" : "s"} (${labels.join(", ")})`;
}
