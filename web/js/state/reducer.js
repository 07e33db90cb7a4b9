/**
 * The one pure module through which every state change passes.
 *
 *   import { reduce, initialState } from "./state/reducer.js";
 *   state = reduce(state, { type: "message.new", channel_id: 1, seq: 5, message });
 *
 * Actions are either server frames exactly as they arrive (docs/protocol.md: `message.new`,
 * `ack`, `typing`, ...) or client actions named `noun/verb` (`channels/loaded`, `ui/openChannel`).
 * Applying a channel event is idempotent per message (upsert by id, reactions as sets), so an
 * HTTP page and a replayed event can overlap safely; counters (unread, reply counts) only move
 * for events past the channel's cursor. Time comes in on the action (`at`), never from a clock.
 * Card drafts, card requests and forms are reduced in state/cards.js.
 */
import { CARD_ACTIONS, initialCardState, reduceCards, replaceCardMessage } from "./cards.js";
import { INBOX_ACTIONS, initialInboxState, reduceInbox } from "./inbox.js";
import { APP_ACTIONS, reduceApps } from "./apps.js";

export function initialState() {
  return {
    ...initialCardState(),
    ...initialInboxState(),
    me: null,
    // Out of office (GET /api/v1/me/delegation): who acts for me, and whom I act for.
    delegation: { delegation: null, acting_for: [] },
    authChecked: false,
    signInError: null,
    connection: "idle",
    channels: {},
    cursors: {},
    messages: {},
    byId: {},
    threads: {},
    pending: {},
    people: {},
    members: {},
    presence: {},
    typing: {},
    ephemerals: [],
    commands: [],
    shortcuts: [],
    browse: null,
    peopleResults: null,
    ui: {
      openChannelId: null,
      threadRootId: null,
      editingId: null,
      drawerOpen: false,
      dialog: null,
      dialogError: null,
      switcherOpen: false,
      unreadMarker: {},
      notice: null,
      inboxOpen: false,
      appOpen: null, // { bot, path }: a bot app's page in the main pane (state/apps.js)
      focusMessageId: null, // a message a link (#/c/1/m/2) scrolls to and highlights
    },
    apps: [],
  };
}

const set = (obj, key, value) => ({ ...obj, [key]: value });
const ui = (state, patch) => ({ ...state, ui: { ...state.ui, ...patch } });

/** A page fetched before a live `card.updated` can arrive after it: the card never goes
 * back to an older version (its fallback text goes with it). */
function keepNewerCard(known, loaded) {
  if (!known || (known.card_version ?? 0) <= (loaded.card_version ?? 0)) return loaded;
  return { ...loaded, card: known.card, card_version: known.card_version, text: known.text };
}

function upsertPeople(people, list) {
  let next = people;
  for (const person of list || []) {
    if (!person || person.id == null) continue;
    if (next === people) next = { ...people };
    next[person.id] = { ...(people[person.id] || {}), ...person };
  }
  return next;
}

function sortedIds(byId, ids) {
  return [...new Set(ids)].sort((a, b) => (byId[a]?.seq ?? 0) - (byId[b]?.seq ?? 0));
}

/** Put messages into byId and into their channel list or thread list. */
function storeMessages(state, list) {
  const byId = { ...state.byId };
  for (const m of list) byId[m.id] = m;
  let messages = state.messages;
  let threads = state.threads;
  const pending = dropConfirmed(state.pending, list, state.me?.id);
  for (const m of list) {
    if (m.thread_root_id == null) {
      const page = messages[m.channel_id];
      if (page && !page.ids.includes(m.id)) {
        messages = set(messages, m.channel_id, {
          ...page,
          ids: sortedIds(byId, [...page.ids, m.id]),
        });
      }
    } else {
      const thread = threads[m.thread_root_id];
      if (thread && !thread.ids.includes(m.id)) {
        threads = set(threads, m.thread_root_id, {
          ...thread,
          ids: sortedIds(byId, [...thread.ids, m.id]),
        });
      }
    }
  }
  return { ...state, byId, messages, threads, pending };
}

