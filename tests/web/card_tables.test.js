// Tables on cards (card schema 3) in the web client: the editable rows of a table input,
// the read-only table block, their totals, and a cell's error from the hub under its cell.
// The value rules are the shared cases (cards_shared_cases.test.js).
import { test } from "node:test";
import assert from "node:assert/strict";

import { setTables, setLocale } from "../../web/js/lib/i18n.js";
import en from "../../web/js/i18n/en.js";
import zhCN from "../../web/js/i18n/zh-CN.js";
import { renderCardView } from "../../web/js/cards/render.js";
import { formatCell, sumDecimals, tableTotals } from "../../web/js/cards/table.js";
import { checkValues, currentValues, initialValue } from "../../web/js/cards/values.js";
import { reduce, initialState } from "../../web/js/state/reducer.js";

setTables({ en, "zh-CN": zhCN });
setLocale("en");

const COLUMNS = [
  { id: "item", label: { en: "Item", "zh-CN": "项目" }, kind: "text", required: true },
  { id: "day", label: "Day", kind: "date" },
  {
    id: "kind",
    label: "Kind",
    kind: "select",
    options: [{ value: "taxi", label: { en: "Taxi", "zh-CN": "出租车" } }],
  },
  { id: "amount", label: "Amount", kind: "money", currency: "CNY", total: true },
];
const LINES = {
  type: "input",
  kind: "table",
  name: "lines",
  label: "Lines",
  columns: COLUMNS,
  min_rows: 1,
  max_rows: 2,
  default: [{ item: "Taxi", amount: "35.00" }],
};
const FORM = { schema: 3, blocks: [LINES] };

function form(extra = {}) {
  return {
    key: "f1",
    idPrefix: "form-1",
    mode: "form",
    version: null,
    canTake: new Set(),
    values: currentValues(FORM, {}),
    ui: {},
    lookup: {},
    locale: "en",
    ...extra,
  };
}

test("a table starts with its default rows, as text, or with min_rows blank rows", () => {
  assert.deepEqual(initialValue(LINES), [{ item: "Taxi", day: "", kind: "", amount: "35.00" }]);
  const empty = initialValue({ ...LINES, default: undefined, min_rows: 3, max_rows: 5 });
  assert.equal(empty.length, 3);
  assert.deepEqual(empty[0], { item: "", day: "", kind: "", amount: "" });
  assert.equal(initialValue({ ...LINES, default: undefined, min_rows: 0 }).length, 1);
});

test("every cell is a typed control named by its column and row", () => {
  const out = String(renderCardView(FORM, form()));
  assert.match(out, /<legend class="card-label">Lines<\/legend>/);
  assert.match(out, /role="group"[^>]*aria-label="Row 1"/);
  assert.match(out, /<input type="text" id="form-1-lines-0-item" data-column="item"/);
  assert.match(out, /aria-label="Item, row 1"\s+aria-required="true"/);
  assert.match(out, /<input type="date" id="form-1-lines-0-day"/);
  assert.match(out, /<select id="form-1-lines-0-kind"[^>]*>.*<option value="taxi" >Taxi</s);
  assert.match(out, /id="form-1-lines-0-amount"[^>]*aria-label="Amount, row 1"[^>]*value="35.00"/s);
  // One row of at least one: it cannot be removed; one of at most two: one more may be added.
  assert.match(out, /data-table-remove="0"\s+aria-label="Remove row 1" disabled/);
  assert.match(out, /data-table-add="lines"\s+>/);
  assert.match(out, /<output data-table-total="amount"[^>]*>CN¥35.00<\/output>/);
});

test("at max_rows no row can be added; above min_rows each can be removed", () => {
  const values = {
    lines: [
      { item: "Taxi", amount: "35" },
      { item: "Bus", amount: "2.5" },
    ],
  };
  const out = String(renderCardView(FORM, form({ values })));
  assert.match(out, /data-table-add="lines"\s+disabled/);
  assert.match(out, /aria-label="Remove row 2" >/);
  assert.match(out, /data-table-total="amount"[^>]*>CN¥37.50</);
});

test("the hub's error for one cell shows under that cell, the table's under the table", () => {
  const ui = {
    fieldErrors: { "lines[0].amount": "Over the limit.", lines: "Add at least 2 rows." },
  };
  const out = String(renderCardView(FORM, form({ ui })));
  const cell = new RegExp(
    [
      'aria-invalid="true" aria-describedby="form-1-lines-0-amount-error"[^>]*value="35.00"[^>]*>',
      '\\s*<p class="field-error" id="form-1-lines-0-amount-error"[^>]*>Over the limit.</p>',
    ].join(""),
  );
  assert.match(out, cell);
  assert.match(out, /id="form-1-lines-error"[^>]*>Add at least 2 rows.<\/p>/);
});

