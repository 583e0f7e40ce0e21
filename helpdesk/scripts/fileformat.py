"""The script file format: YAML read with the line of every key (for ``file:line`` errors), and written back.

A file is ``call_scripts/<id>.<locale>.yaml``::

    id: voucher-not-working          # the file name repeats id and locale
    title: Voucher code not working
    program: all                     # or a program code such as AURORA
    category: redemption             # a case category; the runner suggests scripts by it
    locale: en
    rank: 10                         # optional: lower is suggested first within a category
    start: greet                     # optional: defaults to the first step
    steps:
      - id: greet
        say: |
          Hello {{ participant.first_name }}, ...
        ask: {type: yes_no, label: Code entered at checkout}   # text, yes_no, choice, number, date
        branches:
          - when: "yes"
            next: check-expiry
        next: explain                # when no branch matches (or the answer is left empty)
      - id: done
        say: Thank you for calling.
        end: true
        action: {category: redemption, status: resolved}

Choice questions list ``options: [{value: damaged, label: Damaged}]``; actions may also ``open_reward_case:
<subject>`` and ``callback_in_hours: <hours>``.
"""

import re
from pathlib import Path

import yaml

MAX_DEPTH = 20  # lists and mappings inside each other; a script has 7 (steps › step › ask › options › option)
FILE_NAME = re.compile(r"^(?P<id>[a-z0-9][a-z0-9-]*)\.(?P<locale>[a-z]{2})\.ya?ml$")


class Located(dict):
    """A mapping that remembers its own line and the line of each key (1-based)."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.lines: dict = {}
        self.text_lines: dict = {}  # key -> first line of a literal block (``|``) value


class LocatedList(list):
    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.lines: list[int] = []


class _Loader(yaml.SafeLoader):
    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):  # scripts need no aliases, and nested ones can explode in memory
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in scripts",
                                              self.peek_event().start_mark)
        if self.depth >= MAX_DEPTH:  # composing recurses: thousands of levels would exhaust Python's stack
            raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels (a script needs "
                                              "about 7)", self.peek_event().start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    result = Located(node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | bool | float):
            raise yaml.constructor.ConstructorError(None, None, "keys must be plain words", key_node.start_mark)
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.ScalarNode) and value_node.style == "|":
            result.text_lines[key] = value_node.start_mark.line + 2
    return result


def _construct_sequence(loader, node):
    result = LocatedList(node.start_mark.line + 1)
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.lines.append(item.start_mark.line + 1)
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class SyntaxProblem(ValueError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def load(text: str):
    """The YAML document with line numbers attached; SyntaxProblem (with its line) when it is not valid YAML."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        raise SyntaxProblem(f"YAML syntax: {problem}", mark.line + 1 if mark else 1) from None
    except yaml.YAMLError as exc:
        raise SyntaxProblem(f"YAML syntax: {exc}", 1) from None


def line_of(document, path: tuple) -> int:
    """The line of ``path`` (keys and list indexes) in a loaded document: the deepest part that exists."""
    line, node = getattr(document, "line", 1), document
    for part in path:
        in_mapping = isinstance(node, Located) and part in node
        in_list = isinstance(node, LocatedList) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_mapping or in_list):
            break
        line, node = node.lines[part], node[part]
    return line


def text_line(document, path: tuple, line_in_text: int) -> int:
    """The file line of line ``line_in_text`` of the text at ``path`` (exact for ``|`` blocks)."""
    parent = document
    for part in path[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return line_of(document, path)
    if isinstance(parent, Located) and path[-1] in parent.text_lines:
        return parent.text_lines[path[-1]] + line_in_text - 1
    return line_of(document, path)


# Writing: the editor's versions are exported in the same format, multi-line text as literal blocks.

class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # lists indented under their key, as in the shipped files


class _Flow(dict):
    """A small mapping written on one line: ``{value: lost, label: Lost}``."""


def _represent_str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper, value: dict):
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, _represent_flow)


def dump(data: dict) -> str:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return text.replace("\n  - id: ", "\n\n  - id: ").replace("steps:\n\n", "steps:\n")  # a blank line between steps


def file_name(script_id: str, locale: str) -> str:
    return f"{script_id}.{locale}.yaml"


def script_files(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def to_document(definition) -> dict:
    """A definition in the file format, leaving out what has its default value; ``dump`` turns it into text."""
    document = {"id": definition.id, "title": definition.title, "program": definition.program,
                "category": definition.category, "locale": definition.locale}
    if definition.rank != 100:
        document["rank"] = definition.rank
    if definition.start != definition.steps[0].id:
        document["start"] = definition.start
    document["steps"] = [_step_document(step) for step in definition.steps]
    return document


def _step_document(step) -> dict:
    document = {"id": step.id}
    if step.say:
        document["say"] = step.say
    if step.ask is not None:
        ask = {"type": step.ask.type, "label": step.ask.label}
        if not step.ask.required:
            ask["required"] = False
        if step.ask.options:
            ask["options"] = [_Flow(value=o.value, label=o.label) for o in step.ask.options]
        document["ask"] = ask
    if step.branches:
        document["branches"] = [{"when": b.when, "next": b.next} for b in step.branches]
    if step.next:
        document["next"] = step.next
    if step.end:
        document["end"] = True
    if step.action is not None:
        action = {"category": step.action.category, "status": step.action.status,
                  "open_reward_case": step.action.reward_case, "callback_in_hours": step.action.callback_hours}
        document["action"] = {key: value for key, value in action.items() if value}
    return document
