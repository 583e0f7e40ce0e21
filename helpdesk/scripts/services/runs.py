"""Running a script on a case: one step at a time, answers captured, back and restart, then the timeline.

A case has at most one run in progress. A run ends as *completed* (the agent finishes an end step: one
``script_run`` timeline event, and the step's action if the agent applies it) or *abandoned* (restarted,
replaced by another script, or stopped). A run left in progress counts as abandoned in the figures once its
case is resolved or it has not moved for ``STALE_AFTER`` (see effectiveness.py); it can still be finished.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select, update

from helpdesk.actors import Actor, can_access
from helpdesk.auth.models import User
from helpdesk.cases.models import Case, Category, Status
from helpdesk.cases.services import log_activity, open_case, update_case
from helpdesk.database import utcnow
from helpdesk.errors import Conflict, NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.scripts.definition import Action, Definition, Step, parse_answer
from helpdesk.scripts.models import RunStatus, Script, ScriptEvent, ScriptRun
from helpdesk.scripts.services.versions import definition_of, latest_version

STALE_AFTER = timedelta(hours=8)
MAX_PATH = 500  # steps in one run; a script may loop back (with a way out), an agent cannot loop for ever


def _check(case: Case, actor: Actor) -> None:
    if not can_access(actor, case.program_id):
        raise NotFound("no such case")


def current_run(case: Case) -> ScriptRun | None:
    return db.session.scalar(select(ScriptRun).where(ScriptRun.case_id == case.id,
                                                     ScriptRun.status == RunStatus.IN_PROGRESS.value)
                             .order_by(ScriptRun.id.desc()).limit(1))


def get_run(case: Case, run_id: int, *, actor: Actor) -> ScriptRun:
    _check(case, actor)
    run = db.session.get(ScriptRun, run_id)
    if run is None or run.case_id != case.id:
        raise NotFound("no such script run on this case")
    return run


def start_run(case: Case, script: Script, *, actor: Actor) -> ScriptRun:
    """Start the latest version of ``script``; a run still in progress on the case is abandoned."""
    _check(case, actor)
    if script.program_id is not None and script.program_id != case.program_id:
        raise NotFound("no such script for this program")
    if case.status == Status.CLOSED:
        raise Conflict(_("the case is closed; open a new case to run a script"))
    _abandon_open_runs(case)
    version = latest_version(script)
    now = utcnow()
    start = definition_of(version).start
    run = ScriptRun(case_id=case.id, version=version, agent_id=actor.id if isinstance(actor, User) else None,
                    status=RunStatus.IN_PROGRESS.value, current_step=start, path=[start], answers={},
                    started_at=now, updated_at=now)
    db.session.add(run)
    db.session.flush()
    return run


def _abandon_open_runs(case: Case) -> None:
    db.session.execute(update(ScriptRun).where(ScriptRun.case_id == case.id,
                                               ScriptRun.status == RunStatus.IN_PROGRESS.value)
                       .values(status=RunStatus.ABANDONED.value, finished_at=utcnow())
                       .execution_options(synchronize_session="fetch"))


def move_runs_to_merged_case(case: Case, *, into: Case) -> None:
    """Answers ``cases_merged``: the merged case's runs go along; one left in progress there is abandoned, so
    the case merged into keeps at most its own run going."""
    _abandon_open_runs(case)
    db.session.execute(update(ScriptRun).where(ScriptRun.case_id == case.id).values(case_id=into.id)
                       .execution_options(synchronize_session="fetch"))


def _in_progress(run: ScriptRun, step_id: str | None = None) -> tuple[Definition, Step]:
    if run.status != RunStatus.IN_PROGRESS:
        raise Conflict(_("this script run has ended; start the script again"))
    if step_id is not None and step_id != run.current_step:
        raise Conflict(_("the script has moved on since this page was shown; here is the current step"))
    definition = definition_of(run.version)
    return definition, definition.step(run.current_step)


def answer_step(run: ScriptRun, case: Case, *, step_id: str, answer, actor: Actor) -> ScriptRun:
    """Record the answer to the current step and move to the step it leads to."""
    _check(case, actor)
    step = _in_progress(run, step_id)[1]
    if step.end:
        raise Conflict(_("this is the last step; finish the script"))
    if len(run.path) >= MAX_PATH:
        raise Conflict(_("this run has gone through %(count)s steps; restart the script", count=MAX_PATH))
    value = None
    if step.ask is not None:
        try:
            value = parse_answer(step.ask, answer)
        except ValueError as exc:
            raise ValidationError("answer", str(exc)) from None
    today = datetime.now(ZoneInfo(case.program.timezone)).date()
    following = step.next_for(value, today)
    answers = {k: v for k, v in run.answers.items() if k != step.id}
    if value is not None:
        answers[step.id] = value
    run.answers, run.path, run.current_step = answers, [*run.path, following], following
    run.updated_at = utcnow()
    db.session.flush()
    return run


def go_back(run: ScriptRun, case: Case, *, step_id: str, actor: Actor) -> ScriptRun:
    """Return to the previous step; its answer is kept as the suggestion until answered again."""
    _check(case, actor)
    _in_progress(run, step_id)
    if len(run.path) < 2:
        raise Conflict(_("this is the first step"))
    run.path = run.path[:-1]
    run.current_step = run.path[-1]
    run.updated_at = utcnow()
    db.session.flush()
    return run


def restart_run(run: ScriptRun, case: Case, *, actor: Actor) -> ScriptRun:
    """Abandon the run and start the same script again from its latest version."""
    _check(case, actor)
    _in_progress(run)
    return start_run(case, run.version.script, actor=actor)


def stop_run(run: ScriptRun, case: Case, *, actor: Actor) -> ScriptRun:
    _check(case, actor)
    _in_progress(run)
    run.status, run.finished_at = RunStatus.ABANDONED.value, utcnow()
    db.session.flush()
    return run


def finish_run(run: ScriptRun, case: Case, *, step_id: str, apply_action: bool, actor: Actor) -> ScriptRun:
    """Complete the run at its end step: write it to the timeline and, if asked, apply the step's action."""
    _check(case, actor)
    definition, step = _in_progress(run, step_id)
    if not step.end:
        raise Conflict(_("the script is not at its last step yet"))
    action = step.action if apply_action else None
    outcome = _apply(action, case, definition, actor) if action else {}
    run.status, run.finished_at = RunStatus.COMPLETED.value, utcnow()
    log_activity(case, ScriptEvent.SCRIPT_RUN, actor=actor, **_run_record(run, definition, step, action, outcome))
    if action and action.callback_hours:
        due = run.finished_at + timedelta(hours=action.callback_hours)
        local = due.astimezone(ZoneInfo(case.program.timezone)).strftime("%Y-%m-%d %H:%M")
        log_activity(case, ScriptEvent.CALLBACK_SCHEDULED, actor=actor, due_at=due.isoformat(), due_local=local,
                     body=f"Call the participant back by {local} ({case.program.timezone})")
    if action:
        status = Status.PENDING_PARTICIPANT.value if action.callback_hours else action.status
        if action.category or status:
            update_case(case, actor=actor, category=action.category, status=status)
    db.session.flush()
    return run


