from datetime import date, timedelta

import pytest
from sqlalchemy import select

from helpdesk.cases.models import Case, CaseEvent, Category, Status
from helpdesk.cases.services import update_case
from helpdesk.errors import Conflict, NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.scripts.models import RunStatus, ScriptRun
from helpdesk.scripts.services import suggest_script
from helpdesk.scripts.services.runs import (
    answer_step,
    current_run,
    finish_run,
    go_back,
    restart_run,
    start_run,
    stop_run,
)
from helpdesk.scripts.services.suggest import script_choices
from tests.scripts.conftest import DELIVERY, save_script
from tests.scripts.test_check import MINI


@pytest.fixture
def case(make, program):
    return make.case(program, participant=make.participant(program, first_name="Ewa"))


def walk(run, case, agent, *answers):
    """Answer the current step with each answer in turn."""
    for answer in answers:
        answer_step(run, case, step_id=run.current_step, answer=answer, actor=agent)
    return run


def events(case, kind):
    return list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind)))


def script(make, text=MINI):
    return save_script(text, make.SYSTEM).script


def test_the_suggestion_follows_category_locale_and_program(make, program):
    polish_case = make.case(program, category="points", participant=make.participant(program, locale="pl"))
    english = script(make, MINI)
    assert suggest_script(polish_case) == english  # no Polish script yet: English is the fallback
    polish = script(make, MINI.replace("locale: en", "locale: pl"))
    assert suggest_script(polish_case) == polish
    own = script(make, MINI.replace("id: mini", "id: own").replace("locale: en", "locale: pl")
                 .replace("program: all", f"program: {program.code}"))
    assert suggest_script(polish_case) == own
    assert suggest_script(make.case(make.program(), category="points")) in (english, polish)
    assert suggest_script(make.case(program, category="complaint")) is None


def test_without_a_participant_the_programs_locale_decides(make):
    russian = make.program(country="RU")
    english = script(make, MINI)
    polish = script(make, MINI.replace("locale: en", "locale: pl"))
    assert suggest_script(make.case(russian, category="points", participant=None)) == english
    assert suggest_script(make.case(make.program(), category="points", participant=None)) == polish


def test_the_participants_language_comes_first_then_the_agents(make, program):
    english, russian = script(make, MINI), script(make, MINI.replace("locale: en", "locale: ru"))
    speaks_english = make.case(program, category="points", participant=make.participant(program, locale="en"))
    assert suggest_script(speaks_english, agent_locale="ru") == english  # read aloud to the participant
    speaks_polish = make.case(program, category="points", participant=make.participant(program, locale="pl"))
    assert suggest_script(speaks_polish, agent_locale="ru") == russian  # no Polish script: the agent's language
    assert suggest_script(speaks_polish, agent_locale="en") == english
    assert suggest_script(speaks_polish) == english  # nor the Polish program's: English


def test_the_agents_language_comes_before_the_programs(make, program):
    polish, russian = (script(make, MINI.replace("locale: en", f"locale: {locale}")) for locale in ("pl", "ru"))
    nobody = make.case(program, category="points", participant=None)
    assert suggest_script(nobody, agent_locale="ru") == russian
    assert suggest_script(nobody, agent_locale="en") == polish  # no English script: the program's language
    assert [s.locale for s in script_choices(nobody, agent_locale="ru")] == ["ru", "pl"]


def test_the_lower_rank_is_suggested_first_within_a_category(make, program):
    script(make, MINI.replace("title: Mini", "title: Mini\nrank: 50"))
    first = script(make, MINI.replace("id: mini", "id: first").replace("title: Mini", "title: First\nrank: 5"))
    assert suggest_script(make.case(program, category="points")) == first


def test_a_run_starts_at_the_first_step(make, case, agent, delivery_script):
    run = start_run(case, delivery_script, actor=agent)
    assert (run.status, run.current_step, run.path, run.answers) == ("in_progress", "greet", ["greet"], {})
    assert current_run(case) == run and run.version.number == 1


def test_answers_follow_the_branches_and_are_captured(make, case, agent, delivery_script):
    run = walk(start_run(case, delivery_script, actor=agent), case, agent, "yes", "lost", "1",
               (date.today() - timedelta(days=3)).isoformat())
    assert run.path == ["greet", "status", "count", "ordered", "wait"]
    assert run.answers == {"greet": "yes", "status": "lost", "count": 1,
                           "ordered": (date.today() - timedelta(days=3)).isoformat()}


