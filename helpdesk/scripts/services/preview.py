"""The editor's preview: every step of a script rendered against a sample case the manager may see."""

import re

from sqlalchemy import select

from helpdesk.actors import Actor
from helpdesk.cases.models import Case
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.scripts.definition import Definition
from helpdesk.scripts.merge_fields import resolve_values
from helpdesk.scripts.rendering import RenderedStep, render_step

REFERENCE = re.compile(r"^\s*([A-Za-z0-9_]+)-(\d{1,9})\s*$")


def sample_case(reference: str | None, *, category: str | None, actor: Actor) -> Case | None:
    """The case ``CODE-N`` when given (ValidationError if the actor cannot see it), else the latest case of the
    category in the actor's programs, else None."""
    visible = actor.visible_program_ids()
    query = select(Case).join(Program, Program.id == Case.program_id).order_by(Case.id.desc()).limit(1)
    if visible is not None:
        query = query.where(Case.program_id.in_(visible))
    if reference and reference.strip():
        match = REFERENCE.match(reference)
        found = db.session.scalar(query.where(Program.code == match[1].upper(), Case.number == int(match[2]))
                                  ) if match else None
        if found is None:
            raise ValidationError("sample", f"no case {reference.strip()!r} in your programs")
        return found
    return db.session.scalar(query.where(Case.category == category)) if category else None


def preview_steps(definition: Definition, case: Case | None, agent) -> list[RenderedStep]:
    values = resolve_values(case, agent)
    return [render_step(step, values) for step in definition.steps]
