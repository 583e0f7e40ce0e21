"""The participant export: every kind of record in the JSON and the CSV files, streamed with bounded memory."""

import csv
import io
import json
import tracemalloc
import zipfile

from sqlalchemy import insert

from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.privacy.export import export_zip
from helpdesk.telephony.models import Message


def exported(participant_id: int) -> tuple[zipfile.ZipFile, list]:
    done = []
    archive = zipfile.ZipFile(io.BytesIO(b"".join(export_zip(participant_id, finished=done.append))))
    return archive, done


def csv_rows(archive, name: str) -> list[dict]:
    return list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8")))


def test_the_export_holds_every_kind_of_record(person):
    archive, done = exported(person.participant_id)
    document = json.loads(archive.read("participant.json"))
    assert document["participant"]["email"] == "zenobia.unique@example.org"
    for kind in ("cases", "case_events", "messages", "calls", "survey_answers", "reward_orders"):
        assert document[kind], kind
    assert {m["body"] for m in document["messages"]} >= {
        "Hello, Zenobia here: my parcel never came to Ogrodowa 77", "Dear Zenobia, we are checking with the courier."}
    assert document["calls"][0]["recording_url"].endswith(person.recording_sid)
    assert document["calls"][0]["transcription"] == "This is Zenobia, please call me back"
    assert [s["score"] for s in document["survey_answers"] if s["score"]] == [2]
    assert document["reward_orders"][0]["shipping_address"] == "ul. Ogrodowa 77, 80-001 Gdańsk"
    assert any(e["body"].startswith("Zenobia prefers calls") for e in document["case_events"])
    # as in every CSV we write, a cell a spreadsheet would run as a formula starts with an apostrophe
    assert csv_rows(archive, "participant.csv")[0]["phone"] == "'+48601987654"
    assert len(csv_rows(archive, "messages.csv")) == len(document["messages"])
    assert len(csv_rows(archive, "cases.csv")) == 2
    assert done[0].complete and done[0].rows["messages.csv"] == len(document["messages"])


def test_ten_thousand_messages_are_streamed_in_bounded_memory(make, program):
    participant = make.participant(program)
    body = "x" * 1_000  # 10 MB of message text in all
    db.session.execute(insert(Message), [
        {"program_id": program.id, "participant_id": participant.id, "direction": "inbound",
         "from_number": participant.phone, "to_number": program.hotline_number, "body": f"{n:05d}{body}",
         "status": "received", "created_at": utcnow(), "updated_at": utcnow()} for n in range(10_000)])
    db.session.commit()
    participant_id = participant.id
    db.session.expunge_all()
    tracemalloc.start()
    try:
        size, largest = 0, 0
        for block in export_zip(participant_id, finished=lambda counts: None):
            size, largest = size + len(block), max(largest, len(block))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, f"peak {peak / 2**20:.1f} MB for 20 MB of text (CSV and JSON)"
    assert 0 < largest < 2**20 and size > 100_000


def test_the_export_of_10000_messages_has_them_all(make, program):
    participant = make.participant(program)
    db.session.execute(insert(Message), [
        {"program_id": program.id, "participant_id": participant.id, "direction": "inbound",
         "from_number": participant.phone, "to_number": program.hotline_number, "body": f"text {n}",
         "status": "received", "created_at": utcnow(), "updated_at": utcnow()} for n in range(10_000)])
    archive, done = exported(participant.id)
    assert done[0].rows["messages.csv"] == 10_000
    assert len(json.loads(archive.read("participant.json"))["messages"]) == 10_000
