"""A manager's privacy actions on the participant page: export, and erasure behind a typed confirmation."""

import io
import zipfile

from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from tests.conftest import csrf_token, login


def manager_of(client, make, program):
    login(client, make.user("manager", programs=[program]))
    return client


def test_agents_may_neither_export_nor_erase(agent_client, person):
    assert agent_client.get(f"/participants/{person.participant_id}/export").status_code == 403
    assert agent_client.get(f"/participants/{person.participant_id}/erase").status_code == 403
    page = agent_client.get(f"/participants/{person.participant_id}").get_data(as_text=True)
    assert "Erase participant" not in page


def test_a_manager_downloads_the_zip_from_the_participant_page(client, make, program, person):
    manager = manager_of(client, make, program)
    page = manager.get(f"/participants/{person.participant_id}").get_data(as_text=True)
    assert f"/participants/{person.participant_id}/export" in page
    response = manager.get(f"/participants/{person.participant_id}/export")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert "participant.json" in zipfile.ZipFile(io.BytesIO(response.data)).namelist()


def test_the_erasure_needs_the_member_id_typed(client, make, program, person):
    manager = manager_of(client, make, program)
    url = f"/participants/{person.participant_id}/erase"
    wrong = manager.post(url, data={"confirmation": "yes", "csrf_token": csrf_token(manager, url)})
    assert wrong.status_code == 422 and "does not match the member id" in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Participant, person.participant_id).erased_at is None


def test_a_manager_erases_and_the_page_says_so(client, make, program, person):
    manager = manager_of(client, make, program)
    url = f"/participants/{person.participant_id}/erase"
    done = manager.post(url, data={"confirmation": "ZW-778812", "csrf_token": csrf_token(manager, url)})
    assert done.status_code == 302
    page = manager.get(done.location).get_data(as_text=True)
    assert "This participant was erased" in page and "Zenobia" not in page
    assert manager.get(url).status_code == 404 and manager.get(f"{url[:-6]}/export").status_code == 404


def test_an_open_case_refuses_the_erasure_with_the_reason(client, make, program):
    participant = make.participant(program, external_id="OPEN-7")
    case = make.case(program, participant=participant)
    manager = manager_of(client, make, program)
    url = f"/participants/{participant.id}/erase"
    refused = manager.post(url, data={"confirmation": "OPEN-7", "csrf_token": csrf_token(manager, url)})
    assert refused.status_code == 409 and case.reference in refused.get_data(as_text=True)