def _apply(action: Action, case: Case, definition: Definition, actor: Actor) -> dict:
    """The part of an action that makes something new before the timeline entry: a reward-delivery case."""
    if not action.reward_case:
        return {}
    if case.participant is None:
        raise ValidationError("participant", _("link the participant before opening a reward-delivery case"))
    opened = open_case(case.program, participant=case.participant, channel=case.channel.value,
                       category=Category.REWARD_DELIVERY.value, subject=action.reward_case,
                       description=f"Opened from case {case.reference} by the script “{definition.title}”.",
                       actor=actor)
    return {"reward_case_id": opened.id, "reward_case": opened.reference}


def _run_record(run: ScriptRun, definition: Definition, end: Step, action: Action | None, outcome: dict) -> dict:
    answers = []
    for step_id in run.path:
        step = definition.step(step_id)
        if step.ask is not None and step_id in run.answers:
            value = run.answers[step_id]
            shown = step.ask.option_label(value) if step.ask.type in ("choice", "yes_no") else value
            answers.append({"step": step_id, "question": step.ask.label, "answer": shown})
    return {
        "run_id": run.id, "script": definition.id, "title": definition.title, "locale": definition.locale,
        "version": run.version.number, "version_id": run.version_id, "path": list(run.path),
        "answers": answers, "duration_seconds": int((run.finished_at - run.started_at).total_seconds()),
        "end_step": end.id, "action": action.to_json() if action else None,  # shown in the viewer's language
        "action_suggested": end.action.to_json() if end.action else None, **outcome,
    }
