// Base45 against RFC 9285's examples, round trips of every length, and refusals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Base45Error, decodeBase45, encodeBase45 } from "../../src/shared/base45";
import { utf8 } from "../../src/shared/bytes";

const RFC: Array<[string, string]> = [
  ["AB", "BB8"],
  ["Hello!!", "%69 VD92EX0"],
  ["base-45", "UJCLQE7W581"],
  ["ietf!", "QED8WEX0"],
];

test("encodes and decodes the RFC 9285 examples", () => {
  for (const [plain, b45] of RFC) {
    assert.equal(encodeBase45(utf8.encode(plain)), b45);
    assert.deepEqual(decodeBase45(b45), utf8.encode(plain));
  }
});

test("round trips every length from 0 to 300 bytes", () => {
  for (let n = 0; n <= 300; n++) {
    const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
    assert.deepEqual(decodeBase45(encodeBase45(b)), b);
  }
});

test("refuses bad characters, impossible lengths and out-of-range triplets", () => {
  assert.throws(() => decodeBase45("abc"), Base45Error);
  assert.throws(() => decodeBase45("BB8B"), Base45Error);
  assert.throws(() => decodeBase45("GGW"), Base45Error); // 65535 + 1
  assert.throws(() => decodeBase45("::"), Base45Error); // 2024 > 255
});
