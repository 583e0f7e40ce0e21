"""The import of reward-order files (the engine with the orders kind): streamed in chunks, upserts by reference,
every bad row rejected alone."""

import csv
import io
import tracemalloc
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select

from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.imports.engine import RejectedRows, import_file
from helpdesk.imports.kinds import ORDERS
from helpdesk.rewards.models import OrderStatus, OrderStatusChange, RewardOrder
from helpdesk.rewards.orders import status_histories
from tests.factories import SYSTEM
from tests.rewards.conftest import csv_bytes, csv_row


class Rejected(RejectedRows):
    """Rejected rows kept in memory, readable as dicts."""

    def __init__(self):
        self.buffer = io.StringIO()
        super().__init__(lambda: self.buffer)

    def rows(self) -> list[dict]:
        return list(csv.DictReader(io.StringIO(self.buffer.getvalue())))


def run_import(program, data: bytes, **options):
    rejected = Rejected()
    summary = import_orders(program, io.BytesIO(data), source="CSV import test.csv", rejected=rejected, **options)
    db.session.expire_all()
    return summary, rejected.rows()


def import_orders(program, stream, **options):
    return import_file(ORDERS, program, stream, "test.csv", actor=SYSTEM, **options)


def orders_of(program) -> dict[str, RewardOrder]:
    return {o.order_ref: o for o in db.session.scalars(select(RewardOrder).filter_by(program_id=program.id))}


def history_of(order) -> list[tuple]:
    return [(step.old_status, step.status, step.source) for step in status_histories([order])[order.id]]


def test_a_good_file_creates_every_order_with_its_first_status_in_the_history(make, program):
    anna, piotr = make.participant(program), make.participant(program)
    data = csv_bytes([csv_row(anna, "A-1"), csv_row(piotr, "A-2", reward_type="e_code", status="delivered",
                                                     points_spent="300", expected_delivery="", carrier="")])
    summary, rejected = run_import(program, data)
    assert (summary.created, summary.updated, summary.unchanged, summary.rejected) == (2, 0, 0, 0)
    assert rejected == []
    orders = orders_of(program)
    assert orders["A-2"].participant == piotr and orders["A-2"].points_spent == 300
    assert orders["A-2"].expected_delivery is None and orders["A-2"].carrier is None
    assert orders["A-1"].ordered_at.isoformat() == "2024-05-01T10:00:00+00:00"
    assert history_of(orders["A-1"]) == [(None, OrderStatus.SHIPPED, "CSV import test.csv")]


def test_importing_the_same_file_again_changes_nothing(make, program):
    participant = make.participant(program)
    data = csv_bytes([csv_row(participant, f"R-{n}") for n in range(5)] + [csv_row(participant, "R-0")])
    first, _ = run_import(program, data)
    stamps = {ref: o.updated_at for ref, o in orders_of(program).items()}
    again, rejected = run_import(program, data)
    assert (first.created, first.rejected) == (5, 1)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 5, 1)
    assert [r["reason"] for r in rejected] == ["order_ref: duplicate of line 2"]
    assert {ref: o.updated_at for ref, o in orders_of(program).items()} == stamps
    assert db.session.scalar(select(func.count()).select_from(OrderStatusChange)) == 0


def test_a_changed_row_updates_the_order_and_only_a_status_change_adds_to_its_history(make, program):
    participant = make.participant(program)
    run_import(program, csv_bytes([csv_row(participant, "C-1"), csv_row(participant, "C-2")]))
    summary, _ = run_import(program, csv_bytes([
        csv_row(participant, "C-1", status="delivered"),
        csv_row(participant, "C-2", tracking_number="DPD999"),
    ]))
    orders = orders_of(program)
    assert (summary.updated, summary.unchanged) == (2, 0)
    assert orders["C-1"].status == OrderStatus.DELIVERED
    assert history_of(orders["C-1"]) == [(None, OrderStatus.SHIPPED, "CSV import test.csv"),
                                         (OrderStatus.SHIPPED, OrderStatus.DELIVERED, "CSV import test.csv")]
    assert db.session.scalar(select(func.count()).select_from(OrderStatusChange)) == 1
    assert orders["C-2"].tracking_number == "DPD999" and len(history_of(orders["C-2"])) == 1


