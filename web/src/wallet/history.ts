// The sharing history: one entry per answer shown, newest first, with no field values —
// office, desk, form, each field's outcome, the retention promised, when — and the office's
// deletion receipt once scanned ("deletion not confirmed" until then).

import { formatWhen, h } from "../shared/ui";
import { fieldLabel } from "../shared/vocab";
import type { HistoryEntry } from "./store";

export function historyList(entries: HistoryEntry[]): HTMLElement {
  if (entries.length === 0) return h("p", { class: "muted", "data-testid": "history-empty" }, "Nothing shared yet.");
  return h("div", { "data-testid": "history" }, ...entries.map(historyCard));
}

export function historyCard(e: HistoryEntry): HTMLElement {
  const r = e.receipt;
  return h(
    "div",
    { class: "card", "data-testid": "history-entry", "data-request-id": e.requestId, "data-deletion": r ? "confirmed" : "unconfirmed" },
    h("strong", {}, `${e.officeName} — ${e.formTitle}`),
    h("div", { class: "muted" }, `Desk ${e.deskLabel} · ${formatWhen(e.sharedAt)} · code ${e.matchCode}`),
    h(
      "ul",
      {},
      ...e.fields.map((f) =>
        h("li", { "data-key": f.key, "data-outcome": f.outcome }, fieldLabel(f.key, f.label), h("span", { class: `badge ${f.outcome}` }, f.outcome)),
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
            `The office received ${r.fieldsReceived.length} field(s)${r.fieldsReceived.length ? ` (${r.fieldsReceived.join(", ")})` : ""} and keeps ${r.officeRetains} for ${r.officeRetentionDays} days.`,
          ),
        )
      : h("div", { class: "notice warn", "data-testid": "deletion-unconfirmed" }, h("strong", {}, "Deletion not confirmed"), h("p", {}, "Ask the desk for the deletion receipt QR and scan it here.")),
  );
}
