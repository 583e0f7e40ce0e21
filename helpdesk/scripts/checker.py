"""``scripts check``: every problem of a script, from a file (``file:line: message``) or an editor submission.

On top of the structure (schema.py): unknown step targets, unreachable steps, loops with no way out, steps that
lead nowhere, merge fields that no namespace declares or text that is not plain text with merge fields, and,
across a directory, file names that do not match the script, duplicates and missing locales.
"""

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from helpdesk.programs.models import LOCALES
from helpdesk.scripts import fileformat
from helpdesk.scripts.definition import Definition, Step
from helpdesk.scripts.merge_fields import RefusedTemplate, merge_fields_in, namespaces
from helpdesk.scripts.schema import Problem, Reading, read_definition

REQUIRED_LOCALES = LOCALES  # the shipped scripts speak every language a participant may have


@dataclass(frozen=True, order=True)
class FileProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def check_document(document) -> tuple[Definition | None, list[Problem]]:
    """The definition and every problem of a loaded document; the definition is usable only without problems."""
    reading = read_definition(document)
    problems = list(reading.problems)
    if reading.definition is not None:
        problems += graph_problems(reading) + merge_field_problems(reading)
    return reading.definition, problems


def graph_problems(reading: Reading) -> list[Problem]:
    definition, index = reading.definition, reading.index
    problems = []
    if not definition.has_step(definition.start):
        problems.append(Problem(("start",), f"unknown step {definition.start!r} in `start`"))
        return problems
    for step in definition.steps:
        problems += _target_problems(step, index, definition)
        if step.id not in reading.broken:
            problems += _way_forward_problems(step, index)
    reachable = _walk(definition.start, lambda s: _valid_targets(definition, s))
    for step in definition.steps:
        if step.id not in reachable:
            problems.append(Problem(("steps", index[step.id], "id"),
                                    f"step {step.id!r} is unreachable from the start step {definition.start!r}"))
    problems += _loop_problems(definition, reachable, index)
    return problems


def _target_problems(step: Step, index: dict, definition: Definition) -> list[Problem]:
    path = ("steps", index[step.id])
    found = [Problem((*path, "branches", n, "next"), f"unknown step {b.next!r}")
             for n, b in enumerate(step.branches) if not definition.has_step(b.next)]
    if step.next and not definition.has_step(step.next):
        found.append(Problem((*path, "next"), f"unknown step {step.next!r}"))
    return found


def _way_forward_problems(step: Step, index: dict) -> list[Problem]:
    """A step that is not an end must lead on for every answer: a branch for each, or ``next``."""
    if step.end or step.next:
        return []
    path = ("steps", index[step.id])
    if step.ask is None or not step.branches:
        return [Problem(path, f"step {step.id!r} leads nowhere: add `next`, `branches` or `end: true`")]
    if not step.ask.required:
        return [Problem(path, f"step {step.id!r}: the answer is optional; add `next` for an empty answer")]
    covered = {b.when for b in step.branches}
    expected = {"yes_no": {"yes", "no"}, "choice": {o.value for o in step.ask.options}}.get(step.ask.type)
    if expected is None or not expected <= covered:
        missing = f" ({', '.join(sorted(expected - covered))})" if expected else ""
        return [Problem(path, f"step {step.id!r}: add `next` for answers no branch matches{missing}")]
    return []


def _valid_targets(definition: Definition, step_id: str) -> list[str]:
    return [t for t in definition.step(step_id).targets() if definition.has_step(t)]


