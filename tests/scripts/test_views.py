import html
import re

import pytest
from sqlalchemy import select

from helpdesk.cases.models import Case, CaseEvent, Category, Status
from helpdesk.cases.services import log_activity
from helpdesk.extensions import db
from helpdesk.scripts.models import Script, ScriptEvent, ScriptRun
from helpdesk.scripts.services.runs import answer_step, finish_run, start_run
from tests.conftest import csrf_token
from tests.scripts.conftest import DELIVERY, save_script
from tests.scripts.test_check import MINI


def post(client, url, data=None):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, "/cases")})


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def case(make, program):
    return make.case(program, participant=make.participant(program, first_name="Ewa"))


def run_of(case) -> ScriptRun:
    db.session.expire_all()
    return db.session.scalar(select(ScriptRun).where(ScriptRun.case_id == case.id).order_by(ScriptRun.id.desc()))


# The runner on the case page

def test_the_case_page_suggests_the_script_for_the_cases_category(agent_client, case, delivery_script):
    page = text(agent_client.get(f"/cases/{case.id}"))
    assert 'id="script-runner"' in page and 'Suggested: <strong lang="en">Parcel missing</strong>' in page


def test_the_agents_language_picks_the_script_when_none_speaks_the_participants(agent_client, make, program):
    for locale, title in (("en", "Mini"), ("ru", "Мини")):
        save_script(MINI.replace("locale: en", f"locale: {locale}").replace("title: Mini", f"title: {title}"),
                    make.SYSTEM)
    db.session.commit()
    case = make.case(program, category="points", participant=make.participant(program, locale="pl"))
    russian = {"Accept-Language": "ru-RU,ru;q=0.9"}
    assert '<strong lang="ru">Мини</strong>' in text(agent_client.get(f"/cases/{case.id}", headers=russian))
    assert 'Suggested: <strong lang="en">Mini</strong>' in text(agent_client.get(f"/cases/{case.id}"))
    agent_client.post(f"/cases/{case.id}/script-runs", headers=russian,  # "start the suggested one"
                      data={"csrf_token": csrf_token(agent_client, "/cases")})
    assert run_of(case).version.script.locale == "ru"


def test_no_runner_appears_when_there_are_no_scripts(agent_client, case):
    assert 'id="script-runner"' not in text(agent_client.get(f"/cases/{case.id}"))


def test_starting_shows_the_first_step_with_merge_fields_filled_in(agent_client, case, agent, delivery_script):
    response = post(agent_client, f"/cases/{case.id}/script-runs", {"script_id": delivery_script.id})
    assert response.status_code == 302 and response.location.endswith(f"/cases/{case.id}#script-runner")
    page = text(agent_client.get(f"/cases/{case.id}"))
    first_name = agent.name.split()[0]
    assert f"Hello Ewa, this is {first_name} from {case.program.name}." in page
    assert f"Your case is {case.reference}." in page and "Shipping e-mail received" in page


def test_each_answer_is_a_post_and_the_page_shows_the_next_step(agent_client, case, delivery_script):
    post(agent_client, f"/cases/{case.id}/script-runs", {"script_id": delivery_script.id})
    run = run_of(case)
    post(agent_client, f"/cases/{case.id}/script-runs/{run.id}/answer", {"step": "greet", "answer": "yes"})
    post(agent_client, f"/cases/{case.id}/script-runs/{run.id}/answer", {"step": "status", "answer": "lost"})
    page = text(agent_client.get(f"/cases/{case.id}"))
    assert "How many parcels are missing?" in page and "Answers so far (2)" in page
    assert run_of(case).answers == {"greet": "yes", "status": "lost"}


def test_an_invalid_answer_shows_the_case_page_again_with_the_reason(agent_client, case, delivery_script):
    post(agent_client, f"/cases/{case.id}/script-runs", {"script_id": delivery_script.id})
    run = run_of(case)
    for step, answer in (("greet", "yes"), ("status", "lost")):
        post(agent_client, f"/cases/{case.id}/script-runs/{run.id}/answer", {"step": step, "answer": answer})
    response = post(agent_client, f"/cases/{case.id}/script-runs/{run.id}/answer", {"step": "count", "answer": "lots"})
    page = text(response)
    assert response.status_code == 422
    assert "Parcels missing: must be a number such as 12 or 12.5" in page and 'value="lots"' in page
    assert run_of(case).current_step == "count"


