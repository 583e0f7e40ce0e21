"""A Polish program manager loads the program's own files; an agent looks a participant's code up."""

import re

import pytest
from playwright.sync_api import expect

from helpdesk.codes.services import upsert_code
from tests import factories
from tests.imports.conftest import csv_file

pytestmark = pytest.mark.browser

PARTICIPANTS = [["Nr uczestnika", "Imię", "Nazwisko", "Komórka", "Punkty"],
                ["PP-100001", "Łucja", "Wiśniewska", "600 100 200", "4 500"],
                ["PP-100002", "Żaneta", "Ściegienna", "601 200 300", "1.250"]]
ORDERS = [["Nr zamówienia", "Nr uczestnika", "Indeks", "Nagroda", "Typ nagrody", "Punkty", "Data zamówienia", "Status"],
          ["ZAM/2026/00133", "PP-100001", "HEAD-01", "Słuchawki bezprzewodowe", "Rzeczowa", "4 500,00",
           "08.11.2026 14:30", "Wysłane"]]


def upload(page, program_code: str, kind: str, name: str, data: bytes) -> None:
    page.goto("/imports/")
    form = page.get_by_role("form", name="Upload a file")
    form.get_by_label("Program").select_option(program_code)
    form.get_by_label("File of").select_option(kind)
    form.get_by_label("CSV or Excel workbook (.xlsx)").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data})
    form.get_by_role("button", name="Upload and preview").click()


def test_a_manager_imports_polish_participant_and_order_files_mapping_one_column(live_server, page, sign_in,
                                                                                   tmp_path):
    live_server.app.config["IMPORTS_DIR"] = str(tmp_path)
    with live_server.seed():
        program = factories.program("PREMIA")
        email = factories.user(role="manager", programs=[program]).email

    sign_in(email)
    upload(page, "PREMIA", "participants", "uczestnicy.csv",
           csv_file(PARTICIPANTS, encoding="cp1250", delimiter=";"))
    expect(page.locator("body")).to_contain_text("Read as cp1250, separated by semicolons.")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Wiśniewska")
    expect(preview).not_to_contain_text("+48600100200")
    page.get_by_label("Field of column Komórka").select_option("phone")
    page.get_by_role("button", name="Update the preview").click()
    expect(preview).to_contain_text("+48600100200")
    page.get_by_role("button", name="Import the file").click()
    expect(page.locator("#import-summary")).to_contain_text("2 rows: 2 created, 0 updated, 0 unchanged, 0 rejected")

    upload(page, "PREMIA", "orders", "zamowienia.csv", csv_file(ORDERS, encoding="cp1250", delimiter=";"))
    expect(page.locator("#preview")).to_contain_text("ZAM/2026/00133")
    expect(page.locator("#preview")).to_contain_text("shipped")
    page.get_by_role("button", name="Import the file").click()
    expect(page.locator("#import-summary")).to_contain_text("1 rows: 1 created")

    page.goto("/search?q=Wiśniewska")
    page.get_by_role("link", name=re.compile("Łucja Wiśniewska")).first.click()
    expect(page.locator("body")).to_contain_text("Słuchawki bezprzewodowe")
    expect(page.locator("body")).to_contain_text("ZAM/2026/00133")


def test_an_agent_looks_a_code_up_from_the_case_page(live_server, page, sign_in):
    with live_server.seed():
        program = factories.program()
        email = factories.user(role="agent", programs=[program]).email
        participant = factories.participant(program, first_name="Łucja", last_name="Wiśniewska")
        upsert_code(program, "AB12 CD34", {"status": "used", "points": 50,
                                           "participant_external_id": participant.external_id}, actor=factories.SYSTEM)
        case = factories.case(program, participant=participant, category="code_not_accepted",
                              subject="Kod nie został przyjęty")
        case_path = live_server.path_for("cases.case_page", case_id=case.id)

    sign_in(email)
    page.goto(case_path)
    panel = page.locator("#code")
    panel.get_by_label("Code", exact=True).fill("ab12 co34")
    panel.get_by_role("button", name="Look up").click()
    expect(panel).to_contain_text("Unknown code")
    expect(panel.locator(".near-codes")).to_contain_text("AB12 CD34")
    panel.get_by_label("Code", exact=True).fill("ab12cd34")
    panel.get_by_role("button", name="Look up").click()
    expect(panel.locator(".code-result")).to_contain_text("Used")
    expect(panel.locator(".code-result")).to_contain_text("Łucja Wiśniewska")
    panel.get_by_role("button", name="Record ab12cd34 on this case").click()
    expect(page.locator("#case-code")).to_have_text("ab12cd34")
    expect(page.locator("#timeline")).to_contain_text("Recorded the code ab12cd34")
