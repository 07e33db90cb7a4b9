import { test } from "node:test";
import assert from "node:assert/strict";

import { reduce, initialState } from "../../web/js/state/reducer.js";
import { createStore } from "../../web/js/state/store.js";

const ME = { id: 2, username: "bob", display_name: "Bob 李", kind: "member" };

function message(id, seq, extra = {}) {
  return {
    id,
    channel_id: 1,
    seq,
    sender_id: 3,
    thread_root_id: null,
    text: `m${id}`,
    card: null,
    card_version: 0,
    client_msg_id: null,
    created_at: `2026-11-27T02:${String(seq).padStart(2, "0")}:00Z`,
    edited_at: null,
    deleted: false,
    reply_count: 0,
    last_reply_at: null,
    reactions: [],
    ...extra,
  };
}

function ready() {
  let s = reduce(initialState(), { type: "session/checked", me: ME });
  s = reduce(s, {
    type: "channels/loaded",
    channels: [
      {
        id: 1,
        kind: "public",
        name: "general",
        last_seq: 10,
        last_read_seq: 8,
        unread_count: 2,
        mention_count: 0,
        partner_orgs: [],
      },
    ],
  });
  return reduce(s, {
    type: "messages/loaded",
    channel_id: 1,
    messages: [message(1, 9), message(2, 10)],
    has_more: true,
    older: false,
  });
}

test("the channel list sets cursors from last_seq", () => {
  const s = ready();
  assert.equal(s.cursors[1], 10);
  assert.deepEqual(s.messages[1].ids, [1, 2]);
});

test("message.new appends, advances the cursor and counts unread and mentions", () => {
  let s = ready();
  s = reduce(s, {
    type: "message.new",
    channel_id: 1,
    seq: 11,
    message: message(3, 11, { text: "hi @bob" }),
  });
  assert.deepEqual(s.messages[1].ids, [1, 2, 3]);
  assert.equal(s.cursors[1], 11);
  assert.equal(s.channels[1].unread_count, 3);
  assert.equal(s.channels[1].mention_count, 1);
  assert.equal(s.channels[1].last_seq, 11);
});

test("a replayed event is applied once: no double message, no double count", () => {
  let s = ready();
  const event = { type: "message.new", channel_id: 1, seq: 11, message: message(3, 11) };
  s = reduce(s, event);
  s = reduce(s, event);
  assert.deepEqual(s.messages[1].ids, [1, 2, 3]);
  assert.equal(s.channels[1].unread_count, 3);
});

test("my own messages do not count as unread", () => {
  let s = ready();
  s = reduce(s, {
    type: "message.new",
    channel_id: 1,
    seq: 11,
    message: message(3, 11, { sender_id: ME.id }),
  });
  assert.equal(s.channels[1].unread_count, 2);
});

test(
  "a send shows as pending, the ack marks it, " + "message.new with its client_msg_id confirms it",
  () => {
    let s = ready();
    const item = {
      client_msg_id: "c1",
      channel_id: 1,
      thread_root_id: null,
      text: "hello",
      sender_id: ME.id,
      created_at: "2026-11-27T03:00:00Z",
      queued_at: 1,
    };
    s = reduce(s, { type: "send/queued", item });
    assert.equal(s.pending.c1.status, "queued");
    s = reduce(s, { type: "send/sending", client_msg_id: "c1" });
    s = reduce(s, { type: "ack", client_msg_id: "c1", channel_id: 1, seq: 11, message_id: 3 });
    assert.equal(s.pending.c1.status, "acked");
    s = reduce(s, {
      type: "message.new",
      channel_id: 1,
      seq: 11,
      message: message(3, 11, { sender_id: ME.id, client_msg_id: "c1", text: "hello" }),
    });
    assert.equal(s.pending.c1, undefined);
    assert.deepEqual(s.messages[1].ids, [1, 2, 3]);
  },
);

test("message.new before the ack confirms too, and the late ack changes nothing", () => {
  let s = ready();
  s = reduce(s, {
    type: "send/queued",
    item: {
      client_msg_id: "c2",
      channel_id: 1,
      text: "x",
      sender_id: ME.id,
      created_at: "2026-11-27T03:00:00Z",
      queued_at: 1,
    },
  });
  s = reduce(s, {
    type: "message.new",
    channel_id: 1,
    seq: 11,
    message: message(4, 11, { sender_id: ME.id, client_msg_id: "c2" }),
  });
  const after = reduce(s, {
    type: "ack",
    client_msg_id: "c2",
    channel_id: 1,
    seq: 11,
    message_id: 4,
  });
  assert.equal(after.pending.c2, undefined);
  assert.equal(after, s);
});

