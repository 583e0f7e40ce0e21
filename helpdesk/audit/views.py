"""The audit log for admins (every entry) and managers (their programs' entries): filters, pages, CSV."""

import json

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.audit.filters import parse_audit_filters
from helpdesk.audit.queries import AuditFilters, iter_audit_events, list_audit_events
from helpdesk.audit.services import ACTIONS, export_recorder
from helpdesk.auth.access import manager_required
from helpdesk.database import utcnow
from helpdesk.errors import ValidationError
from helpdesk.programs.services import visible_programs
from helpdesk.spreadsheets import csv_download

bp = Blueprint("audit", __name__, url_prefix="/audit")

CSV_COLUMNS = ("id", "occurred_at_utc", "actor_type", "actor", "action", "target_type", "target_id", "program",
               "ip_address", "user_agent", "changes", "details")
FILTER_ARGS = ("actor", "action", "program", "target_type", "target_id", "from", "to")


def _filters() -> AuditFilters | None:
    try:
        return parse_audit_filters(request.args, actor=current_user)
    except ValidationError as exc:
        flash(_("Filter not applied: %(reason)s", reason=exc.message), "error")
        return None


@bp.route("")
@manager_required
def index():
    filters = _filters()
    if filters is None:
        return redirect(url_for("audit.index"))
    try:
        page = list_audit_events(filters, actor=current_user, cursor=request.args.get("cursor"),
                                 limit=current_app.config["PAGE_SIZE"])
    except ValidationError:
        return redirect(url_for("audit.index", **_chosen()))
    programs = visible_programs(current_user)
    return render_template("audit/index.html", page=page, actions=ACTIONS, programs=programs, chosen=_chosen(),
                           program_codes={p.id: p.code for p in programs})


@bp.route("/export.csv")
@manager_required
def export_csv():
    filters = _filters()
    if filters is None:
        return redirect(url_for("audit.index"))
    codes = {p.id: p.code for p in visible_programs(current_user)}
    filename = f"audit-{utcnow():%Y%m%d-%H%M%S}.csv"
    rows = ([e.id, e.occurred_at.isoformat(timespec="seconds"), e.actor_type, e.actor_name, e.action,
             e.target_type or "", e.target_id or "", codes.get(e.program_id, ""), e.ip_address or "",
             e.user_agent or "", _json(e.changes), _json(e.details)]
            for e in iter_audit_events(filters, actor=current_user))
    return csv_download(filename, CSV_COLUMNS, rows, finished=export_recorder(
        filename, actor=current_user, program=filters.program_id, details={"filters": _chosen()}))


def _chosen() -> dict:
    return {name: request.args[name][:254] for name in FILTER_ARGS if request.args.get(name)}


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
