"""Stored values in words: an enum member's ``label`` is its translated name, in the viewer's language.

The labels are lazy strings (``flask_babel.lazy_gettext``), so lists built at import time (form choices) still
show in the language of each request.
"""

from flask_babel import LazyString

_LABELS: dict[type, dict] = {}
_STORED: dict[str, dict] = {}  # kind of stored value -> {value: label}


def set_labels(enum_class: type, labels: dict, *, stored_as: str | None = None) -> None:
    """``stored_as``: the name under which timeline data and reports keep the enum's values (``status``), so
    that :func:`label_for` can show them in words."""
    missing = set(enum_class) - set(labels)
    if missing:
        raise ValueError(f"{enum_class.__name__}: no label for {sorted(m.name for m in missing)}")
    _LABELS[enum_class] = labels
    if stored_as:
        set_value_labels(stored_as, {getattr(member, "key", member.value): label for member, label in labels.items()})


def set_value_labels(kind: str, labels: dict) -> None:
    """Words for stored values that are not an enum of ours (Twilio's call and message statuses)."""
    _STORED[kind] = labels


def label_for(kind: str, value) -> str:
    """A stored value (``'pending_vendor'``, a priority's key ``'high'``) in words; unknown ones as they are."""
    if value is None:
        return ""
    return _STORED.get(kind, {}).get(value, value)


class Labelled:
    """Mixin for enums whose members have a label: ``class Status(Labelled, enum.StrEnum)`` and then
    ``set_labels(Status, {Status.NEW: _l("New"), ...})``."""

    @property
    def label(self) -> LazyString:
        return _LABELS[type(self)][self]