test("a dropped connection turns in-flight sends back into queued ones", () => {
  let s = ready();
  s = reduce(s, {
    type: "send/queued",
    item: {
      client_msg_id: "c3",
      channel_id: 1,
      text: "x",
      sender_id: ME.id,
      created_at: "2026-11-27T03:00:00Z",
      queued_at: 1,
    },
  });
  s = reduce(s, { type: "send/sending", client_msg_id: "c3" });
  s = reduce(s, { type: "connection/status", status: "reconnecting" });
  assert.equal(s.pending.c3.status, "queued");
});

test("an error frame for a send marks it failed with the server's message", () => {
  let s = ready();
  s = reduce(s, {
    type: "send/queued",
    item: {
      client_msg_id: "c4",
      channel_id: 1,
      text: "x",
      sender_id: ME.id,
      created_at: "2026-11-27T03:00:00Z",
      queued_at: 1,
    },
  });
  s = reduce(s, { type: "error", code: "rate_limited", message: "Slow down", client_msg_id: "c4" });
  assert.equal(s.pending.c4.status, "failed");
  assert.equal(s.pending.c4.error, "Slow down");
});

test("the outbox restored after a reload is queued again", () => {
  let s = reduce(initialState(), { type: "session/checked", me: ME });
  s = reduce(s, {
    type: "outbox/restored",
    items: [
      {
        client_msg_id: "c5",
        channel_id: 1,
        text: "offline",
        sender_id: 2,
        created_at: "2026-11-27T03:00:00Z",
        queued_at: 5,
      },
    ],
  });
  assert.equal(s.pending.c5.status, "queued");
});

test("edits and card updates replace the message in place", () => {
  let s = ready();
  s = reduce(s, {
    type: "message.edited",
    channel_id: 1,
    seq: 11,
    message: message(1, 9, { text: "changed", edited_at: "2026-11-27T03:00:00Z" }),
  });
  assert.equal(s.byId[1].text, "changed");
  s = reduce(s, {
    type: "card.updated",
    channel_id: 1,
    seq: 12,
    message: message(2, 10, { card: { fallback: "v2" }, card_version: 2 }),
  });
  assert.deepEqual(s.messages[1].ids, [1, 2]);
  assert.equal(s.byId[2].card.fallback, "v2");
  assert.equal(s.cursors[1], 12);
});

test("a deletion erases the content", () => {
  let s = ready();
  s = reduce(s, {
    type: "message.deleted",
    channel_id: 1,
    seq: 11,
    message_id: 1,
    thread_root_id: null,
  });
  assert.equal(s.byId[1].deleted, true);
  assert.equal(s.byId[1].text, "");
});

test("reactions are sets: adding twice counts once, removing takes it away", () => {
  let s = ready();
  const add = { type: "reaction.added", channel_id: 1, message_id: 1, person_id: 2, emoji: "👍" };
  s = reduce(s, { ...add, seq: 11 });
  s = reduce(s, { ...add, seq: 12 });
  s = reduce(s, { ...add, seq: 13, person_id: 3 });
  assert.deepEqual(s.byId[1].reactions, [{ emoji: "👍", count: 2, person_ids: [2, 3] }]);
  s = reduce(s, {
    type: "reaction.removed",
    channel_id: 1,
    seq: 14,
    message_id: 1,
    person_id: 2,
    emoji: "👍",
  });
  s = reduce(s, {
    type: "reaction.removed",
    channel_id: 1,
    seq: 15,
    message_id: 1,
    person_id: 3,
    emoji: "👍",
  });
  assert.deepEqual(s.byId[1].reactions, []);
});

test("a thread reply goes to the thread and bumps the root's reply count once", () => {
  let s = ready();
  s = reduce(s, { type: "thread/loaded", root: message(1, 9), replies: [] });
  const reply = {
    type: "message.new",
    channel_id: 1,
    seq: 11,
    message: message(5, 11, { thread_root_id: 1 }),
  };
  s = reduce(s, reply);
  s = reduce(s, reply);
  assert.deepEqual(s.threads[1].ids, [5]);
  assert.deepEqual(s.messages[1].ids, [1, 2]);
  assert.equal(s.byId[1].reply_count, 1);
});

test("older pages are prepended in seq order", () => {
  let s = ready();
  s = reduce(s, {
    type: "messages/loaded",
    channel_id: 1,
    messages: [message(7, 7), message(8, 8)],
    has_more: false,
    older: true,
  });
  assert.deepEqual(s.messages[1].ids, [7, 8, 1, 2]);
  assert.equal(s.messages[1].hasMore, false);
});

test("a page loaded late keeps a newer card that arrived live", () => {
  let s = ready();
  s = reduce(s, {
    type: "card.updated",
    channel_id: 1,
    seq: 11,
    message: message(2, 10, { text: "v2", card: { fallback: "v2" }, card_version: 2 }),
  });
  // The page was read before that update committed.
  const stale = message(2, 10, { text: "v1", card: { fallback: "v1" }, card_version: 1 });
  s = reduce(s, {
    type: "messages/loaded",
    channel_id: 1,
    messages: [message(1, 9), stale],
    has_more: false,
    older: false,
  });
  assert.equal(s.byId[2].card_version, 2);
  assert.equal(s.byId[2].card.fallback, "v2");
  assert.equal(s.byId[2].text, "v2");
});

