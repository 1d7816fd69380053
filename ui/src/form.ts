// A form window: the form rendered from its definition, the request panel (QR, matching
// code, countdown, new request), live fill when the citizen's answer arrives, and Complete
// (export to the outbox, print view, deletion receipt, then the personal data is cleared).
import * as api from "./api";
import { explain, h, svgDataUrl } from "./dom";
import { clearAll, localErrors, markField, readValues, renderFields, showErrors, writeValue } from "./fields";
import { closeCitizenView, requestQr } from "./requestqr";
import { relayPill } from "./status";

export async function renderForm(app: HTMLElement, formId: string): Promise<void> {
  const form = await api.formDefinition(formId);
  document.title = `FormDesk — ${form.title}`;
  const fields = renderFields(form);
  const error = h("p", { id: "form-error", class: "error", role: "alert" });
  const sub = h("span", { id: "subscription", class: "pill", "data-state": "none" }, "No request yet");
  const panel = h("div", { id: "request-panel", class: "request" });
  const done = h("section", { id: "done", hidden: true });
  const provenance: Record<string, string> = {};

  const setSub = (s: api.SubscriptionState) => {
    sub.dataset.state = s;
    sub.textContent = s === "subscribed" ? "Waiting for the citizen's answer (subscribed)"
      : s === "unsubscribed" ? "Answer received — unsubscribed"
      : s === "expired" ? "Request expired — unsubscribed" : "No request yet";
  };

  const request = h("button", { id: "request-data", class: "primary" }, "Request data");
  request.onclick = () => startRequest(form, panel, error);
  const complete = h("button", { id: "complete", class: "primary" }, "Complete");
  complete.onclick = () => finish(form, fields, provenance, error, done, panel);

  app.append(
    h("header", { class: "bar" }, h("h1", {}, form.title), sub, relayPill()),
    h("main", { class: "form-window" },
      h("section", { class: "card form-body" }, h("p", { class: "muted" }, form.description), fields,
        h("div", { class: "actions" }, complete)),
      h("aside", { class: "card" }, request, panel, error, done)),
  );

  await api.onSubscription(setSub);
  await api.onFormError((e) => (error.textContent = explain(e)));
  await api.onFormFilled((filled) => {
    for (const f of form.fields) {
      const outcome = filled.outcomes[f.name];
      if (!outcome) continue;
      if (outcome === "shared" && f.name in filled.values) writeValue(fields, f, filled.values[f.name]);
      markField(fields, f.name, outcome);
      provenance[f.name] = outcome === "shared" ? "citizen" : outcome;
    }
    fields.dataset.filled = filled.submissionId;
    closeCitizenView();
    window.clearInterval(countdown);
    shown = undefined;
    panel.replaceChildren(h("p", { class: "ok" }, "The citizen's data has arrived. Check it, correct anything, then Complete."));
    error.textContent = "";
  });
  setSub(await api.subscriptionState());
}

let countdown: number | undefined;
/** The request this window shows (a late expiry timer of an older one does nothing). */
let shown: string | undefined;

async function startRequest(form: api.FormDef, panel: HTMLElement, error: HTMLElement): Promise<void> {
  error.textContent = "";
  closeCitizenView();
  panel.replaceChildren(h("p", {}, "Creating the request…"));
  try {
    shown = undefined;
    const r = await api.newRequest(form.id);
    shown = r.requestId;
    const left = h("span", { id: "countdown" });
    const again = h("button", { id: "new-request", onclick: () => startRequest(form, panel, error) }, "New request");
    panel.replaceChildren(
      requestQr(r),
      h("div", { class: "match" }, h("span", {}, "Matching code"), h("strong", { id: "match-code" }, r.matchCode)),
      h("p", { class: "hint" }, "Ask the citizen to compare this code with the one on their phone before they agree. If it differs, do not continue."),
      h("p", {}, "Expires in ", left),
      again,
    );
    window.clearInterval(countdown);
    const tick = () => {
      const s = Math.max(0, Math.round(r.expiresAt - Date.now() / 1000));
      left.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
      if (s === 0) {
        window.clearInterval(countdown);
        closeCitizenView();
        panel.dataset.expired = "true";
        error.textContent = "The request has expired. Start a new request.";
        // The relay's clock must see it expired too: ask a moment later.
        window.setTimeout(() => { if (shown === r.requestId) expiryReceipt(panel, again); }, 3000);
      }
    };
    tick();
    countdown = window.setInterval(tick, 1000);
    delete panel.dataset.expired;
  } catch (e) {
    panel.replaceChildren();
    error.textContent = explain(e);
  }
}

