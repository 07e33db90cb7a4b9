/**
 * Browse public channels and join one.
 *
 *   const dialog = mountBrowseDialog(dialogBody, store);
 *
 * Intents: browseChannels {q}, joinChannel {channelId}, openChannel {channelId}, closeDialog.
 */
import { html, render } from "../lib/html.js";
import { t } from "../lib/i18n.js";
import { icon } from "./icons.js";

export function mountBrowseDialog(root, store) {
  render(
    root,
    html`<div class="dialog-form" data-testid="browse-dialog">
      <h2 class="dialog-title">${t("browse.title")}</h2>
      <label for="browse-q">${t("browse.search")}</label>
      <input id="browse-q" type="search" autocomplete="off">
      <ul class="browse-list" aria-label="${t("browse.results")}"></ul>
      <div class="dialog-actions"><button type="button" class="btn"
        data-intent="closeDialog">${t("common.close")}</button></div>
    </div>`,
  );
  const input = root.querySelector("input");
  const list = root.querySelector(".browse-list");
  const emit = (name, detail) =>
    root.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  let last;
  function update() {
    const state = store.getState();
    if (state.browse === last) return;
    last = state.browse;
    const channels = state.browse || [];
    render(
      list,
      channels.length
        ? html`${channels.map((c) => {
            const members = t("header.members", { count: c.member_count ?? 0 });
            const count = html`<span class="muted small">${members}</span>`;
            const topic = html`<span class="muted">${c.topic || ""}</span>`;
            const button = c.joined
              ? html`<button type="button" class="btn"
                  data-open-id="${c.id}">${t("browse.open")}</button>`
              : html`<button type="button" class="btn btn-primary"
                  data-join-id="${c.id}">${t("browse.join")}</button>`;
            return html`<li class="browse-item">
        <span class="channel-icon">${icon("hash")}</span>
        <div class="browse-text"><strong>${c.name}</strong>${topic}${count}</div>
        ${button}
      </li>`;
          })}`
        : html`<li class="muted">${state.browse ? t("browse.none") : t("common.loading")}</li>`,
    );
  }
  input.addEventListener("input", () => emit("browseChannels", { q: input.value.trim() }));
  list.addEventListener("click", (event) => {
    const join = event.target.closest("[data-join-id]");
    const open = event.target.closest("[data-open-id]");
    if (join) emit("joinChannel", { channelId: Number(join.dataset.joinId) });
    if (open) emit("openChannel", { channelId: Number(open.dataset.openId) });
  });
  const unsubscribe = store.subscribe(update);
  emit("browseChannels", { q: "" });
  update();
  setTimeout(() => input.focus(), 0);
  return { destroy: unsubscribe };
}
