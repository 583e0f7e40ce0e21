"""Who acts: a staff user, an API token, or the system itself (webhooks, the worker).

Services take ``actor`` explicitly and ask it only these two things.
"""

from dataclasses import dataclass
from typing import Protocol


class Actor(Protocol):
    display_name: str

    def visible_program_ids(self) -> set[int] | None:
        """Program ids the actor may see and change; None means every program."""


@dataclass(frozen=True)
class SystemActor:
    display_name: str = "System"

    def visible_program_ids(self) -> set[int] | None:
        return None


def can_access(actor: Actor, program_id: int) -> bool:
    visible = actor.visible_program_ids()
    return visible is None or program_id in visible
