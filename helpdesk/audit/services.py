"""Writing the audit log: :func:`record`, called by the services in the unit of work of the change it records,
so that the change and its row commit (or roll back) together."""

import enum
import re
from datetime import date, datetime
from typing import Any

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

from helpdesk.api.models import ApiToken
from helpdesk.audit.models import AuditEvent
from helpdesk.auth.models import User
from helpdesk.database import unit_of_work, utcnow
from helpdesk.extensions import db

# Every action the log holds, with the label the audit pages show.
ACTIONS = {
    "auth.signed_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Sign-in failed"),
    "auth.sign_in_refused": _l("Sign-in refused (locked out)"),
    "auth.locked_out": _l("Locked out"),
    "auth.signed_out": _l("Signed out"),
    "user.created": _l("User created"),
    "user.changed": _l("User changed"),
    "user.signed_out_everywhere": _l("User signed out everywhere"),
    "program.created": _l("Program created"),
    "program.settings_changed": _l("Program settings changed"),
    "program.survey_settings_changed": _l("Survey settings changed"),
    "program.special_days_added": _l("Holiday or special hours added"),
    "program.special_days_removed": _l("Holiday or special hours removed"),
    "canned_reply.created": _l("Canned reply added"),
    "canned_reply.changed": _l("Canned reply changed"),
    "canned_reply.deleted": _l("Canned reply deleted"),
    "program.phone_menu_option_added": _l("Phone menu option added"),
    "program.phone_menu_option_changed": _l("Phone menu option changed"),
    "program.phone_menu_option_removed": _l("Phone menu option removed"),
    "program.category_added": _l("Case category added"),
    "program.category_renamed": _l("Case category renamed"),
    "program.category_retired": _l("Case category retired"),
    "program.category_restored": _l("Case category restored"),
    "script.published": _l("Script published"),
    "script.copied": _l("Script copied to a program"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "import.participants": _l("Participants imported"),
    "import.orders": _l("Reward orders imported"),
    "import.codes": _l("Codes imported"),
    "export.csv": _l("CSV exported"),
    "participant.created": _l("Participant created"),
    "participant.changed": _l("Participant changed"),
    "participant.viewed": _l("Participant viewed"),
    "participant.exported": _l("Participant data exported"),
    "participant.erased": _l("Participant erased"),
    "case.viewed": _l("Case viewed"),
    "recording.deleted": _l("Recording deleted at Twilio"),
    "retention.purged": _l("Retention purge"),
}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def actor_fields(actor) -> dict:
    """How an actor is written: a user by e-mail, an API token by name, anything else (a job) by its name."""
    if isinstance(actor, User):
        return {"actor_type": "user", "actor_id": actor.id, "actor_name": actor.email}
    if isinstance(actor, ApiToken):
        return {"actor_type": "token", "actor_id": actor.id, "actor_name": actor.name}
    if actor is None:
        return {"actor_type": "anonymous", "actor_id": None, "actor_name": "anonymous"}
    return {"actor_type": "system", "actor_id": None, "actor_name": actor.display_name[:254]}


def target_type_of(target) -> str:
    return _CAMEL.sub("_", type(target).__name__).lower()


def record(action: str, *, actor, target=None, program=None, changes: dict | None = None,
           details: dict | None = None, actor_name: str | None = None) -> None:
    """One audit row for ``action`` by ``actor`` (a User, an ApiToken, a job's SystemActor, or None for an
    anonymous caller) about ``target`` (a model instance, or a ``(type, id)`` pair), in ``program`` (a Program
    or its id; by default the target's). The web request's client address and user agent go with it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if target is None or isinstance(target, tuple):
        target_type, target_id = target or (None, None)
    else:
        target_type, target_id = target_type_of(target), target.id
        program = getattr(target, "program_id", None) if program is None else program
    fields = actor_fields(actor)
    if actor_name:
        fields["actor_name"] = actor_name[:254]
    db.session.add(AuditEvent(
        occurred_at=utcnow(), action=action, target_type=target_type,
        target_id=None if target_id is None else str(target_id)[:64],
        program_id=getattr(program, "id", program), changes=changes or None, details=details or None,
        **_request_origin(), **fields))
    db.session.flush()


def _request_origin() -> dict:
    if not has_request_context():
        return {"ip_address": None, "user_agent": None}
    return {"ip_address": (request.remote_addr or "")[:45] or None,
            "user_agent": (request.user_agent.string or "")[:255] or None}


def snapshot(record_: Any, fields: tuple[str, ...]) -> dict:
    """The values of ``fields`` as the audit log writes them (JSON: enums by value, times ISO, lists as lists)."""
    return {name: _plain(getattr(record_, name)) for name in fields}


def changes_between(before: dict, after: dict) -> dict:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {name: [before[name], after[name]] for name in before if before[name] != after.get(name)}


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def export_recorder(filename: str, *, actor, program=None, details: dict | None = None):
    """The ``finished`` callback of :func:`helpdesk.spreadsheets.csv_download`: the export's audit row, with the
    rows written and whether the file was sent whole, in a unit of work of its own at the end of the stream."""
    def finished(rows: int, complete: bool) -> None:
        with unit_of_work():
            record("export.csv", actor=actor, target=("file", filename), program=program,
                   details={"file": filename, "rows": rows, "complete": complete, **(details or {})})

    return finished


def record_view(action: str, target, *, actor) -> None:
    """A page view's audit row, in a unit of work of its own: called once the page is rendered (a read holds no
    write lock while it renders), before it is sent, so that no page is shown unrecorded."""
    target_type, target_id, program_id = target_type_of(target), target.id, target.program_id
    with unit_of_work():
        record(action, actor=actor, target=(target_type, target_id), program=program_id)