def test_a_stale_page_cannot_answer_a_step_twice(agent_client, case, delivery_script):
    post(agent_client, f"/cases/{case.id}/script-runs", {"script_id": delivery_script.id})
    run = run_of(case)
    post(agent_client, f"/cases/{case.id}/script-runs/{run.id}/answer", {"step": "greet", "answer": "yes"})
    response = post(agent_client, f"/cases/{case.id}/script-runs/{run.id}/answer", {"step": "greet", "answer": "no"})
    assert response.status_code == 302
    assert "the script has moved on" in text(agent_client.get(f"/cases/{case.id}"))
    assert run_of(case).path == ["greet", "status"]


def test_back_and_restart_from_the_page(agent_client, case, delivery_script):
    post(agent_client, f"/cases/{case.id}/script-runs", {"script_id": delivery_script.id})
    run = run_of(case)
    post(agent_client, f"/cases/{case.id}/script-runs/{run.id}/answer", {"step": "greet", "answer": "no"})
    post(agent_client, f"/cases/{case.id}/script-runs/{run.id}/back", {"step": "address"})
    assert run_of(case).path == ["greet"]
    post(agent_client, f"/cases/{case.id}/script-runs/{run.id}/restart")
    restarted = run_of(case)
    assert restarted.id != run.id and db.session.get(ScriptRun, run.id).status == "abandoned"


