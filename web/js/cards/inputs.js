/**
 * One input block of a card as a labelled form control (part of renderCardView).
 *
 *   renderInput({ type: "input", kind: "money", name: "amount", label: "Amount", ... }, view)
 *
 * Every control has a visible label, shows its hint and its error under it (joined by
 * aria-describedby), and marks required fields. The value comes from `view.values`, so a
 * re-drawn card keeps what the person typed. People and department pickers read names from
 * `view.lookup`: { personName(id), departments: [{id, name, depth}], peopleResults, searching }.
 * A table input's rows are drawn by cards/table.js.
 */
import { html } from "../lib/html.js";
import { t } from "../lib/i18n.js";
import { icon } from "../ui/icons.js";
import { renderTableInput } from "./table.js";
import { localInput } from "./text.js";

export function renderInput(given, view) {
  // Texts in the reader's language from here on (a text may be a map of languages).
  const block = localInput(given, view.locale);
  const id = `${view.idPrefix}-${block.name}`;
  const value = view.values?.[block.name];
  const error = view.ui?.fieldErrors?.[block.name] || null;
  const describedBy = [block.hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(" ");
  const field = { id, block, value, error, describedBy, view };
  const grouped =
    block.kind === "date_range" ||
    block.kind === "table" ||
    (block.kind === "select" && block.multiple);
  const errorClass = error ? " has-error" : "";
  const hint = block.hint ? html`<p class="card-hint" id="${id}-hint">${block.hint}</p>` : null;
  const errorLine = error
    ? html`<p class="field-error" id="${id}-error" data-testid="field-error">${error}</p>`
    : null;
  return html`<div class="card-block card-input card-input-${block.kind}${errorClass}"
    data-input="${block.name}" data-kind="${block.kind}" data-testid="card-input">
    ${grouped ? fieldset(field) : block.kind === "checkbox" ? control(field) : labelled(field)}
    ${hint}
    ${errorLine}
  </div>`;
}

/** A group of controls (a date range, a set of checkboxes) named by a legend. */
function fieldset(field) {
  const legend = html`<legend class="card-label">${labelText(field.block)}</legend>`;
  return html`<fieldset class="card-fieldset"
    ${ariaDescribedBy(field.describedBy)}>${legend}${control(field)}</fieldset>`;
}

/** One control with its label; a people picker's label names its search box. */
function labelled(field) {
  const { id, block } = field;
  const target = block.kind === "people" ? `${id}-search` : id;
  const label = html`<label class="card-label" for="${target}">${labelText(block)}</label>`;
  return html`${label}${control(field)}`;
}

function labelText(block) {
  if (!block.required) return html`${block.label}`;
  const mark = html`<span class="required-mark" aria-hidden="true"> *</span>`;
  const spoken = html`<span class="visually-hidden"> (${t("card.requiredLabel")})</span>`;
  return html`${block.label}${mark}${spoken}`;
}

function ariaInvalid(error) {
  return error ? html`aria-invalid="true"` : null;
}

function ariaDescribedBy(ids) {
  return ids ? html`aria-describedby="${ids}"` : null;
}

/** Attributes every plain control shares. */
function common({ id, block, error, describedBy }) {
  const required = block.required ? html`required aria-required="true"` : null;
  return html`id="${id}" name="${block.name}" ${required} ${ariaInvalid(error)}
    ${ariaDescribedBy(describedBy)}`;
}

function control(field) {
  const { id, block, value } = field;
  const placeholder = block.placeholder ? html`placeholder="${block.placeholder}"` : null;
  switch (block.kind) {
    case "text":
      return html`<input type="text" ${common(field)} value="${value ?? ""}"
        maxlength="${block.max_length || 1000}" ${placeholder} autocomplete="off">`;
    case "textarea":
      return html`<textarea ${common(field)} rows="3" maxlength="${block.max_length || 10000}"
        ${placeholder}>${value ?? ""}</textarea>`;
    case "number": {
      const min = block.min != null ? html`min="${block.min}"` : null;
      const max = block.max != null ? html`max="${block.max}"` : null;
      return html`<input type="number" ${common(field)} value="${value ?? ""}" step="any"
        inputmode="decimal" ${min} ${max} ${placeholder}>`;
    }
    case "money": {
      const currency = block.currency || "CNY";
      const unit = html`<span class="money-currency" aria-hidden="true">${currency}</span>`;
      const label = t("card.moneyLabel", { label: block.label, currency });
      return html`<div class="money-input">${unit}
        <input type="text" ${common(field)} value="${value ?? ""}" inputmode="decimal"
          autocomplete="off" aria-label="${label}" ${placeholder}></div>`;
    }
    case "date":
      return html`<input type="date" ${common(field)} value="${value ?? ""}">`;
    case "date_range": {
      const range = value || {};
      const required = block.required ? html`required` : null;
      const invalid = ariaInvalid(field.error);
      return html`<div class="date-range">
        <label class="range-part"><span>${t("card.from")}</span><input type="date" id="${id}"
          name="${block.name}" data-part="start" value="${range.start ?? ""}"
          ${required} ${invalid}></label>
        <label class="range-part"><span>${t("card.to")}</span><input type="date" id="${id}-end"
          name="${block.name}" data-part="end" value="${range.end ?? ""}"
          ${required} ${invalid}></label>
      </div>`;
    }
    case "select":
      return block.multiple ? multiSelect(field) : singleSelect(field);
    case "people":
      return peoplePicker(field);
    case "department":
      return departmentSelect(field);
    case "checkbox": {
      const checked = value === true ? html`checked` : null;
      return html`<label class="card-check" for="${id}"><input type="checkbox" ${common(field)}
        ${checked}><span>${labelText(block)}</span></label>`;
    }
    case "file":
      return fileInput(field);
    case "table":
      return renderTableInput(field);
    default:
      return null;
  }
}

function singleSelect(field) {
  const { block, value } = field;
  const blank = !block.required || value === "" || value == null;
  const options = block.options.map((option) => {
    const selected = option.value === value ? html`selected` : null;
    return html`<option value="${option.value}" ${selected}>${option.label}</option>`;
  });
  return html`<select ${common(field)}>
    ${blank ? html`<option value="">${t("card.choose")}</option>` : null}
    ${options}
  </select>`;
}

function multiSelect({ id, block, value }) {
  const chosen = new Set(Array.isArray(value) ? value : []);
  const options = block.options.map((option, i) => {
    const checked = chosen.has(option.value) ? html`checked` : null;
    return html`<label class="card-check" for="${id}-${i}">
    <input type="checkbox" id="${id}-${i}" name="${block.name}" value="${option.value}"
      data-multi="true" ${checked}><span>${option.label}</span></label>`;
  });
  return html`<div class="card-options">${options}</div>`;
}

function peoplePicker({ id, block, value, view, error, describedBy }) {
  const lookup = view.lookup || {};
  const picked = block.multiple
    ? Array.isArray(value)
      ? value
      : []
    : value != null
      ? [value]
      : [];
  const searching = lookup.searching === block.name;
  // Bots answer cards; they are never the person a card asks for.
  const results = searching
    ? (lookup.peopleResults || [])
        .filter((p) => !picked.includes(p.id) && p.kind !== "bot")
        .slice(0, 8)
    : [];
  const name = (personId) => lookup.personName?.(personId) || `#${personId}`;
  const chip = (personId) => {
    const label = t("picker.remove", { name: name(personId) });
    const remove = html`<button type="button" class="chip-remove" data-people-remove="${personId}"
      aria-label="${label}">${icon("close")}</button>`;
    return html`<span class="chip"
      data-testid="card-person-chip">${name(personId)}${remove}</span>`;
  };
  const option = (p) => {
    const shown = lookup.personName?.(p.id) || p.username;
    const label = html`<span class="option-label">${shown}</span>`;
    const detail = html`<span class="muted option-detail">${p.title || ""} @${p.username}</span>`;
    return html`<li><button type="button" class="person-option"
      data-people-add="${p.id}">${label}${detail}</button></li>`;
  };
  const chips = picked.length ? html`<div class="chips">${picked.map(chip)}</div>` : null;
  const resultList = results.length
    ? html`<ul class="picker-results"
      aria-label="${t("picker.results")}">${results.map(option)}</ul>`
    : null;
  return html`<div class="card-people">
    ${chips}
    <input type="search" id="${id}-search" data-people-search="${block.name}"
      value="${lookup.query?.[block.name] ?? ""}" autocomplete="off"
      placeholder="${block.placeholder || t("picker.placeholder")}"
      ${ariaInvalid(error)} ${ariaDescribedBy(describedBy)}>
    ${resultList}
  </div>`;
}

function departmentSelect(field) {
  const { value, view } = field;
  const departments = view.lookup?.departments || [];
  const known = departments.some((d) => d.id === value);
  const options = departments.map((d) => {
    const selected = d.id === value ? html`selected` : null;
    const indent = "\u00a0\u00a0".repeat(d.depth);
    return html`<option value="${d.id}" ${selected}>${indent}${d.name}</option>`;
  });
  return html`<select ${common(field)}>
    <option value="">${departments.length ? t("card.choose") : t("card.noDepartments")}</option>
    ${value != null && !known ? html`<option value="${value}" selected>#${value}</option>` : null}
    ${options}
  </select>`;
}

function fileInput({ id, block, value, view, error, describedBy }) {
  const ids = Array.isArray(value) ? value : [];
  const uploading = view.ui?.uploading?.[block.name] || [];
  const max = block.max_files || 1;
  const full = ids.length + uploading.length >= max;
  const lookup = view.lookup || {};
  const chip = (fileId) => {
    const file = lookup.upload?.(fileId);
    const name = file?.name || fileId;
    const link = file
      ? html`<a href="${file.url}" target="_blank" rel="noopener">${name}</a>`
      : name;
    const size = file
      ? html`<span class="file-size">${formatSize(file.size, view.locale)}</span>`
      : null;
    const remove = html`<button type="button" class="chip-remove" data-file-remove="${fileId}"
      aria-label="${t("card.removeFile", { name })}">${icon("close")}</button>`;
    return html`<span class="chip file-chip"
      data-testid="card-file-chip">${link}${size}${remove}</span>`;
  };
  const pending = (u) => html`<span class="chip file-chip is-uploading"
      role="status">${t("card.uploading", { name: u.name })}</span>`;
  const chips =
    ids.length || uploading.length
      ? html`<div class="chips">
      ${ids.map(chip)}
      ${uploading.map(pending)}
    </div>`
      : null;
  const accept = block.accept ? html`accept="${block.accept.join(",")}"` : null;
  return html`<div class="card-files">
    ${chips}
    <input type="file" id="${id}" name="${block.name}" data-file-input="${block.name}" ${accept}
      ${max > 1 ? html`multiple` : null} ${full ? html`disabled` : null}
      ${block.required ? html`aria-required="true"` : null} ${ariaInvalid(error)}
      ${ariaDescribedBy(describedBy)}>
    ${max > 1 ? html`<p class="card-hint">${t("card.fileCount", { count: max })}</p>` : null}
  </div>`;
}

/** "1.2 MB", "350 KB" in the reader's locale. */
export function formatSize(bytes, locale) {
  const units = [
    ["megabyte", 1024 * 1024],
    ["kilobyte", 1024],
  ];
  for (const [unit, size] of units) {
    if (bytes >= size)
      return new Intl.NumberFormat(locale, {
        style: "unit",
        unit,
        unitDisplay: "narrow",
        maximumFractionDigits: 1,
      }).format(bytes / size);
  }
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: "byte",
    unitDisplay: "narrow",
  }).format(bytes);
}
