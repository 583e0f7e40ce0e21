"""``flask participants import`` and ``flask codes import``: the engine from the command line."""

from sqlalchemy import select

from helpdesk.codes.models import Code
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from tests.imports.conftest import csv_file, xlsx_file
from tests.imports.test_files import PL_HEADER, PL_ROWS


def test_a_polish_participant_file_is_imported_with_a_progress_bar_and_a_summary(runner, program, tmp_path):
    path = tmp_path / "uczestnicy.csv"
    path.write_bytes(csv_file([PL_HEADER, *PL_ROWS, ["PP-3", "", "X", "", "", ""]], encoding="cp1250",
                              delimiter=";"))
    result = runner.invoke(args=["participants", "import", str(path), "--program", program.code])
    assert result.exit_code == 0, result.output
    assert "uczestnicy.csv: 3 rows: 2 created, 0 updated, 0 unchanged, 1 rejected" in result.stdout
    assert "Importing" in result.stderr
    assert f"Rejected rows and their reasons: {tmp_path / 'uczestnicy.rejected.csv'}" in result.stdout
    assert {p.external_id for p in db.session.scalars(select(Participant))} == {"PP-100001", "PP-100002"}


def test_a_file_that_can_only_update_says_so_before_importing(runner, program, tmp_path):
    path = tmp_path / "saldo.csv"
    path.write_bytes(csv_file([["Nr uczestnika", "Punkty"], ["PP-1", "5"]]))
    result = runner.invoke(args=["participants", "import", str(path), "--program", program.code])
    assert "No column for first_name: only existing participants are updated." in result.stderr
    assert "1 rejected" in result.stdout


def test_a_code_workbook_sheet_is_imported_and_a_bad_one_named(runner, program, tmp_path):
    path = tmp_path / "kody.xlsx"
    path.write_bytes(xlsx_file({"Opis": [["Kody promocji"]],
                                "Kody": [["Kod", "Status", "Punkty"], ["K-1", "ważny", 5]]}))
    result = runner.invoke(args=["codes", "import", str(path), "--program", program.code, "--sheet", "Kody"])
    assert result.exit_code == 0 and "1 created" in result.stdout
    assert db.session.scalar(select(Code.points)) == 5
    wrong = runner.invoke(args=["codes", "import", str(path), "--program", program.code, "--sheet", "Nope"])
    assert wrong.exit_code != 0 and "kody.xlsx: sheet no sheet 'Nope' in the workbook (it has: Opis, Kody)" in (
        wrong.output)
