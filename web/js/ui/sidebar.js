/**
 * The sidebar: who I am, the settings menu, the connection state, channels and direct messages
 * with unread and mention badges.
 *
 *   const sidebar = mountSidebar(navElement, store);
 *
 * Intents: openChannel {channelId}, openDialog {name: "browse"|"create"|"direct"},
 * openSwitcher, setLocale {locale}, signOut, confirmSignOutEverywhere, closeDrawer, openInbox.
 */
import { html, render, classes } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { sidebarSections, channelTitle, directPartner, nameOf } from "../state/selectors.js";
import { inboxTotal } from "../state/inbox.js";
import { avatar } from "./avatar.js";
import { icon } from "./icons.js";

const emit = (el, name, detail = {}) =>
  el.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));

export function mountSidebar(root, store) {
  let last = [];

  function channelItem(state, channel, locale) {
    const open = state.ui.openChannelId === channel.id && !state.ui.inboxOpen && !state.ui.appOpen;
    const title = channelTitle(state, channel, locale);
    const unread = channel.unread_count || 0;
    const mentions = channel.mention_count || 0;
    const partner = directPartner(state, channel);
    const kindIcon = channel.kind === "private" ? "lock" : "hash";
    const lead =
      channel.kind === "direct" || channel.kind === "group"
        ? avatar(partner || { id: channel.id, display_name: title }, {
            locale,
            size: "xs",
            presence: partner ? state.presence[partner.id] || "offline" : null,
          })
        : html`<span class="channel-icon">${icon(kindIcon)}</span>`;
    const sharedWith = channel.shared
      ? t("sidebar.sharedWith", { orgs: channel.partner_orgs.join(", ") })
      : "";
    const label = [
      title,
      sharedWith,
      unread ? t("sidebar.unread", { count: unread }) : "",
      mentions ? t("sidebar.mentions", { count: mentions }) : "",
      channel.archived ? t("sidebar.archived") : "",
    ]
      .filter(Boolean)
      .join(", ");
    const cls = classes({
      "channel-item": true,
      open,
      unread: unread > 0,
      archived: channel.archived,
    });
    const partnerName = channel.shared
      ? html`<span class="partner-name">${shortOrg(channel.partner_orgs)}</span>`
      : null;
    const partnerBadge = channel.shared
      ? html`<span class="partner-badge"
          title="${sharedWith}">${icon("globe")}${partnerName}</span>`
      : null;
    const badge = mentions
      ? html`<span class="badge badge-mention" aria-hidden="true">@${mentions}</span>`
      : unread
        ? html`<span class="badge" aria-hidden="true">${unread > 99 ? "99+" : unread}</span>`
        : null;
    return html`<li><button type="button" class="${cls}" data-channel-id="${channel.id}"
      aria-current="${open ? "page" : "false"}" aria-label="${label}" data-testid="channel-item">
      ${lead}<span class="channel-text"><span class="channel-name">${title}</span>
      ${partnerBadge}</span>
      ${badge}
    </button></li>`;
  }

  function update() {
    const state = store.getState();
    const locale = getLocale();
    const inputs = [
      state.channels,
      state.ui.openChannelId,
      state.me,
      state.people,
      state.presence,
      state.connection,
      locale,
      state.inbox.total,
      state.ui.inboxOpen,
      state.apps,
      state.ui.appOpen,
    ];
    if (inputs.every((v, i) => v === last[i])) return;
    last = inputs;
    const { channels, directs } = sidebarSections(state, locale);
    const me = state.me;
    const staff = me && me.kind !== "guest";
    const openDetails = root.querySelector("details.settings")?.open;
    const presence = state.connection === "live" ? "online" : "offline";
    const switcherLabel = html`${icon("search")}<span>${t("switcher.button")}</span>`;
    const pressed = (code) => (locale === code ? "true" : "false");
    render(
      root,
      html`
      <header class="sidebar-header">
        <div class="workspace">
          <span class="workspace-name">${me?.org?.name || t("app.name")}</span>
          <button type="button" class="icon-btn drawer-close" data-intent="closeDrawer"
            aria-label="${t("sidebar.closeMenu")}">${icon("close")}</button>
        </div>
        <div class="me-row">
          ${avatar(me, { locale, size: "sm", presence })}
          <span class="me-name" data-testid="me-name">${nameOf(me, locale)}</span>
          <details class="settings">
            <summary class="icon-btn" aria-label="${t("settings.open")}"
              title="${t("settings.open")}">${icon("settings")}</summary>
            <div class="menu" role="group" aria-label="${t("settings.title")}">
              <p class="menu-label" id="lang-label">${t("settings.language")}</p>
              <div class="lang-options" role="group" aria-labelledby="lang-label">
                <button type="button" class="menu-item" data-locale="en"
                  aria-pressed="${pressed("en")}" lang="en">English</button>
                <button type="button" class="menu-item" data-locale="zh-CN"
                  aria-pressed="${pressed("zh-CN")}" lang="zh-CN">简体中文</button>
              </div>
              <hr>
              <button type="button" class="menu-item" data-dialog="away"
                data-testid="away-open">${t("settings.away")}</button>
              <hr>
              <button type="button" class="menu-item"
                data-intent="signOut">${t("settings.signOut")}</button>
              <button type="button" class="menu-item" data-intent="confirmSignOutEverywhere"
                >${t("settings.signOutEverywhere")}</button>
            </div>
          </details>
        </div>
        <button type="button" class="switcher-btn"
          data-intent="openSwitcher">${switcherLabel}<kbd>Ctrl K</kbd></button>
      </header>
      ${todoEntry(state)}
      <div class="sidebar-scroll">
        <section class="side-section" aria-labelledby="channels-heading">
          <div class="section-head">
            <h2 id="channels-heading">${t("sidebar.channels")}</h2>
            ${
              staff
                ? html`${headButton("browse", t("sidebar.browse"), "search")}
              ${headButton("create", t("sidebar.create"), "plus")}`
                : null
            }
          </div>
          <ul class="channel-list">${channels.map((c) => channelItem(state, c, locale))}</ul>
          ${channels.length ? null : html`<p class="muted empty">${t("sidebar.noChannels")}</p>`}
        </section>
        <section class="side-section" aria-labelledby="dm-heading">
          <div class="section-head">
            <h2 id="dm-heading">${t("sidebar.directs")}</h2>
            ${staff ? headButton("direct", t("sidebar.newDirect"), "plus") : null}
          </div>
          <ul class="channel-list">${directs.map((c) => channelItem(state, c, locale))}</ul>
          ${directs.length ? null : html`<p class="muted empty">${t("sidebar.noDirects")}</p>`}
        </section>
        ${appsSection(state, locale)}
      </div>`,
    );
    if (openDetails) root.querySelector("details.settings").open = true;
  }

  root.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (!target) return;
    if (target.dataset.channelId)
      emit(root, "openChannel", { channelId: Number(target.dataset.channelId) });
    else if (target.dataset.app) emit(root, "openApp", { bot: target.dataset.app });
    else if (target.dataset.dialog) {
      root.querySelector("details.settings")?.removeAttribute("open");
      emit(root, "openDialog", { name: target.dataset.dialog });
    } else if (target.dataset.locale) {
      root.querySelector("details.settings").open = false;
      emit(root, "setLocale", { locale: target.dataset.locale });
    } else if (target.dataset.intent) {
      root.querySelector("details.settings")?.removeAttribute("open");
      emit(root, target.dataset.intent);
    }
  });
  root.addEventListener("keydown", (event) => {
    const details = root.querySelector("details.settings");
    if (event.key === "Escape" && details?.open) {
      event.stopPropagation();
      details.open = false;
      details.querySelector("summary").focus();
    }
  });
  const unsubscribe = store.subscribe(update);
  update();
  return { destroy: unsubscribe };
}

