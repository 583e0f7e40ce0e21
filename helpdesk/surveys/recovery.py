"""Service recovery: a low score (1-2 on the 1-5 scale, 0-4 on 0-10) opens a follow-up on the case for the
program manager.

The follow-up lives on the survey (``follow_up`` open, then done with a note); the managers' "Service
recovery" list shows the open ones of the programs they serve, and each step is on the case's timeline.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from helpdesk.actors import Actor, can_access
from helpdesk.auth.models import User
from helpdesk.cases.models import Case
from helpdesk.cases.services import log_activity
from helpdesk.database import utcnow
from helpdesk.errors import Conflict, NotFound
from helpdesk.extensions import db
from helpdesk.surveys.models import FollowUp, Survey, SurveyEvent
from helpdesk.validation import FieldErrors

MAX_NOTE = 5_000
LIST_LIMIT = 200


def open_follow_ups(*, actor: Actor, limit: int = LIST_LIMIT) -> list[Survey]:
    """Open follow-ups in the actor's programs, oldest first (they have waited longest)."""
    query = select(Survey).where(Survey.follow_up == FollowUp.OPEN)
    visible = actor.visible_program_ids()
    if visible is not None:
        query = query.where(Survey.program_id.in_(visible))
    return list(db.session.scalars(query.options(joinedload(Survey.case)).order_by(Survey.id).limit(limit)))


def surveys_of_case(case: Case) -> list[Survey]:
    """The case's surveys, first one first (a case resolved, reopened and resolved again has several)."""
    return list(db.session.scalars(select(Survey).where(Survey.case_id == case.id).order_by(Survey.id)))


def get_survey(survey_id: int, *, actor: Actor) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or not can_access(actor, survey.program_id):
        raise NotFound("no such survey")
    return survey


def complete_follow_up(survey: Survey, *, note: str, actor: User) -> Survey:
    """The manager has called the participant back: the follow-up is done, the note goes on the timeline."""
    if not can_access(actor, survey.program_id):
        raise NotFound("no such survey")
    if survey.follow_up != FollowUp.OPEN:
        raise Conflict("this follow-up is not open")
    errors = FieldErrors()
    note = errors.text("note", note, max_length=MAX_NOTE)
    errors.raise_if_any()
    survey.follow_up, survey.follow_up_note = FollowUp.DONE, note
    survey.follow_up_done_at, survey.follow_up_done_by = utcnow(), actor.display_name
    log_activity(survey.case, SurveyEvent.SERVICE_RECOVERY_DONE, actor=actor, body=note, score=survey.score)
    return survey