test("the client's check names cells like the hub and drops blank rows", () => {
  const rows = [
    { item: "", day: "", kind: "", amount: "9.999" },
    { item: "", day: "", kind: "", amount: "" },
  ];
  const { errors } = checkValues(FORM, { lines: rows });
  assert.deepEqual(errors, {
    "lines[0].item": "Fill this in.",
    "lines[0].amount": "Use at most 2 decimals.",
  });
  const sent = checkValues(FORM, { lines: [{ item: "Taxi", amount: "¥1,035.5" }, {}] });
  assert.deepEqual(sent.payload, { lines: [{ item: "Taxi", amount: "1035.5" }] });
});

test("typing in a cell clears its error; moving rows clears the table's", () => {
  const ui = { fieldErrors: { "lines[0].amount": "x", "lines[1].item": "y", other: "z" } };
  let state = { ...initialState(), cardUi: { f1: ui } };
  state = reduce(state, {
    type: "card/draft",
    key: "f1",
    name: "lines",
    value: [],
    cell: "lines[0].amount",
  });
  assert.deepEqual(state.cardUi.f1.fieldErrors, { "lines[1].item": "y", other: "z" });
  state = reduce(state, { type: "card/draft", key: "f1", name: "lines", value: [], rows: true });
  assert.deepEqual(state.cardUi.f1.fieldErrors, { other: "z" });
});

const SHOWN = {
  type: "table",
  title: { en: "Lines", "zh-CN": "明细" },
  columns: [
    { id: "item", label: "Item", kind: "text" },
    { id: "kind", label: "Kind", kind: "select", options: COLUMNS[2].options },
    { id: "amount", label: "Amount", kind: "money", total: true },
    { id: "km", label: "Km", kind: "number", total: true },
  ],
  rows: [
    { item: "Taxi <b>", kind: "taxi", amount: "0.10", km: 1.5 },
    { item: "Tea", amount: 0.2, km: 1000 },
  ],
};

test("a table block is a table with a line of totals, escaped and in the reader's language", () => {
  const card = { schema: 3, blocks: [SHOWN] };
  const out = String(renderCardView(card, form({ mode: "message", canTake: new Set() })));
  assert.match(out, /role="region" tabindex="0"\s+aria-label="Lines"/);
  assert.match(out, /<caption>Lines<\/caption>/);
  assert.match(out, /<th scope="col" class="kind-money">Amount<\/th>/);
  assert.match(out, /<td class="kind-text">Taxi &lt;b&gt;<\/td><td class="kind-select">Taxi<\/td>/);
  assert.match(out, /<td class="kind-money">CN¥0.10<\/td><td class="kind-number">1.5<\/td>/);
  assert.match(out, /<tfoot><tr><th scope="row">Total<\/th><td><\/td>/);
  assert.match(out, /data-testid="table-total">CN¥0.30<\/td>/);
  assert.match(out, /data-testid="table-total">1,001.5<\/td>/);
  const zh = String(renderCardView(card, form({ mode: "message", locale: "zh-CN" })));
  assert.match(zh, /<caption>明细<\/caption>/);
  assert.match(zh, /出租车/);
});

test("totals add decimals exactly and skip what is not a number", () => {
  assert.equal(sumDecimals(["0.1", "0.2"]), "0.3");
  assert.equal(sumDecimals(["-1.25", "1", "0.05"]), "-0.20");
  assert.equal(sumDecimals([]), "0");
  const money = COLUMNS[3];
  const totals = tableTotals(COLUMNS, [{ amount: "¥1,000" }, { amount: "abc" }, { amount: "" }]);
  assert.deepEqual(totals, { amount: "1000" });
  assert.equal(formatCell(money, totals.amount, "en"), "CN¥1,000.00");
  assert.equal(formatCell({ ...money, currency: "USD" }, "3.5", "en"), "$3.50");
  assert.equal(formatCell({ kind: "date" }, "2025-03-01", "en"), "2025-03-01");
});

test("a malformed table block from a newer hub is left out, not thrown on", () => {
  const out = String(renderCardView({ schema: 3, blocks: [{ type: "table" }] }, form()));
  assert.ok(!out.includes("card-table"));
});
