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
 * or list of ids for people, a department id, a boolean for a checkbox, a list of file ids.
 * `payload` is in the wire format of docs/cards.md ("Input values"): numbers as numbers,
 * money as a decimal string, empty optional inputs left out.
 */
import { t } from "../lib/i18n.js";

const DEFAULT_MAX_LENGTH = { text: 1000, textarea: 10000 };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONEY = /^[+-]?\d{1,15}(\.\d+)?$/;

/** The card's input blocks, in card order. */
export function inputBlocks(card) {
  return (card?.blocks || []).filter((block) => block?.type === "input");
}

/** What an input shows before the person touches it: its default, or empty. */
export function initialValue(block) {
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
    values[block.name] = Object.prototype.hasOwnProperty.call(draft || {}, block.name) ? draft[block.name] : initialValue(block);
  }
  return values;
}

/** Whether a value counts as not given: null, blank text, an empty list, an empty range. */
export function isEmpty(value) {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return !value.trim();
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object" && "start" in value) return !String(value.start || "").trim() && !String(value.end || "").trim();
  return false;
}

/**
 * Check the values against the card's inputs.
 * @returns {{ errors: Record<string, string>, payload: Record<string, unknown> }}
 */
export function checkValues(card, values) {
  const errors = {};
  const payload = {};
  for (const block of inputBlocks(card)) {
    const raw = values[block.name];
    if (isEmpty(raw) || (block.kind === "checkbox" && raw === false && block.required)) {
      if (block.required) errors[block.name] = block.kind === "checkbox" ? t("card.mustCheck") : t("card.required");
      else if (block.kind === "checkbox") payload[block.name] = false;
      continue;
    }
    const checked = checkOne(block, raw);
    if (checked.error) errors[block.name] = checked.error;
    else payload[block.name] = checked.value;
  }
  return { errors, payload };
}

function checkOne(block, raw) {
  switch (block.kind) {
    case "text":
    case "textarea": {
      const limit = block.max_length || DEFAULT_MAX_LENGTH[block.kind];
      const length = [...String(raw)].length;
      return length > limit ? { error: t("card.tooLong", { max: limit, count: length }) } : { value: String(raw) };
    }
    case "number": {
      const number = typeof raw === "number" ? raw : Number(String(raw).trim());
      if (!Number.isFinite(number)) return { error: t("card.notNumber") };
      return rangeError(block, number) || { value: number };
    }
    case "money": {
      // People type "1,234.50" or "¥1234.5"; the wire format is a plain decimal string.
      const text = String(raw).trim().replace(/[,\s，]/g, "").replace(/^[¥￥$€£]/, "");
      if (!MONEY.test(text)) return { error: t("card.notMoney") };
      if ((text.split(".")[1] || "").length > 2) return { error: t("card.moneyDecimals") };
      return rangeError(block, Number(text)) || { value: text };
    }
    case "date":
      return realDate(raw) ? { value: raw } : { error: t("card.notDate") };
    case "date_range": {
      const { start = "", end = "" } = raw || {};
      if (!start || !end) return { error: t("card.rangeIncomplete") };
      if (!realDate(start) || !realDate(end)) return { error: t("card.notDate") };
      return start > end ? { error: t("card.rangeOrder") } : { value: { start, end } };
    }
    case "file": {
      const max = block.max_files || 1;
      return raw.length > max ? { error: t("card.tooManyFiles", { count: max }) } : { value: raw };
    }
    default:
      // people, department, select, checkbox: picked from what the card offers, nothing
      // the person can type wrong.
      return { value: raw };
  }
}

/** Whether a file's MIME type fits a `file` input's `accept` list (`image/*` covers every image). */
export function acceptsType(accept, type) {
  return accept.some((pattern) => pattern === type || (pattern.endsWith("/*") && type.startsWith(pattern.slice(0, -1))));
}

function rangeError(block, number) {
  if (block.min != null && number < block.min) return { error: t("card.atLeast", { min: block.min }) };
  if (block.max != null && number > block.max) return { error: t("card.atMost", { max: block.max }) };
  return null;
}

function realDate(text) {
  if (typeof text !== "string" || !DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
