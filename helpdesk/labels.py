"""Stored values in words: an enum member's ``label`` is its translated name, in the viewer's language.

The labels are lazy strings (``flask_babel.lazy_gettext``), so lists built at import time (form choices) still
show in the language of each request.
"""

from flask_babel import LazyString

_LABELS: dict[type, dict] = {}


def set_labels(enum_class: type, labels: dict) -> None:
    missing = set(enum_class) - set(labels)
    if missing:
        raise ValueError(f"{enum_class.__name__}: no label for {sorted(m.name for m in missing)}")
    _LABELS[enum_class] = labels


class Labelled:
    """Mixin for enums whose members have a label: ``class Status(Labelled, enum.StrEnum)`` and then
    ``set_labels(Status, {Status.NEW: _l("New"), ...})``."""

    @property
    def label(self) -> LazyString:
        return _LABELS[type(self)][self]
