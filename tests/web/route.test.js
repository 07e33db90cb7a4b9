import { test } from "node:test";
import assert from "node:assert/strict";

import { hashOf, parseHash } from "../../web/js/state/route.js";
import { reduce, initialState } from "../../web/js/state/reducer.js";

const withUi = (ui) => ({ ui: { ...initialState().ui, ...ui } });

test("the address names what is shown", () => {
  assert.equal(hashOf(withUi({ openChannelId: 12 })), "#/c/12");
  assert.equal(hashOf(withUi({ openChannelId: 12, threadRootId: 340 })), "#/c/12/t/340");
  assert.equal(hashOf(withUi({ openChannelId: 12, focusMessageId: 7 })), "#/c/12/m/7");
  assert.equal(hashOf(withUi({ openChannelId: 12, inboxOpen: true })), "#/inbox");
  assert.equal(hashOf(withUi({ appOpen: { bot: "poll", path: "" } })), "#/apps/poll");
  assert.equal(hashOf(withUi({ appOpen: { bot: "poll", path: "a/b" } })), "#/apps/poll/a/b");
  assert.equal(hashOf(withUi({})), "");
});

test("a hash is read back into what to open, and nonsense names nothing", () => {
  assert.deepEqual(parseHash("#/c/12"), { kind: "channel", channelId: 12 });
  assert.deepEqual(parseHash("#/c/12/t/340"), { kind: "thread", channelId: 12, rootId: 340 });
  assert.deepEqual(parseHash("#/c/12/m/7"), { kind: "message", channelId: 12, messageId: 7 });
  assert.deepEqual(parseHash("#/inbox"), { kind: "inbox" });
  assert.deepEqual(parseHash("#/apps/poll/x/y"), { kind: "app", bot: "poll", path: "x/y" });
  for (const bad of ["", "#", "#/c/0", "#/c/abc", "#/c/1/x/2", "#/apps/P", "#/c/1/t/-3", "#%"]) {
    assert.equal(parseHash(bad), null, bad);
  }
});

test("opening an app leaves the inbox and the thread; opening a channel leaves the app", () => {
  let state = reduce(initialState(), { type: "ui/openInbox" });
  state = reduce(state, { type: "ui/openApp", bot: "poll", path: "" });
  assert.equal(state.ui.inboxOpen, false);
  assert.deepEqual(state.ui.appOpen, { bot: "poll", path: "" });
  state = reduce(state, { type: "ui/openChannel", channel_id: 3, focus_message_id: 9 });
  assert.equal(state.ui.appOpen, null);
  assert.equal(hashOf(state), "#/c/3/m/9");
  state = reduce(state, { type: "ui/openInbox" });
  assert.equal(state.ui.appOpen, null);
  assert.equal(hashOf(state), "#/inbox");
});
