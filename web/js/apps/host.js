/**
 * What a bot app's page is handed (docs/apps.md): the client's API for apps, one per
 * mount, scoped to the app's own routes.
 *
 *   const api = createAppHost({ bot: "poll", path: "", store, navigate, timeZone });
 *   const { polls } = await api.fetch("/polls");            // GET /api/v1/apps/poll/polls
 *   await api.fetch("/notes", { method: "POST", body: { text: "hi" } });
 *   api.t("common.close"); api.locale;                       // the reader's language
 *   api.renderCard(element, card);                           // the hub's card renderer
 *   if (await api.confirm({ text: "Delete?" })) ...;
 *   api.navigate("#/c/12/m/340");                            // a link, Back returns here
 */
import { api as hubApi } from "../net/api.js";
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { localText } from "../cards/text.js";
import { renderCard } from "../ui/card.js";

export function createAppHost({ bot, path, store, navigate, timeZone }) {
  const base = `/api/v1/apps/${bot}`;
  return {
    bot,
    path,
    locale: getLocale(),
    t,
    /** Text in the reader's language: a string, or a map such as {"en": ..., "zh-CN": ...}. */
    text: (value) => localText(value, getLocale()),
    /** JSON to and from this app's own routes, signed in as the reader. */
    async fetch(route, { method = "GET", body, query } = {}) {
      const where = `${base}${route.startsWith("/") ? route : `/${route}`}`;
      const verb = method.toUpperCase();
      if (verb === "GET") return hubApi.get(where, query);
      if (verb === "POST") return hubApi.post(where, body);
      if (verb === "PUT") return hubApi.put(where, body);
      if (verb === "PATCH") return hubApi.patch(where, body);
      if (verb === "DELETE") return hubApi.del(where);
      throw new Error(`api.fetch: method ${method} is not one of GET POST PUT PATCH DELETE`);
    },
    /** Draw a card document (read-only: its buttons belong to messages, not to pages). */
    renderCard(element, card) {
      const message = { id: 0, card, card_version: null };
      const state = store.getState();
      render(element, renderCard(message, { state, scope: `app-${bot}`, timeZone: timeZone() }));
    },
    confirm: (options) => confirmDialog(options),
    navigate,
  };
}

/** A modal yes/no in the reader's language; resolves true for OK. */
function confirmDialog({
  title = "",
  text = "",
  ok = t("common.ok"),
  cancel = t("common.cancel"),
}) {
  const dialog = document.createElement("dialog");
  dialog.className = "dialog app-confirm";
  render(
    dialog,
    html`<form method="dialog" class="dialog-form">
      ${title ? html`<h2>${title}</h2>` : null}<p>${text}</p>
      <div class="dialog-actions">
        <button type="submit" class="btn" value="cancel">${cancel}</button>
        <button type="submit" class="btn btn-primary" value="ok">${ok}</button>
      </div>
    </form>`,
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok");
      dialog.remove();
    });
    dialog.showModal();
  });
}
