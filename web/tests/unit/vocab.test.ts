// Field labels in the phone wallet: the office's signed label, else the vocabulary's (the
// Rust table, via relay/protocol/vocabulary.json), else words made from the key (a raw key
// is never shown); and the groups of "My details".
import { test } from "node:test";
import assert from "node:assert/strict";
import { GROUPS, VOCABULARY, fieldLabel, groupOf, keyInWords } from "../../src/shared/vocab";

test("a signed label wins over the vocabulary's", () => {
  assert.equal(fieldLabel("person.given_name", "Voornaam"), "Voornaam");
});

test("an empty or blank signed label falls back to the vocabulary's label", () => {
  assert.equal(fieldLabel("person.given_name", ""), "Given name(s)");
  assert.equal(fieldLabel("address.street", "  "), "Street and number");
  assert.equal(fieldLabel("bank.iban"), "IBAN (bank account)");
});

test("a key this build does not know is shown in words, never as the key", () => {
  assert.equal(fieldLabel("pet.name", ""), "Name (pet)");
  assert.equal(keyInWords("pet.licence_number"), "Licence number (pet)");
  assert.equal(keyInWords("vehicle.plate.country"), "Country (vehicle, plate)");
});

test("every vocabulary key belongs to one of the six groups of My details", () => {
  assert.deepEqual(
    GROUPS.map((g) => g.id),
    ["person", "address", "contact", "documents", "health", "banking"],
  );
  for (const e of VOCABULARY) assert.notEqual(groupOf(e.key), "other", e.key);
  assert.equal(groupOf("pet.name"), "other");
});
