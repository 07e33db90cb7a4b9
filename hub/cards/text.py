"""Card texts that may be one string or a map of languages, and reading them in one language.

A card text is a plain string or `{"zh-CN": "…", "en": "…"}` (card schema 2). The web
client shows each reader their language; what the hub writes once for everyone (the
stored message text, the generated fallback) is read in the org default. See docs/cards.md
("Text in the reader's language").
"""

from __future__ import annotations

from collections.abc import Mapping

LOCALES = ("zh-CN", "en")
# The language of what the hub writes once for everyone (the org's language).
DEFAULT_LOCALE = "zh-CN"

LocalText = str | Mapping[str, str]


def resolve(text: object, locale: str = DEFAULT_LOCALE) -> str:
    """`text` in `locale`: the exact locale, its language, then English, Chinese, any value."""
    if isinstance(text, str):
        return text
    if not isinstance(text, Mapping) or not text:
        return ""
    language = locale.split("-")[0]
    for key in (locale, language, "en", "zh-CN"):
        if isinstance(text.get(key), str):
            return str(text[key])
    return str(next(iter(text.values())))
