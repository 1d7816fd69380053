// The reading rules every CBOR payload of the format obeys before it is decoded
// (docs/qr-format.md §1, "Deterministic CBOR"; relay/protocol/src/qr/strict.rs is the Rust
// twin): RFC 8949 §4.2 deterministic encoding — definite lengths, shortest heads, map keys in
// strictly ascending bytewise order of their encodings (so no duplicates) — and the format's
// limits: only integers, byte and text strings (valid UTF-8), arrays, maps, false, true and
// null; nesting at most MAX_DEPTH; exactly one item. One iterative pass, no recursion.

/** Deepest nesting of arrays and maps anywhere in a payload (the top-level item is level 1). */
export const MAX_DEPTH = 32;

/** "truncated" when the input ends inside an item, else the broken rule in words. */
export type Violation = { truncated: true } | { truncated: false; rule: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

interface Frame {
  remaining: number;
  isMap: boolean;
  index: number;
  keyStart: number;
  lastKey: [number, number] | null;
}

class Stop {
  constructor(readonly v: Violation) {}
}
const rule = (r: string) => new Stop({ truncated: false, rule: r });
const cut = () => new Stop({ truncated: true });
const NOT_USED = "floats and simple values other than false, true, null are not used";

/** Null when `bytes` is exactly one item obeying the rules, else why not. */
export function checkStrict(bytes: Uint8Array): Violation | null {
  try {
    walk(bytes);
    return null;
  } catch (e) {
    if (e instanceof Stop) return e.v;
    throw e;
  }
}

function walk(b: Uint8Array): void {
  let pos = 0;
  const stack: Frame[] = [frame(1, false)];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.remaining === 0) {
      stack.pop();
      if (stack.length > 0) finishItem(b, stack[stack.length - 1], pos);
      continue;
    }
    if (top.isMap && top.index % 2 === 0) top.keyStart = pos;
    const [major, arg, next] = head(b, pos);
    pos = next;
    const left = b.length - pos;
    if (major === 2 || major === 3) {
      if (arg > left) throw cut();
      if (major === 3) {
        try {
          utf8.decode(b.subarray(pos, pos + arg));
        } catch {
          throw rule("a text string is not valid UTF-8");
        }
      }
      pos += arg;
    } else if (major === 4 || major === 5) {
      // Every item takes at least one byte: a count the input cannot hold is cut.
      const items = major === 5 ? arg * 2 : arg;
      if (items > left) throw cut();
      if (stack.length > MAX_DEPTH) throw rule("arrays and maps nested too deep");
      stack.push(frame(items, major === 5));
      continue;
    } else if (major === 6) {
      throw rule("tags are not used by the format");
    } else if (major === 7 && (arg < 20 || arg > 22)) {
      throw rule(NOT_USED);
    }
    finishItem(b, top, pos);
  }
  if (pos !== b.length) throw rule("trailing bytes after the CBOR item");
}

function frame(remaining: number, isMap: boolean): Frame {
  return { remaining, isMap, index: 0, keyStart: 0, lastKey: null };
}

/** One item of `f` ended at `end`; a map key must sort after the previous one. */
function finishItem(b: Uint8Array, f: Frame, end: number): void {
  if (f.isMap && f.index % 2 === 0) {
    const key: [number, number] = [f.keyStart, end];
    if (f.lastKey) {
      const c = compare(b.subarray(f.lastKey[0], f.lastKey[1]), b.subarray(key[0], key[1]));
      if (c === 0) throw rule("duplicate map key");
      if (c > 0) throw rule("map keys out of ascending order");
    }
    f.lastKey = key;
  }
  f.index += 1;
  f.remaining -= 1;
}

function compare(a: Uint8Array, c: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, c.length); i++) if (a[i] !== c[i]) return a[i] - c[i];
  return a.length - c.length;
}

/** Major type, argument (as a number: anything over 2^53 is beyond any input anyway, so it
 *  is clamped to Infinity for lengths and counts), and the position after the head. */
function head(b: Uint8Array, pos: number): [number, number, number] {
  if (pos >= b.length) throw cut();
  const first = b[pos++];
  const major = first >> 5;
  const info = first & 0x1f;
  if (info < 24) return [major, info, pos];
  if (info === 31) throw rule("indefinite lengths are not allowed");
  if (info > 27) throw rule("reserved CBOR head");
  if (major === 7) throw rule(NOT_USED);
  const width = 1 << (info - 24);
  if (pos + width > b.length) throw cut();
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < width; i++) {
    if (width === 8 && i < 4) hi = hi * 256 + b[pos + i];
    else lo = lo * 256 + b[pos + i];
  }
  pos += width;
  const shortest = width === 1 ? lo >= 24 : width === 2 ? lo > 0xff : width === 4 ? lo > 0xffff : hi > 0;
  if (!shortest) throw rule("an integer or length is not in its shortest form");
  return [major, hi > 0 ? (hi >= 0x200000 ? Infinity : hi * 2 ** 32 + lo) : lo, pos];
}
