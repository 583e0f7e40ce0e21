"""The structured script editor: the script's header and one fieldset per step, turned into the file format.

The form only reshapes what was typed (``to_document``); the checks that files get decide what is valid, and
``field_for`` puts each problem beside the field it concerns.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList
from wtforms.validators import Length, Optional

from helpdesk.cases.models import Category
from helpdesk.forms import choices
from helpdesk.labels import label_for
from helpdesk.programs.models import LOCALES
from helpdesk.scripts.definition import QUESTION_TYPES
from helpdesk.scripts.schema import ACTION_STATUSES, MAX_SAY, MAX_STEPS

CATEGORY_CHOICES = choices((c.value, c.label) for c in Category)
QUESTION_LABELS = {"text": _l("Text"), "yes_no": _l("Yes/no"), "choice": _l("Choice"), "number": _l("Number"),
                   "date": _l("Date")}
QUESTION_CHOICES = choices([("", _l("No question")), *((t, QUESTION_LABELS[t]) for t in QUESTION_TYPES)])
ACTION_CATEGORY_CHOICES = choices([("", "—"), *((c.value, c.label) for c in Category)])
ACTION_STATUS_CHOICES = choices([("", "—"), *((s, label_for("status", s)) for s in ACTION_STATUSES)])
BLANK_BRANCHES = 2


class BranchForm(Form):
    when = StringField(_l("When the answer is"), validators=[Length(max=64)])
    next = StringField(_l("go to step"), validators=[Length(max=64)])

    def is_blank(self) -> bool:
        return not (self.when.data or "").strip() and not (self.next.data or "").strip()


class StepForm(Form):
    position = StringField(_l("Order"), validators=[Length(max=6)])
    id = StringField(_l("Step id"), validators=[Length(max=64)])
    say = TextAreaField(_l("Agent says"), validators=[Length(max=MAX_SAY)], render_kw={"rows": 3})
    ask_type = SelectField(_l("Question"), choices=QUESTION_CHOICES, default="")
    ask_label = StringField(_l("Records (label)"), validators=[Length(max=200)])
    ask_required = BooleanField(_l("Answer required"), default=True)
    options = TextAreaField(_l("Options, one per line: value = Label"), validators=[Length(max=3000)],
                            render_kw={"rows": 2})
    branches = FieldList(FormField(BranchForm), max_entries=32)
    next = StringField(_l("Otherwise go to step"), validators=[Length(max=64)])
    end = BooleanField(_l("Ends the script"))
    action_category = SelectField(_l("Action: set category"), choices=ACTION_CATEGORY_CHOICES, default="")
    action_status = SelectField(_l("Action: set status"), choices=ACTION_STATUS_CHOICES, default="")
    action_reward_case = StringField(_l("Action: open a reward-delivery case (subject)"), validators=[Length(max=200)])
    action_callback_hours = StringField(_l("Action: callback in hours"), validators=[Length(max=6)])
    remove = BooleanField(_l("Remove this step"))

    def is_blank(self) -> bool:
        return not (self.id.data or "").strip() and not (self.say.data or "").strip()


class ScriptForm(FlaskForm):
    key = StringField(_l("Script id"), validators=[Optional(), Length(max=64)],
                      description=_l("lower-case words joined by -, e.g. voucher-not-working"))
    locale = SelectField(_l("Language"), choices=choices((code, code) for code in LOCALES), default="en")
    title = StringField(_l("Title"), validators=[Length(max=200)])
    program = SelectField(_l("Program"), choices=[])
    category = SelectField(_l("Case category"), choices=CATEGORY_CHOICES)
    rank = StringField(_l("Rank"), validators=[Length(max=6)],
                       description=_l("lower is suggested first in its category"))
    start = StringField(_l("Start step"), validators=[Length(max=64)], description=_l("empty: the first step"))
    steps = FieldList(FormField(StepForm), max_entries=MAX_STEPS + 1)
    sample = StringField(_l("Sample case"), validators=[Length(max=60)],
                         description=_l("e.g. AURORA-12; empty: a recent case"))

    def pad(self) -> None:
        """One blank step at the end, and blank branch rows under every step, to fill in without JavaScript."""
        if not self.steps.entries or not self.steps.entries[-1].form.is_blank():
            self.steps.append_entry()
        for entry in self.steps:
            blanks = sum(branch.form.is_blank() for branch in entry.form.branches)
            for _ in range(max(0, BLANK_BRANCHES - blanks)):
                entry.form.branches.append_entry()

    @staticmethod
    def blank_step() -> StepForm:
        """A new step whose index is ``__N__``: the editor's script copies it, with a fresh index, to add a step."""
        step = StepForm(prefix="steps-__N__-")
        for _ in range(BLANK_BRANCHES):
            step.branches.append_entry()
        return step

    def kept_steps(self) -> list:
        """The step fieldsets that make the script, in the order of their ``Order`` numbers."""
        kept = [(n, e.form) for n, e in enumerate(self.steps) if not e.form.remove.data and not e.form.is_blank()]
        return [form for _, form in sorted(kept, key=lambda item: (_number(item[1].position.data, item[0]), item[0]))]

    def to_document(self) -> dict:
        """What was typed, in the file format (see fileformat.py); nothing is checked here."""
        document = {"id": (self.key.data or "").strip(), "title": self.title.data, "program": self.program.data,
                    "category": self.category.data, "locale": self.locale.data}
        if (self.rank.data or "").strip():
            document["rank"] = _number(self.rank.data, self.rank.data)
        if (self.start.data or "").strip():
            document["start"] = self.start.data.strip()
        document["steps"] = [_step_document(step) for step in self.kept_steps()]
        return document

    def field_for(self, path: tuple):
        """The field a problem at ``path`` (from the checks) belongs to, or None for the whole script."""
        if not path:
            return None
        if path[0] != "steps":
            return getattr(self, {"id": "key"}.get(path[0], path[0]), None) if isinstance(path[0], str) else None
        steps = self.kept_steps()
        if len(path) < 2 or not isinstance(path[1], int) or path[1] >= len(steps):
            return None
        return _step_field(steps[path[1]], path[2:])

    def location(self, path: tuple) -> str:
        """Where a problem is, in the editor's words: ``step 3 “greet” › branches › 2 › next``."""
        if not path:
            return "script"
        if path[0] != "steps" or len(path) < 2 or not isinstance(path[1], int):
            return " › ".join(str(part) for part in path)
        steps = self.kept_steps()
        name = f" “{steps[path[1]].id.data}”" if path[1] < len(steps) else ""
        rest = [str(part + 1) if isinstance(part, int) else str(part) for part in path[2:]]
        return " › ".join([f"step {path[1] + 1}{name}", *rest])