function dropConfirmed(pending, list, meId) {
  let next = pending;
  for (const m of list) {
    if (m.client_msg_id && m.sender_id === meId && next[m.client_msg_id]) {
      if (next === pending) next = { ...pending };
      delete next[m.client_msg_id];
    }
  }
  return next;
}

function mentionsMe(text, me) {
  if (!me || !text?.includes("@")) return false;
  const pattern = /(?<![\w@])@([a-z0-9][a-z0-9._-]{0,99})/gi;
  for (const match of text.matchAll(pattern)) {
    if (match[1].toLowerCase() === me.username.toLowerCase()) return true;
  }
  return false;
}

function patchMessage(state, id, fn) {
  const old = state.byId[id];
  if (!old) return state;
  return { ...state, byId: set(state.byId, id, fn(old)) };
}

function patchChannel(state, id, patch) {
  const old = state.channels[id];
  if (!old) return state;
  return { ...state, channels: set(state.channels, id, { ...old, ...patch }) };
}

function reactionChange(message, emoji, personId, add) {
  const reactions = (message.reactions || []).map((r) => ({ ...r, person_ids: [...r.person_ids] }));
  let entry = reactions.find((r) => r.emoji === emoji);
  if (add) {
    if (!entry) {
      entry = { emoji, count: 0, person_ids: [] };
      reactions.push(entry);
    }
    if (!entry.person_ids.includes(personId)) entry.person_ids.push(personId);
  } else if (entry) {
    entry.person_ids = entry.person_ids.filter((p) => p !== personId);
  }
  for (const r of reactions) r.count = r.person_ids.length;
  return { ...message, reactions: reactions.filter((r) => r.count > 0) };
}

/** A logged channel event (it has channel_id and seq). */
function channelEvent(state, event) {
  const channelId = event.channel_id;
  const cursor = state.cursors[channelId] ?? 0;
  const fresh = event.seq > cursor;
  let next = { ...state, cursors: set(state.cursors, channelId, Math.max(cursor, event.seq)) };
  const channel = next.channels[channelId];
  if (channel && event.seq > (channel.last_seq ?? 0)) {
    next = patchChannel(next, channelId, { last_seq: event.seq });
  }
  switch (event.type) {
    case "message.new": {
      const m = event.message;
      const known = Boolean(state.byId[m.id]);
      next = storeMessages(next, [m]);
      const ch = next.channels[channelId];
      const mine = m.sender_id === state.me?.id;
      if (fresh && !known && ch && !mine && m.seq > (ch.last_read_seq ?? 0)) {
        next = patchChannel(next, channelId, {
          unread_count: (ch.unread_count ?? 0) + 1,
          mention_count: (ch.mention_count ?? 0) + (mentionsMe(m.text, state.me) ? 1 : 0),
        });
      }
      if (fresh && !known && m.thread_root_id != null) {
        next = patchMessage(next, m.thread_root_id, (root) => ({
          ...root,
          reply_count: (root.reply_count ?? 0) + 1,
          last_reply_at: m.created_at,
        }));
      }
      const typingHere = next.typing[channelId];
      if (typingHere?.[m.sender_id]) {
        const { [m.sender_id]: _gone, ...rest } = typingHere;
        next = { ...next, typing: set(next.typing, channelId, rest) };
      }
      return next;
    }
    case "message.edited":
      return state.byId[event.message.id]
        ? { ...next, byId: set(next.byId, event.message.id, event.message) }
        : storeMessages(next, [event.message]);
    case "card.updated":
      // A replayed old update must not undo a newer card we already have (e.g. from a stale
      // answer).
      return state.byId[event.message.id]
        ? replaceCardMessage(next, event.message)
        : storeMessages(next, [event.message]);
    case "message.deleted":
      return patchMessage(next, event.message_id, (m) => ({
        ...m,
        deleted: true,
        text: "",
        card: null,
        reactions: [],
      }));
    case "reaction.added":
    case "reaction.removed":
      return patchMessage(next, event.message_id, (m) =>
        reactionChange(m, event.emoji, event.person_id, event.type === "reaction.added"),
      );
    case "member.joined": {
      next = { ...next, people: upsertPeople(next.people, [event.person]) };
      const list = next.members[channelId];
      if (list && !list.includes(event.person.id))
        next = { ...next, members: set(next.members, channelId, [...list, event.person.id]) };
      if (fresh && channel)
        next = patchChannel(next, channelId, { member_count: (channel.member_count ?? 0) + 1 });
      return next;
    }
    case "member.left": {
      const list = next.members[channelId];
      if (list)
        next = {
          ...next,
          members: set(
            next.members,
            channelId,
            list.filter((p) => p !== event.person_id),
          ),
        };
      if (fresh && channel)
        next = patchChannel(next, channelId, {
          member_count: Math.max(0, (channel.member_count ?? 1) - 1),
        });
      return next;
    }
    case "channel.updated":
      return patchChannel(next, channelId, {
        ...event.channel,
        last_seq: Math.max(event.seq, channel?.last_seq ?? 0),
      });
    default:
      return next;
  }
}

