/**
 * Read-only views of the state for the components: pure functions, unit-tested.
 *
 *   import { sidebarSections, messageRows } from "./state/selectors.js";
 *   const { channels, directs } = sidebarSections(state, "en");
 *   const rows = messageRows(state, channelId, { dayKey: (iso) => iso.slice(0, 10) });
 */

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** A person's name as this reader should see it: `name_en` for an English UI when there is one. */
export function nameOf(person, locale) {
  if (!person) return "";
  if (locale?.startsWith("en") && person.name_en) return person.name_en;
  return person.display_name || person.username || "";
}

/** Avatar letters: the last two characters of a Chinese name, otherwise word initials. */
export function initials(name) {
  const text = (name || "").trim();
  if (!text) return "?";
  const words = text.split(/\s+/);
  if (CJK.test(words[0]) && !/[A-Za-z]/.test(text)) {
    const chars = [...text.replace(/\s+/g, "")];
    return chars.slice(-2).join("");
  }
  const latin = words.filter((w) => /^[A-Za-z0-9]/.test(w));
  const picked = (latin.length ? latin : words).slice(0, 2).map((w) => [...w][0].toUpperCase());
  return picked.join("");
}

/** A stable hue for a person or channel id, used for the avatar colour. */
export function avatarHue(id) {
  const palette = [211, 262, 174, 339, 28, 142, 196, 298, 4, 232];
  return palette[Math.abs(Number(id) || 0) % palette.length];
}

export function isDirect(channel) {
  return channel.kind === "direct" || channel.kind === "group";
}

/** A channel's title: its name, or for a direct message the other people's names. */
export function channelTitle(state, channel, locale) {
  if (!channel) return "";
  if (!isDirect(channel)) return channel.name || "";
  const others = (channel.members || []).filter((p) => p.id !== state.me?.id);
  const names = others.map((p) => nameOf(state.people[p.id] || p, locale));
  return names.join(", ") || nameOf(state.me, locale);
}

/** The sidebar: channels and direct messages, archived last, then by title. */
export function sidebarSections(state, locale) {
  const all = Object.values(state.channels).filter((c) => c.joined !== false);
  const order = (a, b) =>
    Number(a.archived) - Number(b.archived) ||
    channelTitle(state, a, locale).localeCompare(channelTitle(state, b, locale), locale);
  return {
    channels: all.filter((c) => !isDirect(c)).sort(order),
    directs: all.filter(isDirect).sort(order),
  };
}

export function totalUnread(state) {
  return Object.values(state.channels).reduce((n, c) => n + (c.muted ? 0 : c.unread_count || 0), 0);
}

/** The other person of a one-to-one conversation (for its presence dot). */
export function directPartner(state, channel) {
  if (channel?.kind !== "direct") return null;
  return (channel.members || []).find((p) => p.id !== state.me?.id) || null;
}

function pendingFor(state, channelId, threadRootId) {
  return Object.values(state.pending)
    .filter(
      (p) => p.channel_id === channelId && (p.thread_root_id ?? null) === (threadRootId ?? null),
    )
    .sort((a, b) => a.queued_at - b.queued_at)
    .map((p) => ({
      id: `pending-${p.client_msg_id}`,
      client_msg_id: p.client_msg_id,
      channel_id: p.channel_id,
      sender_id: p.sender_id,
      thread_root_id: p.thread_root_id ?? null,
      text: p.text,
      card: null,
      created_at: p.created_at,
      reactions: [],
      reply_count: 0,
      pending: p.status,
      error: p.error,
    }));
}

/**
 * The rows of a channel's message list: day separators, the "new messages" line, and messages
 * marked `grouped` when they follow the same sender within five minutes.
 * `dayKey(iso)` maps a time to its day in the reader's time zone.
 */
export function messageRows(state, channelId, { dayKey, minutes = 5 } = {}) {
  const page = state.messages[channelId];
  const confirmed = page ? page.ids.map((id) => state.byId[id]).filter(Boolean) : [];
  const list = [...confirmed, ...pendingFor(state, channelId, null)];
  const marker = state.ui.unreadMarker[channelId];
  const meId = state.me?.id;
  const rows = [];
  let previous = null;
  let markerPlaced = false;
  for (const message of list) {
    const day = dayKey ? dayKey(message.created_at) : message.created_at.slice(0, 10);
    let dayChanged = false;
    if (
      !previous ||
      (dayKey ? dayKey(previous.created_at) : previous.created_at.slice(0, 10)) !== day
    ) {
      rows.push({ kind: "day", key: `day-${day}`, day, at: message.created_at });
      dayChanged = true;
    }
    let unreadLine = false;
    if (
      marker != null &&
      !markerPlaced &&
      !message.pending &&
      message.seq > marker &&
      message.sender_id !== meId
    ) {
      rows.push({ kind: "unread", key: "unread" });
      markerPlaced = true;
      unreadLine = true;
    }
    const grouped =
      !dayChanged &&
      !unreadLine &&
      previous != null &&
      !previous.deleted &&
      !message.card &&
      !previous.card &&
      previous.sender_id === message.sender_id &&
      withinMinutes(previous.created_at, message.created_at, minutes);
    rows.push({
      kind: "message",
      key: `m-${message.id}`,
      message,
      grouped,
      mine: message.sender_id === meId,
    });
    previous = message;
  }
  return rows;
}

function withinMinutes(a, b, minutes) {
  return Math.abs(Date.parse(b) - Date.parse(a)) <= minutes * 60 * 1000;
}

