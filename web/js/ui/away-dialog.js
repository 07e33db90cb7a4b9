/**
 * Out of office: name a colleague who acts for me until a time I choose, see who does, end
 * it early; and see whom I act for. The delegate finds my waiting cards in their to-do inbox
 * and may act on them for me; the hub keeps both names (docs/web.md, "Out of office").
 *
 *   const dialog = mountAwayDialog(dialogBody, store, { timeZone: () => tz });
 *
 * Intents: loadDelegation, setDelegation {delegateId, endsAt}, endDelegation, closeDialog.
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { formatDateTime } from "../lib/format.js";
import { nameOf } from "../state/selectors.js";
import { mountPeoplePicker } from "./people-picker.js";

const emit = (el, name, detail = {}) =>
  el.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));

/** A week from now at 18:00, as a datetime-local input's value in the browser's time. */
function defaultEnd(now = new Date()) {
  const end = new Date(now);
  end.setDate(end.getDate() + 7);
  end.setHours(18, 0, 0, 0);
  const pad = (n) => String(n).padStart(2, "0");
  return `${end.getFullYear()}-${pad(end.getMonth() + 1)}-${pad(end.getDate())}T18:00`;
}

export function mountAwayDialog(root, store, { timeZone }) {
  render(
    root,
    html`<form class="dialog-form away-form" data-testid="away-form">
      <h2 class="dialog-title">${t("away.title")}</h2>
      <p class="muted">${t("away.explain")}</p>
      <div class="away-current" data-testid="away-current" aria-live="polite"></div>
      <div class="picker-slot"></div>
      <label for="away-until">${t("away.until")}</label>
      <input id="away-until" type="datetime-local" required
        value="${defaultEnd()}" data-testid="away-until">
      <p class="form-error" role="alert"></p>
      <div class="dialog-actions">
        <button type="button" class="btn" data-intent="closeDialog">${t("common.cancel")}</button>
        <button type="submit" class="btn btn-primary">${t("away.submit")}</button>
      </div>
    </form>`,
  );
  const form = root.querySelector("form");
  const error = root.querySelector(".form-error");
  const current = root.querySelector(".away-current");
  const until = root.querySelector("#away-until");
  const meId = store.getState().me?.id;
  const picker = mountPeoplePicker(root.querySelector(".picker-slot"), store, {
    label: t("away.delegate"),
    exclude: (id) => id === meId,
  });

  function drawCurrent(state) {
    const locale = getLocale();
    const when = (iso) => formatDateTime(iso, { locale, timeZone: timeZone() });
    const { delegation, acting_for: actingFor = [] } = state.delegation || {};
    const mine = delegation
      ? html`<p data-testid="away-delegate">${t(
          delegation.active ? "away.actsNow" : "away.planned",
          {
            name: nameOf(delegation.delegate, locale),
            until: when(delegation.ends_at),
          },
        )}
          <button type="button" class="btn" data-testid="away-end"
            data-action="end">${t("away.end")}</button></p>`
      : html`<p class="muted">${t("away.nobody")}</p>`;
    const others = actingFor.map(
      (entry) =>
        html`<p data-testid="away-acting-for">${t("away.youActFor", {
          name: nameOf(entry.person, locale),
          until: when(entry.ends_at),
        })}</p>`,
    );
    render(current, html`${mine}${others}`);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = picker.selected();
    if (picked.length !== 1) {
      error.textContent = t("away.pickOne");
      return;
    }
    const end = new Date(until.value);
    if (Number.isNaN(end.getTime())) {
      error.textContent = t("away.pickTime");
      return;
    }
    error.textContent = "";
    emit(root, "setDelegation", { delegateId: picked[0], endsAt: end.toISOString() });
  });
  current.addEventListener("click", (event) => {
    if (event.target.closest("[data-action=end]")) emit(root, "endDelegation");
  });
  const unsubscribe = store.subscribe((state) => {
    if (state.ui.dialogError) error.textContent = state.ui.dialogError;
    drawCurrent(state);
  });
  drawCurrent(store.getState());
  emit(root, "loadDelegation");
  setTimeout(() => picker.focus(), 0);
  return {
    destroy() {
      unsubscribe();
      picker.destroy();
    },
  };
}
