/**
 * Tables on cards (card schema 3, docs/cards.md "Tables"): the editable rows of a `table`
 * input and the read-only `table` block, both with their column totals.
 *
 *   renderTableInput(field)            // from inputs.js: { id, block, value, view }
 *   renderTableBlock(block, view)      // from render.js
 *   tableTotals(columns, rows)         // { amount: "155.10" }: exact decimal sums, as text
 *   formatCell(column, value, locale)  // "CN¥35.00", "12.5", an option's label
 *
 * In a form every row is a group of labelled cells: a grid under one line of column names
 * where the table has room, a small card per row under 600px (web/css/cards.css). Each cell's
 * aria-label names its column and row; an error for a cell (`lines[1].amount`, from this
 * client's check or from the hub) shows under it. The add and remove buttons carry
 * `data-table-add` / `data-table-remove`, and cards/controller.js turns them into drafts.
 */
import { html } from "../lib/html.js";
import { t } from "../lib/i18n.js";
import { icon } from "../ui/icons.js";
import { localText } from "./text.js";
import { moneyText } from "./values.js";

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;
const DEFAULT_MAX_ROWS = 50;

/** The editable table of a table input; `field.value` is its rows as typed. */
export function renderTableInput({ id, block, value, view }) {
  const rows = Array.isArray(value) ? value : [];
  const errors = view.ui?.fieldErrors || {};
  const max = block.max_rows || DEFAULT_MAX_ROWS;
  const fewest = Math.max(block.min_rows || 0, 1);
  const head = block.columns.map(
    (column) =>
      html`<span class="table-edit-cell kind-${column.kind}">${columnName(column)}</span>`,
  );
  const body = rows.map((row, index) =>
    editRow({ id, block, row, index, errors, removable: rows.length > fewest }),
  );
  const full = rows.length >= max ? html`disabled` : null;
  return html`<div class="table-edit" data-table="${block.name}" data-id="${id}">
    <div class="table-edit-head" aria-hidden="true">${head}<span class="table-tools"></span></div>
    ${body}
    ${totalsLine(block, rows, view.locale)}
  </div>
  <button type="button" class="btn table-add" id="${id}-add" data-table-add="${block.name}"
    ${full}>${icon("plus")}<span>${t("card.addRow")}</span></button>`;
}

function columnName(column) {
  const mark = column.required
    ? html`<span class="required-mark" aria-hidden="true"> *</span>`
    : null;
  const unit =
    column.kind === "money"
      ? html` <span class="table-unit">${column.currency || "CNY"}</span>`
      : null;
  return html`${column.label}${mark}${unit}`;
}

function editRow({ id, block, row, index, errors, removable }) {
  const n = index + 1;
  const cells = block.columns.map((column) => {
    const cellId = `${id}-${index}-${column.id}`;
    const error = errors[`${block.name}[${index}].${column.id}`] || null;
    const errorLine = error
      ? html`<p class="field-error" id="${cellId}-error" data-testid="field-error">${error}</p>`
      : null;
    return html`<div class="table-edit-cell kind-${column.kind}${error ? " has-error" : ""}"
      data-cell="${column.id}">
      <label class="table-cell-label" for="${cellId}">${columnName(column)}</label>
      ${cellControl({ cellId, column, value: row?.[column.id] ?? "", n, error })}
      ${errorLine}
    </div>`;
  });
  const remove = removable ? null : html`disabled`;
  const rowName = t("card.tableRow", { n });
  return html`<div class="table-edit-row" role="group" data-row="${index}"
    aria-label="${rowName}" data-testid="table-row">
    <span class="table-row-name" aria-hidden="true">${rowName}</span>
    ${cells}
    <span class="table-tools"><button type="button" class="icon-btn table-remove"
      id="${id}-${index}-remove" data-table-remove="${index}"
      aria-label="${t("card.removeRow", { n })}" ${remove}>${icon("trash")}</button></span>
  </div>`;
}

function cellControl({ cellId, column, value, n, error }) {
  const label = t("card.tableCell", { column: column.label, n });
  const invalid = error ? html`aria-invalid="true" aria-describedby="${cellId}-error"` : null;
  const required = column.required ? html`aria-required="true"` : null;
  const common = html`id="${cellId}" data-column="${column.id}" aria-label="${label}"
    ${required} ${invalid}`;
  switch (column.kind) {
    case "number": {
      const min = column.min != null ? html`min="${column.min}"` : null;
      const max = column.max != null ? html`max="${column.max}"` : null;
      return html`<input type="number" ${common} value="${value}" step="any"
        inputmode="decimal" ${min} ${max}>`;
    }
    case "money":
      return html`<input type="text" ${common} value="${value}" inputmode="decimal"
        autocomplete="off">`;
    case "date":
      return html`<input type="date" ${common} value="${value}">`;
    case "select": {
      const options = (column.options || []).map((option) => {
        const selected = option.value === value ? html`selected` : null;
        return html`<option value="${option.value}" ${selected}>${option.label}</option>`;
      });
      const blank = html`<option value="">${t("card.choose")}</option>`;
      return html`<select ${common}>${blank}${options}</select>`;
    }
    default:
      return html`<input type="text" ${common} value="${value}" maxlength="1000"
        autocomplete="off">`;
  }
}

