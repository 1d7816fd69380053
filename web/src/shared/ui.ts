// Tiny DOM helpers shared by both apps: build elements, swap the visible screen, show a
// message banner. No framework: the apps are a handful of screens.

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | boolean | number | EventListener | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Replaces the app's main area with one screen and scrolls to the top. */
export function show(screen: HTMLElement): void {
  const main = document.getElementById("app");
  if (!main) throw new Error("#app is missing");
  main.replaceChildren(screen);
  window.scrollTo(0, 0);
}

/** A message box: kind "error" (red), "ok" (green), "warn" (amber) or "info". */
export function notice(kind: "error" | "ok" | "warn" | "info", title: string, detail?: string): HTMLElement {
  return h(
    "div",
    { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status", "data-kind": kind },
    h("strong", {}, title),
    detail ? h("p", {}, detail) : null,
  );
}

export function button(label: string, onclick: () => void, cls = "", testid?: string): HTMLButtonElement {
  return h("button", { type: "button", class: cls, onclick: () => onclick(), "data-testid": testid }, label);
}

export function formatWhen(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString();
}

/** Registers the app's service worker (relative path, so any mount point works). */
export function registerServiceWorker(): void {
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("./sw.js").catch(() => undefined);
  }
}
