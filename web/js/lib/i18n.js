/**
 * Every string a person reads, in zh-CN and en.
 *
 * The app registers its tables (web/js/i18n/en.js, zh-CN.js) once, picks the locale from the
 * saved choice or the browser, and calls t() wherever it shows text. t() returns a plain
 * string: html`` escapes it when it is inserted.
 *
 * @example
 *   import { setTables, setLocale, savedLocale, detectLocale, t, onLocaleChange }
 *     from "./lib/i18n.js";
 *   setTables({ en, "zh-CN": zhCN });
 *   setLocale(savedLocale(localStorage) ?? detectLocale(navigator.languages));
 *   // "Message #{channel}" -> "Message #general"
 *   t("composer.placeholder", { channel: "general" });
 *   // { one: "{count} reply", other: "{count} replies" } -> "3 replies"
 *   t("thread.replies", { count: 3 });
 *   const stop = onLocaleChange(() => rerender());
 */

export const LOCALES = ["en", "zh-CN"];
const FALLBACK = "en";
const STORAGE_KEY = "hub.locale";

let tables = {};
let current = FALLBACK;
const listeners = new Set();
const warned = new Set();
const pluralRules = new Map();

/**
 * Register the string tables: { en: { key: "text" | { one, other } }, "zh-CN": { ... } }.
 * @param {Record<string, Record<string, string | Record<string, string>>>} newTables
 */
export function setTables(newTables) {
  if (!newTables || typeof newTables !== "object") {
    throw new TypeError('setTables() takes { en: {...}, "zh-CN": {...} }.');
  }
  tables = newTables;
}

/**
 * The locale for a browser's language list (navigator.languages): the first entry that is
 * Chinese (zh, zh-CN, zh-Hans, zh-TW, ...) gives "zh-CN", the first English one gives "en";
 * other languages are skipped, and "en" is the default.
 * @param {readonly string[] | string | null | undefined} languages
 * @returns {"en" | "zh-CN"}
 */
export function detectLocale(languages) {
  const list = typeof languages === "string" ? [languages] : Array.from(languages ?? []);
  for (const tag of list) {
    const language = String(tag).toLowerCase().split(/[-_]/)[0];
    if (language === "zh") return "zh-CN";
    if (language === "en") return "en";
  }
  return FALLBACK;
}

/**
 * The locale the person chose before, or null.
 * @param {Storage | null | undefined} storage localStorage or a stand-in
 * @returns {"en" | "zh-CN" | null}
 */
export function savedLocale(storage) {
  try {
    const value = storage?.getItem(STORAGE_KEY);
    return LOCALES.includes(value) ? value : null;
  } catch {
    return null; // storage can be blocked (private mode, sandboxed frames)
  }
}

/**
 * Remember the person's choice; null forgets it (follow the browser again).
 * @param {Storage | null | undefined} storage
 * @param {"en" | "zh-CN" | null} locale
 */
export function saveLocale(storage, locale) {
  try {
    if (locale === null || locale === undefined) storage?.removeItem(STORAGE_KEY);
    else storage?.setItem(STORAGE_KEY, normalize(locale));
  } catch {
    // Not remembering the choice is better than failing to switch language.
  }
}

function normalize(locale) {
  return LOCALES.includes(locale) ? locale : detectLocale([locale]);
}

/**
 * Switch language; anything other than "en" or "zh-CN" is mapped like detectLocale does.
 * Listeners run only when the locale actually changes.
 * @param {string} locale
 */
export function setLocale(locale) {
  const next = normalize(locale);
  if (next === current) return;
  current = next;
  for (const fn of [...listeners]) fn(current);
}

/** @returns {"en" | "zh-CN"} */
export function getLocale() {
  return current;
}

/**
 * Call fn(locale) after each change of locale.
 * @param {(locale: string) => void} fn
 * @returns {() => void} unsubscribe
 */
export function onLocaleChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * The text for key in the current locale, else English, else the key itself (warned once).
 * "{name}" is replaced by params.name; an { one, other } entry is chosen by params.count.
 * @param {string} key
 * @param {Record<string, unknown>} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  let locale = current;
  let entry = tables[current]?.[key];
  if (entry === undefined) {
    locale = FALLBACK;
    entry = tables[FALLBACK]?.[key];
  }
  if (entry === undefined) {
    if (!warned.has(key)) {
      warned.add(key);
      const other = current === FALLBACK ? "zh-CN" : current;
      console.warn(
        `i18n: no text for "${key}" in ${current} or ${FALLBACK}; ` +
          `add it to web/js/i18n/${FALLBACK}.js and ${other}.js.`,
      );
    }
    return key;
  }
  const template = typeof entry === "string" ? entry : choosePlural(entry, locale, params.count);
  return interpolate(template, params);
}

function choosePlural(forms, locale, count) {
  if (typeof count !== "number") return forms.other ?? "";
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  if (count === 0 && forms.zero !== undefined) return forms.zero;
  return forms[rules.select(count)] ?? forms.other ?? "";
}

function interpolate(template, params) {
  return template.replace(/\{(\w+)\}/g, (placeholder, name) =>
    Object.hasOwn(params, name) ? String(params[name]) : placeholder,
  );
}
