/**
 * The to-do inbox: every card waiting for me, newest first, each drawn by the card renderer
 * and actionable in place; its channel's name opens the channel. Mounted on its own <main>,
 * shown instead of the channel's while `state.ui.inboxOpen` (docs/web.md, "The to-do inbox").
 *
 *   const inbox = mountInboxView(sectionElement, store, { timeZone: () => tz });
 *   inbox.destroy();
 *
 * Intents: openDrawer, openChannel {channelId}, loadMoreInbox, and the cards' own
 * (cardAction, cardDraft, ... through cards/controller.js).
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { formatTime, formatDateTime, dayKey, dayLabel } from "../lib/format.js";
import { nameOf, totalUnread } from "../state/selectors.js";
import { inboxItems, inboxTotal } from "../state/inbox.js";
import { listenToCards } from "../cards/controller.js";
import { replaceKeepingFocus } from "../lib/dom.js";
import { renderCard } from "./card.js";
import { icon } from "./icons.js";

const emit = (el, name, detail = {}) =>
  el.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));

/** For a card waiting for someone I act for while they are away: whose it is. */
function onBehalfOf(state, entry, locale) {
  if (entry.on_behalf_of == null) return "";
  const person = state.people[entry.on_behalf_of];
  return html`<span class="inbox-for" data-testid="inbox-for">${t("inbox.onBehalfOf", {
    name: nameOf(person, locale) || t("message.unknownSender"),
  })}</span>`;
}

export function mountInboxView(root, store, { timeZone }) {
  // The frame is drawn once; the items are keyed by message and only a changed one is
  // rebuilt, so someone typing into one card keeps the focus when another changes.
  render(
    root,
    html`<header class="pane-header inbox-header">
      <button type="button" class="icon-btn menu-btn" data-intent="openDrawer"
        aria-label="${t("header.openMenu")}" aria-controls="sidebar">${icon("menu")}<span
        class="menu-dot" aria-hidden="true" hidden></span></button>
      <h1 class="inbox-title" id="inbox-title">${icon("todo")}<span>${t("inbox.title")}</span></h1>
      <span class="inbox-total" data-testid="inbox-total"></span>
    </header>
    <div class="inbox-scroll">
      <p class="muted inbox-empty" data-testid="inbox-empty" hidden></p>
      <ul class="inbox-list" aria-labelledby="inbox-title"></ul>
      <button type="button" class="btn inbox-more" data-intent="loadMoreInbox"
        hidden>${t("inbox.more")}</button>
    </div>`,
  );
  const menuDot = root.querySelector(".menu-dot");
  const totalEl = root.querySelector(".inbox-total");
  const empty = root.querySelector(".inbox-empty");
  const list = root.querySelector(".inbox-list");
  const more = root.querySelector(".inbox-more");
  const cache = new Map();
  let last = [];

  function itemHtml(state, entry, locale) {
    const { message } = entry;
    const bot = state.people[entry.bot_id];
    const channelName =
      entry.channel_name || state.channels[entry.channel_id]?.name || t("inbox.directChannel");
    const when = { locale, timeZone: timeZone() };
    const now = new Date();
    const time =
      dayKey(now, when) === dayKey(message.created_at, when)
        ? formatTime(message.created_at, when)
        : dayLabel(message.created_at, now, when);
    return html`<li class="inbox-item" data-testid="inbox-item" data-message-id="${message.id}">
      <div class="inbox-meta">
        <span class="inbox-bot">${nameOf(bot, locale) || t("message.unknownSender")}</span>
        <span aria-hidden="true">·</span>
        ${
          entry.on_behalf_of == null
            ? html`<button type="button" class="link-btn inbox-channel"
                data-channel-id="${entry.channel_id}" data-testid="inbox-channel"
                aria-label="${t("inbox.openChannel", { name: channelName })}"
                >${channelName}</button>`
            : html`<span class="inbox-channel">${channelName}</span>`
        }
        <time datetime="${message.created_at}"
          title="${formatDateTime(message.created_at, when)}">${time}</time>
        ${onBehalfOf(state, entry, locale)}
      </div>
      ${renderCard(message, { state, scope: "i", timeZone: timeZone() })}
    </li>`;
  }

  function drawItems(state, items, locale) {
    const used = new Set();
    let previous = null;
    for (const entry of items) {
      const key = entry.message.id;
      const markup = itemHtml(state, entry, locale).text;
      const cached = cache.get(key);
      let el = cached?.el;
      if (!cached || cached.markup !== markup) {
        const template = document.createElement("template");
        render(template, itemHtml(state, entry, locale));
        el = template.content.firstElementChild;
        if (cached) replaceKeepingFocus(cached.el, el);
        cache.set(key, { markup, el });
      }
      used.add(key);
      const expected = previous ? previous.nextElementSibling : list.firstElementChild;
      if (expected !== el) list.insertBefore(el, expected);
      previous = el;
    }
    for (const [key, entry] of cache) {
      if (!used.has(key)) {
        entry.el.remove();
        cache.delete(key);
      }
    }
  }

  function update() {
    const state = store.getState();
    const locale = getLocale();
    root.hidden = !state.ui.inboxOpen;
    menuDot.hidden = !(totalUnread(state) > 0);
    totalEl.textContent = t("inbox.waiting", { count: inboxTotal(state) });
    if (!state.ui.inboxOpen) return;
    const inputs = [
      state.inbox,
      state.byId,
      state.people,
      state.channels,
      state.cardUi,
      state.uploads,
      state.peopleResults,
      state.departments,
      state.delegation,
      locale,
    ];
    if (inputs.every((v, i) => v === last[i])) return;
    last = inputs;
    const items = inboxItems(state);
    drawItems(state, items, locale);
    empty.hidden = items.length > 0;
    empty.textContent = state.inbox.loaded ? t("inbox.empty") : t("inbox.loading");
    more.hidden = !state.inbox.hasMore;
    more.disabled = state.inbox.loading;
  }

  root.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (!target || target.closest("[data-card-key]")) return;
    if (target.dataset.channelId)
      emit(root, "openChannel", { channelId: Number(target.dataset.channelId) });
    else if (target.dataset.intent) emit(root, target.dataset.intent);
  });
  const stopCards = listenToCards(root, store);
  const unsubscribe = store.subscribe(update);
  update();
  return {
    destroy() {
      stopCards();
      unsubscribe();
    },
  };
}
