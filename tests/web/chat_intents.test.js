import { test } from "node:test";
import assert from "node:assert/strict";

import { chatIntents } from "../../web/js/chat/intents.js";
import { setLocale, setTables } from "../../web/js/lib/i18n.js";
import en from "../../web/js/i18n/en.js";

setTables({ en });
setLocale("en");

function setup({ live = true, state = {} } = {}) {
  const actions = [];
  const frames = [];
  const sent = [];
  const calls = [];
  const commandRefs = new Map();
  const api = new Proxy(
    {},
    {
      get: (_, method) => async (path, body) => {
        calls.push([method, path, body]);
        return {};
      },
    },
  );
  const intents = chatIntents({
    dispatch: (action) => actions.push(action),
    getState: () => ({ me: { id: 1, kind: "member" }, pending: {}, ...state }),
    api,
    load: {},
    notice: (text) => actions.push({ type: "notice", text }),
    send: (frame) => (live ? frames.push(frame) > 0 : false),
    trySend: (item) => sent.push(item),
    commandRefs,
    session: {},
    openChannel: () => {},
    storage: null,
  });
  return { intents, actions, frames, sent, calls, commandRefs };
}

test("a message is queued in the outbox, then sent; // escapes a slash", () => {
  const { intents, actions, sent } = setup();
  intents.sendMessage({ channelId: 4, threadRootId: null, text: "//not a command" });
  assert.equal(actions[0].type, "send/queued");
  assert.equal(sent[0].text, "/not a command");
  assert.equal(sent[0].channel_id, 4);
  assert.equal(sent[0].sender_id, 1);
});

test("a slash command goes once over the socket and keeps its ref for the error", () => {
  const { intents, frames, commandRefs, sent } = setup();
  intents.sendMessage({ channelId: 4, threadRootId: 9, text: "/poll lunch" });
  assert.equal(frames[0].type, "command");
  assert.deepEqual(commandRefs.get(frames[0].ref), { channelId: 4, threadRootId: 9 });
  assert.equal(sent.length, 0);
});

test("a slash command offline is not queued: it shows an error in place", () => {
  const { intents, actions, commandRefs } = setup({ live: false });
  intents.sendMessage({ channelId: 4, threadRootId: null, text: "/poll lunch" });
  assert.equal(commandRefs.size, 0);
  assert.equal(actions[0].type, "ephemeral");
  assert.equal(actions[0].text, en["composer.commandOffline"]);
});

test("an edit goes over HTTP when the socket is down", async () => {
  const { intents, calls } = setup({ live: false });
  await intents.editMessage({ messageId: 12, text: "fixed" });
  assert.deepEqual(calls, [["patch", "/api/v1/messages/12", { text: "fixed" }]]);
});

test("a channel needs a name before anything is sent", async () => {
  const { intents, actions, calls } = setup();
  await intents.createChannel({ name: "" });
  assert.deepEqual(actions, [{ type: "ui/dialogError", error: en["create.nameRequired"] }]);
  assert.deepEqual(calls, []);
});
