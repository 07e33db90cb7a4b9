/**
 * The scrolling list of messages for the open channel (mode "channel") or thread (mode "thread").
 *
 *   const list = mountMessageList(scroller, store, { mode: "channel", timeZone: () => tz });
 *   list.destroy();
 *
 * Rows are keyed and only changed rows are rebuilt, so an inline editor keeps its text.
 * Keeps the reader's place when older messages are prepended, sticks to the bottom when the
 * reader is there, offers "Jump to latest" otherwise, and asks for more history near the top.
 * Intents (bubbling CustomEvents): loadOlder, markRead, openThread, toggleReaction,
 * startEdit, cancelEdit, editMessage, deleteMessage, retrySend, discardSend, dismissEphemeral,
 * runShortcut.
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { dayKey, dayLabel } from "../lib/format.js";
import { messageRows, threadRows, ephemeralsFor } from "../state/selectors.js";
import { messageItem, ephemeralItem } from "./message-item.js";
import { icon } from "./icons.js";
import { listenToCards } from "../cards/controller.js";
import { replaceKeepingFocus } from "../lib/dom.js";

const emit = (el, name, detail) =>
  el.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));

export function mountMessageList(root, store, { mode = "channel", timeZone }) {
  const thread = mode === "thread";
  render(
    root,
    html`<div class="scroller" tabindex="0"
      data-testid="${thread ? "thread-scroller" : "message-scroller"}">
      <div class="history-state"></div>
      <ul class="messages"
        aria-label="${thread ? t("thread.repliesLabel") : t("messages.label")}"></ul>
    </div>
    <button type="button" class="jump-latest"
      hidden>${icon("down")}<span>${t("messages.jumpToLatest")}</span></button>`,
  );
  const scroller = root.querySelector(".scroller");
  const list = root.querySelector(".messages");
  const historyState = root.querySelector(".history-state");
  const jump = root.querySelector(".jump-latest");
  const cache = new Map();
  let pickerFor = null;
  let menuFor = null; // the message whose shortcut menu is open
  let shownFor = null;
  let lastKey = null;
  let lastInputs = [];
  let markedSeq = 0;

  const scopeId = () => {
    const s = store.getState();
    return mode === "thread" ? s.ui.threadRootId : s.ui.openChannelId;
  };
  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;

  function rowsFor(state) {
    const tz = timeZone();
    const opts = { locale: getLocale(), timeZone: tz };
    if (mode === "thread") {
      const { root: rootMessage, replies } = threadRows(state, state.ui.threadRootId);
      if (!rootMessage) return [];
      const rows = [
        {
          kind: "message",
          key: `m-${rootMessage.id}`,
          message: rootMessage,
          grouped: false,
          mine: rootMessage.sender_id === state.me?.id,
        },
      ];
      if (rootMessage.reply_count || replies.length)
        rows.push({
          kind: "divider",
          key: "divider",
          count: Math.max(rootMessage.reply_count, replies.length),
        });
      let previous = null;
      for (const m of replies) {
        const grouped =
          previous &&
          previous.sender_id === m.sender_id &&
          Date.parse(m.created_at) - Date.parse(previous.created_at) < 300000;
        rows.push({
          kind: "message",
          key: `m-${m.id}`,
          message: m,
          grouped: Boolean(grouped),
          mine: m.sender_id === state.me?.id,
        });
        previous = m;
      }
      for (const e of ephemeralsFor(state, rootMessage.channel_id, rootMessage.id))
        rows.push({ kind: "ephemeral", key: `eph-${e.id}`, item: e });
      return rows;
    }
    const channelId = state.ui.openChannelId;
    const rows = messageRows(state, channelId, { dayKey: (iso) => dayKey(iso, opts) });
    for (const e of ephemeralsFor(state, channelId, null))
      rows.push({ kind: "ephemeral", key: `eph-${e.id}`, item: e });
    return rows;
  }

  function rowHtml(row, state) {
    const opts = { locale: getLocale(), timeZone: timeZone() };
    switch (row.kind) {
      case "day":
        return html`<li class="day-separator"
          data-key="${row.key}"><span>${dayLabel(row.at, new Date(), opts)}</span></li>`;
      case "unread":
        return html`<li class="unread-line" data-key="unread"
          data-testid="unread-line"><span>${t("messages.newMessages")}</span></li>`;
      case "divider":
        return html`<li class="thread-divider"
          data-key="divider"><span>${t("message.replies", { count: row.count })}</span></li>`;
      case "ephemeral":
        return ephemeralItem(row.item, {
          state,
          scope: mode === "thread" ? "t" : "c",
          timeZone: opts.timeZone,
        });
      default:
        return messageItem(row, {
          state,
          timeZone: opts.timeZone,
          editing: state.ui.editingId === row.message.id && !row.message.pending,
          inThread: mode === "thread",
          pickerOpen: pickerFor === row.message.id,
          menuOpen: menuFor === row.message.id,
        });
    }
  }

  function update(force = false) {
    const state = store.getState();
    const id = scopeId();
    // Not cardDrafts: typing into a card must not redraw it (its values are drawn from there
    // when it is).
    const inputs = [
      id,
      state.messages,
      state.threads,
      state.byId,
      state.pending,
      state.people,
      state.presence,
      state.ui.editingId,
      state.ui.unreadMarker,
      state.ephemerals,
      getLocale(),
      pickerFor,
      menuFor,
      state.shortcuts,
      state.cardUi,
      state.peopleResults,
      state.departments,
      state.me,
      state.uploads,
    ];
    if (!force && inputs.every((v, i) => v === lastInputs[i])) return;
    lastInputs = inputs;
    const switched = shownFor !== id;
    const wasAtBottom = atBottom();
    const rows = id == null ? [] : rowsFor(state);
    const anchor = list.querySelector("[data-testid=message]");
    const anchorKey = anchor ? anchor.dataset.row : null;
    const anchorTop = anchor ? anchor.offsetTop : 0;
    const used = new Set();
    let previousEl = null;
    for (const row of rows) {
      const markup = rowHtml(row, state);
      const cached = cache.get(row.key);
      let el;
      if (cached && cached.markup === markup.text) {
        el = cached.el;
      } else {
        const template = document.createElement("template");
        render(template, markup);
        el = template.content.firstElementChild;
        el.dataset.row = row.key;
        // A row is rebuilt when anything in it changes (a reaction, a card's error, search
        // results); whoever was typing in it keeps the focus and the caret.
        if (cached) replaceKeepingFocus(cached.el, el);
        cache.set(row.key, { markup: markup.text, el });
      }
      used.add(row.key);
      const expected = previousEl ? previousEl.nextElementSibling : list.firstElementChild;
      if (expected !== el) list.insertBefore(el, expected);
      previousEl = el;
    }
    for (const [key, entry] of cache) {
      if (!used.has(key)) {
        entry.el.remove();
        cache.delete(key);
      }
    }
    const newLast = rows.length ? rows[rows.length - 1].key : null;
    const grewAtEnd = newLast !== lastKey;
    lastKey = newLast;

    const page = mode === "channel" ? state.messages[id] : null;
    render(
      historyState,
      page?.loading
        ? html`<p class="muted">${t("messages.loadingOlder")}</p>`
        : page && !page.hasMore && page.ids.length
          ? html`<p class="muted">${t("messages.beginning")}</p>`
          : html``,
    );

    if (switched) {
      shownFor = id;
      markedSeq = 0;
      const line = list.querySelector(".unread-line");
      if (line) line.scrollIntoView({ block: "center" });
      else scroller.scrollTop = scroller.scrollHeight;
      if (rows.length) focusEditor();
    } else if (wasAtBottom) {
      scroller.scrollTop = scroller.scrollHeight;
    } else if (anchorKey && cache.has(anchorKey)) {
      scroller.scrollTop += cache.get(anchorKey).el.offsetTop - anchorTop;
    }
    if (!switched && grewAtEnd && !wasAtBottom && rows.length) jump.hidden = false;
    if (atBottom()) jump.hidden = true;
    focusEditor();
    maybeMarkRead();
  }

  function focusEditor() {
    const editor = list.querySelector(".msg-editor textarea");
    if (editor && document.activeElement !== editor) {
      editor.focus();
      editor.setSelectionRange(editor.value.length, editor.value.length);
    }
  }

  function maybeMarkRead() {
    if (mode !== "channel") return;
    const state = store.getState();
    const id = state.ui.openChannelId;
    const channel = state.channels[id];
    if (!channel || !state.messages[id] || document.visibilityState === "hidden" || !atBottom())
      return;
    const seq = state.cursors[id] ?? channel.last_seq ?? 0;
    if (seq > (channel.last_read_seq ?? 0) || channel.unread_count > 0) {
      if (seq > markedSeq || channel.unread_count > 0) {
        markedSeq = seq;
        emit(root, "markRead", { channelId: id, seq });
      }
    }
  }

  function onScroll() {
    if (atBottom()) jump.hidden = true;
    maybeMarkRead();
    if (mode === "channel" && scroller.scrollTop < 150) {
      const state = store.getState();
      const page = state.messages[state.ui.openChannelId];
      if (page?.hasMore && !page.loading)
        emit(root, "loadOlder", { channelId: state.ui.openChannelId });
    }
  }

  function onClick(event) {
    const button = event.target.closest("[data-action]");
    if (!button || !root.contains(button)) return;
    const action = button.dataset.action;
    const item = button.closest("[data-testid=message]");
    const messageId = item?.dataset.messageId ? Number(item.dataset.messageId) : null;
    const clientMsgId = item ? item.dataset.clientMsgId : null;
    switch (action) {
      case "react":
        pickerFor = pickerFor === messageId ? null : messageId;
        update(true);
        root.querySelector(".emoji-picker button")?.focus();
        break;
      case "openMenu":
        menuFor = menuFor === messageId ? null : messageId;
        update(true);
        root.querySelector(".msg-menu button")?.focus();
        break;
      case "runShortcut":
        menuFor = null;
        emit(root, "runShortcut", {
          messageId,
          bot: button.dataset.bot,
          shortcut: button.dataset.shortcut,
        });
        update(true);
        break;
      case "pickReaction":
        pickerFor = null;
        emit(root, "toggleReaction", { messageId, emoji: button.dataset.emoji });
        update(true);
        break;
      case "toggleReaction":
        emit(root, "toggleReaction", { messageId, emoji: button.dataset.emoji });
        break;
      case "openThread":
        emit(root, "openThread", { rootId: messageId });
        break;
      case "startEdit":
        emit(root, "startEdit", { messageId });
        break;
      case "cancelEdit":
        emit(root, "cancelEdit", {});
        break;
      case "deleteMessage":
        emit(root, "askConfirm", {
          title: t("message.confirmDeleteTitle"),
          text: t("message.confirmDelete"),
          ok: t("message.delete"),
          danger: true,
          intent: "deleteMessage",
          detail: { messageId },
        });
        break;
      case "retrySend":
        emit(root, "retrySend", { clientMsgId });
        break;
      case "discardSend":
        emit(root, "discardSend", { clientMsgId });
        break;
      case "dismissEphemeral":
        emit(root, "dismissEphemeral", { id: button.dataset.ephemeralId });
        break;
    }
  }

  function onSubmit(event) {
    const form = event.target.closest("form[data-form=edit]");
    if (!form) return;
    event.preventDefault();
    const item = form.closest("[data-testid=message]");
    const text = form.elements.text.value.trim();
    if (text) emit(root, "editMessage", { messageId: Number(item.dataset.messageId), text });
  }

  function onKeydown(event) {
    const editor = event.target.closest(".msg-editor textarea");
    if (editor) {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        emit(root, "cancelEdit", {});
      } else if (
        event.key === "Enter" &&
        !event.shiftKey &&
        !event.isComposing &&
        event.keyCode !== 229
      ) {
        event.preventDefault();
        editor.form.requestSubmit();
      }
      return;
    }
    if (event.key === "Escape" && (pickerFor != null || menuFor != null)) {
      event.stopPropagation();
      pickerFor = null;
      menuFor = null;
      update(true);
    }
  }

  jump.addEventListener("click", () => {
    scroller.scrollTop = scroller.scrollHeight;
    jump.hidden = true;
  });
  scroller.addEventListener("scroll", onScroll, { passive: true });
  root.addEventListener("click", onClick);
  root.addEventListener("submit", onSubmit);
  root.addEventListener("keydown", onKeydown);
  const onVisible = () => maybeMarkRead();
  document.addEventListener("visibilitychange", onVisible);
  const stopCards = listenToCards(root, store);
  const unsubscribe = store.subscribe(() => update());
  update(true);
  return {
    update: () => update(true),
    destroy() {
      unsubscribe();
      stopCards();
      document.removeEventListener("visibilitychange", onVisible);
    },
  };
}
