// CBOR for the QR payloads: integer-keyed maps (JS `Map`), byte strings as Uint8Array,
// definite lengths. Only what passes `checkStrict` (deterministic CBOR, docs/qr-format.md §1)
// is decoded. `MapReader` takes typed entries out with errors naming the field; unknown keys
// are ignored so a later minor revision may add optional entries.

import { decode, encode } from "cborg";
import { QrError, type QrKind, malformed, truncated } from "./errors";
import { checkStrict } from "./strict";

export type CborValue = unknown;

/** Encodes integer-keyed maps in ascending key order (as the Rust encoder does). */
export function toCbor(v: CborValue): Uint8Array {
  return encode(v, { mapSorter: (a, b) => keyOf(a[0]) - keyOf(b[0]) });
}

export function fromCbor(kind: QrKind, bytes: Uint8Array): CborValue {
  const broken = checkStrict(bytes);
  if (broken) throw broken.truncated ? truncated(kind) : malformed(kind, `bad CBOR (${broken.rule})`);
  try {
    return decode(bytes, { useMaps: true, rejectDuplicateMapKeys: true, allowUndefined: false });
  } catch (e) {
    const msg = String((e as Error)?.message ?? e);
    if (/end of|unexpected end|not enough data|insufficient/i.test(msg)) throw truncated(kind);
    throw malformed(kind, `bad CBOR (${msg.replace(/^CBOR decode error: /, "")})`);
  }
}

export function asText(kind: QrKind, v: CborValue, what: string): string {
  if (typeof v !== "string") throw malformed(kind, `${what} must be text`);
  return v;
}

export function asBytes(kind: QrKind, v: CborValue, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw malformed(kind, `${what} must be a byte string`);
  return v;
}

export function asFixed(kind: QrKind, v: CborValue, what: string, n: number): Uint8Array {
  const b = asBytes(kind, v, what);
  if (b.length !== n) throw malformed(kind, `${what} must be ${n} bytes`);
  return b;
}

export function asArray(kind: QrKind, v: CborValue, what: string): CborValue[] {
  if (!Array.isArray(v)) throw malformed(kind, `${what} must be an array`);
  return v;
}

export function asUint(kind: QrKind, v: CborValue, what: string): number {
  if (typeof v === "bigint") {
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(kind, `${what} is too large`);
    return Number(v);
  }
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw malformed(kind, `${what} must be an unsigned integer`);
  return v;
}

export function asTexts(kind: QrKind, v: CborValue, what: string): string[] {
  return asArray(kind, v, what).map((x) => asText(kind, x, what));
}

export class MapReader {
  private readonly map: Map<unknown, CborValue>;

  constructor(
    readonly kind: QrKind,
    v: CborValue,
    what: string,
  ) {
    if (!(v instanceof Map)) throw malformed(kind, `${what} must be a map`);
    this.map = v;
  }

  take(key: number): CborValue | undefined {
    return this.map.get(key);
  }

  need(key: number, what: string): CborValue {
    if (!this.map.has(key)) throw malformed(this.kind, `missing ${what} (key ${key})`);
    return this.map.get(key);
  }

  text(key: number, what: string): string {
    return asText(this.kind, this.need(key, what), what);
  }

  optText(key: number, what: string): string | undefined {
    const v = this.take(key);
    return v === undefined ? undefined : asText(this.kind, v, what);
  }

  uint(key: number, what: string): number {
    return asUint(this.kind, this.need(key, what), what);
  }

  bytes(key: number, what: string): Uint8Array {
    return asBytes(this.kind, this.need(key, what), what);
  }

  fixed(key: number, what: string, n: number): Uint8Array {
    return asFixed(this.kind, this.need(key, what), what, n);
  }

  array(key: number, what: string): CborValue[] {
    return asArray(this.kind, this.need(key, what), what);
  }

  texts(key: number, what: string): string[] {
    return asTexts(this.kind, this.need(key, what), what);
  }
}

export { QrError };

export function asBool(v: CborValue): boolean {
  return v === true;
}

/** Our maps have small unsigned integer keys: order them numerically. */
function keyOf(t: unknown): number {
  return Number((t as { value: unknown }).value);
}
