// A test desk window: what the clerk's form window does, over the relay's real websocket and
// REST API (docs/protocol.md) — make an ephemeral X25519 key, ask the relay for a signed
// request, subscribe once to `req.<id>`, receive the sealed submission, acknowledge it.

import { x25519 } from "@noble/curves/ed25519.js";
import { toBase64Url } from "../../src/shared/bytes";

export interface Created {
  request_id: string;
  group: string;
  qr: string;
  expires_at: number;
  match_code: string;
}

type Event = Record<string, unknown> & { type: string };

export class DeskWindow {
  readonly secret = x25519.utils.randomSecretKey();
  private readonly events: Event[] = [];
  private waiters: Array<() => void> = [];

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (m) => {
      this.events.push(JSON.parse(String(m.data)) as Event);
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  static async connect(relayUrl: string, token: string): Promise<DeskWindow> {
    const ws = new WebSocket(relayUrl.replace(/^http/, "ws") + "/ws");
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(), { once: true });
      ws.addEventListener("error", () => reject(new Error("websocket to the relay failed")), { once: true });
    });
    const w = new DeskWindow(ws);
    ws.send(JSON.stringify({ op: "auth", token }));
    await w.next((e) => e.type === "hello");
    return w;
  }

  /** Waits for (and removes) the first event matching `pred`. */
  async next(pred: (e: Event) => boolean, timeoutMs = 15_000): Promise<Event> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.events.findIndex(pred);
      if (i >= 0) return this.events.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async subscribeOnce(group: string): Promise<void> {
    this.ws.send(JSON.stringify({ op: "subscribe", group, once: true, id: "s1" }));
    await this.next((e) => e.type === "subscribed" && e.group === group);
  }

  ack(submission: string): void {
    this.ws.send(JSON.stringify({ op: "ack", submission }));
  }

  close(): void {
    this.ws.close();
  }

  /** POST /api/requests with the desk token: the relay signs a request for this window. */
  async createRequest(relayUrl: string, token: string, form: string, keys: string[]): Promise<Created> {
    const res = await fetch(`${relayUrl}/api/requests`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ form, keys, eph_pub: toBase64Url(x25519.getPublicKey(this.secret)), desk_label: "Counter 3" }),
    });
    if (res.status !== 201) throw new Error(`POST /api/requests: ${res.status} ${await res.text()}`);
    return (await res.json()) as Created;
  }
}
