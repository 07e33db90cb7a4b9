/**
 * A card's input values in the browser: what the inputs start with, and the check made
 * before an action or form is sent (the client's copy of hub/cards/values.py, so a person
 * sees "required" next to the field instead of a round trip; the hub checks again).
 *
 *   const values = currentValues(card, drafts[key]);      // name → what the input shows
 *   const { errors, payload } = checkValues(card, values);  // errors: name → message
 *   if (!Object.keys(errors).length) send({ values: payload });
 *
 * Values as the inputs hold them: strings for text, number, money and date (as typed),
 * `{start, end}` for a date range, a string or list of strings for select, a person id
 * or list of ids for people, a department id, a boolean for a checkbox, a list of file ids,
 * and for a table a list of rows {column id: text as typed}.
 * `payload` is in the wire format of docs/cards.md ("Input values"): numbers as numbers,
 * money as a decimal string, empty optional inputs left out, a table's blank rows dropped.
 * A table cell's error is keyed `name[row].column` (rows from 0, as shown), as the hub's.
 */
import { t } from "../lib/i18n.js";

const DEFAULT_MAX_LENGTH = { text: 1000, textarea: 10000 };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONEY = /^[+-]?\d{1,15}(\.\d+)?$/;
const MAX_PEOPLE = 500;
const MAX_FILE_ID = 200;

/** The card's input blocks, in card order. */
export function inputBlocks(card) {
  return (card?.blocks || []).filter((block) => block?.type === "input");
}

/** What an input shows before the person touches it: its default, or empty. */
export function initialValue(block) {
  if (block.kind === "table") return initialRows(block);
  if (block.default !== undefined && block.default !== null) return block.default;
  switch (block.kind) {
    case "checkbox":
      return false;
    case "date_range":
      return { start: "", end: "" };
    case "file":
      return [];
    case "select":
    case "people":
      return block.multiple ? [] : block.kind === "select" ? "" : null;
    case "department":
      return null;
    default:
      return "";
  }
}

/** Every input's current value: what the person changed (`draft`), else the initial value. */
export function currentValues(card, draft = {}) {
  const values = {};
  for (const block of inputBlocks(card)) {
    values[block.name] = Object.hasOwn(draft || {}, block.name)
      ? draft[block.name]
      : initialValue(block);
  }
  return values;
}

/** A table's rows as its cells hold them (text): its default, else `min_rows` blank rows
 * (at least one, so there is a row to type in). */
export function initialRows(block) {
  const given = Array.isArray(block.default) ? block.default : [];
  const rows = given.map((row) => {
    const cells = blankRow(block);
    for (const [id, cell] of Object.entries(row || {}))
      cells[id] = cell == null ? "" : String(cell);
    return cells;
  });
  while (rows.length < Math.max(block.min_rows || 0, 1)) rows.push(blankRow(block));
  return rows;
}

/** A row with every cell empty. */
export function blankRow(block) {
  return Object.fromEntries(block.columns.map((column) => [column.id, ""]));
}

/** Whether a value counts as not given: null, blank text, an empty list (or a table's
 * rows that are all blank), an empty range. */
export function isEmpty(value) {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return !value.trim();
  if (Array.isArray(value)) return value.every(isBlankRow);
  if (typeof value === "object" && "start" in value)
    return !String(value.start || "").trim() && !String(value.end || "").trim();
  return false;
}

/**
 * Check the values against the card's inputs, by the hub's rules (hub/cards/values.py; the
 * shared cases in tests/cards/cases/values.json hold both to the same answers).
 * Unlike the hub it reports every bad field, not only the first, and it also takes values
 * as the inputs hold them (typed numbers, "¥1,234.50", an untouched date range).
 * @returns {{ errors: Record<string, string>, payload: Record<string, unknown> }}
 */
export function checkValues(card, values) {
  const errors = {};
  const payload = {};
  const blocks = inputBlocks(card);
  const names = new Set(blocks.map((block) => block.name));
  // The inputs never hold a name the card lacks, but the hub refuses one: so do we.
  for (const name of Object.keys(values || {})) {
    if (!names.has(name)) errors[name] = t("card.invalidValue");
  }
  for (const block of blocks) {
    const raw = values?.[block.name];
    if (isEmpty(raw)) {
      if (block.required) errors[block.name] = t("card.required");
      continue;
    }
    if (block.kind === "table") {
      const table = checkTable(block, raw);
      if (table.errors) Object.assign(errors, table.errors);
      else payload[block.name] = table.value;
      continue;
    }
    const checked = checkOne(block, raw);
    if (checked.error) errors[block.name] = checked.error;
    else if (checked.value === false && block.required) errors[block.name] = t("card.mustCheck");
    else payload[block.name] = checked.value;
  }
  return { errors, payload };
}