def test_an_invalid_answer_is_refused_and_the_run_stays(make, case, agent, delivery_script):
    run = walk(start_run(case, delivery_script, actor=agent), case, agent, "yes", "lost")
    with pytest.raises(ValidationError, match="a number"):
        answer_step(run, case, step_id="count", answer="several", actor=agent)
    with pytest.raises(ValidationError, match="required"):
        answer_step(run, case, step_id="count", answer="", actor=agent)
    assert run.current_step == "count"


def test_an_optional_question_can_be_skipped(make, case, agent, delivery_script):
    run = walk(start_run(case, delivery_script, actor=agent), case, agent, "no", "")
    assert run.path == ["greet", "address", "resend"] and run.answers == {"greet": "no"}


def test_back_returns_to_the_previous_step_and_a_new_answer_replaces_the_old(make, case, agent, delivery_script):
    run = walk(start_run(case, delivery_script, actor=agent), case, agent, "yes")
    go_back(run, case, step_id="status", actor=agent)
    assert (run.current_step, run.path) == ("greet", ["greet"])
    walk(run, case, agent, "no")
    assert run.path == ["greet", "address"] and run.answers == {"greet": "no"}
    go_back(run, case, step_id="address", actor=agent)
    with pytest.raises(Conflict, match="first step"):
        go_back(run, case, step_id="greet", actor=agent)


def test_an_answer_for_a_step_the_run_has_left_is_refused(make, case, agent, delivery_script):
    run = walk(start_run(case, delivery_script, actor=agent), case, agent, "yes")
    with pytest.raises(Conflict, match="moved on"):
        answer_step(run, case, step_id="greet", answer="no", actor=agent)


def test_a_run_that_goes_round_in_circles_is_stopped_at_the_step_limit(make, case, agent, monkeypatch):
    from helpdesk.scripts.services import runs

    looping = MINI.replace("next: sorry", "next: again").replace(
        "    next: done\n  - id: done", "    next: again\n  - id: again\n    say: Again.\n    ask: {type: yes_no, "
        "label: Done}\n    branches:\n      - when: yes\n        next: done\n    next: sorry\n  - id: done")
    monkeypatch.setattr(runs, "MAX_PATH", 5)
    run = walk(start_run(case, script(make, looping), actor=agent), case, agent, "no", "no", "", "no")
    assert run.path == ["ask", "again", "sorry", "again", "sorry"]
    with pytest.raises(Conflict, match="gone through 5 steps"):
        answer_step(run, case, step_id="sorry", answer="", actor=agent)


def test_restart_abandons_the_run_and_starts_the_latest_version(make, case, agent, delivery_script):
    old = walk(start_run(case, delivery_script, actor=agent), case, agent, "yes")
    save_script(DELIVERY.replace("title: Parcel missing", "title: Parcel lost"), make.SYSTEM)
    new = restart_run(old, case, actor=agent)
    assert (old.status, old.current_step) == ("abandoned", "status")
    assert (new.status, new.current_step, new.version.number) == ("in_progress", "greet", 2)
    assert current_run(case) == new


def test_starting_another_script_abandons_the_run_in_progress(make, case, agent, delivery_script):
    first = start_run(case, delivery_script, actor=agent)
    second = start_run(case, script(make), actor=agent)
    db.session.refresh(first)
    assert (first.status, second.status) == ("abandoned", "in_progress")


def test_stopping_abandons_the_run(make, case, agent, delivery_script):
    run = stop_run(start_run(case, delivery_script, actor=agent), case, actor=agent)
    assert run.status == "abandoned" and current_run(case) is None
    with pytest.raises(Conflict, match="has ended"):
        answer_step(run, case, step_id="greet", answer="yes", actor=agent)


def test_finishing_writes_one_timeline_entry_with_version_path_answers_and_duration(make, case, agent,
                                                                                      delivery_script):
    run = walk(start_run(case, delivery_script, actor=agent), case, agent, "yes", "lost", "3")
    run.started_at -= timedelta(seconds=95)
    finish_run(run, case, step_id="vendor", apply_action=False, actor=agent)
    [event] = events(case, "script_run")
    assert run.status == RunStatus.COMPLETED and run.finished_at is not None
    assert event.author_name == agent.name
    assert {k: event.data[k] for k in ("script", "title", "version", "path", "end_step", "action")} == {
        "script": "parcel", "title": "Parcel missing", "version": 1, "path": ["greet", "status", "count", "vendor"],
        "end_step": "vendor", "action": None}
    assert event.data["answers"] == [
        {"step": "greet", "question": "Shipping e-mail received", "answer": "yes"},
        {"step": "status", "question": "Tracking status", "answer": "Lost"},
        {"step": "count", "question": "Parcels missing", "answer": 3}]
    assert 95 <= event.data["duration_seconds"] < 120
    assert event.data["action_suggested"] == {  # data, shown in the viewer's language
        "category": "complaint", "status": "pending_vendor", "reward_case": None, "callback_hours": None}
    assert case.status == Status.NEW and case.category == Category.REWARD_DELIVERY


