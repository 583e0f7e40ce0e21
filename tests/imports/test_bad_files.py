"""Files that go wrong: each is refused whole before anything is written, or loses only its bad rows, with a
message naming the row, the column or the field."""

import io

import pytest
from sqlalchemy import func, select

from helpdesk.codes.models import Code
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.imports.engine import import_file
from helpdesk.imports.kinds import PARTICIPANTS
from helpdesk.participants.models import Participant
from tests.factories import SYSTEM
from tests.imports.conftest import Rejected, csv_file, run_import, with_cached_formula, with_macros, xlsx_file
from tests.imports.test_files import PL_HEADER, PL_ROWS


def described(error: ValidationError) -> str:
    return "; ".join(f"{name}: {message}" for name, message in error.fields.items())


def participants_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Participant))


@pytest.mark.parametrize("filename, data, message", [
    pytest.param("empty.csv", b"", "file: is empty", id="empty"),
    pytest.param("blank.csv", b"\xef\xbb\xbf\r\n  \r\n", "file: is empty", id="only-a-bom-and-blank-lines"),
    pytest.param("dup.csv", csv_file([["Nr uczestnika", "Imię", "Telefon", "Telefon"], ["P-1", "Ala", "1", "2"]]),
                 "columns 3 ('Telefon') and 4 ('Telefon') are both phone: keep one", id="duplicate-headers"),
    pytest.param("nokey.csv", csv_file([["Imię", "Nazwisko"], ["Ala", "Nowak"]]),
                 "file: has no column for external_id, which every row needs (found: Imię, Nazwisko)",
                 id="unmapped-required-column"),
    pytest.param("macro.xlsm", xlsx_file({"A": [PL_HEADER, *PL_ROWS]}), "file: is a workbook with macros",
                 id="xlsm-by-name"),
    pytest.param("macro.xlsx", with_macros(xlsx_file({"A": [PL_HEADER, *PL_ROWS]})), "file: holds macros",
                 id="xlsx-holding-macros"),
    pytest.param("old.xls", b"\xd0\xcf\x11\xe0", "old Excel format", id="xls"),
    pytest.param("fake.xlsx", csv_file([PL_HEADER, *PL_ROWS]), "file: is not a readable Excel workbook",
                 id="csv-named-xlsx"),
    pytest.param("empty.xlsx", xlsx_file({"Pusty": []}), "file: has no rows on sheet Pusty", id="empty-sheet"),
])
def test_a_file_that_cannot_be_read_is_refused_whole_with_the_reason(program, filename, data, message):
    with pytest.raises(ValidationError) as refused:
        run_import("participants", program, data, filename)
    assert message in described(refused.value)
    assert participants_count() == 0


def test_an_unknown_sheet_is_refused_naming_the_sheets_there_are(program):
    data = xlsx_file({"Uczestnicy": [PL_HEADER, *PL_ROWS], "Stare": [PL_HEADER]})
    with pytest.raises(ValidationError) as refused:
        run_import("participants", program, data, "u.xlsx", sheet="Nowe")
    assert described(refused.value) == "sheet: no sheet 'Nowe' in the workbook (it has: Uczestnicy, Stare)"


def test_several_sheets_read_the_first_and_a_title_merged_above_the_header_is_skipped(program):
    first = [["Lista uczestników – listopad 2026"], PL_HEADER, *PL_ROWS]
    data = xlsx_file({"Uczestnicy": first, "Inne": [PL_HEADER, ["PP-9", "Ola", "X", "", "", "1"]]},
                     merged={"Uczestnicy": ["A1:F1"]})
    summary, _ = run_import("participants", program, data, "u.xlsx")
    assert summary.created == 2 and {p.external_id for p in db.session.scalars(select(Participant))} == {
        "PP-100001", "PP-100002"}


def test_formula_cells_import_the_value_excel_computed(program):
    data = with_cached_formula(xlsx_file({"Uczestnicy": [PL_HEADER, *PL_ROWS]}), "F2", "SUM(4000,500)", 4500)
    run_import("participants", program, data, "u.xlsx")
    assert db.session.scalar(select(Participant.points_balance).where(Participant.external_id == "PP-100001")) == 4500


def test_a_header_only_file_imports_nothing_and_says_so(program):
    summary, rejected = run_import("participants", program, csv_file([PL_HEADER]))
    assert (summary.rows, rejected) == (0, [])


def test_rows_in_another_encoding_than_the_file_are_rejected_alone_and_written_back_as_they_came(program):
    good = csv_file([PL_HEADER, PL_ROWS[0]], delimiter=";")
    bad = csv_file([PL_ROWS[1]], encoding="cp1250", delimiter=";")
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape", newline="")
    summary = import_file(PARTICIPANTS, program, io.BytesIO(good + bad), "mixed.csv", actor=SYSTEM, source="t",
                          rejected=Rejected.__bases__[0](lambda: out))
    out.flush()
    written = out.buffer.getvalue()
    assert (summary.created, summary.rejected) == (1, 1)
    assert b"3,PP-100002" in written and "Ściegienna".encode("cp1250") in written
    assert b"the row is not valid UTF-8 (save the file as UTF-8)" in written


def test_quoted_newlines_keep_the_line_numbers_of_the_rows_after_them(program):
    data = csv_file([[*PL_HEADER, "Uwagi"], [*PL_ROWS[0], "dzwonić\npo 16:00"], ["PP-3", "", "Nowak", "", "", "5", ""]])
    summary, rejected = run_import("participants", program, data)
    assert (summary.created, summary.ignored_columns) == (1, ["Uwagi"])
    assert [(r["line"], r["reason"]) for r in rejected] == [("4", "first_name: is required")]


def test_bad_values_are_rejected_naming_the_line_and_field_and_formulas_are_neutralised(program):
    rows = [["P-1", "Ala", "Nowak", "12", "", "4 500"], ["P-2", "=HYPERLINK(\"http://x\")", "N", "", "nope", "4,5"],
            ["P-1", "Ala", "Nowak", "", "", "1"], ["P-3", "Ola", "N", "", "", ""]]
    summary, rejected = run_import("participants", program, csv_file([PL_HEADER, *rows]))
    assert (summary.created, summary.rejected) == (1, 3)
    reasons = {r["line"]: r["reason"] for r in rejected}
    assert reasons["2"] == "phone: is not a phone number"
    assert reasons["3"].startswith("email: is not a valid email address") and "points_balance: must be a whole" in (
        reasons["3"])
    assert reasons["4"] == "external_id: duplicate of line 2"
    assert rejected[1]["Imię"] == "'=HYPERLINK(\"http://x\")"


def test_a_code_given_twice_with_different_statuses_is_rejected_the_second_time_saying_which(program):
    data = csv_file([["Kod", "Status"], ["AB-1", "valid"], ["ab-1 ", "used"], ["AB-2", "valid"], ["ab-2", "valid"]])
    summary, rejected = run_import("codes", program, data)
    assert (summary.created, summary.rejected) == (2, 2)
    assert [(r["line"], r["reason"]) for r in rejected] == [
        ("3", "value: given again with another status (line 2 has valid)"), ("5", "value: duplicate of line 4")]
    assert db.session.scalar(select(Code.status).where(Code.key == "AB-1")).value == "valid"


def test_an_unknown_status_word_rejects_the_row_naming_the_field(program):
    summary, rejected = run_import("codes", program, csv_file([["Kod", "Status"], ["Q-1", "Może"]]))
    assert summary.rejected == 1 and rejected[0]["reason"].startswith("status: must be one of valid, used")
