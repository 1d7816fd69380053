// The clerk companion: pair with a desk (pairing QR or link), then scan citizens' answer
// QRs and forward them, still sealed, to the relay. Screens: home, pair confirm, scan,
// result. The device token lives in IndexedDB only.

import { Db } from "../shared/db";
import { installCard, watchInstall } from "../shared/install";
import { warmDecoder } from "../shared/scan/decoder";
import { scanScreen, stopScanning } from "../shared/scan/view";
import { button, h, notice, registerServiceWorker, show } from "../shared/ui";
import { type Pairing, PairingError, pairingParam, parsePairing } from "./pairing";
import { isAnswerText, submitAnswer } from "./submit";

const KV = "kv";
let db: Db;

async function loadPairing(): Promise<Pairing | undefined> {
  return db.get<Pairing>(KV, "pairing");
}

async function home(message?: HTMLElement): Promise<void> {
  stopScanning();
  const p = await loadPairing();
  if (!p) {
    const paste = h("input", { type: "text", placeholder: "…or paste the pairing link", "data-testid": "pair-paste" });
    show(
      h(
        "section",
        { "data-screen": "unpaired" },
        message ?? null,
        h("h1", {}, "Pair this phone with a desk"),
        h("p", {}, "At the desk, open Settings → Pair a phone, then scan the pairing code shown there."),
        button("Scan pairing code", () => scan("pair"), "primary", "scan-pair"),
        h("div", { class: "card" }, paste, button("Use link", () => handlePairText(paste.value.trim()), "", "pair-paste-go")),
      ),
    );
    return;
  }
  show(
    h(
      "section",
      { "data-screen": "home" },
      message ?? null,
      h("h1", {}, `Desk ${p.label ?? p.desk}`),
      h("p", { class: "muted" }, `Relay ${p.relay}`),
      h("p", {}, "Scan a citizen's answer code. The phone forwards it sealed: only the desk's form window can read it."),
      button("Scan answer", () => scan("answer"), "primary", "scan-answer"),
      button("Unpair", () => void unpair(), "danger", "unpair"),
      installCard("the companion"),
    ),
  );
}

async function unpair(): Promise<void> {
  await db.delete(KV, "pairing");
  await home(notice("info", "This phone is no longer paired."));
}

function scan(purpose: "pair" | "answer"): void {
  const [title, hint] =
    purpose === "pair"
      ? ["Scan the pairing code", "Point the camera at the pairing code on the desk's screen (Settings → Pair a clerk phone)."]
      : ["Scan the citizen's answer", "Point the camera at the answer code on the citizen's phone."];
  scanScreen(title, hint, (text) => void handleScanned(text), () => void home());
}

async function handleScanned(text: string): Promise<void> {
  if (pairingParam(text) !== null) return handlePairText(text);
  if (!isAnswerText(text)) {
    return home(notice("error", "Not a FormDesk answer", "This code is not a citizen's answer (it should come from the citizen's wallet screen)."));
  }
  const p = await loadPairing();
  if (!p) return home(notice("error", "Not paired", "Pair this phone with a desk first."));
  show(h("section", { "data-screen": "sending" }, h("h1", {}, "Sending…"), h("p", {}, `To desk ${p.label ?? p.desk}`)));
  const out = await submitAnswer(p, text);
  const result = h(
    "section",
    { "data-screen": "result", "data-outcome": out.ok ? "sent" : out.kind },
    notice(out.ok ? "ok" : "error", out.title, out.detail),
    button("Scan next answer", () => scan("answer"), "primary", "scan-next"),
    button("Home", () => void home(), "", "home"),
  );
  if (!out.ok && out.kind === "revoked") await db.delete(KV, "pairing");
  show(result);
}

async function handlePairText(text: string): Promise<void> {
  const param = pairingParam(text);
  if (param === null) return home(notice("error", "Not a pairing code", "Scan the pairing code shown by the desk."));
  let p: Pairing;
  try {
    p = parsePairing(param);
  } catch (e) {
    const msg = e instanceof PairingError ? e.message : String(e);
    return home(notice(e instanceof PairingError && e.updateNeeded ? "warn" : "error", "Pairing failed", msg));
  }
  p.pairedAt = Math.floor(Date.now() / 1000);
  await db.put(KV, p, "pairing");
  if (location.hash.includes("pair=")) history.replaceState(null, "", location.pathname + location.search);
  await home(notice("ok", `Paired with desk ${p.label ?? p.desk}`, `Answers go to ${p.relay}.`));
}

async function main(): Promise<void> {
  watchInstall();
  registerServiceWorker();
  warmDecoder();
  db = await Db.open("formdesk-companion", 1, (d) => {
    if (!d.objectStoreNames.contains(KV)) d.createObjectStore(KV);
  });
  if (location.hash.includes("pair=")) return handlePairText(location.href);
  await home();
}

void main().catch((e) => show(notice("error", "The companion could not start", String(e))));
