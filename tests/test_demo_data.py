from sqlalchemy import func, select

from helpdesk.cases.models import Case
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.rewards.models import RewardOrder
from helpdesk.scripts.services import suggest_script
from helpdesk.surveys.models import Survey


def test_demo_data_refuses_to_run_outside_development(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "DEVELOPMENT", False)  # HELPDESK_ENV is not "development"
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code != 0 and "HELPDESK_ENV=development" in result.output
    assert db.session.scalar(select(func.count(Program.id)).where(Program.code == "AURORA")) == 0


def test_demo_data_loads_once_and_prints_the_sign_ins(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "DEVELOPMENT", True)
    first = runner.invoke(args=["demo-data", "--participants", "30", "--cases", "40"])
    assert first.exit_code == 0, first.output
    assert "agent@demo.test" in first.output and "demo-password" in first.output
    assert {p.code for p in db.session.scalars(select(Program))} >= {"AURORA", "TAIGA"}
    cases = db.session.scalar(select(func.count(Case.id)))
    assert cases >= 80 and db.session.scalar(select(func.count(RewardOrder.id))) > 0
    assert db.session.scalar(select(func.count(Survey.id)).where(Survey.score.is_not(None))) > 0

    again = runner.invoke(args=["demo-data"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert db.session.scalar(select(func.count(Case.id))) == cases


def test_the_russian_programs_cases_get_scripts_in_their_participants_language(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "DEVELOPMENT", True)
    assert runner.invoke(args=["scripts", "sync"]).exit_code == 0  # as `make run` does before the demo data
    assert runner.invoke(args=["demo-data", "--participants", "30", "--cases", "40"]).exit_code == 0
    taiga = db.session.scalars(select(Case).join(Program).where(Program.code == "TAIGA"))
    suggested = [(case.participant.locale if case.participant else "ru", script.locale) for case in taiga
                 if (script := suggest_script(case, agent_locale="ru")) is not None]  # unknown callers: the agent's
    assert ("ru", "ru") in suggested
    assert [pair for pair in suggested if pair[0] != pair[1]] == []
