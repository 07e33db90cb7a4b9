/**
 * Asks before something that cannot be undone (deleting a message, or a card action
 * with a `confirm`). What to ask and what to do on OK come from `state.ui.confirm`.
 *
 *   emit("askConfirm", {
 *     title, text, ok, danger: true, intent: "deleteMessage", detail: { messageId },
 *   });
 *   // the shell shows this dialog; OK re-emits `intent` with `detail`, then closeDialog.
 *
 * Intents: the confirmed intent, closeDialog.
 */
import { html, render } from "../lib/html.js";
import { getLocale, t } from "../lib/i18n.js";
import { localText } from "../cards/text.js";

export function mountConfirmDialog(root, store) {
  const ask = store.getState().ui.confirm || {};
  // A card's confirm texts may be maps of languages: each in the reader's. A card that
  // names no cancel gets the client's own, in the same language as the rest.
  const locale = getLocale();
  const [title, text, ok, cancel] = [ask.title, ask.text, ask.ok, ask.cancel].map((value) =>
    value ? localText(value, locale) : "",
  );
  const emit = (name, detail = {}) =>
    root.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  render(
    root,
    html`<div class="dialog-form" data-testid="confirm-dialog">
      <h2 class="dialog-title" id="confirm-title">${title}</h2>
      ${text ? html`<p class="confirm-text">${text}</p>` : null}
      <div class="dialog-actions">
        <button type="button" class="btn"
          data-choice="cancel">${cancel || t("common.cancel")}</button>
        <button type="button" class="${ask.danger ? "btn btn-danger" : "btn btn-primary"}"
          data-choice="ok">${ok || t("common.ok")}</button>
      </div>
    </div>`,
  );
  root.addEventListener("click", onClick);
  function onClick(event) {
    const choice = event.target.closest("[data-choice]")?.dataset.choice;
    if (!choice) return;
    if (choice === "ok" && ask.intent) emit(ask.intent, ask.detail || {});
    emit("closeDialog");
  }
  // For something destructive the safe answer has the focus, so a stray Enter does no harm.
  setTimeout(
    () => root.querySelector(`[data-choice="${ask.danger ? "cancel" : "ok"}"]`)?.focus(),
    0,
  );
  return {
    destroy() {
      root.removeEventListener("click", onClick);
    },
  };
}
