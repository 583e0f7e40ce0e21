"""The editor's preview: every step of a script rendered against a sample case the manager may see, the
problems the checks find, and an example value of every merge field for that case."""

import re
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select

from helpdesk.actors import Actor
from helpdesk.cases.models import Case
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.scripts.checker import check_document
from helpdesk.scripts.definition import Definition
from helpdesk.scripts.merge_fields import available_fields, render_text, resolve_values
from helpdesk.scripts.rendering import RenderedStep, render_step
from helpdesk.scripts.schema import Problem

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


@dataclass(frozen=True)
class LivePreview:
    problems: list[Problem]
    steps: list[RenderedStep] | None  # None: nothing previewed yet (the editor as first opened)
    case: Case | None
    examples: list[tuple[str, Markup | None]]  # every merge field as the agent would see it; None: no value


def live_preview(document: dict, sample: str | None, *, actor: Actor, problems=()) -> LivePreview:
    """What the editor shows for ``document`` (the file format): the checks' problems unless ``problems`` are
    given (those of a refused save), and the steps rendered against the sample case when the script checks."""
    definition, found = check_document(document)
    return _preview(definition, sample, document.get("category"), actor, list(problems) or found)


def merge_examples(sample: str | None, *, category: str | None, actor: Actor) -> LivePreview:
    """The merge fields' example values alone, for the editor as first opened."""
    return _preview(None, sample, category, actor, [])


def _preview(definition: Definition | None, sample, category, actor, problems) -> LivePreview:
    try:
        case = sample_case(sample, category=category, actor=actor)
    except ValidationError as exc:
        case, problems = None, [*problems, Problem(("sample",), exc.fields["sample"])]
    values = resolve_values(case, actor)
    steps = [render_step(step, values) for step in definition.steps] if definition else None
    examples = [(name, _example(name, values)) for name in available_fields()]
    return LivePreview(problems, steps, case, examples)


def _example(name: str, values: dict[str, dict]) -> Markup | None:
    namespace, field = name.split(".")
    return render_text(f"{{{{ {name} }}}}", values) if (values.get(namespace) or {}).get(field) is not None else None
