"""Reading HR export files (CSV or JSON) into rows keyed by the hub's column names.

HR systems name and encode their columns in many ways; this module maps their headers onto
ours (see the alias tables) and reports a file that cannot be read, before anything is checked.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEPARTMENT_COLUMNS: tuple[str, ...] = ("external_id", "name", "name_en", "parent", "head")
PEOPLE_COLUMNS: tuple[str, ...] = (
    "external_id",
    "username",
    "display_name",
    "name_en",
    "email",
    "department",
    "manager",
    "title",
    "roles",
    "locale",
    "time_zone",
    "active",
)
# Names HR systems commonly give these columns; the header is lowercased and spaces and
# dashes become underscores before this lookup.
_DEPARTMENT_ALIASES = {
    "id": "external_id",
    "department_id": "external_id",
    "dept_id": "external_id",
    "code": "external_id",
    "parent_id": "parent",
    "parent_external_id": "parent",
    "head_id": "head",
    "head_username": "head",
    "manager": "head",
}
_PEOPLE_ALIASES = {
    "id": "external_id",
    "employee_id": "external_id",
    "employee_no": "external_id",
    "emp_id": "external_id",
    "name": "display_name",
    "department_id": "department",
    "department_external_id": "department",
    "dept": "department",
    "dept_id": "department",
    "manager_id": "manager",
    "manager_employee_id": "manager",
    "timezone": "time_zone",
    "tz": "time_zone",
    "mail": "email",
}


class ImportProblems(Exception):
    """The files cannot be imported as they are; `problems` names each bad row and what to fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the import files")
        self.problems = problems


@dataclass
class Row:
    source: str  # "people.csv line 4" or "org.json people[3]": where to look in the file
    values: dict[str, str | None]  # only the columns the file has; None for a blank cell


@dataclass
class ImportFiles:
    departments: list[Row] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- reading files


def read_import_files(paths: Sequence[Path]) -> ImportFiles:
    """Parse the files; raises ImportProblems for files that cannot be read at all."""
    files = ImportFiles()
    problems: list[str] = []
    for path in paths:
        try:
            text = _read_text(path, files.warnings)
        except OSError as error:
            problems.append(
                f"{path}: cannot read the file ({error.strerror or error}); check the path."
            )
            continue
        if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
            problems += _read_json(path, text, files)
        else:
            problems += _read_csv(path, text, files)
    if problems:
        raise ImportProblems(problems)
    return files


def _read_text(path: Path, warnings: list[str]) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")  # Excel writes a BOM in front of UTF-8 CSV
    except UnicodeDecodeError:
        # Chinese Excel saves "CSV" in GBK; gb18030 reads all of it.
        warnings.append(
            f"{path.name}: not UTF-8, read as GB18030 (save as 'CSV UTF-8' to avoid this)"
        )
        return raw.decode("gb18030")


def _normalise_header(name: str, aliases: dict[str, str]) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return aliases.get(key, key)


def _read_csv(path: Path, text: str, files: ImportFiles) -> list[str]:
    first_line = text.split("\n", 1)[0]
    delimiter = (
        "\t"
        if "\t" in first_line and "," not in first_line
        else ";"
        if ";" in first_line and "," not in first_line
        else ","
    )
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        return [f"{path.name}: the file is empty; it needs a header row (see docs/operations.md)."]
    plain = {_normalise_header(h, {}) for h in header}
    if "username" in plain:
        kind, aliases, known, target = "people", _PEOPLE_ALIASES, PEOPLE_COLUMNS, files.people
    elif "parent" in plain or "parent_id" in plain or "parent_external_id" in plain:
        kind, aliases, known, target = (
            "departments",
            _DEPARTMENT_ALIASES,
            DEPARTMENT_COLUMNS,
            files.departments,
        )
    else:
        return [
            f"{path.name} line 1: cannot tell what this CSV holds: a people file needs a `username` column, "
            "a departments file a `parent` column."
        ]
    columns = [_normalise_header(h, aliases) for h in header]
    problems = _check_columns(path.name, columns, known, files.warnings)
    if problems:
        return problems
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        line = reader.line_num
        if len(cells) > len(columns):
            problems.append(
                f"{path.name} line {line}: {len(cells)} cells but {len(columns)} columns; check quoting."
            )
            continue
        values = {
            col: (cells[i].strip() or None) if i < len(cells) else None
            for i, col in enumerate(columns)
            if col in known
        }
        target.append(Row(f"{path.name} line {line}", values))
    if not target:
        files.warnings.append(f"{path.name}: no {kind} rows")
    return problems


def _check_columns(
    name: str, columns: list[str], known: Sequence[str], warnings: list[str]
) -> list[str]:
    seen: set[str] = set()
    problems = []
    for column in columns:
        if column in seen:
            problems.append(f"{name} line 1: column `{column}` appears twice; keep one.")
        seen.add(column)
        if column not in known:
            warnings.append(f"{name}: column `{column}` ignored (known: {', '.join(known)})")
    return problems


def _read_json(path: Path, text: str, files: ImportFiles) -> list[str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return [f"{path.name} line {error.lineno}: not valid JSON ({error.msg})."]
    if not isinstance(data, dict) or not ({"departments", "people"} & data.keys()):
        return [
            f'{path.name}: expected an object {{"departments": [...], "people": [...]}} (see docs/operations.md).'
        ]
    for key in data.keys() - {"departments", "people"}:
        files.warnings.append(f"{path.name}: section `{key}` ignored")
    problems: list[str] = []
    sections = (
        ("departments", _DEPARTMENT_ALIASES, DEPARTMENT_COLUMNS, files.departments),
        ("people", _PEOPLE_ALIASES, PEOPLE_COLUMNS, files.people),
    )
    for section, aliases, known, target in sections:
        items = data.get(section, [])
        if not isinstance(items, list):
            problems.append(f"{path.name}: `{section}` must be a list of objects.")
            continue
        ignored: set[str] = set()
        for index, item in enumerate(items):
            source = f"{path.name} {section}[{index}]"
            if not isinstance(item, dict):
                problems.append(f"{source}: expected an object, got {type(item).__name__}.")
                continue
            values: dict[str, str | None] = {}
            for key, value in item.items():
                column = _normalise_header(str(key), aliases)
                if column not in known:
                    ignored.add(column)
                    continue
                values[column] = _json_cell(value)
            target.append(Row(source, values))
        for column in sorted(ignored):
            files.warnings.append(
                f"{path.name}: {section} field `{column}` ignored (known: {', '.join(known)})"
            )
    return problems


def _json_cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value) or None
    return str(value).strip() or None
