"""A checked script as plain frozen objects, and the rules a run follows: answers, branch conditions, next step.

A definition is stored as JSON on its version (``to_json``) and read back with ``Definition.from_json``; only
the checker builds one from a file or an editor submission.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _

from helpdesk.cases.models import Category, Status
from helpdesk.validation import within_years

QUESTION_TYPES = ("text", "yes_no", "choice", "number", "date")
MAX_TEXT_ANSWER = 500
_NUMBER = r"-?\d+(?:[.,]\d+)?"
_COMPARISON = re.compile(rf"^(<=|>=|<|>|=)?\s*({_NUMBER})$")
_RANGE = re.compile(rf"^({_NUMBER})\s*\.\.\s*({_NUMBER})$")
_DAYS = re.compile(r"^(older than|within) (\d{1,5}) days?$")


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    type: str
    label: str
    required: bool = True
    options: tuple[Option, ...] = ()

    def option_label(self, value) -> str:
        return next((o.label for o in self.options if o.value == value), str(value))


@dataclass(frozen=True)
class Branch:
    when: str
    next: str


@dataclass(frozen=True)
class Action:
    """What an end step suggests; applied with one click when the agent finishes the run."""

    category: str | None = None
    status: str | None = None
    reward_case: str | None = None  # subject of a new reward-delivery case for the same participant
    callback_hours: int | None = None

    def describe(self) -> list[str]:
        """What the action does, in the words of the current locale."""
        parts = []
        if self.category:
            parts.append(_("set the category to %(category)s", category=Category(self.category).label.lower()))
        if self.status:
            parts.append(_("set the status to %(status)s", status=Status(self.status).label.lower()))
        if self.reward_case:
            parts.append(_("open a reward-delivery case “%(subject)s”", subject=self.reward_case))
        if self.callback_hours:
            parts.append(_("schedule a callback in %(hours)s h", hours=self.callback_hours))
        return parts

    def to_json(self) -> dict:
        return {"category": self.category, "status": self.status, "reward_case": self.reward_case,
                "callback_hours": self.callback_hours}


@dataclass(frozen=True)
class Step:
    id: str
    say: str = ""
    ask: Question | None = None
    branches: tuple[Branch, ...] = ()
    next: str | None = None
    end: bool = False
    action: Action | None = None

    def targets(self) -> list[str]:
        """Every step this one can lead to, branches first."""
        found = [b.next for b in self.branches]
        return found + [self.next] if self.next else found

    def next_for(self, answer, today: date | None = None) -> str | None:
        """The step after this one for ``answer`` (None when the step ends the script)."""
        if self.end:
            return None
        if self.ask is not None and answer not in (None, ""):
            for branch in self.branches:
                if condition(self.ask, branch.when)(answer, today or date.today()):
                    return branch.next
        return self.next


@dataclass(frozen=True)
class Definition:
    id: str
    title: str
    program: str  # a program code, or "all"
    category: str
    locale: str
    steps: tuple[Step, ...]
    start: str
    rank: int = 100
    _by_id: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._by_id.update({step.id: step for step in self.steps})

    def step(self, step_id: str) -> Step:
        return self._by_id[step_id]

    def has_step(self, step_id: str) -> bool:
        return step_id in self._by_id

    def to_json(self) -> dict:
        return {
            "id": self.id, "title": self.title, "program": self.program, "category": self.category,
            "locale": self.locale, "rank": self.rank, "start": self.start,
            "steps": [_step_json(step) for step in self.steps],
        }

    @classmethod
    def from_json(cls, data: dict) -> "Definition":
        return cls(id=data["id"], title=data["title"], program=data["program"], category=data["category"],
                   locale=data["locale"], rank=data.get("rank", 100), start=data["start"],
                   steps=tuple(_step_from_json(s) for s in data["steps"]))


def _step_json(step: Step) -> dict:
    ask = None
    if step.ask is not None:
        ask = {"type": step.ask.type, "label": step.ask.label, "required": step.ask.required,
               "options": [{"value": o.value, "label": o.label} for o in step.ask.options]}
    action = step.action.to_json() if step.action is not None else None
    return {"id": step.id, "say": step.say, "ask": ask, "branches": [[b.when, b.next] for b in step.branches],
            "next": step.next, "end": step.end, "action": action}


def _step_from_json(data: dict) -> Step:
    ask = data.get("ask")
    question = None
    if ask:
        question = Question(type=ask["type"], label=ask["label"], required=ask["required"],
                            options=tuple(Option(o["value"], o["label"]) for o in ask["options"]))
    action = Action(**data["action"]) if data.get("action") else None
    return Step(id=data["id"], say=data["say"], ask=question, branches=tuple(Branch(w, n) for w, n in data["branches"]),
                next=data["next"], end=data["end"], action=action)


def parse_answer(question: Question, raw) -> str | int | float | None:
    """The answer as stored: None when left empty; ValueError with the agent-facing reason when invalid."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        if question.required:
            raise ValueError(_("an answer is required"))
        return None
    if question.type == "text":
        if len(text) > MAX_TEXT_ANSWER or "\x00" in text:
            raise ValueError(_("must be at most %(count)s characters of text", count=MAX_TEXT_ANSWER))
        return text
    if question.type == "yes_no":
        if text not in ("yes", "no"):
            raise ValueError(_("must be yes or no"))
        return text
    if question.type == "choice":
        if text not in {o.value for o in question.options}:
            raise ValueError(_("must be one of the listed options"))
        return text
    if question.type == "number":
        return _number(text)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("must be a date such as 2026-01-31")) from None
    return within_years(day).isoformat()


def _number(text: str) -> int | float:
    if not re.fullmatch(_NUMBER, text):
        raise ValueError(_("must be a number such as 12 or 12.5"))
    value = float(text.replace(",", "."))
    if not math.isfinite(value) or abs(value) > 1e12:
        raise ValueError(_("is out of range"))
    return int(value) if value.is_integer() else value


def condition(question: Question, when: str):
    """``(answer, today) -> bool`` for a branch's ``when``; ValueError says what ``when`` may be for the type."""
    kind = question.type
    if kind == "yes_no":
        if when not in ("yes", "no"):
            raise ValueError("for a yes/no question, `when` must be yes or no")
        return lambda answer, today: answer == when
    if kind == "choice":
        values = [o.value for o in question.options]
        if when not in values:
            raise ValueError(f"`when: {when}` is not one of the options ({', '.join(values)})")
        return lambda answer, today: answer == when
    if kind == "number":
        return _number_condition(when)
    if kind == "date":
        return _date_condition(when)
    raise ValueError("a free-text answer cannot branch; use `next`")


def _number_condition(when: str):
    if match := _RANGE.match(when):
        low, high = _number(match[1]), _number(match[2])
        return lambda answer, today: low <= answer <= high
    if match := _COMPARISON.match(when):
        limit = _number(match[2])
        compare = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}.get(match[1])
        if compare is None:
            return lambda answer, today: answer == limit
        return lambda answer, today: compare(float(answer), float(limit))
    raise ValueError("for a number, `when` is a number, a comparison such as `< 100` or a range such as `1..5`")


def _date_condition(when: str):
    match = _DAYS.match(when)
    if not match:
        raise ValueError("for a date, `when` is `older than N days` or `within N days`")
    days = int(match[2])
    if match[1] == "older than":
        return lambda answer, today: date.fromisoformat(answer) < today - timedelta(days=days)
    return lambda answer, today: date.fromisoformat(answer) >= today - timedelta(days=days)