def test_bad_rows_are_rejected_with_their_reason_and_the_valid_rows_are_imported(make, program):
    participant = make.participant(program)
    rows = [
        csv_row(participant, "OK-1"),
        csv_row(participant, "BAD-DATE", ordered_at="01/05/2024"),
        csv_row(participant, "NEG", points_spent="-5"),
        csv_row(participant, "NAN", points_spent="lots"),
        csv_row(participant, "WHO", participant_external_id="NOBODY"),
        csv_row(participant, "STATUS", status="teleported", reward_type="hologram"),
        csv_row(participant, "OK-1", reward_name="Same reference again"),
        csv_row(participant, "EXP", expected_delivery="next week"),
        csv_row(participant, "", reward_name=""),
        csv_row(participant, "OK-2"),
    ]
    summary, rejected = run_import(program, csv_bytes(rows))
    assert (summary.created, summary.rejected) == (2, 8)
    assert set(orders_of(program)) == {"OK-1", "OK-2"}
    reasons = {r["order_ref"]: (r["line"], r["reason"]) for r in rejected}
    assert reasons["BAD-DATE"] == ("3", "ordered_at: is not an ISO 8601 date or date-time (e.g. 2024-05-01T14:30:00Z)")
    assert reasons["NEG"][1] == "points_spent: must be 0 or more"
    assert reasons["NAN"][1] == "points_spent: must be a whole number of points"
    assert reasons["WHO"][1] == f"participant_external_id: no participant 'NOBODY' in program {program.code}"
    assert reasons["STATUS"][1].startswith("reward_type: must be one of physical, voucher, e_code; status: must be")
    assert reasons["OK-1"] == ("8", "order_ref: duplicate of line 2")
    assert reasons["EXP"][1] == "expected_delivery: is not an ISO 8601 date (YYYY-MM-DD)"
    assert reasons[""][1] == "order_ref: is required; reward_name: is required"
    assert list(rejected[0]) == ["line", *ORDERS.fields, "reason"]


def test_formula_cells_of_rejected_rows_are_written_back_neutralised(make, program):
    participant = make.participant(program)
    formula = "=cmd|' /C calc'!A0"
    rows = [csv_row(participant, "+F-1", reward_name=formula, points_spent="lots"),
            csv_row(participant, "F-2", participant_external_id="@SUM(1+1)")]
    _, rejected = run_import(program, csv_bytes(rows))
    assert [(r["order_ref"], r["reward_name"]) for r in rejected] == [("'+F-1", "'" + formula),
                                                                     ("F-2", "Wireless headphones")]
    assert rejected[1]["participant_external_id"] == "'@SUM(1+1)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rejected for cell in row.values())


def test_a_row_with_too_few_or_too_many_fields_is_rejected(make, program):
    participant = make.participant(program)
    good = csv_bytes([csv_row(participant, "G-1")]).decode()
    data = (good + "SHORT,M1,SKU\n" + good.splitlines()[1].replace("G-1", "LONG") + ",extra\n").encode()
    summary, rejected = run_import(program, data)
    assert (summary.created, summary.rejected) == (1, 2)
    assert [r["reason"] for r in rejected] == ["the row has 3 fields, the header has 13",
                                               "the row has 14 fields, the header has 13"]


def test_rows_that_are_not_utf8_are_rejected_alone_and_written_back_as_they_came(make, program):
    participant = make.participant(program)
    header_and_good = csv_bytes([csv_row(participant, "U-1", reward_name="Słuchawki")])
    bad = csv_bytes([csv_row(participant, "U-2", reward_name="Słuchawki")], encoding="cp1250").split(b"\r\n", 1)[1]
    rejected_rows = RejectedRows(lambda: out)
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape", newline="")
    summary = import_orders(program, io.BytesIO(header_and_good + bad), source="t", rejected=rejected_rows)
    out.flush()
    written = out.buffer.getvalue()
    assert (summary.created, summary.rejected) == (1, 1)
    assert orders_of(program)["U-1"].reward_name == "Słuchawki"
    assert b"the row is not valid UTF-8" in written and "Słuchawki".encode("cp1250") in written


