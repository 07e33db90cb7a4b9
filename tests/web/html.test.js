import { test } from "node:test";
import assert from "node:assert/strict";

import { SafeHtml, classes, escapeHtml, html, raw, render } from "../../web/js/lib/html.js";

test("escapeHtml escapes & < > \" ' and backtick", () => {
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&\`</a>`),
    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;",
  );
  assert.equal(escapeHtml(42), "42");
});

test("html escapes interpolated text and returns SafeHtml", () => {
  const out = html`<p>${"<img src=x onerror=alert(1)>"}</p>`;
  assert.ok(out instanceof SafeHtml);
  assert.equal(String(out), "<p>&lt;img src=x onerror=alert(1)&gt;</p>");
});

test("html keeps values inside attribute quotes", () => {
  const evil = `" onmouseover="alert(1)`;
  assert.equal(
    String(html`<a title="${evil}">x</a>`),
    '<a title="&quot; onmouseover=&quot;alert(1)">x</a>',
  );
  assert.equal(
    String(html`<a title='${"' onclick='x"}'>x</a>`),
    "<a title='&#39; onclick=&#39;x'>x</a>",
  );
});

test("html inserts SafeHtml as is and renders arrays item by item", () => {
  const items = ["a<", "b&"].map((s) => html`<li>${s}</li>`);
  assert.equal(String(html`<ul>${items}</ul>`), "<ul><li>a&lt;</li><li>b&amp;</li></ul>");
  assert.equal(String(html`${[["<", html`<br>`], "x"]}`), "&lt;<br>x");
});

test("null, undefined and false render nothing; 0 and true render as text", () => {
  assert.equal(String(html`[${null}${undefined}${false}]`), "[]");
  assert.equal(String(html`[${0}|${true}|${""}]`), "[0|true|]");
});

test("a plain object is escaped through String(), not trusted", () => {
  const sneaky = { toString: () => "<script>" };
  assert.equal(String(html`${sneaky}`), "&lt;script&gt;");
});

test("html refuses to be called as a function", () => {
  assert.throws(() => html("<b>"), /template tag/);
});

test("raw wraps a constant and refuses non-strings", () => {
  const icon = raw('<svg viewBox="0 0 1 1"></svg>');
  assert.equal(String(html`<i>${icon}</i>`), '<i><svg viewBox="0 0 1 1"></svg></i>');
  assert.throws(() => raw({ text: "x" }), TypeError);
});

test("render sets innerHTML from SafeHtml only", () => {
  const element = { innerHTML: "" };
  render(element, html`<b>${"<i>"}</b>`);
  assert.equal(element.innerHTML, "<b>&lt;i&gt;</b>");
  assert.throws(
    () => render(element, "<b>user text</b>"),
    (error) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /SafeHtml/);
      assert.match(error.message, /html`/);
      return true;
    },
  );
  assert.equal(element.innerHTML, "<b>&lt;i&gt;</b>");
});

test("classes joins the names whose value is truthy", () => {
  assert.equal(classes({ a: true, b: false, c: 1, d: null, e: "" }), "a c");
  assert.equal(classes({}), "");
  assert.equal(
    String(html`<li class="${classes({ unread: true, muted: false })}">`),
    '<li class="unread">',
  );
});

test("classes refuses names that would need escaping", () => {
  assert.throws(() => classes({ 'x" onclick="y': true }), TypeError);
  assert.throws(() => classes({ "two words": true }), /class name/);
  assert.equal(classes({ 'x" onclick="y': false }), "");
});
