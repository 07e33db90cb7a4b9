import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import en from "../../web/js/i18n/en.js";
import zhCN from "../../web/js/i18n/zh-CN.js";

const WEB = join(dirname(fileURLToPath(import.meta.url)), "../../web/js");

test("en and zh-CN have exactly the same keys", () => {
  assert.deepEqual(Object.keys(zhCN).sort(), Object.keys(en).sort());
});

test("plural entries have the same shape and every entry keeps its placeholders", () => {
  for (const key of Object.keys(en)) {
    const a = en[key];
    const b = zhCN[key];
    assert.equal(typeof a, typeof b, key);
    const forms =
      typeof a === "string"
        ? [[a, b]]
        : Object.keys(a).map((form) => [a[form], b[form] ?? b.other]);
    for (const [x, y] of forms) {
      const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(names(y), names(x), `placeholders of ${key}`);
      assert.ok(y.trim(), `${key} is empty in zh-CN`);
    }
  }
});

test("every key the client uses is in the tables", () => {
  const files = [
    "main.js",
    ...["ui", "chat", "cards"].flatMap((dir) =>
      readdirSync(join(WEB, dir)).map((f) => join(dir, f)),
    ),
  ];
  const missing = [];
  for (const file of files) {
    const source = readFileSync(join(WEB, file), "utf8");
    for (const match of source.matchAll(/\bt\(\s*"([^"]+)"/g))
      if (!(match[1] in en)) missing.push(`${file}: ${match[1]}`);
  }
  assert.deepEqual(missing, []);
  for (const status of ["idle", "connecting", "live", "reconnecting"])
    assert.ok(`connection.${status}` in en);
  for (const status of ["online", "away", "offline"]) assert.ok(`presence.${status}` in en);
  for (const kind of ["channel", "direct", "person"]) assert.ok(`switcher.kind.${kind}` in en);
  for (const dialog of ["create", "browse", "direct", "switcher"])
    assert.ok(`dialog.${dialog}` in en);
});
