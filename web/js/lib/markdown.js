/**
 * Safe Markdown for chat messages: the subset people type in chat, rendered to SafeHtml.
 *
 * Nothing in the input can become markup: text is escaped by html``, only http, https and
 * mailto URLs become links, and raw HTML is shown as text. Mentions use the server's pattern
 * (hub/actions/messages.py MENTION), so what is highlighted is what the server notified.
 *
 * @example
 *   import { renderMarkdown, plainText } from "./lib/markdown.js";
 *   render(body, renderMarkdown(message.text, {
 *     mentionOf: (username) => people.byUsername(username), // -> {id, display_name} | null
 *     meId: me.id,
 *   }));
 *   html`<span class="preview">${renderMarkdown(text, { inline: true })}</span>`; // no blocks
 *   new Notification(title, { body: plainText(message.text) });                  // one line
 *
 * Supported: paragraphs (single newline -> <br>), **bold**, *italic*, _italic_, ~~strike~~,
 * `code`, ``` fenced blocks ```, > quotes, - / * and 1. lists, # to ### headings (as
 * <strong class="md-h">), [text](url), bare http(s):// links, @username mentions.
 */

import { SafeHtml, html } from "./html.js";

const MAX_QUOTE_DEPTH = 4;
const MAX_INLINE_DEPTH = 16;
const MAX_URL_LENGTH = 2048;
// A link opens in a new tab and tells the page it leads to nothing about the hub.
const LINK_ATTRS = html`target="_blank" rel="noopener noreferrer nofollow"`;