def _number(text, default):
    text = (text or "").strip()
    return int(text) if text.lstrip("-").isdigit() else default


def _step_document(step: StepForm) -> dict:
    document = {"id": (step.id.data or "").strip()}
    if (step.say.data or "").strip():
        document["say"] = step.say.data.replace("\r\n", "\n").strip()
    if step.ask_type.data:
        ask = {"type": step.ask_type.data, "label": step.ask_label.data, "required": step.ask_required.data}
        options = [_option(line) for line in (step.options.data or "").splitlines() if line.strip()]
        if options:
            ask["options"] = options
        document["ask"] = ask
    branches = [{"when": (b.form.when.data or "").strip(), "next": (b.form.next.data or "").strip()}
                for b in step.branches if not b.form.is_blank()]
    if branches:
        document["branches"] = branches
    if (step.next.data or "").strip():
        document["next"] = step.next.data.strip()
    action = {"category": step.action_category.data, "status": step.action_status.data,
              "open_reward_case": (step.action_reward_case.data or "").strip(),
              "callback_in_hours": _number(step.action_callback_hours.data, step.action_callback_hours.data)}
    action = {key: value for key, value in action.items() if value}
    if action:
        document["action"] = action
    if step.end.data or action:
        document["end"] = True
    return document


def _option(line: str) -> dict:
    value, _, label = line.partition("=")
    return {"value": value.strip(), "label": (label or value).strip()}


_STEP_FIELDS = {"id": "id", "say": "say", "next": "next", "end": "end"}
_ASK_FIELDS = {"type": "ask_type", "label": "ask_label", "required": "ask_required", "options": "options"}
_ACTION_FIELDS = {"category": "action_category", "status": "action_status", "open_reward_case": "action_reward_case",
                  "callback_in_hours": "action_callback_hours"}


def _step_field(step: StepForm, rest: tuple):
    if not rest:
        return step.id
    head = rest[0]
    if head == "ask":
        return getattr(step, _ASK_FIELDS.get(rest[1] if len(rest) > 1 else "type", "ask_type"))
    if head == "action":
        return getattr(step, _ACTION_FIELDS.get(rest[1] if len(rest) > 1 else "category", "action_category"))
    if head == "branches":
        branches = [b.form for b in step.branches if not b.form.is_blank()]
        if len(rest) < 2 or not isinstance(rest[1], int) or rest[1] >= len(branches):
            return step.ask_type
        return branches[rest[1]].next if rest[2:] == ("next",) else branches[rest[1]].when
    return getattr(step, _STEP_FIELDS.get(head, "id"))


def form_data(document: dict) -> dict:
    """The editor's initial data for a script in the file format (an export)."""
    data = {key: document.get(key) for key in ("title", "program", "category", "locale")}
    data.update(key=document["id"], rank=str(document.get("rank", "")), start=document.get("start", ""))
    data["steps"] = [_step_data(n, step) for n, step in enumerate(document["steps"], start=1)]
    return data


def _step_data(position: int, step: dict) -> dict:
    ask, action = step.get("ask") or {}, step.get("action") or {}
    return {
        "position": str(position), "id": step["id"], "say": step.get("say", ""),
        "ask_type": ask.get("type", ""), "ask_label": ask.get("label", ""), "ask_required": ask.get("required", True),
        "options": "\n".join(f"{o['value']} = {o['label']}" for o in ask.get("options", [])),
        "branches": step.get("branches", []), "next": step.get("next", ""), "end": step.get("end", False),
        "action_category": action.get("category", ""), "action_status": action.get("status", ""),
        "action_reward_case": action.get("open_reward_case", ""),
        "action_callback_hours": str(action.get("callback_in_hours", "")),
    }


def invalid_fields(fields):
    """``(field, message)`` for every error of the form's fields, steps and branches included."""
    for field in fields:
        if isinstance(field, FieldList | FormField):
            yield from invalid_fields(field)
        else:
            yield from ((field, message) for message in field.errors)
