/**
 * One message row (a pure function of the message and what the reader needs to see it).
 *
 *   html`<ul>${rows.map((row) => messageItem(row, ctx))}</ul>`
 *   // ctx: { state, locale, timeZone, editing, inThread, pickerOpen, menuOpen }
 *
 * A card is drawn by ui/card.js; its buttons and inputs are handled by cards/controller.js.
 *
 * Buttons carry `data-action` (react, toggleReaction, openThread, startEdit, deleteMessage,
 * retrySend, discardSend, openMenu, runShortcut); the message list turns those clicks into
 * intents.
 */
import { html } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { renderMarkdown } from "../lib/markdown.js";
import { formatTime, formatDateTime } from "../lib/format.js";
import { QUICK_REACTIONS } from "../lib/emoji.js";
import { nameOf, personByUsername } from "../state/selectors.js";
import { avatar } from "./avatar.js";
import { renderCard } from "./card.js";
import { icon } from "./icons.js";

export function messageItem(row, ctx) {
  const { message, grouped, mine } = row;
  const { state, timeZone, editing, inThread, pickerOpen, menuOpen } = ctx;
  const locale = getLocale();
  const sender = state.people[message.sender_id];
  const senderName = sender ? nameOf(sender, locale) : t("message.unknownSender");
  const when = { locale, timeZone };
  const pending = message.pending;
  const meId = state.me?.id;
  const cls = [
    "msg",
    grouped && "grouped",
    mine && "mine",
    pending && `pending pending-${pending}`,
    message.deleted && "deleted",
    isMentioned(message, state) && "mentions-me",
  ]
    .filter(Boolean)
    .join(" ");
  const key = pending ? message.client_msg_id : message.id;
  const gutter = grouped
    ? html`<time class="msg-hover-time"
        datetime="${message.created_at}">${formatTime(message.created_at, when)}</time>`
    : avatar(sender || { id: message.sender_id }, {
        locale,
        presence: state.presence[message.sender_id] || null,
      });
  const card =
    message.card && !message.deleted
      ? renderCard(message, { state, scope: inThread ? "t" : "c", timeZone })
      : null;
  const threadLink =
    !inThread && !pending && message.reply_count > 0 && !message.thread_root_id
      ? html`<button type="button" class="thread-link"
          data-action="openThread">${t("message.replies", { count: message.reply_count })}</button>`
      : null;
  return html`<li class="${cls}" data-message-id="${pending ? "" : message.id}"
    data-client-msg-id="${message.client_msg_id || ""}" data-testid="message" data-key="${key}">
    <div class="msg-gutter">${gutter}</div>
    <div class="msg-body">
      ${grouped ? null : meta(message, sender, senderName, when)}
      ${body(message, ctx, editing, meId)}
      ${card}
      ${reactions(message, state, locale, meId)}
      ${threadLink}
      ${pending ? pendingState(message) : null}
    </div>
    ${
      !pending && !message.deleted
        ? toolbar(message, mine, inThread, pickerOpen, menuOpen && state.shortcuts)
        : null
    }
  </li>`;
}

/** The sender's name, a bot or guest tag, and the time, over a message that starts a group. */
function meta(message, sender, senderName, when) {
  const bot = sender?.kind === "bot" ? html`<span class="tag">${t("message.bot")}</span>` : null;
  const guest =
    sender?.kind === "guest"
      ? html`<span class="tag tag-guest">${t("message.guest")}</span>`
      : null;
  const fullTime = formatDateTime(message.created_at, when);
  const time = html`<time datetime="${message.created_at}"
    title="${fullTime}">${formatTime(message.created_at, when)}</time>`;
  const name = html`<span class="msg-sender">${senderName}</span>`;
  return html`<div class="msg-meta">${name}${bot}${guest}${time}</div>`;
}

function isMentioned(message, state) {
  const me = state.me;
  if (!me || !message.text || message.sender_id === me.id) return false;
  return new RegExp(`(^|[^\\w@])@${me.username.replace(/[.]/g, "\\.")}(?![\\w.-])`, "i").test(
    message.text,
  );
}

function body(message, ctx, editing, meId) {
  if (message.deleted) return html`<div class="msg-text msg-deleted">${t("message.deleted")}</div>`;
  if (editing) {
    return html`<form class="msg-editor" data-form="edit">
      <label class="visually-hidden" for="edit-${message.id}">${t("message.editLabel")}</label>
      <textarea id="edit-${message.id}" name="text" rows="2">${message.text}</textarea>
      <div class="msg-editor-actions">
        <span class="hint">${t("message.editHint")}</span>
        <button type="button" class="btn" data-action="cancelEdit">${t("common.cancel")}</button>
        <button type="submit" class="btn btn-primary">${t("common.save")}</button>
      </div>
    </form>`;
  }
  if (!message.text) return null;
  // A card's text is its fallback (for mail and notifications): the card itself shows it.
  if (message.card && message.text === message.card.fallback) return null;
  const text = renderMarkdown(message.text, {
    meId,
    mentionOf: (username) => {
      const p = personByUsername(ctx.state, username);
      return p ? { id: p.id, display_name: nameOf(p, getLocale()) } : null;
    },
  });
  // The space before "(edited)" is part of the text.
  const edited = message.edited_at
    ? html` <span class="edited">${t("message.edited")}</span>`
    : null;
  return html`<div class="msg-text">${text}${edited}</div>`;
}

