import { test } from "node:test";
import assert from "node:assert/strict";

import { reduce, initialState } from "../../web/js/state/reducer.js";
import {
  nameOf,
  initials,
  sidebarSections,
  channelTitle,
  messageRows,
  typingPeople,
  lastOwnMessage,
  syncCursors,
  queuedSends,
  outboxToSave,
  fuzzyScore,
  switcherItems,
  mentionCandidates,
  commandCandidates,
} from "../../web/js/state/selectors.js";
import { splitFrames, backoffDelay } from "../../web/js/net/socket.js";

const ME = { id: 2, username: "bob", display_name: "Bob 李", name_en: null, kind: "member" };
const CAROL = {
  id: 3,
  username: "carol",
  display_name: "陈卡罗",
  name_en: "Carol Chen",
  kind: "member",
};

function msg(id, seq, minute, sender = 3, extra = {}) {
  return {
    id,
    channel_id: 1,
    seq,
    sender_id: sender,
    thread_root_id: null,
    text: `m${id}`,
    card: null,
    created_at: `2026-11-27T${minute}:00Z`,
    deleted: false,
    reactions: [],
    reply_count: 0,
    ...extra,
  };
}

function state() {
  let s = reduce(initialState(), { type: "session/checked", me: ME });
  s = reduce(s, {
    type: "channels/loaded",
    channels: [
      {
        id: 1,
        kind: "public",
        name: "general",
        last_seq: 5,
        last_read_seq: 3,
        unread_count: 2,
        partner_orgs: [],
        archived: false,
      },
      { id: 2, kind: "private", name: "archive-me", last_seq: 1, archived: true, partner_orgs: [] },
      {
        id: 3,
        kind: "private",
        name: "partner-room",
        last_seq: 1,
        shared: true,
        partner_orgs: ["South China Supply"],
        archived: false,
      },
      {
        id: 4,
        kind: "direct",
        name: null,
        last_seq: 1,
        members: [CAROL],
        partner_orgs: [],
        archived: false,
      },
    ],
  });
  return s;
}

test("names: name_en for an English reader when there is one", () => {
  assert.equal(nameOf(CAROL, "en"), "Carol Chen");
  assert.equal(nameOf(CAROL, "zh-CN"), "陈卡罗");
  assert.equal(nameOf(ME, "en"), "Bob 李");
});

test("initials: last two characters of a Chinese name, word initials otherwise", () => {
  assert.equal(initials("张伟"), "张伟");
  assert.equal(initials("欧阳娜娜"), "娜娜");
  assert.equal(initials("Zhang Wei"), "ZW");
  assert.equal(initials("Bob 李"), "B");
  assert.equal(initials(""), "?");
});

test("the sidebar splits channels from direct messages and puts archived ones last", () => {
  const { channels, directs } = sidebarSections(state(), "en");
  assert.deepEqual(
    channels.map((c) => c.name),
    ["general", "partner-room", "archive-me"],
  );
  assert.deepEqual(
    directs.map((c) => c.id),
    [4],
  );
  assert.equal(channelTitle(state(), directs[0], "en"), "Carol Chen");
});

test("message rows: day separators, grouping within five minutes, the unread line", () => {
  let s = state();
  s = reduce(s, {
    type: "messages/loaded",
    channel_id: 1,
    has_more: false,
    older: false,
    messages: [
      msg(1, 1, "01:00"),
      msg(2, 2, "01:03"),
      msg(3, 3, "01:20"),
      msg(4, 4, "01:21"),
      msg(5, 5, "01:22", 2),
    ],
  });
  s = reduce(s, { type: "ui/openChannel", channel_id: 1 });
  const rows = messageRows(s, 1, { dayKey: (iso) => iso.slice(0, 10) });
  assert.deepEqual(
    rows.map((r) => r.kind),
    ["day", "message", "message", "message", "unread", "message", "message"],
  );
  const messages = rows.filter((r) => r.kind === "message");
  assert.deepEqual(
    messages.map((r) => r.grouped),
    [false, true, false, false, false],
  );
  assert.equal(messages[4].mine, true);
});

test("a new day starts a new group", () => {
  let s = state();
  s = reduce(s, {
    type: "messages/loaded",
    channel_id: 1,
    has_more: false,
    older: false,
    messages: [msg(1, 1, "01:00"), msg(2, 2, "01:01", 3, { created_at: "2026-11-28T01:01:00Z" })],
  });
  const rows = messageRows(s, 1, { dayKey: (iso) => iso.slice(0, 10) });
  assert.deepEqual(
    rows.map((r) => r.kind),
    ["day", "message", "day", "message"],
  );
  assert.equal(rows[3].grouped, false);
});

