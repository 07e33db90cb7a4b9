import { test } from "node:test";
import assert from "node:assert/strict";

import {
  detectLocale,
  getLocale,
  onLocaleChange,
  saveLocale,
  savedLocale,
  setLocale,
  setTables,
  t,
} from "../../web/js/lib/i18n.js";

const TABLES = {
  en: {
    greeting: "Hello, {name}!",
    "only.en": "English only",
    replies: { one: "{count} reply", other: "{count} replies" },
    unread: { zero: "No unread", one: "{count} unread", other: "{count} unread" },
  },
  "zh-CN": {
    greeting: "你好，{name}！",
    replies: { other: "{count} 条回复" },
  },
};

function memoryStorage(initial = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key) => (data.has(key) ? data.get(key) : null),
    setItem: (key, value) => data.set(key, String(value)),
    removeItem: (key) => data.delete(key),
    data,
  };
}

function withWarnings(fn) {
  const warnings = [];
  const original = console.warn;
  console.warn = (...args) => warnings.push(args.join(" "));
  try {
    fn();
  } finally {
    console.warn = original;
  }
  return warnings;
}

test("detectLocale maps any Chinese tag to zh-CN and everything else to en", () => {
  for (const tag of ["zh", "zh-CN", "zh-Hans", "zh-Hans-CN", "zh-TW", "ZH-hk", "zh_CN"]) {
    assert.equal(detectLocale([tag]), "zh-CN", tag);
  }
  assert.equal(detectLocale(["en-US", "zh-CN"]), "en");
  assert.equal(detectLocale(["fr-FR", "zh-CN"]), "zh-CN");
  assert.equal(detectLocale(["fr-FR", "de"]), "en");
  assert.equal(detectLocale([]), "en");
  assert.equal(detectLocale(undefined), "en");
  assert.equal(detectLocale("zh-TW"), "zh-CN");
});

test("savedLocale and saveLocale use hub.locale and survive broken storage", () => {
  const storage = memoryStorage();
  assert.equal(savedLocale(storage), null);
  saveLocale(storage, "zh-CN");
  assert.equal(storage.data.get("hub.locale"), "zh-CN");
  assert.equal(savedLocale(storage), "zh-CN");
  saveLocale(storage, null);
  assert.equal(savedLocale(storage), null);
  assert.equal(savedLocale(memoryStorage({ "hub.locale": "klingon" })), null);
  assert.equal(savedLocale(null), null);
  saveLocale(null, "en");
  const broken = {
    getItem() {
      throw new Error("SecurityError");
    },
    setItem() {
      throw new Error("QuotaExceeded");
    },
  };
  assert.equal(savedLocale(broken), null);
  assert.doesNotThrow(() => saveLocale(broken, "en"));
});

test("t looks up the current locale, then en, then the key", () => {
  setTables(TABLES);
  setLocale("zh-CN");
  assert.equal(getLocale(), "zh-CN");
  assert.equal(t("greeting", { name: "刘洋" }), "你好，刘洋！");
  assert.equal(t("only.en"), "English only");
  setLocale("en");
  // A plain string: html`` escapes it.
  assert.equal(t("greeting", { name: "<b>Ann</b>" }), "Hello, <b>Ann</b>!");
  const warnings = withWarnings(() => {
    assert.equal(t("missing.key.for.test"), "missing.key.for.test");
    assert.equal(t("missing.key.for.test"), "missing.key.for.test");
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /missing\.key\.for\.test/);
});

test("placeholders without a parameter are left visible", () => {
  setTables(TABLES);
  setLocale("en");
  assert.equal(t("greeting"), "Hello, {name}!");
  assert.equal(t("greeting", { name: 0 }), "Hello, 0!");
});

test("plurals are chosen with Intl.PluralRules for the locale", () => {
  setTables(TABLES);
  setLocale("en");
  assert.equal(t("replies", { count: 1 }), "1 reply");
  assert.equal(t("replies", { count: 3 }), "3 replies");
  assert.equal(t("replies"), "{count} replies");
  assert.equal(t("unread", { count: 0 }), "No unread");
  setLocale("zh-CN");
  assert.equal(t("replies", { count: 1 }), "1 条回复");
  assert.equal(t("unread", { count: 1 }), "1 unread"); // fell back to en, with en's rules
});

test("setLocale normalizes tags and notifies listeners on change only", () => {
  setTables(TABLES);
  setLocale("en");
  const seen = [];
  const stop = onLocaleChange((locale) => seen.push(locale));
  setLocale("zh-Hans");
  setLocale("zh-CN");
  setLocale("fr");
  stop();
  setLocale("zh-CN");
  assert.deepEqual(seen, ["zh-CN", "en"]);
  assert.equal(getLocale(), "zh-CN");
  setLocale("en");
});

test("setTables refuses a non-object", () => {
  assert.throws(() => setTables(null), TypeError);
});