def test_finishing_applies_the_action_with_one_click_and_shows_the_run_on_the_timeline(agent_client, case, agent,
                                                                                        delivery_script):
    run = start_run(case, delivery_script, actor=agent)
    for answer in ("yes", "lost", "2"):
        answer_step(run, case, step_id=run.current_step, answer=answer, actor=agent)
    db.session.commit()
    page = text(agent_client.get(f"/cases/{case.id}"))
    assert "Finish and set the category to complaint, set the status to waiting for vendor" in page
    response = post(agent_client, f"/cases/{case.id}/script-runs/{run.id}/finish", {"step": "vendor", "apply": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (db.session.get(Case, case.id).category, db.session.get(Case, case.id).status) == (
        Category.COMPLAINT, Status.PENDING_VENDOR)
    page = text(agent_client.get(f"/cases/{case.id}"))
    assert "Ran the script <strong>Parcel missing</strong>" in page and "greet → status → count → vendor" in page
    assert "Applied: set the category to complaint" in page
    assert "Suggested: <strong>" not in page  # the category changed to complaint: no script for it


def test_a_run_recorded_before_actions_were_stored_as_data_still_shows_its_action(agent_client, case, agent):
    log_activity(case, ScriptEvent.SCRIPT_RUN, actor=agent, title="Old run", locale="en", version=1,
                 duration_seconds=75, path=["greet", "done"], answers=[], action=["set the status to resolved"],
                 action_suggested=["set the status to resolved"])
    db.session.commit()
    page = text(agent_client.get(f"/cases/{case.id}"))
    assert "Ran the script <strong>Old run</strong>" in page and "1 min 15 s · 2 steps" in page
    assert "Applied: set the status to resolved" in page


def test_the_timeline_shows_a_scheduled_callback(agent_client, case, agent, delivery_script):
    run = start_run(case, delivery_script, actor=agent)
    for answer in ("yes", "delivered"):
        answer_step(run, case, step_id=run.current_step, answer=answer, actor=agent)
    finish_run(run, case, step_id="neighbour", apply_action=True, actor=agent)
    db.session.commit()
    page = text(agent_client.get(f"/cases/{case.id}"))
    assert re.search(r"Callback scheduled: <strong>\d{4}-\d\d-\d\d \d\d:\d\d</strong>", page)


def test_a_refused_action_saves_nothing_and_says_why(agent_client, make, program, agent, delivery_script):
    case = make.case(program, participant=None)
    run = start_run(case, delivery_script, actor=agent)
    for answer in ("no", ""):
        answer_step(run, case, step_id=run.current_step, answer=answer, actor=agent)
    db.session.commit()
    response = post(agent_client, f"/cases/{case.id}/script-runs/{run.id}/finish", {"step": "resend", "apply": "1"})
    assert response.status_code == 422 and "link the participant" in text(response)
    assert run_of(case).status == "in_progress"
    assert db.session.scalar(select(CaseEvent.id).where(CaseEvent.kind == "script_run")) is None


def test_runner_posts_need_a_csrf_token(agent_client, case, delivery_script):
    response = agent_client.post(f"/cases/{case.id}/script-runs", data={"script_id": delivery_script.id})
    assert response.status_code == 400 and run_of(case) is None


def test_an_agent_cannot_run_a_script_on_another_programs_case(agent_client, make, delivery_script):
    foreign = make.case(make.program())
    assert post(agent_client, f"/cases/{foreign.id}/script-runs", {"script_id": delivery_script.id}).status_code == 404


def test_a_script_text_payload_shows_as_text_on_the_case_page(agent_client, make, case, agent):
    version = save_script(DELIVERY, make.SYSTEM)
    definition = dict(version.definition)
    definition["steps"] = [{**definition["steps"][0], "say": "{{ ''.__class__.__mro__ }} <b>hi</b>"},
                           *definition["steps"][1:]]
    version.definition = definition  # as if the database had been tampered with
    start_run(case, version.script, actor=agent)
    db.session.commit()
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "{{ &#39;&#39;.__class__.__mro__ }} &lt;b&gt;hi&lt;/b&gt;" in page and "<class" not in page


# Manager pages

def test_script_pages_are_for_managers(agent_client):
    assert agent_client.get("/scripts").status_code == 403
    assert agent_client.get("/scripts/effectiveness").status_code == 403


def test_the_script_list_and_a_scripts_versions(manager_client, make, delivery_script):
    page = text(manager_client.get("/scripts"))
    assert "parcel" in page and "Parcel missing" in page
    page = text(manager_client.get(f"/scripts/{delivery_script.id}"))
    assert "v1" in page and "/versions/1/export" in page


def test_a_manager_does_not_see_another_programs_script(manager_client, make):
    other = make.program()
    foreign = save_script(MINI.replace("program: all", f"program: {other.code}"), make.SYSTEM).script
    assert manager_client.get(f"/scripts/{foreign.id}").status_code == 404
    assert "mini" not in text(manager_client.get("/scripts"))


def test_a_version_exports_to_the_file_format(manager_client, delivery_script):
    response = manager_client.get(f"/scripts/{delivery_script.id}/versions/1/export")
    assert response.status_code == 200 and response.mimetype == "text/yaml"
    assert response.headers["Content-Disposition"] == 'attachment; filename="parcel.en.yaml"'
    assert response.get_data(as_text=True) == DELIVERY


def editor_form(client, url) -> dict:
    """The editor's fields as the browser would post them, read from the page."""
    page = client.get(url).get_data(as_text=True)
    data = {}
    for tag in re.findall(r"<(?:input|textarea|select)[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data[name[1]] = "y"
        elif tag.startswith("<textarea"):
            data[name[1]] = html.unescape(re.search(re.escape(tag) + r"\r?\n?(.*?)</textarea>", page, re.S)[1])
        elif tag.startswith("<select"):
            options = re.search(re.escape(tag) + r"(.*?)</select>", page, re.S)[1]
            chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option value="([^"]*)"[^>]*selected',
                               options)
            data[name[1]] = (chosen[1] or chosen[2]) if chosen else re.search(r'value="([^"]*)"', options)[1]
        else:
            data[name[1]] = html.unescape(value[1]) if value else ""
    return data


def test_the_editor_shows_every_step_of_the_latest_version(manager_client, program_script):
    form = editor_form(manager_client, f"/scripts/{program_script.id}/edit")
    assert form["title"] == "Parcel missing" and form["steps-0-id"] == "greet"
    assert form["steps-0-branches-0-when"] == "yes" and form["steps-0-branches-0-next"] == "status"
    assert form["steps-1-options"] == "delivered = Delivered\nlost = Lost"
    assert form["steps-9-id"] == ""  # the blank step to fill in


