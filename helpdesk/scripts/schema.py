"""Reads a script document (a loaded file or an editor submission) into a Definition, noting every problem.

Problems carry the path of the offending value (``("steps", 2, "branches", 0, "next")``) so a file reports
``file:line`` and the editor puts the message beside the field. Reading is lenient: a bad value is noted and
left out, so one pass finds every problem.
"""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from helpdesk.cases.models import Category, Status
from helpdesk.programs.models import LOCALES
from helpdesk.scripts.definition import QUESTION_TYPES, Action, Branch, Definition, Option, Question, Step, condition

SCRIPT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
STEP_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
PROGRAM = re.compile(r"^(all|[A-Z0-9][A-Z0-9_]{0,31})$")
MAX_STEPS = 200
MAX_SAY = 5000
TOP_KEYS = {"id", "title", "program", "category", "locale", "rank", "start", "steps"}
STEP_KEYS = {"id", "say", "ask", "branches", "next", "end", "action"}
ASK_KEYS = {"type", "label", "required", "options"}
ACTION_KEYS = {"category", "status", "open_reward_case", "callback_in_hours"}
ACTION_STATUSES = tuple(s.value for s in Status if s != Status.NEW)


@dataclass(frozen=True)
class Problem:
    path: tuple
    message: str
    text_line: int | None = None  # for merge-field problems: the line within the text at ``path``