/** A thread: the root, then its replies (confirmed, then pending). */
export function threadRows(state, rootId) {
  const root = state.byId[rootId] || null;
  const thread = state.threads[rootId];
  const replies = thread ? thread.ids.map((id) => state.byId[id]).filter(Boolean) : [];
  return {
    root,
    replies: [...replies, ...(root ? pendingFor(state, root.channel_id, rootId) : [])],
    loaded: Boolean(thread?.loaded),
  };
}

/** Ephemeral replies ("only visible to you") for a channel or a thread. */
export function ephemeralsFor(state, channelId, threadRootId = null) {
  return state.ephemerals.filter(
    (e) => e.channel_id === channelId && (e.thread_root_id ?? null) === threadRootId,
  );
}

/** The people typing in a channel (or a thread) at `now` (ms), not counting me. */
export function typingPeople(state, channelId, threadRootId, now) {
  const here = state.typing[channelId] || {};
  return Object.entries(here)
    .filter(
      ([id, t]) =>
        t.until > now &&
        (t.thread_root_id ?? null) === (threadRootId ?? null) &&
        Number(id) !== state.me?.id,
    )
    .map(([id]) => state.people[id] || { id: Number(id), display_name: `#${id}` });
}

/** My last message in a channel that can still be edited (Up arrow in an empty composer). */
export function lastOwnMessage(state, channelId) {
  const page = state.messages[channelId];
  if (!page) return null;
  for (let i = page.ids.length - 1; i >= 0; i--) {
    const m = state.byId[page.ids[i]];
    if (m && m.sender_id === state.me?.id && !m.deleted && !m.card) return m;
  }
  return null;
}

/** Cursors to send with `sync`: the last seq applied per channel. */
export function syncCursors(state) {
  const cursors = {};
  for (const [id, seq] of Object.entries(state.cursors)) if (state.channels[id]) cursors[id] = seq;
  return cursors;
}

/** Sends waiting for a live connection, oldest first. */
export function queuedSends(state) {
  return Object.values(state.pending)
    .filter((p) => p.status === "queued")
    .sort((a, b) => a.queued_at - b.queued_at);
}

/** What to keep in localStorage: sends not yet confirmed by the server. */
export function outboxToSave(state) {
  return Object.values(state.pending)
    .filter((p) => p.status !== "acked")
    .sort((a, b) => a.queued_at - b.queued_at)
    .map(
      ({ client_msg_id, channel_id, thread_root_id, text, sender_id, created_at, queued_at }) => ({
        client_msg_id,
        channel_id,
        thread_root_id,
        text,
        sender_id,
        created_at,
        queued_at,
      }),
    );
}

/** Fuzzy subsequence score: higher is better, -1 when `query` is not in `text` in order. */
export function fuzzyScore(query, text) {
  const q = query.toLowerCase().replace(/\s+/g, "");
  const s = (text || "").toLowerCase();
  if (!q) return 0;
  if (s.startsWith(q)) return 1000 - s.length;
  const at = s.indexOf(q);
  if (at >= 0) return 500 - at;
  let i = 0;
  let gaps = 0;
  let last = -1;
  for (let j = 0; j < s.length && i < q.length; j++) {
    if (s[j] === q[i]) {
      if (last >= 0) gaps += j - last - 1;
      last = j;
      i++;
    }
  }
  return i === q.length ? 100 - gaps : -1;
}

/** The quick switcher's list: my channels and known people, best match first. */
export function switcherItems(state, query, locale, limit = 12) {
  const items = [];
  for (const channel of Object.values(state.channels)) {
    const title = channelTitle(state, channel, locale);
    items.push({
      kind: isDirect(channel) ? "direct" : "channel",
      id: channel.id,
      title,
      search: `${title} ${channel.name || ""}`,
      channel,
    });
  }
  const directWith = new Set(
    Object.values(state.channels)
      .filter((c) => c.kind === "direct")
      .flatMap((c) => (c.members || []).map((p) => p.id)),
  );
  const people = [...Object.values(state.people), ...(state.peopleResults || [])];
  const seen = new Set();
  for (const person of people) {
    if (
      seen.has(person.id) ||
      person.id === state.me?.id ||
      directWith.has(person.id) ||
      person.kind === "bot"
    )
      continue;
    seen.add(person.id);
    items.push({
      kind: "person",
      id: person.id,
      title: nameOf(person, locale),
      search: `${person.display_name} ${person.name_en || ""} ${person.username}`,
      person,
    });
  }
  const scored = items
    .map((item) => ({
      item,
      score: query ? fuzzyScore(query, item.search) : item.kind === "person" ? -1 : 0,
    }))
    .filter((x) => x.score >= 0)
    .sort((a, b) => b.score - a.score || a.item.title.localeCompare(b.item.title));
  return scored.slice(0, limit).map((x) => x.item);
}

/** @mention candidates: channel members first, then directory results. */
export function mentionCandidates(state, channelId, query, locale, limit = 8) {
  const ids = [
    ...(state.members[channelId] || []),
    ...(state.peopleResults || []).map((p) => p.id),
  ];
  const seen = new Set();
  const out = [];
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const person = state.people[id];
    if (!person || person.id === state.me?.id) continue;
    const score = query
      ? fuzzyScore(query, `${person.username} ${person.display_name} ${person.name_en || ""}`)
      : 0;
    if (score >= 0) out.push({ person, score, name: nameOf(person, locale) });
  }
  return out
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((x) => x.person);
}

/** Slash-command candidates for the text typed after "/". */
export function commandCandidates(state, prefix) {
  const p = prefix.toLowerCase();
  return state.commands.filter((c) => c.name.toLowerCase().startsWith(p));
}

/** A person by username, for rendering @mentions. */
export function personByUsername(state, username) {
  const u = username.toLowerCase();
  return (
    Object.values(state.people).find((p) => p.username && p.username.toLowerCase() === u) || null
  );
}
