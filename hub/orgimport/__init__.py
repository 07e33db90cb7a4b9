"""`hub import-org`: departments and people from the files HR systems export (CSV or JSON).

An import is a sync, not a one-off load: it is re-run whenever HR changes, so rows are
matched to what the hub already holds (departments by external id, people by employee
id, else username) and only differences are written. Every row is checked before the
first write, and nothing is written if any row is bad, so a half-applied org chart can
never route an approval to the wrong manager. The file format is in docs/operations.md.

The steps are one module each: `reading` (files to rows), `checks` (rows against the hub),
`sync` (writing the difference and reporting it).
"""

from __future__ import annotations

from hub.orgimport.checks import OrgCheck, PersonKey, parse_active, split_roles
from hub.orgimport.reading import (
    DEPARTMENT_COLUMNS,
    PEOPLE_COLUMNS,
    ImportFiles,
    ImportProblems,
    Row,
    read_import_files,
)
from hub.orgimport.sync import ImportReport, OrgSync, import_org, revoke_tokens

__all__ = [
    "DEPARTMENT_COLUMNS",
    "PEOPLE_COLUMNS",
    "ImportFiles",
    "ImportProblems",
    "ImportReport",
    "OrgCheck",
    "OrgSync",
    "PersonKey",
    "Row",
    "import_org",
    "parse_active",
    "read_import_files",
    "revoke_tokens",
    "split_roles",
]
