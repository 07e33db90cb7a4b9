/**
 * The web client's entry point: decides signed in or not, wires the store, the HTTP API and
 * the WebSocket, and turns the components' intents (bubbling CustomEvents) into requests.
 * Components only read state and emit intents; everything that fetches or sends is here.
 *
 *   <script type="module" src="/js/main.js"></script>
 */
import { setTables, detectLocale, savedLocale, saveLocale, setLocale, getLocale, onLocaleChange, t } from "./lib/i18n.js";
import en from "./i18n/en.js";
import zhCN from "./i18n/zh-CN.js";
import { api } from "./net/api.js";
import { createConnection } from "./net/socket.js";
import { createStore } from "./state/store.js";
import { reduce, initialState } from "./state/reducer.js";
import { syncCursors, queuedSends, outboxToSave, lastOwnMessage } from "./state/selectors.js";
import { loadOutbox, saveOutbox } from "./state/drafts.js";
import { mountSignIn } from "./ui/sign-in.js";
import { mountAppShell } from "./ui/app-shell.js";
import { createLoaders } from "./net/loaders.js";
import { createCardRequests } from "./cards/requests.js";
import { cardIntents } from "./cards/intents.js";

const app = document.getElementById("app");
const store = createStore(reduce, initialState());
let view = null;
let connection = null;
let queueCounter = 0;
const commandRefs = new Map();
let peopleQuery = 0;

setTables({ en, "zh-CN": zhCN });
setLocale(savedLocale(localStorage) || detectLocale(navigator.languages));
document.documentElement.lang = getLocale();

const timeZone = () => store.getState().me?.time_zone || Intl.DateTimeFormat().resolvedOptions().timeZone;
const dispatch = (action) => store.dispatch(action);
const notice = (text) => dispatch({ type: "ui/notice", notice: text });
const load = createLoaders({ api, dispatch, getState: () => store.getState(), notice });
const cards = createCardRequests({ dispatch, getState: () => store.getState(), send: (frame) => connection?.send(frame), api });

function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function show() {
  view?.destroy();
  view = null;
  const state = store.getState();
  document.title = t("app.name");
  if (!state.authChecked) return;
  view = state.me ? mountAppShell(app, store, { timeZone }) : mountSignIn(app, store);
}

onLocaleChange(() => {
  document.documentElement.lang = getLocale();
  show();
});

// ---- session

async function boot() {
  try {
    const { person } = await api.get("/api/v1/me");
    await startSession(person);
  } catch (error) {
    dispatch({ type: "session/checked", me: null });
    show();
    if (error.code !== "network" && error.status !== 401) notice(error.message);
  }
}

async function startSession(me) {
  dispatch({ type: "session/checked", me });
  dispatch({ type: "outbox/restored", items: loadOutbox(localStorage, me.id) });
  show();
  try {
    const { channels } = await api.get("/api/v1/channels");
    dispatch({ type: "channels/loaded", channels });
  } catch (error) {
    notice(error.message);
  }
  startConnection();
  api.get("/api/v1/commands", { locale: getLocale() }).then((r) => dispatch({ type: "commands/loaded", commands: r.commands }), () => {});
  load.presence();
  if (me.kind !== "guest") load.departments();
  const state = store.getState();
  const remembered = Number(localStorage.getItem(`hub.lastChannel.${me.id}`));
  const first = state.channels[remembered] ? remembered : Object.values(state.channels).sort((a, b) => a.id - b.id)[0]?.id;
  if (first != null) openChannel(first);
}

function signedOut() {
  connection?.stop();
  connection = null;
  dispatch({ type: "session/signedOut" });
  show();
}

let lastOutbox = null;
store.subscribe((state) => {
  if (state.me && state.pending !== lastOutbox) {
    lastOutbox = state.pending;
    saveOutbox(localStorage, state.me.id, outboxToSave(state));
  }
});

// ---- the connection

function startConnection() {
  connection?.stop();
  connection = createConnection({
    fetchTicket: async () => (await api.post("/api/v1/auth/ws-ticket")).ticket,
    getCursors: () => syncCursors(store.getState()),
    onFrame,
    onStatus: (status) => {
      dispatch({ type: "connection/status", status });
      if (status === "live") flushOutbox();
      else cards.connectionLost();
    },
    onAuthLost: signedOut,
  });
  connection.start();
}

