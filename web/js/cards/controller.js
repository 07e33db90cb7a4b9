/**
 * Listens to the cards drawn inside `root` (the message lists, the form dialog) and turns
 * what people do with them into intents. Rendering stays pure (cards/render.js); the
 * values typed live in the state (`cardDrafts`), so a redrawn card keeps them.
 *
 *   const stop = listenToCards(root, store);   // later: stop()
 *
 * Intents (bubbling CustomEvents): cardDraft {key, name, value, cell?, rows?},
 * cardSearch {key, name, q},
 * cardInvalid {key, fieldErrors, error}, cardAction {messageId, version, actionId, values},
 * submitForm {formId, values}, cardUpload {key, name, files}, askConfirm (for an action
 * with `confirm`).
 */
import { getLocale, t } from "../lib/i18n.js";
import { findAction } from "./access.js";
import { formatCell, tableTotals } from "./table.js";
import { blankRow, currentValues, checkValues, acceptsType, isEmpty } from "./values.js";

// A field's name in an error: an input's, or a table cell's (`lines[1].amount`).
const CELL = /^(\w+)\[(\d+)\]\.(\w+)$/;

export function listenToCards(root, store) {
  const emit = (name, detail) =>
    root.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));

  function cardOf(key) {
    const state = store.getState();
    if (key.startsWith("f"))
      return state.form && `f${state.form.form_id}` === key ? { card: state.form.card } : null;
    const message = state.byId[Number(key.slice(1))];
    return message?.card ? { card: message.card, message } : null;
  }

  function inputOf(card, name) {
    return card?.blocks.find((b) => b.type === "input" && b.name === name) || null;
  }

  function fieldValue(field) {
    const kind = field.dataset.kind;
    if (kind === "table") {
      return [...field.querySelectorAll("[data-row]")].map((row) =>
        Object.fromEntries(
          [...row.querySelectorAll("[data-column]")].map((cell) => [
            cell.dataset.column,
            cell.value,
          ]),
        ),
      );
    }
    if (kind === "date_range") {
      const part = (name) => field.querySelector(`[data-part="${name}"]`)?.value || "";
      return { start: part("start"), end: part("end") };
    }
    if (kind === "select" && field.querySelector("[data-multi]")) {
      return [...field.querySelectorAll("[data-multi]:checked")].map((box) => box.value);
    }
    const control = field.querySelector("input, textarea, select");
    if (!control) return null;
    if (kind === "checkbox") return control.checked;
    if (kind === "department") return control.value ? Number(control.value) : null;
    return control.value;
  }

  function onInput(event) {
    const card = event.target.closest("[data-card-key]");
    if (!card || !root.contains(card)) return;
    const key = card.dataset.cardKey;
    const search = event.target.closest("[data-people-search]");
    if (search) {
      emit("cardSearch", { key, name: search.dataset.peopleSearch, q: search.value });
      return;
    }
    const chooser = event.target.closest("[data-file-input]");
    if (chooser) {
      if (event.type === "change") chooseFiles(key, chooser);
      return;
    }
    const field = event.target.closest("[data-input]");
    if (!field || field.dataset.kind === "people" || field.dataset.kind === "file") return;
    const name = field.dataset.input;
    const value = fieldValue(field);
    const cell = event.target.closest("[data-column]");
    if (field.dataset.kind === "table" && cell) {
      const row = cell.closest("[data-row]").dataset.row;
      emit("cardDraft", { key, name, value, cell: `${name}[${row}].${cell.dataset.column}` });
      showTotals(field, inputOf(cardOf(key)?.card, name), value);
      return;
    }
    emit("cardDraft", { key, name, value });
  }

  // Typing is not redrawn (it would take the focus), so a table's totals follow in place.
  function showTotals(field, block, rows) {
    if (!block) return;
    const totals = tableTotals(block.columns, rows);
    for (const output of field.querySelectorAll("[data-table-total]")) {
      const column = block.columns.find((c) => c.id === output.dataset.tableTotal);
      if (column) output.textContent = formatCell(column, totals[column.id], getLocale());
    }
  }

  /** Add a row after the last, or remove one; then put the keyboard where it can go on. */
  function changeRows(card, button) {
    const key = card.dataset.cardKey;
    const field = button.closest("[data-input]");
    const table = button.closest("[data-input]")?.querySelector("[data-table]");
    const name = field?.dataset.input;
    const block = inputOf(cardOf(key)?.card, name);
    if (!block || !table) return;
    const rows = fieldValue(field);
    const adding = button.hasAttribute("data-table-add");
    const index = adding ? rows.length : Number(button.dataset.tableRemove);
    const value = adding ? [...rows, blankRow(block)] : rows.filter((_row, i) => i !== index);
    emit("cardDraft", { key, name, value, redraw: true, rows: true });
    const id = table.dataset.id;
    const next = adding
      ? `${id}-${index}-${block.columns[0].id}`
      : value.length > index
        ? `${id}-${index}-remove`
        : `${id}-add`;
    setTimeout(() => {
      const target = card.ownerDocument.getElementById(next);
      // A remove button that is now disabled (the fewest rows) cannot take the focus.
      (target?.disabled ? card.ownerDocument.getElementById(`${id}-add`) : target)?.focus();
    }, 0);
  }

  function pickPerson(card, button, adding) {
    const key = card.dataset.cardKey;
    const field = button.closest("[data-input]");
    const name = field.dataset.input;
    const found = cardOf(key);
    const block = found?.card.blocks.find((b) => b.type === "input" && b.name === name);
    if (!block) return;
    const current = currentValues(found.card, store.getState().cardDrafts[key])[name];
    const id = Number(adding ? button.dataset.peopleAdd : button.dataset.peopleRemove);
    let value;
    if (block.multiple) {
      const list = Array.isArray(current) ? current : [];
      value = adding ? [...new Set([...list, id])] : list.filter((p) => p !== id);
    } else {
      value = adding ? id : null;
    }
    emit("cardDraft", { key, name, value, redraw: true });
    if (adding) emit("cardSearch", { key, name, q: "", close: true });
    // The chip list was redrawn: keep the keyboard in the picker.
    setTimeout(
      () =>
        card.ownerDocument
          .getElementById(`${field.querySelector("[data-people-search]")?.id}`)
          ?.focus(),
      0,
    );
  }

  function chooseFiles(key, chooser) {
    const name = chooser.dataset.fileInput;
    const files = [...chooser.files];
    chooser.value = ""; // choosing the same file again fires change again
    const found = cardOf(key);
    const block = found?.card.blocks.find((b) => b.type === "input" && b.name === name);
    if (!block || !files.length) return;
    const state = store.getState();
    const have =
      (currentValues(found.card, state.cardDrafts[key])[name] || []).length +
      (state.cardUi[key]?.uploading?.[name] || []).length;
    const max = block.max_files || 1;
    let problem = null;
    if (have + files.length > max) problem = t("card.tooManyFiles", { count: max });
    const wrong = files.find((file) => block.accept && !acceptsType(block.accept, file.type));
    if (!problem && wrong)
      problem = t("card.fileType", { name: wrong.name, accept: block.accept.join(", ") });
    if (problem) {
      emit("cardInvalid", {
        key,
        fieldErrors: { ...(state.cardUi[key]?.fieldErrors || {}), [name]: problem },
        error: null,
      });
      return;
    }
    emit("cardUpload", { key, name, files });
  }

  function check(key, card, action = null) {
    if (Object.keys(store.getState().cardUi[key]?.uploading || {}).length) {
      emit("cardInvalid", {
        key,
        fieldErrors: store.getState().cardUi[key]?.fieldErrors || {},
        error: t("card.waitForUploads"),
      });
      return null;
    }
    const state = store.getState();
    const { errors, payload } = checkValues(card, currentValues(card, state.cardDrafts[key]));
    // Inputs this action needs (a reason to reject), though the card leaves them optional.
    for (const name of action?.requires || []) {
      const value = payload[name];
      const empty = value == null || value === "" || (Array.isArray(value) && !value.length);
      if (empty && !errors[name]) errors[name] = t("card.required");
    }
    const names = Object.keys(errors);
    if (!names.length) {
      dropBlankRows(key, card);
      return payload;
    }
    emit("cardInvalid", {
      key,
      fieldErrors: errors,
      error: t("card.fixFields", { count: names.length }),
    });
    // Move to the first field to fix once the card is redrawn with the errors.
    setTimeout(() => focusField(key, names[0]), 0);
    return null;
  }

  function focusField(key, name) {
    const cell = CELL.exec(name);
    const field = root.querySelector(
      `[data-card-key="${key}"] [data-input="${cell ? cell[1] : name}"]`,
    );
    const inside = cell ? field?.querySelector(`[data-row="${cell[2]}"]`) : field;
    const control = cell
      ? inside?.querySelector(`[data-column="${cell[3]}"]`)
      : inside?.querySelector("input:not([type=hidden]), textarea, select");
    control?.focus();
  }

  /** Blank rows are not sent: drop them from what is shown too, so a row the hub names in
   * an error (`lines[1].amount`, counted in what was sent) is the row the person sees. */
  function dropBlankRows(key, card) {
    const values = currentValues(card, store.getState().cardDrafts[key]);
    for (const block of card.blocks) {
      if (block.type !== "input" || block.kind !== "table") continue;
      const rows = values[block.name] || [];
      const kept = rows.filter((row) => !Object.values(row).every(isEmpty));
      if (kept.length && kept.length < rows.length) {
        emit("cardDraft", { key, name: block.name, value: kept, redraw: true, rows: true });
      }
    }
  }

  function onClick(event) {
    const card = event.target.closest("[data-card-key]");
    const formSubmit = event.target.closest("[data-form-submit]");
    if (formSubmit && root.contains(formSubmit)) {
      submitForm(formSubmit.dataset.formSubmit);
      return;
    }
    if (!card || !root.contains(card)) return;
    const removeFile = event.target.closest("[data-file-remove]");
    if (removeFile) {
      const field = removeFile.closest("[data-input]");
      const key = card.dataset.cardKey;
      const found = cardOf(key);
      if (!found) return;
      const ids =
        currentValues(found.card, store.getState().cardDrafts[key])[field.dataset.input] || [];
      emit("cardDraft", {
        key,
        name: field.dataset.input,
        value: ids.filter((id) => id !== removeFile.dataset.fileRemove),
        redraw: true,
      });
      return;
    }
    const rowButton = event.target.closest("[data-table-add], [data-table-remove]");
    if (rowButton) {
      if (!rowButton.disabled) changeRows(card, rowButton);
      return;
    }
    const add = event.target.closest("[data-people-add]");
    const remove = event.target.closest("[data-people-remove]");
    if (add || remove) {
      pickPerson(card, add || remove, Boolean(add));
      return;
    }
    const button = event.target.closest("[data-card-action]");
    if (button && !button.disabled) takeAction(card.dataset.cardKey, button.dataset.cardAction);
  }

  function takeAction(key, actionId) {
    const found = cardOf(key);
    if (!found?.message) return;
    const action = findAction(found.card, actionId);
    if (!action) return;
    const values = check(key, found.card, action);
    if (!values) return;
    const detail = {
      messageId: found.message.id,
      version: found.message.card_version ?? 0,
      actionId,
      values,
    };
    if (!action.confirm) {
      emit("cardAction", detail);
      return;
    }
    emit("askConfirm", {
      title: action.confirm.title,
      text: action.confirm.text,
      ok: action.confirm.ok || action.label,
      cancel: action.confirm.cancel || null,
      danger: action.style === "danger",
      intent: "cardAction",
      detail,
    });
  }

  function submitForm(formId) {
    const key = `f${formId}`;
    const found = cardOf(key);
    if (!found) return;
    const values = check(key, found.card);
    if (values) emit("submitForm", { formId, values });
  }

  root.addEventListener("input", onInput);
  root.addEventListener("change", onInput);
  root.addEventListener("click", onClick);
  return () => {
    root.removeEventListener("input", onInput);
    root.removeEventListener("change", onInput);
    root.removeEventListener("click", onClick);
  };
}