function addPending(state, item) {
  return { ...state, pending: set(state.pending, item.client_msg_id, item) };
}

function patchPending(state, id, patch) {
  const old = state.pending[id];
  if (!old) return state;
  return { ...state, pending: set(state.pending, id, { ...old, ...patch }) };
}

const CHANNEL_EVENTS = new Set([
  "message.new",
  "message.edited",
  "message.deleted",
  "reaction.added",
  "reaction.removed",
  "card.updated",
  "member.joined",
  "member.left",
  "channel.updated",
]);

export function reduce(state, action) {
  if (CHANNEL_EVENTS.has(action.type)) return channelEvent(state, action);
  if (CARD_ACTIONS.has(action.type)) return reduceCards(state, action);
  if (INBOX_ACTIONS.has(action.type)) return reduceInbox(state, action);
  if (APP_ACTIONS.has(action.type)) return reduceApps(state, action);
  switch (action.type) {
    // ---- session
    case "session/checked":
      return {
        ...state,
        authChecked: true,
        me: action.me,
        people: action.me ? upsertPeople(state.people, [action.me]) : state.people,
        signInError: null,
      };
    case "session/signInFailed":
      return { ...state, signInError: action.error };
    case "session/signedOut":
      return { ...initialState(), authChecked: true };

    // ---- connection
    case "connection/status": {
      let next = { ...state, connection: action.status };
      if (action.status !== "live") {
        // An unclear outcome becomes a resend: the server dedupes by client_msg_id.
        let pending = next.pending;
        for (const [id, p] of Object.entries(pending)) {
          if (p.status === "sending") pending = set(pending, id, { ...p, status: "queued" });
        }
        next = { ...next, pending, typing: {} };
      }
      return next;
    }
    case "hello":
      return { ...state, people: upsertPeople(state.people, [action.person]) };
    case "synced": {
      const cursors = { ...state.cursors };
      for (const [id, seq] of Object.entries(action.cursors || {}))
        cursors[id] = Math.max(cursors[id] ?? 0, seq);
      return { ...state, cursors };
    }
    case "resync_required": {
      const next = { ...state, cursors: set(state.cursors, action.channel_id, action.last_seq) };
      const page = next.messages[action.channel_id];
      return page
        ? { ...next, messages: set(next.messages, action.channel_id, { ...page, stale: true }) }
        : next;
    }

    // ---- channels
    case "channels/loaded": {
      const channels = {};
      const cursors = { ...state.cursors };
      let people = state.people;
      for (const c of action.channels) {
        channels[c.id] = c;
        if (cursors[c.id] == null) cursors[c.id] = c.last_seq ?? 0;
        people = upsertPeople(people, c.members);
      }
      return { ...state, channels, cursors, people };
    }
    case "channel/loaded":
    case "channel.added": {
      const c = action.channel;
      const old = state.channels[c.id] || {};
      const merged = {
        unread_count: 0,
        mention_count: 0,
        last_read_seq: c.last_seq,
        joined: true,
        ...old,
        ...c,
      };
      // A known cursor never jumps ahead: events up to it might still be on their way.
      const cursors =
        state.cursors[c.id] == null ? set(state.cursors, c.id, c.last_seq ?? 0) : state.cursors;
      return {
        ...state,
        channels: set(state.channels, c.id, merged),
        cursors,
        people: upsertPeople(state.people, c.members),
      };
    }
    case "channel.removed": {
      const { [action.channel_id]: _gone, ...channels } = state.channels;
      const { [action.channel_id]: _cursor, ...cursors } = state.cursors;
      const next = { ...state, channels, cursors };
      return state.ui.openChannelId === action.channel_id
        ? ui(next, { openChannelId: null, threadRootId: null })
        : next;
    }
    case "browse/loaded":
      return { ...state, browse: action.channels };
    case "people/found":
      return {
        ...state,
        peopleResults: action.people,
        people: upsertPeople(state.people, action.people),
      };
    case "people/loaded":
      return { ...state, people: upsertPeople(state.people, action.people) };
    case "members/loaded":
      return {
        ...state,
        people: upsertPeople(
          state.people,
          action.members.map((m) => m.person),
        ),
        members: set(
          state.members,
          action.channel_id,
          action.members.map((m) => m.person.id),
        ),
      };
    case "commands/loaded":
      return { ...state, commands: action.commands };
    case "shortcuts/loaded":
      return { ...state, shortcuts: action.shortcuts };

    // ---- messages over HTTP
    case "messages/loaded": {
      // A page: `latest` replaces the list (after a resync), `older` prepends.
      const ids = action.messages.map((m) => m.id);
      const old = state.messages[action.channel_id];
      const byId = { ...state.byId };
      for (const m of action.messages) byId[m.id] = keepNewerCard(byId[m.id], m);
      // A latest page replaces the list (no gap after a resync) but keeps what arrived live since.
      const top = action.messages.reduce((max, m) => Math.max(max, m.seq), 0);
      const keep = !old
        ? []
        : action.older
          ? old.ids
          : old.ids.filter((id) => (byId[id]?.seq ?? 0) > top);
      const page = {
        ids: sortedIds(byId, [...keep, ...ids]),
        hasMore: action.has_more,
        loading: false,
        stale: false,
      };
      return {
        ...state,
        byId,
        messages: set(state.messages, action.channel_id, page),
        pending: dropConfirmed(state.pending, action.messages, state.me?.id),
      };
    }
    case "messages/loading": {
      const old = state.messages[action.channel_id];
      return old
        ? { ...state, messages: set(state.messages, action.channel_id, { ...old, loading: true }) }
        : state;
    }
    case "thread/loaded": {
      const byId = { ...state.byId, [action.root.id]: action.root };
      for (const m of action.replies) byId[m.id] = m;
      const old = state.threads[action.root.id];
      const ids = sortedIds(byId, [...(old ? old.ids : []), ...action.replies.map((m) => m.id)]);
      return {
        ...state,
        byId,
        threads: set(state.threads, action.root.id, { ids, loaded: true }),
        pending: dropConfirmed(state.pending, action.replies, state.me?.id),
      };
    }

    // ---- sending
    case "send/queued":
      return addPending(state, { status: "queued", error: null, ...action.item });
    case "send/sending":
      return patchPending(state, action.client_msg_id, { status: "sending", error: null });
    case "send/failed":
      return patchPending(state, action.client_msg_id, { status: "failed", error: action.error });
    case "send/discard": {
      const { [action.client_msg_id]: _gone, ...pending } = state.pending;
      return { ...state, pending };
    }
    case "outbox/restored": {
      let pending = state.pending;
      for (const item of action.items)
        if (!pending[item.client_msg_id])
          pending = set(pending, item.client_msg_id, { ...item, status: "queued" });
      return { ...state, pending };
    }
    case "ack": {
      if (!action.client_msg_id || !state.pending[action.client_msg_id]) return state;
      if (action.message_id != null && state.byId[action.message_id]) {
        const { [action.client_msg_id]: _gone, ...pending } = state.pending;
        return { ...state, pending };
      }
      return patchPending(state, action.client_msg_id, {
        status: "acked",
        seq: action.seq,
        message_id: action.message_id,
      });
    }
    case "error":
      // Errors about a send mark it failed; main.js turns the others into notices.
      return action.client_msg_id
        ? patchPending(state, action.client_msg_id, { status: "failed", error: action.message })
        : state;
    case "ephemeral":
      return {
        ...state,
        ephemerals: [
          ...state.ephemerals.filter((e) => e.id !== action.id),
          { ...action, at: action.at },
        ],
      };
    case "ephemeral/dismiss":
      return { ...state, ephemerals: state.ephemerals.filter((e) => e.id !== action.id) };

    // ---- read markers (ours, or from another of our devices: read.updated)
    case "read.updated":
    case "read/marked": {
      const ch = state.channels[action.channel_id];
      if (!ch || action.seq <= (ch.last_read_seq ?? 0)) {
        return ch && (ch.unread_count || ch.mention_count) && action.seq >= (ch.last_read_seq ?? 0)
          ? patchChannel(state, action.channel_id, { unread_count: 0, mention_count: 0 })
          : state;
      }
      return patchChannel(state, action.channel_id, {
        last_read_seq: action.seq,
        unread_count: 0,
        mention_count: 0,
      });
    }

    // ---- ephemeral presence and typing
    case "typing": {
      if (action.person_id === state.me?.id) return state;
      const here = {
        ...(state.typing[action.channel_id] || {}),
        [action.person_id]: {
          until: (action.at ?? 0) + 6000,
          thread_root_id: action.thread_root_id ?? null,
        },
      };
      return { ...state, typing: set(state.typing, action.channel_id, here) };
    }
    case "presence":
      return { ...state, presence: set(state.presence, action.person_id, action.status) };
    case "presence/loaded": {
      const presence = { ...state.presence };
      for (const p of action.presence) presence[p.person_id] = p.status;
      return { ...state, presence };
    }

    // ---- UI intents that only change what is shown
    case "ui/openChannel": {
      const ch = state.channels[action.channel_id];
      const unreadMarker =
        ch && ch.unread_count > 0
          ? set(state.ui.unreadMarker, action.channel_id, ch.last_read_seq ?? 0)
          : set(state.ui.unreadMarker, action.channel_id, null);
      return ui(state, {
        openChannelId: action.channel_id,
        threadRootId: null,
        editingId: null,
        drawerOpen: false,
        switcherOpen: false,
        unreadMarker,
        inboxOpen: false,
        appOpen: null,
        focusMessageId: action.focus_message_id ?? null,
      });
    }
    case "ui/openThread":
      return ui(state, { threadRootId: action.root_id, editingId: null });
    case "ui/closeThread":
      return ui(state, { threadRootId: null });
    case "ui/startEdit":
      return ui(state, { editingId: action.message_id });
    case "ui/cancelEdit":
      return ui(state, { editingId: null });
    case "ui/drawer":
      return ui(state, { drawerOpen: action.open });
    case "ui/dialog":
      return {
        ...ui(state, {
          dialog: action.dialog,
          dialogError: null,
          switcherOpen: false,
          confirm: null,
        }),
        peopleResults: action.dialog ? state.peopleResults : null,
      };
    case "ui/confirm":
      return ui(state, {
        dialog: "confirm",
        confirm: action.confirm,
        dialogError: null,
        switcherOpen: false,
      });
    case "ui/dialogError":
      return ui(state, { dialogError: action.error });
    case "delegation/loaded":
      return {
        ...state,
        delegation: action.view,
        people: upsertPeople(state.people, [
          ...(action.view.delegation ? [action.view.delegation.delegate] : []),
          ...action.view.acting_for.map((entry) => entry.person),
        ]),
      };
    case "ui/switcher":
      return ui(state, { switcherOpen: action.open, dialog: null });
    case "ui/notice":
      return ui(state, { notice: action.notice });
    default:
      return state;
  }
}