/** The line of totals under an editable table, redrawn in place as cells change. */
function totalsLine(block, rows, locale) {
  if (!block.columns.some((column) => column.total)) return null;
  const totals = tableTotals(block.columns, rows);
  const cells = block.columns.map((column, index) => {
    if (column.total) {
      const name = t("card.columnTotal", { column: column.label });
      return html`<div class="table-edit-cell table-total kind-${column.kind}">
        <span class="table-cell-label" aria-hidden="true">${name}</span>
        <output data-table-total="${column.id}" aria-label="${name}"
          data-testid="table-total">${formatCell(column, totals[column.id], locale)}</output>
      </div>`;
    }
    return index === 0
      ? html`<div class="table-edit-cell table-total-word"
          aria-hidden="true">${t("card.total")}</div>`
      : html`<div class="table-edit-cell table-total-gap" aria-hidden="true"></div>`;
  });
  return html`<div class="table-edit-totals">${cells}<span class="table-tools"></span></div>`;
}

/** A read-only table block: a real <table> with a line of totals, scrolling sideways
 * on a narrow screen rather than squeezing its columns. */
export function renderTableBlock(given, view) {
  const locale = view.locale;
  const columns = given.columns.map((column) => localColumn(column, locale));
  const title = given.title ? localText(given.title, locale) : "";
  const rows = given.rows || [];
  const head = columns.map(
    (column) => html`<th scope="col" class="kind-${column.kind}">${column.label}</th>`,
  );
  const body = rows.map(
    (row) =>
      html`<tr>${columns.map(
        (column) =>
          html`<td class="kind-${column.kind}">${formatCell(column, row[column.id], locale)}</td>`,
      )}</tr>`,
  );
  let foot = null;
  if (columns.some((column) => column.total)) {
    const totals = tableTotals(columns, rows);
    const cells = columns.map((column, index) => {
      if (column.total) {
        return html`<td class="kind-${column.kind}"
          data-testid="table-total">${formatCell(column, totals[column.id], locale)}</td>`;
      }
      return index === 0 ? html`<th scope="row">${t("card.total")}</th>` : html`<td></td>`;
    });
    foot = html`<tfoot><tr>${cells}</tr></tfoot>`;
  }
  const caption = title ? html`<caption>${title}</caption>` : null;
  return html`<div class="card-block card-table-block" data-testid="card-table">
    <div class="card-table-scroll" role="region" tabindex="0"
      aria-label="${title || t("card.table")}">
      <table class="card-table">${caption}<thead><tr>${head}</tr></thead>
        <tbody>${body}</tbody>${foot}</table>
    </div>
  </div>`;
}

function localColumn(column, locale) {
  const local = { ...column, label: localText(column.label, locale) };
  if (Array.isArray(column.options)) {
    local.options = column.options.map((o) => ({ ...o, label: localText(o.label, locale) }));
  }
  return local;
}

/** Each `total` column's sum, as decimal text; cells that are not numbers add nothing. */
export function tableTotals(columns, rows) {
  const totals = {};
  for (const column of columns) {
    if (!column.total) continue;
    const cells = (rows || []).map((row) => amountText(column, row?.[column.id]));
    totals[column.id] = sumDecimals(cells.filter(Boolean));
  }
  return totals;
}

function amountText(column, cell) {
  if (typeof cell === "number") return Number.isFinite(cell) ? String(cell) : null;
  if (typeof cell !== "string" || !cell.trim()) return null;
  const text = column.kind === "money" ? moneyText(cell) : cell.trim();
  return DECIMAL.test(text) ? text : null;
}

/** The exact sum of decimal texts ("0.1" + "0.2" is "0.3"), as decimal text. */
export function sumDecimals(texts) {
  const parts = texts.map((text) => DECIMAL.exec(text)).filter(Boolean);
  const scale = Math.max(0, ...parts.map((m) => (m[3] || "").length));
  let total = 0n;
  for (const [, sign, whole, fraction = ""] of parts) {
    const units = BigInt(whole + fraction.padEnd(scale, "0"));
    total += sign === "-" ? -units : units;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale ? `.${digits.slice(-scale)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** One cell for reading: money with its currency, numbers in the reader's locale, a
 * select's option label; what is not a number is shown as written. */
export function formatCell(column, cell, locale) {
  if (cell == null || cell === "") return "";
  const text = amountText(column, cell);
  if (column.kind === "money" && text) {
    return new Intl.NumberFormat(locale, {
      style: "currency",
      currency: column.currency || "CNY",
    }).format(Number(text));
  }
  if (column.kind === "number" && text) {
    const decimals = Math.min((DECIMAL.exec(text)[3] || "").length, 20);
    return new Intl.NumberFormat(locale, { maximumFractionDigits: decimals }).format(Number(text));
  }
  if (column.kind === "select") {
    const option = (column.options || []).find((o) => o.value === cell);
    if (option) return localText(option.label, locale);
  }
  return String(cell);
}
