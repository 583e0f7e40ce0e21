"""Scripts for all programs: admins change them; a program's manager sees and uses them, and copies one into
their program to change it there."""

import re

import pytest
from sqlalchemy import select

from helpdesk.errors import Forbidden
from helpdesk.extensions import db
from helpdesk.scripts.checker import check_text
from helpdesk.scripts.models import Script
from helpdesk.scripts.services.suggest import suggest_script
from helpdesk.scripts.services.versions import EDITOR, definition_of, latest_version, record_version
from tests.conftest import csrf_token, login
from tests.scripts.conftest import DELIVERY
from tests.scripts.test_views import editor_form, text


def saved(script_id: int) -> Script:
    db.session.expire_all()
    return db.session.get(Script, script_id)


def test_a_manager_cannot_open_or_save_the_editor_of_a_script_for_all_programs(manager_client, delivery_script):
    url = f"/scripts/{delivery_script.id}/edit"
    response = manager_client.get(url)
    assert response.status_code == 403 and "only an admin can change scripts for all programs" in text(response)
    form = {"csrf_token": csrf_token(manager_client, "/scripts"), "title": "Hijacked", "program": "all",
            "category": "reward_delivery", "steps-0-id": "greet", "steps-0-say": "<b>Hi</b>", "steps-0-end": "y",
            "save": "1"}
    assert manager_client.post(url, data=form).status_code == 403
    assert (saved(delivery_script.id).latest_number, saved(delivery_script.id).title) == (1, "Parcel missing")


def test_a_manager_cannot_take_a_script_for_all_programs_into_their_program(manager_client, program,
                                                                             delivery_script):
    form = {"csrf_token": csrf_token(manager_client, "/scripts"), "title": "Parcel missing",
            "program": program.code, "category": "reward_delivery", "steps-0-id": "greet", "steps-0-say": "Hi",
            "steps-0-end": "y", "save": "1"}
    assert manager_client.post(f"/scripts/{delivery_script.id}/edit", data=form).status_code == 403
    assert saved(delivery_script.id).program_id is None


def test_a_manager_cannot_publish_a_script_to_all_programs(manager_client, program, program_script):
    new = {"csrf_token": csrf_token(manager_client, "/scripts/new"), "key": "everyone", "locale": "en",
           "title": "For everyone", "program": "all", "category": "other", "steps-0-id": "hi",
           "steps-0-say": "Hi", "steps-0-end": "y", "save": "1"}
    assert manager_client.post("/scripts/new", data=new).status_code == 422
    assert db.session.scalar(select(Script).where(Script.key == "everyone")) is None
    url = f"/scripts/{program_script.id}/edit"
    form = {**editor_form(manager_client, url), "program": "all", "save": "1"}
    assert manager_client.post(url, data=form).status_code == 422
    assert saved(program_script.id).program_id == program.id
    assert 'value="all"' not in manager_client.get(url).get_data(as_text=True)  # not even offered


@pytest.mark.parametrize("key", ["parcel", "parcel-own"])
def test_the_service_refuses_a_manager_any_change_to_scripts_for_all_programs(make, program, manager,
                                                                              delivery_script, key):
    """The editor stands on the service: a shared script cannot be changed, nor a program's script shared."""
    own = DELIVERY.replace("id: parcel", "id: parcel-own").replace("program: all", f"program: {program.code}")
    record_version(check_text(own, "parcel-own.en.yaml")[0], source=own, origin=EDITOR, actor=manager)
    source = DELIVERY.replace("id: parcel", f"id: {key}").replace("title: Parcel missing", "title: Changed")
    definition, problems = check_text(source, f"{key}.en.yaml")
    assert not problems
    with pytest.raises(Forbidden):
        record_version(definition, source=source, origin=EDITOR, actor=manager)


