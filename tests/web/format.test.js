import { test } from "node:test";
import assert from "node:assert/strict";

import {
  dayKey,
  dayLabel,
  formatDateTime,
  formatTime,
  relativeTime,
  sameGroup,
} from "../../web/js/lib/format.js";

const SHANGHAI = "Asia/Shanghai";
const UTC = "UTC";
const NOW = "2026-11-27T04:00:00Z"; // Friday 12:00 in Shanghai, 04:00 in UTC
const EN = { locale: "en", timeZone: SHANGHAI };
const ZH = { locale: "zh-CN", timeZone: SHANGHAI };

test("formatTime: 24h in zh-CN, 12h in en, in the given time zone", () => {
  const when = "2026-11-27T06:05:00Z";
  assert.equal(formatTime(when, ZH), "14:05");
  assert.equal(
    formatTime(when, { locale: "en", timeZone: SHANGHAI }).replace(/\s/gu, " "),
    "2:05 PM",
  );
  assert.equal(formatTime(new Date(when), { locale: "zh-CN", timeZone: UTC }), "6:05");
});

test("formatDateTime gives the full date and time", () => {
  const when = "2026-11-27T06:05:00Z";
  assert.equal(formatDateTime(when, ZH), "2026年11月27日星期五 14:05");
  const en = formatDateTime(when, EN);
  assert.match(en, /Friday, November 27, 2026/);
  assert.match(en, /2:05\sPM/u);
});

test("formatting refuses something that is not a date", () => {
  assert.throws(() => formatTime("not a date", ZH), /ISO 8601/);
});

test("dayKey is the calendar day in that time zone", () => {
  const lateEvening = "2026-11-26T17:30:00Z";
  assert.equal(dayKey(lateEvening, { timeZone: SHANGHAI }), "2026-11-27");
  assert.equal(dayKey(lateEvening, { timeZone: UTC }), "2026-11-26");
  assert.equal(
    dayKey(new Date("2026-01-05T00:00:00Z"), { timeZone: "America/New_York" }),
    "2026-01-04",
  );
});

test("across midnight: 17:30 UTC on the 26th is today in Shanghai, yesterday in UTC", () => {
  const when = "2026-11-26T17:30:00Z";
  assert.equal(dayLabel(when, NOW, EN), "Today");
  assert.equal(dayLabel(when, NOW, ZH), "今天");
  assert.equal(dayLabel(when, NOW, { locale: "en", timeZone: UTC }), "Yesterday");
  assert.equal(dayLabel(when, NOW, { locale: "zh-CN", timeZone: UTC }), "昨天");
});

test("dayLabel: yesterday, weekdays of the last week, then dates", () => {
  assert.equal(dayLabel("2026-11-26T03:00:00Z", NOW, EN), "Yesterday");
  assert.equal(dayLabel("2026-11-26T03:00:00Z", NOW, ZH), "昨天");
  assert.equal(dayLabel("2026-11-23T03:00:00Z", NOW, EN), "Monday");
  assert.equal(dayLabel("2026-11-23T03:00:00Z", NOW, ZH), "星期一");
  assert.equal(dayLabel("2026-11-21T03:00:00Z", NOW, EN), "Saturday");
  assert.equal(dayLabel("2026-11-20T03:00:00Z", NOW, EN), "November 20");
  assert.equal(dayLabel("2026-11-03T03:00:00Z", NOW, EN), "November 3");
  assert.equal(dayLabel("2026-11-03T03:00:00Z", NOW, ZH), "11月3日");
  assert.equal(dayLabel("2025-11-03T03:00:00Z", NOW, EN), "November 3, 2025");
  assert.equal(dayLabel("2025-11-03T03:00:00Z", NOW, ZH), "2025年11月3日");
});

test("dayLabel: the year boundary is judged in the time zone", () => {
  const newYear = "2026-01-01T02:00:00Z"; // Jan 1 in Shanghai, still Jan 1 in UTC
  assert.equal(
    dayLabel("2025-12-31T17:00:00Z", newYear, { locale: "en", timeZone: SHANGHAI }),
    "Today",
  );
  assert.equal(
    dayLabel("2025-12-20T03:00:00Z", newYear, { locale: "en", timeZone: SHANGHAI }),
    "December 20, 2025",
  );
});

test("relativeTime: now, minutes, hours, days, both directions", () => {
  assert.equal(relativeTime("2026-11-27T03:59:40Z", NOW, { locale: "en" }), "now");
  assert.equal(relativeTime("2026-11-27T03:59:40Z", NOW, { locale: "zh-CN" }), "现在");
  assert.equal(relativeTime("2026-11-27T03:55:00Z", NOW, { locale: "en" }), "5 minutes ago");
  assert.equal(relativeTime("2026-11-27T03:55:00Z", NOW, { locale: "zh-CN" }), "5分钟前");
  assert.equal(relativeTime("2026-11-27T01:00:00Z", NOW, { locale: "en" }), "3 hours ago");
  assert.equal(relativeTime("2026-11-24T04:00:00Z", NOW, { locale: "zh-CN" }), "3天前");
  assert.equal(relativeTime("2026-11-27T06:00:00Z", NOW, { locale: "en" }), "in 2 hours");
  assert.equal(relativeTime("2025-11-27T04:00:00Z", NOW, { locale: "en" }), "last year");
});

test("sameGroup: within N minutes, in either order", () => {
  assert.equal(sameGroup("2026-11-27T04:00:00Z", "2026-11-27T04:04:59Z"), true);
  assert.equal(sameGroup("2026-11-27T04:05:00Z", "2026-11-27T04:00:00Z"), true);
  assert.equal(sameGroup("2026-11-27T04:00:00Z", "2026-11-27T04:05:01Z"), false);
  assert.equal(sameGroup(new Date("2026-11-27T04:00:00Z"), "2026-11-27T04:09:00Z", 10), true);
  assert.equal(sameGroup("2026-11-27T04:00:00Z", "2026-11-27T04:11:00Z", 10), false);
});
