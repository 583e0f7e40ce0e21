"""The program manager's satisfaction pages: the dashboard (with its slices), all of the manager's programs,
the CSV export, "this week", and the preview of the weekly report e-mail."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from helpdesk.api.satisfaction import scale_name
from helpdesk.audit.services import export_recorder
from helpdesk.auth.access import manager_required
from helpdesk.cases.models import Category
from helpdesk.database import utcnow
from helpdesk.errors import NotFound, ValidationError
from helpdesk.programs.services import visible_programs
from helpdesk.reports import charts
from helpdesk.reports.dashboard import all_programs, dashboard
from helpdesk.reports.mailing import language_of, links_for, render_weekly_mail, report_on_demand
from helpdesk.reports.periods import Period, parse_period, today_in
from helpdesk.reports.queries import previous_period
from helpdesk.reports.slices import parse_filters, responses
from helpdesk.reports.weekly import ranked_changes
from helpdesk.spreadsheets import csv_download
from helpdesk.surveys.models import SCALES
from helpdesk.web import local_time

bp = Blueprint("reports", __name__, url_prefix="/reports")

CSV_COLUMNS = ("case", "sent_at", "status", "scale", "score", "raw_reply", "answered_at", "comment", "comment_at",
               "agent", "category", "script_version", "follow_up", "reward", "vendor")


def _program_and_period():
    """The program and period asked for; a bad one flashes why and redirects to the defaults."""
    programs = visible_programs(current_user)
    if not programs:
        raise NotFound("you serve no program yet")
    code = request.args.get("program") or programs[0].code
    program = next((p for p in programs if p.code == code), None)
    if program is None:
        raise NotFound(f"no program {code[:32]!r}")
    period = parse_period(request.args.get("from"), request.args.get("to"), today=today_in(program))
    return programs, program, period


def _guarded(endpoint: str, view):
    try:
        return view(*_program_and_period())
    except ValidationError as exc:
        if set(exc.fields) <= {"from", "to"}:
            flash(_("Period: %(reason)s", reason=exc.message), "error")
        else:
            flash(_("Filters: %(reason)s", reason=exc.message), "error")
        return redirect(url_for(endpoint, program=request.args.get("program", "")[:32] or None))


@bp.route("/satisfaction")
@manager_required
def satisfaction():
    return _guarded("reports.satisfaction", _render_dashboard)


def _render_dashboard(programs, program, period: Period):
    board = dashboard(program, period, parse_filters(request.args))
    svg = {
        "distribution": charts.distribution_chart(board.totals),
        "trend": charts.trend_chart(board.weeks, board.target, board.totals.scale),
        "categories": charts.csat_bars(board.categories, _("CSAT % by category")),
    }
    return render_template("reports/satisfaction.html", programs=programs, board=board, charts=svg,
                           previous=previous_period(period), categories=list(Category))


@bp.route("/satisfaction/programs")
@manager_required
def all_my_programs():
    return _guarded("reports.all_my_programs", _render_all_programs)


def _render_all_programs(programs, program, period: Period):
    """Every program the manager serves, side by side, for the same local dates."""
    lines, totals = all_programs(programs, period)
    return render_template("reports/all_programs.html", programs=programs, program=program, period=period,
                           lines=lines, totals=totals, previous=previous_period(period))


@bp.route("/satisfaction.csv")
@manager_required
def satisfaction_csv():
    return _guarded("reports.satisfaction", _stream_csv)


def _stream_csv(programs, program, period: Period):
    filename = f"satisfaction-{program.code}-{period.start}-{period.end}.csv"
    rows = (_csv_row(row, program) for row in responses(program, period, parse_filters(request.args)))
    return csv_download(filename, CSV_COLUMNS, rows, finished=export_recorder(filename, actor=current_user,
                                                                               program=program))


def _csv_row(row, program) -> list:
    (number, sent_at, status, scale, score, raw_reply, answered_at, comment, comment_at, agent, category, script,
     follow_up, reward, vendor) = row

    def when(moment):
        return local_time(moment, program.timezone, "%Y-%m-%d %H:%M") if moment else ""

    return [f"{program.code}-{number}", when(sent_at), status.value, scale_name(SCALES[scale]),
            "" if score is None else score, raw_reply or "", when(answered_at), comment or "", when(comment_at),
            agent or "", category, script or "", follow_up.value if follow_up else "", reward or "", vendor or ""]


@bp.route("/satisfaction/this-week")
@manager_required
def this_week():
    return _guarded("reports.this_week", _render_this_week)


@bp.route("/weekly-mail")
@manager_required
def weekly_mail():
    return _guarded("reports.weekly_mail", _render_weekly_mail)


def _render_weekly_mail(programs, program, period: Period):
    """The e-mail the managers get on Monday, as it would be sent now, in the viewer's language."""
    report, language = report_on_demand(program, utcnow()), language_of(current_user, program)
    mail = render_weekly_mail(report, current_user.email, language)
    with force_locale(language):
        body = Markup(render_template("reports/mail/_weekly_body.html", report=report, links=links_for(program)))
    return render_template("reports/weekly_mail.html", programs=programs, program=program, mail=mail, body=body)


def _render_this_week(programs, program, period: Period):
    today = today_in(program)
    return render_template("reports/this_week.html", programs=programs, program=program, today=today,
                           changes=ranked_changes(program, today))
