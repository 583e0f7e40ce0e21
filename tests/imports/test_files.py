"""Real-looking files, one per encoding, delimiter and format, imported as a program's team exports them."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from helpdesk.codes.models import Code
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.rewards.models import RewardOrder
from tests.imports.conftest import EXCEL_DAY, csv_file, run_import, xlsx_file

PL_HEADER = ["Nr uczestnika", "Imię", "Nazwisko", "Telefon", "E-mail", "Punkty"]
PL_ROWS = [["PP-100001", "Łucja", "Wiśniewska", "600 100 200", "lucja@example.pl", "4 500"],
           ["PP-100002", "Żaneta", "Ściegienna-Źróbek", "+48 601 200 300", "", "1.250"]]
PL_SAVED = {("PP-100001", "Łucja", "Wiśniewska", "+48600100200", "lucja@example.pl", 4500),
            ("PP-100002", "Żaneta", "Ściegienna-Źróbek", "+48601200300", None, 1250)}
RU_HEADER = ["Номер участника", "Имя", "Фамилия", "Телефон", "Баллы"]
RU_ROWS = [["RU-1", "Алёна", "Щукина", "8 916 123-45-67", "1 000"], ["RU-2", "Юрий", "Ёлкин", "", "0"]]
RU_SAVED = {("RU-1", "Алёна", "Щукина", "+79161234567", None, 1000), ("RU-2", "Юрий", "Ёлкин", None, None, 0)}
EN_HEADER = ["external_id", "first_name", "last_name", "phone", "email", "points_balance"]


def saved_participants(program) -> set[tuple]:
    return {(p.external_id, p.first_name, p.last_name, p.phone, p.email, p.points_balance)
            for p in db.session.scalars(select(Participant).where(Participant.program_id == program.id))}


@pytest.mark.parametrize("filename, data", [
    pytest.param("uczestnicy.csv", csv_file([PL_HEADER, *PL_ROWS], encoding="cp1250", delimiter=";"),
                 id="windows-1250-semicolon"),
    pytest.param("uczestnicy.csv", csv_file([PL_HEADER, *PL_ROWS], encoding="iso8859_2", delimiter=";"),
                 id="iso-8859-2-semicolon"),
    pytest.param("uczestnicy.csv", csv_file([PL_HEADER, *PL_ROWS], bom=True), id="utf-8-bom-comma"),
    pytest.param("participants.tsv", csv_file([EN_HEADER, *PL_ROWS], delimiter="\t"), id="utf-8-tab-english"),
    pytest.param("uczestnicy.xlsx", xlsx_file({"Uczestnicy": [PL_HEADER, *PL_ROWS]}), id="xlsx"),
    pytest.param("uczestnicy.xlsx", xlsx_file({"Uczestnicy": [PL_HEADER, [*PL_ROWS[0][:3], 600100200, PL_ROWS[0][4],
                                                                          4500], PL_ROWS[1]]}),
                 id="xlsx-numbers-as-numbers"),
])
def test_a_polish_participant_file_loads_whatever_program_made_it(program, filename, data):
    summary, rejected = run_import("participants", program, data, filename)
    assert (summary.created, summary.rejected, rejected) == (2, 0, [])
    assert saved_participants(program) == PL_SAVED


@pytest.mark.parametrize("data", [
    pytest.param(csv_file([RU_HEADER, *RU_ROWS], encoding="cp1251", delimiter=";"), id="windows-1251-semicolon"),
    pytest.param(csv_file([RU_HEADER, *RU_ROWS], encoding="cp1251", delimiter="\t"), id="windows-1251-tab"),
    pytest.param(csv_file([RU_HEADER, *RU_ROWS]), id="utf-8-comma"),
])
def test_a_russian_participant_file_loads_with_national_phone_numbers(ru_program, data):
    summary, _ = run_import("participants", ru_program, data)
    assert summary.created == 2 and saved_participants(ru_program) == RU_SAVED


def test_importing_the_same_file_again_changes_nothing(program):
    data = csv_file([PL_HEADER, *PL_ROWS], encoding="cp1250", delimiter=";")
    run_import("participants", program, data)
    stamps = {p.external_id: p.updated_at for p in db.session.scalars(select(Participant))}
    again, _ = run_import("participants", program, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert {p.external_id: p.updated_at for p in db.session.scalars(select(Participant))} == stamps


def test_a_file_with_some_columns_updates_only_those(program):
    run_import("participants", program, csv_file([PL_HEADER, *PL_ROWS]))
    summary, rejected = run_import("participants", program, csv_file([["ID uczestnika", "Saldo"],
                                                                      ["PP-100001", "5 000"], ["PP-NEW", "10"]]))
    assert (summary.updated, summary.rejected) == (1, 1)
    assert rejected[0]["reason"] == "first_name: is required"
    lucja = db.session.scalar(select(Participant).where(Participant.external_id == "PP-100001"))
    assert (lucja.points_balance, lucja.first_name, lucja.phone) == (5000, "Łucja", "+48600100200")


ORDER_HEADER = ["Nr zamówienia", "Nr uczestnika", "Indeks", "Nagroda", "Typ nagrody", "Punkty", "Data zamówienia",
                "Status", "Przewoźnik", "Nr przesyłki", "Planowana dostawa", "Adres dostawy"]
ORDER_ROWS = [["ZAM/2026/00133", "PP-100001", "HEAD-01", "Słuchawki bezprzewodowe", "Rzeczowa", "4 500,00",
               "08.11.2026 14:30", "Wysłane", "InPost", "6200 1234", "12.11.2026", "ul. Żółta 5\n00-001 Warszawa"],
              ["ZAM/2026/00134", "PP-100002", "BON-50", "Bon do kina", "Bon", "500", "8.11.2026", "Dostarczone",
               "", "", "", ""]]
ORDERS_SAVED = {("ZAM/2026/00133", "shipped", "physical", 4500, datetime(2026, 11, 8, 13, 30, tzinfo=UTC)),
                ("ZAM/2026/00134", "delivered", "voucher", 500, datetime(2026, 11, 7, 23, 0, tzinfo=UTC))}


@pytest.fixture
def members(make, program):
    return [make.participant(program, external_id=f"PP-10000{n}") for n in (1, 2)]


def saved_orders(program) -> set[tuple]:
    return {(o.order_ref, o.status.value, o.reward_type.value, o.points_spent, o.ordered_at)
            for o in db.session.scalars(select(RewardOrder).where(RewardOrder.program_id == program.id))}


@pytest.mark.parametrize("filename, data", [
    pytest.param("zamowienia.csv", csv_file([ORDER_HEADER, *ORDER_ROWS], encoding="cp1250", delimiter=";"),
                 id="windows-1250-semicolon-quoted-newline"),
    pytest.param("zamowienia.csv", csv_file([ORDER_HEADER, *ORDER_ROWS], bom=True, delimiter="\t"),
                 id="utf-8-bom-tab"),
    pytest.param("zamowienia.xlsx", xlsx_file({"Zamówienia": [ORDER_HEADER, [*ORDER_ROWS[0][:5], 4500.0, EXCEL_DAY,
                                                                             *ORDER_ROWS[0][7:]], ORDER_ROWS[1]]}),
                 id="xlsx-excel-dates-and-numbers"),
])
def test_a_polish_order_file_loads_with_local_numbers_dates_and_status_words(program, members, filename, data):
    summary, rejected = run_import("orders", program, data, filename)
    assert (summary.created, rejected) == (2, [])
    assert saved_orders(program) == ORDERS_SAVED
    order = db.session.scalar(select(RewardOrder).where(RewardOrder.order_ref == "ZAM/2026/00133"))
    assert order.shipping_address == "ul. Żółta 5\n00-001 Warszawa" and order.expected_delivery.isoformat() == (
        "2026-11-12")


def test_an_order_status_update_file_changes_only_the_statuses(program, members):
    run_import("orders", program, csv_file([ORDER_HEADER, *ORDER_ROWS], encoding="cp1250", delimiter=";"))
    summary, _ = run_import("orders", program, csv_file([["Nr zamówienia", "Status"], ["ZAM/2026/00133", "Doręczone"]],
                                                        encoding="cp1250", delimiter=";"))
    order = db.session.scalar(select(RewardOrder).where(RewardOrder.order_ref == "ZAM/2026/00133"))
    assert summary.updated == 1 and order.status.value == "delivered" and order.carrier == "InPost"


CODE_ROWS = [["AB12 CD34", "ważny", "50", "", "31.01.2027"], ["XY-9", "Wykorzystany", "20", "PP-100001", ""]]


@pytest.mark.parametrize("filename, data, options", [
    pytest.param("kody.csv", csv_file([["Kod", "Status", "Punkty", "Nr uczestnika", "Ważny do"], *CODE_ROWS],
                                      encoding="cp1250", delimiter=";"), {}, id="windows-1250-semicolon"),
    pytest.param("codes.csv", csv_file([["code", "status", "points", "participant_external_id", "expires_at"],
                                        *CODE_ROWS]), {}, id="utf-8-comma"),
    pytest.param("kody.xlsx", xlsx_file({"Instrukcja": [["Prosimy nie zmieniać nagłówków"]],
                                         "Kody": [["Kod", "Status", "Punkty", "Nr uczestnika", "Ważny do"],
                                                  *CODE_ROWS]}), {"sheet": "Kody"}, id="xlsx-chosen-sheet"),
])
def test_a_code_file_loads_into_the_register(program, members, filename, data, options):
    summary, rejected = run_import("codes", program, data, filename, **options)
    assert (summary.created, rejected) == (2, [])
    codes = {c.key: c for c in db.session.scalars(select(Code))}
    assert set(codes) == {"AB12CD34", "XY-9"}
    assert (codes["AB12CD34"].value, codes["AB12CD34"].status.value, codes["AB12CD34"].points) == (
        "AB12 CD34", "valid", 50)
    assert codes["AB12CD34"].expires_at == datetime(2027, 1, 30, 23, 0, tzinfo=UTC)
    assert codes["XY-9"].participant == members[0] and codes["XY-9"].status.value == "used"


def test_a_russian_code_file_in_windows_1251_with_tabs(ru_program):
    data = csv_file([["Код", "Статус", "Баллы"], ["zx 1", "Использован", "10"], ["ZX2", "Действителен", "5"]],
                    encoding="cp1251", delimiter="\t")
    summary, _ = run_import("codes", ru_program, data)
    assert summary.created == 2
    assert {(c.key, c.status.value) for c in db.session.scalars(select(Code))} == {("ZX1", "used"), ("ZX2", "valid")}
