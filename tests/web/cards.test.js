import { test } from "node:test";
import assert from "node:assert/strict";

import { setTables, setLocale } from "../../web/js/lib/i18n.js";
import en from "../../web/js/i18n/en.js";
import { actionsFor, mayTake } from "../../web/js/cards/access.js";
import { checkValues, currentValues, initialValue } from "../../web/js/cards/values.js";
import { renderCardView } from "../../web/js/cards/render.js";
import { reduce, initialState } from "../../web/js/state/reducer.js";
import { createCardRequests } from "../../web/js/cards/requests.js";

setTables({ en });
setLocale("en");

const input = (kind, name, extra = {}) => ({ type: "input", kind, name, label: name, ...extra });
const cardWith = (...blocks) => ({ schema: 1, blocks });

// ---- who may act

test(
  "actions without `allowed` are anyone's; `allowed` names people or roles; " +
    "an empty one is no one's",
  () => {
    const card = cardWith({
      type: "actions",
      actions: [
        { id: "open", label: "Open" },
        { id: "mine", label: "Mine", allowed: { people: [8] } },
        { id: "finance", label: "Finance", allowed: { roles: ["finance"] } },
        { id: "nobody", label: "Nobody", allowed: {} },
      ],
    });
    assert.deepEqual([...actionsFor(card, 8, [])], ["open", "mine"]);
    assert.deepEqual([...actionsFor(card, 9, ["finance"])], ["open", "finance"]);
    assert.equal(mayTake({ id: "x", allowed: {} }, 8, ["admin"]), false);
  },
);

// ---- values

test("inputs start with their default, else empty in their own shape", () => {
  assert.equal(initialValue(input("money", "a", { default: "12.50" })), "12.50");
  assert.equal(initialValue(input("checkbox", "b")), false);
  assert.deepEqual(initialValue(input("date_range", "c")), { start: "", end: "" });
  assert.deepEqual(initialValue(input("select", "d", { multiple: true, options: [] })), []);
  assert.equal(initialValue(input("people", "e")), null);
  const card = cardWith(input("text", "t", { default: "hi" }), input("number", "n"));
  assert.deepEqual(currentValues(card, { n: "3" }), { t: "hi", n: "3" });
});

test("required inputs, and a required checkbox, must be filled in", () => {
  const card = cardWith(
    input("text", "t", { required: true }),
    input("checkbox", "ok", { required: true }),
    input("textarea", "note"),
  );
  const { errors, payload } = checkValues(card, { t: "  ", ok: false, note: "" });
  assert.deepEqual(errors, { t: "Fill this in.", ok: "Tick this to go on." });
  assert.deepEqual(payload, {});
});

test("values are checked per kind and sent in the wire format", () => {
  const card = cardWith(
    input("number", "n", { min: 0.5, max: 30 }),
    input("money", "m", { max: 5000 }),
    input("date", "d"),
    input("date_range", "r"),
    input("text", "t", { max_length: 3 }),
    input("checkbox", "c"),
    input("select", "s", { multiple: true, options: [{ value: "a", label: "A" }] }),
  );
  const good = checkValues(card, {
    n: "2.5",
    m: "¥1,234.5",
    d: "2026-02-28",
    r: { start: "2026-12-01", end: "2026-12-03" },
    t: "abc",
    c: false,
    s: ["a"],
  });
  assert.deepEqual(good.errors, {});
  assert.deepEqual(good.payload, {
    n: 2.5,
    m: "1234.5",
    d: "2026-02-28",
    r: { start: "2026-12-01", end: "2026-12-03" },
    t: "abc",
    c: false,
    s: ["a"],
  });

  const bad = checkValues(card, {
    n: "31",
    m: "12.345",
    d: "2026-02-30",
    r: { start: "2026-12-03", end: "2026-12-01" },
    t: "abcd",
    c: false,
    s: [],
  });
  assert.deepEqual(bad.errors, {
    n: "At most 30.",
    m: "Use at most 2 decimals.",
    d: "Enter a real date.",
    r: "The last day cannot be before the first.",
    t: "At most 3 characters (this has 4).",
  });
  assert.equal(checkValues(card, { n: "abc" }).errors.n, "Enter a number.");
  assert.equal(checkValues(card, { m: "12 yuan" }).errors.m, "Enter an amount like 1234.50.");
  assert.equal(
    checkValues(card, { r: { start: "2026-12-01", end: "" } }).errors.r,
    "Enter both the first and the last day.",
  );
  assert.equal(checkValues(card, { n: "0.4" }).errors.n, "At least 0.5.");
});

