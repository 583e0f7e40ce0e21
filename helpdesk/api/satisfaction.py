"""API v1 satisfaction summary: the dashboard's headline figures for a program and period.

``GET /satisfaction/summary?program=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD`` (dates inclusive, program-local).
An unknown program (or one the token may not see) is a 404; a missing or bad date, or ``from`` after ``to``,
is a 422 naming the argument.
"""

from flask import request

from helpdesk.api.auth import current_actor, token_blueprint
from helpdesk.api.lookups import program_at
from helpdesk.errors import ValidationError
from helpdesk.reports.periods import parse_period, today_in
from helpdesk.reports.queries import Figures, summary

bp = token_blueprint("api_satisfaction", __name__)


def summary_json(figures: Figures) -> dict:
    def rounded(value, digits):
        return None if value is None else round(value, digits)

    return {
        "scale": figures.scale.label.replace("–", "-"),
        "surveys_sent": figures.sent,
        "responses": figures.responses,
        "response_rate": rounded(figures.response_rate, 4),
        "average": rounded(figures.average, 2),
        "csat_percent": rounded(figures.csat_percent, 1),
        "nps": rounded(figures.nps, 1),
        "distribution": {str(score): count for score, count in figures.distribution.items()},
    }


@bp.get("/satisfaction/summary")
def satisfaction_summary():
    code = request.args.get("program", "")
    if not code.strip():
        raise ValidationError("program", "is required")
    program = program_at(code, actor=current_actor())  # unknown, too long or hidden from the token: 404
    period = parse_period(request.args.get("from"), request.args.get("to"), today=today_in(program), required=True)
    return summary_json(summary(program, period))