def test_saving_in_the_editor_makes_a_new_version(manager_client, program_script):
    url = f"/scripts/{program_script.id}/edit"
    form = editor_form(manager_client, url)
    form.update({"steps-6-say": "It is on its way, {{ participant.first_name }}.", "save": "1"})
    response = manager_client.post(url, data=form)
    assert response.status_code == 302, text(response)[:2000]
    db.session.expire_all()
    script = db.session.get(Script, program_script.id)
    assert script.latest_number == 2
    diff = text(manager_client.get(f"/scripts/{script.id}/versions/2/diff"))
    assert "+    say: It is on its way, {{ participant.first_name }}." in diff


def test_an_editor_submission_with_problems_shows_where_and_saves_nothing(manager_client, program_script):
    url = f"/scripts/{program_script.id}/edit"
    form = editor_form(manager_client, url)
    form.update({"steps-2-next": "nowhere", "steps-3-say": "Hi {{ participant.shoe_size }}", "save": "1"})
    response = manager_client.post(url, data=form)
    page = text(response)
    assert response.status_code == 422
    assert "4 problems; nothing was saved." in page, re.findall(r"<li>.*?</li>", page)
    assert "step 3 “count” › next: unknown step 'nowhere'" in page
    assert "step 4 “ordered” › say: unknown merge field {{ participant.shoe_size }}" in page
    assert 'class="invalid-feedback' in page
    db.session.expire_all()
    assert db.session.get(Script, program_script.id).latest_number == 1


def test_the_preview_renders_every_step_against_a_sample_case(manager_client, case, program_script):
    url = f"/scripts/{program_script.id}/edit"
    form = editor_form(manager_client, url)
    form.update({"sample": case.reference, "preview": "1"})
    response = manager_client.post(url, data=form)
    page = text(response)
    assert response.status_code == 200 and f"Preview against {case.reference}" in page
    assert "Hello Ewa, this is" in page and f"Your case is {case.reference}." in page
    db.session.expire_all()
    assert db.session.get(Script, program_script.id).latest_number == 1


def test_a_sample_case_the_manager_cannot_see_is_refused(manager_client, make, program_script):
    foreign = make.case(make.program())
    url = f"/scripts/{program_script.id}/edit"
    form = editor_form(manager_client, url)
    form.update({"sample": foreign.reference, "preview": "1"})
    assert f"no case '{foreign.reference}' in your programs" in text(manager_client.post(url, data=form))


def test_a_new_script_from_the_editor(manager_client, program):
    form = {"csrf_token": csrf_token(manager_client, "/scripts/new"), "key": "hello", "locale": "pl",
            "title": "Powitanie", "program": program.code, "category": "other",
            "steps-0-position": "2", "steps-0-id": "bye", "steps-0-say": "Do widzenia!", "steps-0-end": "y",
            "steps-0-action_status": "resolved",
            "steps-1-position": "1", "steps-1-id": "hi", "steps-1-say": "Dzień dobry, {{ participant.first_name }}!",
            "steps-1-next": "bye", "save": "1"}
    response = manager_client.post("/scripts/new", data=form)
    assert response.status_code == 302, text(response)[:3000]
    script = db.session.scalar(select(Script).where(Script.key == "hello"))
    assert (script.locale, script.program, script.latest_number) == ("pl", program, 1)
    exported = manager_client.get(f"/scripts/{script.id}/versions/1/export").get_data(as_text=True)
    assert exported.index("id: hi") < exported.index("id: bye") and "status: resolved" in exported


def test_the_effectiveness_page_shows_the_figures(manager_client, case, agent, delivery_script):
    run = start_run(case, delivery_script, actor=agent)
    for answer in ("yes", "lost", "2"):
        answer_step(run, case, step_id=run.current_step, answer=answer, actor=agent)
    finish_run(run, case, step_id="vendor", apply_action=False, actor=agent)
    db.session.commit()
    page = text(manager_client.get("/scripts/effectiveness"))
    row = re.search(r'<table class="table table-sm" id="effectiveness">.*?</table>', page, re.S)[0]
    assert "parcel" in row and "v1" in row and "100 %" in row
    assert manager_client.get("/scripts/effectiveness?days=oops").status_code == 200
    assert manager_client.get("/scripts/effectiveness?script=999999").status_code == 404
