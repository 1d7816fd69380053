// Base45 (RFC 9285): the text encoding that keeps a binary payload inside the QR
// alphanumeric character set. Tiny and self-contained; tested against the RFC's examples
// and the protocol's vectors.

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const VALUE = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));

export class Base45Error extends Error {
  override name = "Base45Error";
}

export function encodeBase45(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i] * 256 + bytes[i + 1];
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += ALPHABET[c] + ALPHABET[d] + ALPHABET[e];
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1];
    out += ALPHABET[n % 45] + ALPHABET[Math.floor(n / 45)];
  }
  return out;
}

export function decodeBase45(text: string): Uint8Array {
  if (text.length % 3 === 1) throw new Base45Error("Base45 text has an impossible length");
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  const digit = (ch: string): number => {
    const v = VALUE.get(ch);
    if (v === undefined) throw new Base45Error(`character ${JSON.stringify(ch)} is not Base45`);
    return v;
  };
  for (let i = 0; i < text.length; i += 3) {
    if (i + 2 < text.length) {
      const n = digit(text[i]) + digit(text[i + 1]) * 45 + digit(text[i + 2]) * 2025;
      if (n > 0xffff) throw new Base45Error("Base45 triplet out of range");
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = digit(text[i]) + digit(text[i + 1]) * 45;
      if (n > 0xff) throw new Base45Error("Base45 pair out of range");
      out[o++] = n;
    }
  }
  return out;
}
