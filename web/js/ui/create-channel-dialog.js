/**
 * The "create a channel" form: name, topic, public or private, shared with partners, members.
 *
 *   const dialog = mountCreateChannelDialog(dialogBody, store);
 *
 * Intents: createChannel {name, kind, topic, shared, member_ids}, closeDialog.
 */
import { html, render } from "../lib/html.js";
import { t } from "../lib/i18n.js";
import { mountPeoplePicker } from "./people-picker.js";

export function mountCreateChannelDialog(root, store) {
  render(
    root,
    html`<form class="dialog-form" data-testid="create-channel-form">
      <h2 class="dialog-title">${t("create.title")}</h2>
      <label for="create-name">${t("create.name")}</label>
      <input id="create-name" name="name" required maxlength="80" autocomplete="off"
        placeholder="${t("create.namePlaceholder")}">
      <label for="create-topic">${t("create.topic")}</label>
      <input id="create-topic" name="topic" maxlength="250" autocomplete="off">
      <fieldset class="radio-row">
        <legend>${t("create.visibility")}</legend>
        <label><input type="radio" name="kind" value="public" checked> ${t("create.public")}</label>
        <label><input type="radio" name="kind" value="private"> ${t("create.private")}</label>
      </fieldset>
      <label class="check"><input type="checkbox" name="shared"> ${t("create.shared")}</label>
      <div class="picker-slot"></div>
      <p class="form-error" role="alert"></p>
      <div class="dialog-actions">
        <button type="button" class="btn" data-intent="closeDialog">${t("common.cancel")}</button>
        <button type="submit" class="btn btn-primary">${t("create.submit")}</button>
      </div>
    </form>`,
  );
  const form = root.querySelector("form");
  const error = root.querySelector(".form-error");
  const picker = mountPeoplePicker(root.querySelector(".picker-slot"), store, {
    label: t("create.members"),
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    root.dispatchEvent(
      new CustomEvent("createChannel", {
        bubbles: true,
        detail: {
          name: form.elements.name.value.trim(),
          topic: form.elements.topic.value.trim(),
          kind: form.elements.kind.value,
          shared: form.elements.shared.checked,
          member_ids: picker.selected(),
        },
      }),
    );
  });
  const unsubscribe = store.subscribe((state) => {
    error.textContent = state.ui.dialogError || "";
  });
  setTimeout(() => form.elements.name.focus(), 0);
  return {
    destroy() {
      unsubscribe();
      picker.destroy();
    },
  };
}