// ---- rendering

const APPROVAL = {
  schema: 1,
  header: { title: "Claim <script>alert(1)</script>", icon: "🧾" },
  status: { label: "Pending", tone: "warning" },
  blocks: [
    {
      type: "fields",
      fields: [
        { label: "Amount", value: "¥3,280.50" },
        { label: "Reason", value: "", short: false },
      ],
    },
    {
      type: "timeline",
      steps: [
        { title: "Submitted", state: "done", person_name: "李雷", at: "2025-03-01T09:30:00+08:00" },
        { title: "Manager", state: "current" },
      ],
    },
    { type: "image", url: "https://img.example/a.png", alt: 'A "receipt"' },
    { type: "chart", rows: [] },
    input("money", "amount", { required: true, currency: "CNY", hint: "Up to the claim" }),
    {
      type: "actions",
      actions: [
        { id: "approve", label: "Approve", style: "primary", allowed: { people: [8] } },
        { id: "reject", label: "Reject", style: "danger", allowed: { people: [8] } },
        { id: "comment", label: "Comment" },
      ],
    },
  ],
};

function view(extra = {}) {
  return {
    key: "m1",
    idPrefix: "c-m1",
    mode: "message",
    version: 1,
    canTake: new Set(["approve", "reject", "comment"]),
    values: { amount: "" },
    ui: {},
    lookup: {},
    locale: "en",
    timeZone: "Asia/Shanghai",
    meId: 8,
    ...extra,
  };
}

