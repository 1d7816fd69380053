// The decode worker (built to dist/<app>/decode-worker.js): zxing-wasm, loaded from the
// .wasm beside this script (the app's own origin), decodes the frames the page sends, one
// at a time, as taken or sharpened first (blurred frames: a camera still focusing). A decoder that cannot load answers every frame with the error, so the page can
// say so instead of scanning forever.

import type { WorkerReply, WorkerRequest } from "./protocol";
import { sharpenRgba } from "./sharpen";
import { ZXING_WASM_FILE, decodePixels, prepareZxing } from "./zxing";

const scope = globalThis as unknown as DedicatedWorkerGlobalScope;
prepareZxing({ url: new URL(ZXING_WASM_FILE, scope.location.href).href });

scope.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  const { id, width, height, rgba, mode } = ev.data;
  let reply: WorkerReply;
  try {
    const data = new Uint8ClampedArray(rgba);
    let text = mode === "sharpened" ? null : await decodePixels({ data, width, height });
    if (text === null && mode !== "plain") {
      sharpenRgba(data, width, height);
      text = await decodePixels({ data, width, height });
    }
    reply = { id, text };
  } catch (e) {
    reply = { id, error: e instanceof Error ? e.message : String(e) };
  }
  scope.postMessage(reply);
};
