/**
 * One input block of a card as a labelled form control (part of renderCardView).
 *
 *   renderInput({ type: "input", kind: "money", name: "amount", label: "Amount", ... }, view)
 *
 * Every control has a visible label, shows its hint and its error under it (joined by
 * aria-describedby), and marks required fields. The value comes from `view.values`, so a
 * re-drawn card keeps what the person typed. People and department pickers read names from
 * `view.lookup`: { personName(id), departments: [{id, name, depth}], peopleResults, searching }.
 */
import { html } from "../lib/html.js";
import { t } from "../lib/i18n.js";
import { icon } from "../ui/icons.js";

export function renderInput(block, view) {
  const id = `${view.idPrefix}-${block.name}`;
  const value = view.values?.[block.name];
  const error = view.ui?.fieldErrors?.[block.name] || null;
  const describedBy = [block.hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  const field = { id, block, value, error, describedBy, view };
  const grouped = block.kind === "date_range" || (block.kind === "select" && block.multiple);
  return html`<div class="card-block card-input card-input-${block.kind}${error ? " has-error" : ""}" data-input="${block.name}" data-kind="${block.kind}" data-testid="card-input">
    ${grouped ? html`<fieldset class="card-fieldset" ${describedBy ? html`aria-describedby="${describedBy}"` : null}><legend class="card-label">${labelText(block)}</legend>${control(field)}</fieldset>`
      : block.kind === "checkbox" ? control(field)
      : html`<label class="card-label" for="${block.kind === "people" ? `${id}-search` : id}">${labelText(block)}</label>${control(field)}`}
    ${block.hint ? html`<p class="card-hint" id="${id}-hint">${block.hint}</p>` : null}
    ${error ? html`<p class="field-error" id="${id}-error" data-testid="field-error">${error}</p>` : null}
  </div>`;
}

function labelText(block) {
  return html`${block.label}${block.required ? html`<span class="required-mark" aria-hidden="true"> *</span><span class="visually-hidden"> (${t("card.requiredLabel")})</span>` : null}`;
}

/** Attributes every plain control shares. */
function common({ id, block, error, describedBy }) {
  return html`id="${id}" name="${block.name}" ${block.required ? html`required aria-required="true"` : null} ${error ? html`aria-invalid="true"` : null} ${describedBy ? html`aria-describedby="${describedBy}"` : null}`;
}

function control(field) {
  const { id, block, value } = field;
  const placeholder = block.placeholder ? html`placeholder="${block.placeholder}"` : null;
  switch (block.kind) {
    case "text":
      return html`<input type="text" ${common(field)} value="${value ?? ""}" maxlength="${block.max_length || 1000}" ${placeholder} autocomplete="off">`;
    case "textarea":
      return html`<textarea ${common(field)} rows="3" maxlength="${block.max_length || 10000}" ${placeholder}>${value ?? ""}</textarea>`;
    case "number":
      return html`<input type="number" ${common(field)} value="${value ?? ""}" step="any" inputmode="decimal" ${block.min != null ? html`min="${block.min}"` : null} ${block.max != null ? html`max="${block.max}"` : null} ${placeholder}>`;
    case "money":
      return html`<div class="money-input"><span class="money-currency" aria-hidden="true">${block.currency || "CNY"}</span>
        <input type="text" ${common(field)} value="${value ?? ""}" inputmode="decimal" autocomplete="off" aria-label="${t("card.moneyLabel", { label: block.label, currency: block.currency || "CNY" })}" ${placeholder}></div>`;
    case "date":
      return html`<input type="date" ${common(field)} value="${value ?? ""}">`;
    case "date_range": {
      const range = value || {};
      return html`<div class="date-range">
        <label class="range-part"><span>${t("card.from")}</span><input type="date" id="${id}" name="${block.name}" data-part="start" value="${range.start ?? ""}" ${block.required ? html`required` : null} ${field.error ? html`aria-invalid="true"` : null}></label>
        <label class="range-part"><span>${t("card.to")}</span><input type="date" id="${id}-end" name="${block.name}" data-part="end" value="${range.end ?? ""}" ${block.required ? html`required` : null} ${field.error ? html`aria-invalid="true"` : null}></label>
      </div>`;
    }
    case "select":
      return block.multiple ? multiSelect(field) : singleSelect(field);
    case "people":
      return peoplePicker(field);
    case "department":
      return departmentSelect(field);
    case "checkbox":
      return html`<label class="card-check" for="${id}"><input type="checkbox" ${common(field)} ${value === true ? html`checked` : null}><span>${labelText(block)}</span></label>`;
    case "file":
      return fileInput(field);
    default:
      return null;
  }
}

function singleSelect(field) {
  const { block, value } = field;
  const blank = !block.required || value === "" || value == null;
  return html`<select ${common(field)}>
    ${blank ? html`<option value="">${t("card.choose")}</option>` : null}
    ${block.options.map((option) => html`<option value="${option.value}" ${option.value === value ? html`selected` : null}>${option.label}</option>`)}
  </select>`;
}

function multiSelect({ id, block, value }) {
  const chosen = new Set(Array.isArray(value) ? value : []);
  return html`<div class="card-options">${block.options.map((option, i) => html`<label class="card-check" for="${id}-${i}">
    <input type="checkbox" id="${id}-${i}" name="${block.name}" value="${option.value}" data-multi="true" ${chosen.has(option.value) ? html`checked` : null}><span>${option.label}</span></label>`)}</div>`;
}

function peoplePicker({ id, block, value, view, error, describedBy }) {
  const lookup = view.lookup || {};
  const picked = block.multiple ? (Array.isArray(value) ? value : []) : value != null ? [value] : [];
  const searching = lookup.searching === block.name;
  // Bots answer cards; they are never the person a card asks for.
  const results = searching ? (lookup.peopleResults || []).filter((p) => !picked.includes(p.id) && p.kind !== "bot").slice(0, 8) : [];
  const name = (personId) => lookup.personName?.(personId) || `#${personId}`;
  return html`<div class="card-people">
    ${picked.length ? html`<div class="chips">${picked.map((personId) => html`<span class="chip" data-testid="card-person-chip">${name(personId)}<button type="button" class="chip-remove" data-people-remove="${personId}" aria-label="${t("picker.remove", { name: name(personId) })}">${icon("close")}</button></span>`)}</div>` : null}
    <input type="search" id="${id}-search" data-people-search="${block.name}" value="${lookup.query?.[block.name] ?? ""}" autocomplete="off" placeholder="${block.placeholder || t("picker.placeholder")}" ${error ? html`aria-invalid="true"` : null} ${describedBy ? html`aria-describedby="${describedBy}"` : null}>
    ${results.length ? html`<ul class="picker-results" aria-label="${t("picker.results")}">${results.map((p) => html`<li><button type="button" class="person-option" data-people-add="${p.id}"><span class="option-label">${lookup.personName?.(p.id) || p.username}</span><span class="muted option-detail">${p.title || ""} @${p.username}</span></button></li>`)}</ul>` : null}
  </div>`;
}

function departmentSelect(field) {
  const { value, view } = field;
  const departments = view.lookup?.departments || [];
  const known = departments.some((d) => d.id === value);
  return html`<select ${common(field)}>
    <option value="">${departments.length ? t("card.choose") : t("card.noDepartments")}</option>
    ${value != null && !known ? html`<option value="${value}" selected>#${value}</option>` : null}
    ${departments.map((d) => html`<option value="${d.id}" ${d.id === value ? html`selected` : null}>${"\u00a0\u00a0".repeat(d.depth)}${d.name}</option>`)}
  </select>`;
}

function fileInput({ id, block, value, view, error, describedBy }) {
  const ids = Array.isArray(value) ? value : [];
  const uploading = view.ui?.uploading?.[block.name] || [];
  const max = block.max_files || 1;
  const full = ids.length + uploading.length >= max;
  const lookup = view.lookup || {};
  return html`<div class="card-files">
    ${ids.length || uploading.length ? html`<div class="chips">
      ${ids.map((fileId) => {
        const file = lookup.upload?.(fileId);
        const name = file?.name || fileId;
        return html`<span class="chip file-chip" data-testid="card-file-chip">${file ? html`<a href="${file.url}" target="_blank" rel="noopener">${name}</a>` : name}${file ? html`<span class="file-size">${formatSize(file.size, view.locale)}</span>` : null}<button type="button" class="chip-remove" data-file-remove="${fileId}" aria-label="${t("card.removeFile", { name })}">${icon("close")}</button></span>`;
      })}
      ${uploading.map((u) => html`<span class="chip file-chip is-uploading" role="status">${t("card.uploading", { name: u.name })}</span>`)}
    </div>` : null}
    <input type="file" id="${id}" name="${block.name}" data-file-input="${block.name}" ${block.accept ? html`accept="${block.accept.join(",")}"` : null} ${max > 1 ? html`multiple` : null} ${full ? html`disabled` : null} ${block.required ? html`aria-required="true"` : null} ${error ? html`aria-invalid="true"` : null} ${describedBy ? html`aria-describedby="${describedBy}"` : null}>
    ${max > 1 ? html`<p class="card-hint">${t("card.fileCount", { count: max })}</p>` : null}
  </div>`;
}

/** "1.2 MB", "350 KB" in the reader's locale. */
export function formatSize(bytes, locale) {
  const units = [["megabyte", 1024 * 1024], ["kilobyte", 1024]];
  for (const [unit, size] of units) {
    if (bytes >= size) return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "narrow", maximumFractionDigits: 1 }).format(bytes / size);
  }
  return new Intl.NumberFormat(locale, { style: "unit", unit: "byte", unitDisplay: "narrow" }).format(bytes);
}
