import { test } from "node:test";
import assert from "node:assert/strict";

import { SafeHtml } from "../../web/js/lib/html.js";
import { plainText, renderMarkdown } from "../../web/js/lib/markdown.js";

const PEOPLE = {
  "liu.yang": { id: 7, display_name: "刘洋" },
  "zhao.lei": { id: 9, display_name: "赵磊" },
  ann: { id: 3, display_name: 'Ann "<b>" O\'Neil' },
};
const OPTIONS = { mentionOf: (username) => PEOPLE[username] ?? null, meId: 9 };
const md = (text, options = OPTIONS) => String(renderMarkdown(text, options));
const LINK_ATTRS = 'target="_blank" rel="noopener noreferrer nofollow"';
const TAGS = new Set([
  "p",
  "br",
  "strong",
  "em",
  "del",
  "code",
  "pre",
  "blockquote",
  "ul",
  "ol",
  "li",
  "a",
  "span",
]);

/** Every tag in the output is one we emit, with quoted attributes, no handlers and safe links. */
function assertSafe(output) {
  assert.doesNotMatch(output, /<script/i);
  for (const [, name, attrs] of output.matchAll(/<\/?([a-zA-Z0-9-]+)([^>]*)>/g)) {
    assert.ok(TAGS.has(name.toLowerCase()), `unexpected tag <${name}> in ${output}`);
    assert.match(attrs, /^(\s[a-z-]+="[^"<>]*")*$/, `unquoted attribute in ${output}`);
    for (const [, attr, value] of attrs.matchAll(/\s([a-z-]+)="([^"]*)"/g)) {
      assert.doesNotMatch(attr, /^on/i, `event handler attribute in ${output}`);
      if (attr === "href")
        assert.match(value, /^(https?:\/\/|mailto:|\/(?![/\\]))/, `unsafe href in ${output}`);
      assert.doesNotMatch(value, /javascript:/i);
    }
  }
  const outsideTags = output.replace(/<[^>]*>/g, "");
  assert.doesNotMatch(outsideTags, /[<>]/, "a raw < or > outside a tag");
}

const XSS = [
  "<img src=x onerror=alert(1)>",
  "<script>alert(1)</script>",
  "[x](javascript:alert(1))",
  "[x](JaVaScRiPt:alert(1))",
  "[x](java\tscript:alert(1))",
  "[x]( javascript:alert(1))",
  "[x](data:text/html;base64,PHNjcmlwdD4=)",
  "[x](vbscript:msgbox(1))",
  "[x](/relative/path)",
  "[x](//evil.example/path)",
  '[x](https://ok.example/"onmouseover="alert(1))',
  '[x" onmouseover="alert(1)](https://ok.example/)',
  "[<img src=x onerror=alert(1)>](https://ok.example/)",
  'https://ok.example/"><script>alert(1)</script>',
  "https://ok.example/'onmouseover='alert(1)",
  '@"><script>alert(1)</script>',
  "@ann",
  "`<b>`",
  "```\n<script>alert(1)</script>\n```",
  "**<svg onload=alert(1)>**",
  "> <iframe src=javascript:alert(1)>",
  "- <a href=javascript:alert(1)>x</a>",
  "# <style>*{}</style>",
  "&lt;script&gt; &amp; &#x3C;",
  "[a](https://ok.example/x) [b](javascript:alert(1)) [c](mailto:x@y.z)",
];

test("XSS vectors render as text, never as markup", () => {
  for (const vector of XSS) {
    for (const inline of [false, true]) {
      const output = md(vector, { ...OPTIONS, inline });
      assertSafe(output);
    }
  }
});

test("raw HTML in the input is shown as text", () => {
  assert.equal(md("<img src=x onerror=alert(1)>"), "<p>&lt;img src=x onerror=alert(1)&gt;</p>");
  assert.equal(md("&amp;"), "<p>&amp;amp;</p>");
});

test("links with other schemes stay plain text, whatever their case", () => {
  assert.equal(md("[x](javascript:alert(1))"), "<p>[x](javascript:alert(1))</p>");
  assert.equal(md("[x](JaVaScRiPt:alert(1))"), "<p>[x](JaVaScRiPt:alert(1))</p>");
  assert.equal(md("[x](data:text/html,hi)"), "<p>[x](data:text/html,hi)</p>");
  assert.doesNotMatch(md("see javascript:alert(1)"), /<a/);
});

test(
  "a path on the hub is a link (bots link attached files); " + "another host in disguise is not",
  () => {
    assert.equal(
      md("[taxi.pdf](/api/v1/files/f_Ab-9)"),
      `<p><a href="/api/v1/files/f_Ab-9" ${LINK_ATTRS}>taxi.pdf</a></p>`,
    );
    for (const bad of ["[x](//evil.example/a)", "[x](/\\evil.example)", "[x](/a b)"]) {
      assert.doesNotMatch(md(bad), /<a/, bad);
    }
    for (const input of ["[x](//evil.example/a)", "[x](/\\evil.example)", "[x](/api/v1/files/f_1)"])
      assertSafe(md(input));
  },
);

