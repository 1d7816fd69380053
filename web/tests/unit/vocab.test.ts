// Field labels in the phone wallet: the office's signed label, else the vocabulary's (the
// Rust table, via relay/protocol/vocabulary.json), else the key itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fieldLabel } from "../../src/shared/vocab";

test("a signed label wins over the vocabulary's", () => {
  assert.equal(fieldLabel("person.given_name", "Voornaam"), "Voornaam");
});

test("an empty or blank signed label falls back to the vocabulary's label", () => {
  assert.equal(fieldLabel("person.given_name", ""), "Given name(s)");
  assert.equal(fieldLabel("address.street", "  "), "Street and number");
  assert.equal(fieldLabel("bank.iban"), "IBAN (bank account)");
});

test("a key this build does not know is shown as it is", () => {
  assert.equal(fieldLabel("pet.name", ""), "pet.name");
});
