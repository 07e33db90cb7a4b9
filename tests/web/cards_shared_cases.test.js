// The card rules' shared cases (tests/cards/cases/*.json), run against the web client.
// The hub runs the same files (tests/cards/test_shared_cases.py), and it is the authority:
// a case that fails here is a client that checks differently from the hub.
// Answers are put in one form: { ok: values } or { error: { field, key } }, where key is
// the i18n key of the message the person sees and field the first bad field in card order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import en from "../../web/js/i18n/en.js";
import { setLocale, setTables } from "../../web/js/lib/i18n.js";
import { acceptsType, checkValues } from "../../web/js/cards/values.js";
import { actionsFor, mayTake } from "../../web/js/cards/access.js";

const read = (name) =>
  JSON.parse(readFileSync(new URL(`../cards/cases/${name}`, import.meta.url), "utf8"));
const VALUES = read("values.json");
const ACCESS = read("access.json");

// t() then answers with the key itself, which is what the cases name.
setTables({ en: Object.fromEntries(Object.keys(en).map((key) => [key, key])) });
setLocale("en");

function inputCard(names) {
  return {
    schema: 3, // for the tables; the other kinds are as in 1
    blocks: names.map((name) => ({ type: "input", name, ...VALUES.inputs[name] })),
  };
}

function actionsCard(ids) {
  const actions = ids.map((id) => ({ id, ...ACCESS.actions[id] }));
  return { schema: 1, blocks: [{ type: "actions", actions }] };
}

// The client sends money as written ("1234.5"); the hub pads it to cents ("1234.50").
function inCents(text) {
  const [, sign, whole, fraction = ""] = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text);
  const amount = `${whole.replace(/^0+(?=\d)/, "")}.${fraction.padEnd(2, "0")}`;
  return sign === "-" && /[1-9]/.test(amount) ? `-${amount}` : amount;
}

function answer(card, values) {
  const { errors, payload } = checkValues(card, values);
  const [field] = Object.keys(errors);
  if (field !== undefined) return { error: { field, key: errors[field] } };
  const ok = { ...payload };
  for (const block of card.blocks) {
    if (block.kind === "money" && typeof ok[block.name] === "string") {
      ok[block.name] = inCents(ok[block.name]);
    }
    if (block.kind === "table" && Array.isArray(ok[block.name])) {
      const money = block.columns.filter((column) => column.kind === "money");
      ok[block.name] = ok[block.name].map((row) => {
        const padded = { ...row };
        for (const { id } of money) if (typeof row[id] === "string") padded[id] = inCents(row[id]);
        return padded;
      });
    }
  }
  return { ok };
}

for (const item of VALUES.cases) {
  test(`values: ${item.name}`, () => {
    const card = inputCard(item.inputs);
    assert.deepEqual(answer(card, item.values), item.expect, "as sent");
    if (item.typed) assert.deepEqual(answer(card, item.typed), item.expect, "as typed");
  });
}

for (const item of VALUES.file_types) {
  test(`file type: ${item.name}`, () => {
    assert.equal(acceptsType(item.accept, item.type), item.expect);
  });
}

for (const item of ACCESS.cases) {
  test(`access: ${item.name}`, () => {
    const card = actionsCard(item.actions);
    const { id, roles } = item.person;
    assert.deepEqual([...actionsFor(card, id, roles)], item.expect);
    for (const action of card.blocks[0].actions) {
      assert.equal(mayTake(action, id, roles), item.expect.includes(action.id), action.id);
    }
  });
}

test("the shared cases have distinct names", () => {
  for (const list of [VALUES.cases, VALUES.file_types, ACCESS.cases]) {
    const names = list.map((item) => item.name);
    assert.equal(new Set(names).size, names.length);
  }
});