def test_a_file_without_the_order_reference_column_is_refused_whole_naming_it(make, program):
    participant = make.participant(program)
    data = csv_bytes([csv_row(participant, "M-1")], columns=[c for c in ORDERS.fields if c != "order_ref"])
    with pytest.raises(ValidationError, match="has no column for order_ref, which every row needs"):
        run_import(program, data)
    assert orders_of(program) == {}


def test_a_file_of_references_and_statuses_updates_only_the_statuses(make, program):
    participant = make.participant(program)
    run_import(program, csv_bytes([csv_row(participant, "S-1", tracking_number="DPD1")]))
    data = b"order_ref,status\nS-1,delivered\nS-NEW,shipped\n"
    summary, rejected = run_import(program, data)
    order = orders_of(program)["S-1"]
    assert (summary.updated, summary.rejected) == (1, 1)
    assert order.status == OrderStatus.DELIVERED and order.tracking_number == "DPD1"
    assert rejected[0]["reason"].startswith("participant_external_id: is required for a new order")


def test_a_file_that_is_not_text_in_a_known_encoding_is_refused_at_the_header(program):
    with pytest.raises(ValidationError, match="has no column for order_ref"):
        run_import(program, ",".join(ORDERS.fields).encode("utf-16"))


def test_a_byte_order_mark_and_extra_columns_are_accepted(make, program):
    participant = make.participant(program)
    data = b"\xef\xbb\xbf" + csv_bytes([{**csv_row(participant, "B-1"), "loyalty_tier": "gold"}],
                                       columns=[*ORDERS.fields, "loyalty_tier"])
    summary, _ = run_import(program, data)
    assert (summary.created, summary.ignored_columns) == (1, ["loyalty_tier"])


class GeneratedCsv(io.RawIOBase):
    """A CSV produced while it is read: the whole file never exists in memory."""

    def __init__(self, participants, rows: int):
        self.lines = self._lines(participants, rows)
        self.pending = b""

    @staticmethod
    def _lines(participants, rows):
        yield csv_bytes([])
        for n in range(rows):
            participant = participants[n % len(participants)]
            yield csv_bytes([csv_row(participant, f"BIG-{n:07d}", points_spent=str(n % 5000))]).split(b"\r\n", 1)[1]

    def readable(self):
        return True

    def readinto(self, buffer):
        while len(self.pending) < len(buffer):
            try:
                self.pending += next(self.lines)
            except StopIteration:
                break
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size


def test_a_large_file_is_streamed_in_chunks_with_a_few_queries_each_and_bounded_memory(make, program):
    participants = [SimpleNamespace(external_id=make.participant(program).external_id) for _ in range(7)]
    statements = []
    chunks = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    tracemalloc.start()
    try:
        summary = import_orders(program, io.BufferedReader(GeneratedCsv(participants, 12_000)),
                                source="big", rejected=Rejected(), chunk_size=2_000,
                                on_chunk=lambda s: chunks.append(s.rows))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        event.remove(db.engine, "before_cursor_execute", count)
    assert (summary.created, summary.rejected) == (12_000, 0)
    assert chunks == [2_000, 4_000, 6_000, 8_000, 10_000, 12_000, 12_000]
    # Per chunk, its unit of work: the savepoints (in tests) that end the last one and begin this one, the
    # program (expired by the commit), existing orders, insert orders, release, the chunk's audit row; the
    # participants are looked up once per import, and so is the program's import profile; never a statement per row.
    assert len(statements) <= 7 * 7 + 2
    assert peak < 40 * 2**20
    assert db.session.scalar(select(func.count()).select_from(RewardOrder)) == 12_000