test("resync_required moves the cursor to last_seq and marks the page stale", () => {
  let s = ready();
  s = reduce(s, { type: "resync_required", channel_id: 1, from_seq: 10, last_seq: 5000 });
  assert.equal(s.cursors[1], 5000);
  assert.equal(s.messages[1].stale, true);
  s = reduce(s, {
    type: "messages/loaded",
    channel_id: 1,
    messages: [message(90, 4999), message(91, 5000)],
    has_more: true,
    older: false,
  });
  assert.deepEqual(s.messages[1].ids, [90, 91]);
  assert.equal(s.messages[1].stale, false);
});

test("a channel list loaded later never moves a known cursor forward", () => {
  let s = ready();
  s = reduce(s, {
    type: "channel/loaded",
    channel: { id: 1, kind: "public", name: "general", last_seq: 50, partner_orgs: [] },
  });
  assert.equal(s.cursors[1], 10);
});

test("read markers clear the counts and only move forward", () => {
  let s = ready();
  s = reduce(s, { type: "read/marked", channel_id: 1, seq: 10 });
  assert.equal(s.channels[1].unread_count, 0);
  assert.equal(s.channels[1].last_read_seq, 10);
  s = reduce(s, { type: "read/marked", channel_id: 1, seq: 4 });
  assert.equal(s.channels[1].last_read_seq, 10);
});

test("opening a channel with unread messages remembers where the new ones start", () => {
  const s = reduce(ready(), { type: "ui/openChannel", channel_id: 1 });
  assert.equal(s.ui.unreadMarker[1], 8);
  assert.equal(s.ui.openChannelId, 1);
});

test("channel.removed forgets the channel and closes it if open", () => {
  let s = reduce(ready(), { type: "ui/openChannel", channel_id: 1 });
  s = reduce(s, { type: "channel.removed", channel_id: 1 });
  assert.equal(s.channels[1], undefined);
  assert.equal(s.ui.openChannelId, null);
});

test("channel.added adds the channel with a cursor at its last_seq", () => {
  const s = reduce(ready(), {
    type: "channel.added",
    channel: { id: 9, kind: "private", name: "new", last_seq: 3, shared: false, partner_orgs: [] },
  });
  assert.equal(s.channels[9].name, "new");
  assert.equal(s.cursors[9], 3);
});

test("typing expires by the time on the action and a message from the typist clears it", () => {
  let s = ready();
  s = reduce(s, { type: "typing", channel_id: 1, person_id: 3, thread_root_id: null, at: 1000 });
  assert.equal(s.typing[1][3].until, 7000);
  s = reduce(s, { type: "message.new", channel_id: 1, seq: 11, message: message(3, 11) });
  assert.equal(s.typing[1][3], undefined);
});

test("member events keep the member list and count", () => {
  let s = ready();
  s = reduce(s, {
    type: "members/loaded",
    channel_id: 1,
    members: [{ person: { id: 3, username: "carol", display_name: "Carol" }, role: "member" }],
  });
  s = reduce(s, {
    type: "member.joined",
    channel_id: 1,
    seq: 11,
    person: { id: 4, username: "dan", display_name: "Dan" },
    role: "member",
    by_id: 4,
  });
  assert.deepEqual(s.members[1], [3, 4]);
  assert.equal(s.people[4].username, "dan");
  s = reduce(s, {
    type: "member.left",
    channel_id: 1,
    seq: 12,
    person_id: 3,
    by_id: 3,
    reason: "left",
  });
  assert.deepEqual(s.members[1], [4]);
});

test("the store notifies subscribers only when the state changes", () => {
  const store = createStore(reduce, initialState());
  let calls = 0;
  store.subscribe(() => calls++);
  store.dispatch({ type: "no/such/action" });
  store.dispatch({ type: "ui/drawer", open: true });
  assert.equal(calls, 1);
  assert.equal(store.getState().ui.drawerOpen, true);
});

test("the reducer never mutates the state it is given", () => {
  const s = ready();
  const frozen = JSON.stringify(s);
  reduce(s, {
    type: "message.new",
    channel_id: 1,
    seq: 11,
    message: message(3, 11, { text: "@bob" }),
  });
  reduce(s, {
    type: "reaction.added",
    channel_id: 1,
    seq: 11,
    message_id: 1,
    person_id: 2,
    emoji: "🎉",
  });
  assert.equal(JSON.stringify(s), frozen);
});

test("a read marker moved on another device clears the badge here too", () => {
  let s = ready();
  assert.ok(s.channels[1].unread_count > 0);
  s = reduce(s, { type: "read.updated", channel_id: 1, seq: 10 });
  assert.equal(s.channels[1].unread_count, 0);
  assert.equal(s.channels[1].last_read_seq, 10);
});
