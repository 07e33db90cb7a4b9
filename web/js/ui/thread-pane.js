/**
 * The thread pane: a root message, its replies, and a composer that replies in the thread.
 * On a phone it covers the screen.
 *
 *   const pane = mountThreadPane(asideElement, store, { timeZone: () => "Asia/Shanghai" });
 *
 * Intents: closeThread (plus those of the message list and the composer inside).
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { channelTitle } from "../state/selectors.js";
import { mountMessageList } from "./message-list.js";
import { mountComposer } from "./composer.js";
import { mountTypingIndicator } from "./typing-indicator.js";
import { icon } from "./icons.js";

export function mountThreadPane(root, store, { timeZone }) {
  render(
    root,
    html`<header class="pane-header">
      <button type="button" class="icon-btn thread-back" data-intent="closeThread"
        aria-label="${t("thread.close")}">${icon("back")}</button>
      <div class="header-main"><h2 class="pane-title">${t("thread.title")}</h2>
        <p class="channel-topic thread-channel"></p></div>
      <button type="button" class="icon-btn thread-close" data-intent="closeThread"
        aria-label="${t("thread.close")}" title="${t("thread.close")}">${icon("close")}</button>
    </header>
    <div class="list-region thread-list"></div>
    <div class="typing-indicator" aria-live="polite"></div>
    <div class="composer-region"></div>`,
  );
  const channelLine = root.querySelector(".thread-channel");
  const list = mountMessageList(root.querySelector(".thread-list"), store, {
    mode: "thread",
    timeZone,
  });
  const typing = mountTypingIndicator(root.querySelector(".typing-indicator"), store, {
    thread: true,
  });
  const composer = mountComposer(root.querySelector(".composer-region"), store, {
    scope: (state) => {
      const rootMessage = state.byId[state.ui.threadRootId];
      if (!rootMessage) return null;
      const channel = state.channels[rootMessage.channel_id];
      return {
        channelId: rootMessage.channel_id,
        threadRootId: rootMessage.id,
        title: channelTitle(state, channel, getLocale()),
        archived: channel?.archived,
      };
    },
  });
  let lastRoot = null;
  function update() {
    const state = store.getState();
    const rootId = state.ui.threadRootId;
    root.hidden = rootId == null;
    const rootMessage = state.byId[rootId];
    const channel = rootMessage ? state.channels[rootMessage.channel_id] : null;
    channelLine.textContent = channel ? channelTitle(state, channel, getLocale()) : "";
    if (rootId !== lastRoot) {
      lastRoot = rootId;
      if (rootId != null) setTimeout(() => composer.focus(), 0);
    }
  }
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-intent=closeThread]");
    if (button) root.dispatchEvent(new CustomEvent("closeThread", { bubbles: true, detail: {} }));
  });
  const unsubscribe = store.subscribe(update);
  update();
  return {
    destroy() {
      unsubscribe();
      list.destroy();
      typing.destroy();
      composer.destroy();
    },
  };
}
