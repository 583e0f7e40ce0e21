"""Merge fields: the registry of namespaces (``participant.first_name``...) and the sandboxed renderer.

Script text is untrusted: it is data, never markup. Four locks keep it inert:

1. ``merge_fields_in`` accepts only text and ``{{ namespace.field }}`` of registered fields; anything else
   (filters, calls, loops, arithmetic, dunder access) is refused, and a refused text renders as plain text.
2. The literal text around the fields is escaped like the values: Jinja outputs template text as it is (its
   autoescape covers expressions only), so before compiling every piece of template text becomes a constant
   expression. ``<img src=x {{ participant.first_name }} onerror=…>`` shows as text, tag and all.
3. Rendering uses Jinja2's ``SandboxedEnvironment`` with autoescape, no globals, no loader, arithmetic refused,
   and attribute look-up limited to the registered namespaces' values.
4. A missing value renders as a visible placeholder such as ``[participant.first_name]``, never an error.

``render_plain`` fills the same fields into text that is not HTML (a canned SMS reply), under the same locks
but without escaping: whoever shows that text escapes it.

There is no markup in scripts: line breaks are kept as written (the pages show them with ``pre-wrap``).

Features add namespaces to the app with ``register_merge_namespace`` in their ``init_app``: the call-scripts
feature its own four (``participant``, ``case``, ``program``, ``agent``), the reward orders feature ``order``.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, current_app
from jinja2 import TemplateSyntaxError, Undefined, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

from helpdesk.phones import display_phone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MergeNamespace:
    name: str
    fields: tuple[str, ...]
    resolve: Callable  # (case, agent) -> {field: value}; a missing or None value shows as a placeholder


def register_merge_namespace(app: Flask, name: str, *, fields, resolve: Callable) -> None:
    """Make ``{{ name.field }}`` available to the app's scripts; ``resolve(case, agent)`` gives a case's values."""
    if not name.isidentifier() or name.startswith("_"):
        raise ValueError(f"merge namespace {name!r} must be a plain identifier")
    app.extensions.setdefault("merge_namespaces", {})[name] = MergeNamespace(name, tuple(fields), resolve)


def namespaces() -> dict[str, MergeNamespace]:
    """The current app's namespaces by name."""
    return current_app.extensions.get("merge_namespaces", {})


def available_fields() -> list[str]:
    """Every ``namespace.field`` the current app's scripts may use, in the order the features registered them."""
    return [f"{ns.name}.{field}" for ns in namespaces().values() for field in ns.fields]


class RefusedTemplate(ValueError):
    """Text that is not plain text with merge fields; ``line`` is the 1-based line within the text."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


class _Values:
    """One namespace's values; the only objects whose attributes the sandbox will look up."""

    __slots__ = ("name", "values")

    def __init__(self, name: str, values: dict):
        self.name, self.values = name, values


class Placeholder(Undefined):
    """A missing value: ``[namespace.field]``, shown highlighted on pages and as plain text elsewhere."""

    __slots__ = ()

    def _label(self) -> str:
        owner = self._undefined_obj
        prefix = f"{owner.name}." if isinstance(owner, _Values) else ""
        return f"[{prefix}{self._undefined_name}]"

    def __str__(self) -> str:
        return self._label()

    def __html__(self) -> str:
        return Markup('<span class="merge-missing">{}</span>').format(self._label())


class _ScriptSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset(("+", "-", "*", "/", "//", "%", "**"))
    intercepted_unops = frozenset(("+", "-"))

    def call_binop(self, context, operator, left, right):
        raise SecurityError("arithmetic is not allowed in scripts")

    def call_unop(self, context, operator, arg):
        raise SecurityError("arithmetic is not allowed in scripts")

    def getattr(self, obj, attribute):
        if isinstance(obj, _Values) and isinstance(attribute, str) and attribute in obj.values:
            value = obj.values[attribute]
            if value is not None:
                return value
        return self.undefined(obj=obj, name=attribute)

    getitem = getattr


def _sandbox(*, autoescape: bool) -> SandboxedEnvironment:
    env = _ScriptSandbox(autoescape=autoescape, undefined=Placeholder)
    env.globals.clear()
    return env


SANDBOX = _sandbox(autoescape=True)
PLAIN_SANDBOX = _sandbox(autoescape=False)  # for text that is not HTML (an SMS): the same locks, no escaping