test("a card is drawn with every display block and escapes what the bot wrote", () => {
  const out = String(renderCardView(APPROVAL, view()));
  assert.ok(out.includes("Claim &lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(!out.includes("<script>"));
  assert.match(out, /class="card-status status-warning"[^>]*>Pending</);
  assert.match(out, /<dt>Amount<\/dt><dd>¥3,280.50<\/dd>/);
  assert.match(out, /card-field card-field-long/);
  assert.match(
    out,
    new RegExp(
      String.raw`<time class="step-time" datetime="2025-03-01T09:30:00\+08:00"[^>]*>` +
        "Mar 1, 2025, 9:30 AM</time>",
    ),
  );
  assert.match(out, /\(done\)/);
  assert.match(
    out,
    new RegExp(
      '<img src="https://img.example/a.png" alt="A &quot;receipt&quot;" ' +
        'loading="lazy" referrerpolicy="no-referrer">',
    ),
  );
  assert.ok(!out.includes("chart"), "an unknown block type is left out (the fallback covers it)");
  assert.match(out, /aria-describedby="c-m1-amount-hint"/);
  assert.match(out, /data-card-action="approve"/);
});

test(
  "a viewer sees only the buttons they may press, " + "and no inputs when they may press none",
  () => {
    const some = String(renderCardView(APPROVAL, view({ canTake: new Set(["comment"]) })));
    assert.ok(
      some.includes('data-card-action="comment"') && !some.includes('data-card-action="approve"'),
    );
    const none = String(renderCardView(APPROVAL, view({ canTake: new Set() })));
    assert.ok(!none.includes("data-card-action") && !none.includes('data-testid="card-input"'));
    const ephemeral = String(renderCardView(APPROVAL, view({ mode: "ephemeral" })));
    assert.ok(!ephemeral.includes("data-card-action"), "a private reply has no message to act on");
  },
);

test("while an action is sent every button waits, and errors sit next to their field", () => {
  const out = String(
    renderCardView(
      APPROVAL,
      view({
        ui: {
          busy: "approve",
          error: "Check the field marked below.",
          fieldErrors: { amount: "Fill this in." },
        },
      }),
    ),
  );
  assert.equal((out.match(/ disabled /g) || []).length, 3);
  assert.match(out, /btn btn-primary is-busy/);
  assert.match(out, /aria-invalid="true"/);
  assert.match(out, /aria-describedby="c-m1-amount-hint c-m1-amount-error"/);
  assert.match(out, /<p class="field-error" id="c-m1-amount-error"[^>]*>Fill this in.<\/p>/);
  assert.match(out, /role="alert"[^>]*>Check the field marked below.</);
});

test("a form shows its inputs and leaves the buttons to the dialog", () => {
  const out = String(renderCardView(APPROVAL, view({ mode: "form", canTake: new Set() })));
  assert.ok(out.includes('data-testid="card-input"'));
  assert.ok(!out.includes("data-card-action"));
});

// ---- state

function withCard(version) {
  let s = reduce(initialState(), {
    type: "session/checked",
    me: { id: 8, username: "bob", roles: [] },
  });
  s = reduce(s, {
    type: "channels/loaded",
    channels: [
      {
        id: 1,
        kind: "public",
        name: "general",
        last_seq: 1,
        last_read_seq: 1,
        unread_count: 0,
        mention_count: 0,
        partner_orgs: [],
      },
    ],
  });
  const message = {
    id: 5,
    channel_id: 1,
    seq: 1,
    sender_id: 3,
    thread_root_id: null,
    text: "claim",
    card: APPROVAL,
    card_version: version,
    reactions: [],
  };
  return reduce(s, {
    type: "messages/loaded",
    channel_id: 1,
    messages: [message],
    has_more: false,
    older: false,
  });
}

test("typing into a card changes only the drafts, until it clears a field's error", () => {
  let s = withCard(1);
  const before = s.cardUi;
  s = reduce(s, { type: "card/draft", key: "m5", name: "amount", value: "12" });
  assert.equal(s.cardUi, before);
  assert.deepEqual(s.cardDrafts.m5, { amount: "12" });
  s = reduce(s, {
    type: "card/invalid",
    key: "m5",
    fieldErrors: { amount: "Fill this in." },
    error: "Check",
  });
  s = reduce(s, { type: "card/draft", key: "m5", name: "amount", value: "13" });
  assert.deepEqual(s.cardUi.m5.fieldErrors, {});
});

test(
  "a stale answer shows the current card with a note; " +
    "an older card never replaces a newer one",
  () => {
    let s = withCard(1);
    s = reduce(s, { type: "card/sending", key: "m5", action_id: "approve" });
    assert.equal(s.cardUi.m5.busy, "approve");
    const current = {
      ...s.byId[5],
      card_version: 2,
      card: { schema: 1, header: { title: "Approved" } },
    };
    s = reduce(s, { type: "card/stale", key: "m5", message: current, note: "changed" });
    assert.equal(s.byId[5].card_version, 2);
    assert.equal(s.cardUi.m5.busy, null);
    assert.equal(s.cardUi.m5.noteTone, "warning");
    s = reduce(s, {
      type: "card.updated",
      channel_id: 1,
      seq: 2,
      message: { ...current, card_version: 1, card: APPROVAL },
    });
    assert.equal(s.byId[5].card_version, 2, "a replayed older update is ignored");
  },
);

test("a bot's form opens as the form dialog and closing it forgets what was typed", () => {
  let s = withCard(1);
  s = reduce(s, { type: "form.open", form_id: "fx", bot_id: 3, channel_id: 1, card: APPROVAL });
  assert.equal(s.ui.dialog, "botform");
  s = reduce(s, { type: "card/draft", key: "ffx", name: "amount", value: "1" });
  s = reduce(s, { type: "form/close" });
  assert.equal(s.form, null);
  assert.equal(s.ui.dialog, null);
  assert.equal(s.cardDrafts.ffx, undefined);
});

// ---- requests

function harness({ live = true, version = 1, post } = {}) {
  const actions = [];
  const sent = [];
  let state = withCard(version);
  const requests = createCardRequests({
    dispatch: (action) => {
      actions.push(action);
      state = reduce(state, action);
    },
    getState: () => state,
    send: (frame) => {
      if (live) sent.push(frame);
      return live;
    },
    api: { post: post || (async () => ({})) },
  });
  return { requests, actions, sent, state: () => state };
}

test("an action goes over the socket with the version seen, and its ack ends the wait", () => {
  const h = harness();
  h.requests.takeAction({
    messageId: 5,
    version: 1,
    actionId: "approve",
    values: { amount: "12.00" },
  });
  const frame = h.sent[0];
  assert.equal(frame.type, "card_action");
  assert.equal(frame.version, 1);
  assert.deepEqual(frame.values, { amount: "12.00" });
  assert.equal(h.state().cardUi.m5.busy, "approve");
  assert.equal(h.requests.onFrame({ type: "ack", ref: "someone-else" }), false);
  assert.equal(h.requests.onFrame({ type: "ack", ref: frame.ref }), true);
  assert.equal(h.state().cardUi.m5.busy, null);
  assert.equal(
    h.state().cardUi.m5.note,
    "Sent.",
    "the card did not change, so the person is told it went",
  );
});

test(
  "card_stale carries the current card; a field error lands on its field; " +
    "a lost connection ends the wait",
  () => {
    const h = harness();
    h.requests.takeAction({ messageId: 5, version: 1, actionId: "approve", values: {} });
    const current = { ...h.state().byId[5], card_version: 3 };
    h.requests.onFrame({
      type: "error",
      ref: h.sent[0].ref,
      code: "card_stale",
      message: "stale",
      details: { message: current },
    });
    assert.equal(h.state().byId[5].card_version, 3);
    assert.match(h.state().cardUi.m5.note, /changed while you were looking/);

    h.requests.takeAction({ messageId: 5, version: 3, actionId: "approve", values: {} });
    h.requests.onFrame({
      type: "error",
      ref: h.sent[1].ref,
      code: "validation_failed",
      message: "`amount`: is required.",
      details: { field: "amount" },
    });
    assert.deepEqual(h.state().cardUi.m5.fieldErrors, { amount: "`amount`: is required." });

    h.requests.takeAction({ messageId: 5, version: 3, actionId: "approve", values: {} });
    h.requests.connectionLost();
    assert.match(h.state().cardUi.m5.error, /connection dropped/);
    assert.equal(h.requests.onFrame({ type: "ack", ref: h.sent[2].ref }), false);
  },
);

test(
  "without a live socket an action goes over HTTP, " + "and its replies and forms are shown",
  async () => {
    const calls = [];
    const h = harness({
      live: false,
      post: async (path, body) => {
        calls.push([path, body]);
        return {
          replies: [{ type: "ephemeral", id: "r1", bot_id: 3, channel_id: 1, text: "noted" }],
          forms: [],
          messages: [],
          message: null,
          duplicate: true,
        };
      },
    });
    h.requests.takeAction({
      messageId: 5,
      version: 1,
      actionId: "approve",
      values: { amount: "1.00" },
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(calls, [
      [
        "/api/v1/messages/5/card/actions",
        { action_id: "approve", version: 1, values: { amount: "1.00" } },
      ],
    ]);
    assert.equal(h.state().ephemerals[0].text, "noted");
    assert.match(h.state().cardUi.m5.note, /already did this/);
  },
);

// ---- files

test("files are checked for type and count before they are sent", async () => {
  const { acceptsType } = await import("../../web/js/cards/values.js");
  assert.equal(acceptsType(["image/*", "application/pdf"], "image/png"), true);
  assert.equal(acceptsType(["image/*"], "imagex/png"), false);
  assert.equal(acceptsType(["application/pdf"], "text/plain"), false);
  const card = cardWith(input("file", "f", { max_files: 1, required: true }));
  assert.deepEqual(checkValues(card, { f: [] }).errors, { f: "Fill this in." });
  assert.deepEqual(checkValues(card, { f: ["f_a", "f_b"] }).errors, {
    f: "Attach at most 1 file.",
  });
  assert.deepEqual(checkValues(card, { f: ["f_a"] }).payload, { f: ["f_a"] });
});

test(
  "an upload shows while under way, " + "then its id joins the input's value and its name is known",
  () => {
    let s = withCard(1);
    s = reduce(s, {
      type: "card/uploading",
      key: "m5",
      name: "f",
      temp_id: "u1",
      file_name: "a.pdf",
    });
    s = reduce(s, {
      type: "card/uploading",
      key: "m5",
      name: "f",
      temp_id: "u2",
      file_name: "b.exe",
    });
    assert.deepEqual(
      s.cardUi.m5.uploading.f.map((u) => u.name),
      ["a.pdf", "b.exe"],
    );
    s = reduce(s, {
      type: "card/uploaded",
      key: "m5",
      name: "f",
      temp_id: "u1",
      file: { id: "f_1", name: "a.pdf", size: 3, url: "/api/v1/files/f_1" },
    });
    s = reduce(s, {
      type: "card/uploadFailed",
      key: "m5",
      name: "f",
      temp_id: "u2",
      error: "b.exe: too big",
    });
    assert.deepEqual(s.cardDrafts.m5.f, ["f_1"]);
    assert.equal(s.uploads.f_1.name, "a.pdf");
    assert.equal(s.cardUi.m5.uploading.f, undefined);
    assert.equal(s.cardUi.m5.fieldErrors.f, "b.exe: too big");
  },
);

test("a pick from a list redraws the card; typing does not", () => {
  let s = withCard(1);
  const before = s.cardUi;
  s = reduce(s, { type: "card/draft", key: "m5", name: "who", value: [3] });
  assert.equal(s.cardUi, before);
  s = reduce(s, { type: "card/draft", key: "m5", name: "who", value: [], redraw: true });
  assert.notEqual(s.cardUi, before);
});
