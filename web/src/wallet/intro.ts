// The first-run explanation (also under "About"): what the wallet keeps, where, and how the
// citizen stays in control, in a few plain sentences.

import { button, h } from "../shared/ui";

export function introScreen(first: boolean, onDone: () => void): HTMLElement {
  return h(
    "section",
    { "data-screen": "intro" },
    h("h1", {}, first ? "Welcome to your wallet" : "About this wallet"),
    h("p", {}, "Share your details with a service counter by scanning the code on the desk's screen, instead of filling in forms."),
    h(
      "ul",
      { class: "points" },
      h("li", {}, h("strong", {}, "It stays on this phone. "), "Your details, the offices you trust and a history of what you shared are kept in this browser's storage for this app, on this phone only. There is no account and no copy anywhere else."),
      h("li", {}, h("strong", {}, "You decide each time. "), "You see who asks for what and why, and choose detail by detail. What you share travels only inside the code you show the clerk, sealed so that only that desk can open it."),
      h("li", {}, h("strong", {}, "The history has no values. "), "It lists who asked, what you shared or kept back, and what the office promised to delete, with its signed receipt once you scan it."),
      h("li", {}, h("strong", {}, "Removing it removes everything. "), "Clearing this site's data in the browser, or uninstalling the app, deletes all of it."),
    ),
    button(first ? "Start" : "Back", onDone, "primary", "intro-done"),
  );
}