function onFrame(frame) {
  const at = Date.now();
  if (cards.onFrame(frame)) return;
  if (frame.type === "error" && !frame.client_msg_id) {
    const command = commandRefs.get(frame.ref);
    if (command) {
      commandRefs.delete(frame.ref);
      dispatch({ type: "ephemeral", id: `error-${frame.ref}`, bot_id: 0, error: true, channel_id: command.channelId, thread_root_id: command.threadRootId, text: frame.message, at });
    } else {
      notice(frame.message);
    }
    return;
  }
  if (frame.type === "ack" && commandRefs.has(frame.ref)) commandRefs.delete(frame.ref);
  dispatch({ ...frame, at });
  if (frame.type === "resync_required") load.reloadChannel(frame.channel_id);
  if (frame.type === "message.new" && !store.getState().people[frame.message.sender_id]) load.people([frame.message.sender_id]);
}

function flushOutbox() {
  for (const item of queuedSends(store.getState())) trySend(item);
}

function trySend(item) {
  const sent = connection?.send({
    type: "send",
    channel_id: item.channel_id,
    client_msg_id: item.client_msg_id,
    text: item.text,
    thread_root_id: item.thread_root_id ?? null,
    ref: item.client_msg_id.slice(0, 60),
  });
  if (sent) dispatch({ type: "send/sending", client_msg_id: item.client_msg_id });
}

function openChannel(channelId) {
  const state = store.getState();
  if (!state.channels[channelId]) return;
  dispatch({ type: "ui/openChannel", channel_id: channelId });
  localStorage.setItem(`hub.lastChannel.${state.me.id}`, String(channelId));
  const page = store.getState().messages[channelId];
  if (!page || page.stale) load.latest(channelId);
  if (!state.members[channelId]) load.members(channelId);
}

// ---- intents from the components

