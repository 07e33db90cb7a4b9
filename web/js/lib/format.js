/**
 * Dates and times in the person's locale and time zone, all through Intl (no words hard-coded).
 *
 * Every function takes an ISO string or a Date, and { locale, timeZone }: locale defaults to
 * i18n's current locale, timeZone (an IANA name such as "Asia/Shanghai") to the browser's.
 *
 * @example
 *   import { formatTime, formatDateTime, dayKey, dayLabel, relativeTime, sameGroup }
 *     from "./lib/format.js";
 *   const opts = { locale: getLocale(), timeZone: me.time_zone };
 *   html`<time datetime="${m.created_at}"
 *     title="${formatDateTime(m.created_at, opts)}">${formatTime(m.created_at, opts)}</time>`;
 *   if (dayKey(prev.created_at, opts) !== dayKey(m.created_at, opts))
 *     separator(dayLabel(m.created_at, new Date(), opts));
 *   const grouped = prev.sender_id === m.sender_id && sameGroup(prev.created_at, m.created_at);
 */

import { getLocale } from "./i18n.js";

const MINUTE = 60_000;
const DAY = 86_400_000;
const cache = new Map();

/** @typedef {{ locale?: string, timeZone?: string }} FormatOptions */

function toDate(when) {
  const date = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(date.getTime())) {
    throw new TypeError(
      `format: ${JSON.stringify(when)} is not a date; pass an ISO 8601 string or a Date.`,
    );
  }
  return date;
}

function formatter(kind, options, opts) {
  const locale = opts.locale ?? getLocale();
  const timeZone = opts.timeZone ?? undefined;
  const key = `${kind}|${locale}|${timeZone ?? ""}`;
  let result = cache.get(key);
  if (!result) {
    result =
      kind === "relative"
        ? new Intl.RelativeTimeFormat(locale, options)
        : new Intl.DateTimeFormat(locale, { ...options, timeZone });
    cache.set(key, result);
  }
  return result;
}

/**
 * The time of day: "14:05" in zh-CN, "2:05 PM" in en.
 * @param {string | Date} when
 * @param {FormatOptions} [opts]
 */
export function formatTime(when, opts = {}) {
  return formatter("time", { hour: "numeric", minute: "2-digit" }, opts).format(toDate(when));
}

/**
 * The full date and time, for tooltips: "Friday, November 27, 2026 at 2:05 PM",
 * "2026年11月27日星期五 14:05".
 * @param {string | Date} when
 * @param {FormatOptions} [opts]
 */
export function formatDateTime(when, opts = {}) {
  return formatter("datetime", { dateStyle: "full", timeStyle: "short" }, opts).format(
    toDate(when),
  );
}

/**
 * A short date and time, for card timelines: "Mar 1, 2025, 9:30 AM", "2025年3月1日 09:30".
 * @param {string | Date} when
 * @param {FormatOptions} [opts]
 */
export function formatShortDateTime(when, opts = {}) {
  return formatter("short-datetime", { dateStyle: "medium", timeStyle: "short" }, opts).format(
    toDate(when),
  );
}

/**
 * The calendar day in the time zone, "2026-11-27", for day separators.
 * @param {string | Date} when
 * @param {FormatOptions} [opts] only timeZone matters
 */
export function dayKey(when, opts = {}) {
  const parts = formatter(
    "daykey",
    { year: "numeric", month: "2-digit", day: "2-digit" },
    { locale: "en-US-u-ca-gregory-nu-latn", timeZone: opts.timeZone },
  ).formatToParts(toDate(when));
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

function dayNumber(key) {
  const [year, month, day] = key.split("-").map(Number);
  return Date.UTC(year, month - 1, day) / DAY;
}

function capitalize(text, locale) {
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/**
 * A day separator's label: "Today"/"今天", "Yesterday"/"昨天", a weekday within the last week
 * ("Monday"/"星期一"), else a date ("November 3"/"11月3日", with the year when not this year).
 * @param {string | Date} when
 * @param {string | Date} [now] defaults to the current time
 * @param {FormatOptions} [opts]
 */
export function dayLabel(when, now, opts = {}) {
  const locale = opts.locale ?? getLocale();
  const o = { locale, timeZone: opts.timeZone };
  const whenKey = dayKey(when, o);
  const nowKey = dayKey(now ?? new Date(), o);
  const daysAgo = dayNumber(nowKey) - dayNumber(whenKey);
  if (daysAgo >= -1 && daysAgo <= 1) {
    return capitalize(
      formatter("relative", { numeric: "auto" }, o).format(-daysAgo, "day"),
      locale,
    );
  }
  if (daysAgo > 1 && daysAgo < 7)
    return formatter("weekday", { weekday: "long" }, o).format(toDate(when));
  if (whenKey.slice(0, 4) === nowKey.slice(0, 4)) {
    return formatter("monthday", { month: "long", day: "numeric" }, o).format(toDate(when));
  }
  return formatter("date", { year: "numeric", month: "long", day: "numeric" }, o).format(
    toDate(when),
  );
}

const STEPS = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.35],
  ["month", 12],
  ["year", Infinity],
];

/**
 * Short relative text: "now"/"现在", "5 minutes ago"/"5分钟前", "in 2 hours"/"2小时后".
 * @param {string | Date} when
 * @param {string | Date} [now] defaults to the current time
 * @param {FormatOptions} [opts] only locale matters
 */
export function relativeTime(when, now, opts = {}) {
  const rtf = formatter("relative", { numeric: "auto" }, { locale: opts.locale });
  let amount = (toDate(when).getTime() - toDate(now ?? new Date()).getTime()) / 1000;
  if (Math.abs(amount) < 45) return rtf.format(0, "second");
  for (const [unit, size] of STEPS) {
    if (Math.abs(Math.round(amount)) < size) return rtf.format(Math.round(amount), unit);
    amount /= size;
  }
  return rtf.format(Math.round(amount), "year");
}

/**
 * Whether two message times are at most `minutes` apart, to group consecutive messages.
 * @param {string | Date} a
 * @param {string | Date} b
 * @param {number} [minutes]
 */
export function sameGroup(a, b, minutes = 5) {
  return Math.abs(toDate(a).getTime() - toDate(b).getTime()) <= minutes * MINUTE;
}
