import { test } from "node:test";
import assert from "node:assert/strict";

import { QUICK_REACTIONS, isEmoji } from "../../web/js/lib/emoji.js";

test("the quick reactions are all acceptable reactions", () => {
  assert.deepEqual(QUICK_REACTIONS, ["👍", "❤️", "😂", "🎉", "👀", "🙏", "✅", "🔥"]);
  for (const emoji of QUICK_REACTIONS) assert.ok(isEmoji(emoji), emoji);
});

test("isEmoji follows the server: 1-64 characters, no whitespace", () => {
  assert.equal(isEmoji("👨‍👩‍👧‍👦"), true);
  assert.equal(isEmoji(":party_parrot:"), true);
  assert.equal(isEmoji("😀".repeat(64)), true); // 64 characters although 128 UTF-16 units
  assert.equal(isEmoji("😀".repeat(65)), false);
  assert.equal(isEmoji(""), false);
  assert.equal(isEmoji("👍 👍"), false);
  assert.equal(isEmoji("👍\n"), false);
  assert.equal(isEmoji("a\u3000b"), false);
  assert.equal(isEmoji(null), false);
});
