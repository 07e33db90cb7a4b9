import { test } from "node:test";
import assert from "node:assert/strict";

import { reduce, initialState } from "../../web/js/state/reducer.js";
import { inboxItems, inboxTotal } from "../../web/js/state/inbox.js";

const ME = { id: 2, username: "bob", display_name: "Bob 李", kind: "member" };
const BOT = 9;

function cardMessage(id, { awaiting = [ME.id], version = 1, channel = 1 } = {}) {
  return {
    id,
    channel_id: channel,
    seq: id,
    sender_id: BOT,
    thread_root_id: null,
    text: "",
    card: { schema: 1, fallback: `card ${id}`, blocks: [], awaiting },
    card_version: version,
    client_msg_id: null,
    created_at: "2026-12-04T02:00:00Z",
    edited_at: null,
    deleted: false,
    reply_count: 0,
    last_reply_at: null,
    reactions: [],
  };
}

const item = (message, name = "general") => ({
  message,
  channel_id: message.channel_id,
  channel_name: name,
  bot_id: BOT,
});

function signedIn() {
  let s = reduce(initialState(), { type: "session/checked", me: ME });
  s = reduce(s, {
    type: "channels/loaded",
    channels: [{ id: 1, kind: "public", name: "general", last_seq: 10, partner_orgs: [] }],
  });
  return s;
}

function loaded(s, items, extra = {}) {
  return reduce(s, {
    type: "inbox/loaded",
    items,
    total: items.length,
    counts: { [BOT]: items.length },
    has_more: false,
    next_before: null,
    ...extra,
  });
}

test("inbox.updated sets the badge's total and the counts per bot", () => {
  let s = signedIn();
  assert.equal(inboxTotal(s), 0);
  s = reduce(s, { type: "inbox.updated", total: 3, counts: { 9: 2, 12: 1 } });
  assert.equal(inboxTotal(s), 3);
  assert.deepEqual(s.inbox.counts, { 9: 2, 12: 1 });
});

test("a loaded page lists its cards newest first, with their channel and bot", () => {
  const s = loaded(signedIn(), [item(cardMessage(8)), item(cardMessage(5), "sales")]);
  const items = inboxItems(s);
  assert.deepEqual(
    items.map((i) => [i.message.id, i.channel_name, i.bot_id]),
    [
      [8, "general", BOT],
      [5, "sales", BOT],
    ],
  );
  assert.equal(s.byId[8].card.fallback, "card 8");
  assert.equal(s.inbox.loaded, true);
});

test("a card updated to wait for someone else leaves the list at once", () => {
  let s = loaded(signedIn(), [item(cardMessage(8)), item(cardMessage(5))]);
  s = reduce(s, {
    type: "card.updated",
    channel_id: 1,
    seq: 11,
    message: cardMessage(8, { awaiting: [3], version: 2 }),
  });
  assert.deepEqual(
    inboxItems(s).map((i) => i.message.id),
    [5],
  );
  // The badge follows the server's count, which inbox.updated brings.
  assert.equal(inboxTotal(s), 2);
  s = reduce(s, { type: "inbox.updated", total: 1, counts: { [BOT]: 1 } });
  assert.equal(inboxTotal(s), 1);
});

test("a deleted card leaves the list", () => {
  let s = loaded(signedIn(), [item(cardMessage(8))]);
  s = reduce(s, { type: "message.deleted", channel_id: 1, seq: 11, message_id: 8 });
  assert.deepEqual(inboxItems(s), []);
});

test("a page fetched before a live update does not take the card back a version", () => {
  let s = signedIn();
  s = reduce(s, {
    type: "message.new",
    channel_id: 1,
    seq: 8,
    message: cardMessage(8, { awaiting: [3], version: 1 }),
  });
  s = reduce(s, {
    type: "card.updated",
    channel_id: 1,
    seq: 9,
    message: cardMessage(8, { awaiting: [ME.id], version: 3 }),
  });
  s = loaded(s, [item(cardMessage(8, { awaiting: [3], version: 2 }))]);
  assert.equal(s.byId[8].card_version, 3);
  assert.deepEqual(
    inboxItems(s).map((i) => i.message.id),
    [8],
  );
});

test("a second page is appended; the first page again replaces the list", () => {
  let s = loaded(signedIn(), [item(cardMessage(8))], { has_more: true, next_before: 8 });
  assert.equal(s.inbox.hasMore, true);
  assert.equal(s.inbox.nextBefore, 8);
  s = loaded(s, [item(cardMessage(5))], { older: true, total: 2 });
  assert.deepEqual(
    inboxItems(s).map((i) => i.message.id),
    [8, 5],
  );
  s = loaded(s, [item(cardMessage(5))], { total: 1 });
  assert.deepEqual(
    inboxItems(s).map((i) => i.message.id),
    [5],
  );
  assert.equal(inboxTotal(s), 1);
});

test("opening the inbox closes the thread and the drawer; opening a channel closes it", () => {
  let s = signedIn();
  s = reduce(s, { type: "ui/openChannel", channel_id: 1 });
  s = reduce(s, { type: "ui/openThread", root_id: 4 });
  s = reduce(s, { type: "ui/drawer", open: true });
  s = reduce(s, { type: "ui/openInbox" });
  assert.equal(s.ui.inboxOpen, true);
  assert.equal(s.ui.threadRootId, null);
  assert.equal(s.ui.drawerOpen, false);
  s = reduce(s, { type: "ui/openChannel", channel_id: 1 });
  assert.equal(s.ui.inboxOpen, false);
});

test("a card I see for someone out of office stays while it waits for them, not for me", () => {
  const PETE = 4;
  const theirs = { ...item(cardMessage(30, { awaiting: [PETE] }), null), on_behalf_of: PETE };
  let s = loaded(signedIn(), [theirs, item(cardMessage(31))]);
  assert.deepEqual(
    inboxItems(s).map((i) => [i.message.id, i.on_behalf_of]),
    [
      [30, PETE],
      [31, null],
    ],
  );
  // Signed for Pete: the card no longer waits for him, and leaves my list at once.
  s = reduce(s, { type: "card.updated", message: cardMessage(30, { awaiting: [], version: 2 }) });
  assert.deepEqual(
    inboxItems(s).map((i) => i.message.id),
    [31],
  );
});

test("whom I act for is kept, and their names are known for the inbox's tag", () => {
  const view = {
    delegation: null,
    acting_for: [
      {
        person: { id: 4, username: "pete", display_name: "彭涛", kind: "member", org_id: 1 },
        roles: ["finance"],
        ends_at: "2026-12-10T10:00:00Z",
      },
    ],
  };
  const s = reduce(signedIn(), { type: "delegation/loaded", view });
  assert.equal(s.delegation, view);
  assert.equal(s.people[4].display_name, "彭涛");
});
