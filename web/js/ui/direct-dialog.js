/**
 * Start a direct message (one person) or a group conversation (several).
 *
 *   const dialog = mountDirectDialog(dialogBody, store);
 *
 * Intents: openDirect {personIds}, closeDialog.
 */
import { html, render } from "../lib/html.js";
import { t } from "../lib/i18n.js";
import { mountPeoplePicker } from "./people-picker.js";

export function mountDirectDialog(root, store) {
  render(
    root,
    html`<form class="dialog-form" data-testid="direct-form">
      <h2 class="dialog-title">${t("direct.title")}</h2>
      <div class="picker-slot"></div>
      <p class="form-error" role="alert"></p>
      <div class="dialog-actions">
        <button type="button" class="btn" data-intent="closeDialog">${t("common.cancel")}</button>
        <button type="submit" class="btn btn-primary">${t("direct.submit")}</button>
      </div>
    </form>`,
  );
  const form = root.querySelector("form");
  const error = root.querySelector(".form-error");
  const picker = mountPeoplePicker(root.querySelector(".picker-slot"), store, {
    label: t("direct.people"),
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const personIds = picker.selected();
    if (!personIds.length) {
      error.textContent = t("direct.pickSomeone");
      return;
    }
    root.dispatchEvent(new CustomEvent("openDirect", { bubbles: true, detail: { personIds } }));
  });
  const unsubscribe = store.subscribe((state) => {
    if (state.ui.dialogError) error.textContent = state.ui.dialogError;
  });
  setTimeout(() => picker.focus(), 0);
  return {
    destroy() {
      unsubscribe();
      picker.destroy();
    },
  };
}