def test_applying_the_action_sets_category_and_status_through_the_case_service(make, case, agent, delivery_script):
    run = walk(start_run(case, delivery_script, actor=agent), case, agent, "yes", "lost", "2")
    finish_run(run, case, step_id="vendor", apply_action=True, actor=agent)
    assert (case.category, case.status) == (Category.COMPLAINT, Status.PENDING_VENDOR)
    kinds = [e.kind for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                                .order_by(CaseEvent.id))]
    assert kinds == ["created", "script_run", "category", "status"]


def test_the_reward_case_action_opens_a_delivery_case_for_the_same_participant(make, case, agent, delivery_script):
    run = walk(start_run(case, delivery_script, actor=agent), case, agent, "no", "Main Street 1")
    finish_run(run, case, step_id="resend", apply_action=True, actor=agent)
    [event] = events(case, "script_run")
    opened = db.session.get(Case, event.data["reward_case_id"])
    assert (opened.participant, opened.category, opened.subject) == (case.participant, Category.REWARD_DELIVERY,
                                                                      "Send again")
    assert event.data["reward_case"] == opened.reference and case.reference in opened.description
    assert case.status == Status.PENDING_VENDOR


def test_the_reward_case_action_needs_a_participant(make, program, agent, delivery_script):
    case = make.case(program, participant=None)
    run = walk(start_run(case, delivery_script, actor=agent), case, agent, "no", "")
    with pytest.raises(ValidationError, match="link the participant"):
        finish_run(run, case, step_id="resend", apply_action=True, actor=agent)


def test_a_callback_is_a_timeline_entry_and_waits_for_the_participant(make, case, agent, delivery_script):
    run = walk(start_run(case, delivery_script, actor=agent), case, agent, "yes", "delivered")
    finish_run(run, case, step_id="neighbour", apply_action=True, actor=agent)
    [callback] = events(case, "callback_scheduled")
    due = run.finished_at + timedelta(hours=24)
    assert callback.data["due_at"] == due.isoformat() and "Call the participant back by" in callback.body
    assert case.status == Status.PENDING_PARTICIPANT


def test_an_action_the_case_cannot_take_is_refused(make, case, agent, delivery_script):
    update_case(case, actor=agent, status="resolved")
    run = walk(start_run(case, delivery_script, actor=agent), case, agent, "yes", "lost", "5")
    with pytest.raises(Conflict, match="cannot become pending_vendor"):
        finish_run(run, case, step_id="vendor", apply_action=True, actor=agent)


def test_a_run_can_only_finish_at_an_end_step(make, case, agent, delivery_script):
    run = start_run(case, delivery_script, actor=agent)
    with pytest.raises(Conflict, match="not at its last step"):
        finish_run(run, case, step_id="greet", apply_action=True, actor=agent)
    walk(run, case, agent, "yes", "delivered")
    with pytest.raises(Conflict, match="last step"):
        answer_step(run, case, step_id="neighbour", answer="", actor=agent)


def test_an_agent_of_another_program_cannot_run_scripts_on_the_case(make, case, delivery_script):
    outsider = make.user(role="agent", programs=[make.program()])
    with pytest.raises(NotFound):
        start_run(case, delivery_script, actor=outsider)


def test_a_program_script_does_not_run_on_another_programs_case(make, program, agent):
    other = make.program()
    own = script(make, MINI.replace("program: all", f"program: {other.code}"))
    with pytest.raises(NotFound):
        start_run(make.case(program), own, actor=agent)


def test_no_script_starts_on_a_closed_case(make, case, agent, delivery_script):
    update_case(case, actor=agent, status="closed")
    with pytest.raises(Conflict, match="closed"):
        start_run(case, delivery_script, actor=agent)


def test_runs_are_kept_per_case(make, case, agent, delivery_script):
    start_run(case, delivery_script, actor=agent)
    assert db.session.scalar(select(ScriptRun.case_id)) == case.id
