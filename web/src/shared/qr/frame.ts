// The text framing of every FormDesk QR: `FD` + kind letter + version digit + `:` +
// Base45(flag ‖ body); flag 1 = raw DEFLATE (RFC 1951) of the CBOR, 0 = the CBOR as is.
// The encoder keeps whichever is shorter (docs/qr-format.md, relay/protocol/src/qr/frame.rs).

import { deflateSync, Inflate } from "fflate";
import { decodeBase45, encodeBase45 } from "../base45";
import { concat } from "../bytes";
import { KIND_LETTER, KIND_NAME, QrError, type QrKind, malformed, truncated } from "./errors";

/** The format version this build reads and writes. */
export const FORMAT_VERSION = 1;
const FLAG_PLAIN = 0;
const FLAG_DEFLATE = 1;
/** Largest inflated body accepted (a QR holds < 3 KB; this stops deflate bombs). */
const MAX_INFLATED = 64 * 1024;
const BASE45 = /^[0-9A-Z $%*+\-./:]*$/;

const LETTER_KIND: Record<string, QrKind> = { R: "request", A: "response", K: "key", D: "receipt" };

export function prefix(kind: QrKind): string {
  return `FD${KIND_LETTER[kind]}${FORMAT_VERSION}`;
}

/** Kind and version of a text that looks like a FormDesk code, or null. */
export function sniff(text: string): { kind: QrKind; version: string } | null {
  const t = text.trim();
  if (t.length < 5 || !t.startsWith("FD") || t[4] !== ":") return null;
  const kind = LETTER_KIND[t[2]];
  // Version characters are 0-9 and A-Z (the QR alphanumeric set has no lowercase).
  if (!kind || !/^[0-9A-Z]$/.test(t[3])) return null;
  return { kind, version: t[3] };
}

export function encodeFrame(kind: QrKind, cbor: Uint8Array): string {
  const deflated = deflateSync(cbor, { level: 9 });
  const bytes =
    deflated.length < cbor.length ? concat(Uint8Array.of(FLAG_DEFLATE), deflated) : concat(Uint8Array.of(FLAG_PLAIN), cbor);
  return `${prefix(kind)}:${encodeBase45(bytes)}`;
}

/** Unframes a text that must be of `expected` kind and this version; returns the CBOR. */
export function decodeFrame(expected: QrKind, text: string): Uint8Array {
  const t = text.trim();
  const s = sniff(t);
  if (!s) {
    throw new QrError("bad_prefix", "Not a FormDesk QR code (it should start with FDR1:, FDA1:, FDK1: or FDD1:).");
  }
  if (s.kind !== expected) {
    throw new QrError("wrong_kind", `This is a FormDesk ${KIND_NAME[s.kind]} code, but a ${KIND_NAME[expected]} code was expected.`, {
      expected,
      found: s.kind,
    });
  }
  if (s.version !== String(FORMAT_VERSION)) {
    throw new QrError(
      "update_needed",
      `This ${KIND_NAME[s.kind]} code uses format version ${s.version}, but this app understands version ${FORMAT_VERSION} only: update needed.`,
      { kind: s.kind, found: s.version },
    );
  }
  const rest = t.slice(5);
  if (!BASE45.test(rest)) throw malformed(expected, "a character is not Base45");
  if (rest.length % 3 === 1) throw truncated(expected);
  let bytes: Uint8Array;
  try {
    bytes = decodeBase45(rest);
  } catch {
    throw malformed(expected, "invalid Base45 triplet");
  }
  if (bytes.length === 0) throw truncated(expected);
  const body = bytes.subarray(1);
  if (bytes[0] === FLAG_PLAIN) return body;
  if (bytes[0] === FLAG_DEFLATE) return inflateLimited(expected, body);
  throw malformed(expected, `unknown flag byte ${bytes[0]}`);
}

/** Inflates a raw DEFLATE stream that must end exactly at the end of `body`: bytes after the
 *  final block are an error, not ignored (a changed text must never verify). */
function inflateLimited(kind: QrKind, body: Uint8Array): Uint8Array {
  const out = inflateComplete(kind, body);
  if (out === null) throw truncated(kind);
  // A complete stream needs every one of its bytes (its last byte holds its last bits), so
  // if the stream is still complete without the last byte, that byte came after it.
  if (body.length > 0 && inflateQuiet(kind, body.subarray(0, body.length - 1)) !== null) {
    throw malformed(kind, "trailing bytes after the compressed data");
  }
  return out;
}

/** The inflated payload, or null when the stream ends early; malformed when corrupt. */
function inflateComplete(kind: QrKind, body: Uint8Array): Uint8Array | null {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > MAX_INFLATED) throw malformed(kind, "payload too large");
    chunks.push(chunk);
    if (final) done = true;
  });
  try {
    inflater.push(body, true);
  } catch (e) {
    if (e instanceof QrError) throw e;
    const msg = String((e as Error)?.message ?? e);
    if (/unexpected EOF/i.test(msg)) return null;
    throw malformed(kind, "corrupt compressed payload");
  }
  return done ? concat(...chunks) : null;
}

function inflateQuiet(kind: QrKind, body: Uint8Array): Uint8Array | null {
  try {
    return inflateComplete(kind, body);
  } catch {
    return null;
  }
}
