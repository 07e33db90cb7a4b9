"""A PATCH body: the fields it names are the change, and it must name at least one.

Each field is `X | MISSING = MISSING`: left out, it stays as it is; `null` is not a value
(the document says so too), and an empty change is refused with the fields one may give.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError


class ChangeBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    @model_validator(mode="after")
    def _names_a_change(self) -> Self:
        if not self.model_fields_set:
            fields = ", ".join(f"`{name}`" for name in type(self).model_fields)
            raise PydanticCustomError(
                "no_change", "Give at least one field to change: {fields}.", {"fields": fields}
            )
        return self