/** The request expired unanswered: show the office-signed receipt that nothing was kept. */
async function expiryReceipt(panel: HTMLElement, again: HTMLElement): Promise<void> {
  const box = h("div", { id: "expiry-receipt", class: "receipt" }, h("p", {}, "Getting the deletion receipt…"));
  panel.replaceChildren(h("p", { class: "muted" }, "The request expired before the citizen answered."), box, again);
  try {
    const r = await api.expiredReceipt();
    box.replaceChildren(
      h("img", { id: "receipt-qr", class: "qr", src: svgDataUrl(r.receiptSvg), alt: "Deletion receipt QR", "data-qr": r.receiptQr }),
      h("p", {}, "Deletion receipt: nothing was received for this request. The citizen can scan this to keep proof of it."));
  } catch (e) {
    const retry = h("button", { onclick: () => expiryReceipt(panel, again) }, "Try again");
    box.replaceChildren(h("p", { class: "error" }, explain(e)), retry);
  }
}

async function finish(form: api.FormDef, fields: HTMLElement, provenance: Record<string, string>,
  error: HTMLElement, done: HTMLElement, panel: HTMLElement): Promise<void> {
  const local = localErrors(fields, form);
  showErrors(fields, local);
  if (local.length > 0) {
    error.textContent = "Some fields need attention.";
    return;
  }
  const values = readValues(fields, form);
  try {
    const schemaErrors = await api.validateValues(form.id, values);
    showErrors(fields, schemaErrors);
    if (schemaErrors.length > 0) {
      error.textContent = "Some fields need attention.";
      return;
    }
    const result = await api.completeForm(form.id, values, provenance);
    printView(form, values, done, result);
    clearAll(fields, form);
    for (const k of Object.keys(provenance)) delete provenance[k];
    delete fields.dataset.filled;
    window.clearInterval(countdown);
    panel.replaceChildren();
    error.textContent = "";
  } catch (e) {
    error.textContent = explain(e);
  }
}

function printView(form: api.FormDef, values: Record<string, unknown>, done: HTMLElement, r: api.Completed): void {
  const rows = form.fields.map((f) => h("tr", {}, h("th", {}, f.label), h("td", {}, String(values[f.name] ?? ""))));
  const print = h("div", { id: "print-view", class: "print" }, h("h2", {}, form.title), h("table", {}, ...rows));
  const receipt = r.receiptSvg
    ? h("div", { class: "receipt" },
        h("img", { id: "receipt-qr", class: "qr", src: svgDataUrl(r.receiptSvg), alt: "Deletion receipt QR", "data-qr": r.receiptQr ?? "" }),
        h("p", {}, "Deletion receipt: the citizen can scan this to keep proof that the relay deleted their data."))
    : null;
  done.replaceChildren(
    h("h2", {}, "Completed"),
    h("p", { id: "outbox-file" }, `Saved to ${r.outboxFile}`),
    h("button", { onclick: () => window.print() }, "Print"),
    h("button", { onclick: () => { done.hidden = true; done.replaceChildren(); } }, "Close and clear"),
    receipt ?? "", print);
  done.hidden = false;
  done.scrollIntoView({ block: "start" });
}
