/**
 * A card text in the reader's language. A text is a string or a map of languages
 * ({"zh-CN": "…", "en": "…"}, card schema 2; docs/cards.md "Text in the reader's language").
 *
 *   localText({ "zh-CN": "结束投票", en: "Close poll" }, "en-GB")  // "Close poll"
 *
 * The reader's locale, then its language, then English, then Chinese, then any value.
 */
export function localText(text, locale) {
  if (text == null) return "";
  if (typeof text !== "object") return String(text);
  const wanted = String(locale || "");
  const keys = [wanted, wanted.split("-")[0], "en", "zh-CN"];
  for (const key of keys) {
    if (key && typeof text[key] === "string") return text[key];
  }
  const first = Object.values(text).find((value) => typeof value === "string");
  return first ?? "";
}

/** An input block (or a table's column) with its label, placeholder, hint, option labels
 * and columns in `locale`. */
export function localInput(block, locale) {
  const local = { ...block, label: localText(block.label, locale) };
  if (block.placeholder != null) local.placeholder = localText(block.placeholder, locale);
  if (block.hint != null) local.hint = localText(block.hint, locale);
  if (Array.isArray(block.options)) {
    local.options = block.options.map((option) => ({
      ...option,
      label: localText(option.label, locale),
    }));
  }
  if (Array.isArray(block.columns)) {
    local.columns = block.columns.map((column) => localInput(column, locale));
  }
  return local;
}
