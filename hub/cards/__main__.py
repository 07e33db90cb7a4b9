"""`python -m hub.cards`: rewrite docs/card.schema.json from the card models."""

from __future__ import annotations

from pathlib import Path

from hub.cards.json_schema import render_json_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "card.schema.json"


def main() -> None:
    SCHEMA_FILE.write_text(render_json_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")


if __name__ == "__main__":
    main()
