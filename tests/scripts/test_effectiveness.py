from datetime import timedelta

import pytest

from helpdesk.cases.services import update_case
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.scripts.services.effectiveness import script_effectiveness
from helpdesk.scripts.services.runs import answer_step, finish_run, restart_run, start_run, stop_run
from tests.scripts.conftest import DELIVERY, save_script

NOW = utcnow()
WINDOW = NOW - timedelta(days=90)


def answer(run, case, actor, *answers):
    for value in answers:
        answer_step(run, case, step_id=run.current_step, answer=value, actor=actor)
    return run


def resolve(case, actor, hours: float):
    """Resolve the case as if it had been opened ``hours`` before its resolution."""
    update_case(case, actor=actor, status="resolved")
    case.created_at = case.resolved_at - timedelta(hours=hours)


def completed(case, script, actor, seconds: int):
    run = answer(start_run(case, script, actor=actor), case, actor, "yes", "lost", "5")
    run.started_at -= timedelta(seconds=seconds)
    finish_run(run, case, step_id="vendor", apply_action=False, actor=actor)
    run.finished_at = run.started_at + timedelta(seconds=seconds)
    return run


@pytest.fixture
def known_runs(make, program, agent):
    """Version 1: 2 completed, 2 abandoned at `status`, 1 abandoned by resolving its case at `greet`, 1 running.
    Version 2: 1 completed, 1 abandoned by restart at `count`, whose new run went stale at `greet`."""
    v1 = save_script(DELIVERY, make.SYSTEM)
    script = v1.script
    cases = [make.case(program) for _ in range(6)]
    completed(cases[0], script, agent, 60)
    completed(cases[1], script, agent, 180)
    resolve(cases[0], agent, hours=4)
    resolve(cases[1], agent, hours=8)
    for case in cases[2:4]:
        stop_run(answer(start_run(case, script, actor=agent), case, agent, "yes"), case, actor=agent)
    start_run(cases[4], script, actor=agent)
    resolve(cases[4], agent, hours=3)
    start_run(cases[5], script, actor=agent)
    old = start_run(make.case(program), script, actor=agent)
    old.started_at = NOW - timedelta(days=100)  # outside the window

    v2 = save_script(DELIVERY.replace("title: Parcel missing", "title: Parcel lost"), make.SYSTEM)
    late = [make.case(program) for _ in range(2)]
    completed(late[0], script, agent, 30)
    resolve(late[0], agent, hours=1)
    restarted = restart_run(answer(start_run(late[1], script, actor=agent), late[1], agent, "yes", "lost"), late[1],
                            actor=agent)
    restarted.updated_at = NOW - timedelta(hours=9)
    db.session.flush()
    return v1, v2


def figures_by_version(actor, **kwargs):
    return {f.version: f for f in script_effectiveness(actor=actor, since=WINDOW, **kwargs)}


def test_runs_completion_and_abandonment_per_version(known_runs, agent):
    figures = figures_by_version(agent)
    assert set(figures) == {1, 2}
    v1, v2 = figures[1], figures[2]
    assert (v1.runs, v1.completed, v1.abandoned, v1.in_progress) == (6, 2, 3, 1)
    assert v1.completion_rate == pytest.approx(2 / 5)
    assert (v2.runs, v2.completed, v2.abandoned, v2.in_progress) == (3, 1, 2, 0)
    assert v2.completion_rate == pytest.approx(1 / 3)


def test_the_steps_where_abandoned_runs_stop(known_runs, agent):
    figures = figures_by_version(agent)
    assert figures[1].stops == [("status", 2), ("greet", 1)]
    assert figures[2].stops == [("count", 1), ("greet", 1)]


def test_average_run_duration_and_case_resolution_time(known_runs, agent):
    figures = figures_by_version(agent)
    assert figures[1].avg_run_seconds == pytest.approx(120, abs=1)
    assert (figures[1].resolved_cases, figures[1].avg_resolution_hours) == (3, pytest.approx(5, abs=0.01))
    assert figures[2].avg_run_seconds == pytest.approx(30, abs=1)
    assert (figures[2].resolved_cases, figures[2].avg_resolution_hours) == (1, pytest.approx(1, abs=0.01))


def test_figures_can_be_limited_to_one_script(known_runs, make, program, agent):
    other = save_script(DELIVERY.replace("id: parcel", "id: other"), make.SYSTEM).script
    start_run(make.case(program), other, actor=agent)
    assert {f.key for f in script_effectiveness(actor=agent, since=WINDOW)} == {"parcel", "other"}
    only = script_effectiveness(actor=agent, since=WINDOW, script_id=known_runs[0].script_id)
    assert {(f.key, f.version) for f in only} == {("parcel", 1), ("parcel", 2)}


def test_a_manager_sees_only_runs_on_cases_of_their_programs(known_runs, make):
    outsider = make.user(role="manager", programs=[make.program()])
    assert script_effectiveness(actor=outsider, since=WINDOW) == []


def test_no_runs_means_no_figures(make, agent):
    save_script(DELIVERY, make.SYSTEM)
    assert script_effectiveness(actor=agent, since=WINDOW) == []


def test_average_satisfaction_of_the_cases_each_version_ran_on(known_runs, agent):
    from helpdesk.surveys.models import Survey

    # One survey per resolution, in resolution order: v1's two completed cases and its abandoned one, then v2's.
    surveys = db.session.query(Survey).order_by(Survey.id).all()
    for survey, score in zip(surveys, [5, 3, None, 2], strict=True):
        survey.score = score
    db.session.flush()
    figures = figures_by_version(agent)
    assert (figures[1].answered_surveys, figures[1].avg_satisfaction) == (2, pytest.approx(4.0))
    assert (figures[2].answered_surveys, figures[2].avg_satisfaction) == (1, pytest.approx(2.0))
