/**
 * The signed-in layout: sidebar (a drawer on a phone), the channel, the thread pane, dialogs,
 * keyboard shortcuts, and polite announcements of new messages.
 *
 *   const shell = mountAppShell(appElement, store, { timeZone: () => me.time_zone });
 *   shell.destroy();
 *
 * Intents: openSwitcher, closeDialog, openDrawer, closeDrawer, closeThread (and all from children).
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { plainText } from "../lib/markdown.js";
import { channelTitle, isDirect, nameOf } from "../state/selectors.js";
import { mountSidebar } from "./sidebar.js";
import { mountChannelHeader } from "./channel-header.js";
import { mountConnectionStatus } from "./connection-status.js";
import { mountMessageList } from "./message-list.js";
import { mountTypingIndicator } from "./typing-indicator.js";
import { mountComposer } from "./composer.js";
import { mountThreadPane } from "./thread-pane.js";
import { mountCreateChannelDialog } from "./create-channel-dialog.js";
import { mountBrowseDialog } from "./browse-dialog.js";
import { mountDirectDialog } from "./direct-dialog.js";
import { mountAwayDialog } from "./away-dialog.js";
import { mountQuickSwitcher } from "./quick-switcher.js";
import { mountConfirmDialog } from "./confirm-dialog.js";
import { mountChannelDialog } from "./channel-dialog.js";
import { mountFormDialog } from "./form-dialog.js";
import { mountInboxView } from "./inbox-view.js";
import { mountAppView } from "./app-view.js";

const DIALOGS = {
  create: mountCreateChannelDialog,
  browse: mountBrowseDialog,
  direct: mountDirectDialog,
  away: mountAwayDialog,
  switcher: mountQuickSwitcher,
  confirm: mountConfirmDialog,
  channel: mountChannelDialog,
  botform: mountFormDialog, // not "form": the class dialog-form is taken
};

export function mountAppShell(root, store, { timeZone, hostFor }) {
  render(
    root,
    html`<a class="skip-link" href="#composer-main">${t("app.skipToComposer")}</a>
    <div class="shell">
      <nav id="sidebar" class="sidebar" aria-label="${t("sidebar.label")}"></nav>
      <div class="scrim" data-intent="closeDrawer" aria-hidden="true"></div>
      <main class="channel-pane" aria-label="${t("messages.region")}">
        <header class="channel-header"></header>
        <div class="connection-status"></div>
        <div class="list-region channel-list-region"></div>
        <div class="typing-indicator" aria-live="polite"></div>
        <div class="composer-region" id="composer-main"></div>
      </main>
      <aside class="thread-pane" aria-label="${t("thread.title")}" hidden></aside>
      <main class="inbox-pane" aria-labelledby="inbox-title" data-testid="inbox-view"
        hidden></main>
      <main class="app-pane" aria-labelledby="app-title" data-testid="app-view" hidden></main>
    </div>
    <div class="visually-hidden" aria-live="polite" data-testid="announcer"></div>
    <div class="toast" role="alert" hidden></div>
    <dialog class="dialog"
      aria-label="${t("app.dialog")}"><div class="dialog-body"></div></dialog>`,
  );
  const shell = root.querySelector(".shell");
  const announcer = root.querySelector("[data-testid=announcer]");
  const toast = root.querySelector(".toast");
  let lastNotice = null;
  const dialog = root.querySelector("dialog");
  const dialogBody = dialog.querySelector(".dialog-body");
  const parts = [
    mountSidebar(root.querySelector(".sidebar"), store),
    mountChannelHeader(root.querySelector(".channel-header"), store),
    mountConnectionStatus(root.querySelector(".connection-status"), store),
    mountMessageList(root.querySelector(".channel-list-region"), store, {
      mode: "channel",
      timeZone,
    }),
    mountTypingIndicator(
      root.querySelector(".main-typing, .channel-pane > .typing-indicator"),
      store,
    ),
    mountComposer(root.querySelector("#composer-main"), store, {
      scope: (state) => {
        const channel = state.channels[state.ui.openChannelId];
        return channel
          ? {
              channelId: channel.id,
              threadRootId: null,
              title: channelTitle(state, channel, getLocale()),
              archived: channel.archived,
              direct: isDirect(channel),
            }
          : null;
      },
    }),
    mountThreadPane(root.querySelector(".thread-pane"), store, { timeZone }),
    mountInboxView(root.querySelector(".inbox-pane"), store, { timeZone }),
    mountAppView(root.querySelector(".app-pane"), store, { hostFor }),
  ];
  let dialogPart = null;
  let dialogName = null;
  let closingByState = false;
  let lastAnnounced = null;

  function update() {
    const state = store.getState();
    shell.classList.toggle("drawer-open", state.ui.drawerOpen);
    shell.classList.toggle("thread-open", state.ui.threadRootId != null);
    shell.classList.toggle("inbox-open", Boolean(state.ui.inboxOpen));
    shell.classList.toggle("app-open", Boolean(state.ui.appOpen));
    const wanted = state.ui.switcherOpen ? "switcher" : state.ui.dialog;
    if (wanted !== dialogName) {
      dialogPart?.destroy();
      dialogPart = null;
      dialogName = wanted;
      if (wanted && DIALOGS[wanted]) {
        dialog.setAttribute("aria-label", t(`dialog.${wanted}`));
        dialog.className = `dialog dialog-${wanted}`;
        dialogPart = DIALOGS[wanted](dialogBody, store, { timeZone });
        if (!dialog.open) dialog.showModal();
      } else if (dialog.open) {
        closingByState = true;
        dialog.close();
      }
    }
    announce(state);
    if (state.ui.notice !== lastNotice) {
      lastNotice = state.ui.notice;
      toast.hidden = !lastNotice;
      render(
        toast,
        lastNotice
          ? html`<span>${lastNotice}</span><button type="button" class="icon-btn"
              data-intent="dismissNotice" aria-label="${t("common.close")}">×</button>`
          : html``,
      );
    }
  }

  function announce(state) {
    const page = state.messages[state.ui.openChannelId];
    const lastId = page?.ids[page.ids.length - 1] ?? null;
    const key = `${state.ui.openChannelId}:${lastId}`;
    if (key === lastAnnounced) return;
    const sameChannel = lastAnnounced?.startsWith(`${state.ui.openChannelId}:`);
    lastAnnounced = key;
    const message = state.byId[lastId];
    if (!sameChannel || !message || message.sender_id === state.me?.id) return;
    const sender =
      nameOf(state.people[message.sender_id], getLocale()) || t("message.unknownSender");
    announcer.textContent = t("messages.announce", {
      name: sender,
      text: plainText(message.text || message.card?.fallback || "").slice(0, 200),
    });
  }

  const emit = (name, detail = {}) =>
    root.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  // The state decides which dialog is open; closing asks the state, and update() follows.
  // (Letting Esc close the element itself raced a quick Ctrl+K: its late `close` event shut
  // the switcher that had just opened.)
  const closeCurrent = () => {
    if (dialogName) emit(dialogName === "switcher" ? "closeSwitcher" : "closeDialog");
  };
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    closeCurrent();
  });
  dialog.addEventListener("close", () => {
    if (!dialog.open && !closingByState) closeCurrent(); // e.g. a <form method="dialog">
    closingByState = false;
  });
  dialog.addEventListener("click", (event) => {
    // A stray click beside a bot's form must not throw away what was typed into it.
    if (event.target === dialog && dialogName !== "botform") closeCurrent();
  });
  root.addEventListener("click", (event) => {
    const target = event.target.closest("[data-intent]");
    if (
      !target ||
      target.closest(".sidebar, .channel-header, .thread-pane, .inbox-pane, .app-pane")
    )
      return;
    if (target.dataset.intent === "dismissNotice") emit("dismissNotice");
    else if (target.dataset.intent === "closeDrawer" || target.dataset.intent === "closeDialog")
      emit(target.dataset.intent);
  });
  function onKeydown(event) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") {
      event.preventDefault();
      emit(store.getState().ui.switcherOpen ? "closeSwitcher" : "openSwitcher");
      return;
    }
    if (event.key === "Escape" && !event.defaultPrevented && !dialog.open) {
      const state = store.getState();
      if (state.ui.drawerOpen) emit("closeDrawer");
      else if (state.ui.threadRootId != null) emit("closeThread");
    }
  }
  document.addEventListener("keydown", onKeydown);
  const unsubscribe = store.subscribe(update);
  update();
  return {
    destroy() {
      document.removeEventListener("keydown", onKeydown);
      unsubscribe();
      dialogPart?.destroy();
      for (const part of parts) part.destroy();
    },
  };
}
