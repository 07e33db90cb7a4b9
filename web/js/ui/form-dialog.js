/**
 * A form a bot opened for the person (`form.open`): the card's inputs in a dialog, with
 * Cancel and Submit. Required fields are checked before anything is sent; the hub's
 * answer (a field error, or "already submitted") is shown in the form.
 *
 *   const dialog = mountFormDialog(dialogBody, store);   // shows state.form
 *
 * Intents: submitForm {formId, values} (via cards/controller.js), cardDraft, cardSearch,
 * cardInvalid, closeDialog.
 */
import { html, render } from "../lib/html.js";
import { getLocale, t } from "../lib/i18n.js";
import { replaceKeepingFocus } from "../lib/dom.js";
import { listenToCards } from "../cards/controller.js";
import { localText } from "../cards/text.js";
import { renderFormCard } from "./card.js";

export function mountFormDialog(root, store, { timeZone = () => undefined } = {}) {
  const stop = listenToCards(root, store);
  let last = [];
  let lastMarkup = null;

  function update() {
    const state = store.getState();
    const form = state.form;
    const inputs = [
      form,
      state.cardUi,
      state.peopleResults,
      state.departments,
      state.people,
      state.uploads,
    ];
    if (inputs.every((v, i) => v === last[i])) return;
    last = inputs;
    if (!form) return;
    const busy = Boolean(state.cardUi[`f${form.form_id}`]?.busy);
    const waiting = busy ? html`disabled aria-busy="true"` : null;
    const markup = html`<div class="dialog-form form-dialog" data-testid="form-dialog">
      ${renderFormCard(form, { state, timeZone: timeZone() })}
      <div class="dialog-actions">
        <button type="button" class="btn" data-intent="closeDialog">${t("common.cancel")}</button>
        <button type="button" class="btn btn-primary${busy ? " is-busy" : ""}"
          data-form-submit="${form.form_id}" ${waiting}>${submitLabel(form.card)}</button>
      </div>
    </div>`;
    if (markup.text === lastMarkup) return;
    const first = lastMarkup === null;
    lastMarkup = markup.text;
    const template = document.createElement("template");
    render(template, markup);
    const fresh = template.content.firstElementChild;
    if (root.firstElementChild) replaceKeepingFocus(root.firstElementChild, fresh);
    else root.append(fresh);
    if (first)
      setTimeout(() => root.querySelector("input:not([disabled]), textarea, select")?.focus(), 0);
  }

  const unsubscribe = store.subscribe(update);
  update();
  return {
    destroy() {
      unsubscribe();
      stop();
    },
  };
}

/** The card's own primary button names the submit ("提交 Submit"), else a plain "Submit". */
function submitLabel(card) {
  for (const block of card.blocks || []) {
    if (block.type !== "actions") continue;
    const primary = block.actions.find((action) => action.style === "primary") || block.actions[0];
    if (primary) return localText(primary.label, getLocale());
  }
  return t("form.submit");
}
