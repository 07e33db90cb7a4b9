/**
 * The open channel's header: menu button (phone), title, topic, partner organisations, members,
 * and on a phone the to-do inbox's button with its count (one tap from the channel).
 *
 *   mountChannelHeader(headerElement, store);
 *
 * Intents: openDrawer, openChannelDetails, openInbox.
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { channelTitle, directPartner, totalUnread } from "../state/selectors.js";
import { inboxTotal } from "../state/inbox.js";
import { icon } from "./icons.js";
import { presenceDot } from "./avatar.js";

export function mountChannelHeader(root, store) {
  // The menu button is made once: re-rendering it on every presence change would take the
  // keyboard focus away from it (and move it under a tapping finger).
  render(
    root,
    html`<button type="button" class="icon-btn menu-btn" data-intent="openDrawer"
      aria-label="${t("header.openMenu")}" aria-controls="sidebar"
      data-testid="menu-button">${icon("menu")}<span class="menu-dot" aria-hidden="true"
      hidden></span></button><div class="header-rest"></div><button type="button"
      class="icon-btn header-todo" data-intent="openInbox" data-testid="header-inbox"
      aria-label="${t("inbox.title")}">${icon("todo")}<span class="badge badge-todo"
      aria-hidden="true" hidden></span></button>`,
  );
  const menuDot = root.querySelector(".menu-dot");
  const todo = root.querySelector(".header-todo");
  const todoBadge = todo.querySelector(".badge");
  const rest = root.querySelector(".header-rest");
  let last = [];
  function update() {
    const state = store.getState();
    const locale = getLocale();
    const waiting = inboxTotal(state);
    todoBadge.hidden = !waiting;
    todoBadge.textContent = waiting > 99 ? "99+" : String(waiting);
    todo.setAttribute(
      "aria-label",
      waiting ? `${t("inbox.title")}, ${t("inbox.waiting", { count: waiting })}` : t("inbox.title"),
    );
    const channel = state.channels[state.ui.openChannelId];
    const inputs = [channel, state.presence, state.people, locale, state.channels];
    if (inputs.every((v, i) => v === last[i])) return;
    last = inputs;
    const unread = totalUnread(state) - (channel?.unread_count || 0);
    menuDot.hidden = !(unread > 0);
    const partner = directPartner(state, channel);
    const kindIcon = !channel
      ? null
      : channel.kind === "private"
        ? icon("lock")
        : channel.kind === "public"
          ? icon("hash")
          : null;
    const title = channel ? channelTitle(state, channel, locale) : t("header.noChannel");
    const dot = partner ? presenceDot(state.presence[partner.id] || "offline") : null;
    const topic = channel?.topic
      ? html`<p class="channel-topic" title="${channel.topic}">${channel.topic}</p>`
      : null;
    render(
      rest,
      html`
      <div class="header-main">
        <h1 class="channel-title">${kindIcon}<span>${title}</span>${dot}</h1>
        ${topic}
      </div>
      ${channel?.shared ? sharedPill(channel) : null}
      ${channel?.archived ? html`<span class="tag">${t("sidebar.archived")}</span>` : null}
      ${channel ? membersButton(channel) : null}`,
    );
  }
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-intent]");
    if (button)
      root.dispatchEvent(new CustomEvent(button.dataset.intent, { bubbles: true, detail: {} }));
  });
  const unsubscribe = store.subscribe(update);
  update();
  return { destroy: unsubscribe };
}

/** "Shared with …" for a channel with people from partner organisations. */
function sharedPill(channel) {
  const orgs = channel.partner_orgs.join(", ");
  const label = html`<span>${t("header.shared", { orgs })}</span>`;
  return html`<span class="shared-pill"
    title="${t("sidebar.sharedWith", { orgs })}">${icon("globe")}${label}</span>`;
}

/** The member count, which opens the channel's details. */
function membersButton(channel) {
  const count = channel.member_count;
  const title = count ? t("header.members", { count }) : t("channel.details");
  return html`<button type="button" class="member-count" data-intent="openChannelDetails"
    data-testid="channel-details" aria-label="${t("channel.details")}"
    title="${title}">${icon("users")}${count ? html`<span>${count}</span>` : null}</button>`;
}