test("http, https and mailto links open in a new tab without referrer", () => {
  assert.equal(
    md("[the docs](https://example.com/a?b=1&c=2)"),
    `<p><a href="https://example.com/a?b=1&amp;c=2" ${LINK_ATTRS}>the docs</a></p>`,
  );
  assert.equal(
    md("[HTTP](HTTP://EXAMPLE.com)"),
    `<p><a href="http://example.com/" ${LINK_ATTRS}>HTTP</a></p>`,
  );
  assert.equal(
    md("[mail](mailto:a@b.example)"),
    `<p><a href="mailto:a@b.example" ${LINK_ATTRS}>mail</a></p>`,
  );
  assert.equal(
    md("[**b** _i_](https://a.example/)"),
    `<p><a href="https://a.example/" ${LINK_ATTRS}><strong>b</strong> <em>i</em></a></p>`,
  );
});

test("quotes in link URLs and texts cannot break the attribute", () => {
  const output = md('[say "hi"](https://example.com/"onmouseover="alert(1))');
  assert.equal(
    output,
    `<p><a href="https://example.com/%22onmouseover=%22alert(1)" ${LINK_ATTRS}>` +
      "say &quot;hi&quot;</a></p>",
  );
});

test("bare http(s) URLs become links, without the sentence punctuation around them", () => {
  assert.equal(
    md("see https://example.com/a_(b), ok."),
    `<p>see <a href="https://example.com/a_(b)" ${LINK_ATTRS}>` +
      "https://example.com/a_(b)</a>, ok.</p>",
  );
  assert.equal(
    md("(at http://example.com/x)"),
    `<p>(at <a href="http://example.com/x" ${LINK_ATTRS}>http://example.com/x</a>)</p>`,
  );
  assert.equal(
    md("详见https://example.com/路径，谢谢"),
    `<p>详见<a href="https://example.com/%E8%B7%AF%E5%BE%84" ${LINK_ATTRS}>` +
      "https://example.com/路径</a>，谢谢</p>",
  );
  assert.equal(
    md("**https://example.com/a_b_c**"),
    `<p><strong><a href="https://example.com/a_b_c" ${LINK_ATTRS}>` +
      "https://example.com/a_b_c</a></strong></p>",
  );
  assert.equal(md("xhttps://example.com"), "<p>xhttps://example.com</p>");
  assert.equal(md("https://"), "<p>https://</p>");
});

test("emphasis, strike and their nesting", () => {
  assert.equal(
    md("**bold** *it* _it_ ~~gone~~"),
    "<p><strong>bold</strong> <em>it</em> <em>it</em> <del>gone</del></p>",
  );
  assert.equal(md("**bold _it_**"), "<p><strong>bold <em>it</em></strong></p>");
  assert.equal(md("*a **b** c*"), "<p><em>a <strong>b</strong> c</em></p>");
  assert.equal(md("***both***"), "<p><em><strong>both</strong></em></p>");
});

test("delimiters that are not emphasis stay as written", () => {
  assert.equal(md("snake_case_name and 2 * 3 * 4"), "<p>snake_case_name and 2 * 3 * 4</p>");
  assert.equal(md("~single~ and **unclosed"), "<p>~single~ and **unclosed</p>");
  assert.equal(md("\\*not em\\*"), "<p>*not em*</p>");
});

test("emphasis works in Chinese without spaces", () => {
  assert.equal(md("这是**重要：**这个"), "<p>这是<strong>重要：</strong>这个</p>");
  assert.equal(md("请在*周四*前"), "<p>请在<em>周四</em>前</p>");
});

test("code spans protect their content from formatting and mentions", () => {
  assert.equal(md("a `**x** _y_ @ann <b>` b"), "<p>a <code>**x** _y_ @ann &lt;b&gt;</code> b</p>");
  assert.equal(md("`<b>`"), "<p><code>&lt;b&gt;</code></p>");
  assert.equal(md("``a ` b``"), "<p><code>a &#96; b</code></p>");
  assert.equal(md("*a `*` b*"), "<p><em>a <code>*</code> b</em></p>");
  assert.equal(md("`unclosed **b**"), "<p>&#96;unclosed <strong>b</strong></p>");
});

test("fenced code blocks: language ignored, content escaped, no formatting", () => {
  assert.equal(
    md("```js\n<b>**x**</b> @ann\n  indented\n```\nafter"),
    "<pre><code>&lt;b&gt;**x**&lt;/b&gt; @ann\n  indented</code></pre><p>after</p>",
  );
  assert.equal(md("```\nnever closed\n**x**"), "<pre><code>never closed\n**x**</code></pre>");
  assert.equal(md("```one line```"), "<p><code>one line</code></p>");
});