test("pending sends show after confirmed messages, in the order they were sent", () => {
  let s = state();
  s = reduce(s, {
    type: "messages/loaded",
    channel_id: 1,
    has_more: false,
    older: false,
    messages: [msg(1, 1, "01:00")],
  });
  s = reduce(s, {
    type: "send/queued",
    item: {
      client_msg_id: "b",
      channel_id: 1,
      text: "second",
      sender_id: 2,
      created_at: "2026-11-27T01:02:00Z",
      queued_at: 2,
    },
  });
  s = reduce(s, {
    type: "send/queued",
    item: {
      client_msg_id: "a",
      channel_id: 1,
      text: "first",
      sender_id: 2,
      created_at: "2026-11-27T01:01:00Z",
      queued_at: 1,
    },
  });
  const texts = messageRows(s, 1, {})
    .filter((r) => r.kind === "message")
    .map((r) => r.message.text);
  assert.deepEqual(texts, ["m1", "first", "second"]);
  assert.deepEqual(
    queuedSends(s).map((p) => p.client_msg_id),
    ["a", "b"],
  );
  assert.deepEqual(
    outboxToSave(s).map((p) => p.text),
    ["first", "second"],
  );
});

test("typing people expire and never include me", () => {
  let s = state();
  s = reduce(s, { type: "people/loaded", people: [CAROL] });
  s = reduce(s, { type: "typing", channel_id: 1, person_id: 3, at: 1000 });
  s = reduce(s, { type: "typing", channel_id: 1, person_id: 2, at: 1000 });
  assert.deepEqual(
    typingPeople(s, 1, null, 2000).map((p) => p.id),
    [3],
  );
  assert.deepEqual(typingPeople(s, 1, null, 9000), []);
});

test("Up arrow edits my last message that is not deleted", () => {
  let s = state();
  s = reduce(s, {
    type: "messages/loaded",
    channel_id: 1,
    has_more: false,
    older: false,
    messages: [msg(1, 1, "01:00", 2), msg(2, 2, "01:01", 2, { deleted: true }), msg(3, 3, "01:02")],
  });
  assert.equal(lastOwnMessage(s, 1).id, 1);
});

test("sync cursors cover the channels I have", () => {
  assert.deepEqual(syncCursors(state()), { 1: 5, 2: 1, 3: 1, 4: 1 });
});

test("fuzzy matching: prefix beats substring beats subsequence", () => {
  assert.ok(fuzzyScore("gen", "general") > fuzzyScore("ner", "general"));
  assert.ok(fuzzyScore("ner", "general") > fuzzyScore("gnl", "general"));
  assert.equal(fuzzyScore("xyz", "general"), -1);
});

test("the quick switcher finds channels and people", () => {
  let s = state();
  s = reduce(s, {
    type: "people/found",
    people: [
      { id: 9, username: "zhang.wei", display_name: "张伟", name_en: "Zhang Wei", kind: "member" },
    ],
  });
  const items = switcherItems(s, "zw", "en");
  assert.equal(items[0].kind, "person");
  assert.equal(switcherItems(s, "gen", "en")[0].title, "general");
});

test("mention and command candidates", () => {
  let s = state();
  s = reduce(s, {
    type: "members/loaded",
    channel_id: 1,
    members: [{ person: ME }, { person: CAROL }],
  });
  assert.deepEqual(
    mentionCandidates(s, 1, "car", "en").map((p) => p.username),
    ["carol"],
  );
  s = reduce(s, { type: "commands/loaded", commands: [{ name: "poll" }, { name: "help" }] });
  assert.deepEqual(
    commandCandidates(s, "po").map((c) => c.name),
    ["poll"],
  );
});

test("coalesced frames are split on newlines", () => {
  const frames = splitFrames('{"type":"a"}\n{"type":"b"}\n\n{"type":"c"}');
  assert.deepEqual(
    frames.map((f) => f.type),
    ["a", "b", "c"],
  );
});

test("reconnect backoff grows, is capped and jittered", () => {
  assert.equal(
    backoffDelay(0, () => 0),
    250,
  );
  assert.equal(
    backoffDelay(0, () => 1),
    500,
  );
  assert.equal(
    backoffDelay(10, () => 1),
    15000,
  );
  assert.ok(backoffDelay(3, () => 0.5) > backoffDelay(1, () => 0.5));
});
