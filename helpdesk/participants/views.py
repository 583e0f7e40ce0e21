from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from helpdesk.audit.services import record_view
from helpdesk.cases.queues import CaseFilters, list_cases
from helpdesk.participants.services import get_participant

bp = Blueprint("participants", __name__, url_prefix="/participants")


@bp.route("/<int:participant_id>")
def participant_page(participant_id):
    participant = get_participant(participant_id, actor=current_user)
    page = list_cases("all", CaseFilters(participant_id=participant.id), actor=current_user,
                      cursor=request.args.get("cursor"), limit=current_app.config["PAGE_SIZE"])
    body = render_template("participants/participant.html", participant=participant, page=page)
    record_view("participant.viewed", participant, actor=current_user)
    return body