test("paragraphs, line breaks and newline-only input", () => {
  assert.equal(md("one\ntwo\n\nthree"), "<p>one<br>two</p><p>three</p>");
  assert.equal(md("a\r\nb"), "<p>a<br>b</p>");
  assert.equal(md("\n\n\n"), "");
  assert.equal(md("  \n \t\n"), "");
  assert.equal(md(""), "");
  assert.ok(renderMarkdown("\n") instanceof SafeHtml);
});

test("quotes, lists and headings", () => {
  assert.equal(
    md("> quoted *text*\n> more\nafter"),
    "<blockquote><p>quoted <em>text</em><br>more</p></blockquote><p>after</p>",
  );
  assert.equal(
    md("Tasks:\n- one\n* two\n  continued"),
    "<p>Tasks:</p><ul><li>one</li><li>two<br>continued</li></ul>",
  );
  assert.equal(md("1. first\n2. second"), "<ol><li>first</li><li>second</li></ol>");
  assert.equal(md("3. third\n4) fourth"), '<ol start="3"><li>third</li><li>fourth</li></ol>');
  assert.equal(
    md("# Title\n## Sub ##\n### Small"),
    '<p><strong class="md-h">Title</strong></p><p><strong class="md-h">Sub</strong></p>' +
      '<p><strong class="md-h">Small</strong></p>',
  );
  assert.equal(md("#### four\n#hashtag"), "<p>#### four<br>#hashtag</p>");
  assert.equal(md("*not a list*"), "<p><em>not a list</em></p>");
});

test("mentions of known people show their name; the reader's own are marked", () => {
  assert.equal(
    md("请 @liu.yang 和 @zhao.lei 周四前完成"),
    '<p>请 <span class="mention" data-person-id="7">@刘洋</span> 和 ' +
      '<span class="mention mention-me" data-person-id="9">@赵磊</span> 周四前完成</p>',
  );
  assert.equal(md("@Liu.Yang"), '<p><span class="mention" data-person-id="7">@刘洋</span></p>');
  assert.equal(
    md("@ann"),
    '<p><span class="mention" data-person-id="3">@Ann &quot;&lt;b&gt;&quot; O&#39;Neil</span></p>',
  );
});

test("mentions follow the server's pattern", () => {
  assert.equal(md("@nobody here"), "<p>@nobody here</p>");
  assert.equal(md("mail liu@liu.yang"), "<p>mail liu@liu.yang</p>");
  assert.equal(md("@@liu.yang"), "<p>@@liu.yang</p>");
  assert.equal(md("请@liu.yang"), "<p>请@liu.yang</p>"); // Python's \w includes Chinese letters
  assert.equal(
    md("**@liu.yang**"),
    '<p><strong><span class="mention" data-person-id="7">@刘洋</span></strong></p>',
  );
  assert.equal(md("@liu.yang", {}), "<p>@liu.yang</p>");
  const asked = [];
  renderMarkdown("hi @Ann_B.x-y", {
    mentionOf: (name) => {
      asked.push(name);
      return null;
    },
  });
  assert.deepEqual(asked, ["ann_b.x-y"]);
});

test("inline mode renders no blocks and turns newlines into spaces", () => {
  const text = "# Plan\n> quoted\n- **one**\n- two\n\n```\ncode\nmore\n```\n1. x\nend\nline";
  const output = md(text, { ...OPTIONS, inline: true });
  assert.equal(
    output,
    "Plan quoted • <strong>one</strong> • two <code>code more</code> 1. x end line",
  );
  assert.doesNotMatch(output, /<(p|ul|ol|li|pre|blockquote|br)\b/);
  assert.equal(
    md("hi @liu.yang", { ...OPTIONS, inline: true }),
    'hi <span class="mention" data-person-id="7">@刘洋</span>',
  );
});

test("plainText gives a one-line preview without markup", () => {
  assert.equal(
    plainText("**Deploy** _today_ at `10:00`\n\n- see [the plan](https://x.example/)\n> ok"),
    "Deploy today at 10:00 • see the plan ok",
  );
  assert.equal(plainText("<b>literal</b>"), "<b>literal</b>");
  assert.equal(plainText("\n\n"), "");
  assert.equal(plainText("请 @liu.yang 看看"), "请 @liu.yang 看看");
  assert.equal(plainText("请 @liu.yang 看看", OPTIONS), "请 @刘洋 看看");
});

test("pathological input renders without overflowing the stack", () => {
  const inputs = [
    "*a ".repeat(4000),
    "a* ".repeat(4000),
    "[".repeat(10000),
    "[a](".repeat(2500),
    `${"*_".repeat(2500)}x${"_*".repeat(2500)}`, // 5000 levels of emphasis
    `${"> ".repeat(5000)}x`,
    `# a${" ".repeat(10000)}x`,
    Array.from({ length: 120 }, (_, i) => "`".repeat(i + 1)).join(" a "),
  ];
  for (const input of inputs) {
    assertSafe(md(input));
    assert.ok(plainText(input).length > 0);
  }
});
