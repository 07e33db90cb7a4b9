/**
 * The web client's entry point: decides signed in or not, wires the store, the HTTP API and
 * the WebSocket, and listens for the components' intents (bubbling CustomEvents), which
 * chat/intents.js and cards/intents.js turn into requests. Components only read state and
 * emit intents; everything that fetches or sends is wired here.
 *
 *   <script type="module" src="/js/main.js"></script>
 */
import {
  setTables,
  detectLocale,
  savedLocale,
  setLocale,
  getLocale,
  onLocaleChange,
  t,
} from "./lib/i18n.js";
import en from "./i18n/en.js";
import zhCN from "./i18n/zh-CN.js";
import { api } from "./net/api.js";
import { createConnection } from "./net/socket.js";
import { createStore } from "./state/store.js";
import { reduce, initialState } from "./state/reducer.js";
import { syncCursors, queuedSends, outboxToSave } from "./state/selectors.js";
import { loadOutbox, saveOutbox } from "./state/drafts.js";
import { mountSignIn } from "./ui/sign-in.js";
import { mountAppShell } from "./ui/app-shell.js";
import { createLoaders } from "./net/loaders.js";
import { createCardRequests } from "./cards/requests.js";
import { cardIntents } from "./cards/intents.js";
import { chatIntents } from "./chat/intents.js";
import { createAppHost } from "./apps/host.js";
import { hashOf, parseHash } from "./state/route.js";

const app = document.getElementById("app");
const store = createStore(reduce, initialState());
let view = null;
let connection = null;
const commandRefs = new Map();

setTables({ en, "zh-CN": zhCN });
setLocale(savedLocale(localStorage) || detectLocale(navigator.languages));
document.documentElement.lang = getLocale();

const timeZone = () =>
  store.getState().me?.time_zone || Intl.DateTimeFormat().resolvedOptions().timeZone;
const dispatch = (action) => store.dispatch(action);
const notice = (text) => dispatch({ type: "ui/notice", notice: text });
const load = createLoaders({ api, dispatch, getState: () => store.getState(), notice });
const cards = createCardRequests({
  dispatch,
  getState: () => store.getState(),
  send: (frame) => connection?.send(frame),
  api,
});

function show() {
  view?.destroy();
  view = null;
  const state = store.getState();
  document.title = t("app.name");
  if (!state.authChecked) return;
  view = state.me ? mountAppShell(app, store, { timeZone, hostFor }) : mountSignIn(app, store);
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
  load.commands(getLocale());
  load.shortcuts(getLocale());
  load.presence();
  if (me.kind !== "guest") load.departments();
  loadApps();
  // A link (#/c/12/t/340, #/apps/poll) opens what it names; else the last channel.
  if (openRoute(parseHash(location.hash))) return;
  const state = store.getState();
  const remembered = Number(localStorage.getItem(`hub.lastChannel.${me.id}`));
  const first = state.channels[remembered]
    ? remembered
    : Object.values(state.channels).sort((a, b) => a.id - b.id)[0]?.id;
  if (first != null) openChannel(first);
}

async function loadApps() {
  try {
    const { apps } = await api.get("/api/v1/apps");
    dispatch({ type: "apps/loaded", apps });
  } catch (error) {
    dispatch({ type: "apps/loaded", apps: [] });
    if (error.status !== 401) notice(error.message);
  }
}

// ---- links: the address names what is shown (state/route.js, docs/web.md "Links")

/** Open what a parsed address names, as one step of history (the steps on the way, such
 * as the channel before its thread, are not entries of their own); false when it names
 * nothing we can open. */
function openRoute(route, { push = false } = {}) {
  applyingRoute = true;
  try {
    return openRouteSteps(route);
  } finally {
    applyingRoute = false;
    // A link followed in the page is a new entry; a loaded or returned-to address is not.
    syncHash(store.getState(), { replace: !push });
  }
}

function openRouteSteps(route) {
  if (!route) return false;
  if (route.kind === "inbox") {
    intents.openInbox();
    return true;
  }
  if (route.kind === "app") {
    dispatch({ type: "ui/openApp", bot: route.bot, path: route.path });
    return true;
  }
  if (!store.getState().channels[route.channelId]) return false;
  openChannel(route.channelId, route.kind === "message" ? route.messageId : null);
  if (route.kind === "thread") load.thread(route.rootId);
  if (route.kind === "message") highlightMessage(route.messageId);
  return true;
}

/** Scroll to a linked message once it is drawn, and mark it for a moment. */
function highlightMessage(messageId, tries = 100) {
  const item = document.querySelector(`.channel-pane [data-message-id="${messageId}"]`);
  if (!item) {
    if (tries > 0) setTimeout(() => highlightMessage(messageId, tries - 1), 50);
    return;
  }
  item.scrollIntoView({ block: "center" });
  item.classList.add("highlighted");
  setTimeout(() => item.classList.remove("highlighted"), 4000);
}

let shownHash = null;
let applyingRoute = false;

