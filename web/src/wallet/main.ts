// The citizen wallet: scan a request → check the office signature against trusted keys →
// consent screen → sealed answer shown full screen → sharing history (no values) with
// deletion receipts. Every scan is routed by its prefix (request, office key, receipt).

import { CLOCK_SKEW_SECS, QrError, checkReceiptAgainst, type VerifiedRequest, decodeRequestUnverified, fingerprint, keyToBase64Url, matchCode, parseOfficeKey, requestIdHex, retentionStatement, sealResponse, sniff, verifyReceipt, verifyRequest } from "../shared/qr";
import { qrSvg } from "../shared/qrview";
import { installCard, watchInstall } from "../shared/install";
import { warmDecoder } from "../shared/scan/decoder";
import { pasteBox, scanScreen, stopScanning } from "../shared/scan/view";
import { button, h, notice, registerServiceWorker, show } from "../shared/ui";
import { detailsScreen } from "./details";
import { explain } from "./errors";
import { historyList } from "./history";
import { introScreen } from "./intro";
import { officesScreen, trustOffice } from "./offices";
import { type Decision, reviewScreen } from "./review";
import { WalletStore } from "./store";
import { fieldLabel } from "../shared/vocab";

let store: WalletStore;
/** A request refused only because its office was unknown: reopened once the key is added. */
let pendingRequest: string | null = null;
const now = (): number => Math.floor(Date.now() / 1000);

function nav(): HTMLElement {
  return h(
    "nav",
    {},
    button("Home", () => void home(), "", "nav-home"),
    button("History", () => void history(), "", "nav-history"),
    button("My details", () => void profile(), "", "nav-profile"),
    button("Offices", () => void offices(), "", "nav-offices"),
    button("About", () => about(), "", "nav-about"),
  );
}

function about(): void {
  stopScanning();
  show(introScreen(false, () => void home()));
}

async function home(msg?: HTMLElement): Promise<void> {
  stopScanning();
  const trusted = await store.offices();
  show(
    h(
      "section",
      { "data-screen": "home" },
      msg ?? null,
      h("h1", {}, "Share your details at the counter"),
      h("p", {}, "Scan the code on the desk's screen. You see who asks for what and why, and decide field by field."),
      button("Scan a code", () => scan(), "primary", "scan"),
      pasteBox("home-paste", "No camera? Paste a code", (t) => void route(t)),
      trusted.length === 0 ? notice("info", "No trusted office yet", "Add the office's key first: scan the office key QR shown at the counter (Offices).") : null,
      installCard("the wallet"),
      nav(),
    ),
  );
}

function scan(): void {
  scanScreen("Scan the desk's code", "Point the camera at the QR code on the desk's screen.", (t) => void route(t), () => void home());
}

/** Any scanned or pasted text: request, office key, receipt, or a clear refusal. */
async function route(text: string): Promise<void> {
  const s = sniff(text);
  if (!s) return home(notice("error", "Not a FormDesk code", "This QR code does not come from a FormDesk desk."));
  if (s.kind === "request") return openRequest(text);
  if (s.kind === "key") {
    const msg = await trustOffice(store, text);
    const retry = pendingRequest;
    pendingRequest = null;
    if (retry && msg.dataset.kind === "ok") return openRequest(retry);
    return offices(msg);
  }
  if (s.kind === "receipt") return attachReceipt(text);
  return home(notice("info", "This is an answer code", "Answer codes are shown by a wallet to the clerk's camera, not scanned by a wallet."));
}

async function openRequest(text: string): Promise<void> {
  let req: VerifiedRequest;
  try {
    req = verifyRequest(text, await store.trustedKeys(), now());
  } catch (e) {
    return showRequestError(e, text);
  }
  const office = (await store.offices()).find((o) => o.key === keyToBase64Url(req.officeKey));
  const prof = await store.profile();
  show(reviewScreen(req, office?.name ?? req.body.officeName, prof, (d) => void share(req, d), () => void home(notice("info", "Nothing was shared."))));
}

function showRequestError(e: unknown, text: string): Promise<void> {
  const x = explain(e);
  const extra: HTMLElement[] = [];
  if (x.code === "untrusted") {
    pendingRequest = text;
    // Name who claims to ask, so the citizen knows which office key to look for.
    try {
      const u = decodeRequestUnverified(text);
      extra.push(h("p", {}, `The request says it comes from "${u.body.officeName}" (desk ${u.body.deskLabel}), signed with key ${fingerprint(u.signer)}. Nothing can be shared until you add this office's key — scan it at the counter, never from a message or e-mail.`));
    } catch {
      /* the plain message is enough */
    }
    extra.push(button("Add an office key", () => scanScreen("Scan the office key", "The office key QR (FDK1) is shown at the counter.", (t) => void route(t), () => void home()), "primary", "add-office"));
    extra.push(pasteBox("key-paste", "Paste the office key instead", (t) => void route(t)));
  }
  show(
    h(
      "section",
      { "data-screen": "request-error", "data-error": x.code },
      notice(x.kind, x.title, x.detail),
      ...extra,
      button("Scan again", () => scan(), "", "scan-again"),
      button("Home", () => void home(), "", "home"),
    ),
  );
  return Promise.resolve();
}

