"""API v1 satisfaction: the dashboard's headline figures for a program and period, and its answered surveys.

``GET /satisfaction/summary?program=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD`` (dates inclusive, program-local), and
``GET /satisfaction/responses?...&cursor=&limit=`` (pages of answered surveys, oldest first).
An unknown program (or one the token may not see) is a 404; a missing or bad date, or ``from`` after ``to``,
is a 422 naming the argument.
"""

from flask import current_app, request

from helpdesk.api.auth import current_actor, token_blueprint
from helpdesk.api.lookups import program_at
from helpdesk.api.parsing import query_cursor, query_limit
from helpdesk.api.serializers import timestamp
from helpdesk.errors import ValidationError
from helpdesk.reports.periods import parse_period, today_in
from helpdesk.reports.queries import Figures, summary
from helpdesk.reports.slices import RESPONSE_CURSOR, answered_page
from helpdesk.surveys.models import SCALES, Scale

bp = token_blueprint("api_satisfaction", __name__)


def scale_name(scale: Scale) -> str:
    """"1-5" or "0-10"."""
    return f"{scale.low}-{scale.top}"


def summary_json(figures: Figures) -> dict:
    def rounded(value, digits):
        return None if value is None else round(value, digits)

    return {
        "scale": scale_name(figures.scale),
        "surveys_sent": figures.sent,
        "responses": figures.responses,
        "response_rate": rounded(figures.response_rate, 4),
        "average": rounded(figures.average, 2),
        "csat_percent": rounded(figures.csat_percent, 1),
        "nps": rounded(figures.nps, 1),
        "distribution": {str(score): count for score, count in figures.distribution.items()},
    }


def _program_and_period():
    code = request.args.get("program", "")
    if not code.strip():
        raise ValidationError("program", "is required")
    program = program_at(code, actor=current_actor())  # unknown, too long or hidden from the token: 404
    period = parse_period(request.args.get("from"), request.args.get("to"), today=today_in(program), required=True)
    return program, period


@bp.get("/satisfaction/summary")
def satisfaction_summary():
    return summary_json(summary(*_program_and_period()))


@bp.get("/satisfaction/responses")
def satisfaction_responses():
    program, period = _program_and_period()
    config = current_app.config
    page = answered_page(program, period, cursor=query_cursor(RESPONSE_CURSOR),
                         limit=query_limit(config["API_PAGE_SIZE"], config["API_MAX_PAGE_SIZE"]))
    return {"items": [response_json(program, row) for row in page.items], "next": page.next_cursor}


def response_json(program, row) -> dict:
    return {"case": f"{program.code}-{row.number}", "score": row.score, "scale": scale_name(SCALES[row.scale]),
            "comment": row.comment,
            "raw_reply": row.raw_reply, "answered_at": timestamp(row.answered_at), "agent": row.name,
            "category": row.category, "reward": row.reward, "vendor": row.vendor}
