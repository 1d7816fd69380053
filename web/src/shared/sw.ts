// The service worker of each app (built once per app with its asset list and a content
// hash): precache the app shell on install, answer from the cache first so the app opens
// offline, drop older caches of the same app on activate. API calls are never cached.

declare const __APP__: string;
declare const __VERSION__: string;
declare const __ASSETS__: string[];

const sw = globalThis as unknown as ServiceWorkerGlobalScope;
const PREFIX = `formdesk-${__APP__}-`;
const CACHE = PREFIX + __VERSION__;

sw.addEventListener("install", (event: ExtendableEvent) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(__ASSETS__))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener("activate", (event: ExtendableEvent) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener("fetch", (event: FetchEvent) => {
  const req = event.request;
  const url = new URL(req.url);
  const scope = new URL(sw.registration.scope);
  if (req.method !== "GET" || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const key = req.mode === "navigate" ? new URL("./", scope).href : url.href.split("#")[0].split("?")[0];
      const hit = await cache.match(key);
      if (hit) return hit;
      return fetch(req);
    })(),
  );
});