class _Reader:
    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, path: tuple, message: str, text_line: int | None = None) -> None:
        self.problems.append(Problem(path, message, text_line))

    def mapping(self, value, path: tuple, allowed: set, what: str) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, f"{what} must be a mapping of keys to values")
            return None
        for key in value:
            if key not in allowed:
                self.add((*path, key), f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
        return value

    def text(self, data: dict, key: str, path: tuple, *, required=True, max_length=200, pattern=None,
             pattern_message="") -> str | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.add((*path, key) if key in data else path, f"`{key}` is required")
            return None
        if not isinstance(value, str):
            self.add((*path, key), f"`{key}` must be text (put it in quotes)")
        elif len(value) > max_length:
            self.add((*path, key), f"`{key}` is longer than {max_length} characters")
        elif "\x00" in value:
            self.add((*path, key), f"`{key}` contains a NUL character")
        elif pattern and not pattern.match(value):
            self.add((*path, key), f"`{key}` {pattern_message}")
        else:
            return value
        return None

    def integer(self, data: dict, key: str, path: tuple, low: int, high: int) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add((*path, key), f"`{key}` must be a whole number from {low} to {high}")
            return None
        return value

    def flag(self, data: dict, key: str, path: tuple, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.add((*path, key), f"`{key}` must be true or false")
            return default
        return value

    def items(self, data: dict, key: str, path: tuple, *, max_items: int) -> list:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add((*path, key), f"`{key}` must be a list")
            return []
        if len(value) > max_items:
            self.add((*path, key), f"`{key}` has more than {max_items} entries")
            return []
        return value


def as_word(value) -> str | None:
    """A YAML scalar as the word the author meant: ``yes``/``no`` (YAML 1.1 reads them as booleans), numbers."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | date):
        return str(value) if not isinstance(value, date) else value.isoformat()
    return value.strip() if isinstance(value, str) and value.strip() else None


@dataclass
class Reading:
    """What ``read_definition`` found: the definition (None without readable steps), the problems, the file
    position of each step id, and the ids of steps that have problems of their own."""

    definition: Definition | None
    problems: list[Problem]
    index: dict[str, int]
    broken: set[str]


def read_definition(document) -> Reading:
    reader = _Reader()
    data = reader.mapping(document, (), TOP_KEYS, "the script")
    if data is None:
        return Reading(None, reader.problems, {}, set())
    script_id = reader.text(data, "id", (), max_length=64, pattern=SCRIPT_ID,
                            pattern_message=_("uses lower-case letters, digits and - (e.g. voucher-not-working)"))
    title = reader.text(data, "title", ())
    program = as_word(data.get("program", "all"))
    if not isinstance(program, str) or not PROGRAM.match(program):
        reader.add(("program",), "`program` is `all` or a program code such as AURORA")
    category = reader.text(data, "category", ())
    if category and category not in {c.value for c in Category}:
        reader.add(("category",), f"unknown category {category!r} (one of {', '.join(c.value for c in Category)})")
    locale = data.get("locale")
    if locale is None:
        reader.add((), "missing locale: add `locale:` (one of " + ", ".join(LOCALES) + ")")
    elif locale not in LOCALES:
        reader.add(("locale",), f"unknown locale {locale!r} (one of {', '.join(LOCALES)})")
    rank = reader.integer(data, "rank", (), 0, 1000)
    start = reader.text(data, "start", (), required=False, max_length=64)

    steps, index, broken = [], {}, set()
    raw_steps = reader.items(data, "steps", (), max_items=MAX_STEPS)
    if "steps" not in data:
        reader.add((), "`steps` is required: list at least one step")
    elif not raw_steps and isinstance(data["steps"], list):
        reader.add(("steps",), "`steps` must list at least one step")
    for position, raw in enumerate(raw_steps):
        before = len(reader.problems)
        step = _read_step(reader, raw, ("steps", position))
        if step is None:
            continue
        if step.id in index:
            reader.add(("steps", position, "id"), f"duplicate step id {step.id!r}")
            continue
        if len(reader.problems) > before:
            broken.add(step.id)
        index[step.id] = position
        steps.append(step)
    if not steps:
        return Reading(None, reader.problems, index, broken)
    definition = Definition(
        id=script_id or "", title=title or "", program=program if isinstance(program, str) else "all",
        category=category or "", locale=locale if locale in LOCALES else "", rank=100 if rank is None else rank,
        start=start or steps[0].id, steps=tuple(steps))
    return Reading(definition, reader.problems, index, broken)


def _read_step(reader: _Reader, raw, path: tuple) -> Step | None:
    data = reader.mapping(raw, path, STEP_KEYS, "a step")
    if data is None:
        return None
    step_id = reader.text(data, "id", path, max_length=64, pattern=STEP_ID,
                          pattern_message=_("uses lower-case letters, digits, - and _ (e.g. ask-order-date)"))
    if step_id is None:
        return None
    say = reader.text(data, "say", path, required=False, max_length=MAX_SAY) or ""
    question = _read_question(reader, data.get("ask"), (*path, "ask")) if "ask" in data else None
    if not say and question is None:
        reader.add(path, f"step {step_id!r} says nothing and asks nothing: add `say` or `ask`")
    branches = _read_branches(reader, data, path, question)
    next_step = reader.text(data, "next", path, required=False, max_length=64)
    action = _read_action(reader, data.get("action"), (*path, "action")) if "action" in data else None
    end = reader.flag(data, "end", path, default=action is not None)
    leads_on = (*path, "next") if "next" in data else (*path, "branches")
    if "action" in data and (next_step or branches):
        reader.add(leads_on, "an action belongs on an end step: remove `next` and `branches`")
    elif end and (next_step or branches):
        reader.add(leads_on, "an end step has no `next` or `branches`")
    elif action is not None and not end:
        reader.add((*path, "end"), "an action belongs on an end step (`end: true`)")
    return Step(id=step_id, say=say, ask=question, branches=tuple(branches), next=next_step, end=end, action=action)


def _read_question(reader: _Reader, raw, path: tuple) -> Question | None:
    data = reader.mapping(raw, path, ASK_KEYS, "`ask`")
    if data is None:
        return None
    kind = reader.text(data, "type", path, max_length=16)
    if kind is not None and kind not in QUESTION_TYPES:
        reader.add((*path, "type"), f"unknown question type {kind!r} (one of {', '.join(QUESTION_TYPES)})")
        kind = None
    label = reader.text(data, "label", path)
    required = reader.flag(data, "required", path, default=True)
    options = []
    for index, option in enumerate(reader.items(data, "options", path, max_items=30)):
        option_path = (*path, "options", index)
        if isinstance(option, dict):
            reader.mapping(option, option_path, {"value", "label"}, "an option")
            value, text = as_word(option.get("value")), option.get("label")
        else:
            value, text = as_word(option), as_word(option)
        if value is None or not isinstance(text, str) or not text.strip():
            reader.add(option_path, "an option needs a `value` and a `label`")
        elif value in {o.value for o in options}:
            reader.add(option_path, f"duplicate option {value!r}")
        else:
            options.append(Option(value, text.strip()))
    if kind == "choice" and not options:
        reader.add(path, "a choice question needs `options`")
    if kind != "choice" and options:
        reader.add((*path, "options"), "only a choice question has `options`")
    if kind is None or label is None:
        return None
    return Question(type=kind, label=label, required=required, options=tuple(options))


def _read_branches(reader: _Reader, data: dict, path: tuple, question: Question | None) -> list[Branch]:
    raw_branches = reader.items(data, "branches", path, max_items=30)
    if raw_branches and "ask" not in data:
        reader.add((*path, "branches"), "branches follow the answer to a question: add `ask`")
        return []
    branches, seen = [], set()
    for index, raw in enumerate(raw_branches):
        branch_path = (*path, "branches", index)
        branch = reader.mapping(raw, branch_path, {"when", "next"}, "a branch")
        if branch is None:
            continue
        when = as_word(branch.get("when"))
        target = reader.text(branch, "next", branch_path, max_length=64)
        if when is None:
            reader.add(branch_path, "a branch needs `when`")
            continue
        if question is not None:
            try:
                condition(question, when)
            except ValueError as exc:
                reader.add((*branch_path, "when"), str(exc))
                continue
        if when in seen:
            reader.add((*branch_path, "when"), f"another branch already handles `when: {when}`")
        elif target:
            seen.add(when)
            branches.append(Branch(when, target))
    return branches


def _read_action(reader: _Reader, raw, path: tuple) -> Action | None:
    data = reader.mapping(raw, path, ACTION_KEYS, "`action`")
    if data is None:
        return None
    category = reader.text(data, "category", path, required=False, max_length=24)
    if category and category not in {c.value for c in Category}:
        reader.add((*path, "category"), f"unknown category {category!r}")
        category = None
    status = reader.text(data, "status", path, required=False, max_length=24)
    if status and status not in ACTION_STATUSES:
        reader.add((*path, "status"), f"unknown status {status!r} (one of {', '.join(ACTION_STATUSES)})")
        status = None
    reward_case = data.get("open_reward_case")
    if reward_case is True:
        reward_case = "Reward delivery"
    elif reward_case in (None, False):
        reward_case = None
    elif not isinstance(reward_case, str) or not reward_case.strip() or len(reward_case) > 200:
        reader.add((*path, "open_reward_case"), "`open_reward_case` is true or the new case's subject")
        reward_case = None
    hours = reader.integer(data, "callback_in_hours", path, 1, 24 * 30)
    if hours and status and status != Status.PENDING_PARTICIPANT:
        reader.add((*path, "status"), "a callback sets the status to pending_participant; leave `status` out")
    action = Action(category=category, status=status, reward_case=reward_case and reward_case.strip(),
                    callback_hours=hours)
    if not action.describe():
        reader.add(path, "an action needs at least one of: " + ", ".join(sorted(ACTION_KEYS)))
        return None
    return action
