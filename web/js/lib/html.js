/**
 * The auto-escaping template helper: the only way the web client builds HTML.
 *
 * Every value interpolated into html`` is escaped unless it is already SafeHtml,
 * so user text can never become markup; render() refuses plain strings, which is
 * how the app proves that no user text reaches innerHTML.
 *
 * @example
 *   import { html, render, classes } from "./lib/html.js";
 *   const item = (m) =>
 *     html`<li class="${classes({ mine: m.mine })}" title="${m.sender}">${m.text}</li>`;
 *   render(list, html`<ul>${messages.map(item)}</ul>`);
 *   // Values: SafeHtml as is; arrays item by item; null, undefined, false -> nothing;
 *   // anything else escaped.
 */

const ESCAPES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};
const SPECIAL = /[&<>"'`]/g;

/** A string known to be safe HTML. Make one with html``, raw() or renderMarkdown(), not by hand. */
export class SafeHtml {
  /** @param {string} text HTML that is already safe. */
  constructor(text) {
    this.text = String(text);
  }

  toString() {
    return this.text;
  }
}

/**
 * Escape `& < > " '` and backtick, so the result is safe as element text and inside quoted
 * attributes.
 * @param {unknown} text
 * @returns {string}
 */
export function escapeHtml(text) {
  return String(text).replace(SPECIAL, (c) => ESCAPES[c]);
}

function renderValue(value) {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) {
    let out = "";
    for (const item of value) out += renderValue(item);
    return out;
  }
  return escapeHtml(value);
}

/**
 * Tagged template: html`<b title="${title}">${text}</b>` -> SafeHtml with every value escaped.
 * @param {TemplateStringsArray} strings
 * @param {...unknown} values
 * @returns {SafeHtml}
 */
export function html(strings, ...values) {
  if (!strings || !Array.isArray(strings.raw)) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows how to call it
    throw new TypeError("html is a template tag: write html`<p>${text}</p>`, not html(text).");
  }
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += renderValue(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/**
 * Mark a constant written in the source as safe HTML, e.g. an inline SVG icon.
 * Never pass user data, server data or translated strings: use html`` for those.
 * @param {string} trustedConstant
 * @returns {SafeHtml}
 */
export function raw(trustedConstant) {
  if (typeof trustedConstant !== "string") {
    throw new TypeError(
      "raw() takes a string constant from the source code; build anything else with html``.",
    );
  }
  return new SafeHtml(trustedConstant);
}

/**
 * Replace an element's content with SafeHtml. Plain strings are refused on purpose.
 * @param {{ innerHTML: string }} element
 * @param {SafeHtml} safe
 */
export function render(element, safe) {
  if (!(safe instanceof SafeHtml)) {
    throw new TypeError(
      `render() takes SafeHtml built with html\`...\` (or renderMarkdown), got ${typeof safe}: ` +
        "build the markup with html`` so user text is escaped, " +
        "or set element.textContent for plain text.",
    );
  }
  element.innerHTML = safe.text;
}

const CLASS_NAME = /^[^\s&<>"'`]+$/;

/**
 * A class list from a map of name -> condition:
 * classes({ unread: true, muted: false }) === "unread".
 * Names must be plain class tokens, so the result needs no escaping and works both in html``
 * attributes and in element.className.
 * @param {Record<string, unknown>} map
 * @returns {string}
 */
export function classes(map) {
  const names = [];
  for (const [name, on] of Object.entries(map)) {
    if (!on) continue;
    if (!CLASS_NAME.test(name)) {
      throw new TypeError(
        `classes(): ${JSON.stringify(name)} is not a class name; ` +
          `use one token without spaces or & < > " ' \`.`,
      );
    }
    names.push(name);
  }
  return names.join(" ");
}
