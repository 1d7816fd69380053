// "Install this app": Chromium-based browsers offer installation through a
// `beforeinstallprompt` event, which the app keeps and fires from its own button; Safari on
// iPhone has no such event, so there the card says how (Share → Add to Home Screen). Once
// installed (or opened as an installed app) the card shows nothing.

import { button, h } from "./ui";

interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: "accepted" | "dismissed" }>;
}

let deferred: InstallPromptEvent | null = null;
let installed = false;
const slots = new Set<{ el: HTMLElement; render: () => void }>();

/** Starts listening for the browser's install offer (call once, before the first screen). */
export function watchInstall(): void {
  window.addEventListener("beforeinstallprompt", (e) => {
    e.preventDefault();
    deferred = e as InstallPromptEvent;
    redraw();
  });
  window.addEventListener("appinstalled", () => {
    installed = true;
    deferred = null;
    redraw();
  });
}

function redraw(): void {
  for (const s of slots) {
    if (s.el.isConnected) s.render();
    else slots.delete(s);
  }
}

async function install(): Promise<void> {
  const ev = deferred;
  if (!ev) return;
  deferred = null;
  await ev.prompt();
  const choice = await ev.userChoice.catch(() => null);
  if (choice?.outcome === "accepted") installed = true;
  redraw();
}

function runningInstalled(): boolean {
  const standalone = (navigator as Navigator & { standalone?: boolean }).standalone === true;
  return installed || standalone || window.matchMedia?.("(display-mode: standalone)").matches === true;
}

/** A card offering installation when the browser allows it; empty otherwise. `what` names
 *  the app ("the wallet"). */
export function installCard(what: string): HTMLElement {
  const el = h("div", { "data-testid": "install" });
  const render = (): void => {
    el.replaceChildren();
    el.className = "";
    if (runningInstalled()) return;
    const iosSafari = "standalone" in navigator && !deferred;
    if (!deferred && !iosSafari) return;
    el.className = "card install";
    el.append(h("strong", {}, `Install ${what} on this phone`), h("p", {}, "It then opens from your home screen like any app, also without a network connection."));
    el.append(deferred ? button("Install", () => void install(), "primary", "install-go") : h("p", {}, "In Safari: tap Share, then “Add to Home Screen”."));
  };
  slots.add({ el, render });
  render();
  return el;
}
