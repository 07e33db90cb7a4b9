"""Every table of the hub itself, imported in one place: Alembic's env and the migration test
read SQLModel.metadata after importing this. Bots' tables come with their own packages."""

import hub.card_groups
import hub.files.models
import hub.integrations.models
import hub.models
import hub.timers.models  # noqa: F401

__all__: list[str] = []
