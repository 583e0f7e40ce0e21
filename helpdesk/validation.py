"""Collects field errors so a service reports every bad field at once, then raises one ValidationError."""

import re
from collections.abc import Callable
from typing import Any

from helpdesk.errors import ValidationError


class FieldErrors:
    def __init__(self):
        self.fields: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, message)

    def check(self, field: str, convert: Callable[[], Any]) -> Any:
        """Run ``convert``; a ValueError becomes the field's message and the result None."""
        try:
            return convert()
        except ValueError as exc:
            self.add(field, str(exc))
            return None

    def text(self, field: str, value, *, max_length: int, required: bool = True, pattern: str | None = None,
             pattern_message: str = "has an invalid format") -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, "is required")
            return None if required else ""
        if not isinstance(value, str):
            self.add(field, "must be text")
            return None
        value = value.strip()
        if "\x00" in value:
            self.add(field, "contains a NUL character")
        elif len(value) > max_length:
            self.add(field, f"is longer than {max_length} characters")
        elif pattern and not re.match(pattern, value):
            self.add(field, pattern_message)
        else:
            return value
        return None

    def choice(self, field: str, value, enum_class, *, required: bool = True):
        if value is None or value == "":
            if required:
                self.add(field, "is required")
            return None
        try:
            return enum_class(value)
        except ValueError:
            self.add(field, f"must be one of {', '.join(m.value for m in enum_class)}")
            return None

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(dict(self.fields))