function reactions(message, state, locale, meId) {
  const list = message.reactions || [];
  if (!list.length || message.pending) return null;
  return html`<div class="reactions">${list.map((r) => {
    const names = r.person_ids.map((id) => nameOf(state.people[id], locale) || `#${id}`).join(", ");
    const mineToo = r.person_ids.includes(meId);
    const label = t("reaction.label", { emoji: r.emoji, count: r.count, names });
    const emoji = html`<span class="reaction-emoji">${r.emoji}</span>`;
    const count = html`<span class="reaction-count">${r.count}</span>`;
    return html`<button type="button" class="${mineToo ? "reaction reaction-mine" : "reaction"}"
      data-action="toggleReaction" data-emoji="${r.emoji}"
      aria-pressed="${mineToo ? "true" : "false"}" title="${names}"
      aria-label="${label}">${emoji}${count}</button>`;
  })}</div>`;
}

function pendingState(message) {
  if (message.pending === "failed") {
    const reason = `${t("send.failed")}${message.error ? `: ${message.error}` : ""}`;
    return html`<div class="send-state send-failed"
      role="alert">${icon("alert")}<span>${reason}</span>
      <button type="button" class="link-btn" data-action="retrySend">${t("send.retry")}</button>
      <button type="button" class="link-btn"
        data-action="discardSend">${t("send.discard")}</button></div>`;
  }
  const label =
    message.pending === "queued"
      ? t("send.queued")
      : message.pending === "acked"
        ? t("send.sent")
        : t("send.sending");
  return html`<div class="send-state"
    data-testid="send-state">${icon("clock")}<span>${label}</span></div>`;
}

/** An icon button of the message toolbar, labelled by its tooltip. */
function toolButton(action, label, iconName) {
  return html`<button type="button" class="icon-btn" data-action="${action}" aria-label="${label}"
    title="${label}">${icon(iconName)}</button>`;
}

function toolbar(message, mine, inThread, pickerOpen, shortcuts) {
  const addLabel = t("message.addReaction");
  const threadButton =
    !inThread && !message.thread_root_id
      ? toolButton("openThread", t("message.replyInThread"), "thread")
      : null;
  const picker = pickerOpen ? emojiPicker(addLabel) : null;
  return html`<div class="msg-actions" role="toolbar" aria-label="${t("message.actions")}">
    <button type="button" class="icon-btn" data-action="react" aria-label="${addLabel}"
      aria-expanded="${pickerOpen ? "true" : "false"}" title="${addLabel}">${icon("smile")}</button>
    ${threadButton}
    ${mine && !message.card ? toolButton("startEdit", t("message.edit"), "edit") : null}
    ${mine ? toolButton("deleteMessage", t("message.delete"), "trash") : null}
    <button type="button" class="icon-btn" data-action="openMenu" aria-haspopup="menu"
      aria-expanded="${shortcuts ? "true" : "false"}" aria-label="${t("message.more")}"
      title="${t("message.more")}">⋯</button>
    ${picker}
    ${shortcuts ? shortcutMenu(shortcuts) : null}
  </div>`;
}

/** The bots' shortcuts for this message ("Make this a task"), in the reader's language. */
function shortcutMenu(shortcuts) {
  const items = shortcuts.length
    ? shortcuts.map(
        (s) => html`<button type="button" role="menuitem" class="menu-item"
          data-action="runShortcut" data-bot="${s.bot}"
          data-shortcut="${s.name}">${s.label}</button>`,
      )
    : html`<span class="menu-empty">${t("message.noShortcuts")}</span>`;
  return html`<div class="msg-menu" role="menu" aria-label="${t("message.more")}">${items}</div>`;
}

function emojiPicker(label) {
  const choices = QUICK_REACTIONS.map(
    (e) => html`<button type="button" class="emoji-choice" data-action="pickReaction"
      data-emoji="${e}" aria-label="${t("reaction.add", { emoji: e })}">${e}</button>`,
  );
  return html`<div class="emoji-picker" role="group" aria-label="${label}">${choices}</div>`;
}

/** A bot's private reply ("only visible to you"). */
export function ephemeralItem(item, ctx) {
  const locale = getLocale();
  const bot = ctx.state.people[item.bot_id];
  const name =
    item.error || !item.bot_id
      ? t("ephemeral.hub")
      : bot
        ? nameOf(bot, locale)
        : t("ephemeral.bot");
  const sender = html`<span class="msg-sender">${name}</span>`;
  const onlyYou = html`<span class="tag">${t("ephemeral.onlyYou")}</span>`;
  const text = renderMarkdown(item.text || "", { meId: ctx.state.me?.id, mentionOf: () => null });
  const card = item.card
    ? renderCard(
        { card: item.card, id: item.id },
        { state: ctx.state, scope: ctx.scope || "c", timeZone: ctx.timeZone, mode: "ephemeral" },
      )
    : null;
  return html`<li class="msg ephemeral" data-testid="ephemeral" data-key="eph-${item.id}">
    <div class="msg-gutter"><span class="avatar avatar-md avatar-system"
      aria-hidden="true">${icon("eye")}</span></div>
    <div class="msg-body">
      <div class="msg-meta">${sender}${onlyYou}</div>
      <div class="msg-text">${text}</div>
      ${card}
      <button type="button" class="link-btn" data-action="dismissEphemeral"
        data-ephemeral-id="${item.id}">${t("ephemeral.dismiss")}</button>
    </div>
  </li>`;
}