async function share(req: VerifiedRequest, d: Decision): Promise<void> {
  const b = req.body;
  if (now() > b.expiresAt + CLOCK_SKEW_SECS) {
    // The citizen took longer than the request lives: the desk would refuse the answer.
    return showRequestError(new QrError("expired", "This request expired while you were reading it. Ask the desk for a new code."), "");
  }
  const text = sealResponse(b, d.answers);
  const remembered = await store.remember(d.typed);
  await store.saveHistory({
    requestId: requestIdHex(b),
    officeName: b.officeName,
    officeKey: keyToBase64Url(req.officeKey),
    deskLabel: b.deskLabel,
    formId: b.formId,
    formTitle: b.formTitle,
    fields: d.fields,
    retention: retentionStatement(b.retention),
    retentionDays: b.retention.officeDays,
    contact: b.contact,
    matchCode: matchCode(b),
    sharedAt: now(),
  });
  keepScreenOn();
  const qr = h("div", { class: "qr", "data-testid": "response-qr", "data-qr-text": text });
  qr.innerHTML = qrSvg(text);
  const counts = ["shared", "declined", "unavailable"].map((o) => `${d.fields.filter((f) => f.outcome === o).length} ${o}`).join(", ");
  show(
    h(
      "section",
      { class: "fullqr", "data-screen": "response" },
      h("strong", {}, "Show this code to the clerk's camera"),
      qr,
      h("p", { class: "muted" }, `Sealed for ${b.officeName}, desk ${b.deskLabel}: ${counts}. Only that desk can read it.`),
      remembered.length ? h("p", { class: "muted", "data-testid": "remembered" }, `Saved ${remembered.length} new value(s) to My details.`) : null,
      button("Done", () => void history(), "primary", "done"),
    ),
  );
}

/** Keeps the screen on while the answer QR is shown (released when the page is hidden). */
function keepScreenOn(): void {
  const wl = (navigator as Navigator & { wakeLock?: { request(t: "screen"): Promise<unknown> } }).wakeLock;
  wl?.request("screen").catch(() => undefined);
}

async function attachReceipt(text: string): Promise<void> {
  try {
    const r = verifyReceipt(text, await store.trustedKeys());
    const entry = await store.historyEntry(r.body.requestId);
    if (!entry) return history(notice("warn", "No matching entry", "This receipt is genuine but is for an answer this phone did not give."));
    // Only the office that asked can confirm what it deleted (as the CLI wallet checks).
    if (keyToBase64Url(r.officeKey) !== entry.officeKey) {
      return history(
        notice(
          "error",
          "Receipt refused: signed by another office",
          `This receipt is signed with key ${fingerprint(r.officeKey)}, not by the office that asked for your data (key ${fingerprint(parseOfficeKey(entry.officeKey).key)}). It was not attached; ask the desk for the receipt again.`,
        ),
      );
    }
    // It may list only what this answer shared (docs/qr-format.md §5).
    try {
      const shared = entry.fields.filter((f) => f.outcome === "shared").map((f) => f.key);
      checkReceiptAgainst(r.body, entry.formId, shared);
    } catch {
      const stray = r.body.fieldsReceived.filter((k) => !entry.fields.some((f) => f.key === k && f.outcome === "shared"));
      const named = stray.map((k) => `"${fieldLabel(k, entry.fields.find((f) => f.key === k)?.label)}"`).join(", ");
      return history(
        notice(
          "error",
          "Receipt refused: it does not match your answer",
          `${named ? `This receipt says the office received ${named}, which you did not share.` : "This receipt is for another form than your answer."} It was not attached; ask the desk for the receipt again.`,
        ),
      );
    }
    entry.receipt = {
      relayDeletedAt: r.body.relayDeletedAt,
      fieldsReceived: r.body.fieldsReceived,
      officeRetains: r.body.officeRetains,
      officeRetentionDays: r.body.officeRetentionDays,
      issuedAt: r.body.issuedAt,
      attachedAt: now(),
      text,
    };
    await store.saveHistory(entry);
    return history(notice("ok", "Deletion receipt verified", `Signed by ${r.body.officeName}; attached to your history.`));
  } catch (e) {
    const x = explain(e);
    return history(notice(x.kind, `Receipt rejected: ${x.title}`, x.detail));
  }
}

async function history(msg?: HTMLElement): Promise<void> {
  stopScanning();
  const entries = await store.history();
  show(
    h(
      "section",
      { "data-screen": "history" },
      msg ?? null,
      h("h1", {}, "Sharing history"),
      h("p", { class: "muted" }, "What you shared, with whom, and what they promised. No values are kept here."),
      button("Scan a deletion receipt", () => scanScreen("Scan the deletion receipt", "The desk shows it when your form is complete.", (t) => void route(t), () => void history()), "primary", "scan-receipt"),
      pasteBox("receipt-paste", "Paste a receipt instead", (t) => void route(t)),
      historyList(entries),
      nav(),
    ),
  );
}

async function offices(msg?: HTMLElement): Promise<void> {
  stopScanning();
  const scanKey = (): void => scanScreen("Scan the office key", "The office key QR (FDK1) is shown at the counter.", (t) => void route(t), () => void offices());
  show(h("div", {}, await officesScreen(store, scanKey, (m) => void offices(m), msg), nav()));
}

async function profile(msg?: HTMLElement): Promise<void> {
  stopScanning();
  show(h("div", {}, await detailsScreen(store, (m) => void profile(m), msg), nav()));
}

async function main(): Promise<void> {
  watchInstall();
  registerServiceWorker();
  warmDecoder();
  store = await WalletStore.open();
  if (await store.flag("intro")) return home();
  show(
    introScreen(true, () => {
      void store.setFlag("intro").then(() => home());
    }),
  );
}

void main().catch((e) => show(notice("error", "The wallet could not start", String(e))));
