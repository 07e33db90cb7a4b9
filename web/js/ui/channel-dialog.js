/**
 * The open channel's details: its topic (editable by staff members), who is in it with
 * their presence, adding people, and leaving.
 *
 *   const dialog = mountChannelDialog(dialogBody, store);
 *
 * Intents: setTopic {channelId, topic}, addMembers {channelId, personIds},
 * askConfirm (leaveChannel {channelId}), closeDialog.
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { channelTitle, isDirect, nameOf } from "../state/selectors.js";
import { avatar } from "./avatar.js";
import { mountPeoplePicker } from "./people-picker.js";

export function mountChannelDialog(root, store) {
  const state = store.getState();
  const channel = state.channels[state.ui.openChannelId];
  const emit = (name, detail = {}) =>
    root.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  if (!channel) {
    emit("closeDialog");
    return { destroy() {} };
  }
  const staff = state.me?.kind === "member";
  const direct = isDirect(channel);
  const editable = staff && !direct && !channel.archived;
  const submit = html`<button type="submit" class="btn btn-primary">${t("channel.add")}</button>`;
  const addActions = html`<div class="dialog-actions">${submit}</div>`;
  const addForm = html`<form data-form="add"><div class="picker-slot"></div>${addActions}</form>`;
  const leaveButton = html`<button type="button" class="btn btn-danger-outline"
    data-leave>${t("channel.leave")}</button>`;
  render(
    root,
    html`<div class="dialog-form" data-testid="channel-dialog">
      <h2 class="dialog-title">${channelTitle(state, channel, getLocale())}</h2>
      ${
        editable
          ? html`<form class="topic-form" data-form="topic">
            <label for="channel-topic">${t("channel.topic")}</label>
            <div class="inline-row"><input id="channel-topic" name="topic" maxlength="500"
              value="${channel.topic || ""}" placeholder="${t("channel.topicPlaceholder")}">
            <button type="submit" class="btn">${t("common.save")}</button></div>
          </form>`
          : channel.topic
            ? html`<p class="muted">${channel.topic}</p>`
            : null
      }
      <h3 class="dialog-subtitle" id="member-heading"></h3>
      <ul class="member-list" aria-labelledby="member-heading"></ul>
      ${editable ? addForm : null}
      <p class="form-error" role="alert"></p>
      <div class="dialog-actions">
        ${direct ? null : leaveButton}
        <button type="button" class="btn" data-intent="closeDialog">${t("common.close")}</button>
      </div>
    </div>`,
  );
  const list = root.querySelector(".member-list");
  const heading = root.querySelector("#member-heading");
  const error = root.querySelector(".form-error");
  const slot = root.querySelector(".picker-slot");
  const picker = slot
    ? mountPeoplePicker(slot, store, {
        label: t("channel.addPeople"),
        // Members already, and partner guests where the channel is not shared (the hub refuses).
        exclude: (id) => {
          const s = store.getState();
          return (
            (s.members[channel.id] || []).includes(id) ||
            (!channel.shared && s.people[id]?.kind === "guest")
          );
        },
      })
    : null;

  let last = [];
  function update() {
    const s = store.getState();
    const ids = s.members[channel.id];
    const inputs = [ids, s.people, s.presence, s.ui.dialogError];
    if (inputs.every((v, i) => v === last[i])) return;
    last = inputs;
    error.textContent = s.ui.dialogError || "";
    const locale = getLocale();
    const people = (ids || []).map((id) => s.people[id]).filter(Boolean);
    heading.textContent = ids ? t("header.members", { count: people.length }) : t("common.loading");
    render(
      list,
      html`${people.map(
        (p) => html`<li class="member-item">
        ${avatar(p, { locale, presence: s.presence[p.id] || "offline", size: "sm" })}
        <span class="member-name">${nameOf(p, locale)}</span>
        ${p.kind === "guest" ? html`<span class="tag">${t("message.guest")}</span>` : null}
        ${p.kind === "bot" ? html`<span class="tag">${t("message.bot")}</span>` : null}
        <span class="muted small">${p.title || ""}</span>
      </li>`,
      )}`,
    );
  }

  // The dialog body is shared by every dialog: listeners go on this dialog's own element,
  // so they leave with it.
  const own = root.querySelector("[data-testid=channel-dialog]");
  own.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    if (form.dataset.form === "topic") {
      emit("setTopic", { channelId: channel.id, topic: form.elements.topic.value.trim() });
    } else if (form.dataset.form === "add" && picker) {
      const personIds = picker.selected();
      if (!personIds.length) {
        error.textContent = t("direct.pickSomeone");
        return;
      }
      emit("addMembers", { channelId: channel.id, personIds });
    }
  });
  own.addEventListener("click", (event) => {
    if (!event.target.closest("[data-leave]")) return;
    emit("askConfirm", {
      title: t("channel.leaveTitle", {
        name: channelTitle(store.getState(), channel, getLocale()),
      }),
      text: channel.kind === "private" ? t("channel.leavePrivate") : t("channel.leavePublic"),
      ok: t("channel.leave"),
      danger: true,
      intent: "leaveChannel",
      detail: { channelId: channel.id },
    });
  });
  const unsubscribe = store.subscribe(update);
  update();
  return {
    destroy() {
      unsubscribe();
      picker?.destroy();
    },
  };
}