function checkOne(block, raw) {
  const invalid = { error: t("card.invalidValue") };
  switch (block.kind) {
    case "text":
    case "textarea": {
      if (typeof raw !== "string") return invalid;
      const limit = block.max_length || DEFAULT_MAX_LENGTH[block.kind];
      const length = [...raw].length;
      return length > limit
        ? { error: t("card.tooLong", { max: limit, count: length }) }
        : { value: raw };
    }
    case "number": {
      // A number from the wire, or the text of a number input.
      const number =
        typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw.trim()) : Number.NaN;
      if (!Number.isFinite(number)) return { error: t("card.notNumber") };
      return rangeError(block, number) || { value: number };
    }
    case "money": {
      // People type "1,234.50" or "¥1234.5"; the wire format is a plain decimal string.
      if (typeof raw !== "string") return { error: t("card.notMoney") };
      const text = moneyText(raw);
      if (!MONEY.test(text)) return { error: t("card.notMoney") };
      if ((text.split(".")[1] || "").length > 2) return { error: t("card.moneyDecimals") };
      return rangeError(block, Number(text)) || { value: text };
    }
    case "date":
      return realDate(raw) ? { value: raw } : { error: t("card.notDate") };
    case "date_range": {
      if (!isPlainObject(raw) || Object.keys(raw).sort().join() !== "end,start") return invalid;
      const { start, end } = raw;
      if (!start || !end) return { error: t("card.rangeIncomplete") };
      if (!realDate(start) || !realDate(end)) return { error: t("card.notDate") };
      return start > end ? { error: t("card.rangeOrder") } : { value: { start, end } };
    }
    case "select": {
      const options = (block.options || []).map((option) => option.value);
      const picked = block.multiple ? raw : [raw];
      if (
        !Array.isArray(picked) ||
        !picked.every((value) => typeof value === "string" && options.includes(value)) ||
        hasDuplicates(picked)
      ) {
        return { error: t("card.notOption") };
      }
      return { value: raw };
    }
    case "people":
    case "department": {
      if (!(block.kind === "people" && block.multiple)) return isId(raw) ? { value: raw } : invalid;
      const fits =
        Array.isArray(raw) && raw.every(isId) && raw.length <= MAX_PEOPLE && !hasDuplicates(raw);
      return fits ? { value: raw } : invalid;
    }
    case "checkbox":
      return typeof raw === "boolean" ? { value: raw } : invalid;
    case "file": {
      if (
        !Array.isArray(raw) ||
        !raw.every((id) => typeof id === "string" && id.length > 0 && id.length <= MAX_FILE_ID)
      )
        return invalid;
      const max = block.max_files || 1;
      if (raw.length > max) return { error: t("card.tooManyFiles", { count: max }) };
      return hasDuplicates(raw) ? invalid : { value: raw };
    }
    default:
      return { value: raw };
  }
}

/** Money as people type it ("¥1,234.5") without its currency sign and separators. */
export function moneyText(raw) {
  return String(raw)
    .trim()
    .replace(/[,\s，]/g, "")
    .replace(/^[¥￥$€£]/, "");
}

/**
 * A table's rows by the hub's rules: every error keyed `name[row].column` (or `name` for
 * the row count), rows counted from 0 as given, blank rows dropped from the value.
 */
function checkTable(block, raw) {
  const name = block.name;
  if (!Array.isArray(raw) || !raw.every(isPlainObject)) {
    return { errors: { [name]: t("card.invalidValue") } };
  }
  const columns = new Map(block.columns.map((column) => [column.id, column]));
  const errors = {};
  const rows = [];
  raw.forEach((row, index) => {
    for (const id of Object.keys(row)) {
      if (!columns.has(id)) errors[`${name}[${index}].${id}`] = t("card.invalidValue");
    }
    if (isBlankRow(row)) return;
    const cleaned = {};
    for (const [id, column] of columns) {
      const cell = row[id];
      if (isEmpty(cell)) {
        if (column.required) errors[`${name}[${index}].${id}`] = t("card.required");
        continue;
      }
      const checked = checkOne(column, cell);
      if (checked.error) errors[`${name}[${index}].${id}`] = checked.error;
      else cleaned[id] = checked.value;
    }
    rows.push(cleaned);
  });
  if (Object.keys(errors).length) return { errors };
  const low = block.min_rows || 0;
  const high = block.max_rows || 50;
  if (rows.length < low) return { errors: { [name]: t("card.tooFewRows", { count: low }) } };
  if (rows.length > high) return { errors: { [name]: t("card.tooManyRows", { count: high }) } };
  return { value: rows };
}

function isBlankRow(row) {
  return isPlainObject(row) && Object.values(row).every(isEmpty);
}

/** Whether a file's MIME type fits a `file` input's `accept` list (`image/*` covers all images). */
export function acceptsType(accept, type) {
  return accept.some(
    (pattern) =>
      pattern === type || (pattern.endsWith("/*") && type.startsWith(pattern.slice(0, -1))),
  );
}

function rangeError(block, number) {
  if (block.min != null && number < block.min)
    return { error: t("card.atLeast", { min: block.min }) };
  if (block.max != null && number > block.max)
    return { error: t("card.atMost", { max: block.max }) };
  return null;
}

function realDate(text) {
  if (typeof text !== "string" || !DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function isId(value) {
  return Number.isInteger(value) && value >= 1;
}

function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasDuplicates(list) {
  return new Set(list).size !== list.length;
}