/** "华南供应链 (South China Supply)" → the part in the reader's script, kept short. */
function shortOrg(orgs) {
  const first = orgs[0] || "";
  const match = /^(.*?)\s*\((.*)\)$/.exec(first);
  const name = match ? (getLocale().startsWith("en") ? match[2] : match[1]) : first;
  return orgs.length > 1 ? `${name} +${orgs.length - 1}` : name;
}

/** An icon button in a section's heading that opens a dialog. */
function headButton(dialog, label, iconName) {
  return html`<button type="button" class="icon-btn" data-dialog="${dialog}" aria-label="${label}"
    title="${label}">${icon(iconName)}</button>`;
}

/** The bot apps I may open (GET /api/v1/apps), each opening its page in the main pane. */
function appsSection(state, locale) {
  const apps = state.apps || [];
  if (!apps.length) return null;
  const item = (app) => {
    const open = state.ui.appOpen?.bot === app.bot;
    const title = app.title[locale] || app.title.en || app.bot;
    return html`<li><button type="button" class="${classes({ "channel-item": true, open })}"
      data-app="${app.bot}" aria-current="${open ? "page" : "false"}" data-testid="app-item">
      <span class="channel-icon" aria-hidden="true">${app.icon || "▦"}</span><span
      class="channel-text"><span class="channel-name">${title}</span></span></button></li>`;
  };
  return html`<section class="side-section" aria-labelledby="apps-heading">
    <div class="section-head"><h2 id="apps-heading">${t("apps.title")}</h2></div>
    <ul class="channel-list">${apps.map(item)}</ul>
  </section>`;
}

/** The to-do inbox's entry, with the count of cards waiting for me (ui/inbox-view.js). */
function todoEntry(state) {
  const count = inboxTotal(state);
  const open = Boolean(state.ui.inboxOpen);
  const label = count ? `${t("inbox.title")}, ${t("inbox.waiting", { count })}` : t("inbox.title");
  return html`<div class="side-todo"><button type="button"
    class="${classes({ "channel-item": true, "todo-item": true, open })}" data-intent="openInbox"
    aria-current="${open ? "page" : "false"}" aria-label="${label}" data-testid="inbox-entry">
    <span class="channel-icon">${icon("todo")}</span><span class="channel-text"><span
    class="channel-name">${t("inbox.title")}</span></span>${
      count
        ? html`<span class="badge badge-todo" data-testid="inbox-badge"
            aria-hidden="true">${count > 99 ? "99+" : count}</span>`
        : null
    }</button></div>`;
}
