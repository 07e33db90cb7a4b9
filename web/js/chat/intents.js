/**
 * What main.js does for the chat's intents (the components in ui/ emit them): signing in
 * and out, channels, messages, reactions, reading, people and dialogs.
 *
 *   const chat = chatIntents({ dispatch, getState, api, load, notice, send, trySend,
 *     commandRefs, session, openChannel, storage });
 *   const intents = { ...chat, ...cardIntents({ ..., searchPeople: chat.searchPeople }) };
 *
 * Each intent goes over the WebSocket when it is live (`send` returns false when it is not)
 * and over HTTP otherwise. A message is queued in the outbox first and sent by `trySend`,
 * so it survives a dropped connection; a slash command is sent once, never queued, and its
 * `ref` is kept in `commandRefs` so that main.js can show its error in the right place.
 */
import { saveLocale, setLocale, t } from "../lib/i18n.js";
import { lastOwnMessage } from "../state/selectors.js";

export function chatIntents({
  dispatch,
  getState,
  api,
  load,
  notice,
  send,
  trySend,
  commandRefs,
  session,
  openChannel,
  storage,
}) {
  let queueCounter = 0;
  let peopleQuery = 0;

  // A dialog's request came back with the channel: keep it and close the dialog.
  function channelSaved(channel) {
    dispatch({ type: "channel/loaded", channel });
    dispatch({ type: "ui/dialog", dialog: null });
  }

  const dialogError = (error) => dispatch({ type: "ui/dialogError", error: error.message });

  return {
    async signIn({ username, password }) {
      try {
        const { person } = await api.post("/api/v1/auth/sign-in", { username, password });
        await session.start(person);
      } catch (error) {
        const { code, status, message, retryAfter } = error;
        dispatch({ type: "session/signInFailed", error: { code, status, message, retryAfter } });
      }
    },
    async signOut() {
      try {
        await api.post("/api/v1/auth/sign-out");
      } catch {
        // Signed out locally whatever the server said.
      }
      session.end();
    },
    confirmSignOutEverywhere: () =>
      dispatch({
        type: "ui/confirm",
        confirm: {
          title: t("settings.signOutEverywhereTitle"),
          text: t("settings.signOutEverywhereText"),
          ok: t("settings.signOutEverywhere"),
          danger: true,
          intent: "signOutEverywhere",
        },
      }),
    async signOutEverywhere() {
      try {
        await api.post("/api/v1/auth/sign-out-everywhere");
      } catch (error) {
        // Still signed in elsewhere: say so rather than pretend it worked.
        if (error.status !== 401) {
          notice(error.message);
          return;
        }
      }
      session.end();
    },
    openChannel: ({ channelId }) => {
      dispatch({ type: "ui/dialog", dialog: null });
      openChannel(channelId);
    },
    loadOlder: ({ channelId }) => load.older(channelId),
    openThread: ({ rootId }) => load.thread(rootId),
    closeThread: () => dispatch({ type: "ui/closeThread" }),
    sendMessage({ channelId, threadRootId, text }) {
      const state = getState();
      if (text.startsWith("/") && !text.startsWith("//")) {
        const ref = `cmd-${uuid().slice(0, 8)}`;
        commandRefs.set(ref, { channelId, threadRootId });
        const frame = {
          type: "command",
          channel_id: channelId,
          text,
          thread_root_id: threadRootId,
          ref,
        };
        if (!send(frame)) {
          commandRefs.delete(ref);
          dispatch({
            type: "ephemeral",
            id: `error-${ref}`,
            bot_id: 0,
            error: true,
            channel_id: channelId,
            thread_root_id: threadRootId,
            text: t("composer.commandOffline"),
            at: Date.now(),
          });
        }
        return;
      }
      const item = {
        client_msg_id: uuid(),
        channel_id: channelId,
        thread_root_id: threadRootId ?? null,
        text: text.startsWith("//") ? text.slice(1) : text,
        sender_id: state.me.id,
        created_at: new Date().toISOString(),
        queued_at: Date.now() * 1000 + (queueCounter++ % 1000),
      };
      dispatch({ type: "send/queued", item });
      trySend(item);
    },
    retrySend({ clientMsgId }) {
      const item = getState().pending[clientMsgId];
      if (!item) return;
      dispatch({ type: "send/queued", item: { ...item, status: "queued", error: null } });
      trySend(item);
    },
    discardSend: ({ clientMsgId }) =>
      dispatch({ type: "send/discard", client_msg_id: clientMsgId }),
    startEdit: ({ messageId }) => dispatch({ type: "ui/startEdit", message_id: messageId }),
    cancelEdit: () => dispatch({ type: "ui/cancelEdit" }),
    editLast({ channelId }) {
      const message = lastOwnMessage(getState(), channelId);
      if (message) dispatch({ type: "ui/startEdit", message_id: message.id });
    },
    async editMessage({ messageId, text }) {
      dispatch({ type: "ui/cancelEdit" });
      if (!send({ type: "edit", message_id: messageId, text, ref: `edit-${messageId}` })) {
        try {
          await api.patch(`/api/v1/messages/${messageId}`, { text });
        } catch (error) {
          notice(error.message);
        }
      }
    },
    // The bot answers over the socket (a private reply, a form, a direct message), as it
    // does for a slash command; only a refusal comes back here.
    async runShortcut({ messageId, bot, shortcut }) {
      try {
        await api.post(`/api/v1/messages/${messageId}/shortcuts`, { bot, shortcut });
      } catch (error) {
        notice(error.message);
      }
    },
    async deleteMessage({ messageId }) {
      if (!send({ type: "delete", message_id: messageId, ref: `delete-${messageId}` })) {
        try {
          await api.del(`/api/v1/messages/${messageId}`);
        } catch (error) {
          notice(error.message);
        }
      }
    },
    async toggleReaction({ messageId, emoji }) {
      const state = getState();
      const message = state.byId[messageId];
      if (!message) return;
      const mine = (message.reactions || []).some(
        (r) => r.emoji === emoji && r.person_ids.includes(state.me.id),
      );
      if (send({ type: mine ? "unreact" : "react", message_id: messageId, emoji })) return;
      try {
        const path = `/api/v1/messages/${messageId}/reactions`;
        if (mine) await api.del(`${path}/${encodeURIComponent(emoji)}`);
        else await api.post(path, { emoji });
      } catch (error) {
        notice(error.message);
      }
    },
    markRead({ channelId, seq }) {
      dispatch({ type: "read/marked", channel_id: channelId, seq });
      if (!send({ type: "read", channel_id: channelId, seq })) {
        api.post(`/api/v1/channels/${channelId}/read`, { seq }).catch(() => {});
      }
    },
    typing: ({ channelId, threadRootId }) =>
      send({ type: "typing", channel_id: channelId, thread_root_id: threadRootId }),
    dismissEphemeral: ({ id }) => dispatch({ type: "ephemeral/dismiss", id }),
    async searchPeople({ q }) {
      if (getState().me?.kind === "guest") return;
      const mine = ++peopleQuery;
      try {
        const { people } = await api.get("/api/v1/people", { q, limit: 20 });
        if (mine === peopleQuery) dispatch({ type: "people/found", people });
      } catch {
        // The picker simply shows nothing new.
      }
    },
    async browseChannels({ q }) {
      try {
        const { channels } = await api.get("/api/v1/channels/browse", { q, limit: 50 });
        dispatch({ type: "browse/loaded", channels });
      } catch (error) {
        dialogError(error);
      }
    },
    async joinChannel({ channelId }) {
      try {
        const { channel } = await api.post(`/api/v1/channels/${channelId}/join`);
        channelSaved(channel);
        openChannel(channel.id);
      } catch (error) {
        dialogError(error);
      }
    },
    async createChannel(body) {
      if (!body.name) {
        return dispatch({ type: "ui/dialogError", error: t("create.nameRequired") });
      }
      try {
        const { channel } = await api.post("/api/v1/channels", body);
        channelSaved(channel);
        openChannel(channel.id);
      } catch (error) {
        dialogError(error);
      }
    },
    async openDirect({ personIds }) {
      try {
        const { channel } = await api.post("/api/v1/channels/direct", { person_ids: personIds });
        channelSaved(channel);
        dispatch({ type: "ui/switcher", open: false });
        openChannel(channel.id);
        load.presence(personIds);
      } catch (error) {
        dialogError(error);
        notice(error.message);
      }
    },
    openDialog: ({ name }) => dispatch({ type: "ui/dialog", dialog: name }),
    askConfirm: (confirm) => dispatch({ type: "ui/confirm", confirm }),
    openChannelDetails() {
      const channelId = getState().ui.openChannelId;
      if (channelId == null) return;
      dispatch({ type: "ui/dialog", dialog: "channel" });
      load.members(channelId);
    },
    async setTopic({ channelId, topic }) {
      try {
        const { channel } = await api.patch(`/api/v1/channels/${channelId}`, { topic });
        channelSaved(channel);
      } catch (error) {
        dialogError(error);
      }
    },
    async addMembers({ channelId, personIds }) {
      try {
        await api.post(`/api/v1/channels/${channelId}/members`, { person_ids: personIds });
        dispatch({ type: "ui/dialog", dialog: null });
        load.members(channelId);
      } catch (error) {
        dialogError(error);
      }
    },
    async leaveChannel({ channelId }) {
      try {
        await api.post(`/api/v1/channels/${channelId}/leave`);
        // The server's channel.removed frame takes it out of the sidebar on every device.
      } catch (error) {
        notice(error.message);
      }
    },
    closeDialog() {
      if (getState().form) dispatch({ type: "form/close" });
      dispatch({ type: "ui/dialog", dialog: null });
    },
    openSwitcher: () => dispatch({ type: "ui/switcher", open: true }),
    closeSwitcher: () => dispatch({ type: "ui/switcher", open: false }),
    openDrawer: () => dispatch({ type: "ui/drawer", open: true }),
    closeDrawer: () => dispatch({ type: "ui/drawer", open: false }),
    dismissNotice: () => notice(null),
    setLocale({ locale }) {
      saveLocale(storage, locale);
      setLocale(locale);
      if (getState().me) {
        api.patch("/api/v1/me", { locale }).catch(() => {});
        load.commands(locale);
        load.shortcuts(locale);
      }
    },
  };
}

function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