function syncHash(state, { replace = false } = {}) {
  if (!state.me || applyingRoute) return;
  const hash = hashOf(state);
  if (!hash || hash === shownHash) return;
  // The first address of a visit replaces the entry it was loaded with; later ones are
  // new entries, so Back returns to what was shown before.
  if (replace || shownHash === null || location.hash === hash) history.replaceState(null, "", hash);
  else history.pushState(null, "", hash);
  shownHash = hash;
}
store.subscribe((state) => syncHash(state));
window.addEventListener("popstate", () => {
  if (!store.getState().me) return;
  shownHash = location.hash;
  openRoute(parseHash(location.hash));
});

function navigate(hash) {
  if (!openRoute(parseHash(hash), { push: true })) notice(t("apps.badLink", { link: hash }));
}

function hostFor(bot, path) {
  return createAppHost({ bot, path, store, navigate, timeZone });
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
      // The badge, and whatever inbox.updated said while we were away.
      if (status === "live") {
        load.inbox();
        load.delegation().catch(() => {}); // the buttons only: a failure leaves my own
      }
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
      dispatch({
        type: "ephemeral",
        id: `error-${frame.ref}`,
        bot_id: 0,
        error: true,
        channel_id: command.channelId,
        thread_root_id: command.threadRootId,
        text: frame.message,
        at,
      });
    } else {
      notice(frame.message);
    }
    return;
  }
  if (frame.type === "ack" && commandRefs.has(frame.ref)) commandRefs.delete(frame.ref);
  dispatch({ ...frame, at });
  if (frame.type === "resync_required") load.reloadChannel(frame.channel_id);
  // A direct conversation someone (often a bot) just started with me: the event names the
  // channel, not who is in it, so its title would be my own name until fetched as mine.
  if (frame.type === "channel.added" && ["direct", "group"].includes(frame.channel.kind))
    load.reloadChannel(frame.channel.id);
  if (frame.type === "inbox.updated") {
    // It also comes when someone starts or ends acting for me: whom I act for changed.
    load.delegation().catch(() => {});
    if (store.getState().ui.inboxOpen) load.inbox();
  }
  if (frame.type === "message.new" && !store.getState().people[frame.message.sender_id])
    load.people([frame.message.sender_id]);
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

function openChannel(channelId, focusMessageId = null) {
  const state = store.getState();
  if (!state.channels[channelId]) return;
  dispatch({ type: "ui/openChannel", channel_id: channelId, focus_message_id: focusMessageId });
  localStorage.setItem(`hub.lastChannel.${state.me.id}`, String(channelId));
  const page = store.getState().messages[channelId];
  if (!page || page.stale) load.latest(channelId);
  if (!state.members[channelId]) load.members(channelId);
}

// ---- intents from the components (chat/intents.js, cards/intents.js)

const chat = chatIntents({
  dispatch,
  getState: () => store.getState(),
  api,
  load,
  notice,
  send: (frame) => connection?.send(frame),
  trySend,
  commandRefs,
  session: { start: startSession, end: signedOut },
  openChannel,
  storage: localStorage,
});
// The to-do inbox (ui/inbox-view.js): opened from the sidebar or the phone's header.
const inboxIntents = {
  openInbox: () => {
    dispatch({ type: "ui/dialog", dialog: null });
    dispatch({ type: "ui/openInbox" });
    return load.inbox();
  },
  loadMoreInbox: () => load.inbox({ older: true }),
  // Out of office (ui/away-dialog.js).
  loadDelegation: () => load.delegation(),
  async setDelegation({ delegateId, endsAt }) {
    try {
      const view = await api.put("/api/v1/me/delegation", {
        delegate_id: delegateId,
        ends_at: endsAt,
      });
      dispatch({ type: "delegation/loaded", view });
      dispatch({ type: "ui/dialog", dialog: null });
      notice(t("away.saved"));
    } catch (error) {
      dispatch({ type: "ui/dialogError", error: error.message });
    }
  },
  async endDelegation() {
    const view = await api.del("/api/v1/me/delegation");
    dispatch({ type: "delegation/loaded", view });
  },
  openApp: ({ bot }) => {
    dispatch({ type: "ui/dialog", dialog: null });
    dispatch({ type: "ui/openApp", bot, path: "" });
  },
};
const intents = {
  ...chat,
  ...inboxIntents,
  ...cardIntents({ dispatch, api, requests: cards, searchPeople: chat.searchPeople }),
};

for (const [name, handler] of Object.entries(intents)) {
  app.addEventListener(name, (event) => {
    Promise.resolve(handler(event.detail || {})).catch((error) =>
      notice(error.message || String(error)),
    );
  });
}

document.addEventListener("visibilitychange", () => {
  connection?.send({
    type: "presence",
    status: document.visibilityState === "hidden" ? "away" : "online",
  });
});

// For the browser tests and for debugging: read-only access to the state and the socket.
window.hubClient = { store, reconnect: () => connection?.reconnectNow() };

boot();
