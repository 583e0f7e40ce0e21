"""Slots on shared pages where features add their panels (script runner, reward orders, calls...).

A feature's ``init_app`` registers ``build(subject, actor) -> dict | None`` with a template for a slot, on
that app; the page renders every panel whose build returned a context. The case and participant views stay
unaware of the features.

Slots: ``case_main`` and ``case_side`` (the case page's two columns), ``participant_panel`` (the participant
card on the case page; subject is the participant), ``participant_page`` (the participant's own page),
``call_pop`` (one line of the screen pop in the call bar; subject is the caller).
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

SLOTS = ("case_main", "case_side", "participant_panel", "participant_page", "call_pop")


@dataclass(frozen=True)
class Panel:
    template: str
    build: Callable
    order: int


def register_panel(app: Flask, slot: str, template: str, build: Callable, order: int = 50) -> None:
    if slot not in SLOTS:
        raise ValueError(f"unknown panel slot {slot!r}")
    panels = app.extensions.setdefault("panels", {name: [] for name in SLOTS})[slot]
    panels.append(Panel(template, build, order))
    panels.sort(key=lambda panel: panel.order)


def render_slot(slot: str, subject, actor) -> list[tuple[str, dict]]:
    """``[(template, context), ...]`` for the panels of ``slot`` that have something to show."""
    panels = []
    for panel in current_app.extensions.get("panels", {}).get(slot, ()):
        context = panel.build(subject, actor)
        if context is not None:
            panels.append((panel.template, context))
    return panels