def test_a_manager_still_sees_scripts_for_all_programs_and_is_offered_a_copy(manager_client, program,
                                                                            delivery_script):
    listing = text(manager_client.get("/scripts"))
    assert "Parcel missing" in listing and f"/scripts/{delivery_script.id}/edit" not in listing
    assert f"/scripts/{delivery_script.id}#copy" in listing
    page = text(manager_client.get(f"/scripts/{delivery_script.id}"))
    assert "only an admin can change it" in page and f"/scripts/{delivery_script.id}/edit" not in page
    assert f'<option value="{program.code}">' in page


def test_an_admin_changes_a_script_for_all_programs(client, make, delivery_script):
    login(client, make.user(role="admin"))
    url = f"/scripts/{delivery_script.id}/edit"
    form = {**editor_form(client, url), "steps-6-say": "It is on its way.", "save": "1"}
    assert client.post(url, data=form).status_code == 302
    assert (saved(delivery_script.id).latest_number, saved(delivery_script.id).program_id) == (2, None)


def test_a_manager_copies_a_script_for_all_programs_into_their_program(manager_client, make, program,
                                                                      delivery_script):
    response = manager_client.post(f"/scripts/{delivery_script.id}/copy",
                                   data={"csrf_token": csrf_token(manager_client, "/scripts"), "program": program.code})
    copy = db.session.scalar(select(Script).where(Script.key == f"parcel-{program.code.lower()}"))
    assert response.status_code == 302 and response.location.endswith(f"/scripts/{copy.id}/edit")
    assert (copy.program_id, copy.locale, copy.title, copy.latest_number) == (program.id, "en", "Parcel missing", 1)
    original = definition_of(latest_version(saved(delivery_script.id)))
    assert definition_of(latest_version(copy)).steps == original.steps
    assert saved(delivery_script.id).latest_number == 1
    case = make.case(program, category="reward_delivery")
    assert suggest_script(case) == copy  # the program's own script comes first
    assert manager_client.get(f"/scripts/{copy.id}/edit").status_code == 200  # theirs to change


def test_a_copy_goes_only_into_a_program_of_the_managers_and_only_once(manager_client, make, program,
                                                                      delivery_script):
    url = f"/scripts/{delivery_script.id}/copy"
    token = csrf_token(manager_client, "/scripts")
    for target in (make.program().code, "all", ""):
        response = manager_client.post(url, data={"csrf_token": token, "program": target})
        assert response.status_code == 302 and response.location.endswith(f"/scripts/{delivery_script.id}")
    assert db.session.scalar(select(Script.id).where(Script.key.like("parcel-%"))) is None
    manager_client.post(url, data={"csrf_token": token, "program": program.code})
    response = manager_client.post(url, data={"csrf_token": token, "program": program.code}, follow_redirects=True)
    assert f"{program.code} has a copy already" in text(response)


def test_a_script_of_another_program_and_a_script_that_does_not_exist_answer_alike(manager_client, make,
                                                                                  program):
    other = make.program()
    foreign = record_version(check_text(DELIVERY.replace("program: all", f"program: {other.code}"), "x")[0],
                             source=DELIVERY, origin=EDITOR, actor=make.SYSTEM)[0].script
    missing = foreign.id + 1000
    case = make.case(program)
    token = csrf_token(manager_client, "/scripts")

    def answers(script_id):
        responses = [manager_client.get(url) for url in (
            f"/scripts/{script_id}", f"/scripts/{script_id}/edit", f"/scripts/{script_id}/versions/1/export",
            f"/scripts/{script_id}/versions/1/diff", f"/scripts/effectiveness?script={script_id}")]
        responses += [manager_client.post(f"/scripts/{script_id}/copy", data={"csrf_token": token,
                                                                              "program": program.code}),
                      manager_client.post(f"/cases/{case.id}/script-runs", data={"csrf_token": token,
                                                                                 "script_id": script_id})]
        return [(r.status_code, re.search(r"<main.*</main>", r.get_data(as_text=True), re.S)[0]) for r in responses]

    found, not_found = answers(foreign.id), answers(missing)
    assert [status for status, _ in found] == [404] * 7
    assert found == not_found