@lru_cache(maxsize=8192)
def _parse(text: str) -> tuple[tuple[str, str, int], ...]:
    try:
        tree = SANDBOX.parse(text)
    except TemplateSyntaxError as exc:
        raise RefusedTemplate(f"template syntax: {exc.message}", exc.lineno or 1) from None
    found = []
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            raise RefusedTemplate("only text and merge fields such as {{ participant.first_name }} are allowed",
                                  node.lineno)
        for part in node.nodes:
            if isinstance(part, nodes.TemplateData):
                continue
            if (isinstance(part, nodes.Getattr) and isinstance(part.node, nodes.Name)
                    and not part.attr.startswith("_")):
                found.append((part.node.name, part.attr, part.lineno))
                continue
            raise RefusedTemplate("only merge fields such as {{ participant.first_name }} are allowed inside {{ }}",
                                  part.lineno)
    return tuple(found)


def merge_fields_in(text: str) -> list[tuple[str, str, int]]:
    """``[(namespace, field, line), ...]`` used in ``text``; RefusedTemplate for anything but text and fields."""
    return list(_parse(text))


@lru_cache(maxsize=8192)
def _compiled(text: str):
    """``text`` as a template whose literal pieces are constants, which autoescape escapes like the values."""
    tree = SANDBOX.parse(text)
    for output in tree.find_all(nodes.Output):
        output.nodes = [nodes.Const(part.data, lineno=part.lineno) if isinstance(part, nodes.TemplateData) else part
                        for part in output.nodes]
    return SANDBOX.from_string(tree)


@lru_cache(maxsize=1024)
def _compiled_plain(text: str):
    return PLAIN_SANDBOX.from_string(text)


def _renderable(text: str) -> bool:
    """Whether ``text`` holds merge fields, all of them known (else it is shown as it is)."""
    if "{" not in text:
        return False
    try:
        fields = _parse(text)
    except RefusedTemplate:
        return False
    known = namespaces()
    return all(ns in known and name in known[ns].fields for ns, name, _ in fields)


def _context(values: dict[str, dict]) -> dict[str, _Values]:
    return {name: _Values(name, values.get(name) or {}) for name in namespaces()}


def render_text(text: str, values: dict[str, dict]) -> Markup:
    """``text`` with its merge fields filled in from ``values``, HTML-escaped; refused text comes back as text."""
    if not _renderable(text):
        return escape(text)
    return Markup(_compiled(text).render(_context(values)))


def render_plain(text: str, values: dict[str, dict]) -> str:
    """``text`` with its merge fields filled in, as plain text (an SMS; a page escapes it where it shows it).
    A missing value is its placeholder's words, ``[participant.first_name]``; refused text comes back as it is."""
    if not _renderable(text):
        return text
    return _compiled_plain(text).render(_context(values))


_FIELD = re.compile(r"(\{\{\s*[A-Za-z_]\w*\.[A-Za-z_]\w*\s*\}\})")


def show_merge_fields(text: str) -> Markup:
    """``text`` as written, escaped, each ``{{ namespace.field }}`` in ``<code>``: a template shown, not filled in."""
    return Markup("").join(Markup("<code>{}</code>").format(part) if index % 2 else escape(part)
                           for index, part in enumerate(_FIELD.split(text)))


def resolve_values(case, agent) -> dict[str, dict]:
    """Every namespace's values for ``case`` as seen by ``agent``; a resolver that fails leaves placeholders."""
    if case is None:
        return {"agent": _agent(None, agent)}
    values = {}
    for ns in namespaces().values():
        try:
            values[ns.name] = ns.resolve(case, agent) or {}
        except Exception:  # another feature's resolver must not take the case page down
            log.exception("merge namespace %r failed to resolve", ns.name)
            values[ns.name] = {}
    return values


def register_builtin_namespaces(app: Flask) -> None:
    register_merge_namespace(app, "participant", resolve=_participant,
                             fields=("first_name", "last_name", "full_name", "member_id", "points_balance", "email",
                                     "phone"))
    register_merge_namespace(app, "case", fields=("number", "category", "subject"), resolve=_case)
    register_merge_namespace(app, "program", fields=("name", "hotline_number"), resolve=_program)
    register_merge_namespace(app, "agent", fields=("first_name",), resolve=_agent)


def _participant(case, agent) -> dict:
    p = case.participant if case is not None else None
    if p is None:
        return {}
    return {"first_name": p.first_name, "last_name": p.last_name, "full_name": p.full_name,
            "member_id": p.external_id, "points_balance": p.points_balance, "email": p.email,
            "phone": display_phone(p.phone) if p.phone else None}


def _case(case, agent) -> dict:
    if case is None:
        return {}
    return {"number": case.reference, "category": case.category_name, "subject": case.subject}


def _program(case, agent) -> dict:
    if case is None:
        return {}
    return {"name": case.program.name, "hotline_number": display_phone(case.program.hotline_number)}


def _agent(case, agent) -> dict:
    return {"first_name": getattr(agent, "first_name", None)}
