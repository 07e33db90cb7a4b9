import { test } from "node:test";
import assert from "node:assert/strict";

import { setTables, setLocale } from "../../web/js/lib/i18n.js";
import en from "../../web/js/i18n/en.js";
import { localText, localInput } from "../../web/js/cards/text.js";
import { renderCardView } from "../../web/js/cards/render.js";

setTables({ en });
setLocale("en");

const both = (zh, english) => ({ "zh-CN": zh, en: english });

test("a text map is read in the reader's locale, then English, Chinese, any", () => {
  const close = both("结束投票", "Close poll");
  assert.equal(localText(close, "en"), "Close poll");
  assert.equal(localText(close, "zh-CN"), "结束投票");
  assert.equal(localText(close, "en-GB"), "Close poll");
  assert.equal(localText(close, "fr"), "Close poll");
  assert.equal(localText({ "zh-CN": "票" }, "en"), "票");
  assert.equal(localText({ ja: "投票" }, "en"), "投票");
  assert.equal(localText("plain", "zh-CN"), "plain");
  assert.equal(localText(undefined, "en"), "");
});

test("an input's label, placeholder, hint and options are read in one language", () => {
  const block = {
    type: "input",
    kind: "select",
    name: "reason",
    label: both("原因", "Reason"),
    placeholder: both("请选择", "Choose"),
    hint: both("必填", "Required"),
    options: [{ value: "a", label: both("出差", "Travel") }],
  };
  const zh = localInput(block, "zh-CN");
  assert.deepEqual(
    [zh.label, zh.placeholder, zh.hint, zh.options[0].label],
    ["原因", "请选择", "必填", "出差"],
  );
  assert.equal(localInput(block, "en").options[0].value, "a");
  assert.equal(block.label["zh-CN"], "原因", "the card itself is left as it is");
});

const POLL = {
  schema: 2,
  header: { title: "Lunch?" },
  status: { label: both("进行中", "Open"), tone: "info" },
  blocks: [
    { type: "markdown", text: both("**面条** 1 票", "**Noodles** 1 vote") },
    { type: "fields", fields: [{ label: both("发起人", "Poll by"), value: "李雷" }] },
    { type: "context", text: both("1 人已投票", "1 voted") },
    {
      type: "input",
      kind: "text",
      name: "why",
      label: both("理由", "Why"),
      hint: both("可选", "Optional"),
    },
    { type: "actions", actions: [{ id: "close", label: both("结束投票", "Close poll") }] },
  ],
};

function drawn(locale) {
  return String(
    renderCardView(POLL, {
      key: "m1",
      idPrefix: "c-m1",
      mode: "message",
      version: 1,
      canTake: new Set(["close"]),
      values: {},
      ui: {},
      lookup: {},
      locale,
    }),
  );
}

test("the same card reads in English for one reader and in Chinese for another", () => {
  const english = drawn("en");
  const chinese = drawn("zh-CN");
  for (const text of ["Open", "<strong>Noodles</strong> 1 vote", "Poll by", "1 voted", "Why"]) {
    assert.ok(english.includes(text), text);
  }
  assert.match(english, /data-card-action="close"[^>]*>Close poll</);
  assert.match(english, /class="card-hint"[^>]*>Optional</);
  for (const text of ["进行中", "<strong>面条</strong> 1 票", "发起人", "1 人已投票", "理由"]) {
    assert.ok(chinese.includes(text), text);
  }
  assert.match(chinese, /data-card-action="close"[^>]*>结束投票</);
  assert.ok(!english.includes("结束投票") && !chinese.includes("Close poll"));
  assert.ok(!english.includes("[object Object]"));
});