const intents = {
  async signIn({ username, password }) {
    try {
      const { person } = await api.post("/api/v1/auth/sign-in", { username, password });
      await startSession(person);
    } catch (error) {
      dispatch({ type: "session/signInFailed", error: { code: error.code, status: error.status, message: error.message, retryAfter: error.retryAfter } });
    }
  },
  async signOut() {
    try {
      await api.post("/api/v1/auth/sign-out");
    } catch {
      // Signed out locally whatever the server said.
    }
    signedOut();
  },
  openChannel: ({ channelId }) => {
    dispatch({ type: "ui/dialog", dialog: null });
    openChannel(channelId);
  },
  loadOlder: ({ channelId }) => load.older(channelId),
  openThread: ({ rootId }) => load.thread(rootId),
  closeThread: () => dispatch({ type: "ui/closeThread" }),
  sendMessage({ channelId, threadRootId, text }) {
    const state = store.getState();
    if (text.startsWith("/") && !text.startsWith("//")) {
      const ref = `cmd-${uuid().slice(0, 8)}`;
      commandRefs.set(ref, { channelId, threadRootId });
      const sent = connection?.send({ type: "command", channel_id: channelId, text, thread_root_id: threadRootId, ref });
      if (!sent) {
        commandRefs.delete(ref);
        dispatch({ type: "ephemeral", id: `error-${ref}`, bot_id: 0, error: true, channel_id: channelId, thread_root_id: threadRootId, text: t("composer.commandOffline"), at: Date.now() });
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
    const item = store.getState().pending[clientMsgId];
    if (!item) return;
    dispatch({ type: "send/queued", item: { ...item, status: "queued", error: null } });
    trySend(item);
  },
  discardSend: ({ clientMsgId }) => dispatch({ type: "send/discard", client_msg_id: clientMsgId }),
  startEdit: ({ messageId }) => dispatch({ type: "ui/startEdit", message_id: messageId }),
  cancelEdit: () => dispatch({ type: "ui/cancelEdit" }),
  editLast({ channelId }) {
    const message = lastOwnMessage(store.getState(), channelId);
    if (message) dispatch({ type: "ui/startEdit", message_id: message.id });
  },
  async editMessage({ messageId, text }) {
    dispatch({ type: "ui/cancelEdit" });
    if (!connection?.send({ type: "edit", message_id: messageId, text, ref: `edit-${messageId}` })) {
      try {
        await api.patch(`/api/v1/messages/${messageId}`, { text });
      } catch (error) {
        notice(error.message);
      }
    }
  },
  async deleteMessage({ messageId }) {
    if (!connection?.send({ type: "delete", message_id: messageId, ref: `delete-${messageId}` })) {
      try {
        await api.del(`/api/v1/messages/${messageId}`);
      } catch (error) {
        notice(error.message);
      }
    }
  },
  async toggleReaction({ messageId, emoji }) {
    const state = store.getState();
    const message = state.byId[messageId];
    if (!message) return;
    const mine = (message.reactions || []).some((r) => r.emoji === emoji && r.person_ids.includes(state.me.id));
    if (connection?.send({ type: mine ? "unreact" : "react", message_id: messageId, emoji })) return;
    try {
      if (mine) await api.del(`/api/v1/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`);
      else await api.post(`/api/v1/messages/${messageId}/reactions`, { emoji });
    } catch (error) {
      notice(error.message);
    }
  },
  markRead({ channelId, seq }) {
    dispatch({ type: "read/marked", channel_id: channelId, seq });
    if (!connection?.send({ type: "read", channel_id: channelId, seq })) {
      api.post(`/api/v1/channels/${channelId}/read`, { seq }).catch(() => {});
    }
  },
  typing: ({ channelId, threadRootId }) => connection?.send({ type: "typing", channel_id: channelId, thread_root_id: threadRootId }),
  dismissEphemeral: ({ id }) => dispatch({ type: "ephemeral/dismiss", id }),
  async searchPeople({ q }) {
    const state = store.getState();
    if (state.me?.kind === "guest") return;
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
      dispatch({ type: "ui/dialogError", error: error.message });
    }
  },
  async joinChannel({ channelId }) {
    try {
      const { channel } = await api.post(`/api/v1/channels/${channelId}/join`);
      dispatch({ type: "channel/loaded", channel });
      dispatch({ type: "ui/dialog", dialog: null });
      openChannel(channel.id);
    } catch (error) {
      dispatch({ type: "ui/dialogError", error: error.message });
    }
  },
  async createChannel(body) {
    if (!body.name) return dispatch({ type: "ui/dialogError", error: t("create.nameRequired") });
    try {
      const { channel } = await api.post("/api/v1/channels", body);
      dispatch({ type: "channel/loaded", channel });
      dispatch({ type: "ui/dialog", dialog: null });
      openChannel(channel.id);
    } catch (error) {
      dispatch({ type: "ui/dialogError", error: error.message });
    }
  },
  async openDirect({ personIds }) {
    try {
      const { channel } = await api.post("/api/v1/channels/direct", { person_ids: personIds });
      dispatch({ type: "channel/loaded", channel });
      dispatch({ type: "ui/dialog", dialog: null });
      dispatch({ type: "ui/switcher", open: false });
      openChannel(channel.id);
      load.presence(personIds);
    } catch (error) {
      dispatch({ type: "ui/dialogError", error: error.message });
      notice(error.message);
    }
  },
  openDialog: ({ name }) => dispatch({ type: "ui/dialog", dialog: name }),
  askConfirm: (confirm) => dispatch({ type: "ui/confirm", confirm }),
  openChannelDetails() {
    const channelId = store.getState().ui.openChannelId;
    if (channelId == null) return;
    dispatch({ type: "ui/dialog", dialog: "channel" });
    load.members(channelId);
  },
  async setTopic({ channelId, topic }) {
    try {
      const { channel } = await api.patch(`/api/v1/channels/${channelId}`, { topic });
      dispatch({ type: "channel/loaded", channel });
      dispatch({ type: "ui/dialog", dialog: null });
    } catch (error) {
      dispatch({ type: "ui/dialogError", error: error.message });
    }
  },
  async addMembers({ channelId, personIds }) {
    try {
      await api.post(`/api/v1/channels/${channelId}/members`, { person_ids: personIds });
      dispatch({ type: "ui/dialog", dialog: null });
      load.members(channelId);
    } catch (error) {
      dispatch({ type: "ui/dialogError", error: error.message });
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
    if (store.getState().form) dispatch({ type: "form/close" });
    dispatch({ type: "ui/dialog", dialog: null });
  },
  // ---- cards (web/js/cards/)
  ...cardIntents({ dispatch, api, requests: cards, searchPeople: (detail) => intents.searchPeople(detail) }),
  openSwitcher: () => dispatch({ type: "ui/switcher", open: true }),
  closeSwitcher: () => dispatch({ type: "ui/switcher", open: false }),
  openDrawer: () => dispatch({ type: "ui/drawer", open: true }),
  closeDrawer: () => dispatch({ type: "ui/drawer", open: false }),
  dismissNotice: () => notice(null),
  setLocale({ locale }) {
    saveLocale(localStorage, locale);
    setLocale(locale);
    if (store.getState().me) {
      api.patch("/api/v1/me", { locale }).catch(() => {});
      api.get("/api/v1/commands", { locale }).then((r) => dispatch({ type: "commands/loaded", commands: r.commands }), () => {});
    }
  },
};

for (const [name, handler] of Object.entries(intents)) {
  app.addEventListener(name, (event) => {
    Promise.resolve(handler(event.detail || {})).catch((error) => notice(error.message || String(error)));
  });
}

document.addEventListener("visibilitychange", () => {
  connection?.send({ type: "presence", status: document.visibilityState === "hidden" ? "away" : "online" });
});

// For the browser tests and for debugging: read-only access to the state and the socket.
window.hubClient = { store, reconnect: () => connection?.reconnectNow() };

boot();
