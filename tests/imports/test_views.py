"""Upload → preview → confirm for managers: the columns recognised or mapped, the words mapped, the rows shown as
they will be saved, nothing written before the confirmation, the mapping remembered for the next file."""

import io
import re

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.imports.models import ImportProfile
from helpdesk.participants.models import Participant
from helpdesk.rewards.models import RewardOrder
from tests.conftest import csrf_token, login
from tests.imports.conftest import csv_file
from tests.imports.test_files import ORDER_HEADER, ORDER_ROWS, PL_HEADER, PL_ROWS


@pytest.fixture(autouse=True)
def _imports_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORTS_DIR", str(tmp_path / "imports"))


@pytest.fixture
def manager_client(client, make, program):
    login(client, make.user(role="manager", programs=[program]))
    return client


def upload(client, program, kind: str, data: bytes, filename: str = "file.csv"):
    return client.post("/imports/", data={"csrf_token": csrf_token(client, "/imports/"), "program": program.code,
                                          "kind": kind, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def review_url(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def post_review(client, url: str, action: str, fields: dict):
    return client.post(url, data={"csrf_token": csrf_token(client, "/imports/"), "action": action, **fields})


def participants() -> dict[str, Participant]:
    return {p.external_id: p for p in db.session.scalars(select(Participant))}


def test_a_polish_file_is_previewed_as_it_will_be_saved_and_written_only_on_confirmation(manager_client, program):
    data = csv_file([[*PL_HEADER, "Oddział"], *[[*row, "Kraków"] for row in PL_ROWS]], encoding="cp1250",
                    delimiter=";")
    url = review_url(upload(manager_client, program, "participants", data, "uczestnicy.csv"))
    page = manager_client.get(url).get_data(as_text=True)
    assert "Read as cp1250, separated by semicolons." in page
    assert '<option value="first_name" selected>' in page and "+48600100200" in page and "4500" in page
    assert participants() == {}
    confirmed = post_review(manager_client, url, "confirm", {
        "column-0": "external_id", "column-1": "first_name", "column-2": "last_name", "column-3": "phone",
        "column-4": "email", "column-5": "points_balance", "column-6": ""})
    done = confirmed.get_data(as_text=True)
    assert confirmed.status_code == 200 and "2 rows: 2 created, 0 updated, 0 unchanged, 0 rejected" in done
    assert "Ignored columns: Oddział" in done
    assert participants()["PP-100001"].last_name == "Wiśniewska"
    assert manager_client.get(url).status_code == 404  # the upload is gone once imported


def test_an_unknown_column_is_mapped_on_the_preview_and_remembered_for_the_next_file(manager_client, program):
    header = ["Nr uczestnika", "Imię", "Komórka"]
    url = review_url(upload(manager_client, program, "participants", csv_file([header, ["P-1", "Ala", "600100200"]])))
    assert '<option value="phone" selected>' not in manager_client.get(url).get_data(as_text=True)
    mapped = post_review(manager_client, url, "preview", {"column-0": "external_id", "column-1": "first_name",
                                                          "column-2": "phone"}).get_data(as_text=True)
    assert "+48600100200" in mapped and participants() == {}
    post_review(manager_client, url, "confirm", {"column-0": "external_id", "column-1": "first_name",
                                                 "column-2": "phone"})
    assert participants()["P-1"].phone == "+48600100200"
    profile = db.session.scalar(select(ImportProfile))
    assert (profile.kind, profile.columns) == ("participants", {"Nr uczestnika": "external_id",
                                                                 "Imię": "first_name", "Komórka": "phone"})
    again = review_url(upload(manager_client, program, "participants", csv_file([header, ["P-2", "Ola", "601"]])))
    assert '<option value="phone" selected>' in manager_client.get(again).get_data(as_text=True)


def test_unknown_status_words_are_asked_for_and_the_answer_is_used_and_remembered(manager_client, program, make):
    make.participant(program, external_id="PP-100001")
    rows = [[*ORDER_ROWS[0][:7], "Wysyłka częściowa", *ORDER_ROWS[0][8:]]]
    url = review_url(upload(manager_client, program, "orders", csv_file([ORDER_HEADER, *rows], delimiter=";")))
    page = manager_client.get(url).get_data(as_text=True)
    assert 'name="word-status-0" value="Wysyłka częściowa"' in page and "status: must be one of" in page
    columns = {f"column-{n}": name for n, name in enumerate(
        ["order_ref", "participant_external_id", "reward_sku", "reward_name", "reward_type", "points_spent",
         "ordered_at", "status", "carrier", "tracking_number", "expected_delivery", "shipping_address"])}
    done = post_review(manager_client, url, "confirm", {**columns, "word-status-0": "Wysyłka częściowa",
                                                        "value-status-0": "shipped"}).get_data(as_text=True)
    assert "1 created" in done
    assert db.session.scalar(select(RewardOrder.status)).value == "shipped"
    assert db.session.scalar(select(ImportProfile.choices)) == {"status": {"Wysyłka częściowa": "shipped"}}


def test_a_file_without_its_key_column_cannot_be_confirmed_and_nothing_is_written(manager_client, program):
    url = review_url(upload(manager_client, program, "participants", csv_file([["Imię"], ["Ala"]])))
    page = manager_client.get(url).get_data(as_text=True)
    assert "has no column for external_id, which every row needs" in page and "disabled" in page
    refused = post_review(manager_client, url, "confirm", {"column-0": "first_name"})
    assert refused.status_code == 422 and "Nothing was written." in refused.get_data(as_text=True)
    assert participants() == {}


def test_two_columns_for_one_field_are_named_on_the_preview(manager_client, program):
    data = csv_file([["Nr uczestnika", "Telefon", "Telefon"], ["P-1", "1", "2"]])
    page = manager_client.get(review_url(upload(manager_client, program, "participants", data))).get_data(
        as_text=True)
    assert "columns 2 (&#39;Telefon&#39;) and 3 (&#39;Telefon&#39;) are both phone: keep one" in page


def test_rejected_rows_download_with_reasons_for_their_program_only(manager_client, client, make, program):
    data = csv_file([PL_HEADER, PL_ROWS[0], ["PP-9", "", "X", "", "", "=1+1"]])
    url = review_url(upload(manager_client, program, "participants", data))
    done = post_review(manager_client, url, "confirm", {"column-0": "external_id", "column-1": "first_name",
                                                        "column-2": "last_name", "column-5": "points_balance"})
    link = re.search(r'href="(/imports/[^"]+/rejected.csv)"', done.get_data(as_text=True)).group(1)
    rejected = manager_client.get(link)
    text = rejected.get_data(as_text=True)
    assert rejected.status_code == 200 and "first_name: is required" in text and ",'=1+1," in text
    rejected.close()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/cases")})
    login(client, make.user(role="manager", programs=[make.program()]))
    assert client.get(link).status_code == 404
    assert client.get("/imports/../../secret_key/rejected.csv").status_code == 404


def test_a_workbook_with_macros_is_refused_at_the_upload(manager_client, program):
    refused = upload(manager_client, program, "codes", b"PK\x03\x04", "kody.xlsm")
    assert refused.status_code == 422 and "with macros" in refused.get_data(as_text=True)


def test_agents_cannot_import(agent_client):
    assert agent_client.get("/imports/").status_code == 403


def test_the_preview_says_what_each_row_will_become_and_writes_nothing(manager_client, program, make):
    make.participant(program, external_id="PP-1", points_balance=5)
    db.session.commit()
    data = csv_file([["Nr uczestnika", "Punkty"], ["PP-1", "7"], ["PP-1", "7"], ["PP-NEW", "1"]])
    page = manager_client.get(review_url(upload(manager_client, program, "participants", data))).get_data(
        as_text=True)
    assert "The file has no column for first_name: it updates existing participants only" in page
    cells = re.findall(r"<td>(updated|created|unchanged|rejected:[^<]*)</td>", page)
    assert cells == ["updated", "rejected: external_id: duplicate of line 2", "rejected: first_name: is required"]
    db.session.expire_all()
    assert participants()["PP-1"].points_balance == 5 and "PP-NEW" not in participants()
