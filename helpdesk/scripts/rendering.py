"""A step as the agent sees it: the text with merge fields filled in (escaped), the question and its options."""

from dataclasses import dataclass

from markupsafe import Markup

from helpdesk.scripts.definition import Action, Step
from helpdesk.scripts.merge_fields import render_text


@dataclass(frozen=True)
class RenderedStep:
    step: Step
    say: Markup
    label: Markup | None
    options: tuple[tuple[str, Markup], ...]
    action: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.step.id

    @property
    def question(self):
        return self.step.ask


def render_step(step: Step, values: dict[str, dict]) -> RenderedStep:
    ask = step.ask
    return RenderedStep(
        step=step,
        say=render_text(step.say, values),
        label=render_text(ask.label, values) if ask else None,
        options=tuple((o.value, render_text(o.label, values)) for o in ask.options) if ask else (),
        action=tuple(step.action.describe()) if step.action else (),
    )


def describe_action(data: dict | list) -> str:
    """An action stored on a ``script_run`` timeline entry, in the viewer's language (the ``script_action``
    filter). Entries written before actions were stored as data hold the English words themselves."""
    return ", ".join(Action(**data).describe() if isinstance(data, dict) else data)