// Same as the server: (?<![\w@])@([a-z0-9][a-z0-9._-]{0,99}) with Python's Unicode \w.
const MENTION = /@([a-z0-9][a-z0-9._-]{0,99})/iuy;
const WORD_OR_AT = /^[\p{L}\p{N}_@]$/u;
const AUTOLINK_START = /https?:\/\//iy;
const ASCII_ALNUM = /^[A-Za-z0-9]$/;
const ASCII_PUNCT = /^[!-/:-@[-`{-~]$/;
const WHITESPACE = /^\s$/u;
// CJK letters count as punctuation for emphasis flanking, so **重要：**这个 and 这是_斜体_的 work
// although Chinese puts no spaces around the delimiters.
const PUNCT_LIKE = /^[\p{P}\p{S}\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]$/u;
// Characters that end a bare link: whitespace, markup-ish quotes, and CJK punctuation.
const AUTOLINK_STOP = /^[\s<>"`\u3000-\u303f\uff00-\uffef]$/u;
const AUTOLINK_TRAILING = /^[.,:;!?'*_~]$/;

const BLANK = /^[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,})[^`]*$/;
const FENCE_CLOSE = /^ {0,3}(`{3,})[ \t]*$/;
const HEADING = /^ {0,3}(#{1,3})[ \t]+(.*)$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const BULLET = /^ {0,3}[-*][ \t]+(.*)$/;
const ORDERED = /^ {0,3}(\d{1,9})[.)][ \t]+(.*)$/;
const INDENTED = /^[ \t]{2,}/;

/**
 * @typedef {{ id: number, display_name: string }} MentionedPerson
 * @typedef {{ mentionOf?: (username: string) => MentionedPerson | null | undefined,
 *             meId?: number | null, inline?: boolean }} MarkdownOptions
 */

/**
 * Render a message's Markdown as SafeHtml.
 * @param {string} text
 * @param {MarkdownOptions} [options] mentionOf receives the lower-cased username.
 * @returns {SafeHtml}
 */
export function renderMarkdown(text, options = {}) {
  const blocks = parseDocument(text);
  if (!blocks.length) return new SafeHtml("");
  const { mentionOf = null, meId = null, inline = false } = options ?? {};
  const ctx = { mentionOf, meId, inline: Boolean(inline) };
  if (ctx.inline) return html`${inlineHtml(flattenBlocks(blocks), ctx, 0)}`;
  return html`${blocks.map((block) => blockHtml(block, ctx))}`;
}

/**
 * A one-line plain-text preview with the markup removed, for notifications and titles.
 * @param {string} text
 * @param {{ mentionOf?: MarkdownOptions["mentionOf"] }} [options] to show "@Display Name".
 * @returns {string}
 */
export function plainText(text, options = {}) {
  const blocks = parseDocument(text);
  return textOf(flattenBlocks(blocks), options?.mentionOf ?? null)
    .replace(/\s+/gu, " ")
    .trim();
}

// ---------------------------------------------------------------- blocks

function parseDocument(text) {
  if (text === null || text === undefined) return [];
  const source = String(text).replace(/\r\n?/g, "\n");
  if (!source.trim()) return [];
  return parseBlocks(source.split("\n"), 0);
}

function parseBlocks(lines, depth) {
  const blocks = [];
  let paragraph = [];
  const endParagraph = () => {
    if (paragraph.length) blocks.push({ type: "p", inlines: parseInline(paragraph.join("\n")) });
    paragraph = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (BLANK.test(line)) {
      endParagraph();
      i++;
      // biome-ignore lint/suspicious/noAssignInExpressions: match and keep, tested in order
    } else if ((m = FENCE_OPEN.exec(line))) {
      endParagraph();
      const fence = m[1].length;
      const body = [];
      i++;
      while (i < lines.length && !closesFence(lines[i], fence)) body.push(lines[i++]);
      i++; // the closing fence, or past the end when it is missing
      blocks.push({ type: "pre", text: body.join("\n") });
      // biome-ignore lint/suspicious/noAssignInExpressions: match and keep, tested in order
    } else if ((m = HEADING.exec(line)) && headingText(m[2])) {
      endParagraph();
      blocks.push({ type: "h", inlines: parseInline(headingText(m[2])) });
      i++;
    } else if (depth < MAX_QUOTE_DEPTH && QUOTE.test(line)) {
      endParagraph();
      const inner = [];
      while (i < lines.length) {
        const quoted = QUOTE.exec(lines[i]);
        if (!quoted) break;
        inner.push(quoted[1]);
        i++;
      }
      const quoted = parseBlocks(inner, depth + 1);
      if (quoted.length) blocks.push({ type: "quote", blocks: quoted });
    } else if (BULLET.test(line) || ORDERED.test(line)) {
      endParagraph();
      i = parseList(lines, i, depth, blocks);
    } else {
      paragraph.push(line.trim());
      i++;
    }
  }
  endParagraph();
  return blocks;
}

function closesFence(line, fence) {
  const m = FENCE_CLOSE.exec(line);
  return m !== null && m[1].length >= fence;
}

function headingText(text) {
  // Drop optional closing hashes ("## Title ##") without a backtracking regex.
  const trimmed = text.trim();
  let end = trimmed.length;
  while (end > 0 && trimmed[end - 1] === "#") end--;
  if (
    end < trimmed.length &&
    (end === 0 || trimmed[end - 1] === " " || trimmed[end - 1] === "\t")
  ) {
    return trimmed.slice(0, end).trim();
  }
  return trimmed;
}

function startsBlock(line, depth) {
  return (
    FENCE_OPEN.test(line) ||
    HEADING.test(line) ||
    (depth < MAX_QUOTE_DEPTH && QUOTE.test(line)) ||
    BULLET.test(line) ||
    ORDERED.test(line)
  );
}

function parseList(lines, i, depth, blocks) {
  const first = ORDERED.exec(lines[i]);
  const ordered = first !== null && !BULLET.test(lines[i]);
  const marker = ordered ? ORDERED : BULLET;
  const items = [];
  while (i < lines.length) {
    const line = lines[i];
    const m = marker.exec(line);
    if (m) {
      items.push([ordered ? m[2] : m[1]]);
    } else if (INDENTED.test(line) && !BLANK.test(line) && !startsBlock(line, depth)) {
      items[items.length - 1].push(line.trim()); // a continuation line of the item
    } else {
      break;
    }
    i++;
  }
  const parsed = items.map((itemLines) => parseInline(itemLines.join("\n").trim()));
  if (ordered) blocks.push({ type: "ol", start: Number.parseInt(first[1], 10), items: parsed });
  else blocks.push({ type: "ul", items: parsed });
  return i;
}

function blockHtml(block, ctx) {
  switch (block.type) {
    case "p":
      return html`<p>${inlineHtml(block.inlines, ctx, 0)}</p>`;
    case "h":
      return html`<p><strong class="md-h">${inlineHtml(block.inlines, ctx, 0)}</strong></p>`;
    case "pre":
      return html`<pre><code>${block.text}</code></pre>`;
    case "quote":
      return html`<blockquote>${block.blocks.map((inner) => blockHtml(inner, ctx))}</blockquote>`;
    case "ul": {
      const items = block.items.map((item) => html`<li>${inlineHtml(item, ctx, 0)}</li>`);
      return html`<ul>${items}</ul>`;
    }
    case "ol": {
      const items = block.items.map((item) => html`<li>${inlineHtml(item, ctx, 0)}</li>`);
      return block.start === 1
        ? html`<ol>${items}</ol>`
        : html`<ol start="${block.start}">${items}</ol>`;
    }
    default:
      throw new Error(`markdown: unknown block type ${block.type}`);
  }
}

/** Blocks as one run of inline nodes, for inline rendering and plain text. */
function flattenBlocks(blocks, out = []) {
  const separate = () => {
    if (out.length) out.push(textNode(" "));
  };
  const pushAll = (nodes) => {
    for (const node of nodes) out.push(node);
  };
  for (const block of blocks) {
    switch (block.type) {
      case "p":
      case "h":
        separate();
        pushAll(block.inlines);
        break;
      case "pre":
        separate();
        out.push({ type: "code", value: block.text.replace(/\s+/gu, " ").trim() });
        break;
      case "quote":
        flattenBlocks(block.blocks, out);
        break;
      case "ul":
      case "ol":
        block.items.forEach((item, index) => {
          separate();
          out.push(textNode(block.type === "ol" ? `${block.start + index}. ` : "• "));
          pushAll(item);
        });
        break;
      default:
        throw new Error(`markdown: unknown block type ${block.type}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------- inlines

function textNode(value) {
  return { type: "text", value };
}

/**
 * Parse one paragraph's inline Markdown into nodes:
 * text, br, code, mention, link{href, children}, strong|em|del{children}, delim (unused delimiter).
 */
function parseInline(source) {
  const scan = prescan(source);
  return parseRange(source, 0, source.length, scan, true);
}

/** Escapes, code spans and bracket pairs, found once per paragraph so parsing stays linear. */
function prescan(s) {
  const n = s.length;
  const escaped = new Uint8Array(n); // 1 on a backslash that escapes the next character
  const codeSpans = new Map(); // start -> { end, value }
  const brackets = new Map(); // "[" index -> matching "]" index

  // Maximal backtick runs, by length, so a code span's closer is a binary search away.
  const runsByLength = new Map();
  for (let i = 0; i < n; ) {
    if (s[i] !== "`") {
      i++;
      continue;
    }
    let j = i;
    while (j < n && s[j] === "`") j++;
    const list = runsByLength.get(j - i) ?? [];
    list.push(i);
    runsByLength.set(j - i, list);
    i = j;
  }

  const open = [];
  for (let i = 0; i < n; ) {
    const c = s[i];
    if (c === "\\" && i + 1 < n && ASCII_PUNCT.test(s[i + 1])) {
      escaped[i] = 1;
      i += 2;
    } else if (c === "`") {
      let j = i;
      while (j < n && s[j] === "`") j++;
      const closer = firstAtOrAfter(runsByLength.get(j - i) ?? [], j);
      if (closer === -1) {
        i = j;
      } else {
        codeSpans.set(i, { end: closer + (j - i), value: codeSpanText(s.slice(j, closer)) });
        i = closer + (j - i);
      }
    } else {
      if (c === "[") open.push(i);
      else if (c === "]" && open.length) brackets.set(open.pop(), i);
      i++;
    }
  }
  return { escaped, codeSpans, brackets, nextParen: -1 };
}

function firstAtOrAfter(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo] : -1;
}

function codeSpanText(text) {
  const flat = text.replace(/\n/g, " ");
  if (flat.length >= 2 && flat.startsWith(" ") && flat.endsWith(" ") && flat.trim())
    return flat.slice(1, -1);
  return flat;
}

function charBefore(s, i) {
  if (i <= 0) return "";
  const code = s.charCodeAt(i - 1);
  if (code >= 0xdc00 && code <= 0xdfff && i >= 2) return s.slice(i - 2, i);
  return s[i - 1];
}

function charAt(s, i) {
  if (i >= s.length) return "";
  return String.fromCodePoint(s.codePointAt(i));
}

function isSpace(ch) {
  return ch === "" || WHITESPACE.test(ch);
}

function isPunctLike(ch) {
  return ch !== "" && PUNCT_LIKE.test(ch);
}

function parseRange(s, from, to, scan, allowLinks) {
  const list = { head: null, tail: null };
  const append = (node) => {
    node.prev = list.tail;
    node.next = null;
    if (list.tail) list.tail.next = node;
    else list.head = node;
    list.tail = node;
    return node;
  };
  let firstDelim = null;
  let lastDelim = null;

  let textStart = from;
  const flush = (end) => {
    if (end > textStart) append(textNode(s.slice(textStart, end)));
  };

  let i = from;
  while (i < to) {
    const c = s[i];
    if (scan.escaped[i] && i + 1 < to) {
      flush(i);
      append(textNode(s[i + 1]));
      i += 2;
      textStart = i;
      continue;
    }
    if (c === "`") {
      const span = scan.codeSpans.get(i);
      if (span && span.end <= to) {
        flush(i);
        append({ type: "code", value: span.value });
        i = span.end;
        textStart = i;
        continue;
      }
    }
    if (c === "\n") {
      flush(i);
      append({ type: "br" });
      i++;
      textStart = i;
      continue;
    }
    if (c === "*" || c === "_" || c === "~") {
      let j = i;
      while (j < to && s[j] === c) j++;
      const count = j - i;
      const before = i > from ? charBefore(s, i) : "";
      const after = j < to ? charAt(s, j) : "";
      const left =
        !isSpace(after) && (!isPunctLike(after) || isSpace(before) || isPunctLike(before));
      const right =
        !isSpace(before) && (!isPunctLike(before) || isSpace(after) || isPunctLike(after));
      const canOpen = c === "_" ? left && (!right || isPunctLike(before)) : left;
      const canClose = c === "_" ? right && (!left || isPunctLike(after)) : right;
      if ((c === "~" && count !== 2) || !(canOpen || canClose)) {
        i = j; // stays literal text
        continue;
      }
      flush(i);
      const delim = append({
        type: "delim",
        ch: c,
        count,
        canOpen,
        canClose,
        dprev: lastDelim,
        dnext: null,
      });
      if (lastDelim) lastDelim.dnext = delim;
      else firstDelim = delim;
      lastDelim = delim;
      i = j;
      textStart = i;
      continue;
    }
    if (c === "[" && allowLinks) {
      const close = scan.brackets.get(i);
      if (close !== undefined && close + 1 < to && s[close + 1] === "(") {
        const end = urlEnd(s, close + 2, to, scan);
        if (end !== -1) {
          flush(i);
          const href = safeHref(s.slice(close + 2, end));
          if (href) {
            const children = parseRange(s, i + 1, close, scan, false);
            append({ type: "link", href, children: children.length ? children : [textNode(href)] });
          } else {
            append(textNode(s.slice(i, end + 1))); // an unsafe link stays visible, as text
          }
          i = end + 1;
          textStart = i;
          continue;
        }
      }
    }
    if ((c === "h" || c === "H") && allowLinks && !ASCII_ALNUM.test(charBefore(s, i))) {
      AUTOLINK_START.lastIndex = i;
      if (AUTOLINK_START.test(s)) {
        const end = autolinkEnd(s, AUTOLINK_START.lastIndex, to);
        const url = s.slice(i, end);
        const href = end > AUTOLINK_START.lastIndex ? safeHref(url) : null;
        if (href) {
          flush(i);
          append({ type: "link", href, children: [textNode(url)] });
          i = end;
          textStart = i;
          continue;
        }
      }
    }
    if (c === "@" && !WORD_OR_AT.test(charBefore(s, i))) {
      MENTION.lastIndex = i;
      const m = MENTION.exec(s);
      if (m && i + m[0].length <= to) {
        flush(i);
        append({ type: "mention", username: m[1] });
        i += m[0].length;
        textStart = i;
        continue;
      }
    }
    i++;
  }
  flush(to);

  processEmphasis(list, firstDelim);
  const nodes = [];
  for (let node = list.head; node; node = node.next) nodes.push(node);
  return nodes;
}

/** Match emphasis delimiters, innermost first (the CommonMark delimiter algorithm, simplified). */
function processEmphasis(list, firstDelim) {
  const unlinkDelim = (d) => {
    if (d.dprev) d.dprev.dnext = d.dnext;
    if (d.dnext) d.dnext.dprev = d.dprev;
  };
  const removeNode = (node) => {
    if (node.prev) node.prev.next = node.next;
    else list.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else list.tail = node.prev;
  };
  // Below these a search for an opener of that character already failed: never look again.
  const bottom = { "*": null, _: null, "~": null };
  let closer = firstDelim;
  while (closer) {
    if (!closer.canClose) {
      closer = closer.dnext;
      continue;
    }
    const ch = closer.ch;
    let opener = null;
    for (let d = closer.dprev; d && d !== bottom[ch]; d = d.dprev) {
      if (d.ch === ch && d.canOpen) {
        opener = d;
        break;
      }
    }
    if (!opener) {
      bottom[ch] = closer.dprev;
      const next = closer.dnext;
      if (!closer.canOpen) unlinkDelim(closer);
      closer = next;
      continue;
    }
    const use = ch === "~" ? 2 : opener.count >= 2 && closer.count >= 2 ? 2 : 1;
    const type = ch === "~" ? "del" : use === 2 ? "strong" : "em";
    opener.count -= use;
    closer.count -= use;
    const children = [];
    for (let node = opener.next; node !== closer; node = node.next) children.push(node);
    const wrapper = { type, children, prev: opener, next: closer };
    opener.next = wrapper;
    closer.prev = wrapper;
    opener.dnext = closer; // delimiters in between can no longer match
    closer.dprev = opener;
    if (opener.count === 0) {
      removeNode(opener);
      unlinkDelim(opener);
    }
    if (closer.count === 0) {
      const next = closer.dnext;
      removeNode(closer);
      unlinkDelim(closer);
      closer = next;
    }
  }
}

function urlEnd(s, start, to, scan) {
  // Without a ")" ahead there is no link: answer "[a](" repeated in constant time.
  if (scan.nextParen < start) {
    const found = s.indexOf(")", start);
    scan.nextParen = found === -1 ? Infinity : found;
  }
  if (scan.nextParen >= to) return -1;
  let depth = 0;
  const limit = Math.min(to, start + MAX_URL_LENGTH);
  for (let j = start; j < limit; j++) {
    const code = s.charCodeAt(j);
    if (code <= 0x20 || (code > 0x7e && WHITESPACE.test(s[j]))) return -1;
    if (code === 0x28) depth++;
    else if (code === 0x29) {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}

function autolinkEnd(s, start, to) {
  let end = start;
  const limit = Math.min(to, start + MAX_URL_LENGTH);
  while (end < limit && !AUTOLINK_STOP.test(s[end])) end++;
  // Sentence punctuation and an unbalanced ")" after a link belong to the sentence.
  for (;;) {
    const last = s[end - 1];
    if (end > start && AUTOLINK_TRAILING.test(last)) {
      end--;
    } else if (
      end > start &&
      last === ")" &&
      count(s, start, end, ")") > count(s, start, end, "(")
    ) {
      end--;
    } else {
      return end;
    }
  }
}

function count(s, from, to, ch) {
  let n = 0;
  for (let i = from; i < to; i++) if (s[i] === ch) n++;
  return n;
}

/**
 * The URL to put in href, or null unless it is an absolute http, https or mailto URL, or a
 * path on the hub itself ("/api/v1/files/f_…", as bots link to attached files).
 */
function safeHref(url) {
  const text = url.trim();
  // Control characters are what these refuse: a browser may drop them and read another URL.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are the point
  if (/^\/(?![/\\])[^\s\u0000-\u001f\u007f-\u009f\\]*$/.test(text)) return text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are the point
  if (!/^(https?:\/\/|mailto:)/i.test(text) || /[\u0000-\u0020\u007f-\u009f]/.test(text))
    return null;
  let parsed;
  try {
    parsed = new URL(text);
  } catch {
    return null;
  }
  if (parsed.protocol === "mailto:") return parsed.pathname ? parsed.href : null;
  if ((parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname)
    return parsed.href;
  return null;
}

// ---------------------------------------------------------------- output

function inlineHtml(nodes, ctx, depth) {
  return nodes.map((node) => inlineNodeHtml(node, ctx, depth));
}

function inlineNodeHtml(node, ctx, depth) {
  switch (node.type) {
    case "text":
      return node.value;
    case "delim":
      return node.ch.repeat(node.count);
    case "br":
      return ctx.inline ? " " : html`<br>`;
    case "code":
      return html`<code>${node.value}</code>`;
    case "mention":
      return mentionHtml(node.username, ctx);
    case "link": {
      const text = inlineHtml(node.children, ctx, depth + 1);
      return html`<a href="${node.href}" ${LINK_ATTRS}>${text}</a>`;
    }
    case "strong":
    case "em":
    case "del": {
      if (depth >= MAX_INLINE_DEPTH) return textOf(node.children, ctx.mentionOf);
      const inner = inlineHtml(node.children, ctx, depth + 1);
      if (node.type === "strong") return html`<strong>${inner}</strong>`;
      if (node.type === "em") return html`<em>${inner}</em>`;
      return html`<del>${inner}</del>`;
    }
    default:
      throw new Error(`markdown: unknown inline node ${node.type}`);
  }
}

function lookUp(mentionOf, username) {
  if (!mentionOf) return null;
  const person = mentionOf(username.toLowerCase());
  return person && person.id !== undefined && person.id !== null ? person : null;
}

function mentionHtml(username, ctx) {
  const person = lookUp(ctx.mentionOf, username);
  if (!person) return `@${username}`;
  const mine = ctx.meId !== null && String(person.id) === String(ctx.meId);
  const cls = mine ? "mention mention-me" : "mention";
  const name = person.display_name || username;
  return html`<span class="${cls}" data-person-id="${person.id}">@${name}</span>`;
}

/** The text of inline nodes, without recursion so that deep nesting cannot overflow the stack. */
function textOf(nodes, mentionOf) {
  let out = "";
  const stack = [...nodes].reverse();
  while (stack.length) {
    const node = stack.pop();
    switch (node.type) {
      case "text":
        out += node.value;
        break;
      case "delim":
        out += node.ch.repeat(node.count);
        break;
      case "br":
        out += " ";
        break;
      case "code":
        out += node.value;
        break;
      case "mention": {
        const person = lookUp(mentionOf, node.username);
        out += `@${person ? person.display_name || node.username : node.username}`;
        break;
      }
      default:
        for (let k = node.children.length - 1; k >= 0; k--) stack.push(node.children[k]);
    }
  }
  return out;
}
