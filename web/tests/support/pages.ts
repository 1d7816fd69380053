// Where the phones load the apps from in the relay tests: the relay itself when it serves
// /wallet/ and /companion/ (the product setup), otherwise a node static server over
// web/dist that forwards /api/* to the same real relay (one origin either way).

import { DIST } from "./paths";
import { serveDist } from "./static-server";

export interface Pages {
  base: string;
  servedByRelay: boolean;
  close(): Promise<void>;
}

export async function pagesFor(relayUrl: string): Promise<Pages> {
  const probe = await fetch(`${relayUrl}/wallet/`).catch(() => null);
  if (probe?.ok && (probe.headers.get("content-type") ?? "").includes("text/html")) {
    return { base: relayUrl, servedByRelay: true, close: async () => undefined };
  }
  const server = await serveDist(DIST, relayUrl);
  return { base: server.url, servedByRelay: false, close: () => server.close() };
}
