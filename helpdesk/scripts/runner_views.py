"""The script runner on the case page: a panel in the ``case_main`` slot and one small POST form per move.

Without JavaScript: every answer, back, restart and finish is a form post that redirects to the case page, so
a reload shows the run where it is. An invalid answer shows the case page again with the message in the panel.
"""

from flask import Blueprint, current_app, flash, g, make_response, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.cases.models import Case, Status
from helpdesk.cases.services import get_case
from helpdesk.database import lock_row
from helpdesk.errors import Conflict, ValidationError
from helpdesk.scripts.merge_fields import render_text, resolve_values
from helpdesk.scripts.rendering import render_step
from helpdesk.scripts.services.runs import (
    answer_step,
    current_run,
    finish_run,
    get_run,
    go_back,
    restart_run,
    start_run,
    stop_run,
)
from helpdesk.scripts.services.suggest import script_choices, suggest_script
from helpdesk.scripts.services.versions import definition_of, get_script
from helpdesk.validation import parse_id
from helpdesk.web import run_change

bp = Blueprint("script_runs", __name__)


def _agent_locale() -> str | None:
    """The language the agent works in: the staff UI's locale of this request."""
    locale = get_locale()
    return locale.language if locale else None


def runner_panel(case, actor) -> dict | None:
    """The panel's context: the run in progress at its current step, or the suggested script to start."""
    run = current_run(case)
    if run is None:
        if case.status == Status.CLOSED:
            return None
        choices = script_choices(case, agent_locale=_agent_locale())
        if not choices:
            return None
        suggested = suggest_script(case, agent_locale=_agent_locale())
        return {"case": case, "run": None, "suggested": suggested, "choices": choices}
    definition = definition_of(run.version)
    values = resolve_values(case, actor)
    step = render_step(definition.step(run.current_step), values)
    answered = []
    for step_id in run.path[:-1]:
        question = definition.step(step_id).ask
        if question is not None and step_id in run.answers:
            value = run.answers[step_id]  # typed by the agent: data, never a template
            shown = render_text(question.option_label(value), values) if question.type == "choice" else value
            answered.append((render_text(question.label, values), shown))
    return {"case": case, "run": run, "definition": definition, "step": step, "answered": answered,
            "previous": g.get("script_answer", run.answers.get(run.current_step)),
            "error": g.get("script_error")}


def _back_to_case(case_id: int):
    return redirect(url_for("cases.case_page", case_id=case_id, _anchor="script-runner"))


def _move(case_id: int, change):
    """Run one move of the runner and commit; a refused answer re-renders the case page with the reason."""
    get_case(case_id, actor=current_user)
    error = run_change(lambda: change(lock_row(Case, Case.id == case_id))).error
    if isinstance(error, ValidationError):
        g.script_error = "; ".join(error.fields.values())
        g.script_answer = request.form.get("answer")
        response = make_response(current_app.view_functions["cases.case_page"](case_id=case_id))
        response.status_code = 422
        return response
    if error is not None:
        flash(_("Script: %(message)s", message=error.message), "error")
    return _back_to_case(case_id)


def _run(case, run_id: int):
    return get_run(case, run_id, actor=current_user)


@bp.route("/cases/<int:case_id>/script-runs", methods=["POST"])
def start(case_id):
    def change(case):
        script_id = parse_id(request.form.get("script_id") or request.form.get("choice_id", ""))
        script = (get_script(script_id, actor=current_user) if script_id
                  else suggest_script(case, agent_locale=_agent_locale()))
        if script is None:
            raise Conflict("no script to start")
        start_run(case, script, actor=current_user)

    return _move(case_id, change)


@bp.route("/cases/<int:case_id>/script-runs/<int:run_id>/answer", methods=["POST"])
def answer(case_id, run_id):
    return _move(case_id, lambda case: answer_step(_run(case, run_id), case, step_id=request.form.get("step", ""),
                                                   answer=request.form.get("answer"), actor=current_user))


@bp.route("/cases/<int:case_id>/script-runs/<int:run_id>/back", methods=["POST"])
def back(case_id, run_id):
    return _move(case_id, lambda case: go_back(_run(case, run_id), case, step_id=request.form.get("step", ""),
                                               actor=current_user))


@bp.route("/cases/<int:case_id>/script-runs/<int:run_id>/restart", methods=["POST"])
def restart(case_id, run_id):
    return _move(case_id, lambda case: restart_run(_run(case, run_id), case, actor=current_user))


@bp.route("/cases/<int:case_id>/script-runs/<int:run_id>/stop", methods=["POST"])
def stop(case_id, run_id):
    return _move(case_id, lambda case: stop_run(_run(case, run_id), case, actor=current_user))


@bp.route("/cases/<int:case_id>/script-runs/<int:run_id>/finish", methods=["POST"])
def finish(case_id, run_id):
    return _move(case_id, lambda case: finish_run(_run(case, run_id), case, step_id=request.form.get("step", ""),
                                                  apply_action=request.form.get("apply") == "1",
                                                  actor=current_user))
