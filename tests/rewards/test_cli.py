"""``flask orders import``: the CSV import from the command line."""

import csv

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.rewards.models import RewardOrder
from tests.rewards.conftest import csv_bytes, csv_row


def run(runner, *args):
    return runner.invoke(args=["orders", "import", *map(str, args)])


def test_the_import_prints_a_summary_and_writes_the_rejected_rows_beside_the_file(runner, make, program, tmp_path):
    participant = make.participant(program)
    path = tmp_path / "may.csv"
    path.write_bytes(csv_bytes([csv_row(participant, "C-1"), csv_row(participant, "C-2", status="beamed")]))
    result = run(runner, path, "--program", program.code)
    assert result.exit_code == 0, result.output
    assert "may.csv: 2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected" in result.output
    rejected = tmp_path / "may.rejected.csv"
    assert f"Rejected rows and their reasons: {rejected}" in result.output
    rows = list(csv.DictReader(rejected.open()))
    assert [(r["line"], r["order_ref"], r["reason"][:22]) for r in rows] == [("3", "C-2", "status: must be one of")]

    again = run(runner, path, "--program", program.code)
    assert "0 created, 0 updated, 1 unchanged, 1 rejected" in again.output
    assert db.session.scalar(select(func.count()).select_from(RewardOrder)) == 1


def test_a_clean_file_leaves_no_rejected_rows_file_not_even_a_stale_one(runner, make, program, tmp_path):
    participant = make.participant(program)
    path = tmp_path / "clean.csv"
    path.write_bytes(csv_bytes([csv_row(participant, "OK-1")]))
    (tmp_path / "clean.rejected.csv").write_text("from an earlier run")
    assert "1 created" in run(runner, path, "--program", program.code).output
    assert not (tmp_path / "clean.rejected.csv").exists()
    chosen = tmp_path / "out.csv"
    assert "1 unchanged" in run(runner, path, "--program", program.code, "--rejected", chosen).output
    assert not chosen.exists()


def test_the_progress_bar_goes_to_stderr(runner, make, program, tmp_path):
    participant = make.participant(program)
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes([csv_row(participant, f"P-{n}") for n in range(30)]))
    result = run(runner, path, "--program", program.code, "--chunk-size", 10)
    assert result.exit_code == 0 and "Importing" in result.stderr and "Importing" not in result.stdout


def test_an_unknown_program_or_a_file_without_the_reference_column_stops_with_the_reason(runner, program, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("reference,status\nA,shipped\n")
    unknown = run(runner, path, "--program", "NOPE")
    assert unknown.exit_code != 0 and "no program 'NOPE'" in unknown.output
    refused = run(runner, path, "--program", program.code)
    assert refused.exit_code != 0 and "bad.csv: file has no column for order_ref" in refused.output
