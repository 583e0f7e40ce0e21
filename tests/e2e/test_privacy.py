import zipfile

import pytest
from playwright.sync_api import expect

from helpdesk.cases.models import Status
from helpdesk.cases.services import update_case
from tests import factories

pytestmark = pytest.mark.browser


def test_a_manager_exports_a_participants_data_then_erases_them(live_server, page, sign_in, tmp_path):
    with live_server.seed():
        program = factories.program()
        email = factories.user(role="manager", programs=[program]).email
        participant = factories.participant(program, external_id="M-4411", first_name="Halina", last_name="Zawada")
        case = factories.case(program, participant=participant, subject="Halina asks about her points")
        update_case(case, actor=factories.SYSTEM, status=Status.CLOSED)
        participant_path = live_server.path_for("participants.participant_page", participant_id=participant.id)
        code = program.code

    sign_in(email)
    page.goto(participant_path)
    expect(page.get_by_role("heading", name="Halina Zawada")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export data (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename == f"participant-{code}-M-4411.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert "Halina asks about her points" in archive.read("cases.csv").decode()

    page.get_by_role("link", name="Erase participant…").click()
    form = page.get_by_role("form", name="Erase participant")
    form.get_by_label("Type the member id to confirm").fill("M-4411")
    form.get_by_role("button", name="Erase for good").click()

    expect(page.get_by_role("alert").first).to_contain_text("The participant is erased.")
    expect(page.locator("#erased-notice")).to_contain_text("This participant was erased")
    expect(page.locator("body")).not_to_contain_text("Halina")
    expect(page.locator("body")).not_to_contain_text("Export data (ZIP)")