def _walk(start: str, targets) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for target in targets(stack.pop()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _loop_problems(definition: Definition, reachable: set[str], index: dict) -> list[Problem]:
    """Groups of reachable steps that go round in a circle and from which no path reaches an end step."""
    leads_to = defaultdict(list)
    for step in definition.steps:
        for target in _valid_targets(definition, step.id):
            leads_to[target].append(step.id)
    ends = [s.id for s in definition.steps if s.end]
    can_finish = set().union(*(_walk(e, lambda s: leads_to[s]) for e in ends)) if ends else set()
    trapped = [s.id for s in definition.steps if s.id in reachable and s.id not in can_finish]
    problems, reported = [], set()
    for step_id in trapped:
        if step_id in reported:
            continue
        ahead = _walk(step_id, lambda s: [t for t in _valid_targets(definition, s) if t in trapped])
        behind = _walk(step_id, lambda s: [t for t in leads_to[s] if t in trapped])
        circle = [s for s in trapped if s in ahead and s in behind]
        if len(circle) > 1 or step_id in _valid_targets(definition, step_id):
            reported.update(circle)
            problems.append(Problem(("steps", index[step_id]),
                                    f"loop with no way out: steps {', '.join(circle)} never reach an end step"))
    return problems


def merge_field_problems(reading: Reading) -> list[Problem]:
    problems = []
    for step in reading.definition.steps:
        path = ("steps", reading.index[step.id])
        texts = [((*path, "say"), step.say)]
        if step.ask is not None:
            texts.append(((*path, "ask", "label"), step.ask.label))
            texts += [((*path, "ask", "options", n, "label"), o.label) for n, o in enumerate(step.ask.options)]
        for text_path, text in texts:
            problems += _text_problems(text_path, text)
    return problems


def _text_problems(path: tuple, text: str) -> list[Problem]:
    try:
        fields = merge_fields_in(text)
    except RefusedTemplate as exc:
        return [Problem(path, str(exc), exc.line)]
    known = namespaces()
    problems = []
    for ns, name, line in fields:
        if ns not in known:
            message = f"unknown merge field {{{{ {ns}.{name} }}}}: no namespace {ns!r} (known: {', '.join(known)})"
        elif name not in known[ns].fields:
            message = f"unknown merge field {{{{ {ns}.{name} }}}} ({ns} has {', '.join(known[ns].fields)})"
        else:
            continue
        problems.append(Problem(path, message, line))
    return problems


def check_text(text: str, file: str) -> tuple[Definition | None, list[FileProblem]]:
    """Check one file's text; problems point at lines of that text."""
    try:
        document = fileformat.load(text)
    except fileformat.SyntaxProblem as exc:
        return None, [FileProblem(file, exc.line, str(exc))]
    definition, problems = check_document(document)
    located = [FileProblem(file, _line(document, p), p.message) for p in problems]
    return definition, sorted(located)


def _line(document, problem: Problem) -> int:
    if problem.text_line is not None:
        return fileformat.text_line(document, problem.path, problem.text_line)
    return fileformat.line_of(document, problem.path)


def check_directory(directory: Path, required_locales=REQUIRED_LOCALES, display_root: Path | None = None
                    ) -> tuple[dict[Path, Definition], list[FileProblem]]:
    """Check every script file; ``({path: definition} of the good files, problems)``."""
    good, problems, seen = {}, [], {}
    for path in fileformat.script_files(directory):
        shown = display_path(path, display_root)
        definition, found = check_text(path.read_text(encoding="utf-8"), shown)
        problems += found
        match = fileformat.FILE_NAME.match(path.name)
        if not match:
            problems.append(FileProblem(shown, 1, "file name must be <id>.<locale>.yaml (e.g. complaint.en.yaml)"))
            continue
        if definition is None:
            continue
        if (definition.id, definition.locale) != (match["id"], match["locale"]):
            expected = fileformat.file_name(definition.id, definition.locale)
            problems.append(FileProblem(shown, 1, f"file name must be {expected} (from its id and locale)"))
        elif (definition.id, definition.locale) in seen:
            problems.append(FileProblem(shown, 1, f"{definition.id} ({definition.locale}) is also defined in "
                                                  f"{seen[definition.id, definition.locale]}"))
        else:
            seen[definition.id, definition.locale] = shown
            if not found:
                good[path] = definition
    problems += _missing_locales(seen, required_locales)
    return good, sorted(problems)


def _missing_locales(seen: dict, required_locales) -> list[FileProblem]:
    by_id = defaultdict(dict)
    for (script_id, locale), shown in seen.items():
        by_id[script_id][locale] = shown
    problems = []
    for script_id, files in by_id.items():
        first = files[sorted(files)[0]]
        problems += [FileProblem(first, 1, f"missing locale {locale}: no {fileformat.file_name(script_id, locale)}")
                     for locale in required_locales if locale not in files]
    return problems


def display_path(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve())) if root else str(path)
    except ValueError:
        return str(path)
