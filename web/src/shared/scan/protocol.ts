// Messages between the page and the decode worker (decode-worker.ts): one frame in, one
// answer out, matched by id.

export interface WorkerRequest {
  id: number;
  width: number;
  height: number;
  /** RGBA pixels, row by row (transferred). */
  rgba: ArrayBuffer;
  /** "plain": as taken; "sharpened": unsharp-masked first (sharpen.ts); "both": plain, then
   *  sharpened if nothing was found (still pictures). */
  mode: "plain" | "sharpened" | "both";
}

export type WorkerReply = { id: number; text: string | null } | { id: number; error: string };
