"""A table block's cells and totals as text: what the fallback writes for a table.

The web client draws the same with its own formatting (web/js/cards/table.js); both add
amounts as decimals, never as floats, so a column of 0.10s totals 0.30. See docs/cards.md
("The table block").
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from hub.cards.text import DEFAULT_LOCALE, resolve

_CENT = Decimal("0.01")
TOTAL_WORD = {"zh-CN": "合计", "en": "Total"}


def amount(cell: object) -> Decimal | None:
    """A number or decimal string as a Decimal; None for anything else (a blank cell)."""
    if isinstance(cell, Decimal):
        return cell
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        return None
    try:
        value = Decimal(str(cell).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def column_totals(table: dict[str, Any]) -> dict[str, Decimal]:
    """The total of each column marked `total`, by column id (blank cells add nothing)."""
    totals: dict[str, Decimal] = {}
    for column in table["columns"]:
        if column.get("total"):
            cells = (amount(row.get(column["id"])) for row in table.get("rows") or ())
            totals[column["id"]] = sum((cell for cell in cells if cell is not None), Decimal(0))
    return totals


def cell_text(column: dict[str, Any], cell: object, locale: str = DEFAULT_LOCALE) -> str:
    """One cell as plain text: money with its currency and cents, a select's option label."""
    if cell is None or cell == "":
        return ""
    kind = column.get("kind", "text")
    if kind == "money":
        value = amount(cell)
        if value is not None:
            return f"{column.get('currency') or 'CNY'} {value.quantize(_CENT)}"
    if kind == "number" and isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if kind == "select":
        for option in column.get("options") or ():
            if option["value"] == cell:
                return resolve(option["label"], locale)
    return str(cell)


def table_text(table: dict[str, Any], locale: str = DEFAULT_LOCALE) -> str:
    """The title, a line of column labels, one line per row, and a line of totals."""
    columns = table["columns"]
    lines = [resolve(table["title"], locale)] if table.get("title") else []
    lines.append(" | ".join(resolve(column["label"], locale) for column in columns))
    for row in table.get("rows") or ():
        cells = [cell_text(column, row.get(column["id"]), locale) or "—" for column in columns]
        lines.append(" | ".join(cells))
    totals = column_totals(table)
    if totals:
        parts = [
            f"{resolve(column['label'], locale)} {cell_text(column, totals[column['id']], locale)}"
            for column in columns
            if column["id"] in totals
        ]
        lines.append(f"{resolve(TOTAL_WORD, locale)}: " + "; ".join(parts))
    return "\n".join(lines)
