"""When a survey goes out: scheduled as its case is resolved, moved out of quiet hours, skipped when it would
tire the participant, cancelled when the case is reopened first or the participant opts out.

These run inside the transaction that changes the case (the receivers in hooks.py), so the survey row and the
case change commit together: the surveys table is the outbox the dispatcher reads.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from helpdesk.actors import SystemActor
from helpdesk.cases.models import Case
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.programs.models import LOCALES
from helpdesk.signals import survey_scheduling
from helpdesk.surveys.models import Survey, SurveyStatus
from helpdesk.surveys.script_link import latest_script_version
from helpdesk.surveys.settings import SurveyRules, rules_for

SURVEYS = SystemActor("Satisfaction survey")
PENDING = (SurveyStatus.SCHEDULED, SurveyStatus.SENDING)
REASONS = {
    "disabled": _l("surveys are switched off for the program"),
    "no_participant": _l("no participant on the case"),
    "no_phone": _l("the participant has no phone number"),
    "opted_out": _l("the participant opted out of SMS"),
    "recent_survey": _l("the participant had a survey recently"),
    "reopened": _l("the case was reopened before the survey went out"),
}


def out_of_quiet_hours(moment: datetime, timezone: str, quiet_hours: tuple[time, time] | None) -> datetime:
    """``moment``, or the end of the quiet hours it falls in, on the program's wall clock (DST-safe)."""
    if quiet_hours is None:
        return moment
    start, end = quiet_hours
    tz = ZoneInfo(timezone)
    local = moment.astimezone(tz)
    clock = local.time()
    if start < end:
        quiet_day = local.date() if start <= clock < end else None
    elif clock >= start:
        quiet_day = local.date() + timedelta(days=1)
    else:
        quiet_day = local.date() if clock < end else None
    if quiet_day is None:
        return moment
    # A wall-clock time skipped by a DST change resolves to the same instant an hour later: still after it.
    return datetime.combine(quiet_day, end, tzinfo=tz).astimezone(UTC)


def due_time(resolved_at: datetime, timezone: str, rules: SurveyRules) -> datetime:
    return out_of_quiet_hours(resolved_at + rules.delay, timezone, rules.quiet_hours)


def schedule_survey(case: Case, *, now: datetime | None = None) -> Survey:
    """The survey for a case just resolved: scheduled, or skipped with the reason."""
    now = now or utcnow()
    rules = rules_for(case.program)
    participant = case.participant
    locale = participant.locale if participant is not None and participant.locale in LOCALES else case.program.locale
    survey = Survey(case=case, program_id=case.program_id, participant=participant, agent_id=case.assignee_id,
                    category=case.category.value, script_version=script_version_of(case), locale=locale,
                    created_at=now)
    reason = skip_reason(participant, rules, now)
    if reason:
        survey.status, survey.reason = SurveyStatus.SKIPPED, reason
    else:
        due = due_time(case.resolved_at or now, case.program.timezone, rules)
        survey.status, survey.due_at = SurveyStatus.SCHEDULED, max(
            [due, *(until for _, until in survey_scheduling.send(case) if until is not None)])
    db.session.add(survey)
    db.session.flush()
    return survey


def bring_forward(case_ids: list[int], now: datetime) -> int:
    """What a survey was waiting for has happened: its scheduled surveys go out as if resolved now, unless due
    sooner anyway; how many moved."""
    surveys = db.session.scalars(select(Survey).where(Survey.case_id.in_(case_ids),
                                                      Survey.status == SurveyStatus.SCHEDULED, Survey.due_at > now))
    moved = 0
    for survey in surveys:
        due = due_time(now, survey.case.program.timezone, rules_for(survey.case.program))
        if due < survey.due_at:
            survey.due_at, moved = due, moved + 1
    db.session.flush()
    return moved


def skip_reason(participant: Participant | None, rules: SurveyRules, now: datetime) -> str | None:
    if not rules.enabled:
        return "disabled"
    if participant is None:
        return "no_participant"
    if not participant.phone:
        return "no_phone"
    if participant.sms_opt_out:
        return "opted_out"
    if _surveyed_since(participant, now - rules.fatigue):
        return "recent_survey"
    return None


def _surveyed_since(participant: Participant, since: datetime) -> bool:
    """A survey sent since ``since``, or one on its way."""
    return db.session.scalar(select(Survey.id).where(
        Survey.participant_id == participant.id,
        or_(Survey.status.in_(PENDING), Survey.sent_at >= since)).limit(1)) is not None


def script_version_of(case: Case) -> str | None:
    version = latest_script_version(case)
    return version[:120] if version else None


def cancel_pending(*, reason: str, case: Case | None = None, participant: Participant | None = None) -> int:
    """Cancel the scheduled (not yet sending) surveys of a case or a participant; how many were cancelled."""
    query = select(Survey).where(Survey.status == SurveyStatus.SCHEDULED)
    query = query.where(Survey.case_id == case.id) if case is not None else query.where(
        Survey.participant_id == participant.id)
    surveys = list(db.session.scalars(query))
    for survey in surveys:
        survey.status, survey.reason = SurveyStatus.CANCELLED, reason
    db.session.flush()
    return len(surveys)
