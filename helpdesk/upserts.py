"""What became of each item of a batch upsert (orders, participants, codes): the import and the API report it."""

import enum
from dataclasses import dataclass, field


class Result(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Outcome:
    """What became of one item of a batch; a rejected one says why, per field."""

    result: Result
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return "; ".join(f"{name}: {message}" for name, message in self.errors.items())
