"""A manager's privacy actions on a participant's page: download their data, erase them (typed confirmation)."""

from flask import Blueprint, Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.auth.access import manager_required
from helpdesk.errors import Conflict, NotFound
from helpdesk.participants.services import get_participant
from helpdesk.privacy.forms import EraseForm
from helpdesk.privacy.services import erase_and_delete_recordings, export_response_parts

bp = Blueprint("privacy", __name__, url_prefix="/participants")


def _living(participant_id: int):
    participant = get_participant(participant_id, actor=current_user)
    if participant.erased_at is not None:
        raise NotFound(_("this participant was erased"))
    return participant


@bp.route("/<int:participant_id>/export")
@manager_required
def export(participant_id):
    body, filename = export_response_parts(_living(participant_id), actor=current_user)
    return Response(stream_with_context(body), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.route("/<int:participant_id>/erase", methods=["GET", "POST"])
@manager_required
def erase(participant_id):
    participant = _living(participant_id)
    form = EraseForm(expected=participant.external_id)
    if form.validate_on_submit():
        try:
            outcome = erase_and_delete_recordings(participant_id, actor=current_user)
        except Conflict as exc:
            form.confirmation.errors = [*form.confirmation.errors, exc.message]
            return render_template("privacy/erase.html", participant=participant, form=form), 409
        if outcome.pending:
            flash(_("The participant is erased. %(count)d recordings could not be deleted at Twilio yet; the worker "
                    "keeps trying, and the erasure shows as pending until it succeeds.", count=outcome.pending),
                  "warning")
        else:
            flash(_("The participant is erased."), "success")
        return redirect(url_for("participants.participant_page", participant_id=participant_id))
    status = 422 if request.method == "POST" else 200
    return render_template("privacy/erase.html", participant=participant, form=form), status
